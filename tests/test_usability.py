"""An admin's and a developer's first hour with xencfg, learnt from README.md and docs/
only: each test is a surprise found that way (a traceback, a message that says the wrong
thing, output that changes with the order of the arguments, a doc that lies), kept from
coming back."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from conftest import ROOT
from xencfg.cli import _parser, main
from xencfg.discover import display_path

#: XC004 (warning: uid_attribute says a release that ignores udev_dir runs)
MP_WARN = "defaults {\n\tudev_dir /dev\n\tuid_attribute ID_SERIAL\n}\n"
HOSTS_TWICE = "10.0.0.1 alpha\n10.0.0.2 alpha\n"


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


# -- the command line --------------------------------------------------------------------


def _actions(parser: argparse.ArgumentParser, name: str = "xencfg"):  # type: ignore[no-untyped-def]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub, p in action.choices.items():
                yield from _actions(p, f"{name} {sub}")
        elif not isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            yield name, action


def test_every_option_and_argument_says_what_it_is() -> None:
    """``xencfg lint --help`` listed ``--output-format`` and ``PATH`` with no word about
    them, ``xencfg graph --help`` its ``--node`` and ``--role``; every argument of every
    subcommand now has its help line."""
    bare = [f"{name} {'/'.join(a.option_strings) or a.dest}" for name, a in _actions(_parser())]
    bare = [b for b, (_, a) in zip(bare, _actions(_parser()), strict=True) if not a.help]
    assert bare == []


def test_every_subcommand_has_a_description() -> None:
    """``xencfg rules --help`` (and parse, formats, graph, cib, migrate) printed the usage
    and nothing that says what the command does."""
    parser = _parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    missing = [name for name, p in sub.choices.items() if not p.description]
    cib = sub.choices["cib"]
    csub = next(a for a in cib._actions if isinstance(a, argparse._SubParsersAction))
    missing += [f"cib {name}" for name, p in csub.choices.items() if not p.description]
    assert missing == []


def test_json_report_does_not_depend_on_the_order_of_the_paths(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The JSON contract's ``files`` came in the order the paths were given (and the files
    were found): the same trees linted as ``a b`` and ``b a`` gave different bytes, so a
    report kept in git changed with nobody's configuration. JUnit's test cases too."""
    a = tree(tmp_path / "a", {"etc/multipath.conf": MP_WARN, "etc/hosts": HOSTS_TWICE})
    b = tree(tmp_path / "b", {"etc/multipath.conf": MP_WARN})
    for fmt in ("json", "junit", "sarif", "codeclimate", "github", "text"):
        main(["lint", "-q", "--output-format", fmt, str(a), str(b)])
        first = capsys.readouterr().out
        main(["lint", "-q", "--output-format", fmt, str(b), str(a)])
        assert capsys.readouterr().out == first, fmt
    main(["lint", "--output-format", "json", str(b), str(a)])
    files = json.loads(capsys.readouterr().out)["files"]
    assert files == sorted(files) and len(files) == 3


def test_rule_summaries_are_whole_sentences() -> None:
    """``xencfg rules``, ``--statistics`` and SARIF's ``shortDescription`` took the
    docstring's first line, which stopped mid-sentence for 45 rules ("A device path,
    backing disk or external meta-disk index is used twice on a host"); the summary is now
    the first paragraph, on one line."""
    from xencfg import rules

    cut = [r.code for r in rules.all_rules() if not r.summary.endswith((".", ".)"))]
    assert cut == []
    # reST's ``x`` printed as is on a terminal and in SARIF's plain text: now `x`
    assert [r.code for r in rules.all_rules() if "``" in r.summary] == []
    cb = rules.get("CB001")
    assert cb is not None and "``id``" in cb.doc and cb.summary.endswith("share an `id`.")
    dr = rules.get("DR017")
    assert dr is not None and "\n" not in dr.summary
    assert dr.summary == " ".join(dr.doc.split("\n\n")[0].split()).replace("``", "`")


def test_rules_list_keeps_its_columns(capsys: pytest.CaptureFixture[str]) -> None:
    """A rule name longer than the 32-character column ran into the summary
    (``stonith-disabled-with-shared-storage STONITH is ...`` one column off)."""
    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    starts = {len(re.match(r"\S+\s+\S+\s+\S+\s+", line).group(0)) for line in lines}  # type: ignore[union-attr]
    assert len(starts) == 1


def test_fix_names_only_the_rules_whose_fix_it_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--fix`` said "fixed DR008, XC004" on a DRBD 8.3 file whose ``rate`` it rightly
    left alone (8.3's drbdadm does not read ``resync-rate``), and the XC004 finding was
    reported again right below."""
    text = (
        "resource r0 {\n\u00a0 protocol C;\n  syncer { rate 10M; }\n"
        "  on a { device /dev/drbd0; disk /dev/sda5; address 10.0.0.1:7788; meta-disk internal; }\n"
        "  on b { device /dev/drbd0; disk /dev/sda5; address 10.0.0.2:7788; meta-disk internal; }\n"
        "}\n"
    )
    node = tree(tmp_path / "n", {"etc/drbd.conf": text})
    main(["lint", "--fix", "--exit-zero", "--target", "drbd=8.3", str(node)])
    err = capsys.readouterr().err
    assert "fixed DR008\n" in err and "XC004" not in err.split("fixed", 1)[1].splitlines()[0]
    assert (node / "etc/drbd.conf").read_text() == text.replace("\u00a0", " ")


def test_settings_page_lists_every_rule_that_fixes() -> None:
    """docs/settings.md said "Deprecated keywords are not renamed yet" while XC004's fix
    renamed them; its Fixes section now names every rule that has a fix."""
    from xencfg.lint.fixes import CLUSTER_FIXERS, FIXERS

    page = (ROOT / "docs" / "settings.md").read_text()
    fixes = page.split("## Fixes", 1)[1].split("\n## ", 1)[0]
    assert [c for c in (*FIXERS, *CLUSTER_FIXERS) if c not in fixes] == []
    assert "not renamed yet" not in page


def test_migrate_with_a_cib_fragment_is_an_error_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``xencfg migrate --cib bootstrap.xml`` with a lone ``cluster_property_set`` (the
    pieces heartbeat 2 how-tos load with cibadmin) ended in lxml's XMLSyntaxError."""
    frag = tmp_path / "bootstrap.xml"
    frag.write_text(
        '<cluster_property_set id="b">\n<attributes>\n'
        '<nvpair id="b1" name="stonith_enabled" value="false"/>\n'
        "</attributes>\n</cluster_property_set>\n"
    )
    nodes = [str(ROOT / "examples" / "two-node" / n) for n in ("alpha", "beta")]
    assert main(["migrate", "--check", "--cib", str(frag), *nodes]) == 2
    err = capsys.readouterr().err
    assert "bootstrap.xml: --cib wants a whole CIB" in err and "Traceback" not in err


def test_migrate_names_a_missing_node_tree(capsys: pytest.CaptureFixture[str]) -> None:
    """``xencfg migrate /nonexistent`` said "migrate wants -o OUTDIR", and with ``--check``
    "found none": lint, graph and diff say the path does not exist."""
    assert main(["migrate", "--check", "/nonexistent/alpha"]) == 2
    assert "/nonexistent/alpha: no such file or directory" in capsys.readouterr().err
    alpha = str(ROOT / "examples" / "two-node" / "alpha")
    assert main(["migrate", "--check", "--cib", "/nonexistent/cib.xml", alpha]) == 2
    assert "/nonexistent/cib.xml: no such file or directory" in capsys.readouterr().err


def test_migrate_takes_node_trees_given_with_node_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``xencfg lint --node alpha=A --node beta=B`` (the README's form) works; migrate
    refused it with "the following arguments are required: NODE"."""
    two = ROOT / "examples" / "two-node"
    argv = ["migrate", "--check", "--only", "xen"]
    assert main([*argv, "--node", f"alpha={two / 'alpha'}", "--node", f"beta={two / 'beta'}"]) == 0
    assert "Nodes: alpha, beta" in capsys.readouterr().out
    assert main(argv) == 2
    assert "give the node trees to migrate" in capsys.readouterr().err


def test_settings_syntax_error_is_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A TOML mistake in .xencfg.toml read "...: cannot read settings: Invalid value (at
    line 2, column 10)": now ``path:2:10: cannot read settings: Invalid value``."""
    node = tree(tmp_path / "n", {"etc/multipath.conf": MP_WARN})
    (tmp_path / ".xencfg.toml").write_text('ignore = ["IS"]\nstrict = yes\n')
    assert main(["lint", str(node)]) == 2
    assert f"{tmp_path / '.xencfg.toml'}:2:10: cannot read settings: Invalid value\n" in (
        capsys.readouterr().err
    )


BROKEN_CIB = (
    '<primitive id="ilo" class="stonith" type="external/riloe">\n'
    ' <instance_attributes id="ia"><attributes>\n'
    '  <nvpair id="ia-06" name="ilo_protocol" value="1.2/>\n'
    " </attributes></instance_attributes>\n</primitive>\n"
)


def test_cib_convert_words_malformed_xml_as_validate_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same broken file (a value whose closing quote is missing, as in a SLES 10
    how-to's iLO snippet) was "3:48: attribute value opened here is never closed" to
    ``cib validate`` and lint, but lxml's bare "Unescaped '<' not allowed" further on to
    ``cib convert``."""
    bad = tmp_path / "ilo.xml"
    bad.write_text(BROKEN_CIB)
    assert main(["cib", "validate", str(bad)]) == 2
    said = capsys.readouterr().err
    assert "attribute value opened here is never closed" in said
    assert main(["cib", "convert", str(bad)]) == 2
    assert capsys.readouterr().err == said


def test_cib_convert_json_report_goes_to_stdout_with_o(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``cib convert cib.xml -o new.xml --report json > report.json`` left report.json
    empty: the JSON went to standard error even when standard output carried nothing."""
    src = tree(
        tmp_path,
        {
            "cib.xml": '<primitive id="p" class="ocf" provider="heartbeat"'
            ' type="IPaddr">\n<operations>\n<op id="m" name="monitor"'
            ' interval="10s" prereq="nothing"/>\n</operations>\n</primitive>\n'
        },
    )
    out = tmp_path / "new.xml"
    assert main(["cib", "convert", str(src / "cib.xml"), "-o", str(out), "--report", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["changed"] and out.read_text() == report["text"]


# -- the Python API ----------------------------------------------------------------------


def _public_classes() -> list[type]:
    import inspect

    from xencfg import formats

    seen: dict[type, None] = {}
    for name in formats.FORMATS:
        for obj in vars(formats.module(name)).values():
            if inspect.isclass(obj) and obj.__module__.startswith("xencfg.formats"):
                seen.setdefault(obj)
    return list(seen)


def test_typed_properties_say_their_type() -> None:
    """``doc.memory`` of a domU ("ints where numeric", docs/formats/domu.md) and
    ``doc.relocation_port`` of xend-config.sxp were ``property(lambda self: ...)``: Any to
    mypy, so ``doc.memory + "MiB"`` passed the type check of a user's script. Every public
    property of a document or view class now has a return annotation."""
    import inspect

    untyped = []
    for cls in _public_classes():
        for name, attr in vars(cls).items():
            if name.startswith("_") or not isinstance(attr, property) or attr.fget is None:
                continue
            if "return" not in inspect.get_annotations(attr.fget):
                untyped.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert untyped == []


def test_domu_and_xend_properties_keep_their_values() -> None:
    """The typed properties read what the lambdas read."""
    import xencfg

    xm = xencfg.loads('name = "web"\nmemory = "512"\ncpus = [2, 3]\nacpi = 1\n', "xm")
    assert (xm.name, xm.memory, xm.cpus, xm.acpi, xm.vcpus) == ("web", 512, [2, 3], True, None)
    assert xencfg.loads('cpus = "0-3"\n', "xm").cpus == "0-3"
    xend = xencfg.loads(
        "(xend-relocation-server yes)\n(xend-relocation-port 8003)\n"
        "(xend-relocation-hosts-allow '^a$ ^b$')\n(xen-api-server ((9363 pam)))\n",
        "xend",
    )
    assert xend.relocation_server is True and xend.relocation_port == 8003
    assert xend.relocation_hosts_allow == ["^a$", "^b$"] and xend.relocation_address is None
    assert xend.xen_api_server == [[["9363", "pam"]]]


def test_every_lazy_name_is_public_and_typed() -> None:
    """``xencfg.WriteError`` (what ``dump`` raises when the file changed on disk) was
    reachable but missing from ``__all__`` and the type-checking imports: Any to mypy,
    so ``except xencfg.WriteError`` checked nothing."""
    import xencfg

    init = (ROOT / "src" / "xencfg" / "__init__.py").read_text()
    checking = init.split("if TYPE_CHECKING:", 1)[1].split("\n_LAZY", 1)[0]
    lazy = xencfg._LAZY  # type: ignore[attr-defined]
    assert sorted(set(lazy) - set(xencfg.__all__)) == []
    assert [n for n in lazy if not re.search(rf"\b{n}\b", checking)] == []


def test_unknown_format_says_how_to_name_it(tmp_path: Path) -> None:
    """A file xencfg cannot recognise said "(use --as FORMAT / format=...)": no such
    keyword exists; the message now names the CLI option and the API call."""
    import xencfg

    odd = tmp_path / "ntp.conf"
    odd.write_text("server 0.pool.ntp.org\n")
    with pytest.raises(xencfg.UnknownFormatError, match=r"load\(path, FORMAT\)"):
        xencfg.load(odd)


def test_formats_list_keeps_its_columns(capsys: pytest.CaptureFixture[str]) -> None:
    """``multipath-bindings`` (18 characters) ran into its title in a 14-wide column."""
    assert main(["formats"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len({len(re.match(r"\S+\s+", line).group(0)) for line in lines}) == 1  # type: ignore[union-attr]


def test_rules_takes_a_prefix_as_select_does(capsys: pytest.CaptureFixture[str]) -> None:
    """``--select HB`` takes a prefix, ``xencfg rules HB`` said "no rule 'HB'": it now
    lists the heartbeat rules (and a code still prints that rule's documentation)."""
    assert main(["rules", "hb"]) == 0
    codes = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert codes and all(c.startswith("HB") for c in codes) and "HB001" in codes
    assert main(["rules", "HB001"]) == 0
    assert capsys.readouterr().out.startswith("HB001 node-names-differ (error)\n\n")
    assert main(["rules", "ZZ"]) == 2


def test_a_trailing_suppression_where_it_is_not_read_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In ietd.conf (whole-line comments only; docs/settings.md) a trailing
    ``# xencfg: ignore[IS004]`` is not honoured, rightly, but the finding came back with
    no word about it: now it says to write the line-before form, which silences it."""
    target = "Target iqn.2006-07.com.example:disk2"
    lun = "\tLun 1 Path=/dev/vg/x,Type=blockio\n"
    node = tree(tmp_path / "n", {"etc/ietd.conf": f"{target} # xencfg: ignore[IS004]\n{lun}"})
    main(["lint", "-q", "--select", "IS004", str(node)])
    out = capsys.readouterr().out
    assert "IS004" in out and "'# xencfg: ignore-next-line[IS004]' on the line before" in out
    (node / "etc/ietd.conf").write_text(f"# xencfg: ignore-next-line[IS004]\n{target}\n{lun}")
    assert main(["lint", "-q", "--select", "IS004", str(node)]) == 0
    assert capsys.readouterr().out == ""
    # where the trailing form is read (multipath.conf), nothing is added
    mp = tree(tmp_path / "m", {"etc/multipath.conf": "defaults {\n\tudev_dir /dev\n}\n"})
    main(["lint", "-q", "--select", "XC004", str(mp)])
    assert "line before" not in capsys.readouterr().out


def test_lint_api_refuses_an_unknown_code_and_counts_a_missing_path(tmp_path: Path) -> None:
    """``xencfg.lint.run(paths, select=["MP01"])`` (a typo) checked nothing and returned
    a clean result, and ``exit_code()`` was 0 for a path that does not exist, where the
    command line refuses the code and exits 2."""
    from xencfg import XencfgError, lint

    node = tree(tmp_path / "n", {"etc/multipath.conf": MP_WARN})
    with pytest.raises(XencfgError, match="select: no rule has the code 'NOPE'"):
        lint.run([str(node)], select=["NOPE"])
    with pytest.raises(XencfgError, match="ignore: no rule has the code"):
        lint.run([str(node)], ignore=(c for c in ["XC004", "ZZ1"]))
    assert [f.code for f in lint.run([str(node)], select=(c for c in ["xc"])).findings] == ["XC004"]
    missing = lint.run([str(tmp_path / "gone"), str(node)])
    assert missing.discovery.missing == [str(tmp_path / "gone")] and missing.findings
    assert missing.exit_code() == 2 and lint.run([str(node)]).exit_code(strict=True) == 1


def test_statistics_with_a_machine_format_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--statistics --output-format json`` printed the JSON findings and dropped the
    statistics without a word (exit 0 or 1 as if both were honoured)."""
    node = tree(tmp_path / "n", {"etc/multipath.conf": MP_WARN})
    assert main(["lint", "--statistics", "--output-format", "json", str(node)]) == 2
    assert "--statistics prints a text table, not json" in capsys.readouterr().err
    (tmp_path / ".xencfg.toml").write_text('output-format = "github"\n')
    assert main(["lint", "--statistics", str(node)]) == 2
    assert "add --output-format text" in capsys.readouterr().err
    assert main(["lint", "--statistics", "--output-format", "text", str(node)]) == 0
    assert capsys.readouterr().out.split()[:3] == ["1", "XC004", "warning"]


def test_cib_validate_of_a_later_schema_is_unchecked_not_invalid(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A CIB that ``cib convert --to current`` wrote (pacemaker-3.9) was reported by
    ``cib validate`` as an invalid CIB, exit 1: xencfg holds no schema for it, so it is
    not checked (exit 2, crm_verify named), and the other files are still checked."""
    new = tmp_path / "new.xml"
    new.write_text(
        '<cib validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">'
        "<configuration><crm_config/><nodes/><resources/><constraints/></configuration>"
        "<status/></cib>\n"
    )
    example = ROOT / "examples" / "two-node" / "alpha" / "var" / "lib" / "heartbeat" / "crm"
    assert main(["cib", "validate", str(new), str(example / "cib.xml")]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "crm_verify" in err and f"{example / 'cib.xml'}: valid" in err


def test_a_suppression_naming_no_rule_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``# xencfg: ignore-file[IS999,IS007]``: IS999 is no rule, and the comment was taken
    without a word (a typo such as ``IS04`` silences nothing). Now stderr says where, as
    ruff warns of an unknown code in a ``# noqa``; the known code still works."""
    text = "# xencfg: ignore-file[IS999,IS007]\nTarget iqn.2006-07.com.example:d\n"
    node = tree(tmp_path / "n", {"etc/ietd.conf": text + "\tLun 0 Path=/dev/vg/x,Type=blockio\n"})
    assert main(["lint", str(node)]) == 0
    out, err = capsys.readouterr()
    assert "IS007" not in out
    where = display_path(node / "etc" / "ietd.conf")
    assert f"{where}:1:3: no rule has the code 'IS999'" in err
    main(["lint", "-q", str(node)])
    assert capsys.readouterr().err == ""


def test_a_role_for_a_name_nothing_has_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--role stroage=storage`` (a typo) was taken in silence: the role applied to no
    node and the checks it was meant to change ran as before. A name no tree has and no
    file mentions is now reported; a real node's role is not."""
    san = tree(tmp_path / "san1", {"etc/ietd.conf": "Target iqn.2006-07.com.example:d\n"})
    assert main(
        ["lint", "-q", "--role", "stroage=storage", "--role", "san1=storage", str(san)]
    ) in (0, 1)
    assert capsys.readouterr().err == ""  # -q
    main(["lint", "--role", "stroage=storage", "--role", "san1=storage", str(san)])
    err = capsys.readouterr().err
    assert "--role: no node tree and no file names 'stroage'" in err and "'san1'" not in err


def test_position_past_the_end_is_the_end() -> None:
    """``doc.position(offset)`` past the source's end gave ``(24, 999999505)``."""
    import xencfg

    doc = xencfg.loads("resource r0 {\n}\n", "drbd")
    assert doc.position(10**9) == doc.position(len(doc.source)) == (3, 1)
    assert doc.position(0) == (1, 1)


def test_a_baseline_in_a_missing_folder_names_the_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--baseline /no/such/dir/bl.json`` said "cannot create a temporary file": the user
    asked for no temporary file; the folder that is missing is what to say."""
    node = tree(tmp_path / "n", {"etc/multipath.conf": MP_WARN})
    target = tmp_path / "gone" / "bl.json"
    assert main(["lint", "--baseline", str(target), str(node)]) == 2
    err = capsys.readouterr().err
    assert f"{target}: cannot write into {tmp_path / 'gone'}: No such file" in err
    assert "temporary" not in err


def test_rules_write_docs_into_an_impossible_folder_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``xencfg rules --write-docs /proc/x`` ended in a FileNotFoundError traceback."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert main(["rules", "--write-docs", str(blocker / "docs")]) == 2
    err = capsys.readouterr().err
    assert f"{blocker / 'docs'}: cannot write" in err and "Traceback" not in err


def test_lint_as_an_unknown_format_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``xencfg lint --as nope FILE`` reported an XC002 "finding" at ``FILE:0:0`` and exited
    1 as for a broken configuration; ``xencfg parse --as nope`` is a usage error (2)."""
    f = tmp_path / "x.conf"
    f.write_text("defaults {\n}\n")
    assert main(["lint", "--as", "nope", str(f)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "--as: unknown format 'nope'" in captured.err


def test_two_trees_given_one_name_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--node a=X --node a=Y`` made one node of two trees for lint and graph (every
    cross-node check then compared a node with itself); diff already refused it."""
    x = tree(tmp_path / "x", {"etc/multipath.conf": MP_WARN})
    y = tree(tmp_path / "y", {"etc/multipath.conf": MP_WARN})
    for command in ("lint", "graph"):
        assert main([command, "--node", f"a={x}", "--node", f"a={y}"]) == 2
        assert "--node: two trees are called 'a'" in capsys.readouterr().err
    assert main(["lint", "-q", "--node", f"a={x}", "--node", f"b={y}"]) == 0


def test_stdin_filename_without_dash_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--stdin-filename NAME PATH`` (no ``-``) was dropped in silence."""
    node = tree(tmp_path / "n", {"etc/multipath.conf": MP_WARN})
    assert main(["lint", "--stdin-filename", "/etc/drbd.conf", str(node)]) == 2
    assert "give '-' as a PATH" in capsys.readouterr().err


def test_github_annotation_of_a_whole_file_has_no_line_0() -> None:
    """A file over the size limit (XC002, line 0) was annotated ``line=0,col=0``; the
    runner counts lines from 1, so the annotation is now on the file itself."""
    from xencfg.findings import Finding, Location
    from xencfg.lint.report import as_github

    whole = Finding("XC002", "error", "too large", Location("etc/drbd.conf", 0, 0))
    one = Finding("XC004", "warning", "old", Location("etc/drbd.conf", 3, 0))
    assert as_github([whole, one]) == (
        "::error file=etc/drbd.conf,title=XC002::too large\n"
        "::warning file=etc/drbd.conf,line=3,title=XC004::old\n"
    )


def test_validation_error_has_a_location_as_parse_error_does() -> None:
    """Code that prints ``exc.location`` for a ParseError failed with AttributeError on
    a ValidationError (the CIB against its schema), which has path, line and column too."""
    import xencfg

    err = xencfg.ValidationError("element op: missing id", path="cib.xml", line=3, column=5)
    assert err.location == "cib.xml:3:5" and str(err) == "cib.xml:3:5: element op: missing id"
    parse = xencfg.ParseError("x", path="cib.xml", line=3, column=5)
    assert parse.location == err.location


def test_two_trees_of_one_node_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``xencfg lint sosreport-*/ scc_*/`` (the README's form) over a sosreport and a
    supportconfig of the same two machines made each machine one node holding both
    captures: every DRBD resource "defined a second time" (DR017), its port, minor and
    disk "already used" (DR001-DR003), 38 errors where each capture alone has a few,
    and no word why. Lint now says which trees share a node's name."""
    ex = ROOT / "examples"
    main(["lint", str(ex / "sosreport"), str(ex / "supportconfig")])
    err = capsys.readouterr().err
    assert "2 trees are node 'alpha'" in err and "2 trees are node 'beta'" in err
    main(["lint", str(ex / "sosreport")])
    assert "trees are node" not in capsys.readouterr().err


def test_parse_of_a_folder_points_to_lint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``xencfg parse /etc`` said "not a regular file"; it now says parse reads one file
    and lint reads trees."""
    assert main(["parse", str(tmp_path)]) == 2
    assert "parse reads one file ('xencfg lint' reads trees)" in capsys.readouterr().err


def test_authkeys_built_in_code_is_one_heartbeat_reads(tmp_path: Path) -> None:
    """docs/formats/authkeys.md: ``doc.set_key(2, "sha1", key); doc.selected = 2``. On a
    new document that wrote ``2 sha1 KEY`` then ``auth 2``: heartbeat reads only the keys
    after ``auth`` (lint said XC005 and HB009 of xencfg's own output). The ``auth`` line
    now goes before the first key line; an existing one is edited in place."""
    import xencfg
    from xencfg.formats.lines.authkeys import AuthkeysDocument

    doc = AuthkeysDocument()
    doc.set_key(2, "sha1", "0123456789abcdef0123")
    doc.selected = 2
    text = xencfg.dumps(doc)
    assert text == "auth 2\n2 sha1 0123456789abcdef0123\n"
    again = xencfg.loads(text, "authkeys")
    assert again.active is not None and again.active.index == 2
    old = xencfg.loads("auth 1\n1 sha1 abcdefghijklmnop\n", "authkeys")
    old.selected = 1
    assert xencfg.dumps(old) == "auth 1\n1 sha1 abcdefghijklmnop\n"
