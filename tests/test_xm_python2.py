"""Python 2 literal forms in xm configs, read as xm read them.

xm loaded a domU config with ``execfile(defconfig, globs, locs)`` under Python 2
(Xen's tools/python/xen/xm/opts.py, ``Opts.load``, called from xm/create.py), so
the file's language is Python 2.7's: "Lexical analysis" of the Python 2.7 Language
Reference, 2.4.4 (``longinteger ::= integer ("l" | "L")``, ``octinteger ::= "0"
octdigit+``) and 2.4.1 (``\\u``, ``\\U`` and ``\\N{}`` are escapes in Unicode strings
only; ``ur''`` decodes ``\\uXXXX`` and keeps every other backslash). Where Python
2.7.18 is installed (pyenv), it is the oracle: it runs the test data (ours only).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest

import xencfg
from conftest import peer_tool, unavailable
from xencfg.formats.xen import _py2 as py2
from xencfg.formats.xen import xm
from xencfg.formats.xen.domu import COMPUTED, Assignment, Code
from xencfg.migrations.xen import xm_to_xl

PYTHON2 = Path("/root/.pyenv/versions/2.7.18/bin/python2.7")

#: Runs a file as xm did (execfile into a dict) and prints its values as JSON: byte
#: strings one character per byte, as xencfg reads every xm string.
_ORACLE = r"""
import json, sys
ns = {}
execfile(sys.argv[1], ns)
def conv(v):
    if isinstance(v, str):
        return v.decode('latin-1')
    if isinstance(v, (list, tuple)):
        return [conv(x) for x in v]
    if isinstance(v, long):
        return int(v)
    return v
print json.dumps(dict((k, conv(v)) for k, v in ns.items() if k != '__builtins__'))
"""


def _python2(text: str, tmp_path: Path) -> dict[str, Any]:
    """What Python 2.7 binds running ``text`` (test data written here, never a user file)."""
    if not PYTHON2.exists():
        unavailable("Python 2.7.18 (pyenv) is not installed")
    f = tmp_path / "guest.cfg"
    f.write_text(text, encoding="latin-1")
    out = subprocess.run(
        [str(PYTHON2), "-c", _ORACLE, str(f)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    data: dict[str, Any] = json.loads(out.stdout)
    return data


def _both(text: str) -> xm.XmDocument:
    """The document by the streaming reader and by Python's parser, which must agree."""
    fast = xm.parse(text)
    with warnings.catch_warnings():  # (xm.parse silences Python 3's escape warnings too)
        warnings.simplefilter("ignore")
        exact = xm._parse(text, None, literals=False)
    assert fast.children == exact.children
    assert xencfg.dumps(fast) == xencfg.dumps(exact) == text  # byte-exact
    return fast


def _json(v: Any) -> Any:
    return [_json(x) for x in v] if isinstance(v, (list, tuple)) else v


NUMBERS = [
    ("1024L", 1024),
    ("1024l", 1024),
    ("0755", 493),
    ("02", 2),
    ("00", 0),
    ("0L", 0),
    ("0777L", 511),
    ("0x10L", 16),
    ("0XffL", 255),
    ("-5L", -5),
    ("+0755", 493),
    ("79228162514264337593543950336L", 2**96),
    ("09.5", 9.5),
    ("1e3", 1000.0),
]


@pytest.mark.parametrize(("literal", "expected"), NUMBERS, ids=[n for n, _ in NUMBERS])
def test_python2_numbers_are_values(literal: str, expected: Any, tmp_path: Path) -> None:
    """``memory = 1024L`` is 1024 (2.4.4: the L suffix makes a long), ``0755`` is 493 (an
    octinteger): values, no longer code, on both reading paths; Python 2 agrees."""
    text = f"name = 'a'\nmemory = {literal}\n"
    doc = _both(text)
    a = doc.assignment("memory")
    assert isinstance(a, Assignment) and a.value == expected and type(a.value) is type(expected)
    assert doc.computed == [] and doc.is_static
    assert _python2(text, tmp_path)["memory"] == expected


STRINGS = [
    ('u"abc"', "abc"),
    ('U"abc"', "abc"),
    ('ur"a\\b"', "a\\b"),
    ('UR"a\\b"', "a\\b"),
    ("ur'\\u00e9\\n'", "\u00e9\\n"),  # ur'' decodes \uXXXX only
    ("ur'\\\\u0041'", "\\\\u0041"),  # an even run of backslashes: no escape
    ('"a\\u00e9"', "a\\u00e9"),  # no \u in a byte string: six characters
    ('"\\N{DASH}"', "\\N{DASH}"),
    ('u"a\\u00e9"', "a\u00e9"),
    ("'\\777'", "\xff"),  # an octal escape in a byte string is one byte
    ("u'\\777'", "\u01ff"),
    ("[u'a', ur'b\\c', 0755L]", ["a", "b\\c", 493]),
    ("(1L, u'x')", (1, "x")),
    ("b'\\x4a'", "J"),  # b'' is a Python 2 str (2.4.1: the prefix is ignored)
]


@pytest.mark.parametrize(("literal", "expected"), STRINGS, ids=[s for s, _ in STRINGS])
def test_python2_strings_read_as_python2_did(literal: str, expected: Any, tmp_path: Path) -> None:
    """2.4.1 String literals: ``u``/``ur`` prefixes, and escapes only Unicode strings know."""
    text = f"name = 'a'\nextra = {literal}\n"
    doc = _both(text)
    assert doc.get("extra") == expected and doc.computed == []
    assert _python2(text, tmp_path)["extra"] == _json(expected)


@pytest.mark.parametrize(
    ("text", "line", "col", "says"),
    [
        ("name = 'a'\nvcpus = 08\n", 2, 9, "'08' is not a Python 2 number"),
        ("name = 'a'\nmemory = 0779\n", 2, 10, "'0779'"),
        ("name = 'a'\nmemory = 1e5L\n", 2, 10, "'1e5L'"),
        ("name = 'a'\nmemory = 1_024\n", 2, 10, "no '_' between digits"),
        ("name = 'a'\nprint 09\n", 2, 7, "'09'"),
        ("name = 'a'\nx = [1, 08]\n", 2, 9, "'08'"),
        ("name = 'a'\nextra = '\\x4'\n", 2, 9, "invalid \\x escape"),
        ("name = 'a'\nextra = u'\\u12'\n", 2, 9, "truncated \\uXXXX"),
    ],
)
def test_what_python2_refuses_is_a_parse_error(text: str, line: int, col: int, says: str) -> None:
    """Python 2.7 refuses each ("SyntaxError: invalid token", "ValueError: invalid \\x
    escape"): ``xm create`` stopped before it read a setting, so we report where."""
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads(text, "xm")
    assert (info.value.line, info.value.column) == (line, col), str(info.value)
    assert says in str(info.value) and "xm" in str(info.value)
    if PYTHON2.exists():
        p = subprocess.run([str(PYTHON2), "-c", text], capture_output=True, timeout=60)
        assert p.returncode != 0 and b"Error" in p.stderr


def test_python2_statements_stay_code_and_are_never_run(tmp_path: Path) -> None:
    """``print "x"``, ``<>`` and backticks are Python 2 code: kept byte for byte as
    code (what they bind is computed), never executed, and no crash."""
    marker = tmp_path / "ran"
    text = (
        "name = 'a'\n"
        f"print open({str(marker)!r}, 'w').write('x')\n"
        "print >>sys.stderr, 'hello'\n"
        "if 1 <> 2: vcpus = 2\n"
        "memory = `512`\n"
        "maxmem = 1024L; print 'x'\n"
    )
    doc = _both(text)
    assert not marker.exists()
    kinds = [type(c).__name__ for c in doc.children]
    assert kinds == ["Assignment", "Code", "Code", "Code", "Code", "Assignment", "Code"]
    assert set(doc.computed) == {"vcpus", "memory"} and doc.maxmem == 1024
    assert all(isinstance(c, Code) for c in doc.code)
    doc.set("name", "b")
    assert xencfg.dumps(doc) == text.replace("name = 'a'", "name = 'b'")


def test_edits_keep_the_spelling_of_untouched_python2_values() -> None:
    text = (
        "name = 'a'\nmemory = 1024L\nvcpus = 02 # two\nextra = ur'x\\y'\ncpus = [ 0L, 01, 0x2L ]\n"
    )
    doc = _both(text)
    doc.set("memory", 2048)
    cpus = doc.get("cpus")
    assert cpus == [0, 1, 2]
    doc.set("cpus", [0, 1, 3])
    out = xencfg.dumps(doc)
    assert out == text.replace("1024L", "2048").replace("0x2L", "3")
    again = xencfg.loads(out, "xm")
    assert (again.memory, again.vcpus, again.get("extra"), again.get("cpus")) == (
        2048,
        2,
        "x\\y",
        [0, 1, 3],
    )


def test_values_written_read_the_same_in_python2(tmp_path: Path) -> None:
    """A value the model writes is plain Python both read (``2048``, ``'x'``); a
    character only ``\\u`` can spell makes a ``u''`` string, since a Python 2 byte
    string keeps ``\\u`` as two characters."""
    doc = xencfg.loads("name = 'a'\nmemory = 1024L\n", "xm")
    assert isinstance(doc, xm.XmDocument)
    doc.set("memory", 2048)
    doc.set("extra", "a\u2028b\tc")
    doc.set("root", "/dev/xvda1 ro")
    text = xencfg.dumps(doc)
    assert "memory = 2048" in text and "extra = u'a\\u2028b\\tc'" in text
    assert xm.py_str("a\\u") == "'a\\\\u'"  # a backslash is escaped: no prefix needed
    got = _python2(text, tmp_path)
    assert (got["memory"], got["extra"], got["root"]) == (2048, "a\u2028b\tc", "/dev/xvda1 ro")
    assert xencfg.loads(text, "xm").get("extra") == "a\u2028b\tc"


def test_lint_reads_python2_values() -> None:
    """A Python 2 literal is a value lint checks (it was code, which lint skips)."""
    text = "name = 'a'\nmemory = 1024L\non_crash = u'Restart'\n"
    doc = xencfg.loads(text, "xm")
    assert isinstance(doc, xm.XmDocument)
    assert doc.memory == 1024
    problems = list(doc.value_problems())
    assert [p.node.key for p in problems] == ["on_crash"]  # type: ignore[attr-defined]


def test_migrate_writes_xl_values_for_python2_literals(tmp_path: Path) -> None:
    """xl's libxlu refuses ``1024L`` (peer-xl: "config parsing error near `L': lexical
    error") and reads ``0755`` as 493 (strtol base 0, as Python 2 did): migrate
    re-spells the first and keeps the second, and reports no code for either."""
    text = (
        "name = 'a'\nkernel = '/boot/vmlinuz'\nmemory = 1024L\nmaxmem = 0x800L\n"
        "vcpus = 02\nextra = ur'console=hvc0'\ncpus = [ 0L, 01 ]\n"
    )
    r = xm_to_xl(xencfg.loads(text, "xm"))
    assert "memory = 1024\n" in r.text and "maxmem = 2048\n" in r.text
    assert "vcpus = 02\n" in r.text and 'extra = "console=hvc0"' in r.text
    assert "cpus = [ 0, 1 ]" in r.text
    assert not [c for c in r.changes if c.severity == "action"], r.changes
    xl = xencfg.loads(r.text, "xl")
    assert (xl.memory, xl.maxmem, xl.vcpus) == (1024, 2048, 2)  # type: ignore[attr-defined]
    peer = peer_tool("peer-xl", "/usr/lib/xen-4.17/bin/xl", "cc")
    out = tmp_path / "a.xl"
    out.write_text(r.text)
    p = subprocess.run([str(peer), str(out)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout
    info = json.loads(p.stdout.split("\n", 1)[1])
    assert info["b_info"]["max_memkb"] == 2048 * 1024
    assert info["b_info"]["target_memkb"] == 1024 * 1024
    assert info["b_info"]["max_vcpus"] == 2
    raw = tmp_path / "raw.xl"
    raw.write_text("name = 'a'\nkernel = '/boot/vmlinuz'\nmemory = 1024L\n")
    p = subprocess.run([str(peer), str(raw)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and "lexical error" in p.stdout


def test_python2_tokens_alone() -> None:
    """The reader's pieces, by the reference's own examples (2.4.4: ``0177``, ``0377L``,
    ``0x100000000L``)."""
    assert [py2.number(n) for n in ("0177", "0377L", "0x100000000L", "3L")] == [
        127,
        255,
        2**32,
        3,
    ]
    assert py2.check_numbers("x = '08' # 09\ny = 07\n") is None
    found = py2.check_numbers("x = 1\ny = 089\n")
    assert found is not None and found[1] == 10
    assert py2.assignment("x = f(1L)") is None and py2.assignment("x = 1L +") is None
    assert py2.assignment("memory =\n 512") is None  # a second statement: not a literal
    assert xm.parse("x = [[[[1L]]]]\n").get("x") == [[[[1]]]]
    deep = "x = " + "[" * 150 + "1L" + "]" * 150 + "\n"  # past MAX_DEPTH: no crash
    with contextlib.suppress(xencfg.ParseError):
        assert xm.parse(deep).get("x") is COMPUTED
