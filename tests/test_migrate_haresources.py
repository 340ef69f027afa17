"""haresources (heartbeat 1) -> CIB (xencfg.migrations.haresources), with the
semantics of heartbeat's tools/haresources2cib.py.in: the ids, classes, parameter
orders and monitor operations below are that script's, and Pacemaker's crm_verify
accepts every converted file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

import xencfg
from conftest import FIXTURES, crm_verify_file, shared_files, unavailable
from xencfg import migrate
from xencfg.formats.cib import convert
from xencfg.migrations.haresources import haresources_to_cib

OWN = sorted((FIXTURES / "haresources" / "valid").iterdir())
CORPUS = [p for p in shared_files("corpus", "other") if p.name.endswith("haresources")]


def cib_of(text: str, hacf: str | None = None) -> tuple[etree._Element, list[tuple[str, str]]]:
    doc = xencfg.loads(text, "haresources")
    ha = xencfg.loads(hacf, "hacf") if hacf is not None else None
    made = haresources_to_cib(doc, ha)
    return etree.fromstring(made.text.encode()), [(c.key or "", c.severity) for c in made.changes]


# (haresources spec, class, type, parameters): cib_resource() of haresources2cib.py
GOLDEN = [
    ("10.0.0.5", "ocf", "IPaddr", {"ip": "10.0.0.5"}),
    (
        "IPaddr::10.0.0.5/24/eth1/10.0.0.255",
        "ocf",
        "IPaddr",
        {"ip": "10.0.0.5", "cidr_netmask": "24", "nic": "eth1", "broadcast": "10.0.0.255"},
    ),
    # (lvs_support: heartbeat's resource.d/IPaddr2 exported OCF_RESKEY_lvs_support=1)
    (
        "IPaddr2::10.0.0.6/eth0",
        "ocf",
        "IPaddr2",
        {"ip": "10.0.0.6", "nic": "eth0", "lvs_support": "true"},
    ),
    (
        "Filesystem::/dev/drbd0::/data::ext3::noatime",
        "ocf",
        "Filesystem",
        {"device": "/dev/drbd0", "directory": "/data", "fstype": "ext3", "options": "noatime"},
    ),
    # (drbddisk::NAME becomes a master/slave ocf:linbit:drbd: test_drbddisk_is_a_master_slave)
    ("drbddisk", "heartbeat", "drbddisk", {}),
    ("Xen::/etc/xen/vm/web", "ocf", "Xen", {"xmfile": "/etc/xen/vm/web"}),
    (
        "apache::/etc/apache2/apache2.conf",
        "ocf",
        "apache",
        {"configfile": "/etc/apache2/apache2.conf"},
    ),
    ("LVM::vg0", "ocf", "LVM", {"volgrpname": "vg0"}),
    (
        "MailTo::root@example.net::failover",
        "ocf",
        "MailTo",
        {"email": "root@example.net", "subject": "failover"},
    ),
    ("postfix", "lsb", "postfix", {}),
    ("xendomains", "lsb", "xendomains", {}),
]


@pytest.mark.parametrize(("spec", "klass", "kind", "params"), GOLDEN, ids=[g[0] for g in GOLDEN])
def test_each_resource_type(spec: str, klass: str, kind: str, params: dict[str, str]) -> None:
    root, _ = cib_of(f"alpha {spec}\n")
    prim = root.find(".//primitive")
    assert prim is not None
    assert (prim.get("class"), prim.get("type")) == (klass, kind)
    got = {nv.get("name"): nv.get("value") for nv in prim.iterfind(".//nvpair")}
    assert got == params
    mon = prim.find("operations/op")
    assert mon is not None and mon.get("name") == "monitor"


def test_groups_ids_locations_and_comment_constraints() -> None:
    root, changes = cib_of((FIXTURES / "haresources" / "valid" / "drbd-xen").read_text())
    groups = root.findall(".//resources/group")
    assert [g.get("id") for g in groups] == ["webgroup", "group_11"]
    assert [p.get("id") for p in groups[0]] == [
        "IPaddr_192_168_10_50",
        "Filesystem_3",  # (drbddisk_2 is ms_drbd_web now; the numbers stay haresources2cib's)
        "apache_4",
    ]
    assert [ms.get("id") for ms in root.iterfind(".//master_slave")] == [
        "ms_drbd_web",
        "ms_drbd_db",
    ]
    locs = {
        loc.get("rsc"): loc.find("rule/expression").get("value")  # type: ignore[union-attr]
        for loc in root.iterfind(".//rsc_location")
    }
    assert locs == {"webgroup": "alpha", "group_11": "beta"}
    orders = [(o.get("from"), o.get("to")) for o in root.iterfind(".//rsc_order")]
    assert ("IPaddr_192_168_10_50", "Filesystem_3") in orders  # the comment's
    assert ("webgroup", "ms_drbd_web") in orders and ("group_11", "ms_drbd_db") in orders
    assert ("drbddisk", "info") in changes and ("drbddisk", "warning") not in changes


def _option(root: etree._Element, name: str) -> str | None:
    for nv in root.iterfind(".//crm_config//nvpair"):
        if nv.get("name") == name:
            return nv.get("value")
    return None


def test_auto_failback_and_fencing() -> None:
    root, changes = cib_of("alpha 10.0.0.5\n", "node alpha\nnode beta\nauto_failback off\n")
    assert _option(root, "default_resource_stickiness") == "INFINITY"
    assert _option(root, "stonith_enabled") == "false"
    assert ("stonith", "action") in changes
    root, changes = cib_of(
        "alpha 10.0.0.5\n", "node alpha\nnode beta\nstonith_host * external/ipmi a 10.1.1.1\n"
    )
    assert _option(root, "default_resource_stickiness") == "0"
    assert _option(root, "stonith_enabled") == "true"  # nothing starts before fencing
    assert ("stonith_host", "action") in changes


def test_clone() -> None:
    root, _ = cib_of("alpha pingd #clone:pingclone\n", "node a\nnode b\nnode c\n")
    clone = root.find(".//clone")
    assert clone is not None and clone.get("id") == "pingclone"
    assert {
        nv.get("name"): nv.get("value") for nv in clone.iterfind("instance_attributes//nvpair")
    } == {
        "clone_max": "3",
        "clone_node_max": "1",
    }


@pytest.mark.peer
@pytest.mark.parametrize("path", OWN + CORPUS, ids=[p.name for p in OWN + CORPUS])
def test_crm_verify_accepts_the_converted_cib(path: Path, tmp_path: Path) -> None:
    doc = xencfg.load(path, "haresources")
    made = haresources_to_cib(doc)
    out = convert.convert(made.text)
    cib = tmp_path / "cib.xml"
    cib.write_text(out.text)
    rc, text = crm_verify_file(cib)
    assert rc == 0, text


def _v1_pair(tmp_path: Path, haresources: str, hacf_extra: str = "") -> list[str]:
    """Two heartbeat v1 members, alpha and beta, with this haresources line."""
    roots = []
    for me in ("alpha", "beta"):
        etc = tmp_path / me / "etc"
        (etc / "ha.d").mkdir(parents=True)
        (etc / "ha.d" / "ha.cf").write_text(
            "keepalive 1\ndeadtime 10\nbcast eth0\nnode alpha\nnode beta\n" + hacf_extra
        )
        (etc / "ha.d" / "authkeys").write_text("auth 1\n1 sha1 0123456789abcdef0123\n")
        (etc / "ha.d" / "haresources").write_text(haresources)
        (etc / "hosts").write_text("10.1.0.1 alpha\n10.1.0.2 beta\n")
        roots.append(str(tmp_path / me))
    return roots


def test_migrate_carries_a_v1_cluster(tmp_path: Path) -> None:
    roots = _v1_pair(tmp_path, "alpha 10.0.0.5 drbddisk::r0 apache\n", "auto_failback on\n")
    m = migrate.plan(roots, only=("stack",))
    cib = next(o for o in m.outputs if o.path == "cib.xml")
    root = etree.fromstring(cib.data)
    assert root.get("validate-with") == "pacemaker-3.9"  # migrate's default: --to pacemaker=current
    assert [p.get("id") for p in root.iterfind(".//group/primitive")] == [
        "IPaddr_10_0_0_5",
        "apache_3",
    ]
    promotable = root.find(".//clone/primitive[@type='drbd']/..")
    assert promotable is not None and promotable.get("id") == "ms_drbd_r0"
    assert any("haresources" in n.source and n.kind == "manual" for n in m.notes)


def test_heartbeat_class_resource_is_a_todo(tmp_path: Path) -> None:
    """A bare drbddisk (every DRBD resource) stays class="heartbeat", which Pacemaker 2
    cannot run: Pacemaker 2.1.5's ``crm_resource --list-standards`` prints ocf, lsb,
    service and stonith (the class went with the heartbeat layer,
    ClusterLabs/pacemaker#1388), while crm_verify accepts the XML.
    So the report must ask for a replacement (a TODO), not say Pacemaker runs it."""
    # a bare drbddisk promotes every DRBD resource; with no drbd.conf to name them it
    # stays a heartbeat script (with one: test_migrate_unseen5, a clone per resource)
    roots = _v1_pair(tmp_path, "alpha drbddisk 10.0.0.5\n")
    m = migrate.plan(roots, only=("stack",))
    notes = [n for n in m.notes if "heartbeat:drbddisk" in n.what]
    assert notes and all(n.kind == "manual" and n.why == "manual" for n in notes)
    assert not any("Pacemaker runs it" in n.what for n in m.notes)
    assert any("cannot run" in n.what for n in notes)


def test_preferred_node_that_is_no_member_is_a_todo() -> None:
    """'beta.example.com' is no ha.cf node: its #uname rule prefers nothing, so Pacemaker
    may place the group anywhere; 'Alpha' is alpha (heartbeat and Pacemaker's rule match
    names in any case, pcmk__str_casei)."""
    hacf = xencfg.loads("bcast eth0\nnode alpha\nnode beta\n", "hacf")
    doc = xencfg.loads("Alpha 10.0.0.5 apache\nbeta.example.com 10.0.0.6 mysql\n", "haresources")
    r = haresources_to_cib(doc, hacf)
    todo = [c for c in r.changes if c.severity == "action" and c.key != "stonith"]
    assert [(c.line, c.key) for c in todo] == [(2, "group_11")]
    assert "beta.example.com" in todo[0].message


THREE = FIXTURES / "lint-trees" / "haresources-three-node"


def test_drbddisk_is_a_master_slave() -> None:
    """``drbddisk::r0`` promoted r0 on the node its line runs on, before the resources
    after it (heartbeat's resource.d/drbddisk: ``drbdadm primary r0``). Pacemaker 2 runs
    no heartbeat class, so it becomes what the DRBD user's guide configures: a
    master/slave ``ocf:linbit:drbd`` (drbd_resource=r0; notify on and anonymous
    instances, which heartbeat 2's crm.dtd defaults the other way: notify 'false',
    globally_unique 'true'), the group colocated with its Master and started after the
    promotion. A line of drbddisk alone prefers its node for the Master role. The ids of
    the other resources stay haresources2cib's."""
    root, changes = cib_of(
        "alpha 10.0.0.5 drbddisk::r0 Filesystem::/dev/drbd0::/srv::ext3\nbeta drbddisk::r1\n",
        "node alpha\nnode beta\n",
    )
    ms = root.find(".//master_slave[@id='ms_drbd_r0']")
    assert ms is not None and (ms.get("notify"), ms.get("globally_unique")) == ("true", "false")
    assert {
        nv.get("name"): nv.get("value") for nv in ms.iterfind("instance_attributes//nvpair")
    } == {
        "clone_max": "2",
        "clone_node_max": "1",
        "master_max": "1",
        "master_node_max": "1",
    }
    prim = ms.find("primitive")
    assert prim is not None
    assert (prim.get("class"), prim.get("provider"), prim.get("type")) == ("ocf", "linbit", "drbd")
    assert [(o.get("role"), o.get("interval")) for o in prim.iterfind("operations/op")] == [
        ("Master", "29s"),
        ("Slave", "31s"),
    ]
    assert [p.get("id") for p in root.iterfind(".//group/primitive")] == [
        "IPaddr_10_0_0_5",
        "Filesystem_3",
    ]
    colo = root.find(".//rsc_colocation")
    assert colo is not None and dict(colo.attrib) == {
        "id": "colocation_group_1_ms_drbd_r0",
        "from": "group_1",
        "to": "ms_drbd_r0",
        "to_role": "Master",
        "score": "INFINITY",
    }
    order = root.find(".//rsc_order")
    assert order is not None and (order.get("from"), order.get("type"), order.get("to")) == (
        "group_1",
        "after",
        "ms_drbd_r0",
    )
    assert order.get("to_action") == "promote"
    lone = root.find(".//rsc_location[@rsc='ms_drbd_r1']/rule")
    assert lone is not None and (lone.get("role"), lone.get("score")) == ("Master", "100")
    assert ("drbddisk", "warning") not in changes
    # the heartbeat 2 CIB passes its DTD's rules through the converter to pacemaker-1.0
    out = convert.convert(etree.tostring(root, encoding="unicode"))
    assert "<master " in out.text or "<master\n" in out.text


def _simulate(cib: Path, *args: str) -> str:
    exe = shutil.which("crm_simulate")
    if exe is None:
        unavailable("crm_simulate (pacemaker-cli-utils) is not installed")
    p = subprocess.run(
        [exe, "-x", str(cib), "-q", "true", "-S", *args], capture_output=True, text=True
    )
    return p.stdout + p.stderr


@pytest.mark.peer
@pytest.mark.parametrize("target", ["current", "1.0"])
def test_migrated_drbddisk_runs_where_drbd_conf_has_it(tmp_path: Path, target: str) -> None:
    """Three heartbeat 1 members and a storage box; DRBD r0 is on alpha and beta only
    (their drbd.conf), the web group on alpha promotes it. The migrated CIB passes
    crm_verify (Pacemaker 2.1.5) for both targets, and Pacemaker's scheduler
    (crm_simulate, all three members up) starts r0's two instances on alpha and beta,
    never on gamma (the -INFINITY location migrate adds: gamma has no disk for it);
    once the drbd agent has set equal Master scores (crm_attribute
    master-drbd_r0, what its monitor does with crm_master) it promotes on alpha, where
    the group prefers to run, and starts the group there after the promotion."""
    roots = [str(THREE / n) for n in ("alpha", "beta", "gamma", "san1")]
    m = migrate.plan(roots, only=("stack",), pacemaker_target=target)
    out = next(o for o in m.outputs if o.path == "cib.xml")
    cib = tmp_path / "cib.xml"
    cib.write_bytes(out.data)
    rc, text = crm_verify_file(cib)
    assert rc == 0, text
    if target != "current":
        return
    assert not any(n.kind == "manual" and "ms_drbd_r0" in n.what for n in m.notes)
    first = tmp_path / "step1.xml"
    text = _simulate(cib, "-u", "alpha", "-u", "beta", "-u", "gamma", "-O", str(first))
    starts = re.findall(r"\* Start\s+drbd_r0:\d\s+\(\s*(\w+)\s*\)", text)
    assert sorted(starts) == ["alpha", "beta"], text
    attr = shutil.which("crm_attribute")
    if attr is None:
        unavailable("crm_attribute (pacemaker-cli-utils) is not installed")
    for node in ("alpha", "beta"):
        subprocess.run(
            [
                attr,
                "--node",
                node,
                "--name",
                "master-drbd_r0",
                "--update",
                "100",
                "--lifetime",
                "reboot",
            ],
            env={**os.environ, "CIB_file": str(first)},
            check=True,
            capture_output=True,
        )
    text = _simulate(first)
    assert re.search(r"\* Promote\s+drbd_r0:\d\s+\(\s*Unpromoted -> Promoted alpha\s*\)", text), (
        text
    )
    assert re.search(r"\* Start\s+apache_4\s+\(\s*alpha\s*\)", text), text


def test_a_colon_spelt_agent_heartbeat_never_ran_is_one_action() -> None:
    """migrate5 left it: ``ocf:heartbeat:Filesystem::...`` in haresources got "heartbeat
    ran 'ocf:heartbeat:Filesystem /dev/drbd0 /srv ext3 start'". heartbeat 1's
    ResourceManager looks the name up as a script in resource.d and init.d, where none
    has a ':' in its name: the line never started anything (its own form for an OCF
    agent is OCF::AGENT::INSTANCE, resource.d/OCF)."""
    _, changes = cib_of("alpha ocf:heartbeat:Filesystem::/dev/drbd0::/srv::ext3\n")
    mine = [sev for key, sev in changes if key == "ocf:heartbeat:Filesystem"]
    assert mine == ["action"]
    doc = xencfg.loads("alpha ocf:heartbeat:Filesystem::/dev/drbd0\n", "haresources")
    text = "\n".join(c.message for c in haresources_to_cib(doc, None).changes)
    assert "never started" in text and "heartbeat ran 'ocf:" not in text
