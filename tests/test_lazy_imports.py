"""Lark and lxml are imported only when a file needs them, and a format's module only
when a file may be of that format (issue 21: a cold lint's start-up).

Lark is the reference grammar, the error reporter and the fallback of the fast
formats; lxml parses the CIB and cman. Together they are about a third of a
small lint's start-up, so ``import xencfg``, loading every rule and linting a
cluster whose files all take the fast path must import neither. Each case runs
in a fresh interpreter: this test process has imported both long ago.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "two-node"

#: Runs the statement in argv[1] (argv[2:] are its arguments), then prints which
#: heavy modules the process imported; the CLI's exit is caught, not followed.
DRIVER = """\
import json, sys
args = sys.argv[2:]
try:
    exec(sys.argv[1])
except SystemExit:
    pass
print(json.dumps({m: m in sys.modules for m in ("lark", "lxml")}))
"""


def heavy_modules(statement: str, *args: str) -> dict[str, bool]:
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, statement, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    last: dict[str, bool] = json.loads(out.stdout.strip().splitlines()[-1])
    return last


LINT = "from xencfg.cli import main; main(['lint', *args])"


def text_only_cluster(tmp: Path) -> Path:
    """examples/two-node without its CIB and Xen files: DRBD, hosts, hostname, ha.cf,
    authkeys and logd, every one of which has a fast path."""
    root = tmp / "cluster"
    for node in ("alpha", "beta"):
        shutil.copytree(
            EXAMPLE / node / "etc",
            root / node / "etc",
            ignore=shutil.ignore_patterns("xen"),
        )
    return root


def test_import_xencfg_imports_neither() -> None:
    assert heavy_modules("import xencfg; xencfg.load") == {"lark": False, "lxml": False}


def test_loading_every_rule_imports_neither() -> None:
    """The rule modules import the format modules (the CIB's among them) at their top."""
    found = heavy_modules("import xencfg.rules as r; assert len(r.all_rules()) > 100")
    assert found == {"lark": False, "lxml": False}


def test_lint_of_a_text_cluster_on_the_fast_paths_imports_neither(tmp_path: Path) -> None:
    tree = text_only_cluster(tmp_path)
    assert heavy_modules(LINT, str(tree)) == {"lark": False, "lxml": False}


def test_a_fallback_and_a_cib_still_import_what_they_need(tmp_path: Path) -> None:
    """The other side, so the test above can fail: a file the fast path refuses goes
    to Lark, and a CIB to lxml."""
    tree = text_only_cluster(tmp_path)
    res = tree / "alpha" / "etc" / "drbd.d" / "web.res"
    res.write_text(res.read_text() + "resource broken {\n")  # Lark words the error
    cib = Path("var/lib/heartbeat/crm/cib.xml")
    (tree / "beta" / cib).parent.mkdir(parents=True)
    shutil.copy(EXAMPLE / "beta" / cib, tree / "beta" / cib)
    assert heavy_modules(LINT, str(tree)) == {"lark": True, "lxml": True}


@pytest.mark.parametrize("fmt", ["cib", "cman"])
def test_xml_formats_import_lxml_when_they_parse(fmt: str) -> None:
    text = "<cib/>" if fmt == "cib" else '<cluster name="c" config_version="1"/>'
    code = (
        f"import xencfg\ntry:\n    xencfg.loads({text!r}, {fmt!r})\n"
        "except xencfg.XencfgError:\n    pass"
    )
    assert heavy_modules(code)["lxml"] is True


def test_sniffing_a_file_of_no_format_imports_no_lark(tmp_path: Path) -> None:
    """A file of unknown name is offered to every sniffer; xl's asks its scanner, which
    declines exactly what the grammar refuses, so an SVG with ``key="value"`` lines (as
    examples/two-node/graph.svg) costs no Lark import (the xl sniffer used to parse it
    with the grammar after the scanner had declined)."""
    svg = tmp_path / "graph.svg"
    svg.write_text('<svg\n width="10"\n height="10">\n</svg>\n', encoding="utf-8")
    found = heavy_modules(
        "import xencfg.formats as f, sys; assert f.detect(sys.argv[2]) is None", str(svg)
    )
    assert found["lark"] is False


#: Texts of unknown name: one sniffer says yes, or several (``InitiatorName=`` is also a
#: valid xm/xl assignment: initiatorname, earlier in the sniff order, takes it), or none.
SNIFFED = {
    "cib": (EXAMPLE / "alpha" / "var/lib/heartbeat/crm/cib.xml").read_text(),
    "xm": (EXAMPLE / "alpha" / "etc/xen/domains/web").read_text(),
    "drbd": (EXAMPLE / "alpha" / "etc/drbd.d/web.res").read_text(),
    "svg": (EXAMPLE / "graph.svg").read_text(),
    "readme": (EXAMPLE / "README.md").read_text(),
    "initiatorname and xm": 'InitiatorName="iqn.2001-04.com.example:x"\nname = "vm"\n',
    "hacf and xl": 'node = "a"\nbcast = "eth0"\n',
}


@pytest.mark.parametrize("name", sorted(SNIFFED))
@pytest.mark.parametrize("path", ["cluster/unknown", "cluster/vm.cfg", "cluster/cib.xml"])
def test_detect_only_answers_as_detect_does(name: str, path: str) -> None:
    """``detect(..., only=...)`` (the loose files of a cluster folder) asks the other
    formats' sniffers only once one of ``only`` said yes, and so must answer what
    ``detect`` answers when that is one of ``only``, else None."""
    from xencfg import formats

    text = SNIFFED[name]
    full = formats.detect(path, text)
    assert formats.detect(path, text, only=formats.LOOSE) == (
        full if full in formats.LOOSE else None
    )


def test_detect_only_refuses_a_file_an_earlier_format_takes() -> None:
    """The case the laziness must get right: xm says yes, but initiatorname, earlier in
    the sniff order, says yes first; without ``only`` it is initiatorname's."""
    from xencfg import formats

    text = SNIFFED["initiatorname and xm"]
    assert formats.sniff("xm", text)
    assert formats.detect("cluster/unknown", text) == "initiatorname"
    assert formats.detect("cluster/unknown", text, only=formats.LOOSE) is None


#: Prints the modules the process imported, after running the statement in argv[1].
MODULES_DRIVER = """\
import json, sys
args = sys.argv[2:]
try:
    exec(sys.argv[1])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def test_lint_of_the_example_imports_no_module_of_a_format_it_has_no_file_of() -> None:
    """examples/two-node has drbd, heartbeat, hosts, xm, xend and CIB files (and a
    README.md and an SVG beside its nodes, which only the loose formats' sniffers are
    asked about): the modules of the other formats, the live-state outputs among them,
    and what only a live capture runs (subprocess) stay unimported. Each used to cost
    the start-up of every lint (issue 21)."""
    out = subprocess.run(
        [sys.executable, "-c", MODULES_DRIVER, LINT, str(EXAMPLE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    imported = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "xencfg.formats.drbd" in imported and "xencfg.formats.xen.xm" in imported
    absent = [
        "xencfg.formats.multipath",
        "xencfg.formats.cman",
        "xencfg.formats.lvmlike.lvm",
        "xencfg.formats.lvmlike.evms",
        "xencfg.formats.lines.ietd",
        "xencfg.formats.lines.iscsid",
        "xencfg.formats.lines.initiatorname",
        "xencfg.formats.lines.ocfs2",
        "xencfg.formats.lines.corosync",
        *(f"xencfg.formats.status.{m}" for m in ("proc_drbd", "drbd_status", "multipath_ll")),
        *(f"xencfg.formats.status.{m}" for m in ("iscsi_session", "xl_list", "ip_addr")),
        "xencfg.formats.status.crm_mon",  # (LS016 asks Cluster.has first)
        # the CIB converter: the CIB rules need only schema_version (now in cib/values)
        "xencfg.formats.cib.upgrade",
        "xencfg.formats.cib.convert",
        "subprocess",
        "difflib",
    ]
    assert sorted(m for m in absent if m in imported) == []


def test_lazy_re_compiles_on_first_use_and_answers_as_re_does() -> None:
    """The stand-in for a module-level pattern (issue 21: 112 of the 144 patterns a cold
    lint of the example compiled at import were never used)."""
    import re

    from xencfg._lazy import lazy_re

    pattern = lazy_re(r"(a)(b)?", re.I)
    assert "fullmatch" not in vars(pattern)  # nothing compiled yet
    m = pattern.fullmatch("A")
    assert m is not None and m.groups() == ("A", None)
    assert "fullmatch" in vars(pattern)  # later calls skip __getattr__
    # ... and its hook: a class with __getattr__ sends every read through it, which cost
    # a short match a quarter of its time (hot in strtoul, the drbd reader)
    assert not hasattr(type(pattern), "__getattr__")
    assert pattern.sub("x", "aAbc") == re.compile(r"(a)(b)?", re.I).sub("x", "aAbc") == "xxc"
    assert (pattern.pattern, pattern.flags & re.I, pattern.groups) == ("(a)(b)?", re.I, 2)


#: ``python -m xencfg lint examples/two-node`` as the command's own process (``main()``
#: reads sys.argv), then what it imported and whether it froze its start-up.
PROCESS = """\
import gc, runpy, sys
sys.argv = ["xencfg", "lint", *sys.argv[1:]]
try:
    runpy.run_module("xencfg", run_name="__main__")
except SystemExit:
    pass
mods = ("hashlib", "json", "tomllib", "lark", "lxml.etree")
found = {"modules": {m: m in sys.modules for m in mods},
         "frozen": gc.get_freeze_count(), "gc": gc.isenabled()}
import json
print(json.dumps(found))
"""


def _process(*args: str, cwd: Path | None = None) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", PROCESS, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )
    assert out.returncode == 0, out.stderr
    found: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return found


def test_a_clean_lint_of_the_example_imports_no_hashlib_nor_json(tmp_path: Path) -> None:
    """issue 21: hashlib (OpenSSL's set-up, about 4 ms) is imported where a digest is
    made (fingerprints of findings, a key of 32 or 40 characters, Lark's cache name);
    json where a report or a secret's escaping needs it. (No settings file above the
    copy, so no tomllib either; the example's CIB needs lxml, no file needs Lark.)"""
    tree = tmp_path / "two-node"
    shutil.copytree(EXAMPLE, tree)
    for key in tree.glob("*/etc/ha.d/authkeys"):
        key.chmod(0o600)
    found = _process(str(tree), cwd=tmp_path)
    assert found["modules"] == {
        "hashlib": False,
        "json": False,
        "tomllib": False,
        "lark": False,
        "lxml.etree": True,
    }
    # the other side: a finding is fingerprinted, a JSON report needs json
    (tree / "alpha" / "etc" / "hostname").write_text("gamma\n")
    found = _process("--output-format", "json", str(tree), cwd=tmp_path)
    assert found["modules"]["hashlib"] is True and found["modules"]["json"] is True


def test_the_command_process_freezes_its_start_up_and_collects_after() -> None:
    """The command's process freezes what its start-up made (``cli._settled``) and
    leaves the garbage collector on; ``main(argv)`` in a caller's process freezes
    nothing."""
    found = _process(str(EXAMPLE))
    assert isinstance(found["frozen"], int) and found["frozen"] > 10000
    assert found["gc"] is True
    code = (
        "import gc, sys\nfrom xencfg.cli import main\n"
        "try:\n    main(['lint', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print(gc.get_freeze_count(), gc.isenabled())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(EXAMPLE)], capture_output=True, text=True, timeout=120
    )
    assert out.stdout.split()[-2:] == ["0", "True"], out.stderr
