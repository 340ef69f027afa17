"""Verdicts on heartbeat 2 CIBs that heartbeat 2 runs: CB001 (ids reused within one type)
and CB010 (option spellings heartbeat 2 reads), with the source that backs each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import shared_path
from test_rules_cib import cib, line_of, nv, prim, tree
from xencfg import lint


def findings(paths: list[str], code: str) -> list[tuple[str, str, int]]:
    return [(f.code, f.severity, f.line) for f in lint.run(paths, select=[code]).findings]


def dtd_valid(path: Path) -> bool:
    """crm.dtd (heartbeat 2.1.3, ids CDATA) through the oracle's glue."""
    oracle = shared_path("oracle", "cib", "oracle.py")
    p = subprocess.run(
        [sys.executable, str(oracle), "validate-dtd", str(path)], capture_output=True, text=True
    )
    return p.returncode == 0 and p.stdout.startswith("OK")


def test_cb001_heartbeat2_reuse_within_a_type_is_a_warning(tmp_path: Path) -> None:
    """Pacemaker 1.0.13 pengine/test06/1360.xml gives id="any" to three
    instance_attributes and is one of the pengine's own heartbeat 2 test inputs;
    crm.dtd declares every id CDATA, so heartbeat 2 loads it; upgrade06.xsl renames the
    later ones (oracle/cib/upgraded/1360.upgraded.xml: instance_attributes.id8). A
    warning naming the hazard (cibadmin -M, the upgrade); the same reuse under
    validate-with="pacemaker-1.0" is an error (pacemaker-1.0.rng: id is of type ID)."""
    t06 = shared_path("oracle", "cib", "upstream-test06", "1360.xml")
    assert dtd_valid(t06)
    found = lint.run([str(t06)], select=["CB001"]).findings
    assert [(f.severity, f.line) for f in found] == [("warning", 21), ("warning", 29)]
    assert "cibadmin -M" in found[0].message and "upgrade" in found[0].message
    body = prim("r1", params=nv("p", "x", "1") + nv("p", "y", "2"))
    hb2 = cib(body)
    line = line_of(hb2, 'name="y"')
    roots = tree(tmp_path / "h", {"var/lib/heartbeat/crm/cib.xml": hb2})
    assert findings(roots, "CB001") == [("CB001", "warning", line)]
    pcmk = cib(body, validate="pacemaker-1.0")
    roots = tree(tmp_path / "p", {"var/lib/heartbeat/crm/cib.xml": pcmk})
    assert findings(roots, "CB001") == [("CB001", "error", line_of(pcmk, 'name="y"'))]


def test_cb001_heartbeat2_two_resources_of_one_id_stay_an_error(tmp_path: Path) -> None:
    """Two primitives of one id: the status section keeps a resource's history by its
    id alone (crm.dtd lrm_resource id), so the two cannot be told apart: an error in
    every dialect."""
    text = cib(prim("r1") + prim("r1"))
    second = text.index('<primitive id="r1"', text.index('<primitive id="r1"') + 1)
    line = text[:second].count("\n") + 1
    roots = tree(tmp_path, {"var/lib/heartbeat/crm/cib.xml": text})
    found = findings(roots, "CB001")
    assert ("CB001", "error", line) in found
    assert all(sev == "warning" for _, sev, at in found if at != line)  # their ops


def test_cb010_skips_what_heartbeat2_reads(tmp_path: Path) -> None:
    """Pacemaker 1.0.13 pengine/test06/bug-1685.xml (a heartbeat 2 CIB the pengine runs;
    crm.dtd valid): dashed cluster options (heartbeat 2.1 reads each option under its
    name or its underscore alias) beside clone_max/master_max (crm.dtd, the only
    spelling heartbeat 2 reads for resource options), which upgrade06.xsl renames
    (meta_attributes names ``_`` -> ``-``; oracle/cib/conversion-rules.md 5.6, 5.8): no
    CB010. A dashed ``target-role`` among them is ignored by heartbeat 2 and applied
    after the upgrade: reported, naming that."""
    t06 = shared_path("oracle", "cib", "upstream-test06", "bug-1685.xml")
    assert dtd_valid(t06)
    assert lint.run([str(t06)], select=["CB010"]).findings == []
    opts = nv("o1", "stonith-enabled", "false") + nv("o2", "symmetric-cluster", "true")
    meta = nv("r1-im", "is_managed", "true") + nv("r1-tr", "target_role", "started")
    good = cib(prim("r1", meta=meta), options=opts)
    roots = tree(tmp_path / "g", {"var/lib/heartbeat/crm/cib.xml": good})
    assert findings(roots, "CB010") == []
    bad = good.replace('name="target_role"', 'name="target-role"')
    roots = tree(tmp_path / "b", {"var/lib/heartbeat/crm/cib.xml": bad})
    assert findings(roots, "CB010") == [("CB010", "warning", line_of(bad, 'id="r1-tr"'))]
    found = lint.run(roots, select=["CB010"]).findings[0]
    assert "target-role" in found.message and "heartbeat 2" in found.message
