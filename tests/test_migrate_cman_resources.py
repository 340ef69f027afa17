"""A cman cluster with no CIB of its own (RHEL 5/6 with rgmanager): ``xencfg migrate``
makes the CIB of cluster.conf, its fence devices and rgmanager's services.

The fixtures under tests/fixtures/cmanres are written for these tests: ``rhel5-xen`` is a
RHEL 5 Xen pair (per-node IPMI devices with a shared APC switch as the second method,
an ordered restricted and an unordered nofailback failover domain, services with ip + fs
+ script and lvm + fs + an unknown postgres-8, three ``<vm>``\\ s, guest1's xm config in
etc/xen); ``gfs-three`` three nodes on fence_apc ports (gfs3 with two switches,
off/off/on/on), a GFS ``<clusterfs>`` exported over NFS and ``<totem token>``.

Each CIB goes through crm_verify (Pacemaker 2.1.5, the ../shared peer-crm-verify) and
``xencfg lint``. What the mapping follows: fence-agents' fencing.py (``all_opt`` keys the
old parameter names, ``longopt`` the new; ``_parse_input_stdin`` takes both,
``metadata()`` marks the old ones ``deprecated="1"``), rgmanager's service.sh meta-data
(the start order of a service's children), clufter's ccs2pcs filters
(jnpkrn/clufter filters/cluster/rm/*, filters/cib/configuration) and resource-agents
4.12's Xen, Filesystem, exportfs and LVM-activate meta-data (installed here).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from lxml import etree

from conftest import shared_path, unavailable
from xencfg import migrate
from xencfg.lint.memory import lint_text
from xencfg.stack import Note

FIXTURES = Path(__file__).parent / "fixtures" / "cmanres"
PASSWORDS = ("ipmiPass5a", "ipmiPass5b", "apcSecret7", "apcOne1")
#: what crm_verify says of any CIB whose status section is empty (every node unseen):
#: not a fault of the configuration (the other migrate tests accept the same)
EMPTY_STATUS = ("lack of quorum", "is unclean but cannot be fenced")


def _plan(cluster: str, root: Path = FIXTURES) -> migrate.Migration:
    return migrate.plan(sorted(str(p) for p in (root / cluster).iterdir()), only=("stack",))


def _cib(m: migrate.Migration) -> tuple[str, etree._Element]:
    text = next(o for o in m.outputs if o.path == "cib.xml").data.decode()
    return text, etree.fromstring(text.encode())


def _note(m: migrate.Migration, what: str) -> Note:
    found = [n for n in m.notes if what in n.what]
    assert len(found) == 1, (what, [n.what for n in m.notes])
    return found[0]


def _params(root: etree._Element, rid: str) -> dict[str, str]:
    prim = root.find(f".//primitive[@id='{rid}']")
    assert prim is not None, rid
    return {
        str(nv.get("name")): str(nv.get("value"))
        for nv in prim.iterfind("instance_attributes/nvpair")
    }


def _meta(root: etree._Element, rid: str) -> dict[str, str]:
    el = root.find(f".//*[@id='{rid}']")
    assert el is not None, rid
    return {
        str(nv.get("name")): str(nv.get("value")) for nv in el.iterfind("meta_attributes/nvpair")
    }


def _levels(root: etree._Element) -> list[tuple[str | None, ...]]:
    return [
        (lv.get("target"), lv.get("index"), lv.get("devices"))
        for lv in root.iterfind("configuration/fencing-topology/fencing-level")
    ]


def _crm_verify(text: str, tmp: Path) -> list[str]:
    """peer-crm-verify's errors and warnings on ``text`` but the empty status's."""
    wrapper = shared_path("oracle", "peers", "peer-crm-verify")
    if shutil.which("crm_verify") is None:
        unavailable("crm_verify (pacemaker-cli-utils) is not installed")
    path = tmp / "cib.xml"
    path.write_text(text)
    res = subprocess.run([str(wrapper), str(path)], capture_output=True, text=True, timeout=120)
    said = (res.stdout + res.stderr).splitlines()
    assert not said[0].startswith("REJECT") or "STONITH" in res.stdout, said
    return [
        ln
        for ln in said[1:]
        if re.search(r"\b(error|warning):", ln) and not any(e in ln for e in EMPTY_STATUS)
    ]


def _lint_errors(text: str) -> tuple[list[str], set[str]]:
    """``xencfg lint``'s errors on the CIB, and the codes of its other findings."""
    findings = lint_text(text, "cib").findings
    return [str(f) for f in findings if f.severity == "error"], {f.code for f in findings}


def test_rhel5_pair_fencing_becomes_stonith_with_levels(tmp_path: Path) -> None:
    """Each fencedevice is a stonith resource with today's parameter names (ipaddr -> ip,
    login -> username, passwd -> password), the per-node IPMI devices fence their node
    (pcmk_host_list), the shared APC switch each node at its port (pcmk_host_map), and the
    two methods are fencing levels 1 and 2. The passwords are in cib.xml (mode 0600) and
    nowhere in the report."""
    m = _plan("rhel5-xen")
    _, root = _cib(m)
    assert _params(root, "fence-ipmi-xen5a") == {
        "ip": "10.1.1.11",
        "username": "root",
        "password": "ipmiPass5a",
        "lanplus": "1",
        "auth": "password",
        "pcmk_host_list": "xen5a",
    }
    apc = _params(root, "fence-apc")
    assert apc["pcmk_host_map"] == "xen5a:1;xen5b:2" and apc["password"] == "apcSecret7"
    assert "ipaddr" not in apc and "login" not in apc and "passwd" not in apc
    assert _levels(root) == [
        ("xen5a", "1", "fence-ipmi-xen5a"),
        ("xen5a", "2", "fence-apc"),
        ("xen5b", "1", "fence-ipmi-xen5b"),
        ("xen5b", "2", "fence-apc"),
    ]
    enabled = root.find(".//cluster_property_set/nvpair[@name='stonith-enabled']")
    assert enabled is not None and enabled.get("value") == "true"
    assert _note(m, "fencedevice apc passwd=******** -> password=********").kind == "rewrite"
    made = _note(m, "fencedevice apc (fence_apc) -> stonith resource fence-apc")
    assert made.source.endswith("xen5a/etc/cluster/cluster.conf:30")
    # (before: a TODO per device and no CIB at all)
    assert not [n for n in m.notes if n.kind == "manual" and "agent fence_" in n.what]
    out = tmp_path / "out"
    migrate.write(m, out, [str(p) for p in (FIXTURES / "rhel5-xen").iterdir()])
    report = (out / "MIGRATION.md").read_text() + m.report_json()
    assert not [p for p in PASSWORDS if p in report]
    assert "ipmiPass5a" in (out / "cib.xml").read_text()
    assert (out / "cib.xml").stat().st_mode & 0o777 == 0o600


def test_rhel5_services_and_vms_become_groups_primitives_and_constraints() -> None:
    """web (ip, fs with a script inside) starts fs, script, ip: rgmanager's order
    (service.sh: fs 2 before ip 7, a resource before its children); ``ref=`` resolves to
    ``<resources>``; the ordered restricted domain scores xen5a 10000 and xen5b 9900 (no
    -INFINITY: both nodes are in it); relocate is migration-threshold=1. The vms are
    ocf:heartbeat:Xen on their xm file (xl since the ``xen`` part), live migration
    allowed; max_restarts 2 is migration-threshold 3; autostart=0 is target-role Stopped;
    the exclusive db service keeps every other off its node; postgres-8 is reported with
    its line."""
    m = _plan("rhel5-xen")
    _, root = _cib(m)
    web = root.find(".//group[@id='web']")
    assert web is not None
    assert [p.get("id") for p in web.iterfind("primitive")] == [
        "fs-webdata",
        "script-httpd",
        "ip-192.168.10.50-24",
    ]
    assert _params(root, "ip-192.168.10.50-24") == {"ip": "192.168.10.50", "cidr_netmask": "24"}
    assert _params(root, "fs-webdata")["force_unmount"] == "true"
    assert _params(root, "fs-dbfs")["device"] == "-Lpgdata"
    assert _params(root, "lvm-vgdb") == {"vgname": "vgdb", "vg_access_mode": "tagging"}
    script = root.find(".//primitive[@id='script-httpd']")
    assert script is not None and script.get("class") == "lsb"
    assert _meta(root, "web") == {"migration-threshold": "1"}
    locations = {(c.get("rsc"), c.get("node")): c.get("score") for c in root.iter("rsc_location")}
    assert locations[("web", "xen5a")] == "10000" and locations[("web", "xen5b")] == "9900"
    assert "-INFINITY" not in locations.values()
    assert _params(root, "vm-guest1") == {"xmfile": "/etc/xen/guest1", "name": "guest1"}
    assert _meta(root, "vm-guest1") == {
        "migration-threshold": "3",
        "failure-timeout": "600s",
        "allow-migrate": "true",
        "resource-stickiness": "INFINITY",
    }
    assert _meta(root, "vm-guest2")["target-role"] == "Stopped"
    assert _meta(root, "db")["resource-stickiness"] == "INFINITY"
    apart = {(c.get("rsc"), c.get("with-rsc"), c.get("score")) for c in root.iter("rsc_colocation")}
    assert ("vm-guest1", "db", "-INFINITY") in apart and ("web", "db", "-INFINITY") in apart
    pg = _note(m, "rgmanager resource <postgres-8> not carried")
    assert pg.kind == "manual" and pg.source.endswith("cluster.conf:57")
    # (a pause migration: xm migrate without -l, rgmanager vm.sh xm_migrate; xl migrate
    # is live only: the guest still moves without a restart)
    assert _note(m, "vm guest3: migrate=pause -> allow-migrate=true").kind == "rewrite"
    assert _meta(root, "vm-guest3")["allow-migrate"] == "true"
    assert _note(m, "vm guest3: path=/etc/xen:/srv/xen -> /etc/xen/guest3").kind == "manual"
    assert _note(m, "<ip monitor_link='1'>").kind == "dropped"
    assert _note(m, "web: restricted domain prefer-a").kind == "dropped"


def test_three_nodes_apc_ports_dual_power_and_gfs(tmp_path: Path) -> None:
    """One switch fences all three nodes at their ports; gfs3's method of two switches
    (fenced's off, off, on, on lines) is one fencing level of both devices, the action
    lines dropped (Pacemaker turns a level's devices off, then on). The GFS clusterfs is
    a gfs2 Filesystem (a TODO: gfs2_convert) after the DLM clone, its nfsclient an
    exportfs of the mountpoint with the fs's fsid, the restricted domain -INFINITY on
    gfs3. crm_verify and lint accept the CIB."""
    m = _plan("gfs-three")
    text, root = _cib(m)
    assert _params(root, "fence-apc1")["pcmk_host_map"] == "gfs1:1;gfs2:2;gfs3:3"
    apc2 = _params(root, "fence-apc2")
    assert apc2["pcmk_host_map"] == "gfs3:3" and apc2["password_script"] == "/root/apc2-pass"
    assert _levels(root) == [("gfs3", "1", "fence-apc1,fence-apc2")]
    assert _note(m, "gfs3: <device name='apc2' action='on'>").kind == "dropped"
    assert _params(root, "clusterfs-home")["fstype"] == "gfs2"
    assert _note(m, "<clusterfs home> fstype=gfs -> gfs2").kind == "manual"
    assert _params(root, "nfsclient-lan") == {
        "clientspec": "192.168.0.0/24",
        "directory": "/export/home",
        "fsid": "4242",
        "options": "rw,sync",
    }
    assert root.find(".//clone[@id='dlm-clone']/primitive[@type='controld']") is not None
    order = root.find(".//rsc_order[@first='dlm-clone']")
    assert order is not None and order.get("then") == "nfs"
    locations = {(c.get("rsc"), c.get("node")): c.get("score") for c in root.iter("rsc_location")}
    assert locations[("nfs", "gfs3")] == "-INFINITY"
    assert _crm_verify(text, tmp_path) == []
    errors, codes = _lint_errors(text)
    assert errors == [] and codes <= {"CB009", "CB020"}, codes


def test_rhel5_cib_passes_crm_verify_and_lint(tmp_path: Path) -> None:
    """crm_verify (Pacemaker 2.1.5) finds nothing but the empty status's warnings; our
    lint no error (only the cleartext passwords, CB009/CB020, which the report names)."""
    m = _plan("rhel5-xen")
    text, _ = _cib(m)
    assert _crm_verify(text, tmp_path) == []
    errors, codes = _lint_errors(text)
    assert errors == [] and codes <= {"CB009", "CB020"}, codes
    assert _note(m, "fence passwords carried into cib.xml in cleartext").kind == "manual"


MANUAL = """<?xml version="1.0"?>
<cluster config_version="3" name="manual">
  <clusternodes>
    <clusternode name="a" nodeid="1">
      <fence><method name="1"><device name="human" nodename="a"/></method></fence>
    </clusternode>
    <clusternode name="b" nodeid="2">
      <fence><method name="1"><device name="ipmi" ipaddr="10.9.1.2"/></method></fence>
    </clusternode>
  </clusternodes>
  <cman two_node="1" expected_votes="1"/>
  <fencedevices>
    <fencedevice agent="fence_manual" name="human"/>
    <fencedevice agent="fence_ipmilan" name="ipmi" login="admin" passwd="hunter2x"/>
  </fencedevices>
  <rm>
    <failoverdomains><failoverdomain name="spare"/></failoverdomains>
    <resources><script name="spare" file="/etc/init.d/spare"/></resources>
    <service name="s"><ip address="10.9.9.9"/></service>
  </rm>
</cluster>
"""


def _tree(tmp: Path, text: str) -> Path:
    for node in ("a", "b"):
        etc = tmp / "trees" / node / "etc"
        (etc / "cluster").mkdir(parents=True)
        (etc / "cluster" / "cluster.conf").write_text(text)
        (etc / "hostname").write_text(node + "\n")
        (etc / "hosts").write_text("10.9.0.1 a\n10.9.0.2 b\n")
    return tmp


def test_fence_manual_is_refused_and_a_node_without_fencing_keeps_stonith_on(
    tmp_path: Path,
) -> None:
    """fence_manual has no Pacemaker counterpart: a TODO, no resource. A shared device
    with the node's own ipaddr on its ``<device>`` is a resource for that node. With no
    device at all carried, stonith-enabled stays true and crm_verify refuses to start
    resources until one is added, which the report says (fencing is never lost
    silently); a device no node names, a failover domain no service names and a shared
    resource no ref= names are reported too."""
    m = _plan("trees", _tree(tmp_path, MANUAL))
    _, root = _cib(m)
    assert _note(m, "fencedevice human (fence_manual) not carried").kind == "manual"
    assert _params(root, "fence-ipmi") == {
        "username": "admin",
        "password": "hunter2x",
        "ip": "10.9.1.2",
        "pcmk_host_list": "b",
    }
    assert _note(m, "b's device ipmi ipaddr=10.9.1.2 -> ip=10.9.1.2").kind == "rewrite"
    assert "hunter2x" not in m.report_markdown()
    assert _note(m, "failover domain spare: no service names it").kind == "dropped"
    assert _note(m, "<script spare> in <resources>: no ref= names it").kind == "dropped"
    bare = MANUAL.replace('<device name="ipmi" ipaddr="10.9.1.2"/>', '<device name="human"/>')
    m = _plan("trees", _tree(tmp_path / "bare", bare))
    text, root = _cib(m)
    assert root.find(".//primitive[@class='stonith']") is None
    enabled = root.find(".//nvpair[@name='stonith-enabled']")
    assert enabled is not None and enabled.get("value") == "true"
    todo = _note(m, "no fence device carried: stonith-enabled stays true")
    assert todo.kind == "manual" and "pcs stonith create" in todo.why
    assert (
        _note(m, "fencedevice ipmi (fence_ipmilan): no node's <fence> names it").kind == "dropped"
    )
    said = _crm_verify(text, tmp_path)
    assert said and all("STONITH" in ln or "stonith" in ln for ln in said), said


def test_a_cman_cluster_with_a_cib_keeps_it() -> None:
    """cman handing fencing to Pacemaker (fence_pcmk) with a CIB of its own: the CIB is
    converted as before, nothing is made of cluster.conf."""
    topo6 = Path(__file__).parent / "fixtures/topo6/rhel6-cman-pcmk-three-node-drbd84-lvm-xl"
    m = _plan("good", topo6)
    assert not [o for o in m.outputs if "from cluster.conf" in o.why]
    assert [o for o in m.outputs if o.path == "cib.xml"]


def test_no_cluster_conf_cib_for_pacemaker_1_0() -> None:
    """``--to pacemaker=1.0`` converts a heartbeat CIB to the 1.0 form; the CIB made of
    cluster.conf holds fencing levels (schema pacemaker-1.2) and fence_* agents, which
    Pacemaker 1.0 had not. It was written as pacemaker-3.9 all the same, which no 1.x
    release reads (an info line said so). Now none is written, and a TODO says why and
    which target to ask for; the cut-over says to write the CIB."""
    roots = sorted(str(p) for p in (FIXTURES / "gfs-three").iterdir())
    m = migrate.plan(roots, only=("stack",), pacemaker_target="1.0")
    assert not [o for o in m.outputs if o.path == "cib.xml"]
    todo = _note(m, "no CIB made of cluster.conf for pacemaker-1.0")
    assert todo.kind == "manual" and "--to pacemaker=2.0" in todo.why
    assert any(s.startswith("Write the CIB") for s in m.steps)


def test_the_xen_agent_starts_the_config_the_xen_part_writes() -> None:
    """vm guest1's xmfile is /etc/xen/guest1, the file the ``xen`` part rewrites in xl
    syntax at the same path on each node (resource-agents 4.12's Xen: ``xentool=$(which
    xl || which xm)``, so today's dom0 runs it with xl)."""
    m = migrate.plan(sorted(str(p) for p in (FIXTURES / "rhel5-xen").iterdir()))
    _, root = _cib(m)
    xmfile = _params(root, "vm-guest1")["xmfile"]
    written = {(o.node, "/" + o.path) for o in m.outputs if o.path.startswith("etc/xen/")}
    assert written == {("xen5a", xmfile), ("xen5b", xmfile)}


def test_mutated_cluster_conf_never_gives_a_traceback() -> None:
    """Bad input never gives a traceback: 300 mutations of the two fixtures (attribute
    values emptied, made huge, made of other names; lines dropped or swapped) give a CIB
    lxml reads, or an XencfgError that the migration turns into a TODO. (The first run of
    this found a cluster.conf the format reads and lxml does not: an empty XML version.)"""
    import random

    import xencfg
    from xencfg.errors import XencfgError
    from xencfg.stack import Member
    from xencfg.stack.cman_cib import cluster_conf_cib

    rng = random.Random(25)
    texts = [
        (FIXTURES / "rhel5-xen/xen5a/etc/cluster/cluster.conf").read_text(),
        (FIXTURES / "gfs-three/gfs1/etc/cluster/cluster.conf").read_text(),
    ]
    values = ["", "0", "yes", "-1", "9" * 5000, "a b", "x:y;z", "service:web", "é", "gfs"]
    members = [Member(n, i) for i, n in enumerate(["xen5a", "xen5b", "gfs1", "gfs3"], 1)]
    made = 0
    for _ in range(300):
        lines = rng.choice(texts).splitlines()
        for _ in range(rng.randint(1, 4)):
            j = rng.randrange(len(lines))
            spots = list(re.finditer(r'\w+="([^"]*)"', lines[j]))
            if spots and rng.random() < 0.7:
                a = rng.choice(spots)
                lines[j] = lines[j][: a.start(1)] + rng.choice(values) + lines[j][a.end(1) :]
            elif lines[j].strip().endswith("/>"):
                del lines[j]
            else:
                k = rng.randrange(len(lines))
                lines[j], lines[k] = lines[k], lines[j]
        try:
            doc = xencfg.loads("\n".join(lines), "cman")
            text, _ = cluster_conf_cib(doc, "cluster.conf", members)
        except XencfgError:
            continue
        etree.fromstring(text.encode())
        made += 1
    assert made > 50  # (the others: a file the format or lxml refuses, reported)
