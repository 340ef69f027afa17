"""``xencfg migrate`` on cluster shapes no earlier test had, each output judged by the
real tool (corosync -t, crm_verify, drbdadm 9, xl) or by what the report must say.

The inputs are our own text, written after the shapes heartbeat's, DRBD's and Xen's
documentation show (haresources with continued lines, ha.cf ucast paths named by
/etc/hosts names, DRBD 8.3 stacked resources, xm configs that compute passwords).
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

import xencfg
from conftest import unavailable
from xencfg import migrate
from xencfg.migrations.xen import NotStatic, evaluate, xm_to_xl


def _tree(root: Path, files: dict[str, str]) -> str:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(root)


# -- secrets ----------------------------------------------------------------------------

XM_COMPUTED_PASSWORDS = (
    "name = 'db'\n"
    "memory = 512\n"
    "kernel = '/boot/vmlinuz-xen'\n"
    "pw = 'Zz9vncsecret'\n"
    "vfb = [ 'type=vnc,vncpasswd=%s' % pw ]\n"
    "vncpasswd = 'abc' + 'Q77secret'\n"
    "disk = [ 'phy:/dev/vg/db,xvda,w' ]\n"
)


def test_xm_passwords_computed_by_expressions_are_masked(tmp_path: Path) -> None:
    """The report quotes every evaluated expression ("evaluated 'vfb = ...' to [...]"),
    so a VNC password built by '%' or '+' appeared in clear text: the converted xl
    config's passwords (DomuDocument.secrets: vncpasswd and the vfb's) are masked too."""
    node = _tree(tmp_path / "n1", {"etc/xen/vm/db": XM_COMPUTED_PASSWORDS})
    m = migrate.plan([node], only=("xen",))
    report = m.report_markdown() + m.report_json()
    assert "evaluated 'vfb" in report
    assert "Zz9vncsecret" not in report and "abcQ77secret" not in report
    shown = m.report_markdown(show_secrets=True)
    assert "vncpasswd=Zz9vncsecret" in shown and "abcQ77secret" in shown


# -- DRBD 9: stacked resources ------------------------------------------------------------

DRBD83_STACKED = """\
global { usage-count no; }
common { protocol C; syncer { rate 40M; } }
resource r0 {
	device /dev/drbd0; disk /dev/vg0/r0; meta-disk internal;
	on alpha { address 10.1.1.31:7789; }
	on bravo { address 10.1.1.32:7789; }
}
resource r0-U {
	syncer { rate 5M; }
	stacked-on-top-of r0 {
		device /dev/drbd10;
		address 192.168.42.1:7788;
	}
	on charlie {
		device /dev/drbd10;
		disk /dev/hda6;
		address 192.168.42.2:7788;
		meta-disk internal;
	}
}
"""


def _drbdadm9(path: Path) -> tuple[int, str]:
    """drbd-utils 9.22's own parser (``DRBD_DRIVER_VERSION_OVERRIDE=9...``: no module
    lookup), ``dump all``: its exit code and what it printed."""
    import os
    import shutil

    if shutil.which("drbdadm") is None:
        unavailable("drbdadm (drbd-utils) is not installed")
    env = {**os.environ, "DRBD_DRIVER_VERSION_OVERRIDE": "9.2.0"}
    p = subprocess.run(
        ["drbdadm", "-c", str(path), "dump", "all"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    return p.returncode, p.stdout + p.stderr


def test_drbd9_gives_the_stacked_section_a_node_id(tmp_path: Path) -> None:
    """A stacked resource has two hosts, its stacked-on-top-of section and an 'on' one.
    Numbering only the 'on' sections left one host with a node-id and one without,
    which drbdadm 9.22 refuses ("in resource r0-U, on alpha bravo { ... }: 'node-id'
    keyword missing"); both get one, and drbdadm 9 reads the file."""
    from conftest import migrate_drbd_pair

    out, notes = migrate_drbd_pair(tmp_path, DRBD83_STACKED, "9")
    doc = xencfg.loads(out, "drbd")
    upper = doc.resources.get("r0-U")
    assert upper is not None
    assert [(h.kind, h.node_id) for h in upper.host_list] == [
        ("stacked-on-top-of", 0),
        ("on", 1),
    ]
    assert "node-id: host r0 is node-id 0" in notes
    conf = tmp_path / "drbd9.conf"
    conf.write_text(out)
    rc, said = _drbdadm9(conf)
    assert rc == 0, said
    assert "keyword missing" not in said


# -- ha.cf: every directive gets a report line ----------------------------------------------

HACF_TUNED = """\
logfacility daemon
keepalive 500ms
deadtime 5
warntime 3
udpport 695
bcast eth0
auto_failback on
crm {crm}
compression bz2
compression_threshold 2
traditional_compression off
conn_logd_time 60
realtime on
coredumps true
uuidfrom nodename
msgfmt netstring
hopfudge 1
max_rexmit_delay 250
deadping 10
rtprio 50
node alpha
node beta
"""
HOSTS = "127.0.0.1 localhost\n172.16.0.1 alpha\n172.16.0.2 beta\n"


def _hb_pair(tmp: Path, hacf: str, extra: dict[str, str] | None = None) -> list[str]:
    roots = []
    for name in ("alpha", "beta"):
        files = {
            "etc/ha.d/ha.cf": hacf,
            "etc/ha.d/authkeys": "auth 1\n1 sha1 0123456789abcdef\n",
            "etc/hosts": HOSTS,
            "etc/hostname": name + "\n",
            **(extra or {}),
        }
        roots.append(_tree(tmp / name, files))
    return roots


def test_every_hacf_directive_is_in_the_report(tmp_path: Path) -> None:
    """heartbeat 3.0.6 accepts each of these directives (config.c's directive table);
    corosync.conf holds none of them, and the report used to name only some (initdead,
    udpport, ping, ...): compression, realtime, uuidfrom and the rest vanished without a
    line. Each one now has its line with the reason it needs no counterpart."""
    m = migrate.plan(_hb_pair(tmp_path, HACF_TUNED.format(crm="respawn")), cluster_name="c")
    said = {n.what.split(":")[0].split(" ")[0] for n in m.notes}
    for key in (
        "compression",
        "compression_threshold",
        "traditional_compression",
        "conn_logd_time",
        "realtime",
        "coredumps",
        "uuidfrom",
        "msgfmt",
        "hopfudge",
        "max_rexmit_delay",
        "deadping",
        "rtprio",
        "udpport",
        "auto_failback",
    ):
        assert key in said, key
    # the directives the corosync.conf carries get no 'dropped' line
    dropped = {n.what.split(" ")[0] for n in m.notes if n.kind == "dropped"}
    assert not dropped & {"bcast", "node", "keepalive", "deadtime", "logfacility", "crm"}


def test_v1_crm_off_line_says_the_cib_comes_from_haresources(tmp_path: Path) -> None:
    """'crm off' with a haresources: the report said 'xencfg does not yet convert
    haresources to a CIB: write the CIB by hand' next to the CIB it had just made from
    it (migrations/haresources.py)."""
    roots = _hb_pair(
        tmp_path,
        HACF_TUNED.format(crm="off"),
        {"etc/ha.d/haresources": "alpha 172.16.0.10 httpd\n"},
    )
    m = migrate.plan(roots, cluster_name="c")
    assert any(o.path == "cib.xml" for o in m.outputs)
    text = m.report_markdown()
    assert "does not yet convert" not in text
    crm = [n for n in m.notes if n.what.startswith("crm off")]
    assert crm and crm[0].kind == "dropped" and "made from haresources" in crm[0].why


# -- heartbeat 2 CIB: pingd ------------------------------------------------------------------

CIB_PINGD = """\
<cib admin_epoch="0" epoch="12" num_updates="3" have_quorum="true" ccm_transition="2">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <attributes>
          <nvpair id="opt-stonith" name="stonith_enabled" value="false"/>
        </attributes>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="5c1f7c4e-1a2b-4c3d-8e9f-0a1b2c3d4e5f" uname="alpha" type="normal"/>
      <node id="9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d" uname="beta" type="normal"/>
    </nodes>
    <resources>
      <primitive id="ip0" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="ip0-ia">
          <attributes>
            <nvpair id="ip0-ip" name="ip" value="172.16.0.10"/>
          </attributes>
        </instance_attributes>
      </primitive>
      <clone id="pingclone">
        <instance_attributes id="pingclone-ia">
          <attributes>
            <nvpair id="pingclone-cmax" name="clone_max" value="2"/>
          </attributes>
        </instance_attributes>
        <primitive id="pingd" class="ocf" provider="heartbeat" type="pingd">
          <instance_attributes id="pingd-ia">
            <attributes>
              <nvpair id="pingd-dampen" name="dampen" value="5s"/>
              <nvpair id="pingd-mult" name="multiplier" value="100"/>
              <nvpair id="pingd-user" name="user" value="root"/>
            </attributes>
          </instance_attributes>
        </primitive>
      </clone>
    </resources>
    <constraints>
      <rsc_location id="loc-ip-ping" rsc="ip0">
        <rule id="loc-ip-ping-r" score="-INFINITY" boolean_op="or">
          <expression id="loc-ip-ping-e1" attribute="pingd" operation="not_defined"/>
          <expression id="loc-ip-ping-e2" attribute="pingd" operation="lte" value="0"/>
        </rule>
      </rsc_location>
    </constraints>
  </configuration>
  <status/>
</cib>
"""
PING_AGENT = Path("/usr/lib/ocf/resource.d/pacemaker/ping")


def test_pingd_becomes_ocf_pacemaker_ping(tmp_path: Path) -> None:
    """ocf:heartbeat:pingd starts heartbeat's pingd daemon (${HA_BIN}/pingd), which no
    package ships now, and Pacemaker 2 has no ocf:pacemaker:pingd: the clone never
    starts, 'pingd' stays undefined and the rule keeps ip0 off every node, while
    crm_verify (which does not look agents up) finds nothing. The primitive becomes
    ocf:pacemaker:ping with ha.cf's ping nodes as host_list (pingd pinged those when it
    had none) and a monitor (ping updates the attribute only then); every parameter we
    keep is one the installed agent's meta-data lists."""
    from lxml import etree

    from conftest import crm_verify_file

    hacf = HACF_TUNED.format(crm="on") + "ping 172.16.0.254\nping_group gw 10.0.0.1 10.0.0.2\n"
    roots = _hb_pair(tmp_path / "in", hacf, {"var/lib/heartbeat/crm/cib.xml": CIB_PINGD})
    m = migrate.plan(roots, cluster_name="c")
    text = next(o for o in m.outputs if o.path == "cib.xml").data.decode()
    prim = etree.fromstring(text.encode()).find(".//primitive[@id='pingd']")
    assert (prim.get("class"), prim.get("provider"), prim.get("type")) == (
        "ocf",
        "pacemaker",
        "ping",
    )
    params = {nv.get("name"): nv.get("value") for nv in prim.iter("nvpair")}
    assert params == {
        "dampen": "5s",
        "multiplier": "100",
        "host_list": "172.16.0.254 10.0.0.1 10.0.0.2",
    }
    assert [op.get("name") for op in prim.iter("op")] == ["monitor"]
    whats = [n.what for n in m.notes]
    assert any("pingd parameter user='root' dropped" in w for w in whats)
    # the ha.cf ping lines ask for no second ping clone: the converted one pings them
    ping_lines = [n for n in m.notes if n.what.startswith(("ping ", "ping_group "))]
    assert ping_lines and all(n.kind == "rewrite" for n in ping_lines)
    # a ping_group counted as one node under heartbeat: the report says to check scores
    assert any(n.kind == "manual" and "ping_group" in n.why for n in m.notes)
    if PING_AGENT.exists():
        meta = subprocess.run(
            [str(PING_AGENT), "meta-data"],
            capture_output=True,
            text=True,
            env={"OCF_ROOT": "/usr/lib/ocf", "PATH": "/usr/bin:/bin"},
            check=False,
        ).stdout
        known = {p.get("name") for p in etree.fromstring(meta.encode()).iter("parameter")}
        assert set(params) <= known
    cib = tmp_path / "cib.xml"
    cib.write_text(text)
    rc, said = crm_verify_file(cib)
    assert rc == 0, said


# -- ha.cf paths: ucast by host name, FQDN members, a path without addresses --------------

HACF_NAMED_UCAST = """\
keepalive 1
deadtime 10
ucast eth1 {peer}-hb
ucast eth2 {peer}-rep
node alpha.example.org
node beta.example.org
crm on
"""
HOSTS_NAMED = (
    "127.0.0.1 localhost\n"
    "172.16.0.1 alpha.example.org alpha\n172.16.0.2 beta.example.org beta\n"
    "10.9.0.1 alpha-hb\n10.9.0.2 beta-hb\n10.8.0.1 alpha-rep\n10.8.0.2 beta-rep\n"
)


def _accepted_by_corosync(m: migrate.Migration, tmp: Path) -> xencfg.Document:
    from conftest import corosync_test

    conf = next(o for o in m.outputs if o.path.endswith("corosync.conf"))
    doc = xencfg.loads(conf.data.decode(), "corosync")
    key = tmp / "authkey"
    key.write_bytes(next(o for o in m.outputs if o.path.endswith("authkey")).data)
    key.chmod(0o400)
    assert doc.totem is not None
    doc.totem.set("keyfile", str(key))
    path = tmp / "corosync.conf"
    path.write_text(xencfg.dumps(doc))
    ok, said = corosync_test(path, f"{doc.nodes[0].ring_addrs[0]}/32")
    assert ok, said
    return doc


def test_ucast_by_host_name_with_fqdn_members(tmp_path: Path) -> None:
    """heartbeat resolves a ucast target by name (ucast eth1 beta-hb), and its node
    names are uname -n, an FQDN on some systems. Neither was matched: both heartbeat
    paths became 'belongs to no member' TODOs and the nodelist fell back to the public
    addresses /etc/hosts gives the FQDNs, a network heartbeat never used. Now each path
    is a knet link with the addresses /etc/hosts gives those names, and corosync -t
    accepts the file."""
    roots = []
    for me, peer in (("alpha", "beta"), ("beta", "alpha")):
        files = {
            "etc/ha.d/ha.cf": HACF_NAMED_UCAST.format(peer=peer),
            "etc/ha.d/authkeys": "auth 1\n1 sha1 0123456789abcdef\n",
            "etc/hosts": HOSTS_NAMED,
            "etc/hostname": f"{me}.example.org\n",
        }
        roots.append(_tree(tmp_path / "in" / me, files))
    m = migrate.plan(roots, cluster_name="c")
    doc = _accepted_by_corosync(m, tmp_path)
    assert [(n.name, n.ring_addrs) for n in doc.nodes] == [
        ("alpha.example.org", {0: "10.9.0.1", 1: "10.8.0.1"}),
        ("beta.example.org", {0: "10.9.0.2", 1: "10.8.0.2"}),
    ]
    assert not any("belongs to no member" in n.what for n in m.notes)


def test_a_path_without_addresses_is_reported_by_its_interface(tmp_path: Path) -> None:
    """bcast eth0, mcast eth1, ucast eth2: eth1's path has no address anywhere, so
    corosync gets links 0 (eth0) and 1 (eth2's ucast addresses). The report called eth1
    'knet link 1' and asked for 'the address on link 1' by hand, the link that already
    holds eth2's addresses; it now says eth1's path is not carried and which ringN_addr
    would keep it."""
    hacf = (
        "deadtime 10\nbcast eth0\nmcast eth1 225.0.0.1 694 1 0\nucast eth2 {peer}\n"
        "node alpha\nnode beta\ncrm on\n"
    )
    hosts = HOSTS + "10.10.10.1 alpha-rep\n10.10.10.2 beta-rep\n"
    roots = []
    for me, peer in (("alpha", "10.10.10.2"), ("beta", "10.10.10.1")):
        files = {
            "etc/ha.d/ha.cf": hacf.format(peer=peer),
            "etc/ha.d/authkeys": "auth 1\n1 sha1 0123456789abcdef\n",
            "etc/hosts": hosts,
            "etc/hostname": me + "\n",
        }
        roots.append(_tree(tmp_path / "in" / me, files))
    m = migrate.plan(roots, cluster_name="c")
    doc = _accepted_by_corosync(m, tmp_path)
    assert [n.ring_addrs for n in doc.nodes] == [
        {0: "172.16.0.1", 1: "10.10.10.1"},
        {0: "172.16.0.2", 1: "10.10.10.2"},
    ]
    whats = [n.what for n in m.notes]
    assert "bcast on eth0 becomes knet link 0" in whats
    assert not any("mcast on eth1 becomes" in w for w in whats)
    eth1 = [n for n in m.notes if n.what.startswith("the path on eth1 is not carried")]
    assert eth1 and eth1[0].kind == "manual" and "ring2_addr on eth1" in eth1[0].why
    assert not any("on link 1 is known" in w for w in whats)


# -- xm: powers and lists changed in place ---------------------------------------------------

XM_PYTHONISMS = (
    "name = 'app'\n"
    "memory = int(2**10)\n"
    "kernel = '/boot/vmlinuz-xen'\n"
    "disk = []\n"
    "disk.append('phy:/dev/vg/app,xvda,w')\n"
)


def test_xm_power_is_evaluated_and_in_place_changes_are_named(tmp_path: Path) -> None:
    """'memory = int(2**10)' is 1024 to xm (peer-xm-python); it was commented out, so xl
    gave the domU its default memory. 'disk.append(...)' after 'disk = []' was a TODO
    that named no setting, while xl reads the empty list (a domU without its disk): the
    line now says which setting it changes."""
    r = xm_to_xl(xencfg.loads(XM_PYTHONISMS, "xm"))
    settings = xencfg.loads(r.text, "xl").settings
    assert settings["memory"] == 1024
    todo = [c for c in r.changes if c.severity == "action"]
    assert len(todo) == 1 and "it changes disk in place" in todo[0].message
    for big in ("2**65", "2.5**2", "2**-1", "9**9**9"):
        with pytest.raises(NotStatic):
            evaluate(ast.parse(big, mode="eval").body, {})


# -- IET -> LIO: CHAP that never applied, BlockSize ------------------------------------------

IETD_OUTGOING_ONLY = """\
OutgoingUser discout DiscOutOnly123
Target iqn.2010-05.org.example:disk1
	Lun 0 Path=/dev/sdb,Type=blockio,BlockSize=4096
	Lun 1 Path=/dev/sdc,Type=fileio,IOMode=wb,Frobnicate=1
	OutgoingUser onlyout OutOnlySecret1
"""
RTSLIB_ROOT = Path("/usr/lib/python3/dist-packages/rtslib_fb/root.py")


def test_outgoing_user_alone_keeps_the_target_open(tmp_path: Path) -> None:
    """IET chooses CHAP only when the target (or discovery) has an IncomingUser
    (usr/iscsid.c, text_scan_security: 'None' while account_empty(tid,
    AUTH_DIR_INCOMING)), so an OutgoingUser alone never took part in a login. LIO
    with authentication=1 and no incoming account refuses every login: the conversion
    cut every initiator off. The target and discovery now stay without CHAP, and the
    report says why (naming the account, never its password)."""
    from xencfg.migrations.lio import iet_to_lio

    conv = iet_to_lio(xencfg.loads(IETD_OUTGOING_ONLY, "ietd"), [])
    tpg = conv.saveconfig["targets"][0]["tpgs"][0]
    assert tpg["attributes"]["authentication"] == 0
    assert not [k for k in tpg if k.startswith("chap_")]
    assert conv.saveconfig["fabric_modules"] == []
    assert "discovery_auth" not in conv.script()
    said = [c.message for c in conv.changes if c.key == "OutgoingUser"]
    assert len(said) == 2 and all("IET never used it" in m for m in said)


def test_blocksize_becomes_the_block_size_attribute(tmp_path: Path) -> None:
    """BlockSize=4096 (the logical block size IET presented) was dropped without a
    line: LIO then presents the device's own 512-byte blocks and a file system made
    through IET no longer matches its partition table. rtslib-fb's RTSRoot.restore sets
    every key of a storage object's "attributes" (root.py: set_attributes(so_obj,
    so.get('attributes', {}), ...)); LIO's block_size takes it. A Lun option we do not
    know is an action line."""
    from xencfg.migrations.lio import iet_to_lio

    conv = iet_to_lio(xencfg.loads(IETD_OUTGOING_ONLY, "ietd"), [])
    objects = {o["name"]: o for o in conv.saveconfig["storage_objects"]}
    assert objects["disk1_lun0"]["attributes"] == {"block_size": 4096}
    assert "attributes" not in objects["disk1_lun1"]
    assert "/backstores/block/disk1_lun0 set attribute block_size=4096" in conv.script()
    actions = [c for c in conv.changes if c.severity == "action"]
    assert [c.key for c in actions] == ["frobnicate"]
    if RTSLIB_ROOT.exists():
        assert "so.get('attributes', {})" in RTSLIB_ROOT.read_text()


def test_drbd_shared_secret_is_masked_with_only_drbd(tmp_path: Path) -> None:
    """The JSON report carries each new file's text; drbd.conf's shared-secret was
    masked only when the stack part ran (it collects every drbd.conf's secrets), so
    'xencfg migrate --only drbd --check --report json' printed it in clear text."""
    conf = (
        "resource r0 {\n"
        '  net { cram-hmac-alg sha1; shared-secret "S3cr3tDRBDpw"; }\n'
        "  syncer { rate 10M; }\n"
        "  on a { device /dev/drbd0; disk /dev/sda1; address 10.0.0.1:7788; meta-disk internal; }\n"
        "  on b { device /dev/drbd0; disk /dev/sda1; address 10.0.0.2:7788; meta-disk internal; }\n"
        "}\n"
    )
    roots = [_tree(tmp_path / n, {"etc/drbd.conf": conf}) for n in ("a", "b")]
    m = migrate.plan(roots, only=("drbd",))
    assert "S3cr3tDRBDpw" in next(o for o in m.outputs).data.decode()
    assert "S3cr3tDRBDpw" not in m.report_json() + m.report_markdown()
    assert "S3cr3tDRBDpw" in m.report_json(show_secrets=True)


def test_every_ha_logd_directive_is_in_the_report(tmp_path: Path) -> None:
    """With use_logd, ha_logd.cf's logfacility and logfile were carried and its other
    directives (cluster-glue's logd.cf: entity, syslogprefix, useapphbd, sendqlen,
    recvqlen) vanished; 'entity' set the tag heartbeat's syslog lines carried, which
    syslog filters match, so it is a TODO, the others dropped lines."""
    logd = (
        "logfacility local6\nlogfile /var/log/ha-log\nentity hb-cluster\n"
        "useapphbd no\nsendqlen 256\nrecvqlen 256\n"
    )
    hacf = "use_logd yes\ndeadtime 10\nbcast eth0\nnode alpha\nnode beta\ncrm on\n"
    m = migrate.plan(_hb_pair(tmp_path, hacf, {"etc/ha.d/ha_logd.cf": logd}), cluster_name="c")
    kinds = {n.what.split(" ")[0]: n.kind for n in m.notes if "ha_logd.cf:" in n.source}
    assert kinds == {
        "entity": "manual",
        "useapphbd": "dropped",
        "sendqlen": "dropped",
        "recvqlen": "dropped",
    }


def test_a_directive_only_one_node_has_is_reported(tmp_path: Path) -> None:
    """heartbeat reads each node's own ha.cf, so a respawn or stonith_host line on one
    node only is real; only the first node's ha.cf was read for the report, and beta's
    dopd and fencing line vanished. Each node's lines are read (the same line on every
    node is still one report line)."""
    hacf = "deadtime 10\nbcast eth0\nnode alpha\nnode beta\ncrm on\ncompression bz2\n"
    roots = _hb_pair(tmp_path, hacf)
    beta = Path(roots[1]) / "etc/ha.d/ha.cf"
    beta.write_text(
        hacf
        + "respawn hacluster /usr/lib/heartbeat/dopd\n"
        + "stonith_host beta external/ipmi alpha 10.9.9.1 admin Ipm1Secret\n"
    )
    m = migrate.plan(roots, cluster_name="c")
    whats = [n.what for n in m.notes]
    assert any(w.startswith("respawn hacluster /usr/lib/heartbeat/dopd") for w in whats)
    assert any(w.startswith("stonith_host beta external/ipmi") for w in whats)
    assert sum(w.startswith("compression bz2") for w in whats) == 1
    assert "Ipm1Secret" not in m.report_markdown()


def test_the_newest_cib_copy_is_converted(tmp_path: Path) -> None:
    """heartbeat's CRM keeps the copy with the highest (admin_epoch, epoch, num_updates)
    when nodes join; a node that was down holds an older one. The first node's copy was
    converted whatever its age: alpha's epoch 12 here, while beta's epoch 13 has the
    resource added since. The newest is taken and the report names the older copy."""
    old = CIB_PINGD
    new = CIB_PINGD.replace('epoch="12"', 'epoch="13"').replace(
        "    </resources>",
        '      <primitive id="ip1" class="ocf" provider="heartbeat" type="IPaddr2">\n'
        '        <instance_attributes id="ip1-ia"><attributes>\n'
        '          <nvpair id="ip1-ip" name="ip" value="172.16.0.11"/>\n'
        "        </attributes></instance_attributes>\n"
        "      </primitive>\n    </resources>",
    )
    hacf = "deadtime 10\nbcast eth0\nnode alpha\nnode beta\ncrm on\n"
    roots = _hb_pair(tmp_path, hacf, {"var/lib/heartbeat/crm/cib.xml": old})
    (Path(roots[1]) / "var/lib/heartbeat/crm/cib.xml").write_text(new)
    m = migrate.plan(roots, cluster_name="c")
    text = next(o for o in m.outputs if o.path == "cib.xml").data.decode()
    assert 'id="ip1"' in text and 'epoch="13"' in text
    differ = [n for n in m.notes if n.what.startswith("the nodes' CIBs differ")]
    assert differ and differ[0].kind == "manual" and "(0.12.3)" in differ[0].what


def test_haresources_that_differ_between_nodes_are_reported(tmp_path: Path) -> None:
    """Each heartbeat 1 node took over what its own haresources listed; the CIB is made
    from the first node's copy, and another node's different groups went unsaid."""
    hacf = "deadtime 10\nbcast eth0\nnode alpha\nnode beta\n"
    roots = _hb_pair(tmp_path, hacf, {"etc/ha.d/haresources": "alpha 172.16.0.10 httpd\n"})
    (Path(roots[1]) / "etc/ha.d/haresources").write_text(
        "alpha 172.16.0.10 httpd\nbeta 172.16.0.20 squid\n"
    )
    m = migrate.plan(roots, cluster_name="c")
    differ = [n for n in m.notes if n.what.startswith("haresources differs")]
    assert len(differ) == 1 and differ[0].source.startswith("beta:")
    # the same groups written otherwise (comments, spacing) are the same file to heartbeat
    (Path(roots[1]) / "etc/ha.d/haresources").write_text("# web\nalpha  172.16.0.10   httpd\n")
    same = migrate.plan(roots, cluster_name="c")
    assert not any(n.what.startswith("haresources differs") for n in same.notes)


def test_test_only_stonith_plugins_are_called_out(tmp_path: Path) -> None:
    """A heartbeat 2 cluster 'fenced' with stonith:external/ssh (its getinfo-devdescr in
    cluster-glue's plugins/external/ssh, and 'stonith -t ssh -h': "Fine for testing, but
    not suitable for production!") keeps stonith-enabled=true and passes
    crm_verify, yet a hung or powerless node is never fenced; the report now says so
    next to the cluster-glue line."""
    cib = CIB_PINGD.replace(
        "    <resources>\n",
        "    <resources>\n"
        '      <primitive id="st-ssh" class="stonith" type="external/ssh" provider="heartbeat">\n'
        '        <instance_attributes id="st-ssh-ia"><attributes>\n'
        '          <nvpair id="st-ssh-hl" name="hostlist" value="alpha beta"/>\n'
        "        </attributes></instance_attributes>\n"
        "      </primitive>\n",
    )
    hacf = "deadtime 10\nbcast eth0\nnode alpha\nnode beta\ncrm on\n"
    m = migrate.plan(_hb_pair(tmp_path, hacf, {"var/lib/heartbeat/crm/cib.xml": cib}))
    said = [n for n in m.notes if "stonith:external/ssh reboots over ssh" in n.what]
    assert len(said) == 1 and said[0].kind == "manual"


def test_v1_fencing_on_any_node_keeps_stonith_enabled(tmp_path: Path) -> None:
    """heartbeat 1 read each node's own ha.cf: with a stonith_host line only in beta's,
    beta fenced alpha. The CIB took its fencing from the first node's ha.cf alone and
    wrote stonith-enabled=false, turning fencing off; every node's devices count now,
    and a line shared by every node is reported once."""
    hacf = "deadtime 10\nbcast eth0\nnode alpha\nnode beta\n"
    roots = _hb_pair(tmp_path, hacf, {"etc/ha.d/haresources": "alpha 172.16.0.10 httpd\n"})
    (Path(roots[1]) / "etc/ha.d/ha.cf").write_text(
        hacf + "stonith_host beta external/ipmi alpha 10.9.9.1 admin Ipm1Secret\n"
    )
    m = migrate.plan(roots, cluster_name="c")
    cib = next(o for o in m.outputs if o.path == "cib.xml").data.decode()
    assert 'name="stonith-enabled" value="true"' in cib
    assert "Ipm1Secret" not in m.report_markdown()
    both = _hb_pair(
        tmp_path / "both",
        hacf + "stonith_host * external/ipmi alpha 10.9.9.1 admin Ipm1Secret\n",
        {"etc/ha.d/haresources": "alpha 172.16.0.10 httpd\n"},
    )
    m2 = migrate.plan(both, cluster_name="c")
    assert sum("ha.cf fences with external/ipmi" in n.what for n in m2.notes) == 1


IETD_SEVERAL = """\
IncomingUser discuser DiscPass12345
OutgoingUser discout DiscOutPass678
Target iqn.2009-01.com.example:storage.xen1.root
	IncomingUser xen1user Xen1Secret1234
	OutgoingUser targetuser TargetSecret99
	Lun 0 Path=/dev/vg_san/xen1-root,Type=blockio,ScsiId=xen1root0,BlockSize=4096
	Lun 1 Path=/dev/vg_san/xen1-swap,Type=fileio,IOMode=wt
	Alias xen1-root
	HeaderDigest CRC32C,None
	MaxRecvDataSegmentLength 262144
Target iqn.2009-01.com.example:storage.shared
	Lun 0 Path=/dev/vg_san/shared,Type=blockio,IOMode=ro
"""


def test_rtslib_restore_takes_every_storage_object_and_tpg_key(tmp_path: Path) -> None:
    """rtslib-fb's RTSRoot.restore (root.py) builds each storage object as
    so_mapping[plugin](**so minus exists/attributes/plugin/buffered_mode/alua_tpgs), so
    a key its constructor lacks fails the object; TPG.setup (target.py) sets what
    remains after luns/portals/node_acls/tag/attributes/parameters/enable as Python
    attributes, where only chap_* properties reach configfs. Run against the installed
    python3-rtslib-fb: every object binds, every leftover TPG and ACL key is a property."""
    import json as _json

    from xencfg.migrations.lio import iet_to_lio

    conv = iet_to_lio(xencfg.loads(IETD_SEVERAL, "ietd"), [])
    cfg = tmp_path / "saveconfig.json"
    cfg.write_text(conv.json())
    _rtslib_binds(cfg)
    data = _json.loads(cfg.read_text())
    assert data["storage_objects"][0]["attributes"] == {"block_size": 4096}


def _rtslib_binds(cfg: Path) -> None:
    """Each storage object of saveconfig.json ``cfg`` binds to its rtslib-fb class's
    constructor, each leftover TPG, ACL and fabric-module key is a property (the
    installed python3-rtslib-fb, run by /usr/bin/python3)."""
    import shutil

    python = shutil.which("python3", path="/usr/bin")
    probe = subprocess.run(
        [python or "python3", "-c", "import rtslib_fb"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        unavailable("python3-rtslib-fb is not installed")
    check = (
        "import inspect, json, sys\n"
        "from rtslib_fb.tcm import so_mapping\n"
        "from rtslib_fb.target import TPG, NodeACL\n"
        "from rtslib_fb.fabric import ISCSIFabricModule\n"
        "c = json.load(open(sys.argv[1]))\n"
        "for so in c['storage_objects']:\n"
        "    kw = {k: v for k, v in so.items() if k not in\n"
        "          ('exists', 'attributes', 'plugin', 'buffered_mode', 'alua_tpgs')}\n"
        "    inspect.signature(so_mapping[so['plugin']]).bind(**kw)\n"
        "for fm in c['fabric_modules']:\n"
        "    for k in fm:\n"
        "        assert k == 'name' or isinstance(getattr(ISCSIFabricModule, k), property), k\n"
        "for t in c['targets']:\n"
        "    for tpg in t['tpgs']:\n"
        "        rest = set(tpg) - {'luns', 'portals', 'node_acls', 'tag', 'attributes',\n"
        "                           'parameters', 'enable'}\n"
        "        for k in rest:\n"
        "            assert isinstance(getattr(TPG, k), property), k\n"
        "        for acl in tpg['node_acls']:\n"
        "            for k in set(acl) - {'attributes', 'mapped_luns', 'node_wwn'}:\n"
        "                assert isinstance(getattr(NodeACL, k), property), k\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [python or "python3", "-c", check, str(cfg)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


# -- heartbeat 1: stonith_host lines become stonith resources --------------------------------


def test_stonith_host_becomes_a_stonith_resource_crm_verify_accepts(tmp_path: Path) -> None:
    """A heartbeat 1 cluster fenced with 'stonith_host * baytech IP LOGIN PASSWORD'. The
    CIB kept stonith-enabled=true without any device, which crm_verify refuses ("Resource
    start-up disabled since no STONITH resources have been defined"). The line is now a
    stonith:baytech resource with the values under the names heartbeat gave them to the
    plugin (kept to its node when the line names one), crm_verify accepts the CIB, and
    the report still asks to test the device, without showing its password."""
    from lxml import etree

    from conftest import crm_verify_file

    hacf = (
        "deadtime 10\nbcast eth0\nnode alpha\nnode beta\n"
        "stonith_host * baytech 10.0.0.3 mylogin BaySecret77\n"
        "stonith_host ALPHA external/ipmi beta 10.9.9.2 admin Ipm1Secret lanplus\n"
    )
    roots = _hb_pair(tmp_path, hacf, {"etc/ha.d/haresources": "alpha 172.16.0.10 httpd\n"})
    m = migrate.plan(roots, cluster_name="c")
    text = next(o for o in m.outputs if o.path == "cib.xml").data.decode()
    root = etree.fromstring(text.encode())
    devices = {
        p.get("type"): {nv.get("name"): nv.get("value") for nv in p.iter("nvpair")}
        for p in root.iter("primitive")
        if p.get("class") == "stonith"
    }
    assert devices == {
        "baytech": {"ipaddr": "10.0.0.3", "login": "mylogin", "password": "BaySecret77"},
        # (cluster-glue's external/ipmi is fence_ipmilan now: test_migrate_unseen8)
        "fence_ipmilan": {
            "pcmk_host_list": "beta",
            "ip": "10.9.9.2",
            "username": "admin",
            "password": "Ipm1Secret",
            "lanplus": "1",
        },
    }
    only_alpha = [
        e.get("value")
        for loc in root.iter("rsc_location")
        if loc.get("rsc") == "stonith_2"
        for e in loc.iter("expression")
    ]
    assert only_alpha == ["alpha"]  # (heartbeat matched 'ALPHA' in any case)
    cib = tmp_path / "cib.xml"
    cib.write_text(text)
    rc, said = crm_verify_file(cib)
    assert rc == 0, said
    report = m.report_markdown()
    assert "BaySecret77" not in report and "Ipm1Secret" not in report
    assert any(n.kind == "manual" and "test it before the cut-over" in n.what for n in m.notes)


def test_stonith_parameter_names_are_cluster_glues() -> None:
    """The table holds each plugin's names in the order 'stonith -t TYPE -n' of the
    installed cluster-glue prints them (the order heartbeat handed a line's values to
    the plugin)."""
    import shutil

    from xencfg.migrations.haresources import STONITH_PARAMS

    exe = shutil.which("stonith")
    if exe is None:
        unavailable("stonith (cluster-glue) is not installed")
    for kind, names in STONITH_PARAMS.items():
        p = subprocess.run([exe, "-t", kind, "-n"], capture_output=True, text=True, check=False)
        assert tuple(p.stdout.split()) == names, kind


def test_stonith_config_file_form_stays_a_todo(tmp_path: Path) -> None:
    """'stonith baytech /etc/ha.d/conf/stonith.baytech' keeps its parameters in a file
    this offline copy may not hold: no resource is made from the path, fencing stays on
    and the report asks for the device."""
    from xencfg.migrations.haresources import haresources_to_cib

    hacf = xencfg.loads(
        "node alpha\nnode beta\nstonith baytech /etc/ha.d/conf/stonith.baytech\n", "hacf"
    )
    made = haresources_to_cib(xencfg.loads("alpha 10.0.0.5\n", "haresources"), hacf)
    assert 'class="stonith"' not in made.text
    assert 'name="stonith_enabled" value="true"' in made.text
    assert any("define it as a stonith resource" in c.message for c in made.changes)


def test_files_that_do_not_parse_are_reported(tmp_path: Path) -> None:
    """An xm config or a drbd.conf that does not parse was skipped without a line (only
    multipath.conf and iscsid.conf got one), so the report looked complete while the
    domU stayed in Python, which xl refuses ("config parsing error"), and DRBD in 8.3
    syntax; each now has a TODO naming the parse error. A BlockSize no target takes is
    an action with the sizes that are."""
    files = {
        "etc/xen/vm/bad": 'name = "x"\nvif = ((\n',
        "etc/drbd.conf": "resource r0 { syncer { rate 10M; }\n",
        "etc/iet/ietd.conf": (
            "Target iqn.2001-04.com.example:t\n\tLun 0 Path=/dev/sdb,BlockSize=77\n"
        ),
    }
    m = migrate.plan([_tree(tmp_path / "a", files)])
    todo = {n.source.rsplit("/", 1)[-1]: n for n in m.notes if n.what.startswith("not rewritten")}
    assert set(todo) == {"bad", "drbd.conf"}
    assert all(n.kind == "manual" for n in todo.values())
    assert "'(' was never closed" in todo["bad"].what
    assert any("BlockSize=77 is none of 512" in n.what for n in m.notes)


def test_a_cib_that_does_not_parse_is_named(tmp_path: Path) -> None:
    """A CIB with a mismatched tag (crm_verify reads it in libxml2's recover mode and
    only warns) was skipped as if absent: the report said 'no CIB found' while one was
    there. It now names the file and the parse error."""
    hacf = "deadtime 10\nbcast eth0\nnode alpha\nnode beta\ncrm on\n"
    broken = CIB_PINGD.replace("</constraints>", "</constraintz>")
    m = migrate.plan(
        _hb_pair(tmp_path, hacf, {"var/lib/heartbeat/crm/cib.xml": broken}), cluster_name="c"
    )
    bad = [n for n in m.notes if n.what.startswith("not rewritten") and "cib.xml" in n.source]
    assert len(bad) == 2 and all(n.kind == "manual" for n in bad)  # one per node


def test_xm_conditional_expression_is_evaluated() -> None:
    """'memory = 1024 if big else 512' over earlier settings is what xm computed
    (peer-xm-python); it was commented out as code, leaving xl its default memory.
    A test that needs code stays a TODO."""
    r = xm_to_xl(
        xencfg.loads(
            "name = 'a'\nbig = 1\nmemory = 1024 if big else 512\nvcpus = 2 if x else 1\n", "xm"
        )
    )
    assert xencfg.loads(r.text, "xl").settings["memory"] == 1024
    assert [c.severity for c in r.changes if c.key is None] == ["action"]


def test_ping_nodes_split_at_commas_as_heartbeat_does(tmp_path: Path) -> None:
    """heartbeat reads ``ping`` word by word, splitting at blanks and commas (DELIMS
    ", \\t\\n\\r\\f", heartbeat.h line 150; config.c parse_config calls add_option per
    word): ``ping 172.16.0.254,172.16.0.253`` is two ping nodes, and ocf:pacemaker:ping
    takes its host_list blank-separated."""
    from lxml import etree

    hacf = HACF_TUNED.format(crm="on") + "ping 172.16.0.254,172.16.0.253\n"
    roots = _hb_pair(tmp_path / "in", hacf, {"var/lib/heartbeat/crm/cib.xml": CIB_PINGD})
    m = migrate.plan(roots, cluster_name="c")
    text = next(o for o in m.outputs if o.path == "cib.xml").data.decode()
    prim = etree.fromstring(text.encode()).find(".//primitive[@id='pingd']")
    params = {nv.get("name"): nv.get("value") for nv in prim.iter("nvpair")}
    assert params["host_list"] == "172.16.0.254 172.16.0.253"


def test_report_header_says_where_a_member_without_address_is_reached(tmp_path: Path) -> None:
    """A member no file gives an address (here: nodes named on the command line that no
    ha.cf, /etc/hosts or drbd.conf knows) gets its name as ring0_addr, which corosync
    resolves at start; the report's header said ``a (nodeid 1; )``, an empty address."""
    keys = "auth 1\n1 sha1 0123456789abcdef\n"
    roots = [
        _tree(tmp_path / n, {"etc/ha.d/ha.cf": "bcast eth0\n", "etc/ha.d/authkeys": keys})
        for n in ("alpha", "beta")
    ]
    m = migrate.plan(roots, names={roots[0]: "a", roots[1]: "b"}, cluster_name="c")
    head = m.report_markdown().splitlines()[2]
    assert "(nodeid 1; )" not in head
    assert "ring0_addr" in head


def test_plan_does_not_depend_on_the_order_of_the_nodes(tmp_path: Path) -> None:
    """The same cluster given as ``beta alpha`` or ``alpha beta`` is one migration: the
    report (whose lines quote the first node's files) and every file are the same."""
    hacf = HACF_TUNED.format(crm="on")
    roots = _hb_pair(tmp_path, hacf, {"var/lib/heartbeat/crm/cib.xml": CIB_PINGD})
    one = migrate.plan(roots, cluster_name="c")
    two = migrate.plan(list(reversed(roots)), cluster_name="c")
    assert one.report_markdown() == two.report_markdown()
    assert [(o.node, o.path) for o in one.outputs] == [(o.node, o.path) for o in two.outputs]


# -- heartbeat 1: what the resource.d wrappers and ResourceManager did ----------------------

#: a three-node heartbeat 1 cluster (haresources with suffixed IPaddr2, Filesystem options,
#: an init script with an argument): the shape of /tmp cluster A of the migrate4 session
HA3_HACF = (
    "bcast eth0 eth2\nucast eth1 10.9.0.1\nucast eth1 10.9.0.2\nucast eth1 10.9.0.3\n"
    "auto_failback legacy\nnode xa1\nnode xa2\nnode xa3\ncrm off\n"
)
HA3_HOSTS = (
    "192.168.50.1 xa1\n192.168.50.2 xa2\n192.168.50.3 xa3\n"
    "10.9.0.1 xa1-hb\n10.9.0.2 xa2-hb\n10.9.0.3 xa3-hb\n"
)
HA3_HARESOURCES = (
    "xa1 IPaddr2::192.168.50.10/24/eth0/192.168.50.255 "
    "Filesystem::/dev/sdc1::/srv/data::ext3::noatime,data=ordered\n"
    "xa3 IPaddr2::192.168.50.12/255.255.255.0/eth0 mycustomd::start-arg\n"
    "xa2 IPaddr::192.168.50.13/16/192.168.255.255\n"
)


def _ha3_plan(tmp_path: Path) -> migrate.Migration:
    nodes = [
        _tree(
            tmp_path / n,
            {
                "etc/ha.d/ha.cf": HA3_HACF,
                "etc/ha.d/haresources": HA3_HARESOURCES,
                "etc/hosts": HA3_HOSTS,
            },
        )
        for n in ("xa1", "xa2", "xa3")
    ]
    return migrate.plan(nodes, only=("stack",), cluster_name="ca")


def _params(cib: str) -> dict[str, dict[str, str]]:
    from lxml import etree

    root = etree.fromstring(cib.encode())
    return {
        p.get("id"): {nv.get("name"): nv.get("value") for nv in p.iterfind(".//nvpair")}
        for p in root.iterfind(".//primitive")
    }


def test_ipaddr_fields_are_read_as_heartbeats_wrapper_read_them(tmp_path: Path) -> None:
    """heartbeat's /etc/ha.d/resource.d/IPaddr2 (and IPaddr) of heartbeat 3.0.6 hands
    the field after the address to the agent as OCF_RESKEY_cidr_netmask whatever its
    form, then the next as broadcast if it starts with a digit, else as nic with the
    broadcast after it. 'ADDR/255.255.255.0/eth0' became broadcast=255.255.255.0 with
    no netmask and no nic (the address would have come up with findif's guess, and a
    wrong broadcast); a dotted netmask is written as the prefix length that
    resource-agents' findif.sh converts it to ('Please convert dotted quad netmask')."""
    m = _ha3_plan(tmp_path)
    cib = next(o for o in m.outputs if o.path.endswith("cib.xml")).data.decode()
    got = _params(cib)
    assert got["IPaddr2_1"] == {
        "ip": "192.168.50.10",
        "cidr_netmask": "24",
        "nic": "eth0",
        "broadcast": "192.168.50.255",
        "lvs_support": "true",  # (the wrapper's OCF_RESKEY_lvs_support=1; IPaddr's is 0)
    }
    assert got["IPaddr2_11"] == {
        "ip": "192.168.50.12",
        "cidr_netmask": "24",
        "nic": "eth0",
        "lvs_support": "true",
    }
    assert got["IPaddr_192_168_50_13"] == {
        "ip": "192.168.50.13",
        "cidr_netmask": "16",
        "broadcast": "192.168.255.255",
    }
    assert got["Filesystem_2"]["options"] == "noatime,data=ordered"
    report = m.report_markdown()
    assert "netmask 255.255.255.0 -> cidr_netmask 24" in report
    cib_file = tmp_path / "cib.xml"
    cib_file.write_text(cib)
    from conftest import crm_verify_file

    _rc, out = crm_verify_file(cib_file)
    assert "error" not in out.lower(), out


def test_a_noncontiguous_netmask_is_a_todo() -> None:
    from xencfg.migrations.haresources import haresources_to_cib

    made = haresources_to_cib(xencfg.loads("a IPaddr2::10.0.0.5/255.0.255.0/eth0\n", "haresources"))
    todo = [c.message for c in made.changes if c.severity == "action"]
    assert any("255.0.255.0 is not contiguous" in t for t in todo)


def test_init_script_arguments_are_a_todo(tmp_path: Path) -> None:
    """heartbeat 1 ran 'mycustomd::start-arg' as '/etc/init.d/mycustomd start-arg start'
    (heartbeat 3.0.6 ResourceManager, doscript: "$spath $arg $2"); Pacemaker's lsb class
    runs '/etc/init.d/mycustomd start' and reads no instance attributes, so the argument
    was lost without a line in the report."""
    m = _ha3_plan(tmp_path)
    todos = _todos_of(m)
    assert any("mycustomd::start-arg" in t and "passes no arguments" in t for t in todos), todos
    # an init script without arguments needs nothing
    assert not any("IPaddr" in t and "passes no arguments" in t for t in todos)


def _todos_of(m: migrate.Migration) -> list[str]:
    return [f"{n.what} {n.why}" for n in m.notes if n.kind == "manual"]


# -- xm: list comprehensions --------------------------------------------------------------

XM_COMPREHENSIONS = (
    'name = "lc"\n'
    "memory = 256\n"
    'kernel = "/boot/vmlinuz-xen"\n'
    "vols = ['root', 'swap', 'data']\n"
    "disk = [ 'phy:/dev/vg/lc-%s,xvda%d,w' % (v, i + 1) for i, v in enumerate(vols) ]\n"
    "disk = disk + [ 'tap:aio:/srv/lc-extra.img,xvdb,r' ]\n"
    "disk += [ 'file:/srv/lc-%s.img,xvd%s,w' % (n, n) for n in 'cd' if n != 'd' ]\n"
    "vif = [ 'mac=00:16:3e:aa:00:%02x, bridge=xenbr%d' % (n, n % 2) for n in range(1, 3) ]\n"
    "device_model = '/usr/' + arch_libdir + '/xen/bin/qemu-dm'\n"
)


def test_xm_list_comprehensions_are_evaluated(tmp_path: Path) -> None:
    """xm ran '[... for v in SEQ]' as Python 2 (xm's create.py execfile); a comprehension
    over literals and earlier settings is evaluated like '+' and '%' are (statically,
    never run), with range/enumerate/zip and comparisons in its 'if'. They were
    commented out with a TODO, leaving the domU without its disks. xl (peer-xl, Xen
    4.17's xl -N create) reads the disks and vifs xm computed (peer-xm-python's
    values for this config); a computed device_model, which xl does not read, is
    dropped with its reason instead of a TODO to write its value."""
    node = _tree(tmp_path / "n", {"etc/xen/lc": XM_COMPREHENSIONS})
    m = migrate.plan([node], only=("xen",))
    out = next(o for o in m.outputs if o.path.endswith("lc")).data.decode()
    disks = [
        "phy:/dev/vg/lc-root,xvda1,w",
        "phy:/dev/vg/lc-swap,xvda2,w",
        "phy:/dev/vg/lc-data,xvda3,w",
        "tap:aio:/srv/lc-extra.img,xvdb,r",
        "file:/srv/lc-c.img,xvdc,w",
    ]
    env: dict[str, object] = {}
    for line in out.splitlines():
        if line.startswith(("disk", "vif")):
            key, _, value = line.partition(" = ")
            env[key] = ast.literal_eval(value)
    assert env["disk"] == disks
    assert env["vif"] == [
        "mac=00:16:3e:aa:00:01, bridge=xenbr1",
        "mac=00:16:3e:aa:00:02, bridge=xenbr0",
    ]
    todos = [n.what + " " + n.why for n in m.notes if n.kind == "manual"]
    assert todos == [], todos
    assert "# xm: device_model" in out
    assert any("device_model" in n.what and "xl ignores it" in n.what for n in m.notes)
    from conftest import peer_tool

    peer = peer_tool("peer-xl")
    (tmp_path / "lc.xl").write_text(out)
    p = subprocess.run([str(peer), str(tmp_path / "lc.xl")], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.startswith("OK"), p.stdout + p.stderr
    import json

    dom = json.loads(p.stdout.split("\n", 1)[1])
    assert [d["pdev_path"] for d in dom["disks"]] == [d.split(",")[0].split(":")[-1] for d in disks]
    assert [n["bridge"] for n in dom["nics"]] == ["xenbr1", "xenbr0"]


@pytest.mark.parametrize(
    "expr",
    [
        "[x for x in range(10**9)]",
        "[a for a in range(4000) for b in range(4000)]",
        "['a' * 1000000 for x in range(4000)]",
        "[i for i, c in enumerate('a' * 1000000)]",
        "[x for x in os.listdir('/')]",
        "[x for x in range(3) if x < 'a']",
        "[(a, b) for a, b in ['abc']]",
    ],
)
def test_comprehensions_that_are_not_static_stay_code(expr: str) -> None:
    """A comprehension over something unknown, too long (bounded at 4,096 steps, which
    a hostile config cannot stretch), or one comparing values Python 3 cannot order is
    NotStatic, so the line stays a TODO instead of a guess."""
    with pytest.raises(NotStatic):
        evaluate(ast.parse(expr, mode="eval").body, {})


# -- heartbeat 2 CIB: agents whose daemons are gone ------------------------------------------

CIB_CLUSTER_FS = """\
<cib validate-with="pacemaker-1.2" admin_epoch="2" epoch="17" num_updates="0">
  <configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o1" name="stonith-enabled" value="false"/>
    </cluster_property_set></crm_config>
    <nodes>
      <node id="alpha" uname="alpha" type="normal"/>
      <node id="beta" uname="beta" type="normal"/>
    </nodes>
    <resources>
      <clone id="cl-storage">
        <group id="g-storage">
          <primitive id="dlm" class="ocf" provider="pacemaker" type="controld"/>
          <primitive id="o2cb" class="ocf" provider="ocfs2" type="o2cb"/>
          <primitive id="clvm" class="ocf" provider="lvm2" type="clvmd"/>
          <primitive id="fs" class="ocf" provider="heartbeat" type="Filesystem">
            <instance_attributes id="fs-ia">
              <nvpair id="fs-dev" name="device" value="/dev/vgshared/images"/>
              <nvpair id="fs-dir" name="directory" value="/srv/images"/>
              <nvpair id="fs-type" name="fstype" value="ocfs2"/>
            </instance_attributes>
          </primitive>
        </group>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def test_agents_whose_daemons_are_gone_are_todos(tmp_path: Path) -> None:
    """crm_verify does not look agents up, so a converted CIB with ocf:lvm2:clvmd and
    ocf:ocfs2:o2cb passes it and never starts: LVM2 2.03.00 dropped clvmd ("Dropped
    clvmd with lvmlockd as a replacement", its release notes; resource-agents'
    ocf:heartbeat:clvm then fails check_binary), and ocfs2-tools 1.8.7 (Debian 12,
    dpkg -L) ships no OCF agent and no ocfs2_controld, which Pacemaker 2.1.5's
    ocf:pacemaker:o2cb starts (DAEMON=/usr/sbin/ocfs2_controld.${OCF_RESKEY_stack}).
    Each gets a TODO naming the replacement; controld and Filesystem none."""
    roots = _hb_pair(
        tmp_path,
        "bcast eth0\nnode alpha\nnode beta\ncrm yes\n",
        {"var/lib/heartbeat/crm/cib.xml": CIB_CLUSTER_FS},
    )
    m = migrate.plan(roots, only=("stack",), cluster_name="c")
    gone = [n for n in m.notes if n.kind == "manual" and "would never start" in n.what]
    assert sorted(n.what.split("'")[1] for n in gone) == ["clvm", "o2cb"]
    assert any("lvmlockd" in n.why for n in gone) and any("controld" in n.why for n in gone)


# -- IET: nullio LUNs and the global iSNS settings ---------------------------------------------

IETD_NULLIO = """\
iSNSServer 10.40.0.9
iSNSAccessControl No
Target iqn.2010-05.net.example:sg1.xen
\tLun 0 Path=/dev/vg/lv0,Type=blockio
\tLun 4 Sectors=204800,Type=nullio
\tLun 5 Type=nullio
\tLun 6 Type=fileio
"""


def test_nullio_lun_becomes_a_nullio_ramdisk(tmp_path: Path) -> None:
    """IET's nullio LUN has no Path (iscsitarget kernel/nullio.c reads only Sectors=,
    512-byte sectors, 64 GiB by default): it was reported as 'a Lun line without a
    number or path' and dropped, the Type=nullio branch never reached. It is LIO's
    rd_mcp backstore with nullio=true now (rtslib-fb tcm.py RDMCPStorageObject(name,
    size, wwn, nullio), plugin 'ramdisk' in so_mapping), which the installed
    python3-rtslib-fb binds; a fileio LUN without a Path is still skipped, by number."""
    from xencfg.migrations.lio import iet_to_lio

    conv = iet_to_lio(xencfg.loads(IETD_NULLIO, "ietd"), [])
    cfg = tmp_path / "saveconfig.json"
    cfg.write_text(conv.json())
    _rtslib_binds(cfg)
    import json as _json

    objs = {o["name"]: o for o in _json.loads(cfg.read_text())["storage_objects"]}
    assert objs["sg1.xen_lun4"]["plugin"] == "ramdisk"
    assert objs["sg1.xen_lun4"]["size"] == 204800 * 512
    assert objs["sg1.xen_lun4"]["nullio"] is True and "dev" not in objs["sg1.xen_lun4"]
    assert objs["sg1.xen_lun5"]["size"] == 64 << 30
    luns = _json.loads(cfg.read_text())["targets"][0]["tpgs"][0]["luns"]
    assert [lun["index"] for lun in luns] == [0, 4, 5]
    said = [c.message for c in conv.changes]
    assert any("LUN 6 has no Path" in m for m in said), said
    assert "/backstores/ramdisk create name=sg1.xen_lun4 size=104857600 nullio=true" in (
        conv.script()
    )


def test_isns_settings_are_named(tmp_path: Path) -> None:
    """ietd read iSNSServer and iSNSAccessControl before the first target (iscsitarget
    usr/config.c, config_isns_load) and registered its targets there; saveconfig.json
    has no iSNS (LIO leaves it to the target-isns daemon, /etc/target-isns.conf), and
    both lines vanished from the report."""
    from xencfg.migrations.lio import iet_to_lio

    conv = iet_to_lio(xencfg.loads(IETD_NULLIO.replace("No\n", "Yes\n"), "ietd"), [])
    said = {c.key: (c.severity, c.message) for c in conv.changes}
    assert said["iSNSServer"][0] == "action" and "target-isns" in said["iSNSServer"][1]
    assert said["iSNSAccessControl"][0] == "action"
    off = iet_to_lio(xencfg.loads(IETD_NULLIO, "ietd"), [])
    assert {c.key: c.severity for c in off.changes}["iSNSAccessControl"] == "info"


# -- xm: what Xen 4.17's xl refuses or ignores ---------------------------------------------------

XM_SLES = (
    'name="sles10"\n'
    "memory=1024\n"
    "vcpus=4\n"
    "vcpu_avail=3\n"
    'bootloader="/usr/bin/pygrub"\n'
    "disk=[ 'tap:sync:/var/lib/xen/images/sles/disk1,xvda,w', "
    "'tap:vhd:/var/lib/xen/images/sles/disk2.vhd,xvdb,w' ]\n"
    "vscsi=[ '/dev/sdz, 0:0:0:0' ]\n"
)


def test_blktap_sync_vcpu_avail_and_vscsi(tmp_path: Path) -> None:
    """peer-xl (Xen 4.17's xl -N create) refuses 'tap:sync:PATH' ("unknown deprecated
    disk prefix: near `sync:'", libxlu_disk_l.l knows raw, qcow, qcow2, vhd, tapdisk,
    tap, tap2, aio, ioemu, file, phy), and the whole domU with it: blktap's sync driver
    read the same raw image 'aio:' does. xl reads neither 'vcpu_avail' nor 'vscsi'
    (strings -n 2 of xl 4.17 has neither key; peer-xl gives avail_vcpus 0-3 for
    vcpus=4 vcpu_avail=3) and says nothing: both vanished from the report."""
    node = _tree(tmp_path / "n", {"etc/xen/vm/sles": XM_SLES})
    m = migrate.plan([node], only=("xen",))
    out = next(o for o in m.outputs if o.path.endswith("sles")).data.decode()
    assert '"tap:aio:/var/lib/xen/images/sles/disk1,xvda,w"' in out
    assert "# xm: vcpu_avail" in out and "# xm: vscsi" in out
    todos = [n.what for n in m.notes if n.kind == "manual"]
    assert any("maxvcpus = 4 and vcpus = 2" in t for t in todos), todos
    assert any(t.startswith("vscsi") for t in todos), todos
    from conftest import peer_tool

    peer = peer_tool("peer-xl")
    (tmp_path / "sles.xl").write_text(out)
    p = subprocess.run([str(peer), str(tmp_path / "sles.xl")], capture_output=True, text=True)
    assert p.stdout.startswith("OK"), p.stdout + p.stderr


def test_a_blktap_driver_xl_has_not_is_a_todo(tmp_path: Path) -> None:
    """'tap:vmdk:' and 'tap:ram:' have no xl counterpart (peer-xl: "unknown deprecated
    disk prefix"): a TODO to convert the image; the spec stays as it was."""
    text = "name='v'\nmemory=128\nkernel='/boot/k'\ndisk=['tap:vmdk:/srv/v.vmdk,xvda,w']\n"
    node = _tree(tmp_path / "n", {"etc/xen/vm/v": text})
    m = migrate.plan([node], only=("xen",))
    todos = [n.what for n in m.notes if n.kind == "manual"]
    assert any("'vmdk'" in t and "qemu-img convert" in t for t in todos), todos


@pytest.mark.parametrize(
    ("spec", "params"),
    [
        ("SendArp::10.0.0.5/eth0", {"ip": "10.0.0.5", "nic": "eth0"}),
        (
            "IPv6addr::2001:db8:0:0:0:0:0:5/64/eth0",
            {"ipv6addr": "2001:db8:0:0:0:0:0:5", "cidr_netmask": "64", "nic": "eth0"},
        ),
        ("Delay", {"startdelay": "10"}),
        ("Delay::5::2", {"startdelay": "5", "stopdelay": "2"}),
    ],
)
def test_resource_d_wrappers_split_their_argument(spec: str, params: dict[str, str]) -> None:
    """heartbeat 3.0.6's /etc/ha.d/resource.d wrappers, which a v1 cluster ran: SendArp
    splits 'ip-address/interface' (OCF_RESKEY_ip=$BASEIP, OCF_RESKEY_nic=$INTERFACE),
    IPv6addr 'ADDRESS/NETMASK/NIC', and Delay without arguments sets startdelay=10 (the
    agent's default is 20). The CIB had ip='10.0.0.5/eth0', an address SendArp's
    agent refuses, and ipv6addr with the prefix and interface glued on."""
    from lxml import etree

    from xencfg.migrations.haresources import haresources_to_cib

    made = haresources_to_cib(xencfg.loads(f"a {spec}\n", "haresources"))
    prim = etree.fromstring(made.text.encode()).find(".//primitive")
    assert prim is not None
    assert {nv.get("name"): nv.get("value") for nv in prim.iterfind(".//nvpair")} == params


def test_resource_d_ocf_and_drbdupper_are_not_init_scripts() -> None:
    """heartbeat 3.0.6's resource.d also holds OCF (runs the OCF agent AGENT with the
    variables of /etc/ha.d/conf/OCF/AGENT/INSTANCE), drbdupper (drbddisk for a stacked
    DRBD resource) and ids: they became lsb:OCF, lsb:drbdupper, init scripts no system
    has, with no line saying so. OCF::AGENT::INSTANCE is ocf:heartbeat:AGENT with a TODO
    to copy the instance file's parameters; drbdupper is a heartbeat-class script with
    the warning every resource.d script gets."""
    from lxml import etree

    from xencfg.migrations.haresources import haresources_to_cib

    made = haresources_to_cib(xencfg.loads("a OCF::Dummy::d1 drbdupper::r0-U\n", "haresources"))
    prims = etree.fromstring(made.text.encode()).findall(".//primitive")
    got = [(p.get("class"), p.get("provider"), p.get("type")) for p in prims]
    assert got == [("ocf", "heartbeat", "Dummy"), ("heartbeat", None, "drbdupper")]
    todo = [c.message for c in made.changes if c.severity == "action"]
    assert any("/etc/ha.d/conf/OCF/Dummy/d1" in t for t in todo), todo
    assert any(c.key == "drbdupper" and c.severity == "warning" for c in made.changes)


def test_a_ucast_line_with_several_targets_is_named(tmp_path: Path) -> None:
    """heartbeat 3.0.6 takes the interface and one target from a ucast line (ucast.c
    ucast_parse; the plugin logs 'ucast: started on port %d interface %s to %s') and
    ignores the rest, so 'ucast eth1 A B' sent nothing to B; peer-heartbeat starts
    with such a line. The migration reads it the same way and now says so."""
    hacf = "bcast eth0\nucast eth1 10.9.0.1 10.9.0.2\nnode alpha\nnode beta\ncrm off\n"
    m = migrate.plan(_hb_pair(tmp_path, hacf), only=("stack",), cluster_name="c")
    todos = [n.what for n in m.notes if n.kind == "manual"]
    assert any("heartbeat sent only to 10.9.0.1" in t and "10.9.0.2" in t for t in todos)


#: cluster A of this test file's heartbeat-1 section, with every directive it had
HA3_HACF_FULL = (
    "logfacility local0\nlogfile /var/log/ha-log\ndebugfile /var/log/ha-debug\n"
    "keepalive 1\ndeadtime 20\nwarntime 8\ninitdead 60\nudpport 694\n"
    "bcast eth0 eth2\nucast eth1 10.9.0.1\nucast eth1 10.9.0.2\nucast eth1 10.9.0.3\n"
    "auto_failback legacy\nnode xa1\nnode xa2\nnode xa3\n"
    "ping_group uplink 192.168.50.254 192.168.50.253\n"
    "respawn hacluster /usr/lib/heartbeat/ipfail\nrespawn root /usr/local/sbin/xen-watch\n"
    "apiauth ipfail gid=haclient uid=hacluster\ncrm off\n"
)


def test_three_node_v1_cluster_corosync_accepts_and_every_directive_is_named(
    tmp_path: Path,
) -> None:
    """A three-node heartbeat 1 cluster (bcast on two interfaces, one of them with no
    address in any file; ucast lines naming every member; ping_group, respawn, apiauth):
    corosync -t (corosync 3.1.7, exec/main.c) accepts each node's corosync.conf in a
    namespace owning that node's ring0 address, crm_verify the CIB, and the report names
    every directive of ha.cf (nothing vanishes without a line)."""
    from conftest import corosync_test, crm_verify_file

    nodes = [
        _tree(
            tmp_path / "in" / n,
            {
                "etc/ha.d/ha.cf": HA3_HACF_FULL,
                "etc/ha.d/haresources": HA3_HARESOURCES,
                "etc/hosts": HA3_HOSTS,
            },
        )
        for n in ("xa1", "xa2", "xa3")
    ]
    m = migrate.plan(nodes, only=("stack",), cluster_name="ca")
    report = m.report_markdown()
    for line in HA3_HACF_FULL.splitlines():
        assert line.split()[0] in report, line
    key = next(o for o in m.outputs if o.path.endswith("authkey"))
    (tmp_path / "authkey").write_bytes(key.data)
    for i, name in enumerate(("xa1", "xa2", "xa3"), start=1):
        conf = next(o for o in m.outputs if o.node == name and o.path.endswith("corosync.conf"))
        text = conf.data.decode().replace(
            "crypto_hash: sha256", f"crypto_hash: sha256\n\tkeyfile: {tmp_path / 'authkey'}"
        )
        assert "ring1_addr: 10.9.0." in text and "ring2_addr" not in text
        (tmp_path / f"{name}.conf").write_text(text)
        ok, out = corosync_test(tmp_path / f"{name}.conf", f"192.168.50.{i}")
        assert ok, out
    cib = next(o for o in m.outputs if o.path.endswith("cib.xml"))
    (tmp_path / "cib.xml").write_bytes(cib.data)
    _rc, out = crm_verify_file(tmp_path / "cib.xml")
    assert "error" not in out.lower(), out


def test_init_scripts_get_the_lsb_status_warning() -> None:
    """heartbeat 1 judged 'SCRIPT status' by its words (ResourceManager, we_own_resource:
    '*[Nn][Oo][Tt]\\ *[Rr]unning*' stopped, '*[Rr]unning*|*OK*' running); Pacemaker's
    lsb class by the exit code (0 running, 3 stopped: Pacemaker Explained, LSB
    compliance). An old script that prints 'stopped' and exits 0 worked under heartbeat
    and is found active on every node by Pacemaker's probes: each lsb resource made from
    haresources carries that warning."""
    from xencfg.migrations.haresources import haresources_to_cib

    made = haresources_to_cib(xencfg.loads("a 10.0.0.5 postfix\n", "haresources"))
    warned = [c for c in made.changes if c.key == "postfix" and c.severity == "warning"]
    assert warned and "echo $?" in warned[0].message


def test_ucast_per_peer_lines_give_each_member_its_address(tmp_path: Path) -> None:
    """Three nodes whose ha.cf has a ucast line per peer (heartbeat's documented way:
    each node names the others) and an /etc/hosts without those addresses: the address
    a node's own ha.cf lacks is its own, as the two-node rule already read it. The path
    was dropped with 'ucast address ... belongs to no member' for every line; corosync
    -t accepts the three files with ring1 on it. A ha.cf copied to every node (naming
    all three) still gets no guess."""
    from conftest import corosync_test

    ips = {"ra": "10.9.0.1", "rb": "10.9.0.2", "rc": "10.9.0.3"}
    hosts = "10.0.0.1 ra\n10.0.0.2 rb\n10.0.0.3 rc\n"
    nodes = []
    for name in ips:
        ucast = "".join(f"ucast eth1 {ip}\n" for peer, ip in ips.items() if peer != name)
        hacf = f"bcast eth0\n{ucast}node ra\nnode rb\nnode rc\ncrm off\n"
        files = {"etc/ha.d/ha.cf": hacf, "etc/ha.d/haresources": "ra 10.0.0.50\n"}
        nodes.append(_tree(tmp_path / "in" / name, {**files, "etc/hosts": hosts}))
    m = migrate.plan(nodes, only=("stack",), cluster_name="r")
    key = next(o for o in m.outputs if o.path.endswith("authkey"))
    (tmp_path / "authkey").write_bytes(key.data)
    for i, name in enumerate(ips, start=1):
        conf = next(o for o in m.outputs if o.node == name and o.path.endswith("corosync.conf"))
        text = conf.data.decode()
        for peer, ip in ips.items():
            assert f"name: {peer}\n\t\tnodeid: {list(ips).index(peer) + 1}\n" in text
            assert f"ring1_addr: {ip}" in text
        text = text.replace(
            "crypto_hash: sha256", f"crypto_hash: sha256\n\tkeyfile: {tmp_path / 'authkey'}"
        )
        (tmp_path / f"{name}.conf").write_text(text)
        ok, out = corosync_test(tmp_path / f"{name}.conf", f"10.0.0.{i}")
        assert ok, out
    # the same ha.cf on every node (all three addresses): no owner can be told
    copied = "bcast eth0\n" + "".join(f"ucast eth1 {ip}\n" for ip in ips.values())
    copied += "node ra\nnode rb\nnode rc\ncrm off\n"
    same = [
        _tree(
            tmp_path / "same" / n,
            {
                "etc/ha.d/ha.cf": copied,
                "etc/ha.d/haresources": "ra 10.0.0.50\n",
                "etc/hosts": hosts,
            },
        )
        for n in ips
    ]
    m = migrate.plan(same, only=("stack",), cluster_name="r")
    assert any("belongs to no member" in n.what for n in m.notes)


def test_ids_the_heartbeat2_conversion_renews_are_named(tmp_path: Path) -> None:
    """A heartbeat 2.x CIB's nvpair, expression and attribute-set ids are replaced by the
    conversion (as Pacemaker's upgrade06.xsl replaces them: 'always replaced by an
    auto-id', ../shared/oracle/cib/conversion-rules.md 5.5), and no report line said
    so: a script addressing 'opt-stonith-enabled' finds nothing. One line names them; a
    Pacemaker 1.0 CIB, whose ids are kept, gets none."""
    root = Path(__file__).resolve().parents[1] / "examples" / "two-node"
    m = migrate.plan([str(root / "alpha"), str(root / "beta")], only=("stack",), cluster_name="x")
    line = next(n for n in m.notes if n.target == "cib.xml ids")
    assert "opt-stonith-enabled" in line.what and "vm-web-xmfile" in line.what
    roots = _hb_pair(
        tmp_path,
        "bcast eth0\nnode alpha\nnode beta\ncrm yes\n",
        {"var/lib/heartbeat/crm/cib.xml": CIB_CLUSTER_FS},
    )
    m = migrate.plan(roots, only=("stack",), cluster_name="c")
    assert not [n for n in m.notes if n.target == "cib.xml ids"]
