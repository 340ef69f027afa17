"""CB023 for ``require-all``, whose schemas came by release.

ClusterLabs/pacemaker at the release tags: a ``resource_set``'s ``require-all`` is in
constraints-1.1.rng from Pacemaker-1.1.7 and in constraints-1.2.rng from Pacemaker-1.1.8
(commit 7c6f9446d7, "Officially support A after ( B or C or D )"); ``rsc_order``'s own
``require-all`` only from constraints-2.3.rng (commit 5562691930). crm_verify 2.1.5 on
the pacemaker-1.2 CIB below: "Invalid attribute require-all for element rsc_order",
"config not valid"; on the same CIB as pacemaker-2.3 it finds no schema error.
"""

from __future__ import annotations

from pathlib import Path

from conftest import crm_verify_file
from xencfg import lint
from xencfg.versions import parse_targets

ORDER = '<rsc_order id="o1" first="a" then="b" require-all="false"/>'
SETS = (
    '<rsc_order id="o2"><resource_set id="s1" sequential="false" require-all="false">'
    '<resource_ref id="a"/><resource_ref id="b"/></resource_set><resource_set id="s2">'
    '<resource_ref id="c"/></resource_set></rsc_order>'
)


def _cib(tmp_path: Path, schema: str, constraints: str) -> Path:
    dummies = "".join(
        f'<primitive id="{r}" class="ocf" provider="heartbeat" type="Dummy"/>' for r in "abc"
    )
    path = tmp_path / f"{schema}.xml"
    path.write_text(
        f'<cib validate-with="{schema}" admin_epoch="0" epoch="1" num_updates="0">'
        f"<configuration><crm_config/><nodes/><resources>{dummies}</resources>"
        f"<constraints>{constraints}</constraints></configuration><status/></cib>\n"
    )
    return path


def _cb023(path: Path, target: str | None = None) -> list[str]:
    versions = parse_targets([target]) if target else None
    return [f.message for f in lint.run([str(path)], select=["CB023"], versions=versions).findings]


def test_order_require_all_needs_schema_23(tmp_path: Path) -> None:
    old = _cib(tmp_path, "pacemaker-1.2", ORDER)
    [message] = _cb023(old)
    assert "pacemaker-1.2's schema refuses rsc_order's require-all" in message
    rc, out = crm_verify_file(old)
    assert rc != 0 and "Invalid attribute require-all for element rsc_order" in out
    new = _cib(tmp_path, "pacemaker-2.3", ORDER)
    assert _cb023(new) == []
    rc, out = crm_verify_file(new)
    assert "require-all" not in out, out


def test_set_require_all_by_release(tmp_path: Path) -> None:
    """pacemaker-1.2 sets took require-all at 1.1.8: a declared 1.1.7 refuses it, a
    declared 1.1 series (or an unknown release) may be 1.1.8 or later."""
    path = _cib(tmp_path, "pacemaker-1.2", SETS)
    assert _cb023(path) == []
    assert _cb023(path, "pacemaker=1.1") == []
    [message] = _cb023(path, "pacemaker=1.1.7")
    assert "refuses a resource_set's require-all (Pacemaker 1.1.7, declared)" in message
    _, out = crm_verify_file(path)
    assert "require-all" not in out, out  # (2.1.5's pacemaker-1.2 takes it)
