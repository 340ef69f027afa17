"""CIB lint truth on Pacemaker 3.0 CIBs (schema pacemaker-4.0) and on ``pacemaker-X.Y``
names newer than xencfg's schema table (versions.py ``PACEMAKER_SCHEMA_SINCE``).

No Pacemaker 3.0 peer is installed (crm_verify is 2.1.5, which knows up to pacemaker-3.9),
so what 3.0 does is cited from ClusterLabs/pacemaker at tag Pacemaker-3.0.0: ChangeLog.md,
xml/*-4.0.rng and lib/common/schemas.c. crm_verify 2.1.5 backs the "older release
refuses" half.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import crm_verify_file
from test_cib_truth4 import cib, findings, promotable


def verbose_verify(path: Path) -> tuple[int, str]:
    """``crm_verify --xml-file PATH -V``: the messages that name the error (the plain run
    only says "config not valid"); skips as crm_verify_file does."""
    import shutil
    import subprocess

    rc, out = crm_verify_file(path)
    exe = shutil.which("crm_verify")
    assert exe is not None
    p = subprocess.run([exe, "--xml-file", str(path), "-V"], capture_output=True, text=True)
    return rc, out + p.stdout + p.stderr


def errors(path: Path, *targets: str) -> list[tuple[str, str, int, str]]:
    """Every error lint gives ``path`` (all rules), under ``targets``."""
    from xencfg import lint
    from xencfg.versions import parse_targets

    versions = parse_targets(targets) if targets else None
    result = lint.run([str(path)], force_format="cib", versions=versions)
    return [
        (f.code, f.severity, f.line, f.message) for f in result.findings if f.severity == "error"
    ]


# -- a valid Pacemaker 3.0 CIB: no false error -----------------------------------------


@pytest.mark.parametrize("targets", [(), ("pacemaker=3.0",), ("pacemaker=3.0.1",)])
@pytest.mark.parametrize("dc", ["3.0.0-d8340737c4", "2.1.8-3980678f0"])
def test_pacemaker_4_0_cib_is_clean(tmp_path: Path, targets: tuple[str, ...], dc: str) -> None:
    """A pacemaker-4.0 CIB as Pacemaker 3.0.0 writes it (crm_feature_set 3.20.0,
    include/crm/crm.h line 66; promotable clone, Promoted/Unpromoted roles) gets no error,
    whether the release is unknown, declared 3.0 or read from dc-version; a dc-version
    older than the schema's release (2.1.8) is stale, not a reason for CB031. Before the
    table knew pacemaker-4.0 lint said nothing either way; with ``--target
    pacemaker=2.1`` it now says what crm_verify 2.1.5 says (below)."""
    path = cib(tmp_path, vw="pacemaker-4.0", dc=dc, resources=promotable())
    path.write_text(
        path.read_text().replace('crm_feature_set="3.16.2"', 'crm_feature_set="3.20.0"')
    )
    assert errors(path, *targets) == []
    assert findings(path, "CB031", *targets) == []


def test_cb031_pacemaker_4_0_on_pacemaker_2(tmp_path: Path) -> None:
    """pacemaker-4.0 came with Pacemaker 3.0.0 (xml/*-4.0.rng first at tag Pacemaker-3.0.0;
    2.1.8, 2.1.9 and 2.1.10 stop at 3.10): a 2.x cluster refuses it, crm_verify 2.1.5
    "CIB did not pass schema validation", "config not valid"."""
    path = cib(tmp_path, vw="pacemaker-4.0", dc="3.0.0-d8340737c4", resources=promotable())
    [(code, severity, line, message)] = findings(path, "CB031", "pacemaker=2.1")
    assert (code, severity, line) == ("CB031", "error", 1)
    assert "needs Pacemaker 3.0.0 or later" in message
    rc, out = crm_verify_file(path)
    assert rc != 0 and "config not valid" in out


def test_cb031_pacemaker_3_10_needs_2_1_8(tmp_path: Path) -> None:
    """pacemaker-3.10 came with Pacemaker 2.1.8: 2.1.5 refuses it (crm_verify 2.1.5 "config
    not valid"), 3.0 reads it (and converts it in memory, upgrade-3.10-*.xsl)."""
    path = cib(tmp_path, vw="pacemaker-3.10", dc="2.1.8-3980678f0", resources=promotable())
    assert findings(path, "CB031") == []
    assert findings(path, "CB031", "pacemaker=3.0") == []
    assert [c for c, *_ in findings(path, "CB031", "pacemaker=2.1.5")] == ["CB031"]
    rc, out = crm_verify_file(path)
    assert rc != 0 and "config not valid" in out


@pytest.mark.parametrize("dc", ["3.0.0-d8340737c4", "2.1.5-a3f44794f94"])
def test_cb031_schema_newer_than_the_table_is_a_warning(tmp_path: Path, dc: str) -> None:
    """A pacemaker-4.1 is newer than every schema the table knows: no rule may call it
    unknown because the table is older. Where the release is unknown or may be one after
    the table's, CB031 warns that lint cannot tell (a dc-version older than 3.0.0 is stale:
    the schema needs a later release); where the declared release is older than 3.0.0 it
    cannot know a schema after pacemaker-4.0 and the error is true (crm_verify 2.1.5
    refuses it)."""
    path = cib(tmp_path, vw="pacemaker-4.1", dc=dc, resources=promotable())
    for targets in ((), ("pacemaker=3.0",)):
        [(code, severity, _, message)] = findings(path, "CB031", *targets)
        assert (code, severity) == ("CB031", "warning") and "lint cannot tell" in message
        assert errors(path, *targets) == []
    [(code, severity, _, message)] = findings(path, "CB031", "pacemaker=2.1.8")
    assert (code, severity) == ("CB031", "error") and "newer than any schema" in message
    rc, out = crm_verify_file(path)
    assert rc != 0 and "config not valid" in out


def test_cb031_pacemaker_next_on_pacemaker_3_0(tmp_path: Path) -> None:
    """Pacemaker 3.0 knows no pacemaker-next (Pacemaker-3.0.0 ChangeLog.md line 19
    "validate-with must be set, case-sensitive, and not ... pacemaker-next";
    lib/common/schemas.c adds only the pacemaker-X.Y.rng files and "none"). 2.x reads it
    (crm_verify 2.1.5 accepts it), and so does lint there."""
    path = cib(tmp_path, vw="pacemaker-next", dc="2.1.5-a3f44794f94", resources=promotable())
    [(code, severity, _, message)] = findings(path, "CB031", "pacemaker=3.0")
    assert (code, severity) == ("CB031", "error") and "3.0 and later do not know" in message
    assert findings(path, "CB031", "pacemaker=2.1") == []
    assert findings(path, "CB031") == []
    rc, out = crm_verify_file(path)
    assert rc == 0, out


def test_cb031_schema_name_in_upper_case(tmp_path: Path) -> None:
    """The cib element's validate-with is a value of versions.rng, compared as written:
    crm_verify 2.1.5 says "Invalid attribute validate-with for element cib", "config not
    valid" on ``Pacemaker-3.7`` (its ``get_schema_version`` is case-insensitive, the RNG
    is not), and 3.0 looks the name up case-sensitively (schemas.c ``pcmk__get_schema``,
    ``pcmk__str_none``). Lint said nothing."""
    path = cib(tmp_path, vw="Pacemaker-3.7", resources=promotable())
    for targets in ((), ("pacemaker=3.0",), ("pacemaker=2.1",)):
        [(code, severity, _, message)] = findings(path, "CB031", *targets)
        assert (code, severity) == ("CB031", "error") and "write pacemaker-3.7" in message
    rc, out = crm_verify_file(path)
    assert rc != 0 and "Invalid attribute validate-with" in out
    good = cib(tmp_path, vw="pacemaker-3.7", resources=promotable(), name="good.xml")
    assert findings(good, "CB031") == []


# -- CB023: what the pacemaker-4.0 schema refuses and accepts ---------------------------


def _option(path: Path, name: str, value: str) -> Path:
    text = path.read_text().replace(
        '<nvpair id="cib-bootstrap-options-stonith-enabled"',
        f'<nvpair id="o-extra" name="{name}" value="{value}"/>\n'
        '        <nvpair id="cib-bootstrap-options-stonith-enabled"',
    )
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    "name,value",
    [
        ("stonith-action", "poweroff"),
        ("remove-after-stop", "false"),
        ("crmd-transition-delay", "0s"),
        ("crmd-integration-timeout", "3min"),
    ],
)
def test_cb023_options_pacemaker_4_0_refuses(tmp_path: Path, name: str, value: str) -> None:
    """options-4.0.rng (tag Pacemaker-3.0.0) lines 24-55: ``cluster_property_set.nvpair.
    unsupported`` excludes crmd-finalization-timeout, crmd-integration-timeout,
    crmd-transition-delay, remove-after-stop, and stonith-action with value poweroff
    (ChangeLog.md lines 25-29): Pacemaker 3.0 does not load such a pacemaker-4.0 CIB. A
    pacemaker-3.9 CIB with the same option is fine (converted in memory)."""
    bad = _option(
        cib(tmp_path, vw="pacemaker-4.0", dc="3.0.0-d8340737c4", resources=promotable()),
        name,
        value,
    )
    [(code, severity, _, message)] = findings(bad, "CB023")
    assert (code, severity) == ("CB023", "error") and name in message
    old = _option(
        cib(tmp_path, vw="pacemaker-3.9", resources=promotable(), name="old.xml"), name, value
    )
    assert findings(old, "CB023") == []


def test_cb023_pacemaker_3_names_are_not_refused_by_4_0(tmp_path: Path) -> None:
    """options-3.0.rng to options-3.10.rng refuse ``stonith_enabled`` and
    ``default-resource-stickiness`` (tests/test_cib_truth4.py); options-4.0.rng lists
    only the names above, so a pacemaker-4.0 CIB with them is loaded (they are custom
    properties, which Pacemaker ignores): CB023 called it refused."""
    path = cib(tmp_path, vw="pacemaker-4.0", dc="3.0.0-d8340737c4", resources=promotable())
    path = _option(_option(path, "stonith_enabled", "true"), "default-resource-stickiness", "100")
    path.write_text(path.read_text().replace('id="o-extra"', 'id="o-x1"', 1))
    assert findings(path, "CB023") == []
    ten = cib(
        tmp_path, vw="pacemaker-3.10", dc="2.1.8-3980678f0", resources=promotable(), name="t.xml"
    )
    assert [c for c, *_ in findings(_option(ten, "stonith_enabled", "true"), "CB023")] == ["CB023"]


MASTER = """      <master id="drbd-r0-ms">
        <meta_attributes id="drbd-r0-ms-meta">
          <nvpair id="drbd-r0-ms-notify" name="notify" value="true"/>
        </meta_attributes>
        <primitive class="ocf" id="drbd-r0" provider="linbit" type="drbd">
          <instance_attributes id="drbd-r0-ia">
            <nvpair id="drbd-r0-ia-res" name="drbd_resource" value="r0"/>
          </instance_attributes>
        </primitive>
      </master>"""


def test_cb023_master_in_a_pacemaker_4_0_cib(tmp_path: Path) -> None:
    """resources-4.0.rng (tag Pacemaker-3.0.0) has no ``master`` element (resources-3.10.rng
    line 284 has; ChangeLog.md line 33 "drop support for deprecated master resources"): a
    pacemaker-4.0 CIB with one is refused. A pacemaker-3.10 CIB keeps it: Pacemaker 3.0
    converts it in memory (upgrade-3.10-*.xsl) and crm_verify 2.1.5 accepts a pacemaker-3.9
    one."""
    assert "<master" in MASTER
    bad = cib(tmp_path, vw="pacemaker-4.0", dc="3.0.0-d8340737c4", resources=MASTER)
    [(code, severity, _, message)] = findings(bad, "CB023")
    assert (
        (code, severity) == ("CB023", "error") and "<master>" in message and "promotable" in message
    )
    good = cib(tmp_path, vw="pacemaker-3.9", resources=MASTER, name="good.xml")
    assert findings(good, "CB023") == []
    rc, out = crm_verify_file(good)
    assert rc == 0, out


# -- crm_verify errors lint did not mirror (cib10's report) -----------------------------


def _dummy(op: str, interval: str) -> str:
    return f"""      <primitive class="ocf" id="app" provider="heartbeat" type="Dummy">
        <operations>
          <op id="app-{op}" interval="{interval}" name="{op}" timeout="20s"/>
          <op id="app-monitor-interval-10s" interval="10s" name="monitor"/>
        </operations>
      </primitive>"""


@pytest.mark.parametrize("op", ["start", "stop"])
def test_cb030_start_or_stop_with_an_interval(tmp_path: Path, op: str) -> None:
    """A start or stop with a nonzero interval is skipped: crm_verify 2.1.5 "Ignoring
    app-start because start action cannot be recurring", "config not valid"
    (Pacemaker-2.1.5 lib/pacemaker/pcmk_sched_recurring.c ``op_cannot_recur`` lines
    105-110, ``is_recurring_history`` lines 140-143; 1.1.4 to 1.1.24 pengine/native.c
    ``RecurringOp`` "Invalid recurring action"). Lint said nothing. Pacemaker 1.0 had no
    such check (1.0.8 native.c), so there it is left alone."""
    bad = cib(tmp_path, resources=_dummy(op, "10s"))
    [(code, severity, _, message)] = findings(bad, "CB030")
    assert (code, severity) == ("CB030", "error") and f"a {op} cannot recur" in message
    assert findings(bad, "CB030", "pacemaker=1.0") == []
    assert findings(bad, "CB030", "pacemaker=1.1.4") != []
    rc, out = verbose_verify(bad)
    assert rc != 0 and "cannot be recurring" in out
    good = cib(tmp_path, resources=_dummy(op, "0s"), name="good.xml")
    assert findings(good, "CB030") == []
    rc, out = crm_verify_file(good)
    assert rc == 0, out


def test_cb030_migrate_to_recurring_since_2_1_5(tmp_path: Path) -> None:
    """``op_cannot_recur`` took migrate_to, migrate_from and reload-agent in 2.1.5 (2.1.4's
    lists start, stop, demote and promote only): an error on 2.1.5, not on 2.0."""
    bad = cib(tmp_path, resources=_dummy("migrate_to", "10s"))
    assert [c for c, *_ in findings(bad, "CB030", "pacemaker=2.1.5")] == ["CB030"]
    assert findings(bad, "CB030", "pacemaker=2.0") == []
    rc, out = verbose_verify(bad)
    assert rc != 0 and "cannot be recurring" in out


TEMPLATES = """      <template id="t1" class="ocf" provider="heartbeat" type="Dummy"/>
      <template id="t2" class="ocf" provider="heartbeat" type="Dummy"/>
      <primitive id="a" template="t1"><operations>
        <op id="a-mon" name="monitor" interval="10s"/></operations></primitive>
      <primitive id="b" template="t2"><operations>
        <op id="b-mon" name="monitor" interval="10s"/></operations></primitive>"""


def test_cb002_two_templates_colocated(tmp_path: Path) -> None:
    """A colocation of two templates is ignored: crm_verify 2.1.5 "Ignoring constraint 'c1'
    because two templates or tags cannot be colocated", "config not valid"
    (Pacemaker-2.1.5 lib/pacemaker/pcmk_sched_colocation.c ``unpack_colocation_tags``
    lines 670-674; pengine test template-coloc-3). A template colocated with a resource
    is expanded and accepted."""
    c = '      <rsc_colocation id="c1" rsc="t1" with-rsc="t2" score="INFINITY"/>'
    bad = cib(tmp_path, resources=TEMPLATES, constraints=c)
    [(code, severity, _, message)] = findings(bad, "CB002")
    assert (code, severity) == ("CB002", "error") and "two templates or tags" in message
    rc, out = verbose_verify(bad)
    assert rc != 0 and "two templates or tags cannot be colocated" in out
    good = cib(tmp_path, resources=TEMPLATES, constraints=c.replace('"t2"', '"b"'), name="g.xml")
    assert findings(good, "CB002") == []
    rc, out = crm_verify_file(good)
    assert rc == 0, out


ORDER = '      <rsc_order id="o1" first="app" then="fence-xen1" kind="{KIND}"/>'


def test_cb023_order_kind_in_a_schema_less_cib(tmp_path: Path) -> None:
    """``validate-with="none"``: no schema, and the scheduler resets an unknown kind to
    Mandatory as a configuration error (Pacemaker-2.1.5 lib/pacemaker/pcmk_sched_ordering.c
    ``get_ordering_type`` lines 95-108, ``pcmk__str_casei``): crm_verify 2.1.5 "Resetting
    'kind' for constraint o1 to 'Mandatory' because 'foo' is not valid", "config not
    valid"; ``mandatory`` in lower case is accepted."""
    bad = cib(
        tmp_path,
        vw="none",
        resources=_dummy("start", "0"),
        constraints=ORDER.replace("{KIND}", "foo"),
    )
    [(code, severity, _, message)] = findings(bad, "CB023")
    assert (code, severity) == ("CB023", "error") and "kind 'foo'" in message
    rc, out = verbose_verify(bad)
    assert rc != 0 and "Resetting 'kind'" in out
    good = cib(
        tmp_path,
        vw="none",
        resources=_dummy("start", "0"),
        constraints=ORDER.replace("{KIND}", "mandatory"),
        name="g.xml",
    )
    assert findings(good, "CB023") == []
    rc, out = crm_verify_file(good)
    assert rc == 0, out


@pytest.mark.parametrize("kind", ["foo", "mandatory"])
def test_cb023_order_kind_a_schema_refuses(tmp_path: Path, kind: str) -> None:
    """constraints-1.2.rng to constraints-4.0.rng ``order-types`` (3.9: lines 251-257)
    take Optional, Mandatory and Serialize as written: crm_verify 2.1.5 "Invalid attribute
    kind for element rsc_order", "config not valid". Lint said nothing of a pacemaker-3.9
    CIB (only pacemaker-1.0 CIBs are validated whole)."""
    resources = _dummy("start", "0")
    bad = cib(tmp_path, resources=resources, constraints=ORDER.replace("{KIND}", kind))
    [(code, severity, _, message)] = findings(bad, "CB023")
    assert (code, severity) == ("CB023", "error") and f"kind '{kind}'" in message
    rc, out = verbose_verify(bad)
    assert rc != 0 and "Invalid attribute kind" in out
    good = cib(
        tmp_path,
        resources=resources,
        constraints=ORDER.replace("{KIND}", "Mandatory"),
        name="g.xml",
    )
    assert findings(good, "CB023") == []
    rc, out = crm_verify_file(good)
    assert rc == 0, out


def test_cb011_old_option_names_are_ignored_in_a_pacemaker_4_0_cib(tmp_path: Path) -> None:
    """``stonith_enabled`` in a pacemaker-4.0 CIB: options-4.0.rng takes it (a custom
    property, see above) and no upgrade-*.xsl renames it (Pacemaker-3.0.0
    lib/common/schemas.c converts only a CIB older than the newest schema), so Pacemaker
    3.0 ignores it: CB011 (ignored), not CB012's "deprecated; use stonith-enabled". A
    pacemaker-2.10 CIB is renamed in memory (upgrade-2.10.xsl): there it is deprecated."""
    four = cib(tmp_path, vw="pacemaker-4.0", dc="3.0.0-d8340737c4", resources=promotable())
    four = _option(four, "stonith_enabled", "true")
    [(code, severity, _, message)] = findings(four, "CB011")
    assert (code, severity) == ("CB011", "warning") and "is ignored" in message
    assert findings(four, "CB012") == []
    old = cib(tmp_path, vw="pacemaker-2.10", resources=promotable("Master", "Slave"), name="o.xml")
    old = _option(old, "stonith_enabled", "true")
    assert [c for c, *_ in findings(old, "CB012")] == ["CB012"]
    assert findings(old, "CB011") == []


def test_cb030_recurring_start_in_a_heartbeat_2_cib(tmp_path: Path) -> None:
    """heartbeat 2's CRM, like Pacemaker 1.0 (Pacemaker-1.0.8 pengine/native.c
    ``RecurringOp`` has no "Invalid recurring action"), schedules a start with an interval
    without complaint: no CB030 there (the check came with 1.1.4)."""
    path = tmp_path / "hb2.xml"
    path.write_text(
        '<cib admin_epoch="0" epoch="1" num_updates="0"><configuration><crm_config/><nodes/>'
        '<resources><primitive id="app" class="ocf" provider="heartbeat" type="Dummy">'
        '<operations><op id="app-start" name="start" interval="10s" timeout="20s"/>'
        "</operations></primitive></resources><constraints/></configuration><status/></cib>"
    )
    assert findings(path, "CB030") == []
