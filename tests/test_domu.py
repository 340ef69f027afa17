"""Xen domU configs, xm (Python, never executed) and xl style: round trips,
typed model, edits, errors, the literal_eval check of issue 4, properties."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import os
import tokenize
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xencfg
from conftest import FIXTURES, ids, shared_files, shared_path
from roundtrip import canonical, check_byte_exact, check_canonical, check_one_edit, mutate, read
from xencfg.formats.xen import _base, domu, xl, xm
from xencfg.formats.xen import _py2 as py2
from xencfg.formats.xen.domu import COMPUTED, Assignment, Code
from xencfg.syntax.tree import significant

XM_OWN = sorted((FIXTURES / "xm" / "valid").iterdir())
XL_OWN = sorted((FIXTURES / "xl" / "valid").iterdir())
XM_CORPUS = shared_files("corpus", "domu-xm")
XL_CORPUS = shared_files("corpus", "domu-xl")
_SEED_NAMES = ("host1.dom", "host2.dom", "linva06", "nfs.xm", "test", "shaolin")
XM_SEEDS = [
    p for p in shared_files("seed-examples") if p.name in _SEED_NAMES and "/etc/xen/" in str(p)
]
#: An XML CIB primitive that happens to be named .xm (seed notes): not Python.
XML_NAMED_XM = "seed-examples/s002-sles-hasi/cib/xenvmnfs.xm"

XM_FILES = XM_OWN + XM_CORPUS + XM_SEEDS
XL_FILES = XL_OWN + XL_CORPUS


def _shared(path: Path) -> None:
    if path not in XM_OWN and path not in XL_OWN:
        shared_path()


# -- token comparison that ignores spelling the model normalises ------------------


def _expand_lists(toks: Any, fmt: str) -> Any:
    """Tokens with each LIST token (a whole list literal) read back into its own."""
    for t in toks:
        if t.kind != domu.LIST:
            yield t
        elif fmt == "xm":
            yield from xm._tokens(t.text, t.pos)
        else:
            inner: list[Any] = []
            assert _base.read_value(xl.LITERAL, t.text, 0, inner, build=False) is not None
            yield from inner


def _xm_literal(text: str) -> Any:
    """A STRING or NUMBER token of an xm file: Python 3's reading, or Python 2's where
    Python 3 refuses it (``0400``, ``10L``, ``ur''``: xm ran Python 2)."""
    try:
        return ast.literal_eval(text)
    except SyntaxError:
        return py2.number(text) if text[0] in "0123456789." else py2.string(text)


def _norm_tokens(doc: xencfg.Document) -> list[Any]:
    """Significant tokens with literals decoded, adjacent strings joined, and
    pure punctuation of layout (trailing commas, ``;``, tuple parens) dropped."""
    out: list[Any] = []
    prev_str = False
    for node in doc.child_nodes():
        for t in _expand_lists(node.tokens(), doc.format):
            if t.is_trivia or t.kind in ("SEMI",) or t.text in ("(", ")", ";"):
                continue
            if t.kind == "STRING":
                v = _xm_literal(t.text) if doc.format == "xm" else xl.unquote(t.text)
                if prev_str:
                    out[-1] += v
                else:
                    out.append(v)
                prev_str = True
                continue
            prev_str = False
            if t.kind == "NUMBER":
                out.append(_xm_literal(t.text) if doc.format == "xm" else xl.number(t.text))
            elif t.text in ("]", "}") and out and out[-1] == ",":
                out[-1] = t.text
            else:
                out.append(t.text)
        out.append("<EOS>")
        prev_str = False
    return [x for x in out if x != ","]


def _round_trip(path: Path, fmt: str) -> xencfg.Document:
    doc = check_byte_exact(path, fmt)
    json.dumps(doc.to_dict())  # what `xencfg parse` prints
    check_canonical(doc, fmt)
    again = xencfg.loads(canonical(doc), fmt)
    assert _norm_tokens(again) == _norm_tokens(doc)
    return doc


def _one_line_scalar(doc: Any) -> Assignment | None:
    for a in doc.assignments():
        if (
            isinstance(a.value, (str, int))
            and not isinstance(a.value, bool)
            and len(a.rhs) == 1
            and "\n" not in a.rhs[0].text
        ):
            return a
    return None


def _edit_one(doc: Any) -> None:
    a = _one_line_scalar(doc)
    if a is None:
        return
    new: Any = a.value + 1 if isinstance(a.value, int) else a.value + "-changed"
    check_one_edit(doc, a, lambda: setattr(a, "value", new))
    again = xencfg.loads(xencfg.dumps(doc), doc.format)
    assert again.assignments(a.key)[0].value == new


@pytest.mark.parametrize("path", XM_FILES, ids=ids(XM_FILES))
def test_xm_round_trip(path: Path) -> None:
    _shared(path)
    doc = _round_trip(path, "xm")
    _edit_one(doc)


@pytest.mark.parametrize("path", XL_FILES, ids=ids(XL_FILES))
def test_xl_round_trip(path: Path) -> None:
    _shared(path)
    doc = _round_trip(path, "xl")
    _edit_one(doc)


@pytest.mark.parametrize(
    "path",
    [p for p in XM_CORPUS if p.suffix == ".cfg"],
    ids=ids([p for p in XM_CORPUS if p.suffix == ".cfg"]),
)
def test_plain_cfg_files_read_the_same_in_both_styles(path: Path) -> None:
    """libvirt's xm test files use the common subset: xl reads the same values."""
    shared_path()
    a, b = xencfg.load(path, "xm"), xencfg.load(path, "xl")
    assert a.settings == b.settings  # type: ignore[attr-defined]


def test_shared_corpus_present() -> None:
    shared_path("corpus", "domu-xm")
    assert len(XM_CORPUS) >= 15 and len(XL_CORPUS) >= 8 and len(XM_SEEDS) >= 8


# -- issue 4: values equal what Python computes for the same literals ---------------


@pytest.mark.parametrize("path", XM_FILES, ids=ids(XM_FILES))
def test_xm_values_equal_literal_eval(path: Path) -> None:
    _shared(path)
    text = read(path)
    doc = xencfg.loads(text, "xm")
    try:
        tree = ast.parse(text)  # parses only
    except SyntaxError:
        assert doc.code  # Python 2 statements: kept as code
        pytest.skip("Python 2 syntax: literal_eval cannot read the file as a whole")
    assert len(tree.body) == len(doc.children)
    checked = 0
    for stmt, node in zip(tree.body, doc.children, strict=False):
        if not (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
        ):
            assert isinstance(node, Code)
            continue
        name = stmt.targets[0].id
        segment = ast.get_source_segment(text, stmt.value)
        assert segment is not None
        try:
            expected = ast.literal_eval("(\n" + segment + "\n)")
        except ValueError:
            assert isinstance(node, Code) and name in doc.computed
            continue
        assert isinstance(node, Assignment) and node.key == name
        assert node.value == expected and type(node.value) is type(expected), name
        assert repr(node.value) == repr(expected)
        checked += 1
    assert checked or doc.code


def test_seed_values() -> None:
    base = shared_path("seed-examples")
    shaolin = xencfg.load(base / "s004-drbd-lvm/mk1/etc/xen/configs/shaolin", "xm")
    assert (shaolin.name, shaolin.memory, shaolin.maxmem) == ("shaolin", 512, 4096)
    assert shaolin.vifs[0].mac == "a0:00:00:01:00:01" and shaolin.vifs[0].bridge == "xenbr0"
    assert shaolin.disks[0] == domu.parse_disk("drbd:vm_shaolin,hda1,w")
    assert (shaolin.disks[0].kind, shaolin.disks[0].target) == ("drbd", "vm_shaolin")
    linva = xencfg.load(base / "s000-iscsi-multipath/node1/etc/xen/linva06", "xm")
    assert [(d.kind, d.target, d.vdev, d.mode, d.shared) for d in linva.disks] == [
        ("phy", "vgxen01/lv_linva06_hda", "hda", "w", False),
        ("phy", "vgxen01/lv_linva04_06_hdb", "hdb", "w!", True),
    ]
    test = xencfg.load(base / "s003-aoe/etc/xen/test", "xm")
    assert (test.nfs_root, test.nfs_server, test.root) == (
        "/xen/domains/test",
        "192.168.3.10",
        "/dev/nfs",
    )
    assert test.extra.startswith("ip=192.168.3.150:")
    nfs = xencfg.load(base / "s002-sles-hasi/host1/etc/xen/vm/nfs.xm", "xm")
    assert nfs.vifs[0].bridge is None and nfs.vifs[0].mac == "00:16:3e:32:8b:12"
    assert nfs.vfbs == [{"type": "vnc", "vncunused": "1"}]
    assert nfs.bootloader == "/usr/lib/xen/boot/domUloader.py" and nfs.vcpus == 1
    host1 = xencfg.load(base / "s001-drbd-heartbeat/xen1/etc/xen/host1.dom", "xm")
    assert [d.target for d in host1.disks] == ["host1_root", "host1_swap"]


def test_xml_named_xm_is_refused_and_not_detected() -> None:
    path = shared_path(*XML_NAMED_XM.split("/"))
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, "xm")
    assert info.value.line == 1 and info.value.path == str(path)
    assert xencfg.detect(path) != "xm"


def test_detection() -> None:
    base = shared_path("seed-examples")
    assert xencfg.detect(base / "s004-drbd-lvm/mk1/etc/xen/configs/shaolin") == "xm"
    assert xencfg.detect(base / "s001-drbd-heartbeat/xen1/etc/xen/host1.dom") == "xm"
    assert xencfg.detect(base / "s002-sles-hasi/host1/etc/xen/vm/nfs.xm") == "xm"
    assert xencfg.detect(FIXTURES / "xl" / "valid" / "guest.cfg") == "xl"
    assert xencfg.detect(FIXTURES / "xm" / "valid" / "computed.xm") == "xm"
    assert not xl.sniff(read(FIXTURES / "xm" / "valid" / "computed.xm"))
    assert not xm.sniff("(xend-relocation-server yes)\n")


# -- typed model -------------------------------------------------------------------


def test_xm_typed_model() -> None:
    doc = xencfg.load(FIXTURES / "xm" / "valid" / "guest.xm")
    assert doc.format == "xm" and doc.is_static and doc.computed == []
    assert (doc.name, doc.uuid, doc.memory, doc.maxmem, doc.vcpus) == (
        "web1",
        "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
        512,
        1024,
        2,
    )
    assert (doc.kernel, doc.ramdisk, doc.builder) == (
        "/boot/vmlinuz-2.6.18-xen",
        "/boot/initrd-2.6.18-xen",
        "linux",
    )
    assert (doc.root, doc.extra) == ("/dev/xvda1 ro", "console=hvc0 xencons=tty")
    assert (doc.on_poweroff, doc.on_reboot, doc.on_crash) == ("destroy", "restart", "restart")
    assert [(d.kind, d.target, d.vdev, d.mode) for d in doc.disks] == [
        ("phy", "/dev/drbd0", "xvda", "w"),
        ("drbd", "web1_data", "xvdb", "w"),
        ("tap:aio", "/var/lib/xen/images/web1-swap.img", "xvdc", "w"),
        ("file", "/srv/iso/install.iso", "hdc", "r"),
        ("iscsi", "iqn.2008-01.org.example:storage.web1", "xvdd", "w!"),
    ]
    assert doc.disks[3].cdrom and not doc.disks[3].writable and doc.disks[4].shared
    v0, v1 = doc.vifs
    assert (v0.mac, v0.bridge, v0.vifname) == ("00:16:3e:00:00:01", "xenbr0", "web1.0")
    assert (v1.ip, v1.script) == ("10.0.1.5", "vif-bridge")
    assert [p.bdf for p in doc.pcis] == ["0000:03:00.0", "04:01.1"]
    assert doc.pcis[1].options == {"msitranslate": "1"}
    assert doc.get("description") == "Web server, node 1.\nManaged by heartbeat."
    assert doc.get("weights") == {"net": 2, "disk": -1}
    assert doc.get("localtime") is None and doc.get("cpu_weight") == -256
    d = doc.to_dict()
    assert d["settings"]["vncpasswd"] == "********"
    assert doc.to_dict(show_secrets=True)["settings"]["vncpasswd"] == "hunter2"
    assert d["disks"][0]["target"] == "/dev/drbd0"
    # (description is xm's since RELEASE-4.0.0: create.py:538 gopts.var('description'))
    assert [(n.key, k) for n, k, _ in doc.keyword_problems()] == [("weights", "unknown")]


def test_xm_helper_variables_are_no_unknown_keywords() -> None:
    """xm runs the file as Python: a name a computed line reads is a helper, not a
    misspelt setting (xmexample.vti's arch_libdir); an unread one still is."""
    text = (
        'name = "vm1"\nmemroy = 128\narch_libdir = "lib"\n'
        'device_model = "/usr/" + arch_libdir + "/xen/bin/qemu-dm"  # libdir\n'
    )
    doc = xencfg.loads(text, "xm")
    problems = [(getattr(n, "key", "code"), k) for n, k, _ in doc.keyword_problems()]
    assert problems == [("memroy", "unknown"), ("code", "computed")]
    # a name only inside a string or a comment is not read
    doc = xencfg.loads(text.replace("+ arch_libdir +", '+ "arch_libdir" +'), "xm")
    assert ("arch_libdir", "unknown") in [
        (getattr(n, "key", "code"), k) for n, k, _ in doc.keyword_problems()
    ]


def test_xm_code_is_opaque_and_values_unknown() -> None:
    path = FIXTURES / "xm" / "valid" / "computed.xm"
    doc = xencfg.load(path)
    assert not doc.is_static
    assert doc.kernel == "/boot/vmlinuz-xen" and doc.get("vif") == [""]
    # assigned from expressions, or rebound later by code: unknown, never guessed
    assert doc.get("memory") is COMPUTED and doc.memory is None
    assert doc.get("vmid") is COMPUTED  # 'vmid = 1' is rebound by 'vmid = int(vmid)'
    assert doc.name is None and doc.get("name") is COMPUTED
    assert set(doc.computed) >= {
        "os",
        "re",
        "arch",
        "arch_libdir",
        "vmid_check",
        "name",
        "memory",
        "disk",
        "vmid",
    }
    kinds = [k for _, k, _ in doc.keyword_problems()]
    assert kinds.count("computed") == len(doc.code) == 8
    code_texts = [c.text for c in doc.code]
    assert code_texts[2].startswith("if re.search") and code_texts[2].endswith("'lib'")
    assert doc.to_dict()["settings"]["memory"] == {"computed": True}


def test_xm_corpus_code_files() -> None:
    path = shared_path("corpus", "domu-xm", "xen__tools_examples_xmexample")
    doc = xencfg.load(path, "xm")
    assert not doc.is_static and "vmid_check" in doc.computed and "name" in doc.computed
    assert doc.memory == 64


def test_xl_typed_model() -> None:
    doc = xencfg.load(FIXTURES / "xl" / "valid" / "guest.cfg")
    assert doc.format == "xl" and doc.is_domu and doc.is_static
    assert (doc.name, doc.type, doc.memory, doc.maxmem, doc.vcpus) == ("db1", "pvh", 2048, 4096, 4)
    assert doc.on_crash == "coredump-restart"
    disks = doc.disks
    assert [(d.target, d.vdev, d.mode, d.format) for d in disks[:2]] == [
        ("/dev/drbd/by-res/db1/0", "xvda", "w", "raw"),
        ("/dev/vg0/db1-swap", "xvdb", "w", "raw"),
    ]
    assert disks[2].cdrom and disks[2].target == "/srv/iso/a\\:b.iso" and disks[2].mode == "r"
    assert (disks[3].script, disks[3].target) == ("block-drbd", "db1_data")
    # vif += appends to the list before it
    assert [v.bridge for v in doc.vifs] == ["xenbr0", "xenbr1"]
    assert doc.vifs[0].model == "e1000" and doc.vifs[0].rate == "10Mb/s"
    assert doc.get("vnuma")[1][0] == "pnode=1"
    assert doc.get("escapes") == 'tab\there "quoted" \\: ok'
    # xl's octal and hex escapes (libxlu 4.17 itself rejects \x, see docs)
    assert xencfg.loads('a = "\\101\\x42\\q"\n', "xl").get("a") == "AB\\q"
    assert doc.pcis[0].options == {"permissive": "1"}


def test_xl_conf_and_cpupool_are_not_domus() -> None:
    conf = xencfg.load(shared_path("corpus", "domu-xl", "xen__tools_examples_xl.conf"), "xl")
    pool = xencfg.load(shared_path("corpus", "domu-xl", "xen__tools_examples_cpupool"), "xl")
    assert not conf.is_domu and not pool.is_domu
    assert pool.get("cpus") == ["2", "3"] and pool.get("sched") == "credit"


def test_xl_positional_disks_from_corpus() -> None:
    path = shared_path(
        "corpus", "domu-xl", "libvirt__xlconfigdata_test-disk-positional-parms-full.cfg"
    )
    doc = xencfg.load(path, "xl")
    assert [(d.target, d.format, d.vdev, d.mode, d.kind, d.devtype) for d in doc.disks] == [
        ("/dev/HostVG/XenGuest2", "raw", "hda", "w", "phy", None),
        ("/var/lib/libvirt/images/XenGuest2-home", "qcow2", "hdb", "w", None, None),
        ("/root/boot.iso", "raw", "hdc", "r", None, "cdrom"),
    ]


# -- edits -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["xm", "xl"])
def test_edits_touch_only_their_line(fmt: str) -> None:
    path = FIXTURES / fmt / "valid" / ("guest.xm" if fmt == "xm" else "guest.cfg")
    doc = xencfg.load(path)
    mem = doc.assignment("memory")
    check_one_edit(doc, mem, lambda: doc.set("memory", 1024))
    vif = doc.assignments("vif")[0]
    check_one_edit(doc, vif, lambda: doc.set_vif(0, mac="00:16:3e:aa:bb:cc"))
    assert doc.vifs[0].mac == "00:16:3e:aa:bb:cc"
    again = xencfg.loads(xencfg.dumps(doc), fmt)
    assert again.memory == 1024 and again.vifs[0].mac == "00:16:3e:aa:bb:cc"
    assert again.vifs[0].bridge == "xenbr0"


def test_add_disk_changes_one_line() -> None:
    base = shared_path("seed-examples")
    doc = xencfg.load(base / "s001-drbd-heartbeat/xen1/etc/xen/host1.dom", "xm")
    diff = check_one_edit(
        doc, doc.assignment("disk"), lambda: doc.add_disk("drbd:host1_data,xvdc,w")
    )
    assert (
        diff[-1] == "+ disk = [ 'drbd:host1_root,xvda,w', 'drbd:host1_swap,xvdb,w', "
        "'drbd:host1_data,xvdc,w']\n"
    )
    assert [d.vdev for d in xencfg.loads(xencfg.dumps(doc), "xm").disks] == ["xvda", "xvdb", "xvdc"]


def test_multiline_list_edit_keeps_layout() -> None:
    doc = xencfg.load(FIXTURES / "xm" / "valid" / "guest.xm")
    disks = list(doc.get("disk"))
    disks[1] = "drbd:web1_data2,xvdb,w"
    before = xencfg.dumps(doc)
    doc.set("disk", disks)
    after = xencfg.dumps(doc)
    assert after == before.replace("'drbd:web1_data,xvdb,w'", "'drbd:web1_data2,xvdb,w'")
    assert "# the DRBD block script" in after


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("xl", "disk = [ 'phy:/dev/a,xvda,w',   # root\n         'phy:/dev/b,xvdb,w' ]\n"),
        ("xm", "disk = [ 'phy:/dev/a,xvda,w',   # root\n         'phy:/dev/b\\x41,xvdb,w', ]\n"),
    ],
)
def test_a_list_is_one_token_and_its_elements_edit_in_place(fmt: str, text: str) -> None:
    """A full tree holds a list literal as one token (issue 22 item 10: a 900,000-element
    list cost three tokens an element); an element edit still touches only that element,
    read again from the token (xm's escapes by Python's tokenizer)."""
    doc = xencfg.loads(text, fmt)
    a = doc.children[0]
    assert [t.kind for t in a.rhs] == [domu.LIST] and a.rhs[0].text.startswith("[ ")
    a.value = [a.value[0], "file:/x,xvdb,r"]
    edited = xencfg.dumps(doc)
    assert edited.splitlines()[0] == text.splitlines()[0]  # the comment line as it was
    assert xencfg.loads(edited, fmt).get("disk") == a.value
    doc = xencfg.loads(text, fmt)
    doc.children[0].value = [*doc.children[0].value, "file:/y,xvdc,r"]
    appended = xencfg.dumps(doc)
    assert appended.splitlines()[0] == text.splitlines()[0]
    assert appended.splitlines()[1].rstrip(" ],").endswith(", 'file:/y,xvdc,r'")


def test_replacing_a_value_with_another_shape_rewrites_only_that_statement() -> None:
    doc = xencfg.load(FIXTURES / "xm" / "valid" / "guest.xm")
    doc.set("pci", [])
    doc.set("extra", "console=xvc0")
    text = xencfg.dumps(doc)
    assert "pci = []\n" in text and "extra = 'console=xvc0'\n" in text
    assert xencfg.loads(text, "xm").get("root") == "/dev/xvda1 ro"


def test_new_setting_and_removal() -> None:
    doc = xencfg.load(FIXTURES / "xl" / "valid" / "guest.cfg")
    doc.set("on_reboot", "restart")
    assert doc.remove("cpus") == 1
    text = xencfg.dumps(doc)
    assert text.endswith('on_reboot = "restart"\n') and "\ncpus =" not in text


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        (
            "xm",
            "name = 'new'\nmemory = 256\ndisk = ['phy:/dev/vg/new,xvda,w']\n"
            "vif = ['bridge=xenbr0']\n",
        ),
        (
            "xl",
            'name = "new"\nmemory = 256\ndisk = [ "phy:/dev/vg/new,xvda,w" ]\n'
            'vif = [ "bridge=xenbr0" ]\n',
        ),
    ],
)
def test_model_from_scratch(fmt: str, expected: str) -> None:
    cls = xm.XmDocument if fmt == "xm" else xl.XlDocument
    doc = cls()
    doc.set("name", "new")
    doc.set("memory", 256)
    doc.add_disk("phy:/dev/vg/new,xvda,w")
    doc.set("vif", ["bridge=xenbr0"])
    assert xencfg.dumps(doc) == expected
    assert xencfg.loads(expected, fmt) == doc


def test_non_utf8_bytes_round_trip(tmp_path: Path) -> None:
    raw = b"# caf\xe9 \xff\nname = 'caf\xe9'\nmemory = 64  # \x80\n"
    for fmt, name in (("xm", "g.xm"), ("xl", "g.cfg")):
        f = tmp_path / name
        f.write_bytes(raw)
        doc = xencfg.load(f, fmt)
        assert doc.memory == 64
        out = tmp_path / ("out-" + name)
        xencfg.dump(doc, out)
        assert out.read_bytes() == raw


# -- errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "line", "col", "words"),
    [
        ("xm", "unclosed-list.xm", 2, 8, "never closed"),
        ("xm", "bad-indent.xm", 2, 2, "unexpected indent"),
        ("xm", "unterminated-string.xm", 2, 10, "unterminated string"),
        ("xl", "python-expr.cfg", 2, 14, "got '* 2'"),
        ("xl", "unclosed-list.cfg", 4, 1, "got 'vcpus'"),
        ("xl", "unterminated-string.cfg", 1, 8, "string must be closed"),
    ],
)
def test_invalid_fixtures(fmt: str, name: str, line: int, col: int, words: str) -> None:
    path = FIXTURES / fmt / "invalid" / name
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.load(path, fmt)
    err = info.value
    assert (err.line, err.column) == (line, col), str(err)
    assert words in err.message and str(path) in str(err) and "^" in err.snippet


@pytest.mark.parametrize("fmt", ["xm", "xl"])
def test_deep_nesting_is_a_parse_error(fmt: str) -> None:
    with pytest.raises(xencfg.ParseError):
        xencfg.loads("disk = " + "[" * 10000 + "]" * 10000 + "\n", fmt)


# -- never executed ------------------------------------------------------------------

_PAYLOADS = [
    '__import__("os").system("touch {m}")',
    'name = __import__("os").system("touch {m}")',
    'def f(x=__import__("os").system("touch {m}")):\n    pass',
    '@__import__("os").system("touch {m}")\ndef g():\n    pass',
    'class C:\n    x = __import__("os").system("touch {m}")',
    "extra = f\"{{__import__('os').system('touch {m}')}}\"",
    'memory = (lambda: __import__("os").system("touch {m}"))()',
    'import os; os.system("touch {m}")',
    "exec(\"import os; os.system('touch {m}')\")",
    'disk = [__import__("subprocess").call(["touch", "{m}"])]',
]


@pytest.mark.parametrize("payload", _PAYLOADS)
def test_payload_is_never_run(payload: str, tmp_path: Path) -> None:
    marker = tmp_path / f"pwned-{os.getpid()}"
    source = "name = 'victim'\nmemory = 128\n" + payload.format(m=marker) + "\nvcpus = 1\n"
    f = tmp_path / "victim.xm"
    f.write_text(source)
    doc = xencfg.load(f)  # detection (sniff) parses too
    assert doc.format == "xm"
    assert xencfg.dumps(doc) == source
    xencfg.loads(canonical(doc), "xm")
    doc.to_dict()
    list(doc.keyword_problems())
    assert doc.vcpus == 1 and not doc.is_static
    assert not marker.exists()


# -- properties ----------------------------------------------------------------------

_key = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True).filter(
    lambda k: (
        k
        not in {
            "if",
            "in",
            "is",
            "or",
            "and",
            "not",
            "def",
            "del",
            "for",
            "as",
            "try",
            "with",
            "else",
            "elif",
            "from",
            "pass",
            "class",
            "while",
            "break",
            "yield",
            "raise",
            "global",
            "import",
            "return",
            "assert",
            "except",
            "lambda",
            "finally",
            "continue",
            "nonlocal",
            "async",
            "await",
            "print",
            "exec",
        }
    )
)
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_xl_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
_num = st.integers(0, 2**40)
_xm_scalar = st.one_of(
    _text,
    st.integers(-(2**40), 2**40),
    st.none(),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
)
_xm_value = st.recursive(
    _xm_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(_text, inner, max_size=2),
    ),
    max_leaves=6,
)
_xl_value = st.recursive(
    st.one_of(_xl_text, _num), lambda inner: st.lists(inner, max_size=3), max_leaves=6
)


@given(st.lists(st.tuples(_key, _xm_value), max_size=6))
def test_generated_xm_models_reparse_equal(pairs: list[tuple[str, Any]]) -> None:
    doc = xm.XmDocument([Assignment(k, v) for k, v in pairs])
    text = xencfg.dumps(doc)
    assert xencfg.loads(text, "xm") == doc
    again = xencfg.loads(text, "xm")
    for k, _ in pairs:
        assert repr(again.assignments(k)[-1].value) == repr(doc.assignments(k)[-1].value)


@given(st.lists(st.tuples(_key, _xl_value), max_size=6))
def test_generated_xl_models_reparse_equal(pairs: list[tuple[str, Any]]) -> None:
    doc = xl.XlDocument([Assignment(k, v) for k, v in pairs])
    assert xencfg.loads(xencfg.dumps(doc), "xl") == doc


@given(st.lists(_text, min_size=1, max_size=3), st.data())
def test_edits_of_parsed_lists_reparse(values: list[str], data: st.DataObject) -> None:
    doc = xencfg.loads("disk = [ 'a',\n  'b' ]  # keep\nname = 'x'\n", "xm")
    new = data.draw(st.one_of(st.just(["a", "b", *values]), st.just(values)))
    doc.set("disk", new)
    again = xencfg.loads(xencfg.dumps(doc), "xm")
    assert again.get("disk") == new and again.name == "x"


_MUTANTS = XM_OWN + XL_OWN + XM_CORPUS[:4] + XL_CORPUS[:4]


@pytest.mark.parametrize("path", _MUTANTS, ids=ids(_MUTANTS))
@given(data=st.data())
def test_mutated_files_never_crash(path: Path, data: st.DataObject) -> None:
    text = read(path)
    mutated = mutate(data, text, "[](){}'\"#\\=,;:\n \t\r\x00\ufeffab1", 4, 3)
    for fmt in ("xm", "xl"):
        try:
            doc = xencfg.loads(mutated, fmt)
        except xencfg.XencfgError:
            continue
        assert xencfg.dumps(doc) == mutated
        doc.to_dict()
        with contextlib.suppress(xencfg.XencfgError):
            canonical(doc)


def test_tokens_of_code_are_one_piece() -> None:
    doc = xencfg.load(FIXTURES / "xm" / "valid" / "computed.xm")
    toks = significant(doc)
    assert any(t.startswith("def vmid_check(var):") for t in toks)
    # python's tokenizer agrees the file is well-formed
    list(
        tokenize.generate_tokens(
            io.StringIO(read(FIXTURES / "xm" / "valid" / "computed.xm")).readline
        )
    )


def test_mac_kinds_and_drbd_resources() -> None:
    kinds = [
        domu.parse_vif(f"mac={m}").mac_kind
        for m in (
            "00:16:3e:00:00:01",
            "a0:00:00:01:00:01",
            "02:00:00:00:00:01",
            "01:00:5e:00:00:01",
        )
    ]
    assert kinds == ["xen", "global", "local", "multicast"]
    assert domu.parse_vif("mac=00:16:3e:zz:00:01").mac_kind is None
    assert domu.parse_vif("bridge=xenbr0").mac_kind is None
    assert domu.parse_disk("drbd:r0,xvda,w").drbd_resource == "r0"
    assert domu.parse_disk("script=block-drbd,vdev=xvda,target=r1").drbd_resource == "r1"
    assert domu.parse_disk("phy:/dev/drbd0,xvda,w").drbd_resource is None


def test_seed_mac_is_a_vendor_address() -> None:
    base = shared_path("seed-examples")
    doc = xencfg.load(base / "s004-drbd-lvm/mk1/etc/xen/configs/shaolin", "xm")
    assert doc.vifs[0].mac_kind == "global"
    host1 = xencfg.load(base / "s001-drbd-heartbeat/xen1/etc/xen/host1.dom", "xm")
    assert host1.vifs[0].mac is None  # a random MAC at every start
    assert [d.drbd_resource for d in host1.disks] == ["host1_root", "host1_swap"]


def test_undecodable_bytes_in_values(tmp_path: Path) -> None:
    raw = b"name = 'caf\xe9'\ndisk = ['phy:/dev/\xff,xvda,w']\n"
    f = tmp_path / "latin1.xm"
    f.write_bytes(raw)
    doc = xencfg.load(f, "xm")
    assert doc.name.encode("utf-8", "surrogateescape") == b"caf\xe9"
    assert doc.disks[0].target.encode("utf-8", "surrogateescape") == b"/dev/\xff"
    doc.set("name", doc.name + "s")
    xencfg.dump(doc, f)
    assert f.read_bytes() == raw.replace(b"caf\xe9'", b"caf\xe9s'")


def test_python2_statements_are_code_and_the_rest_is_read() -> None:
    doc = xencfg.load(FIXTURES / "xm" / "valid" / "python2.xm")
    assert (doc.name, doc.vcpus, doc.extra) == ("legacy", 2, "console=xvc0")
    assert doc.disks[0].target == "sda1"
    # Python 2 literals are read as Python 2 read them (tests/test_xm_python2.py)
    assert (doc.memory, doc.maxmem) == (256, 10)  # 0400 is octal, 10L a long
    assert set(doc.computed) == {"vmid_check"}
    assert [c.text.split("\n")[0] for c in doc.code] == [
        'print "starting", name',
        "def vmid_check(x):",
    ]
    doc.set("vcpus", 4)
    assert "vcpus = 4; maxmem = 10L ; extra = 'console=xvc0'\n" in xencfg.dumps(doc)


@pytest.mark.parametrize(
    ("text", "line", "col"),
    [
        ('name = "a"\nprint "x"\nmemory = = 2\n', 3, 10),
        ('print "x"; a = = 1\n', 1, 16),
        ("name = 'a'\nif 1:\n  print 'x'\n memory = 1\n", 4, 1),
        ('print "x"\ndisk = [\n', 2, 8),
    ],
)
def test_real_errors_in_python2_files_are_located(text: str, line: int, col: int) -> None:
    with pytest.raises(xencfg.ParseError) as info:
        xencfg.loads(text, "xm")
    assert (info.value.line, info.value.column) == (line, col), str(info.value)


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("maxmem = 0x400L + 0", "maxmem"),
        ("f = lambda (a, b): a", "f"),
        ("def f((a, b)):\n    return a", "f"),
        ("async = f(1)", "async"),
    ],
)
def test_more_python2_only_syntax_is_code(line: str, name: str) -> None:
    """Each compiles in Python 2.7.18 (``compile(text, path, 'exec')``), the language
    xm ran the file in, and each is a SyntaxError in Python 3: code, not XC001."""
    text = f"name = 'a'\nmemory = 256\n{line}\n"
    doc = xencfg.loads(text, "xm")
    assert doc.computed == [name] and doc.memory == 256
    assert xencfg.dumps(doc) == text
    assert not [f for f in _lint_text(text, "xm") if f.severity == "error"]


def test_disk_prefix_chains_name_the_image() -> None:
    """peer-xl reads each as pdev_path '/img/a.img' (libxlu_disk_l.l takes ``tap:``,
    ``tapdisk:`` and ``aio:`` as deprecated prefixes), so they are one disk."""
    for spec in ("tap:aio:/img/a.img,xvda,w", "tap:tapdisk:aio:/img/a.img,xvda,w"):
        disk = domu.parse_disk(spec)
        assert (disk.target, disk.vdev, disk.writable) == ("/img/a.img", "xvda", True), spec


def test_tabs_mixed_with_spaces_as_python2_read_them() -> None:
    """xm ran the file under Python 2 without -tt, where a tab indents to the next
    multiple of 8 (Parser/tokenizer.c: ``altwarning``/``alterror`` are off by default),
    so a block indented by a tab and then by 8 spaces is one block (checked with
    ``compile()`` of Python 2.7.18); Python 3 says TabError. An unindent to no outer
    level is refused by both (the case above at line 4)."""
    text = "name = 'a'\nif 1:\n\tvcpus = 2\n        maxmem = 4\nmemory = 256\n"
    doc = xencfg.loads(text, "xm")
    assert doc.computed == ["vcpus", "maxmem"] and doc.memory == 256
    assert xencfg.dumps(doc) == text
    assert not [f for f in _lint_text(text, "xm") if f.severity == "error"]


def _lint_text(text: str, fmt: str) -> list[Any]:
    import tempfile

    from xencfg import lint

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "guest.cfg"
        path.write_text(text)
        return list(lint.run([str(path)], force_format=fmt).findings)


def test_duplicates_and_non_domu_keys() -> None:
    doc = xencfg.loads('name = "a"\nmemory = 128\nmemory = 256\nvif = []\nvif += ["x"]\n', "xl")
    assert list(doc.duplicates()) == ["memory"] and doc.memory == 256
    assert [(n.key, k) for n, k, _ in doc.keyword_problems()] == [("memory", "duplicate")]
    conf = xencfg.loads(
        'autoballoon = "off"\nvif.default.bridge = "xenbr1"\nautoballon = 1\n', "xl"
    )
    assert not conf.is_domu
    assert [(n.key, k, s) for n, k, s in conf.keyword_problems()] == [
        ("autoballon", "unknown", "autoballoon")
    ]
    pool = xencfg.loads('name = "p"\nsched = "credit"\ncpus = ["2"]\n', "xl")
    assert list(pool.keyword_problems()) == []


def test_append_goes_to_the_line_holding_the_list() -> None:
    doc = xencfg.load(FIXTURES / "xl" / "valid" / "guest.cfg")
    node = doc.assignments("vif")[1]
    diff = check_one_edit(doc, node, lambda: doc.add_vif(mac="00:16:3e:00:00:13", bridge="xenbr2"))
    assert diff[-1].startswith("+ vif += [ 'mac=00:16:3e:00:00:12,bridge=xenbr1', ")
    assert [v.bridge for v in doc.vifs] == ["xenbr0", "xenbr1", "xenbr2"]
    empty = xl.XlDocument()
    empty.add_vif(bridge="xenbr0")
    assert xencfg.dumps(empty) == 'vif = [ "bridge=xenbr0" ]\n'


def test_secrets_are_masked_everywhere() -> None:
    doc = xencfg.loads(
        'name = "a"\nvncpasswd = "hunter2"\nvfb = [ "type=vnc,vncpasswd=s3cret,vncunused=1" ]\n',
        "xm",
    )
    assert sorted(doc.secrets()) == ["hunter2", "s3cret"]
    text = json.dumps(doc.to_dict())
    assert "hunter2" not in text and "s3cret" not in text and "vncunused" in text
    shown = json.dumps(doc.to_dict(show_secrets=True))
    assert "hunter2" in shown and "s3cret" in shown


@pytest.mark.parametrize(("fmt", "name"), [("xm", "guest.xm"), ("xl", "guest.cfg")])
def test_byte_order_mark_is_trivia(fmt: str, name: str) -> None:
    text = read(FIXTURES / fmt / "valid" / name)
    doc = xencfg.loads("\ufeff" + text, fmt)
    assert xencfg.dumps(doc) == "\ufeff" + text
    assert doc == xencfg.loads(text, fmt) and doc.memory == xencfg.loads(text, fmt).memory


@pytest.mark.parametrize("value", [set(), float("nan"), object()])
def test_values_without_a_literal_are_refused_cleanly(value: Any) -> None:
    """Refused by set() (issue 22: when the edit is made, not at dumps); the document
    is left as it was."""
    doc = xm.XmDocument()
    with pytest.raises(xencfg.ValidationError):
        doc.set("a", value)
    assert xencfg.dumps(doc) == ""
    xl_doc = xl.XlDocument()
    with pytest.raises(xencfg.ValidationError):
        xl_doc.set("a", {"no": "dicts"})
    assert xencfg.dumps(xl_doc) == ""


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("phy:/dev/vg/lv,ioemu:hda,w", ("/dev/vg/lv", "hda", "w", "phy", None, None)),
        ("tap:qcow:/img/a.qcow,xvda,w", ("/img/a.qcow", "xvda", "w", "tap:qcow", None, None)),
        ("/dev/x,,hdc,ro,cdrom", ("/dev/x", "hdc", "r", None, None, "cdrom")),
        ("/dev/x,qcow2,xvdb", ("/dev/x", "xvdb", None, None, "qcow2", None)),
        (
            "vdev=xvda,target=rbd:pool/img:mon_host=a\\:6789",
            ("rbd:pool/img:mon_host=a\\:6789", "xvda", None, None, None, None),
        ),
        (",hdc:cdrom,r", (None, "hdc", "r", None, None, "cdrom")),
    ],
)
def test_disk_specs(spec: str, expected: tuple[Any, ...]) -> None:
    d = domu.parse_disk(spec)
    assert (d.target, d.vdev, d.mode, d.kind, d.format, d.devtype) == expected
    assert d.raw == spec


@pytest.mark.parametrize(("fmt", "name"), [("xm", "guest.xm"), ("xl", "crlf-no-final-newline.cfg")])
def test_lines_added_to_crlf_files_end_in_crlf(fmt: str, name: str) -> None:
    text = read(FIXTURES / fmt / "valid" / name).replace("\r\n", "\n").replace("\n", "\r\n")
    doc = xencfg.loads(text, fmt)
    doc.set("on_reboot", "destroy")
    doc.set("memory", 64)
    out = xencfg.dumps(doc)
    assert "\n" not in out.replace("\r\n", "")
    assert xencfg.loads(out, fmt).get("on_reboot") == "destroy"


def test_flags_and_hvm_settings() -> None:
    path = shared_path("corpus", "domu-xl", "libvirt__xlconfigdata_test-spice-features.cfg")
    doc = xencfg.load(path, "xl")
    assert doc.is_hvm and (doc.acpi, doc.apic, doc.pae) == (True, True, True)
    assert doc.localtime is False and doc.boot == "d"
    flags = xencfg.loads('acpi = "yes"\napic = True\npae = 0\nsdl = "maybe"\ncpus = [2, 3]\n', "xm")
    assert (flags.acpi, flags.apic, flags.pae, flags.sdl, flags.cpus) == (
        True,
        True,
        False,
        None,
        [2, 3],
    )


# -- the fast lexer (xm._fast_children) against Python's own tools ------------------------


def _both_paths(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path, when it takes a text, reads it exactly as the ast/tokenize path."""
    try:
        fast = xencfg.loads(text, "xm")
    except xencfg.XencfgError as exc:
        fast_error: Exception | None = exc
    else:
        fast_error = None
    with monkeypatch.context() as m:
        m.setattr(xm, "_fast_children", lambda *a: None)
        try:
            exact = xencfg.loads(text, "xm")
        except xencfg.XencfgError as exc:
            assert fast_error is not None and str(fast_error) == str(exc)
            return
    assert fast_error is None, fast_error
    assert fast.children == exact.children
    assert [c.pos for c in fast.children] == [c.pos for c in exact.children]
    assert [significant(c) for c in fast.children] == [significant(c) for c in exact.children]
    assert xencfg.dumps(fast) == text


@pytest.mark.parametrize("path", XM_FILES, ids=ids(XM_FILES))
def test_fast_lexer_agrees_with_python(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _both_paths(read(path), monkeypatch)


def test_fast_lexer_takes_the_usual_file() -> None:
    text = "name = 'vm1'\nmemory = 512\ndisk = [ 'phy:/dev/vg/vm1,xvda,w',\n  'file:/x,xvdb,r' ]\n"
    assert xm._fast_children(text, text, 0, False) is not None
    for odd in ("x = 08\n", "x = `y`\n", "  x = 1\n", "x = (1\n", "x = 0x1L\n", "x = 1)\n"):
        assert xm._fast_children(odd, odd, 0, False) is None, odd


_PY_BITS = st.sampled_from(
    [
        "'",
        '"',
        '"""',
        "'''",
        "\\",
        "\n",
        "\r\n",
        " ",
        "    ",
        "#",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        ",",
        ";",
        ":",
        "=",
        "@",
        "0755",
        "1L",
        "if x:",
        "else:",
        "def f():",
        "r'",
        "b'",
        "\t",
        "\x0c",
        "x",
        "1.5e3",
        "...",
        "\ufeff",
    ]
)


@given(st.data())
def test_fast_lexer_agrees_on_mutated_files(data: st.DataObject) -> None:
    base = read(data.draw(st.sampled_from(XM_OWN)))
    text = base
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        text = text[:at] + data.draw(_PY_BITS) + text[at + data.draw(st.integers(0, 3)) :]
    with pytest.MonkeyPatch.context() as mp:
        _both_paths(text, mp)


def test_a_continuation_into_the_end_of_the_file_is_refused_as_python_does() -> None:
    """``x = 'a'\\`` on the last line: Python (2 and 3) refuses the file ("unexpected EOF
    while parsing"), so xm does not start the guest; the fast lexer took it (found by
    test_fast_lexer_agrees_on_mutated_files on a mutated file)."""
    with pytest.raises(xencfg.ParseError, match="unexpected EOF"):
        xencfg.loads("name = 'g'\nextra = 'console=hvc0'\\\n", "xm")
    assert xencfg.loads("name = 'g'\nmemory = 256 + \\\n 256\n", "xm").get("name") == "g"
