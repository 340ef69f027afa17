"""Whole clusters the examples do not resemble, end to end: lint, migrate, live state.

Each test comes from a cluster built by hand the way administrators write their files
(drbd.d/*.res includes, tabs, comments, heartbeat-2 CIBs, sysconfig files) and run
through the commands as the README documents them; each says which daemon source or
verdict backs the expected behaviour.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import xencfg
from conftest import migrate_drbd_pair, peer_tool

#: a DRBD 8.3 common section as drbd-utils 8.3's global_common.conf template has it
#: (crm-fence-peer.sh / crm-unfence-peer.sh: the handlers of DRBD 8.3 and 8.4)
CRM_83 = (
    "global {\n"
    "\tusage-count no;\n"
    "}\n"
    "common {\n"
    "\tprotocol C;\n"
    "\thandlers {\n"
    '\t\tfence-peer "/usr/lib/drbd/crm-fence-peer.sh --timeout 60";\t# Pacemaker\n'
    '\t\tafter-resync-target "/usr/lib/drbd/crm-unfence-peer.sh";\n'
    "\t}\n"
    "\tdisk {\n"
    "\t\tfencing resource-only;\n"
    "\t}\n"
    "\tsyncer {\n"
    "\t\trate 40M;\n"
    "\t}\n"
    "}\n"
    "resource r0 {\n"
    "\ton a {\n"
    "\t\tdevice /dev/drbd0; disk /dev/sdb1; address 10.0.0.1:7788; meta-disk internal;\n"
    "\t}\n"
    "\ton b {\n"
    "\t\tdevice /dev/drbd0; disk /dev/sdb1; address 10.0.0.2:7788; meta-disk internal;\n"
    "\t}\n"
    "}\n"
)


def test_drbd9_migration_moves_crm_handlers_to_their_9_scripts(tmp_path: Path) -> None:
    """crm-fence-peer.sh reads the peer's disk state from /proc/drbd's per-minor lines
    (drbd-utils 9.22 /usr/lib/drbd/crm-fence-peer.sh, set_states_from_proc_drbd:
    ``sed -nre "/^ *$DRBD_MINOR: cs:/ ..." /proc/drbd``); DRBD 9's /proc/drbd has none,
    so under DRBD 9 the 8.4 script sees no state. crm-fence-peer.9.sh reads events2
    (set_states_from_proc_drbd_or_events2) and DRBD 9 runs crm-unfence-peer.9.sh as the
    ``unfence-peer`` handler. Before the fix `--to drbd=9` kept both 8.4 scripts and
    reported nothing."""
    out, notes = migrate_drbd_pair(tmp_path, CRM_83, "9")
    handlers = xencfg.loads(out, "drbd").common["handlers"]
    assert handlers["fence-peer"] == "/usr/lib/drbd/crm-fence-peer.9.sh --timeout 60"
    assert handlers["unfence-peer"] == "/usr/lib/drbd/crm-unfence-peer.9.sh"
    assert "after-resync-target" not in out
    assert "# Pacemaker" in out
    assert any(w.startswith("fence-peer: ") and "/proc/drbd" in w for w in notes)
    assert any(w.startswith("after-resync-target: ") and "unfence-peer" in w for w in notes)


def test_drbd84_migration_keeps_crm_handlers(tmp_path: Path) -> None:
    """crm-fence-peer.sh is DRBD 8.4's own handler (drbd-utils' 8.4 global_common.conf):
    to 8.4 it stays as written."""
    out, notes = migrate_drbd_pair(tmp_path, CRM_83, "8.4")
    assert 'fence-peer "/usr/lib/drbd/crm-fence-peer.sh --timeout 60";' in out
    assert 'after-resync-target "/usr/lib/drbd/crm-unfence-peer.sh";' in out
    assert not any("crm-fence-peer.9.sh" in w for w in notes)


def test_drbd9_crm_handlers_accepted_by_drbdadm_9(tmp_path: Path) -> None:
    """drbdadm's DRBD 9 parser (peer-drbdadm --mode 9) accepts the rewritten handlers
    (unfence-peer is a DRBD 9 handler keyword)."""
    peer = peer_tool("peer-drbdadm", "drbdadm")
    out, _ = migrate_drbd_pair(tmp_path, CRM_83, "9")
    conf = tmp_path / "drbd.conf"
    conf.write_text(out)
    p = subprocess.run(
        [str(peer), "--mode", "9", "--node", "a", str(conf)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stdout
    assert "crm-unfence-peer.9.sh" in p.stdout


DRBD_83 = (
    "resource r0 {\n"
    "\tprotocol C;\n"
    "\tsyncer { rate 40M; }\n"
    "\ton a { device /dev/drbd0; disk /dev/sdb1; address 10.0.0.1:7788; meta-disk internal; }\n"
    "\ton b { device /dev/drbd0; disk /dev/sdb1; address 10.0.0.2:7788; meta-disk internal; }\n"
    "}\n"
)

#: a capture's /proc/drbd (`xencfg capture` layout) of a DRBD 8.3.7 module
PROC_DRBD_83 = (
    "version: 8.3.7 (api:88/proto:86-91)\n"
    "GIT-hash: ea9e28dbff98e331a62bcbcc63a6135808fe2917 build by phil@fat-tyre, 2010-01-13\n"
    " 0: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r----\n"
    "    ns:1048576 nr:0 dw:1048576 dr:2097152 al:12 bm:64 lo:0 pe:0 ua:0 ap:0 ep:1 wo:b oos:0\n"
)


def test_captured_proc_drbd_version_is_the_drbd_release_in_force(tmp_path: Path) -> None:
    """A capture whose /proc/drbd says ``version: 8.3.7`` shows the node runs DRBD 8.3,
    whose drbdadm reads drbd.conf with its 8.3 parser (drbd-utils' drbdadm execs
    /lib/drbd/drbdadm-83 for an 8.3 module; peer README, section 1) and refuses 8.4's
    ``resync-rate`` (drbd-utils 8.3 drbdadm_parser.c knows no such keyword). Advice to
    move ``syncer { rate }`` to ``disk { resync-rate }`` is then wrong for this cluster.
    Before the fix, versions were read from the configuration only and XC004 said so;
    the same tree without the capture still gets the advice."""
    from lintkit import found, messages, tree

    files = {"etc/drbd.conf": DRBD_83, "etc/hostname": "a\n"}
    bare = tree(tmp_path, "bare", files)
    assert any("'syncer'" in m for m in messages("XC004", bare))
    live = tree(tmp_path, "live", {**files, "var/lib/xencfg/state/proc_drbd.txt": PROC_DRBD_83})
    assert [r for r in found("XC004", live) if r[1] == "drbd.conf"] == []


#: /etc/sysconfig/o2cb as `o2cb configure` writes it on SLES 11 with the pcmk stack: the
#: timeouts left at their defaults are written empty (o2cb.init.sh's configure template
#: ``O2CB_HEARTBEAT_THRESHOLD=${O2CB_HEARTBEAT_THRESHOLD}``)
SYSCONFIG_O2CB = (
    "# O2CB_ENABLED: 'true' means to load the driver on boot.\n"
    "O2CB_ENABLED=false\n"
    "O2CB_STACK=pcmk\n"
    "O2CB_BOOTCLUSTER=ocfs2\n"
    "# O2CB_HEARTBEAT_THRESHOLD: Iterations before a node is considered dead.\n"
    "O2CB_HEARTBEAT_THRESHOLD=\n"
    "O2CB_IDLE_TIMEOUT_MS=\n"
    "O2CB_KEEPALIVE_DELAY_MS=\n"
    "O2CB_RECONNECT_DELAY_MS=\n"
)


def test_empty_o2cb_timeouts_are_the_defaults(tmp_path: Path) -> None:
    """The o2cb init script writes a timeout only when it is set: ``if [ -n
    "$O2CB_HEARTBEAT_THRESHOLD" ]`` (ocfs2-tools 1.8.7 /etc/init.d/o2cb, set_timeouts,
    lines 239-264), and its own ``configure`` writes unset ones empty. Before the fix XC005
    called each empty line an error ("'' is not a number"); a value that is not a number
    still is one."""
    from lintkit import found, messages, tree

    clean = tree(tmp_path, "clean", {"etc/sysconfig/o2cb": SYSCONFIG_O2CB})
    assert found("XC005", clean) == []
    bad = SYSCONFIG_O2CB.replace("O2CB_IDLE_TIMEOUT_MS=\n", "O2CB_IDLE_TIMEOUT_MS=30s\n")
    wrong = tree(tmp_path, "wrong", {"etc/sysconfig/o2cb": bad})
    assert messages("XC005", wrong) == ["O2CB_IDLE_TIMEOUT_MS='30s' is not a number"]


#: corosync.conf of a SLES 11 HAE node: openais' aisexec section and Pacemaker's plugin
COROSYNC_1 = (
    "# Please read the corosync.conf.5 manual page\n"
    "aisexec {\n"
    "\tgroup:\troot\n"
    "\tuser:\troot\n"
    "}\n"
    "service {\n"
    "\tver:\t0\n"
    "\tname:\tpacemaker\n"
    "}\n"
    "totem {\n"
    "\tversion:\t2\n"
    "\tinterface {\n"
    "\t\tringnumber:\t0\n"
    "\t\tbindnetaddr:\t10.1.1.0\n"
    "\t\tmcastaddr:\t239.1.1.1\n"
    "\t\tmcastport:\t5405\n"
    "\t}\n"
    "}\n"
)

XM_DOMU = "name = 'app1'\nmemory = 512\nbuilder = 'linux'\nbootloader = '/usr/bin/pygrub'\n"


def test_migrate_carries_a_corosync_1_stack(tmp_path: Path) -> None:
    """A SLES 11 cluster (openais / corosync 1 with Pacemaker's plugin, ``service { name:
    pacemaker }``) has no ha.cf. Pacemaker 2 dropped the plugin (it runs on corosync 2+
    with votequorum: ClusterLabs' Pacemaker 2.0 release notes, "support for the
    corosync 1 plugin and cman was removed"), so its stack must move too. Before the
    first fix `xencfg migrate` converted the domUs and said nothing of the stack; then
    it said "written for corosync 1" and wrote nothing; now (session 24,
    tests/test_migrate_round24.py) it writes corosync 3's file, and each line of the old
    one gets its report line (aisexec: line 2)."""
    from lintkit import tree
    from xencfg import migrate

    roots = [
        tree(
            tmp_path,
            n,
            {"etc/corosync/corosync.conf": COROSYNC_1, "etc/xen/vm/app1": XM_DOMU},
        )
        for n in ("sles1", "sles2")
    ]
    m = migrate.plan([str(r) for r in roots])
    written = [o.node for o in m.outputs if o.path == "etc/corosync/corosync.conf"]
    assert written == ["sles1", "sles2"]
    aisexec = [n for n in m.notes if n.what.startswith("aisexec")]
    assert len(aisexec) == 1 and aisexec[0].source.endswith("corosync.conf:2")
    assert any(o.path.endswith("app1") for o in m.outputs)  # (the domU too)
    only = migrate.plan([str(r) for r in roots], only=("stack",))
    assert [o.node for o in only.outputs if o.path.endswith("corosync.conf")] == written


def test_migrate_carries_a_corosync_2_stack(tmp_path: Path) -> None:
    """corosync 2's udpu with an ``interface`` section (corosync 3 has knet instead): it
    was a TODO that said corosync 2; since tests/test_migrate_c2.py it is migrated: a
    knet corosync.conf is written and the ringnumber line gets its report line."""
    from lintkit import tree
    from xencfg import migrate

    conf = (
        "totem {\n\tversion: 2\n\ttransport: udpu\n\tinterface {\n\t\tringnumber: 0\n"
        "\t\tbindnetaddr: 10.2.0.0\n\t}\n}\nnodelist {\n\tnode {\n\t\tring0_addr: n1\n"
        "\t\tnodeid: 1\n\t}\n}\nquorum {\n\tprovider: corosync_votequorum\n}\n"
    )
    root = tree(tmp_path, "n1", {"etc/corosync/corosync.conf": conf, "etc/xen/vm/a": XM_DOMU})
    m = migrate.plan([str(root)])
    assert not any("written for corosync" in n.what for n in m.notes)
    assert any(n.what == "ringnumber 0 -> linknumber 0" for n in m.notes)
    written = next(o for o in m.outputs if o.path.endswith("corosync.conf")).data.decode()
    assert "transport: knet" in written and "name: n1" in written


def test_xm_empty_bootargs_is_dropped_not_given_to_xl(tmp_path: Path) -> None:
    """SLES 11's vm-install writes ``bootargs=""``. xend passed no arguments then
    (XendBootloader.py adds them only ``if blargs``); xl 4.17 given ``bootloader_args =
    ""`` prints the string deprecation warning and dies of a segmentation fault
    (peer-xl, rc 139). Before the fix the migration wrote exactly that line; a
    non-empty bootargs is still renamed."""
    from xencfg.migrations.xen import xm_to_xl

    src = 'name="app1"\nmemory=512\nbootloader="/usr/bin/pygrub"\nbootargs=""\n'
    result = xm_to_xl(xencfg.loads(src, "xm"))
    assert "bootloader_args" not in result.text
    assert '# xm: bootargs = ""' in result.text
    assert any(c.key == "bootargs" and "empty" in c.message for c in result.changes)
    kept = xm_to_xl(xencfg.loads(src.replace('bootargs=""', 'bootargs="-q"'), "xm"))
    # (as xl's list of xend's shell words: tests/test_migrate_xen.py
    # test_bootloader_args_become_xends_words)
    assert 'bootloader_args = [ "-q" ]' in kept.text


def test_xm_empty_bootargs_migrated_config_accepted_by_xl(tmp_path: Path) -> None:
    """peer-xl (xl 4.17's dry run) accepts the migrated config."""
    from xencfg.migrations.xen import xm_to_xl

    peer = peer_tool("peer-xl", "/usr/lib/xen-4.17/bin/xl")
    src = 'name="app1"\nmemory=512\nbuilder="linux"\nbootloader="/usr/bin/pygrub"\nbootargs=""\n'
    cfg = tmp_path / "app1"
    cfg.write_text(xm_to_xl(xencfg.loads(src, "xm")).text)
    p = subprocess.run([str(peer), str(cfg)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr


HACF_2 = "node a b\ncrm yes\nbcast eth0\n"
HOSTS = "10.0.0.1 a\n10.0.0.2 b\n"
CIB_HB_DRBD = (
    '<cib admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/>'
    '<nodes><node id="6125a0df-456a-4395-829a-418e9a380d36" uname="a" type="normal"/>'
    '<node id="f6b1a1a5-2b6b-4f0e-9b6a-2d9a1d2c8b11" uname="b" type="normal"/></nodes>'
    "<resources>"
    '<master_slave id="ms"><primitive id="drbd0" class="ocf" provider="heartbeat" '
    'type="drbd"><instance_attributes id="ia"><attributes>'
    '<nvpair id="r" name="drbd_resource" value="r0"/></attributes>'
    "</instance_attributes></primitive></master_slave>"
    '<primitive id="fs" class="ocf" provider="heartbeat" type="Filesystem"/>'
    "</resources><constraints/></configuration><status/></cib>"
)


def test_migrated_cib_runs_drbd_through_the_linbit_agent(tmp_path: Path) -> None:
    """A heartbeat 2 CIB's DRBD master/slave runs ocf:heartbeat:drbd. resource-agents 4
    has no such agent (Debian 12's resource-agents 4.12.0: /usr/lib/ocf/resource.d/
    heartbeat holds no drbd; drbd-utils 9.22 installs /usr/lib/ocf/resource.d/linbit/drbd)
    and crm_verify does not look agents up, so the migrated CIB passed every check and
    the DRBD resource would never start. Before the fix migrate kept it (both targets);
    other heartbeat agents (Filesystem) stay."""
    from lxml import etree

    from lintkit import tree
    from xencfg import migrate

    roots = [
        tree(
            tmp_path,
            n,
            {
                "etc/ha.d/ha.cf": HACF_2,
                "etc/hosts": HOSTS,
                "etc/hostname": f"{n}\n",
                "var/lib/heartbeat/crm/cib.xml": CIB_HB_DRBD,
            },
        )
        for n in ("a", "b")
    ]
    for target in ("current", "1.0"):
        m = migrate.plan([str(r) for r in roots], only=("stack",), pacemaker_target=target)
        cib = next(o for o in m.outputs if o.path == "cib.xml")
        root = etree.fromstring(cib.data)
        drbd = root.find(".//primitive[@id='drbd0']")
        assert drbd is not None and drbd.get("provider") == "linbit", target
        fs = root.find(".//primitive[@id='fs']")
        assert fs is not None and fs.get("provider") == "heartbeat"
        assert any("ocf:linbit:drbd" in n.what for n in m.notes)


def test_hb002_names_given_by_node_option_are_not_etc_hostname(tmp_path: Path) -> None:
    """`--node alpha=PATH` names a tree whose etc/hostname says xa1 (README: it "sets
    that node's name"). heartbeat on that machine looks itself up by ``uname -n`` (xa1),
    which ha.cf lists, so it starts; HB002 said "this node 'alpha' (etc/hostname) is not
    among ha.cf's nodes", an error the daemon does not raise, blaming a file that says
    xa1. A tree named by its own etc/hostname is still checked."""
    from lintkit import tree
    from xencfg import lint

    files = {"etc/ha.d/ha.cf": "node xa1 xa2\ncrm yes\nbcast eth0\n", "etc/hostname": "xa1\n"}
    root = tree(tmp_path, "xa1", files)
    named = lint.run([str(root)], names={str(root): "alpha"}, select=["HB002"])
    assert [f.code for f in named.findings] == []
    other = tree(tmp_path, "xa9", {**files, "etc/hostname": "xa9\n"})
    assert [f.code for f in lint.run([str(other)], select=["HB002"]).findings] == ["HB002"]
