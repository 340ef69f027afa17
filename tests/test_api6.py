"""The Python API as tools that ``import xencfg`` use it (issue 22's API gaps):

- an edit a format cannot write is refused by the ``set()`` (or typed setter, or
  ``add_*``) that makes it, with :class:`xencfg.ValidationError`, and the document is
  left as it was; an edit that is accepted is written so that it reads back as given.
  Never a refusal later at ``dumps()``, never a file that reads back otherwise;
- xend's ``set()`` takes what an S-expression holds (text, numbers, bools, lists);
- the error classes pickle with every field (multiprocessing hands them across);
- ``xencfg.lint_tree`` / ``xencfg.lint_text`` at the top level.
"""

from __future__ import annotations

import multiprocessing
import pickle
from collections.abc import Callable
from typing import Any

import pytest

import xencfg
from test_api5 import TEXTS
from xencfg.errors import (
    ParseError,
    ReadError,
    UnknownFormatError,
    ValidationError,
    WriteError,
    XencfgError,
)

# -- edits refused when made, or written so that they read back ---------------------

#: Values a caller may hand to an edit that a format's syntax may not hold: line
#: breaks (LF, CR, NEL, U+2028), quotes, braces, comment and separator characters,
#: backslashes (kmod's and the shells' line joining), NUL, blanks, the empty string.
HOSTILE = [
    "a\nb",
    "a\rb",
    "a\x85b",
    "a\u2028b",
    "a\x00b",
    'a"b',
    "a'b",
    "a{b",
    "a}b",
    "a;b",
    "a#b",
    "#a",
    "a!b",
    "",
    " a",
    "a ",
    "a b",
    "a\u00a0b",
    "\\",
    "a\\",
    "a\\nb",
    "a=b",
    "=a",
    "a,b",
    "a:b",
    "[a",
    "a]",
    "(a)",
    "\ufeffa",
    "plain-word",
]


def _entry_value(key: str) -> Callable[[Any], Any]:
    """The first value of the last ``key`` statement as written (not the daemon's
    reading of it: ha.cf splits ``a,b`` in two, but the file holds ``a,b``)."""

    def read(doc: Any) -> Any:
        e = doc.entry(key)
        return e.values[0] if e is not None and e.values else None

    return read


def _mp_defaults(doc: Any, key: str, value: str) -> None:
    doc.defaults[key] = value


def _drbd_net(doc: Any, key: str, value: str) -> None:
    doc.resources["r0"].sections["net"] = {key: value}


def _ocfs2_node(doc: Any) -> Any:
    return doc.nodes[0] if isinstance(doc.nodes, list) else next(iter(doc.nodes.values()))


#: (format, what is edited, the edit of a document of TEXTS[format], how the written
#: document reads the value back; ``None``: it must read back at all, as a document).
SETTERS: list[tuple[str, str, Callable[[Any, str], object], Callable[[Any], Any] | None]] = [
    ("authkeys", "a key line's key", lambda d, v: d.set_key(2, "sha1", v), None),
    ("authkeys", "a line's keyword", lambda d, v: d.set(v, "sha1"), None),
    ("authkeys", "auth", lambda d, v: d.set("auth", v), _entry_value("auth")),
    ("corosync", "a totem value", lambda d, v: d.totem.set("token", v), None),
    ("corosync", "a totem key", lambda d, v: d.totem.set(v, "1"), None),
    (
        "drbd",
        "an option",
        lambda d, v: d.resources["r0"].set_option("net", "after-sb-0pri", v),
        lambda d: d.resources["r0"].section("net").get("after-sb-0pri"),
    ),
    ("drbd", "a resource statement", lambda d, v: d.resources["r0"].set("x", v), None),
    ("drbd", "a statement's keyword", lambda d, v: d.resources["r0"].set(v, "x"), None),
    (
        "drbd",
        "a host's disk",
        lambda d, v: setattr(d.resources["r0"].hosts["alpha"], "disk", v),
        lambda d: d.resources["r0"].hosts["alpha"].disk,
    ),
    ("drbd", "a new resource's name", lambda d, v: d.add_resource(v), None),
    ("drbd", "a new host's name", lambda d, v: d.resources["r0"].add_host(v), None),
    ("drbd", "a section as a dict", lambda d, v: _drbd_net(d, "x", v), None),
    ("drbd", "a key of a section dict", lambda d, v: _drbd_net(d, v, "x"), None),
    ("evms", "a value", lambda d, v: d.set("engine/x", v), lambda d: d.get("engine/x")),
    ("evms", "a key", lambda d, v: d.set(f"engine/{v}", "x"), None),
    ("evms", "a section", lambda d, v: d.set(f"{v}/x", "x"), None),
    ("hacf", "a value", lambda d, v: d.set("logfile", v), _entry_value("logfile")),
    ("hacf", "a keyword", lambda d, v: d.set(v, "x"), None),
    ("hacf", "a typed setting", lambda d, v: setattr(d, "logfile", v), _entry_value("logfile")),
    ("hacf", "a node", lambda d, v: d.add_node(v), None),
    ("haresources", "a node line", lambda d, v: d.set(v, "x"), None),
    ("haresources", "a resource", lambda d, v: d.set("alpha", v), _entry_value("alpha")),
    ("hostname", "the name", lambda d, v: setattr(d, "name", v), lambda d: d.name),
    ("hosts", "a name", lambda d, v: d.add_host("10.0.0.2", v), None),
    ("iet-allow", "a target", lambda d, v: d.add_rule(v, "ALL"), None),
    ("ietd", "a parameter", lambda d, v: d.targets[0].set_param("MaxConnections", v), None),
    ("ietd", "a target name", lambda d, v: d.add_target(v), None),
    ("ietd", "a CHAP user", lambda d, v: d.targets[0].add_user(v, "secret"), None),
    ("ietd", "a LUN path", lambda d, v: d.targets[0].add_lun(v), None),
    ("ietd", "a global line", lambda d, v: d.set("x", v), _entry_value("x")),
    ("initiatorname", "the name", lambda d, v: d.set("InitiatorName", v), None),
    ("initiatorname", "a key", lambda d, v: d.set(v, "x"), None),
    ("iscsid", "a value", lambda d, v: d.set("node.startup", v), _entry_value("node.startup")),
    ("iscsid", "a key", lambda d, v: d.set(v, "x"), None),
    ("logd", "a value", lambda d, v: d.set("logfile", v), _entry_value("logfile")),
    ("logd", "a keyword", lambda d, v: d.set(v, "x"), None),
    ("lvm", "a value", lambda d, v: d.set("devices/x", v), lambda d: d.get("devices/x")),
    ("lvm", "a key", lambda d, v: d.set(f"devices/{v}", "x"), None),
    ("modules", "a module option", lambda d, v: d.set_option("drbd", "minor_count", v), None),
    ("modules", "a line", lambda d, v: d.set("alias", v), _entry_value("alias")),
    ("modules", "a module", lambda d, v: d.set(v, "x"), None),
    (
        "multipath",
        "a default",
        lambda d, v: _mp_defaults(d, "x", v),
        lambda d: d.defaults.get("x"),
    ),
    ("multipath", "a default's keyword", lambda d, v: _mp_defaults(d, v, "x"), None),
    (
        "multipath",
        "an alias",
        lambda d, v: d.add_multipath("3600a0b80001", alias=v),
        lambda d: d.multipaths[-1].alias,
    ),
    (
        "multipath",
        "a multipath's setting",
        lambda d, v: d.add_multipath("3600a0b80001", no_path_retry=v),
        lambda d: d.multipaths[-1].settings["no_path_retry"],
    ),
    ("multipath", "a blacklist regex", lambda d, v: d.add_blacklist("devnode", v), None),
    ("multipath-bindings", "an alias", lambda d, v: d.add_binding(v, "3600a0b80002"), None),
    ("multipath-bindings", "a line", lambda d, v: d.set("x", v), _entry_value("x")),
    ("ocfs2", "a node attribute", lambda d, v: _ocfs2_node(d).set("x", v), None),
    ("ocfs2", "an attribute name", lambda d, v: _ocfs2_node(d).set(v, "x"), None),
    ("shellvars", "a value", lambda d, v: d.set("B", v), lambda d: d.get("B")),
    ("shellvars", "a name", lambda d, v: d.set(v, "x"), None),
    ("xend", "a value", lambda d, v: d.set("x", v), lambda d: d.get("x")),
    ("xend", "a name", lambda d, v: d.set(v, "x"), None),
    ("xl", "a value", lambda d, v: d.set("x", v), lambda d: d.get("x")),
    ("xl", "a name", lambda d, v: d.set(v, "x"), None),
    ("xm", "a value", lambda d, v: d.set("x", v), lambda d: d.get("x")),
    ("xm", "a name", lambda d, v: d.set(v, "x"), None),
]

TEXTS6 = {**TEXTS, "xend": "(xend-http-server no)\n"}


def test_every_writable_format_has_its_edits_in_the_table() -> None:
    """Each format a caller edits (test_api5's formats with refusals, and xend), but the
    CIB and cman (XML: lxml refuses what XML cannot hold when it is set)."""
    from test_api5 import REFUSALS

    writable = {f for f, _, _ in REFUSALS} - {"cib", "cman"}
    assert {f for f, _, _, _ in SETTERS} == writable


@pytest.mark.parametrize(
    ("fmt", "edit", "read"),
    [(f, e, r) for f, _, e, r in SETTERS],
    ids=[f"{f}: {w}" for f, w, _, _ in SETTERS],
)
def test_an_edit_is_refused_when_made_or_reads_back_as_given(
    fmt: str, edit: Callable[[Any, str], object], read: Callable[[Any], Any] | None
) -> None:
    """For every hostile value: either the edit raises ValidationError and the document
    is written as it was, or the written text reads back (and the value with it).
    Before issue 22, a newline in a ha.cf value was refused only at dumps(), a key
    ``a b`` in xl, a section name ``a{b`` in lvm.conf or a ``#`` in a host name were
    written and read back otherwise (or not at all)."""
    text = TEXTS6[fmt]
    for value in HOSTILE:
        doc = xencfg.loads(text, fmt)
        try:
            edit(doc, value)
        except ValidationError as exc:
            assert exc.message and str(exc) == exc.message  # what and why, no place
            assert xencfg.dumps(doc) == text, (value, "a refused edit changed the document")
            continue
        written = xencfg.dumps(doc)  # no refusal here: it would have come at the edit
        again = xencfg.loads(written, fmt)
        if read is not None:
            assert read(again) == value, (value, written)


def test_a_refusal_says_what_and_why() -> None:
    hacf = xencfg.loads("node alpha\n", "hacf")
    with pytest.raises(ValidationError, match=r"'a b' cannot be written as one word"):
        hacf.set("logfile", "a b")
    modules = xencfg.loads("drbd\n", "modules")
    with pytest.raises(ValidationError, match="joins the next line"):
        modules.set("alias", "x\\")
    xl = xencfg.loads('name = "a"\n', "xl")
    with pytest.raises(ValidationError, match="cannot be written as a setting name"):
        xl.set("a b", "x")
    xm = xencfg.loads('name = "a"\n', "xm")
    with pytest.raises(ValidationError, match="Python keyword"):
        xm.set("print", 1)
    auth = xencfg.loads("auth 1\n1 sha1 secret\n", "authkeys")
    with pytest.raises(ValidationError, match="method-id number"):
        auth.set("auth", "one")


# -- xend: what an S-expression holds ---------------------------------------------------


@pytest.mark.parametrize(
    "value", [None, {"a": 1}, {1}, b"bytes", object(), float("nan"), ["a", None], (1, {})]
)
def test_xend_refuses_what_an_s_expression_cannot_hold(value: object) -> None:
    """sxp.py reads words, strings and lists: a dict, a set, None or an object would be
    written as its str() (``{'a': 1}``, ``None``), a word xend never meant."""
    doc = xencfg.loads("(xend-http-server no)\n", "xend")
    with pytest.raises(ValidationError, match=r"xend|number"):
        doc.set("x", value)
    assert xencfg.dumps(doc) == "(xend-http-server no)\n"


@pytest.mark.parametrize(
    ("values", "read"),
    [
        (("yes",), "yes"),
        ((8002,), "8002"),
        ((True,), "yes"),
        ((False,), "no"),
        ((1.5,), "1.5"),
        (("a b'c\"d\n",), "a b'c\"d\n"),
        ((["a", ["b", 3]],), [["a", ["b", "3"]]]),
        (("a", "b"), ["a", "b"]),
    ],
)
def test_xend_writes_text_numbers_bools_and_lists(values: tuple[Any, ...], read: Any) -> None:
    doc = xencfg.loads("(xend-http-server no)\n", "xend")
    doc.set("x", *values)
    assert xencfg.loads(xencfg.dumps(doc), "xend").get("x") == read


# -- the error classes pickle with every field ------------------------------------------


def _errors() -> list[XencfgError]:
    """One of each error class a caller catches, with every field set."""
    from xencfg.cli import UsageError
    from xencfg.config import SettingsError
    from xencfg.syntax.source import OutsideRoot

    placed = ValidationError("id 'x' is already used", path="cib.xml", line=7, column=3)
    parse = ParseError(
        "expected ';'",
        path="/etc/drbd.conf",
        line=2,
        column=5,
        text="resource r0 {\n  protocol C\n}\n",
        expected="';' after the value",
    )
    parse.severity = "warning"
    return [
        XencfgError("plain"),
        placed,
        ValidationError("a value is one line"),
        parse,
        ReadError("cannot read: No such file or directory", path="/etc/ha.d/ha.cf"),
        WriteError("changed on disk", path="/etc/drbd.conf"),
        UnknownFormatError("cannot tell the format", path="/etc/x.conf"),
        UsageError("no such option"),
        SettingsError("unknown key"),
        OutsideRoot("leaves the node's root"),
    ]


#: The fields each class carries beyond its text.
FIELDS = ("message", "path", "line", "column", "snippet", "expected", "severity", "reason")


def _fields(exc: BaseException) -> dict[str, Any]:
    return {f: getattr(exc, f) for f in FIELDS if hasattr(exc, f)} | {"str": str(exc)}


@pytest.mark.parametrize("exc", _errors(), ids=lambda e: type(e).__name__)
def test_an_error_pickles_with_every_field(exc: XencfgError) -> None:
    """Every field comes back, under every protocol. Before issue 22 ParseError lost its
    severity (a warning came back an error), and ValidationError kept its place only
    through Exception's default ``__dict__`` copy over a rebuild from its text."""
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(exc, protocol=protocol))
        assert type(back) is type(exc)
        assert _fields(back) == _fields(exc)


def test_the_cib_conversion_refusal_pickles_with_its_errors_and_result() -> None:
    """InvalidOutput takes three arguments; Exception's default pickling rebuilt it from
    its message alone (TypeError on unpickling: a worker's refusal broke the pool)."""
    from xencfg.formats.cib.convert.records import Change, Conversion, InvalidOutput

    change = Change("renamed", "primitive", "r", 3, "type", "heartbeat 2 name")
    conversion = Conversion("<cib/>", [change], fragment=True)
    exc = InvalidOutput("not valid pacemaker-1.0", ["line 1: no configuration"], conversion)
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        back = pickle.loads(pickle.dumps(exc, protocol=protocol))
        assert type(back) is InvalidOutput and str(back) == str(exc)
        assert back.errors == exc.errors and back.conversion == conversion


def _refuse(value: str) -> None:
    """A worker's edit that is refused (run in another process)."""
    if "\n" in value:
        raise ValidationError(f"{value!r} is two lines", path="ha.cf", line=4, column=9)
    xencfg.loads("resource r0 {\n", "drbd")  # a ParseError at its place


def test_an_error_raised_in_a_worker_process_keeps_its_place() -> None:
    """multiprocessing pickles a worker's exception for the parent: the parent sees
    where the error was (path, line, column), not only its text."""
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        with pytest.raises(ValidationError) as refused:
            pool.apply(_refuse, ("a\nb",))
        with pytest.raises(ParseError) as broken:
            pool.apply(_refuse, ("a",))
    assert (refused.value.path, refused.value.line, refused.value.column) == ("ha.cf", 4, 9)
    assert broken.value.line == 1 and broken.value.path is None and broken.value.snippet
    assert "never closed" in broken.value.message


# -- lint_tree and lint_text at the top level -------------------------------------------


def test_lint_tree_and_lint_text_are_exported_at_the_top_level() -> None:
    """``xencfg.lint_tree`` / ``xencfg.lint_text`` are the functions of
    :mod:`xencfg.lint.memory` (so ``xencfg.lint``'s own names stay the same objects),
    public, documented and typed for a caller's mypy (the TYPE_CHECKING imports)."""
    from xencfg import lint as lint_pkg
    from xencfg import lint_text, lint_tree

    assert lint_tree is lint_pkg.lint_tree and lint_text is lint_pkg.lint_text
    assert {"lint_tree", "lint_text"} <= set(xencfg.__all__) <= set(dir(xencfg))
    for fn in (lint_tree, lint_text):
        assert fn.__doc__ and "Lint" in fn.__doc__
    res = xencfg.lint_tree({"alpha": {"etc/drbd.conf": "resource r0 {\n"}})
    assert [(f.code, f.path) for f in res.findings if f.code == "XC001"] == [
        ("XC001", "alpha/etc/drbd.conf")
    ]
    one = xencfg.lint_text("resource r0 {\n", "drbd", path="drbd.conf")
    assert [f.code for f in one.findings] == ["XC001"]
