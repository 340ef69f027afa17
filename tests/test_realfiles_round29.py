"""Round 29 of lint verdicts on real files from public repositories, against the daemons.

69 real files from 44 repositories not checked before (multipath.conf of Ansible roles,
Juju charms, CSI drivers and Proxmox setups; lvm.conf of LVM 2.02 with ``filter`` and
``locking_type = 3``; iscsid.conf and initiatorname.iscsi; corosync.conf 1.x-3.x from
Puppet (ERB) and Ansible (Jinja) templates, rendered with plausible values; OCFS2
cluster.conf and /etc/default/o2cb; xl domUs and a xen-tools template; drbd .res
templates) plus 14 files rewritten after HOWTOs and guides (cman cluster.conf, ietd.conf,
a CIB, /etc/default/o2cb, xl.conf, xend-config.sxp), each linted alone and in a small
node tree, round-tripped and run through its peer. Every file that parses round-trips;
nothing crashed; no lint error was one the daemon accepts. Fixed: CM010 missed a
``<service>`` naming no failover domain; a Lun line with a blank in its parameters was
two errors (IS020 and XC005); a domU's pygrub under /usr/lib/xen-X.Y now tells which Xen
the dom0 runs (so xl's refusals are errors there). The rest pins verdicts the peers
confirmed. Each file is written in our own words after the real one (cited).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import corosync_test, peer_tool
from lintkit import tree
from xencfg import dumps, lint, load
from xencfg.formats.schema import Version

#: after a CentOS 5 HOWTO's /etc/cluster/cluster.conf (alpha_cluster: fence_manual, an
#: ip and an fs resource, ``<service domain="cluster">`` while the only failover domain
#: is ``myfailoverdomain``)
CMAN = """<?xml version="1.0"?>
<cluster config_version="4" name="webcl">
\t<clusternodes>
\t\t<clusternode name="web1" nodeid="1" votes="1">
\t\t\t<fence><method name="1"><device name="manual" nodename="web1"/></method></fence>
\t\t</clusternode>
\t\t<clusternode name="web2" nodeid="2" votes="1">
\t\t\t<fence><method name="1"><device name="manual" nodename="web2"/></method></fence>
\t\t</clusternode>
\t</clusternodes>
\t<cman expected_votes="1" two_node="1"/>
\t<fencedevices>
\t\t<fencedevice agent="fence_manual" name="manual"/>
\t</fencedevices>
\t<rm>
\t\t<failoverdomains>
\t\t\t<failoverdomain name="webdomain" ordered="0" restricted="1">
\t\t\t\t<failoverdomainnode name="web1" priority="1"/>
\t\t\t\t<failoverdomainnode name="web2" priority="1"/>
\t\t\t</failoverdomain>
\t\t</failoverdomains>
\t\t<resources>
\t\t\t<ip address="192.0.2.238" monitor_link="1"/>
\t\t</resources>
\t\t<service autostart="1" domain="cluster" name="web">
\t\t\t<ip ref="192.0.2.238"/>
\t\t</service>
\t</rm>
</cluster>
"""
HOSTS = "127.0.0.1 localhost\n192.0.2.1 web1\n192.0.2.2 web2\n"


def _cm010(tmp: Path, name: str, text: str) -> list[tuple[str, str, int | None]]:
    nodes = [
        tree(
            tmp / name,
            n,
            {"etc/hostname": f"{n}\n", "etc/hosts": HOSTS, "etc/cluster/cluster.conf": text},
        )
        for n in ("web1", "web2")
    ]
    report = lint.run([str(n) for n in nodes], select=["CM010"])
    return [(f.code, f.severity, f.line) for f in report.findings]


def test_service_naming_no_failover_domain(tmp_path: Path) -> None:
    """rgmanager looks up the ``domain`` of every resource group, ``service:web`` as
    ``vm:mail`` (rgmanager fo_domain.c ``node_should_start``: "#66: Domain '%s'
    specified for resource group %s nonexistent!", then any node is the best one;
    service.sh declares the same ``domain`` parameter as vm.sh). CM010 only read
    ``<vm>``, so the HOWTO's service, meant to stay in a restricted domain, passed."""
    assert _cm010(tmp_path, "bad", CMAN) == [("CM010", "warning", 25)] * 2
    assert _cm010(tmp_path, "good", CMAN.replace('domain="cluster"', 'domain="webdomain"')) == []
    assert _cm010(tmp_path, "none", CMAN.replace(' domain="cluster"', "")) == []


#: after an Ubuntu 8.04 HOWTO's /etc/ietf.conf lines ("LUN 0 Path=/dev/sdb,
#: Type=fileio", a file LUN written the same way)
IETD = (
    "Target iqn.2008-06.com.example:san.disk1\n"
    "\tIncomingUser san1 s3cretpassw0rd\n"
    "LUN 0 Path=/dev/sdb, Type=blockio\n"
    "LUN 3 Path=/srv/iscsi/templun3, Type=fileio\n"
)


def test_blank_in_lun_parameters_is_one_error(tmp_path: Path) -> None:
    """iscsitarget splits a Lun line's parameters at commas only (kernel/volume.c
    ``parse_volume_params``), so ``" Type=blockio"`` is no parameter it knows and the
    LUN is not exported. Lint said so twice on each line (IS020 and XC005); one finding
    is the problem, the other noise. The byte round trip keeps the blank."""
    root = tree(tmp_path, "san", {"etc/hostname": "san\n", "etc/ietd.conf": IETD})
    errors = [(f.code, f.line) for f in lint.run([str(root)]).findings if f.severity == "error"]
    assert errors == [("XC005", 3), ("XC005", 4)]
    conf = root / "etc" / "ietd.conf"
    assert dumps(load(conf)) == IETD
    conf.write_text(IETD.replace(", Type", ",Type"))
    assert [f.code for f in lint.run([str(root)]).findings if f.severity == "error"] == []


#: YanChii/ansible-role-postgres-ha templates/corosync.conf.j2 as Ansible renders it for
#: two hosts: ``{% set nodeid = nodeid + 1 %}`` inside the for loop does not outlive the
#: iteration (Jinja2 scoping), so every node gets nodeid 1
DUP_NODEID = """totem {
    version: 2
    cluster_name: pg
    transport: udpu
}
nodelist {
    node {
        ring0_addr: 10.9.1.1
        nodeid: 1
    }
    node {
        ring0_addr: 10.9.1.2
        nodeid: 1
    }
}
quorum {
    provider: corosync_votequorum
}
logging {
    to_stderr: yes
}
"""


def test_rendered_template_gives_two_nodes_one_nodeid(tmp_path: Path) -> None:
    """corosync 3.1.7 ``corosync -t`` refuses the rendered file: "Nodeid 1 appears twice
    in corosync.conf" (peer run); lint's CS003 says the same, and both take the file
    once the second node is 2."""
    root = tree(tmp_path, "n", {"etc/corosync/corosync.conf": DUP_NODEID})
    conf = root / "etc" / "corosync" / "corosync.conf"
    found = [(f.code, f.severity) for f in lint.run([str(root)]).findings]
    assert ("CS003", "error") in found
    ok, out = corosync_test(conf, "10.9.1.1")
    assert not ok and "Nodeid 1 appears twice" in out, out
    conf.write_text(
        DUP_NODEID.replace("10.9.1.2\n        nodeid: 1", "10.9.1.2\n        nodeid: 2")
    )
    assert [f.code for f in lint.run([str(root)]).findings if f.severity == "error"] == []
    ok, out = corosync_test(conf, "10.9.1.1")
    assert ok, out


def test_udpu_with_crypto_under_corosync3(tmp_path: Path) -> None:
    """dariko/ansible-role-pmcs templates/corosync.conf.j2: ``crypto_cipher: aes256`` with
    ``transport: udpu``. corosync 3.1.7 refuses it ("crypto_cipher & crypto_hash are
    only valid for the Knet transport", peer run with a key file in place); lint's CS006
    is an error where corosync 3 is in force. The file's ``interface`` with
    ``ringnumber`` is corosync 1/2's spelling, and corosync 2 encrypted udpu, so the
    file alone (no release declared) draws no CS006."""
    key = tmp_path / "authkey"
    key.write_bytes(bytes(range(128)))
    key.chmod(0o400)
    text = (
        "totem {\n\tversion: 2\n\tcrypto_cipher: aes256\n\tcrypto_hash: sha1\n"
        f"\tkeyfile: {key}\n\tinterface {{\n\t\tringnumber: 0\n\t\tbindnetaddr: 10.9.2.1\n\t}}\n"
        "\ttransport: udpu\n}\n"
        "nodelist {\n\tnode {\n\t\tname: a\n\t\tnodeid: 1\n\t\tring0_addr: 10.9.2.1\n\t}\n"
        "\tnode {\n\t\tname: b\n\t\tnodeid: 2\n\t\tring0_addr: 10.9.2.2\n\t}\n}\n"
        "quorum {\n\tprovider: corosync_votequorum\n\ttwo_node: 1\n}\n"
        "logging {\n\tto_stderr: yes\n}\n"
    )
    root = tree(tmp_path, "n", {"etc/corosync/corosync.conf": text})
    conf = root / "etc" / "corosync" / "corosync.conf"
    three = {"corosync": Version.parse("3.1")}
    found = lint.run([str(root)], select=["CS006"], versions=three).findings
    assert [(f.code, f.severity, f.line) for f in found] == [("CS006", "error", 10)]
    assert lint.run([str(root)], select=["CS006"]).findings == []
    ok, out = corosync_test(conf, "10.9.2.1")
    assert not ok and "only valid for the Knet transport" in out, out


#: GuliMari/Project templates/cluster.conf.j2 (OCFS2): attributes indented with five
#: blanks instead of a tab, no newline at the end of the file
OCFS2 = (
    "cluster:\n     node_count = 2\n     name = ocfs2cluster\n\n"
    "node:\n     number = 1\n     cluster = ocfs2cluster\n     ip_port = 7788\n"
    "     ip_address = 192.168.56.13\n     name = drbd1\n\n"
    "node:\n     number = 2\n     cluster = ocfs2cluster\n     ip_port = 7788\n"
    "     ip_address = 192.168.56.14\n     name = drbd2"
)


def test_ocfs2_blank_indented_without_final_newline(tmp_path: Path) -> None:
    """ocfs2-tools 1.8.7 ``o2cb list-cluster`` reads the file (peer-o2cb: OK, both nodes
    listed): its parser takes any leading white space and a last line without a
    newline. Lint finds nothing to say and the bytes come back as they were."""
    peer = peer_tool("peer-o2cb", "o2cb")
    conf = tmp_path / "cluster.conf"
    conf.write_text(OCFS2)
    assert dumps(load(conf)) == OCFS2
    root = tree(
        tmp_path,
        "drbd1",
        {
            "etc/hostname": "drbd1\n",
            "etc/ocfs2/cluster.conf": OCFS2,
            "etc/default/o2cb": "O2CB_ENABLED=true \nO2CB_BOOTCLUSTER=ocfs2cluster ",
        },
    )
    assert [f.code for f in lint.run([str(root)]).findings if f.severity != "info"] == []
    proc = subprocess.run(
        [str(peer), str(conf)], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0 and proc.stdout.startswith("OK"), proc.stdout + proc.stderr
    assert "name = drbd2" in proc.stdout


#: after Babrakov/xen infoza.cfg (Ubuntu's pygrub path of Xen 4.9, the file ending in a
#: comment with no newline after it)
XL_NO_EOL = (
    'name = "infoza"\n'
    'bootloader = "/usr/lib/xen-4.9/bin/pygrub"\n'
    "memory = 1024\n"
    "vif = [ '' ]\n"
    "disk = [ '/dev/vg/infoza-disk,raw,xvda,rw' ]\n"
    "# clone the disk with: VBoxManage clonehd --format RAW a.vdi a.img"
)


def test_pygrub_under_usr_lib_xen_names_the_release(tmp_path: Path) -> None:
    """xl 4.17 refuses the file (peer-xl: "config parsing error near `#VBoxManage':
    lexical error", libxlu's scanner wants a newline after a comment). XN015 is an error
    only where xl is the only toolstack (Xen 4.5 on), and nothing said which Xen the
    dom0 runs, so it stayed a warning. Debian's and Ubuntu's xen-utils-4.9 install pygrub
    as /usr/lib/xen-4.9/bin/pygrub: a domU naming it was written for Xen 4.9 or later,
    which has no xm, so the refusal is an error. /usr/lib/xen-default (no release)
    says nothing."""
    peer = peer_tool("peer-xl", "/usr/lib/xen-4.17/bin/xl")
    root = tree(tmp_path, "dom0", {"etc/hostname": "dom0\n", "etc/xen/infoza.cfg": XL_NO_EOL})
    conf = root / "etc" / "xen" / "infoza.cfg"
    found = [(f.code, f.severity, f.line) for f in lint.run([str(root)], select=["XN015"]).findings]
    assert found == [("XN015", "error", 6)]
    proc = subprocess.run(
        [str(peer), str(conf)], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 1 and "lexical error" in proc.stdout + proc.stderr
    conf.write_text(XL_NO_EOL.replace("xen-4.9", "xen-default"))
    found = [(f.code, f.severity) for f in lint.run([str(root)], select=["XN015"]).findings]
    assert found == [("XN015", "warning")]
    conf.write_text(XL_NO_EOL + "\n")
    assert lint.run([str(root)], select=["XN015"]).findings == []
    proc = subprocess.run(
        [str(peer), str(conf)], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
