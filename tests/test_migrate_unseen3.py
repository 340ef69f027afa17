"""``xencfg migrate`` on three more clusters, each output judged by the real tool of
the target version (corosync 3.1's ``corosync -t``, Pacemaker 2.1's ``crm_verify``,
drbd-utils 9.22's drbdadm 8.4 and 9 parsers, Xen 4.17's xl, rtslib-fb) and its meaning
compared with the input's: every resource, constraint and fencing setting carried.

The inputs are our own text (tests/fixtures/migcheck):

* ``tri``: three heartbeat 2.0 nodes with a crm.dtd CIB (``<attributes>`` wrappers,
  underscore option names, ``stonith_enabled=false``, ``symmetric_cluster=false``,
  a ``master_slave`` with instance-attribute clone options, a ``pingd`` clone,
  ``rsc_order`` of both ``type`` values and ``score="0"``, ``to_role``, a rule-bound
  attribute set, ``prereq``/``disabled`` ops); DRBD 8.3 with ``syncer``/``after``/
  ``al-extents``/``cpu-mask``, a stacked and a ``floating`` resource, dopd's
  ``outdate-peer`` next to an LVM snapshot ``after-resync-target``; xm configs with
  Python, pygrub, ``w!``, vfb, pci, an HVM guest; an IET target pair with CHAP both
  ways, several LUNs, Alias, options;
* ``fence``: three heartbeat 2.1 nodes fenced by a cloned ``external/ssh`` and an
  ``external/riloe`` device, a per-resource failure stickiness, ``on_fail="fence"``,
  a ``date_expression`` and a symmetrical colocation;
* ``v1``: three heartbeat 1 nodes (``node a1 a2`` on one line, two interfaces on one
  ``bcast``), four ``stonith_host`` lines of one plugin, ``watchdog``, haresources
  with ``IPaddr::ADDR/24/eth0``, ``IPaddr2::ADDR/MASK/eth0:1/BCAST``, a bare address,
  two ``drbddisk::RES`` whose peers differ, Filesystem options with commas, Delay,
  MailTo, Xen and init scripts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

import test_migrate_unseen2 as unseen2
from conftest import FIXTURES
from test_migrate_daemons import (
    STONITH,
    _crm_errors,
    _drbdadm,
    _rtslib,
    _todos,
    _xl,
    drbd_facts,
)
from test_migrate_haresources import _simulate
from test_migrate_unseen2 import _said
from xencfg import migrate

HERE = FIXTURES / "migcheck"
HOSTS = "127.0.0.1 localhost\n" + "".join(f"192.168.0.{i} n{i}\n" for i in (1, 2, 3))


def _read(name: str) -> str:
    return (HERE / name).read_text()


def _tri() -> dict[str, dict[str, str]]:
    hosts = HOSTS + "".join(f"10.1.0.{i} n{i}-hb\n" for i in (1, 2, 3))
    nodes: dict[str, dict[str, str]] = {}
    for n in ("n1", "n2", "n3"):
        nodes[n] = {
            "etc/ha.d/ha.cf": _read("tri-ha.cf"),
            "etc/ha.d/authkeys": "auth 1\n1 sha1 Sup3rS3cret\n",
            "etc/hosts": hosts,
            "etc/hostname": f"{n}\n",
            "var/lib/heartbeat/crm/cib.xml": _read("tri-cib.xml"),
            "etc/drbd.conf": _read("tri-drbd.conf"),
        }
    nodes["n1"].update(
        {
            "etc/xen/vm/db": _read("tri-xm-db"),
            "etc/xen/vm/win": _read("tri-xm-win"),
            "etc/iet/ietd.conf": _read("tri-ietd.conf"),
            "etc/iet/initiators.allow": "iqn.2008-01.com.example:storage.disk1 "
            "iqn.1993-08.org.debian:01:n2, iqn.1993-08.org.debian:01:n3\n",
        }
    )
    return nodes


def _fence() -> dict[str, dict[str, str]]:
    return {
        n: {
            "etc/ha.d/ha.cf": "node x1\nnode x2\nnode x3\nbcast eth0\ncrm on\n",
            "etc/ha.d/authkeys": "auth 1\n1 crc\n",
            "etc/hosts": "".join(f"10.0.1.{i} x{i}\n" for i in (1, 2, 3)),
            "var/lib/heartbeat/crm/cib.xml": _read("fence-cib.xml"),
        }
        for n in ("x1", "x2", "x3")
    }


def _v1() -> dict[str, dict[str, str]]:
    return {
        n: {
            "etc/ha.d/ha.cf": _read("v1-ha.cf"),
            "etc/ha.d/haresources": _read("v1-haresources"),
            "etc/ha.d/authkeys": "auth 3\n3 md5 Hb1Md5Key\n",
            "etc/hosts": "".join(f"192.168.5.{i} a{i}\n" for i in (1, 2, 3)),
            "etc/hostname": f"{n}\n",
            "etc/drbd.conf": _read("v1-drbd.conf"),
        }
        for n in ("a1", "a2", "a3")
    }


def _options() -> dict[str, dict[str, str]]:
    return {
        n: {
            "etc/ha.d/ha.cf": "node m1\nnode m2\nbcast eth0\ncrm on\n",
            "etc/ha.d/authkeys": "auth 1\n1 crc\n",
            "etc/hosts": "10.0.2.1 m1\n10.0.2.2 m2\n",
            "var/lib/heartbeat/crm/cib.xml": _read("options-cib.xml"),
        }
        for n in ("m1", "m2")
    }


CLUSTERS = {"tri": _tri, "fence": _fence, "v1": _v1, "options": _options}


def _plan(tmp: Path, cluster: str, **kw: Any) -> tuple[migrate.Migration, Path, Path]:
    return unseen2._plan(tmp, cluster, CLUSTERS, **kw)


def _xml(path: Path) -> Any:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False)).getroot()


# -- every output through the real tool ----------------------------------------------


@pytest.mark.peer
@pytest.mark.parametrize("cluster", sorted(CLUSTERS))
def test_corosync_accepts_every_node(cluster: str, tmp_path: Path) -> None:
    m, _, out = _plan(tmp_path, cluster)
    assert len(m.stack_nodes) == len(CLUSTERS[cluster]())
    unseen2.corosync_accepts_every_node(m, out)


@pytest.mark.peer
@pytest.mark.parametrize("target", ["current", "1.0"])
@pytest.mark.parametrize("cluster", sorted(CLUSTERS))
def test_crm_verify_accepts_the_cib(cluster: str, target: str, tmp_path: Path) -> None:
    """crm_verify (Pacemaker 2.1.5) finds no error; fencing warnings only where the
    input had fencing off and the report says so."""
    m, _, out = _plan(tmp_path, cluster, pacemaker_target=target)
    errors = _crm_errors(out / "cib.xml") or set()
    if _said(m, "stonith-enabled='false' kept", kind="manual"):
        errors = {e for e in errors if not STONITH.search(e)}
    assert not errors, sorted(errors)


@pytest.mark.peer
@pytest.mark.parametrize("target", ["8.4", "9"])
@pytest.mark.parametrize("cluster", ["tri", "v1"])
def test_drbdadm_reads_every_drbd_conf(cluster: str, target: str, tmp_path: Path) -> None:
    """drbdadm of the target generation reads each drbd.conf with the resources, hosts
    (stacked and floating ones too), minors, disks, meta-disks and addresses drbdadm-84
    read from the 8.3 original."""
    _, src, out = _plan(tmp_path, cluster, drbd_target=target)
    confs = sorted(out.glob("*/etc/drbd.conf"))
    if not confs and target == "8.4":
        # (v1's drbd.conf is 8.4 syntax already: nothing to rewrite, and drbdadm-84 reads it)
        confs = sorted(src.glob("*/etc/drbd.conf"))
    assert len(confs) == 3
    for conf in confs:
        rc, after = _drbdadm("84" if target == "8.4" else "9", conf)
        assert rc == 0, after
        rc, before = _drbdadm("84", src / conf.parts[-3] / "etc" / "drbd.conf")
        assert rc == 0, before
        if target == "9":
            # (drbdadm 9's dump leaves the device of a stacked-on-top-of section out)
            before_facts = {f for f in drbd_facts(before) if f[1] != "stacked"}
            after_facts = {f for f in drbd_facts(after) if f[1] != "stacked"}
        else:
            before_facts, after_facts = drbd_facts(before), drbd_facts(after)
        assert after_facts == before_facts


@pytest.mark.peer
def test_xl_reads_every_domu_as_xm_did(tmp_path: Path) -> None:
    assert unseen2.xl_reads_every_domu_as_xm_did(*_plan(tmp_path, "tri")) == 2


@pytest.mark.peer
def test_rtslib_reads_the_saveconfig(tmp_path: Path) -> None:
    """rtslib-fb reads the saveconfig.json with IET's LUN numbers and accounts."""
    m, _, out = _plan(tmp_path, "tri")
    saved = out / "n1" / "etc" / "target" / "saveconfig.json"
    rc, said = _rtslib(saved)
    assert rc == 0, said
    config = json.loads(saved.read_text())
    tpgs = {t["wwn"]: t["tpgs"][0] for t in config["targets"]}
    disk1 = tpgs["iqn.2008-01.com.example:storage.disk1"]
    assert [e["index"] for e in disk1["luns"]] == [0, 1, 3]
    assert [a["node_wwn"] for a in disk1["node_acls"]] == [
        "iqn.1993-08.org.debian:01:n2",
        "iqn.1993-08.org.debian:01:n3",
    ]
    assert [e["index"] for e in tpgs["iqn.2008-01.com.example:storage.disk2"]["luns"]] == [0]
    # IET let jane in too; LIO has one account per ACL: a TODO names her
    assert _said(m, "'jane' is not carried", kind="manual")


# -- the meaning kept ----------------------------------------------------------------


def _ids(root: Any, *tags: str) -> set[str]:
    return {e.get("id") for tag in tags for e in root.iter(tag)}


RESOURCES = ("primitive", "group", "clone", "master", "master_slave")
CONSTRAINTS = ("rsc_location", "rsc_order", "rsc_colocation")


@pytest.mark.parametrize("cluster", ["tri", "fence"])
def test_every_resource_and_constraint_of_the_cib_is_carried(cluster: str, tmp_path: Path) -> None:
    """Each resource and constraint of the crm.dtd CIB is in the CIB written, with its
    id, and stonith-enabled keeps its value (off stays off with a TODO, on stays on)."""
    m, src, out = _plan(tmp_path, cluster)
    before = _xml(next(src.glob("*/var/lib/heartbeat/crm/cib.xml")))
    after = _xml(out / "cib.xml")
    assert _ids(after, *RESOURCES) == _ids(before, *RESOURCES)
    assert _ids(after, *CONSTRAINTS) == _ids(before, *CONSTRAINTS)
    old = next(
        n for n in before.iter("nvpair") if n.get("name") in ("stonith_enabled", "stonith-enabled")
    )
    new = after.find(".//crm_config//nvpair[@name='stonith-enabled']")
    assert new is not None and new.get("value").lower() == old.get("value").lower()
    stonith = {p.get("id") for p in after.iter("primitive") if p.get("class") == "stonith"}
    assert stonith == {p.get("id") for p in before.iter("primitive") if p.get("class") == "stonith"}
    if old.get("value").lower() == "false":
        assert _said(m, "stonith-enabled='false' kept", kind="manual")


def test_crm_dtd_orders_keep_their_direction(tmp_path: Path) -> None:
    """crm.dtd's rsc_order: type='after' (the default) runs 'from' after 'to', 'before'
    the other way (Pacemaker's upgrade06.xsl swaps from/to for 'after'); score 0 is an
    optional order (Pacemaker 2.1: kind Optional)."""
    _, _, out = _plan(tmp_path, "tri")
    orders = {o.get("id"): o.attrib for o in _xml(out / "cib.xml").iter("rsc_order")}
    after = orders["ord_web_after_drbd"]
    assert (after["first"], after["first-action"], after["then"], after.get("kind")) == (
        "ms_drbd0",
        "promote",
        "grp_web",
        "Optional",
    )
    assert (orders["ord_db_before_web"]["first"], orders["ord_db_before_web"]["then"]) == (
        "vm_db",
        "grp_web",
    )


def test_haresources_v1_resources_and_fencing_are_carried(tmp_path: Path) -> None:
    """Each haresources resource is a primitive (drbddisk a promotable ocf:linbit:drbd
    clone), each stonith_host line a stonith resource kept to the node it names, and
    fencing stays on."""
    m, _, out = _plan(tmp_path, "v1")
    root = _xml(out / "cib.xml")
    prims = [p for p in root.iter("primitive") if p.get("class") != "stonith"]
    words = sum(len(line.split()) - 1 for line in _read("v1-haresources").splitlines())
    assert len(prims) == words
    assert root.find(".//nvpair[@name='stonith-enabled']").get("value") == "true"
    stonith = [p for p in root.iter("primitive") if p.get("class") == "stonith"]
    assert len(stonith) == 4
    kept = {
        loc.get("rsc"): loc.find("rule/expression").get("value")
        for loc in root.iter("rsc_location")
        if loc.get("rsc", "").startswith("stonith_")
    }
    assert kept == {"stonith_1": "a1", "stonith_2": "a1", "stonith_3": "a2", "stonith_4": "a3"}
    assert _said(m, "watchdog", kind="manual")


def test_each_stonith_host_line_is_cited_by_its_own_resource(tmp_path: Path) -> None:
    """Four stonith_host lines of one plugin (one per target): each stonith resource's
    report line cited the first of them (the lookup matched the plugin name only)."""
    m, src, _ = _plan(tmp_path, "v1", only=("stack",))
    hacf = src / "a1" / "etc" / "ha.d" / "ha.cf"
    lines = [i for i, t in enumerate(hacf.read_text().splitlines(), 1) if "stonith_host" in t]
    made = _said(m, "ha.cf fences with external/ipmi", kind="manual")
    assert [n.source for n in made] == [f"{hacf}:{i}" for i in lines]


def test_dopd_handler_next_to_another_unfence_script_is_a_todo(tmp_path: Path) -> None:
    """outdate-peer ran dopd's drbd-peer-outdater; its crm-fence-peer.sh replacement
    needs crm-unfence-peer.sh after the resync, where an LVM snapshot script already
    is: the conversion cannot run both, so the report has a TODO (DRBD 9 has an
    unfence-peer handler of its own, so there it is added)."""
    m, _, _ = _plan(tmp_path, "tri", only=("drbd",))
    assert _said(m, "also run '/usr/lib/drbd/crm-unfence-peer.sh'", kind="manual")
    m9, _, out9 = _plan(tmp_path / "9", "tri", only=("drbd",), drbd_target="9")
    text = (out9 / "n1" / "etc" / "drbd.conf").read_text()
    assert "unfence-peer /usr/lib/drbd/crm-unfence-peer.9.sh" in text
    assert "unsnapshot-resync-target-lvm.sh" in text
    assert not _todos(m9) or not _said(m9, "also run", kind="manual")


# -- xm's PCI function lists ---------------------------------------------------------


def _migrated_domu(tmp_path: Path, setting: str) -> tuple[Any, migrate.Migration, Any]:
    """xl's verdict on a PV domU with ``setting``, its migration, and the libxl config
    xl (peer-xl) reads from the migrated file, which it must accept."""
    node = tmp_path / "in" / "h"
    cfg = node / "etc" / "xen" / "d"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(f"name = 'd'\nmemory = 256\nkernel = '/boot/k'\n{setting}\n")
    before = _xl(cfg)
    m = migrate.plan([str(node)], only=("xen",))
    (out,) = [o for o in m.outputs if o.path.endswith("xen/d")]
    written = tmp_path / "d"
    written.write_bytes(out.data)
    rc, said = _xl(written)
    assert rc == 0, said
    body = said.split("\n", 1)[1]
    return before, m, json.loads(body[body.find("{") :])


#: (xm spec, the physical functions xm passed through, the report line's severity);
#: xm's reading is xen/util/pci.py parse_pci_name_extended (Xen 4.4, xen-project/xen
#: tools/python/xen/util/pci.py): ',' or ':' between bus and slot, ',' or '.' before
#: the function, a function list/range, '=V' a virtual function, '@S' a virtual slot
XM_PCI_SPECS = [
    ("02:00.0-3", [0, 1, 2, 3], "warning"),
    ("02:00.0,1", [0, 1], "warning"),
    ("02,00,1", [1], "info"),
    ("0000,02:00.2-0", [2, 1, 0], "warning"),
    ("02:00.0-1@3", [0, 1], "action"),
    ("02:00.0=0,1=1,msitranslate=1", [0, 1], "warning"),
]


@pytest.mark.parametrize(("spec", "funcs", "severity"), XM_PCI_SPECS)
def test_xm_pci_function_lists_are_one_spec_per_function(
    spec: str, funcs: list[int], severity: str
) -> None:
    from xencfg.migrations.xm_pci import xl_pci

    written, said, _ = xl_pci(spec)
    assert [int(w.split(",")[0].split("@")[0][-1]) for w in written] == funcs
    assert said == severity
    # what xl already reads is left as it is
    assert xl_pci("02:00.1@02,msitranslate=1") == (["02:00.1@02,msitranslate=1"], None, "")
    assert xl_pci("02:00.*")[1] is None


@pytest.mark.peer
@pytest.mark.parametrize(("spec", "funcs", "severity"), XM_PCI_SPECS)
def test_xl_reads_the_pci_functions_xm_passed(
    spec: str, funcs: list[int], severity: str, tmp_path: Path
) -> None:
    """xl (peer-xl, Xen 4.17) refused each xm spec ("unable to parse PCI_SPEC_STRING
    `02:00.0-3' for passthrough") and so the whole file; the migrated one passes the
    same physical functions, options kept, with a report line."""
    before, m, cfg = _migrated_domu(tmp_path, f"pci = [ '{spec}' ]")
    assert before[0] != 0 and "PCI_SPEC_STRING" in before[1], before[1]
    devs = cfg["pcidevs"]
    assert [(d.get("bus"), d.get("dev", 0), d.get("func", 0)) for d in devs] == [
        (2, 0, f) for f in funcs
    ]
    if "msitranslate" in spec:
        assert all(d.get("msitranslate") for d in devs)
    assert _said(m, f"'{spec}'", kind=None)


# -- resource options heartbeat 2 read from instance attributes -----------------------


@pytest.mark.peer
@pytest.mark.parametrize("target", ["current", "1.0"])
def test_options_in_instance_attributes_stay_options(target: str, tmp_path: Path) -> None:
    """heartbeat 2 read every resource's instance attributes as its options as well
    (common_unpack, ClusterLabs/pacemaker lib/crm/pengine/complex.c of 2006: "populate
    from the regular attributes until the GUI can create meta attributes", then
    is_managed, priority, notify, multiple_active, restart_type...). upgrade06 moved
    only its eight copies, so is_managed=false on a primitive stayed a parameter and
    Pacemaker managed (started, stopped, fenced for) a resource the admin had taken
    out of its hands: crm_simulate (Pacemaker 2.1.5) now shows it unmanaged."""
    m, _, out = _plan(tmp_path, "options", pacemaker_target=target)
    cib = out / "cib.xml"
    # (fencing is off in this CIB, with the report's TODO: its warnings are expected)
    assert not {e for e in _crm_errors(cib) or set() if not STONITH.search(e)}
    root = _xml(cib)
    vm = root.find(".//primitive[@id='vmA']")
    metas = {nv.get("name"): nv.get("value") for nv in vm.iterfind("meta_attributes/nvpair")}
    params = {nv.get("name") for nv in vm.iterfind("instance_attributes/nvpair")}
    assert metas["is-managed"] == "false" and "is_managed" not in params
    group = root.find(".//group[@id='g1']")
    assert {nv.get("name"): nv.get("value") for nv in group.iter("nvpair")}["priority"] == "10"
    said = _simulate(cib)
    assert re.search(r"vmA\s.*\(unmanaged\)", said), said
    assert _said(m, "instance attribute is_managed -> meta attribute is-managed")


def test_a_relative_xen_xmfile_is_a_todo(tmp_path: Path) -> None:
    """haresources' Xen::vm2 became xmfile=vm2 without a line; resource-agents 4.12's
    Xen agent (Debian 12, /usr/lib/ocf/resource.d/heartbeat/Xen: Xen_Start tests
    [ ! -f "${OCF_RESKEY_xmfile}" ] and logs "Config file ... does not exist") never
    starts it from Pacemaker's working directory."""
    agent = Path("/usr/lib/ocf/resource.d/heartbeat/Xen")
    if agent.exists():
        assert '[ ! -f "${OCF_RESKEY_xmfile}" ]' in agent.read_text()
    for n in ("p1", "p2"):
        ha = tmp_path / n / "etc" / "ha.d"
        ha.mkdir(parents=True)
        (ha / "ha.cf").write_text("node p1\nnode p2\nbcast eth0\n")
        (ha / "haresources").write_text("p1 10.0.0.1 Xen::vm2 Xen::/etc/xen/vm3\n")
        (tmp_path / n / "etc" / "hosts").write_text("10.0.0.11 p1\n10.0.0.12 p2\n")
    m = migrate.plan([str(tmp_path / "p1"), str(tmp_path / "p2")], only=("stack",))
    (said,) = _said(m, "is not an absolute path", kind="manual")
    assert "xmfile 'vm2'" in said.what


#: (xm disk spec, xl's pdev_path, backend_domname); xm's fields were
#: 'uname,dev,mode[,backend[,protocol]]' (xm create.py preprocess_disk, Xen 3.2 to 4.4)
XM_DISK_BACKENDS = [
    ("phy:/dev/vg/x,xvda,w,dom0", "/dev/vg/x", "dom0"),
    ("file:/srv/x.img,xvda,w,drv,x86_32-abi", "/srv/x.img", "drv"),
    ("phy:/dev/vg/x,xvda,w!,drv", "/dev/vg/x", "drv"),
    ("phy:/dev/vg/x,xvda,w,", "/dev/vg/x", None),
]


@pytest.mark.peer
@pytest.mark.parametrize(("spec", "path", "backend"), XM_DISK_BACKENDS)
def test_xm_disk_backend_domain_is_xl_backend(
    spec: str, path: str, backend: str | None, tmp_path: Path
) -> None:
    """xl (peer-xl) refused xm's fourth and fifth disk fields ("too many positional
    parameters", or "unknown value for access" after w!) and so the whole domU; the
    migrated disk names the same device, and xm's backend domain as backend=."""
    before, m, cfg = _migrated_domu(tmp_path, f"disk = [ '{spec}' ]")
    if backend is not None:
        assert before[0] != 0 and "disk specification" in before[1], before[1]
    (disk,) = cfg["disks"]
    assert (disk["pdev_path"], disk.get("backend_domname")) == (path, backend)
    assert _said(m, "xm's backend domain")
