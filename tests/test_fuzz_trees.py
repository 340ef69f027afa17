"""The whole-tree and number fuzzers (issue 22: the audit's fuzzers in the suite, bounded).

* Whole clusters built by hypothesis (tests/treegen.py: files that hang together
  across layers and nodes, values drawn from hostile choices) are linted end to end,
  and their dependency graph drawn: a rule that crashes (XC006; ``XENCFG_DEBUG`` makes
  it raise) or a graph part that raises fails the test.
* Every numeral of every format's own fixtures is replaced by odd ones (huge, signed,
  other bases, non-ASCII digits, more digits than ``int()`` converts): the file loads
  and writes back exactly or is refused with an XencfgError, its model prints and goes
  to JSON, and lint crashes no rule.

A bounded count runs here; ``XENCFG_FUZZ_SCALE`` multiplies it (``python fuzz/run.py``
runs both longer by hand). The first run found ``int()`` refusing 5,000 digits in
DRBD's device minors, corosync's integer check, and the domU disk rules (XN, DRBD
minors of ``/dev/drbdN``).
"""

from __future__ import annotations

import json
import os
import random
import re
import traceback

import pytest
from hypothesis import HealthCheck, Phase, given, settings

import fuzzkit
import treegen
import xencfg
from conftest import ROOT
from xencfg import graph

SCALE = float(os.environ.get("XENCFG_FUZZ_SCALE", "1"))


def _count(n: int) -> int:
    return max(1, int(n * SCALE))


# -- whole generated trees ---------------------------------------------------------------


@settings(
    max_examples=_count(20),
    deadline=None,
    derandomize=True,
    database=None,
    # no shrinking in the bounded run: a failing tree is printed whole, at once (a
    # shrink of trees this size took minutes)
    phases=[Phase.explicit, Phase.generate] if SCALE <= 1 else list(Phase),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(tree=treegen.cluster_trees())
def test_generated_cluster_trees_crash_no_rule_and_draw(tree: dict[str, dict[str, str]]) -> None:
    result = xencfg.lint_tree(tree)  # XENCFG_DEBUG (conftest): a crashing rule raises here
    assert not [f for f in result.findings if f.code == "XC006"]
    dot = graph.to_dot(graph.build(result.cluster, result.findings))
    assert dot.startswith("digraph") or dot.startswith("graph")


def test_the_tree_generator_reaches_every_layer() -> None:
    """The trees are not all refused at parse time: across a handful of them every
    layer's rules report something (so the fuzzer runs their deep paths), and few
    files fail to parse."""
    codes: set[str] = set()
    parsed = broken = 0

    @settings(max_examples=12, deadline=None, derandomize=True, database=None)
    @given(tree=treegen.cluster_trees())
    def collect(tree: dict[str, dict[str, str]]) -> None:
        nonlocal parsed, broken
        result = xencfg.lint_tree(tree)
        codes.update(f.code for f in result.findings)
        broken += sum(1 for f in result.findings if f.code == "XC001")
        parsed += len(result.cluster.loaded)

    collect()
    prefixes = {re.match(r"[A-Z]+", c).group() for c in codes}  # type: ignore[union-attr]
    assert {"DR", "HB", "CB", "XN", "LS", "CS", "OC"} <= prefixes, sorted(codes)
    assert broken < parsed / 5


def test_a_huge_drbd_minor_in_an_ietd_lun_path_crashes_no_rule() -> None:
    """IS017 read ``Path=/dev/drbd<5,000 digits>`` with int() (and OC's CIB device check
    the same way): found after the fuzzers' first runs, now in the generator too."""
    huge = "/dev/drbd" + "9" * 5000
    r0 = (
        "resource r0 {\n on san1 { device /dev/drbd0; disk /dev/sdb; address 10.0.0.1:7788;"
        " meta-disk internal; }\n on san2 { device /dev/drbd0; disk /dev/sdb;"
        " address 10.0.0.2:7788; meta-disk internal; }\n}\n"
    )
    tree = {
        n: {
            "etc/hostname": f"{n}\n",
            "etc/drbd.conf": r0,
            "etc/ietd.conf": f"Target iqn.2026-11.net.example:{n}.web\n"
            f"\tLun 0 Path={huge},Type=blockio\n",
        }
        for n in ("san1", "san2")
    }
    result = xencfg.lint_tree(tree)
    assert not [f for f in result.findings if f.code == "XC006"]
    assert any(f.code == "IS017" for f in result.findings)


# -- numbers ------------------------------------------------------------------------------

#: A numeral in a file: digits standing alone (not inside a word such as ``drbd0`` or a
#: WWID, whose neighbours the fuzzer would break instead of the number).
NUMERAL = re.compile(r"(?<![\w.:-])[0-9]+(?![\w.])")


def _own_fixtures() -> list[tuple[str, str, str]]:
    """``(name, format, text)`` of every own valid fixture of every format."""
    out = []
    for fmt in sorted(xencfg.FORMATS):
        for p in sorted((ROOT / "tests" / "fixtures" / fmt / "valid").glob("*")):
            if p.is_file():
                text = p.read_bytes().decode("utf-8", "surrogateescape")
                out.append((f"{fmt}/{p.name}", fmt, text))
    return out


FIXTURES = [f for f in _own_fixtures() if NUMERAL.search(f[2])]


def number_cases(count: int, seed: int = 22) -> list[tuple[str, str, str]]:
    """``count`` cases: a fixture with one to three of its numerals replaced by odd ones
    (:data:`treegen.ODD_NUMBERS`), each fixture in turn, then at random."""
    rng = random.Random(seed)
    out = []
    for i in range(count):
        name, fmt, text = FIXTURES[i % len(FIXTURES)] if i < len(FIXTURES) else rng.choice(FIXTURES)
        spots = list(NUMERAL.finditer(text))
        chosen = rng.sample(spots, min(len(spots), rng.randint(1, 3)))
        for m in sorted(chosen, key=lambda m: -m.start()):  # from the end: offsets hold
            text = text[: m.start()] + rng.choice(treegen.ODD_NUMBERS) + text[m.end() :]
        out.append((f"{name}#{i}", fmt, text))
    return out


def check_numbers(fmt: str, text: str) -> None:
    """The API's round trip (:func:`fuzzkit.check_api`), the model as JSON, and lint
    of the text; a failure says where (the end of its traceback)."""
    try:
        _check_numbers(fmt, text)
    except Exception as exc:
        raise AssertionError(traceback.format_exc()[-1200:]) from exc


def _check_numbers(fmt: str, text: str) -> None:
    fuzzkit.check_api(fmt, text)
    try:
        doc = xencfg.loads(text, fmt)
    except xencfg.XencfgError:
        doc = None
    if doc is not None:
        json.dumps(doc.to_dict(), default=str)
    result = xencfg.lint_text(text, fmt, path=f"etc/{fmt}.conf")
    crashed = [f.message for f in result.findings if f.code == "XC006"]
    assert not crashed, crashed


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_odd_numbers_in_every_format_never_crash() -> None:
    """Each case in a forked child with a hang limit: never a traceback, never the
    int->str limit (``ValueError: Exceeds the limit (4300 digits)``), never a hang."""
    assert {fmt for _, fmt, _ in FIXTURES} >= {"drbd", "hacf", "xm", "xl", "cib", "proc-drbd"}
    xencfg.lint_text("x\n", "hostname")  # every rule imported once, before the forks
    failures = []
    for label, fmt, text in number_cases(_count(60)):
        problem = fuzzkit.in_child(lambda f=fmt, t=text: check_numbers(f, t))  # type: ignore[misc]
        if problem:
            failures.append(f"{label} ({fmt}): {problem}")
    assert not failures, "\n".join(failures[:20])


#: Any run of digits, inside a word too (``ring0_addr``, ``/dev/drbd0``, ``PT10S``, a
#: regex's ``{2}``), where :data:`NUMERAL` takes standalone numerals only.
DIGITS = re.compile(r"[0-9]+")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_digit_runs_inside_words_never_crash() -> None:
    """A digit run of a fixture, anywhere, as 5,000 digits: int() read them inside
    words in nine places (tests/test_hostile6.py), which the numeral cases never reach
    (a by-hand sweep of every run of every fixture found none left)."""
    xencfg.lint_text("x\n", "hostname")  # every rule imported once, before the forks
    rng = random.Random(23)
    failures = []
    for i in range(_count(60)):
        name, fmt, text = FIXTURES[i % len(FIXTURES)] if i < len(FIXTURES) else rng.choice(FIXTURES)
        m = rng.choice(list(DIGITS.finditer(text)))
        case = text[: m.start()] + "9" * 5000 + text[m.end() :]
        problem = fuzzkit.in_child(lambda f=fmt, t=case: check_numbers(f, t))  # type: ignore[misc]
        if problem:
            failures.append(f"{name} ({fmt}) at {m.start()}: {problem}")
    assert not failures, "\n".join(failures[:20])


def test_the_number_fuzzer_can_fail() -> None:
    """A numeral that is read with a bare ``int()`` (here, a stand-in reader) is caught:
    the check is not a no-op."""
    with pytest.raises(ValueError, match="4300"):
        int("9" * 5000)
    cases = number_cases(40)
    assert any("9" * 5000 in t or "0" * 4400 in t for _, _, t in cases)
    assert len({fmt for _, fmt, _ in cases}) > 10
