"""EVMS -> LVM2 (xencfg.migrations.evms): which volumes LVM2 takes over as they are.

The verdicts follow the EVMS User Guide (tldp.org/LDP/EVMSUG): "Compatibility volumes
... fully backward-compatible" (ch. 12.1), the LVM2 plug-in writes "the new volume
format introduced by the LVM2 tools" (appendix D), and the Cluster Segment Manager
"protects disk storage objects by writing metadata at the start and end of the disk,
which prevents other plug-ins from attempting to use the disk" (appendix on CSM).
evms.conf holds only the engine's settings, so the report says the volume list must
come from a running node.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import xencfg
from conftest import ROOT, shared_path
from xencfg.migrate import plan
from xencfg.migrations.evms import classify, evms_report

EXAMPLE = ROOT / "examples" / "sles10-evms"


@pytest.mark.parametrize(
    ("path", "csm", "kind", "verdict"),
    [
        ("/dev/evms/lvm2/vmvg/web", False, "LVM2 region", "as-is"),
        ("/dev/evms/lvm2/vmvg/web", True, "LVM2 region", "check"),
        ("/dev/evms/lvm/oldvg/lv0", False, "LVM1 region", "move"),
        ("/dev/evms/md/md0", False, "MD region", "as-is"),
        ("/dev/evms/sdb1", False, "compatibility volume", "as-is"),
        ("/dev/evms/cciss/c0d0p2", False, "compatibility volume", "as-is"),
        ("/dev/evms/san2/cfgpool", True, "CSM segment", "move"),
        ("/dev/evms/data", False, "EVMS native volume", "move"),
    ],
)
def test_classify(path: str, csm: bool, kind: str, verdict: str) -> None:
    assert classify(path, csm)[:2] == (kind, verdict)


def test_engine_configuration_only_is_said_so() -> None:
    evms = xencfg.loads("engine {\n\tmode = readwrite\n}\n", "evms")
    r = evms_report([("n1:etc/evms.conf", evms)])
    assert r.volumes == ()
    messages = [c.message for c in r.changes]
    assert any("no file holds" in m for m in messages)
    assert any("no file names an EVMS volume" in m for m in messages)
    assert all(c.severity == "action" for c in r.changes)


def test_example_cluster_report() -> None:
    m = plan([str(EXAMPLE / "host1"), str(EXAMPLE / "host2")], only=("evms",))
    assert m.outputs == []
    text = m.report_markdown()
    verdicts = {n.what.split(":", 1)[0]: n.kind for n in m.notes if n.what.startswith("/dev/evms/")}
    # the CSM container's segments must move; the LVM2 region is checked, not promised
    assert verdicts == {
        "/dev/evms/vmstore/config": "manual",
        "/dev/evms/vmstore/db": "manual",
        "/dev/evms/lvm2/vmvg/web": "manual",
    }
    assert "ocf:heartbeat:EvmsSCC" in text and text.count("resource evms-child") == 1
    assert "accepts no disk" in text and "evmsd" in text
    assert "put the rewritten files" not in text  # no files: a report only


def test_no_evms_no_part() -> None:
    with pytest.raises(xencfg.XencfgError):
        plan([str(ROOT / "examples" / "two-node" / "alpha")], only=("evms",))


def test_sles_hasi_seed(tmp_path: Path) -> None:
    """s002: evms.conf (engine + sysfs_devices), the CIB's EvmsSCC clone and a Filesystem
    on /dev/evms/san2/cfgpool, the NFS domU on /dev/evms/san2/vm2."""
    base = shared_path("seed-examples", "s002-sles-hasi")
    m = plan(
        [str(base / "host1"), str(base / "host2")],
        cib_file=str(base / "cib" / "configpoolcloneset.xml"),
        only=("evms",),
    )
    vols = {n.what.split(":", 1)[0]: n for n in m.notes if n.what.startswith("/dev/evms/")}
    assert set(vols) == {"/dev/evms/san2/cfgpool", "/dev/evms/san2/vm2"}
    assert all("CSM segment" in n.what and n.kind == "manual" for n in vols.values())
    assert any("dm-1" in n.what for n in m.notes)


def test_cib_with_evms_resource_but_no_evms_conf() -> None:
    cib = xencfg.loads(
        "<cib><configuration><crm_config/><nodes/><resources>"
        '<primitive id="evmsd" class="ocf" provider="heartbeat" type="Evmsd"/>'
        "</resources><constraints/></configuration><status/></cib>",
        "cib",
    )
    lvm = xencfg.loads('devices {\n\tfilter = [ "r|.*|" ]\n}\n', "lvm")
    r = evms_report([], [("cib.xml", cib)], lvm=[("lvm.conf", lvm)])
    assert [c.key for c in r.changes] == ["evmsd", "devices/filter"]
    # without EVMS, a filter that hides every disk is not this report's business
    assert evms_report([], [], lvm=[("lvm.conf", lvm)]).changes == ()
