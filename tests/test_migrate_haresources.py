"""haresources (heartbeat 1) -> CIB (xencfg.migrations.haresources), with the
semantics of heartbeat's tools/haresources2cib.py.in: the ids, classes, parameter
orders and monitor operations below are that script's, and Pacemaker's crm_verify
accepts every converted file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

import xencfg
from conftest import FIXTURES, shared_files, unavailable
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
    ("IPaddr2::10.0.0.6/eth0", "ocf", "IPaddr2", {"ip": "10.0.0.6", "nic": "eth0"}),
    (
        "Filesystem::/dev/drbd0::/data::ext3::noatime",
        "ocf",
        "Filesystem",
        {"device": "/dev/drbd0", "directory": "/data", "fstype": "ext3", "options": "noatime"},
    ),
    ("drbddisk::r0", "heartbeat", "drbddisk", {"1": "r0"}),
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
        "drbddisk_2",
        "Filesystem_3",
        "apache_4",
    ]
    locs = {
        loc.get("rsc"): loc.find("rule/expression").get("value")  # type: ignore[union-attr]
        for loc in root.iterfind(".//rsc_location")
    }
    assert locs == {"webgroup": "alpha", "group_11": "beta"}
    order = root.find(".//rsc_order")
    assert order is not None and (order.get("from"), order.get("to")) == (
        "IPaddr_192_168_10_50",
        "Filesystem_3",
    )
    assert ("drbddisk", "warning") in changes  # Pacemaker 2 runs no heartbeat class


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


def _crm_verify(path: Path) -> tuple[int, str]:
    exe = shutil.which("crm_verify")
    if exe is None:
        unavailable("crm_verify (pacemaker-cli-utils) is not installed")
    p = subprocess.run([exe, "--xml-file", str(path)], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


@pytest.mark.peer
@pytest.mark.parametrize("path", OWN + CORPUS, ids=[p.name for p in OWN + CORPUS])
def test_crm_verify_accepts_the_converted_cib(path: Path, tmp_path: Path) -> None:
    doc = xencfg.load(path, "haresources")
    made = haresources_to_cib(doc)
    out = convert.convert(made.text)
    cib = tmp_path / "cib.xml"
    cib.write_text(out.text)
    rc, text = _crm_verify(cib)
    assert rc == 0, text


def test_migrate_carries_a_v1_cluster(tmp_path: Path) -> None:
    roots = []
    for me in ("alpha", "beta"):
        etc = tmp_path / me / "etc"
        (etc / "ha.d").mkdir(parents=True)
        (etc / "ha.d" / "ha.cf").write_text(
            "keepalive 1\ndeadtime 10\nbcast eth0\nnode alpha\nnode beta\nauto_failback on\n"
        )
        (etc / "ha.d" / "authkeys").write_text("auth 1\n1 sha1 0123456789abcdef0123\n")
        (etc / "ha.d" / "haresources").write_text("alpha 10.0.0.5 drbddisk::r0 apache\n")
        (etc / "hosts").write_text("10.1.0.1 alpha\n10.1.0.2 beta\n")
        roots.append(str(tmp_path / me))
    m = migrate.plan(roots, only=("stack",))
    cib = next(o for o in m.outputs if o.path == "cib.xml")
    root = etree.fromstring(cib.data)
    assert root.get("validate-with") == "pacemaker-3.9"  # migrate's default: --to pacemaker=current
    assert [p.get("id") for p in root.iterfind(".//group/primitive")] == [
        "IPaddr_10_0_0_5",
        "drbddisk_2",
        "apache_3",
    ]
    assert any("haresources" in n.source and n.kind == "manual" for n in m.notes)


def test_heartbeat_class_resource_is_a_todo(tmp_path: Path) -> None:
    """drbddisk stays class="heartbeat", which Pacemaker 2 cannot run: Pacemaker 2.1.5's
    ``crm_resource --list-standards`` prints ocf, lsb, service and stonith (the class went
    with the heartbeat layer, ClusterLabs/pacemaker#1388), while crm_verify accepts the XML.
    So the report must ask for a replacement (a TODO), not say Pacemaker runs it."""
    roots = []
    for me in ("alpha", "beta"):
        etc = tmp_path / me / "etc"
        (etc / "ha.d").mkdir(parents=True)
        (etc / "ha.d" / "ha.cf").write_text(
            "keepalive 1\ndeadtime 10\nbcast eth0\nnode alpha\nnode beta\n"
        )
        (etc / "ha.d" / "authkeys").write_text("auth 1\n1 sha1 0123456789abcdef0123\n")
        (etc / "ha.d" / "haresources").write_text("alpha drbddisk::r0 10.0.0.5\n")
        (etc / "hosts").write_text("10.1.0.1 alpha\n10.1.0.2 beta\n")
        roots.append(str(tmp_path / me))
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
