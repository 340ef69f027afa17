"""The Python API meeting a tool author's mistakes: every public call given the wrong
kind of argument (``None``, an int for a name, a list for a key, a string of XML for an
element) raises a ``TypeError`` that names the call and the argument, and an edit of
something the file does not have is a ``ValidationError``; never an ``AttributeError``,
``KeyError`` or ``IndexError`` from inside a parser (docs/api.md, "Refused edits").
Each case loads a real fixture, as a tool does; each raised ``AttributeError`` (or a
``TypeError`` naming our internals: ``unhashable type``, ``'<=' not supported``) before."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

import xencfg
from conftest import ROOT
from xencfg.lint import run

FIX = ROOT / "tests" / "fixtures"

#: (format, fixture file, the mistaken call, the words the TypeError must say)
WRONG_KIND: list[tuple[str, str, Callable[[Any], object], str]] = [
    ("cib", "pcmk10.xml", lambda d: d.option(None), r"option\(name\) is a str"),
    ("cib", "pcmk10.xml", lambda d: d.set_option("stonith-enabled", 0), r"set_option\(value\)"),
    ("cib", "pcmk10.xml", lambda d: d.set_option(1, "x"), r"set_option\(name\)"),
    (
        "cib",
        "pcmk10.xml",
        lambda d: d.add_resource("<primitive/>"),
        r"add_resource\(el\) is an element",
    ),
    ("cib", "pcmk10.xml", lambda d: d.add_constraint(None), r"add_constraint\(el\)"),
    ("cib", "pcmk10.xml", lambda d: d.remove("vm1"), r"remove\(\) takes a view"),
    (
        "cman",
        "two-node.conf",
        lambda d: d.set_attribute(None, "x", "y"),
        r"set_attribute\(element\)",
    ),
    (
        "cman",
        "two-node.conf",
        lambda d: d.set_attribute(d.nodes[0], "votes", 2),
        r"set_attribute\(value\)",
    ),
    ("corosync", "knet-two-node.conf", lambda d: d.add_node("c", None), r"add_node\(nodeid\)"),
    ("corosync", "knet-two-node.conf", lambda d: d.add_node(3, 3), r"add_node\(name\)"),
    ("drbd", "old-style.conf", lambda d: d.add_resource(["r9"]), r"add_resource\(name\)"),
    ("evms", "ha-node.conf", lambda d: d.get(None), r"get\(path\)"),
    ("lvm", "clustered.conf", lambda d: d.set(None, 1), r"set\(path\)"),
    ("lvm", "clustered.conf", lambda d: d.setting(3), r"setting\(path\)"),
    ("lvm", "clustered.conf", lambda d: d.accepts(None), r"accepts\(device\)"),
    ("lvm", "clustered.conf", lambda d: d.set_filter("a|.*|"), r"\(action, regex\) pairs"),
    ("lvm", "clustered.conf", lambda d: d.set_global_filter(None), r"\(action, regex\) pairs"),
    ("hosts", "cluster", lambda d: d.add_host("10.0.0.9", None), r"add_host"),
    ("hosts", "cluster", lambda d: d.resolve(None), r"resolve\(name\)"),
    ("hosts", "cluster", lambda d: d.addresses(1), r"addresses\(name\)"),
    ("ietd", "storage.conf", lambda d: d.target(None), r"target\(name\)"),
    ("ietd", "storage.conf", lambda d: d.add_target(None), r"add_target\(name\)"),
    ("iet-allow", "initiators.allow", lambda d: d.rule(None), r"rule\(target\)"),
    ("iscsid", "cluster-node.conf", lambda d: d.get(["node.startup"]), r"get\(key\)"),
    ("iscsid", "cluster-node.conf", lambda d: d.value(None), r"value\(key\)"),
    (
        "lio-saveconfig",
        "nas1-one-target.json",
        lambda d: d.storage_object(1),
        r"storage_object\(path\)",
    ),
    ("modules", "modprobe.conf", lambda d: d.options_for(None), r"options_for\(module\)"),
    (
        "multipath",
        "two-nodes.conf",
        lambda d: d.add_blacklist(["devnode"], "^sda"),
        r"add_blacklist\(kind\)",
    ),
    ("ocfs2", "crlf.conf", lambda d: d.add_node(None, 9, "10.0.0.9"), r"add_node\(name\)"),
    ("xend", "relocation.sxp", lambda d: d.effective(["xend-port"]), r"effective\(name\)"),
    ("xl", "guest.cfg", lambda d: d.get(["memory"]), r"get\(key\)"),
    ("xl", "guest.cfg", lambda d: d.append(["disk"], "x"), r"append\(key\)"),
    ("xl", "guest.cfg", lambda d: d.set_vif("0", mac="00:16:3e:00:00:01"), r"set_vif\(index\)"),
    ("xm", "guest.xm", lambda d: d.set_vif(None, bridge="br0"), r"set_vif\(index\)"),
]


#: The CIB's builders: lxml's "Argument must be bytes or unicode, got 'int'" before.
WRONG_KIND += [
    ("cib", "pcmk10.xml", lambda d: d.add_location("web", "node1", 100), r"add_location\(score\)"),
    ("cib", "pcmk10.xml", lambda d: d.add_location("web", None, "100"), r"add_location\(node\)"),
    (
        "cib",
        "pcmk10.xml",
        lambda d: d.add_colocation("web", "ms-drbd", score=100),
        r"add_colocation\(score\)",
    ),
    ("cib", "pcmk10.xml", lambda d: d.add_order("ms-drbd", "web", score=0), r"add_order\(score\)"),
    (
        "cib",
        "pcmk10.xml",
        lambda d: d.make_primitive(
            "ip9", "ocf", "IPaddr2", "heartbeat", params={"cidr_netmask": 24}
        ),
        r"instance_attributes\['cidr_netmask'\]",
    ),
    (
        "cib",
        "pcmk10.xml",
        lambda d: d.make_primitive("ip9", "ocf", "IPaddr2", meta={"is-managed": False}),
        r"meta_attributes\['is-managed'\]",
    ),
    (
        "cib",
        "pcmk10.xml",
        lambda d: d.make_primitive("ip9", "ocf", None),
        r"make_primitive\(rtype\)",
    ),
    (
        "cib",
        "pcmk10.xml",
        lambda d: d.make_primitive(
            "ip9", "ocf", "IPaddr2", ops=[{"name": "monitor", "interval": 10}]
        ),
        r"make_primitive\(ops\)",
    ),
    ("cib", "pcmk10.xml", lambda d: d.make_group("g9", "web"), r"make_group\(children\) item"),
    ("cib", "pcmk10.xml", lambda d: d.make_clone("c9", "web"), r"make_clone\(child\)"),
]


def load(fmt: str, name: str) -> Any:
    return xencfg.load(FIX / fmt / "valid" / name, fmt)


@pytest.mark.parametrize(("fmt", "name", "call", "says"), WRONG_KIND)
def test_wrong_kind_of_argument_is_a_typeerror_naming_the_call(
    fmt: str, name: str, call: Callable[[Any], object], says: str
) -> None:
    doc = load(fmt, name)
    before = doc.dumps()
    with pytest.raises(TypeError, match=says):
        call(doc)
    assert doc.dumps() == before  # a refused call edits nothing


@pytest.mark.parametrize(("fmt", "name"), [("xl", "guest.cfg"), ("xm", "guest.xm")])
def test_set_vif_of_a_vif_the_file_lacks_is_refused(fmt: str, name: str) -> None:
    """``set_vif(5)`` on a guest with one vif indexed past the list (IndexError before)."""
    doc = load(fmt, name)
    before = doc.dumps()
    with pytest.raises(xencfg.ValidationError, match="there is no vif 5"):
        doc.set_vif(5, bridge="br1")
    assert doc.dumps() == before


def test_correct_calls_still_work() -> None:
    """The checks refuse only the wrong kinds: the everyday calls give what they gave."""
    xl = load("xl", "guest.cfg")
    xl.set_vif(0, bridge="br1")
    assert "bridge=br1" in xl.dumps()
    lvm = load("lvm", "clustered.conf")
    lvm.set_filter([("a", "^/dev/sd"), ("r", ".*")])
    assert lvm.get("devices/filter") == ["a|^/dev/sd|", "r|.*|"]
    cib = load("cib", "pcmk10.xml")
    cib.set_option("stonith-enabled", "false")
    assert cib.option("stonith_enabled") == "false"


# -- the top-level calls ------------------------------------------------------------

DRBD = FIX / "drbd" / "valid" / "old-style.conf"


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (lambda: xencfg.dump(str(DRBD)), r"dump\(\) takes a document first"),  # AttributeError
        (
            lambda: xencfg.detect("drbd.conf", b"resource r0 {}"),
            r"detect\(\) takes the text as str",
        ),
        (lambda: xencfg.api.new_file_mode(None), r"new_file_mode\(\) takes a document"),
        (lambda: run(None), r"run\(\) takes a list of paths, not NoneType"),
        (lambda: run([str(DRBD)], select="DR001"), r"select is a list of codes"),
        (lambda: run([str(DRBD)], ignore="DR001"), r"ignore is a list of codes"),
        (lambda: run([str(DRBD)], roles=["san1=storage"]), r"roles is \{node"),
    ],
)
def test_top_level_calls_name_the_wrong_kind(call: Callable[[], object], says: str) -> None:
    """Before: ``'str' object has no attribute 'path'``, ``a bytes-like object is
    required``, ``no rule has the code 'D', 'R', ...`` (the code's letters), and a
    ``ValueError`` from ``dict()`` for a list of roles."""
    with pytest.raises(TypeError, match=says):
        call()


def test_roles_given_in_python_are_checked_as_the_command_line_checks_them() -> None:
    """``roles={"san1": "storage"}`` was kept as the string (its letters iterated as
    roles), and an unknown role was accepted in silence, while ``--role`` and the
    settings file refuse it (cluster_model.parse_roles)."""
    res = run([str(DRBD)], roles={"san1": "storage"})
    assert res.cluster.roles == {"san1": ("storage",)}
    res = run([str(DRBD)], roles={"san1": ("storage", "initiator")})
    assert res.cluster.roles == {"san1": ("storage", "initiator")}
    with pytest.raises(xencfg.XencfgError, match="unknown role 'sotrage'"):
        run([str(DRBD)], roles={"san1": ("sotrage",)})


def test_a_path_as_bytes_or_path_is_kept_as_str() -> None:
    """``load(b"...")`` kept ``doc.path`` as bytes and ``loads(..., path=Path)`` as a
    Path, where ``dump`` and the rules read a str."""
    assert xencfg.load(bytes(DRBD), "drbd").path == str(DRBD)
    assert xencfg.loads(DRBD.read_text(), "drbd", path=DRBD).path == str(DRBD)  # type: ignore[arg-type]  # the mistake under test


def test_an_edit_the_file_cannot_read_back_is_refused_by_the_edit() -> None:
    """An iscsid.conf key with no value was written as a line without ``=`` (which our
    grammar does not read back), and ha.cf's ``add_ucast`` with a blank in a word was
    accepted and refused only later, by ``dumps`` (docs/api.md "Refused edits": the
    edit itself refuses)."""
    iscsid = load("iscsid", "cluster-node.conf")
    before = iscsid.dumps()
    with pytest.raises(xencfg.ValidationError, match="needs a value"):
        iscsid.set("node.startup")
    with pytest.raises(xencfg.ValidationError, match="needs a value"):
        iscsid.add("node.session.timeo.replacement_timeout")
    assert iscsid.dumps() == before
    initiator = load("initiatorname", "alpha.iscsi")
    with pytest.raises(xencfg.ValidationError, match="needs a value"):
        initiator.set("InitiatorName")
    hacf = load("hacf", "two-node-full.cf")
    before = hacf.dumps()
    with pytest.raises(xencfg.ValidationError, match="one word"):
        hacf.add_ucast("eth0", "10.0.0.2 10.0.0.3")
    assert hacf.dumps() == before


@pytest.mark.parametrize("fmt", sorted(p.parent.name for p in FIX.glob("*/valid")))
def test_every_public_method_has_a_docstring(fmt: str) -> None:
    """``help()`` of a document class shows what each public method does: 17 had none
    (``CmanDocument.node``, ``ShellvarsDocument.get``, ``IetAllowDocument.add_rule``,
    ...), and every format's own ``to_dict`` lost the base class's docstring when
    wrapped to mask secrets."""
    first = sorted(p for p in (FIX / fmt / "valid").rglob("*") if p.is_file())[0]
    cls = type(load(fmt, first.relative_to(FIX / fmt / "valid").as_posix()))
    bare = [
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_")
        and callable(member)
        and not isinstance(member, type)
        and not inspect.getdoc(member)
    ]
    assert bare == []


def test_insert_after_a_line_of_another_document_is_refused() -> None:
    """An anchor from another document (or none of its lines) raised StopIteration."""
    hacf = load("hacf", "two-node-full.cf")
    other = load("hacf", "two-node-full.cf")
    before = hacf.dumps()
    with pytest.raises(xencfg.ValidationError, match="not a line of this document"):
        hacf.insert_after(other.entries()[0], other.entries()[0])
    assert hacf.dumps() == before
