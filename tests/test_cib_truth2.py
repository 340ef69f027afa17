"""CIB lint truth, second round: XN018 reads every location and colocation form
Pacemaker reads (``rsc-pattern``, resource sets, roles, the ``with-rsc`` side), CB029
(an ``rsc-pattern`` regcomp refuses), and lint's errors against crm_verify over
upstream's heartbeat 2 test CIBs.

The sources the expectations rest on are ClusterLabs/pacemaker at tag Pacemaker-2.1.5
(the release of the peer's crm_verify and crm_simulate, oracle/peers/README.md), quoted
per test. crm_simulate's allocation scores show what the scheduler makes of each
constraint; the trees are tests/fixtures/lint-trees/xen-drbd-hosts (three dom0s, DRBD
r0 on xen1 and xen2, the guest ``web`` on r0), edited per case.

The differential over the Pacemaker 1.0 CIBs (the corpus's and the oracle's upgrade06
outputs) is test_daemon_verdicts.test_lint_agrees_with_the_daemon; here are the
heartbeat 2 CIBs crm_verify 2.1.5 happens to accept (those without ``<attributes>``,
which its pacemaker-1.0 schema refuses in the others: a version gap, not a verdict).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import SHARED, crm_verify_file, shared_path
from test_cib_convert import crm_verify_output
from test_daemon_verdicts import crm_verify
from test_xen_drbd_hosts import CIB, NODES, _copy, _crm_simulate, _edit_cib, _findings
from xencfg import lint
from xencfg import rules as registry
from xencfg.formats.cib import parse as parse_cib
from xencfg.formats.cib.constraints import Location
from xencfg.regex import regcomp_refuses, search_linear

IP = """      <primitive id="ip" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>"""

#: form -> (validate-with, constraints, extra resources, whether XN018 warns of xen3,
#: web's crm_simulate allocation score on xen3, or None when crm_verify refuses the CIB)
FORMS: dict[str, tuple[str, str, str, bool, str | None]] = {
    # pcmk_sched_location.c unpack_simple_location: regcomp(REG_EXTENDED), regexec on
    # each r->id of data_set->resources (top-level resources), '!' inverts
    "pattern-bans": (
        "pacemaker-2.6",
        '<rsc_location id="off" rsc-pattern="^w" node="xen3" score="-INFINITY"/>',
        "",
        False,
        "-INFINITY",
    ),
    "pattern-matches-nothing": (
        "pacemaker-2.6",
        '<rsc_location id="off" rsc-pattern="^db" node="xen3" score="-INFINITY"/>',
        "",
        True,
        "0",
    ),
    "pattern-inverted": (
        "pacemaker-2.10",
        '<rsc_location id="off" rsc-pattern="!^db" node="xen3" score="-INFINITY"/>',
        "",
        False,
        "-INFINITY",
    ),
    "pattern-unanchored": (
        "pacemaker-2.6",
        '<rsc_location id="off" rsc-pattern="e" node="xen3" score="-INFINITY"/>',
        "",
        False,
        "-INFINITY",
    ),
    "pattern-member-of-a-group": (  # the group's id is the one matched
        "pacemaker-2.6",
        '<rsc_location id="off" rsc-pattern="^web$" node="xen3" score="-INFINITY"/>',
        "group",
        True,
        "0",
    ),
    "pattern-the-group": (
        "pacemaker-2.6",
        '<rsc_location id="off" rsc-pattern="^g-" node="xen3" score="-INFINITY"/>',
        "group",
        False,
        "-INFINITY",
    ),
    # pcmk_sched_location.c unpack_location_tags -> pcmk__tag_to_set: a tag in rsc
    # stands for the resources its obj_refs list (xml/tags-1.3.rng)
    "location-on-a-tag": (
        "pacemaker-1.3",
        '<rsc_location id="off" rsc="guests" node="xen3" score="-INFINITY"/>',
        "tags",
        False,
        "-INFINITY",
    ),
    # pcmk_find_node / pe_find_node: the node is found without regard to case
    "node-in-other-case": (
        "pacemaker-1.0",
        '<rsc_location id="off" rsc="web" node="XEN3" score="-INFINITY"/>',
        "",
        False,
        "-INFINITY",
    ),
    # xml/constraints-1.0.rng: rsc_location has rsc, no rsc-pattern (2.6 brings it)
    "pattern-in-a-1.0-cib": (
        "pacemaker-1.0",
        '<rsc_location id="off" rsc-pattern="^w" node="xen3" score="-INFINITY"/>',
        "",
        True,
        None,
    ),
    # pcmk_sched_location.c unpack_location_set: each resource_ref with the set's
    # score and role, else the constraint's (xml/constraints-1.2.rng brings the sets)
    "location-set": (
        "pacemaker-1.2",
        '<rsc_location id="off" node="xen3" score="-INFINITY"><resource_set id="s">'
        '<resource_ref id="web"/></resource_set></rsc_location>',
        "",
        False,
        "-INFINITY",
    ),
    "location-set-own-score": (
        "pacemaker-1.2",
        '<rsc_location id="off" node="xen3" score="100"><resource_set id="s"'
        ' score="-INFINITY"><resource_ref id="web"/></resource_set></rsc_location>',
        "",
        False,
        "-INFINITY",
    ),
    "location-set-in-a-1.0-cib": (
        "pacemaker-1.0",
        '<rsc_location id="off" node="xen3" score="-INFINITY"><resource_set id="s">'
        '<resource_ref id="web"/></resource_set></rsc_location>',
        "",
        True,
        None,
    ),
    # unpack_rsc_location: a Master role filter is applied only to a promoted
    # instance (pcmk__apply_location: role_filter != next_role); Started to every role
    "location-role-master": (
        "pacemaker-1.2",
        '<rsc_location id="off" rsc="web" role="Master" node="xen3" score="-INFINITY"/>',
        "",
        True,
        "0",
    ),
    "location-role-started": (
        "pacemaker-1.2",
        '<rsc_location id="off" rsc="web" role="Started" node="xen3" score="-INFINITY"/>',
        "",
        False,
        "-INFINITY",
    ),
    # pcmk_sched_constraints.c pcmk__unpack_constraints: a constraint whose lifetime
    # rules do not hold now is skipped (and 'lifetime' is a deprecation warning)
    "location-with-lifetime": (
        "pacemaker-1.0",
        '<rsc_location id="off" rsc="web" node="xen3" score="-INFINITY">'
        '<lifetime><rule id="ltr" score="0"><date_expression id="d"'
        ' operation="in_range" start="2001-01-01" end="2002-01-01"/></rule></lifetime>'
        "</rsc_location>",
        "",
        True,
        "0",
    ),
    "with-rsc-side-with-lifetime": (
        "pacemaker-1.0",
        '<rsc_location id="ip-off" rsc="ip" node="xen3" score="-INFINITY"/>'
        '<rsc_colocation id="ip-with-web" rsc="ip" with-rsc="web" score="INFINITY">'
        '<lifetime><rule id="ltr" score="0"><date_expression id="d"'
        ' operation="in_range" start="2001-01-01" end="2002-01-01"/></rule></lifetime>'
        "</rsc_colocation>",
        "ip",
        True,
        "0",
    ),
    # pcmk_sched_primitive.c pcmk__primitive_assign -> apply_with_this ->
    # pcmk__add_colocated_node_scores: the dependent's scores times score/INFINITY
    "with-rsc-side": (
        "pacemaker-1.0",
        '<rsc_location id="ip-off" rsc="ip" node="xen3" score="-INFINITY"/>'
        '<rsc_colocation id="ip-with-web" rsc="ip" with-rsc="web" score="INFINITY"/>',
        "ip",
        False,
        "-INFINITY",
    ),
    "with-rsc-side-finite": (
        "pacemaker-1.0",
        '<rsc_location id="ip-off" rsc="ip" node="xen3" score="-INFINITY"/>'
        '<rsc_colocation id="ip-with-web" rsc="ip" with-rsc="web" score="500"/>',
        "ip",
        True,
        "-500",
    ),
    # ... rolled back when no node would be left ("Rolling back optional scores")
    "with-rsc-side-rolled-back": (
        "pacemaker-1.0",
        '<rsc_location id="ip-off" rsc="ip"><rule id="r" score="-INFINITY">'
        '<expression id="e" attribute="#uname" operation="ne" value="nowhere"/></rule>'
        "</rsc_location>"
        '<rsc_colocation id="ip-with-web" rsc="ip" with-rsc="web" score="INFINITY"/>',
        "ip",
        True,
        "0",
    ),
    # pcmk_sched_colocation.c unpack_colocation_set: in a sequential set each member
    # with the one before it; colocate_rsc_sets: the first of a set with the last of
    # the next; a set's own score within it
    "colocation-set-guest-second": (
        "pacemaker-1.0",
        '<rsc_location id="ip-off" rsc="ip" node="xen3" score="-INFINITY"/>'
        '<rsc_colocation id="c" score="INFINITY"><resource_set id="s1">'
        '<resource_ref id="ip"/><resource_ref id="web"/></resource_set></rsc_colocation>',
        "ip",
        False,
        "-INFINITY",
    ),
    "colocation-set-guest-first": (
        "pacemaker-1.0",
        '<rsc_location id="ip-off" rsc="ip" node="xen3" score="-INFINITY"/>'
        '<rsc_colocation id="c" score="INFINITY"><resource_set id="s1">'
        '<resource_ref id="web"/><resource_ref id="ip"/></resource_set></rsc_colocation>',
        "ip",
        False,
        "-INFINITY",
    ),
    "colocation-set-own-score": (
        "pacemaker-1.0",
        '<rsc_location id="ip-off" rsc="ip" node="xen3" score="-INFINITY"/>'
        '<rsc_colocation id="c"><resource_set id="s1" score="INFINITY">'
        '<resource_ref id="ip"/><resource_ref id="web"/></resource_set></rsc_colocation>',
        "ip",
        False,
        "-INFINITY",
    ),
    "colocation-two-sets": (
        "pacemaker-1.0",
        '<rsc_location id="ip-off" rsc="ip" node="xen3" score="-INFINITY"/>'
        '<rsc_colocation id="c" score="INFINITY"><resource_set id="s1">'
        '<resource_ref id="web"/></resource_set><resource_set id="s2">'
        '<resource_ref id="ip"/></resource_set></rsc_colocation>',
        "ip",
        False,
        "-INFINITY",
    ),
}


def _form_tree(tmp_path: Path, form: str) -> Path:
    schema, constraints, extra, _, _ = FORMS[form]
    root = _copy(tmp_path / form)
    _edit_cib(root, 'validate-with="pacemaker-1.0"', f'validate-with="{schema}"')
    _edit_cib(root, "    <constraints/>", f"    <constraints>{constraints}</constraints>")
    if extra == "ip":
        _edit_cib(root, "    </resources>", IP)
    if extra == "tags":
        tags = '<tags><tag id="guests"><obj_ref id="web"/></tag></tags>'
        _edit_cib(root, "</constraints>", "</constraints>" + tags)
    if extra == "group":
        _edit_cib(root, '<primitive id="web"', '<group id="g-web"><primitive id="web"')
        _edit_cib(root, "</primitive>", "</primitive></group>")
    return root


@pytest.mark.parametrize("form", list(FORMS))
def test_xn018_reads_every_placement_form(tmp_path: Path, form: str) -> None:
    """XN018 warns of xen3 exactly where Pacemaker 2.1.5's scheduler lets web run there
    (its allocation score on xen3 is not -INFINITY); in a CIB whose schema predates
    the form, crm_verify refuses the CIB, CB023 says so and XN018 reads no ban."""
    _, _, _, warns, score = FORMS[form]
    root = _form_tree(tmp_path, form)
    found = _findings(root, ["XN018", "CB023"])
    xen3 = [f for f in found if f[0] == "XN018" and "on xen3" in f[4]]
    assert len(xen3) == (1 if warns else 0), found
    cib = root / "xen1" / CIB
    verdict = crm_verify(cib)  # warnings only (lifetime is deprecated) count as accepted
    if score is None:
        assert not verdict.accepted and "Relax-NG validity error" in verdict.text
        assert ("CB023", "xen1", "cib.xml") in {f[:3] for f in found}
        return
    assert verdict.accepted, verdict.text[:400]
    assert not any(f[0] == "CB023" for f in found)
    sim = _crm_simulate(cib, tmp_path, *NODES)
    assert f"web allocation score on xen3: {score}" in sim, sim


def test_xn018_with_rsc_side_without_influence(tmp_path: Path) -> None:
    """``influence="false"`` (xml/constraints-3.6.rng): the dependent's scores do not
    move an active guest (libpacemaker_private.h pcmk__colocation_has_influence:
    ``colocation->influence || (rsc->running_on == NULL)``), so its bans need not
    hold and XN018 keeps xen3; the same CIB with influence true is clean."""
    root = _copy(tmp_path / "influence")
    _edit_cib(root, 'validate-with="pacemaker-1.0"', 'validate-with="pacemaker-3.6"')
    _edit_cib(root, 'type="normal"', 'type="member"')  # nodes-3.0.rng's spelling
    _edit_cib(root, "    </resources>", IP)
    coloc = (
        '<rsc_location id="ip-off" rsc="ip" node="xen3" score="-INFINITY"/>'
        '<rsc_colocation id="ip-with-web" rsc="ip" with-rsc="web" score="INFINITY"'
        ' influence="false"/>'
    )
    _edit_cib(root, "    <constraints/>", f"    <constraints>{coloc}</constraints>")
    assert ["on xen3" in f[4] for f in _findings(root, ["XN018"])] == [True]
    rc, out = crm_verify_file(root / "xen1" / CIB)
    assert rc == 0, out
    _edit_cib(root, 'influence="false"', 'influence="true"')
    assert _findings(root, ["XN018"]) == []


def test_xn018_hostile_pattern_stays_linear(tmp_path: Path) -> None:
    """``^(a+)+$`` backtracks exponentially in Python's ``re`` on a 40-letter id that
    almost matches; XN018 runs it on the linear-time automaton (xencfg.regex), so lint
    ends, and glibc's regexec (Pacemaker's) takes the CIB too."""
    root = _copy(tmp_path / "hostile")
    _edit_cib(root, 'validate-with="pacemaker-1.0"', 'validate-with="pacemaker-2.6"')
    rid = "a" * 40 + "b"
    _edit_cib(
        root,
        "    </resources>",
        f'      <primitive id="{rid}" class="ocf" provider="heartbeat" type="Dummy"/>\n'
        "    </resources>",
    )
    loc = '<rsc_location id="off" rsc-pattern="^(a+)+$" node="xen3" score="-INFINITY"/>'
    _edit_cib(root, "    <constraints/>", f"    <constraints>{loc}</constraints>")
    assert search_linear("^(a+)+$", rid) is False
    assert ["on xen3" in f[4] for f in _findings(root, ["XN018"])] == [True]
    rc, out = crm_verify_file(root / "xen1" / CIB)
    assert rc == 0, out


def test_search_linear_reads_posix_extended_regexes() -> None:
    """regexec without anchors finds the pattern anywhere; POSIX classes as regcomp
    reads them; ``None`` for what does not compile (the caller then reads no ban)."""
    assert search_linear("^w", "web") is True
    assert search_linear("eb$", "web") is True
    assert search_linear("^db", "web") is False
    assert search_linear("[[:digit:]]+$", "vm12") is True
    assert search_linear("(web", "web") is None


# -- CB029: an rsc-pattern regcomp refuses ------------------------------------------


def test_cb029_refused_pattern(tmp_path: Path) -> None:
    """Pacemaker 2.1.5 pcmk_sched_location.c unpack_simple_location: ``if
    (regcomp(r_patt, value, REG_EXTENDED))`` -> pcmk__config_err("Ignoring constraint
    '%s' because rsc-pattern has invalid value '%s'"): crm_verify exits 78, "config not
    valid". With the group closed, crm_verify takes it (rc 0) and CB029 is quiet."""
    root = _copy(tmp_path / "cb029")
    _edit_cib(root, 'validate-with="pacemaker-1.0"', 'validate-with="pacemaker-2.6"')
    loc = '<rsc_location id="off" rsc-pattern="(web" node="xen3" score="-INFINITY"/>'
    _edit_cib(root, "    <constraints/>", f"    <constraints>{loc}</constraints>")
    cib = root / "xen1" / CIB
    found = lint.run([str(cib)], select=["CB029"]).findings
    assert [(f.code, f.severity, f.line) for f in found] == [("CB029", "error", 23)]
    assert "Unmatched ( or \\(" in found[0].message
    verbose = crm_verify_output(cib.read_text(), tmp_path)
    assert "because rsc-pattern has invalid value '(web'" in verbose
    # the constraint is dropped: XN018 keeps xen3 as the scheduler does
    assert ["on xen3" in f[4] for f in _findings(root, ["XN018"])] == [True]
    for good in ("^(web|db)$", "!^(web", "web)"):
        value = good.replace("!^(web", "!^(db)")
        cib.write_text(cib.read_text().replace('rsc-pattern="(web"', f'rsc-pattern="{value}"'))
        assert lint.run([str(cib)], select=["CB029"]).findings == [], value
        rc, out = crm_verify_file(cib)
        assert rc == 0, out
        cib.write_text(cib.read_text().replace(f'rsc-pattern="{value}"', 'rsc-pattern="(web"'))


def test_cb029_inverted_and_older_schema(tmp_path: Path) -> None:
    """The ``!`` is stripped before regcomp (``if (value[0] == '!') { value++; invert =
    TRUE; }``): ``!(web`` is refused as ``(web`` is. A pacemaker-1.0 CIB cannot carry
    the attribute at all (CB023 says so), so CB029 leaves it alone."""
    root = _copy(tmp_path / "cb029-inv")
    _edit_cib(root, 'validate-with="pacemaker-1.0"', 'validate-with="pacemaker-2.6"')
    loc = '<rsc_location id="off" rsc-pattern="!(web" node="xen3" score="-INFINITY"/>'
    _edit_cib(root, "    <constraints/>", f"    <constraints>{loc}</constraints>")
    cib = root / "xen1" / CIB
    assert [f.code for f in lint.run([str(cib)], select=["CB029"]).findings] == ["CB029"]
    _edit_cib(root, 'validate-with="pacemaker-2.6"', 'validate-with="pacemaker-1.0"')
    codes = [f.code for f in lint.run([str(cib)], select=["CB029", "CB023"]).findings]
    assert codes == ["CB023"]


def _glibc_regcomp() -> Callable[[str], str | None]:
    """glibc's regcomp(3) with REG_EXTENDED, as Pacemaker calls it: the error text, or
    ``None`` when it compiles."""
    name = ctypes.util.find_library("c")
    if name is None or "libc.so.6" not in name:
        pytest.skip("no glibc here")
    libc = ctypes.CDLL(name)

    def compile_(pattern: str) -> str | None:
        buf = ctypes.create_string_buffer(256)  # regex_t is 64 bytes on x86_64 glibc
        rc = libc.regcomp(buf, pattern.encode(), 1)  # REG_EXTENDED
        if rc == 0:
            libc.regfree(buf)
            return None
        msg = ctypes.create_string_buffer(200)
        libc.regerror(rc, buf, msg, 200)
        return str(msg.value.decode())

    return compile_


REGCOMP_CASES = [
    "(web", "web)", "[abc", "a\\", "*a", "+a", "?a", "a|*b", "(*a)", "a{", "a{1",
    "a{2,1}", "{1}", "^*", "$*", "a**", "", "()", "a||b", "[[:foo:]]", "[z-a]", "a{,3}",
    "x{1}{2}", "[]", "[]a]", "(?i)a", "|a", "a|", "^(web|db)-[0-9]+$", "[[:digit:]]+",
    "a{1,}", "a{x}", "[a-]", "[-a]", "[^]a]",
]  # fmt: skip


def test_regcomp_refuses_agrees_with_glibc() -> None:
    """regcomp_refuses says what glibc's regcomp says (posix/regcomp.c
    ``__re_error_msgid``) on the cases above, and on random short patterns never
    refuses one glibc compiles: a false CB029 would call a working constraint dropped.
    (It may miss some refusals, back references among them: CB029 then stays quiet.)"""
    glibc = _glibc_regcomp()
    for pattern in REGCOMP_CASES:
        assert regcomp_refuses(pattern) == glibc(pattern), pattern
    rnd = random.Random(7)
    alphabet = "ab()[]{}|*+?^$\\-,1:.="
    for _ in range(3000):
        pattern = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 7)))
        if regcomp_refuses(pattern) is not None:
            assert glibc(pattern) is not None, pattern


# -- the model ------------------------------------------------------------------------


def test_location_model_reads_pattern_sets_and_role() -> None:
    doc = parse_cib(
        '<cib validate-with="pacemaker-3.0"><configuration><crm_config/><nodes/>'
        "<resources/><constraints>"
        '<rsc_location id="a" rsc-pattern="!^db" role="Started" node="n1" score="5"/>'
        '<rsc_location id="b" node="n1" score="5"><resource_set id="s" score="-INFINITY"'
        ' role="master" sequential="false"><resource_ref id="x"/><resource_ref id="y"/>'
        "</resource_set></rsc_location>"
        "</constraints></configuration></cib>"
    )
    a, b = doc.locations
    assert isinstance(a, Location)
    assert (a.rsc, a.rsc_pattern, a.role, a.resources()) == (None, "!^db", "Started", [])
    (s,) = b.sets
    assert (s.members, s.score, s.role, s.sequential) == (["x", "y"], -1_000_000, "Master", False)
    assert b.resources() == ["x", "y"]  # a location's set members are named resources too


# -- heartbeat 2 CIBs crm_verify 2.1.5 accepts ----------------------------------------

#: The heartbeat 2 CIBs of oracle/cib/upstream-test06 and corpus/cib-hb2 that crm_verify
#: 2.1.5 accepts (exit 0): found by running peer-crm-verify over all 311 of them (the
#: others fail its pacemaker-1.0 schema on heartbeat 2's <attributes>).
HB2_ACCEPTED = [
    *(
        f"corpus/cib-hb2/{n}"
        for n in (
            "hb__tools_ciblint.tests_cibs_hasseg.cib",
            "pcmk__crm_pengine_testcases_594.xml",
            "pcmk__crm_pengine_testcases_594.xml@2006-01",
            "pcmk__crm_pengine_testcases_cloned-group.xml",
            "pcmk__crm_pengine_testcases_probe-0.xml",
            "pcmk__crm_pengine_testcases_quorum-5.xml",
            "pcmk__crm_pengine_testcases_quorum-6.xml",
            "pcmk__crm_pengine_testcases_rec-node-12.xml",
            "pcmk__crm_pengine_testcases_unrunnable-1.xml",
        )
    ),
    *(
        f"oracle/cib/upstream-test06/{n}.xml"
        for n in [
            "594",
            "662",
            "696",
            "726",
            "735",
            "764",
            "797",
            "829",
            "bug-1573",
            "cloned-group",
            "date-2",
            "group10",
            "inc10",
            "interleave-0",
            "managed-0",
            "managed-1",
            "managed-2",
            "notify-0",
            "notify-1",
            "notify-2",
            "probe-0",
            "quorum-4",
            "quorum-5",
            "quorum-6",
            "rec-node-12",
            "unrunnable-1",
        ]
    ),
]


@pytest.mark.slow
@pytest.mark.parametrize("key", HB2_ACCEPTED)
def test_no_false_error_on_heartbeat2_cibs_crm_verify_accepts(key: str) -> None:
    """Where crm_verify accepts a CIB (exit 0), lint gives no error but a hazard's, and
    that rule's doc says crm_verify does not check it and why it bites."""
    path = SHARED / key
    if not path.exists():
        shared_path(*Path(key).parts)
    verdict = crm_verify(path)  # warnings only count as accepted
    assert verdict.accepted, verdict.text[:400]
    found = lint.run([str(path)], force_format="cib").findings
    for f in found:
        if f.severity != "error":
            continue
        rule = registry.get(f.code)
        assert rule is not None and rule.hazard, (f.code, f.line, f.message)
        assert "crm_verify" in rule.doc, f.code


def test_cb006_is_a_documented_hazard_crm_verify_accepts() -> None:
    """The only errors lint gives on a CIB crm_verify accepts, over every CIB of
    oracle/cib and the corpus (763 distinct files), are CB006's on bug-n-387749
    (OCFS2 with stonith-enabled=false): a hazard, whose doc cites Pacemaker Explained
    ("Why Is Fencing Necessary?") and controld's refusal."""
    path = shared_path("oracle", "cib", "upgraded", "bug-n-387749.upgraded.xml")
    found = [f for f in lint.run([str(path)], force_format="cib").findings]
    assert [(f.code, f.severity) for f in found if f.severity == "error"] == [("CB006", "error")]
    rc, out = crm_verify_file(path)
    assert rc == 0, out
    rule = registry.get("CB006")
    assert rule is not None and rule.hazard
    assert "crm_verify does not check this" in rule.doc and "fencing.rst" in rule.doc


# -- CB019 reads the same location forms -------------------------------------------

FENCE_CIB = """<cib validate-with="{schema}" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="opts">
        <nvpair id="opt-stonith" name="stonith-enabled" value="true"/>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="alpha"/>
      <node id="2" uname="beta"/>
    </nodes>
    <resources>
      <primitive id="fence-alpha" class="stonith" type="external/ipmi">
        <instance_attributes id="fa-ia">
          <nvpair id="fa-host" name="hostname" value="alpha"/>
          <nvpair id="fa-ip" name="ipaddr" value="10.1.1.1"/>
        </instance_attributes>
        <operations>
          <op id="fa-mon" name="monitor" interval="60s"/>
        </operations>
      </primitive>
    </resources>
    <constraints>{constraints}</constraints>
  </configuration>
  <status/>
</cib>
"""

#: constraint -> (schema, whether CB019 warns, fence-alpha's allocation score on alpha)
FENCE_FORMS = {
    "": ("pacemaker-2.6", True, "0"),
    '<rsc_location id="off" rsc-pattern="^fence-" node="alpha" score="-INFINITY"/>': (
        "pacemaker-2.6",
        False,
        "-INFINITY",
    ),
    '<rsc_location id="off" node="alpha" score="-INFINITY"><resource_set id="s">'
    '<resource_ref id="fence-alpha"/></resource_set></rsc_location>': (
        "pacemaker-1.2",
        False,
        "-INFINITY",
    ),
}


@pytest.mark.parametrize("constraint", list(FENCE_FORMS), ids=["none", "pattern", "set"])
def test_cb019_reads_pattern_and_set_bans(tmp_path: Path, constraint: str) -> None:
    """CB019 (a fencing device allowed on the node it fences) takes a ban by
    ``rsc-pattern`` or by a location's ``resource_set`` as Pacemaker does
    (pcmk_sched_location.c unpack_simple_location / unpack_location_set): no false
    warning; crm_simulate's allocation score of the device on alpha shows the ban."""
    schema, warns, score = FENCE_FORMS[constraint]
    path = tmp_path / "fence.xml"
    path.write_text(FENCE_CIB.format(schema=schema, constraints=constraint))
    found = [f.code for f in lint.run([str(path)], select=["CB019"]).findings]
    assert found == (["CB019"] if warns else [])
    verdict = crm_verify(path)
    assert verdict.accepted, verdict.text[:400]
    sim = _crm_simulate(path, tmp_path, "alpha", "beta")
    assert f"fence-alpha allocation score on alpha: {score}" in sim, sim


# -- tags and templates: no false CB001/CB002 -----------------------------------------


def _base_cib() -> str:
    from test_xen_drbd_hosts import HOSTS

    return (HOSTS / "bad" / "xen1" / CIB).read_text()


@pytest.mark.parametrize("kind", ["tag", "template"])
def test_constraints_on_tags_and_templates_are_no_dangling_reference(
    tmp_path: Path, kind: str
) -> None:
    """A constraint may name a tag (pacemaker-1.3, xml/tags-1.3.rng: ``obj_ref``'s id
    is an IDREF) or a template (pacemaker-1.2): Pacemaker 2.1.5 unpack_location_tags
    -> pcmk__valid_resource_or_tag takes either and expands it (pcmk__tag_to_set), and
    crm_verify accepts the CIB (rc 0; crm_simulate bans web from xen3 either way). Lint
    called the name dangling (CB002) and the obj_ref's id a duplicate of web's (CB001)."""
    text = _base_cib()
    if kind == "tag":
        text = text.replace('"pacemaker-1.0"', '"pacemaker-1.3"').replace(
            "<constraints/>",
            '<constraints><rsc_location id="off" rsc="guests" node="xen3" score="-INFINITY"/>'
            '</constraints><tags><tag id="guests"><obj_ref id="web"/></tag></tags>',
        )
    else:
        text = (
            text.replace('"pacemaker-1.0"', '"pacemaker-1.2"')
            .replace(
                '<primitive id="web" class="ocf" provider="heartbeat" type="Xen">',
                '<template id="xen-guest" class="ocf" provider="heartbeat" type="Xen"/>'
                '<primitive id="web" template="xen-guest">',
            )
            .replace(
                "<constraints/>",
                '<constraints><rsc_location id="off" rsc="xen-guest" node="xen3"'
                ' score="-INFINITY"/></constraints>',
            )
        )
    path = tmp_path / f"{kind}.xml"
    path.write_text(text)
    rc, out = crm_verify_file(path)
    assert rc == 0, out
    assert "web allocation score on xen3: -INFINITY" in _crm_simulate(path, tmp_path, *NODES)
    errors = [f for f in lint.run([str(path)]).findings if f.severity == "error"]
    assert errors == []


# -- hostile constraint graphs ---------------------------------------------------------


def test_xn018_places_a_lattice_and_a_long_chain_once(tmp_path: Path) -> None:
    """XN018 places every resource once per CIB: 30 layers of two resources each
    colocated with both of the next layer's (2**30 paths, which placing each path
    anew never finished), and a chain of 1,500 colocations (past Python's recursion
    limit when each link recursed) end; a loop breaks as Pacemaker's "Breaking
    assignment loop" does, and the guest is still reported of xen3."""
    layers = 30
    prims = "".join(
        f'<primitive id="{x}{i}" class="ocf" provider="heartbeat" type="Dummy"/>'
        for i in range(layers)
        for x in "ab"
    ) + "".join(
        f'<primitive id="c{i}" class="ocf" provider="heartbeat" type="Dummy"/>' for i in range(1500)
    )
    coloc = (
        '<rsc_colocation id="w-a" rsc="web" with-rsc="a0" score="INFINITY"/>'
        '<rsc_colocation id="w-b" rsc="web" with-rsc="b0" score="INFINITY"/>'
        + "".join(
            f'<rsc_colocation id="{x}{y}{i}" rsc="{x}{i}" with-rsc="{y}{i + 1}" score="INFINITY"/>'
            for i in range(layers - 1)
            for x in "ab"
            for y in "ab"
        )
        + '<rsc_colocation id="w-c" rsc="c0" with-rsc="web" score="INFINITY"/>'
        + "".join(
            f'<rsc_colocation id="cc{i}" rsc="c{i + 1}" with-rsc="c{i}" score="INFINITY"/>'
            for i in range(1499)
        )
        + '<rsc_colocation id="loop" rsc="web" with-rsc="c1499" score="INFINITY"/>'
    )
    root = _copy(tmp_path / "lattice")
    _edit_cib(root, "    </resources>", prims + "\n    </resources>")
    _edit_cib(root, "    <constraints/>", f"    <constraints>{coloc}</constraints>")
    assert ["on xen3" in f[4] for f in _findings(root, ["XN018"])] == [True]


def test_a_guest_made_from_a_template_is_placed(tmp_path: Path) -> None:
    """A primitive with ``template="xen-guest"`` runs the template's agent and
    operations (Pacemaker 2.1.5 lib/pengine/complex.c unpack_template: a copy of the
    template with the primitive's id and children; a template op is kept unless the
    primitive has one of its name and role, template_op_key): XN018 now places such a
    guest (it read no type and skipped it), and CB008 sees the template's monitor."""
    root = _copy(tmp_path / "template")
    _edit_cib(root, 'validate-with="pacemaker-1.0"', 'validate-with="pacemaker-1.2"')
    _edit_cib(
        root,
        '<primitive id="web" class="ocf" provider="heartbeat" type="Xen">',
        '<template id="xen-guest" class="ocf" provider="heartbeat" type="Xen"><operations>'
        '<op id="t-mon" name="monitor" interval="30s"/></operations></template>'
        '<primitive id="web" template="xen-guest">',
    )
    _edit_cib(root, '<op id="web-monitor" name="monitor" interval="30s" timeout="60s"/>', "")
    found = _findings(root, ["XN018", "CB008"])
    assert [(f[0], "on xen3" in f[4]) for f in found] == [("XN018", True)]
    rc, out = crm_verify_file(root / "xen1" / CIB)
    assert rc == 0, out
    ban = '<rsc_location id="off" rsc="xen-guest" node="xen3" score="-INFINITY"/>'
    _edit_cib(root, "    <constraints/>", f"    <constraints>{ban}</constraints>")
    assert _findings(root, ["XN018", "CB008", "CB002"]) == []
