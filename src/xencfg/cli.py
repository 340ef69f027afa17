"""The ``xencfg`` command line.

Exit codes (as ruff and yamllint): 0 clean, 1 findings of error severity (any
finding with ``--strict``; none with ``--exit-zero``), 2 usage error (shown with
the subcommand's usage), unreadable input or nothing to check. No traceback
reaches the user for bad input: every :class:`XencfgError` becomes one line on
stderr.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from . import __version__
from .errors import ParseError, XencfgError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(XencfgError):
    """A wrong use of a subcommand: printed with that subcommand's usage."""


def report_formats() -> tuple[str, ...]:
    from .lint.report import FORMATS

    return FORMATS


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="xencfg",
        description="Parse, convert and lint the configuration of Xen HA clusters.",
    )
    p.add_argument("--version", action="version", version=f"xencfg {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    sp = sub.add_parser(
        "parse",
        help="print a file's typed model as JSON",
        description="Print one file's typed model as JSON (what xencfg.load gives a "
        "program), secrets masked. Exit 2 when the file cannot be read or parsed.",
    )
    sp.add_argument("file", metavar="FILE", help="the configuration or status file to read")
    sp.add_argument("--as", dest="format", metavar="FORMAT", help="format (default: detected)")
    sp.add_argument("--show-secrets", action="store_true", help="do not mask keys and passwords")

    lp = sub.add_parser(
        "lint",
        help="check node trees, /etc folders or files",
        description="Check node trees, /etc folders or files ('-': standard input).",
    )
    _node_trees(
        lp,
        "check",
        "PATH",
        "a node's root, its /etc, a folder of node trees, a file, or '-' (standard input)",
        " (default name: etc/hostname, else SUSE's etc/HOSTNAME, else HOSTNAME= of "
        "etc/sysconfig/network, else the folder's name)",
    )
    _role_option(
        lp, "e.g. san1=storage; roles: member, storage, ocfs2, drbd, initiator, relocation"
    )
    lp.add_argument(
        "--as",
        dest="format",
        metavar="FORMAT",
        help="read every given file as FORMAT (for files with odd names, and for '-')",
    )
    _options(
        lp,
        (
            "--stdin-filename",
            "PATH",
            "the name of the file read from '-' (its format and report path)",
        ),
        ("--config", "FILE", "settings file (default: found from PATH upwards)"),
    )
    lp.add_argument(
        "--output-format",
        choices=report_formats(),
        help="text (default), json (stable, version 1), sarif (2.1.0), github "
        "(workflow annotations), junit or codeclimate",
    )
    for flag, what in (  # the rule-code lists, each read by _codes
        ("--select", "only these rule codes or prefixes (comma-separated)"),
        ("--extend-select", "add these rule codes or prefixes to the selection"),
        ("--ignore", "skip these rule codes or prefixes (comma-separated)"),
    ):
        _repeated(lp, flag, "CODES", what)
    _repeated(
        lp,
        "--target",
        "COMPONENT=VERSION",
        "the release a component runs (drbd=8.3, multipath-tools=0.4.7); "
        "overrides [tool.xencfg.versions] and what the files suggest",
    )
    _options(
        lp,
        ("--strict", None, "exit 1 on warnings too"),
        ("--exit-zero", None, "exit 0 even with findings (2 stays 2)"),
        (
            "--baseline",
            "FILE",
            "record the findings in FILE when it does not exist; then report only new ones",
        ),
        ("--update-baseline", None, "record the findings in --baseline FILE"),
        (
            "--context",
            "DIR",
            "check the whole tree at DIR, report only findings in (or related to) "
            "the PATHs given (the pre-commit hook)",
        ),
        (
            "--fix",
            None,
            "make the safe, mechanical fixes the rules know (atomic writes), then lint again",
        ),
        ("--diff", None, "print the fixes --fix would make; write nothing"),
    )
    lp.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report (auto: on a terminal, unless NO_COLOR is set)",
    )
    _options(
        lp,
        ("-q --quiet", None, "print the findings only"),
        ("--statistics", None, "print how many findings of each rule"),
        ("--show-secrets", None, "do not mask secrets"),
        ("-v --verbose", None, "say which files were read"),
        (
            "--live",
            None,
            "also capture this machine's live state (read-only commands: drbdadm status, "
            "multipath -ll, crm_mon, ...) and check it against its files (default PATH: /); "
            "the state belongs to the node rooted at /, so with other PATHs it is a node of "
            "its own, named after this machine, beside them",
        ),
    )

    rp = sub.add_parser(
        "rules",
        help="list the rules, or print one rule's documentation",
        description="List every lint rule (code, severity, name, what it finds), or print "
        "one rule's documentation: what, why it matters, example, fix.",
    )
    rp.add_argument(
        "code",
        nargs="?",
        metavar="CODE",
        help="a rule's code (MP001): its documentation; a prefix (MP): the list of those rules",
    )
    rp.add_argument("--write-docs", metavar="DIR", help="write the Markdown rule catalogue to DIR")

    fp = sub.add_parser(
        "formats",
        help="list the formats xencfg reads",
        description="List the formats xencfg reads (the names --as and xencfg.load take). "
        "The --write-* options regenerate this repository's docs from the format specs.",
    )
    _options(
        fp,
        (
            "--write-docs",
            "DIR",
            "update the table of DIR/index.md from the format specs and each format page's"
            " keyword table from its schema",
        ),
        (
            "--write-hooks",
            "REPO",
            "update the files: pattern of REPO's .pre-commit-hooks.yaml and docs/integration.md",
        ),
        (
            "--write-readme",
            "REPO",
            "update the formats of REPO's README.md ('Supported today') from the format specs",
        ),
        (
            "--write-api",
            "REPO",
            "update the load/loads overloads of REPO's src/xencfg/api.py from the format specs",
        ),
    )

    gp = sub.add_parser(
        "graph",
        help="draw the cluster's dependency graph (DOT, SVG, PNG)",
        description="Draw the cluster's dependency graph from the node trees (the view "
        "lint uses), with lint's findings marked on the elements they concern.",
    )
    _node_trees(gp, "draw", "PATH")
    _role_option(gp, "as for lint")
    gp.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="write here; .svg/.png are rendered with Graphviz (default: DOT on stdout)",
    )
    gp.add_argument(
        "--format",
        choices=("dot", "svg", "png"),
        help="output format (default: from the -o extension, else dot)",
    )
    gp.add_argument("--show-secrets", action="store_true", help="do not mask secrets in labels")

    cp = sub.add_parser(
        "cib",
        help="validate or convert CIB files",
        description="Validate heartbeat 2 / Pacemaker CIB files, or convert a heartbeat 2 CIB "
        "to Pacemaker 1.0, 1.1 or the current schema.",
    )
    csub = cp.add_subparsers(dest="cib_command", metavar="ACTION")
    cv = csub.add_parser(
        "validate",
        help="validate against crm.dtd / the pacemaker-1.0 schema",
        description="Validate each CIB against crm.dtd (heartbeat 2) or the pacemaker-1.0 "
        "schema, as its validate-with says. Exit 1 when one is invalid, 2 when one cannot "
        "be read or names a later schema (pacemaker-2.x, 3.x: use crm_verify).",
    )
    cv.add_argument("files", nargs="+", metavar="FILE", help="CIB files (cib.xml, cibadmin -Q)")
    cc = csub.add_parser(
        "convert",
        help="convert a heartbeat v2 CIB to Pacemaker 1.0, 1.1 or the current schema",
        description="Convert a heartbeat v2 CIB (or a fragment) and say why each line "
        "changed. Exit 0 converted; 1 the output would be invalid (not written: the schema "
        "refuses it, or an error the conversion made), or the CIB is written but carries "
        "an error Pacemaker refuses from the input "
        "('Pacemaker will refuse this CIB: ..., carried from the input line N'), or with "
        "--check there are changes; 2 refused or unreadable input.",
    )
    cc.add_argument("file", metavar="FILE", help="the CIB (or a fragment of one) to convert")
    _plan_options(
        cc,
        ("OUT", "write here (default: stdout)"),
        "only report what would change",
        "the list of changes as text lines (default) or as JSON",
    )
    cc.add_argument(
        "--show-secrets",
        action="store_true",
        help="do not mask passwords in the JSON report (the converted CIB always keeps them)",
    )
    cc.add_argument(
        "--pacemaker-1.1",
        dest="pacemaker11",
        action="store_true",
        help="also apply the Pacemaker 1.0 -> 1.1 option moves (same as --to pacemaker-1.1)",
    )
    cc.add_argument(
        "--to",
        dest="cib_target",
        choices=("pacemaker-1.0", "pacemaker-1.1", "current", "pacemaker-3.9"),
        default=None,
        help="where to stop: pacemaker-1.0 (default), pacemaker-1.1, or current "
        "(pacemaker-3.9, for corosync 3 + Pacemaker 2.1/3)",
    )
    cc.add_argument(
        "--drop-status",
        action="store_true",
        help="leave out the heartbeat-era status section (write an empty <status/>)",
    )
    kp = sub.add_parser(
        "capture",
        help="save this machine's live state (read-only commands) for 'xencfg lint'",
        description="Run read-only commands (cat /proc/drbd, drbdadm status, multipath -ll, "
        "iscsiadm -m session -P 3, crm_mon, cibadmin -Q, xl/xm list, ip -o addr, uname -n, "
        "hostname -f), each with a time limit, and write their output under "
        "DIR/var/lib/xencfg/state/; tools not installed are skipped, refusals kept as text.",
    )
    kp.add_argument("-o", "--output", required=True, metavar="DIR", help="the node root to fill")
    kp.add_argument(
        "--timeout", type=float, default=10.0, metavar="SECONDS", help="per command (10)"
    )
    dp = sub.add_parser(
        "diff",
        help="what differs between two nodes' configuration (settings, not lines)",
        description="Compare two node trees setting by setting: comments and layout are "
        "ignored, DRBD 'on' sections and other named items are matched by name, values "
        "that only name the node itself or its peer are reported as node-specific. "
        "Exit 1 when anything else differs.",
    )
    _node_trees(dp, "compare")
    dp.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or JSON"
    )
    mg = sub.add_parser(
        "migrate",
        help="carry a cluster to today's stack (corosync 3 + Pacemaker, xl, DRBD 8.4/9, LIO): "
        "new files and a report",
        description="Write the cluster's files for today's stack under OUTDIR/NODE/ (nothing "
        "is changed in place) and a report of every rewrite and of what is left to do by "
        "hand (OUTDIR/MIGRATION.md). Offline: no daemon is asked.",
    )
    _node_trees(mg, "migrate")
    _plan_options(
        mg,
        ("OUTDIR", "write OUTDIR/NODE/... here"),
        "print the plan, write nothing",
        "the report as Markdown text (default) or as JSON",
    )
    mg.add_argument(
        "--cluster-name",
        help="corosync's cluster_name (heartbeat had none); refused when the node trees hold "
        "several clusters",
    )
    mg.add_argument(
        "--cib",
        metavar="FILE",
        help="the CIB, if not in a node's var/lib/heartbeat; refused with several clusters",
    )
    mg.add_argument("--show-secrets", action="store_true", help="do not mask secrets")
    _repeated(
        mg,
        "--only",
        "PART[,PART]",
        "migrate only these parts: stack, xen, drbd, iscsi, multipath, iscsid, evms "
        "(default: all the files need)",
    )
    _repeated(
        mg,
        "--to",
        "drbd=8.4|9,pacemaker=1.0|current|RELEASE",
        "target generations (defaults: drbd=8.4, the mainline kernel's; "
        "pacemaker=current, the pacemaker-3.9 schema; a release such as 2.0: the newest "
        "schema it knows)",
    )
    return p


def _node_trees(
    parser: argparse.ArgumentParser,
    verb: str,
    metavar: str = "NODE",
    what: str = "each node's root or /etc",
    more: str = "",
) -> None:
    """The node trees, as lint, graph, diff and migrate take them: the positional
    ``paths``, and ``--node NAME=PATH`` (``verb``: what the command does with a tree)."""
    parser.add_argument("paths", nargs="*", metavar=metavar, help=what)
    _repeated(
        parser, "--node", "NAME=PATH", f"{verb} the node tree at PATH and call that node NAME{more}"
    )


def _plan_options(
    parser: argparse.ArgumentParser, output: tuple[str, str], check: str, report: str
) -> None:
    """``-o``, ``--check`` and ``--report text|json``, as cib convert and migrate take
    them: where the result goes (``output``: its metavar and help), saying what would
    change instead, and the form of the list of changes."""
    metavar, where = output
    parser.add_argument("-o", "--output", metavar=metavar, help=where)
    parser.add_argument("--check", action="store_true", help=check)
    parser.add_argument("--report", choices=("text", "json"), default="text", help=report)


def _options(parser: argparse.ArgumentParser, *rows: tuple[str, str | None, str]) -> None:
    """Plain options, in help order: ``(flags, metavar, help)`` rows, the flags
    blank-separated (``-q --quiet``); an option with a metavar takes a value, one
    without is a switch (``store_true``)."""
    for flags, metavar, what in rows:
        if metavar is None:
            parser.add_argument(*flags.split(), action="store_true", help=what)
        else:
            parser.add_argument(*flags.split(), metavar=metavar, help=what)


def _role_option(parser: argparse.ArgumentParser, more: str) -> None:
    """``--role NAME=ROLE``, as lint and graph take it (read by :func:`_roles`)."""
    _repeated(
        parser,
        "--role",
        "NAME=ROLE",
        f"state a node's role where the files say too little ({more})",
    )


def _repeated(parser: argparse.ArgumentParser, flag: str, metavar: str, what: str) -> None:
    """An option that may be given again and again: the list of its values, in order."""
    parser.add_argument(flag, action="append", default=[], metavar=metavar, help=what)


def _subparser(parser: argparse.ArgumentParser, *names: str) -> argparse.ArgumentParser:
    """The parser of ``xencfg NAME...`` (for its usage line in an error)."""
    for name in names:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction) and name in action.choices:
                parser = action.choices[name]
                break
    return parser


def _pass_bytes_through() -> None:
    """Write a file's non-UTF-8 bytes back out as they were read. xencfg reads them as
    lone surrogates (``surrogateescape``: such bytes survive, the README says); outside
    the C locale Python's UTF-8 stdout is strict, so a finding that quoted such a line
    (or a file name holding such a byte) ended in UnicodeEncodeError, a traceback
    (issue 22, item 7). A stream in another encoding shows them escaped instead."""
    import codecs

    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        try:
            utf8 = codecs.lookup(stream.encoding or "ascii").name == "utf-8"
            reconfigure(errors="surrogateescape" if utf8 else "backslashreplace")
        except (LookupError, ValueError, OSError):
            pass  # (a stream that cannot change keeps its own handler)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``xencfg`` command; ``argv`` ``None`` (the console script, ``python -m
    xencfg``) is the command's own process, which skips the cyclic garbage collector's
    passes over its start-up (:func:`_settled`)."""
    if argv is not None or not gc.isenabled():
        return _main(argv)
    gc.disable()
    try:
        return _main(argv, settle=True)
    finally:
        gc.enable()


def _settled(command: str | None) -> None:
    """Import what ``command`` needs, then freeze it all out of the garbage collector's
    sight, and let it run again.

    A start-up creates only objects that live as long as the process (modules, classes,
    functions, tables): the collector would find no garbage among them, yet the
    collections their allocations set off examined them 60 times over, about 18 ms of
    a cold lint of examples/two-node (issue 21). Frozen, they are never examined again;
    what the command then creates is collected as before. Only the command's own
    process does this: in a caller's process the freeze would also keep that process's
    uncollected garbage for good."""
    try:
        if command == "lint":
            from . import rules
            from .lint import cli  # noqa: F401  (the engine, discovery, the cluster model)

            rules.all_rules()
    finally:
        gc.freeze()
        gc.enable()


def _main(argv: Sequence[str] | None, settle: bool = False) -> int:
    _pass_bytes_through()
    parser = _parser()
    args = parser.parse_args(argv)
    if settle:
        _settled(args.command)
    commands: dict[str, Callable[[argparse.Namespace], int]] = {
        "parse": _parse,
        "lint": _lint,
        "rules": _rules,
        "formats": _formats,
        "graph": _graph,
        "cib": _cib,
        "migrate": _migrate,
        "capture": _capture,
        "diff": _diff,
    }
    run = commands.get(args.command)
    try:
        if run is not None:
            return run(args)
    except UsageError as exc:
        names = [args.command] + ([args.cib_command] if getattr(args, "cib_command", None) else [])
        _subparser(parser, *names).print_usage(sys.stderr)
        print(f"xencfg {' '.join(names)}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except XencfgError as exc:
        # (a snippet quotes the file: its terminal controls shown \xNN, line by line)
        from .syntax.source import shown

        said = "\n".join(shown(line) for line in f"xencfg: {exc}".split("\n"))
        print(said, file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    _parser().print_help(sys.stderr)
    return EXIT_USAGE


def _diff(args: argparse.Namespace) -> int:
    """Compare two node trees; exit 1 when they differ in more than node-specific values."""
    from . import nodediff
    from .syntax.source import shown

    paths, names = _nodes(args)
    if len(paths) != 2:
        raise UsageError(f"give exactly two node trees to compare, not {len(paths)}")
    result = nodediff.diff_nodes(paths[0], paths[1], names)
    if args.format == "json":
        print(result.to_json())
    else:
        # (values quoted from the files: their terminal controls shown \xNN, line by line)
        sys.stdout.write("\n".join(shown(line) for line in result.to_text().split("\n")))
    return EXIT_FINDINGS if result.differs else EXIT_OK


def _migrate(args: argparse.Namespace) -> int:
    """Plan the migration; print the report; write OUTDIR unless --check."""
    from pathlib import Path

    from . import migrate
    from .syntax.source import shown

    paths, names = _nodes(args)
    if not paths:  # (NODE is optional so that --node NAME=PATH alone works, as in lint)
        raise UsageError("give the node trees to migrate (NODE or --node NAME=PATH)")
    for given in (*paths, *([args.cib] if args.cib else [])):
        if not os.path.lexists(given):  # as lint, graph and diff say it
            raise XencfgError(f"{given}: no such file or directory")
    if not args.check and not args.output:
        raise XencfgError("migrate wants -o OUTDIR (or --check for a dry run)")
    if args.output:
        migrate.check_outdir(Path(args.output), paths)
    targets = dict(t.partition("=")[::2] for t in _split(args.to))
    unknown = set(targets) - {"drbd", "pacemaker"}
    if unknown:
        raise XencfgError(
            "--to knows drbd=8.4|9 and pacemaker=1.0|current|RELEASE, not "
            f"{', '.join(sorted(unknown))}"
        )
    only = tuple(_split(args.only)) or None
    m = migrate.plan(
        paths,
        names,
        args.cluster_name,
        args.cib,
        only,
        targets.get("drbd", "8.4"),
        pacemaker_target=targets.get("pacemaker", "current"),
    )
    if args.report == "json":
        print(m.report_json(args.show_secrets))
    else:
        # (file names and values quoted from the trees: terminal controls shown \xNN)
        report = m.report_markdown(args.show_secrets)
        sys.stdout.write("\n".join(shown(line) for line in report.split("\n")))
    if not args.check:
        for path in migrate.write(m, Path(args.output), paths, args.show_secrets):
            print(shown(f"wrote {path}"), file=sys.stderr)
    return EXIT_OK


def _parse(args: argparse.Namespace) -> int:
    import json

    from . import api
    from .secrets import redact

    if os.path.isdir(args.file):  # ("not a regular file" left the admin guessing)
        raise UsageError(f"{args.file}: a folder; parse reads one file ('xencfg lint' reads trees)")
    doc = api.load(args.file, args.format)
    from .syntax.source import json_printable

    text = json.dumps(doc.to_dict(show_secrets=args.show_secrets), indent=2, default=str)
    text = text if args.show_secrets else redact(text, doc.secrets())
    print(json_printable(text))  # an undecodable byte as \\xNN: valid JSON for any reader
    return EXIT_OK


def _split(values: list[str]) -> list[str]:
    return [c.strip() for v in values for c in v.split(",") if c.strip()]


def _nodes(args: argparse.Namespace) -> tuple[list[str], dict[str, str]]:
    """The paths to read and the node names given with ``--node NAME=PATH``."""
    names: dict[str, str] = {}
    for spec in args.node:
        name, sep, path = spec.partition("=")
        if not sep or not name or not path:
            raise UsageError(f"--node wants NAME=PATH, got {spec!r}")
        if name in names.values() and names.get(path) != name:
            # two trees of one name would be one node to every cross-node check
            raise UsageError(f"--node: two trees are called {name!r}")
        names[path] = name
    return list(args.paths) + [p for p in names if p not in args.paths], names


def _roles(args: argparse.Namespace) -> dict[str, tuple[str, ...]]:
    """Node roles given with ``--role NAME=ROLE`` (over the settings' ``nodes``)."""
    from .cluster import parse_roles

    try:
        return parse_roles(getattr(args, "role", []), "--role")
    except XencfgError as exc:
        raise UsageError(str(exc)) from None


def _targets(args: argparse.Namespace) -> dict[str, Any]:
    """Releases given with ``--target COMPONENT=VERSION`` (over the settings' ``versions``)."""
    from . import versions

    try:
        return dict(versions.parse_targets(getattr(args, "target", [])))
    except XencfgError as exc:
        raise UsageError(str(exc)) from None


def _graph(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import graph, lint

    paths, names = _nodes(args)
    if not paths:
        raise UsageError("give the node trees to draw (PATH or --node NAME=PATH)")
    result = lint.run(paths, names=names, roles=_roles(args))
    if result.discovery.missing:
        raise XencfgError(f"{result.discovery.missing[0]}: no such file or directory")
    if next(result.discovery.files(), None) is None:  # (a FIFO, a device, an empty folder)
        raise UsageError("nothing to draw in the paths given")
    fmt = args.format or (Path(args.output).suffix.lstrip(".") if args.output else "dot")
    if fmt not in ("dot", "gv", "svg", "png"):
        raise XencfgError(f"cannot write a graph as {fmt!r}: use .dot, .svg or .png")
    from .secrets import redact

    dot = graph.to_dot(graph.build(result.cluster, result.findings))
    if not args.show_secrets:
        dot = redact(dot, result.secrets)
    data = (
        dot.encode("utf-8", "surrogateescape") if fmt in ("dot", "gv") else graph.render(dot, fmt)
    )
    if args.output:
        from .writer import write_atomic

        write_atomic(args.output, data, mode=0o644)
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return EXIT_OK


def _codes(values: list[str], option: str) -> list[str]:
    """Comma-separated codes from the command line; an unknown one is a usage error
    (``--select XX999`` must not switch every check off in silence)."""
    from .config import check_codes

    codes = _split(values)
    try:
        return check_codes(codes)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _capture(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import live

    if not args.timeout > 0:
        raise UsageError("--timeout wants a positive number of seconds")
    try:  # the output folder first: an unsafe one refused before any command runs
        live.prepare(Path(args.output))
    except OSError as exc:
        raise XencfgError(f"{args.output}: cannot write: {exc}") from None
    results = live.capture(timeout=args.timeout)
    try:
        live.write(results, Path(args.output))
    except OSError as exc:
        raise XencfgError(f"{args.output}: cannot write: {exc}") from None
    for r in results:
        what = " ".join(r.argv or r.command.argvs[0])
        said = r.text.strip().split("\n")[0] if r.status != "ok" else ""
        print(f"{r.status:8} {what}" + (f": {said}" if said else ""), file=sys.stderr)
    return EXIT_OK


def _lint(args: argparse.Namespace) -> int:
    from .lint.cli import lint_command

    if args.update_baseline and not args.baseline:
        raise UsageError("--update-baseline wants --baseline FILE")
    if args.stdin_filename and "-" not in args.paths:
        raise UsageError("--stdin-filename names the file read from '-': give '-' as a PATH")
    if args.format is not None:
        from .formats import FORMATS

        if args.format not in FORMATS:  # (as `xencfg parse --as` says; it was a finding per file)
            raise UsageError(f"--as: unknown format {args.format!r} (see 'xencfg formats')")
    if args.fix and "-" in args.paths:
        raise UsageError("--fix cannot write to standard input (use --diff)")
    paths, names = _nodes(args)
    if args.live and not paths:
        paths = ["/"]
    if not paths and not args.context:
        raise UsageError("give the paths to check (PATH, '-' for standard input, or --node)")
    return lint_command(
        args,
        paths,
        names,
        select=_codes(args.select, "--select"),
        extend_select=_codes(args.extend_select, "--extend-select"),
        ignore=_codes(args.ignore, "--ignore"),
        color=_use_color(args.color),
    )


def _rules(args: argparse.Namespace) -> int:
    from . import rules

    if args.write_docs:
        from pathlib import Path

        from .rules import catalogue

        try:
            for path in catalogue.write(Path(args.write_docs)):
                print(path)
        except OSError as exc:  # a folder that cannot be made or written: no traceback
            raise XencfgError(f"{args.write_docs}: cannot write: {exc.strerror or exc}") from None
        return EXIT_OK
    every = rules.all_rules()
    if args.code:
        r = rules.get(args.code)
        if r is not None:
            print(f"{r.code} {r.name} ({r.severity})\n\n{r.doc}")
            return EXIT_OK
        # a prefix, as --select takes them: `xencfg rules DR` lists the DRBD rules
        every = [r for r in every if r.code.startswith(args.code.upper())]
        if not every:
            raise UsageError(f"no rule {args.code!r} (see 'xencfg rules')")
    width = max(len(r.name) for r in every)  # the longest name still leaves a column
    for r in every:
        print(f"{r.code:7} {r.severity:8} {r.name:{width}} {r.summary}")
    return EXIT_OK


def _formats(args: argparse.Namespace) -> int:
    from . import formats

    if args.write_docs or args.write_hooks or args.write_readme or args.write_api:
        from pathlib import Path

        from .discover import with_files_regex
        from .formats import spec

        todo: list[tuple[Path, Callable[[str], str]]] = []
        if args.write_docs:
            from functools import partial

            from .formats.schema import format_schemas, with_table

            todo.append((Path(args.write_docs) / "index.md", spec.index_page))
            for name, schema in format_schemas().items():
                page = Path(args.write_docs) / formats.info(name).docs
                if page.exists():  # (tests/test_schema.py checks every page has its table)
                    todo.append((page, partial(with_table, schema=schema)))
        for name in (".pre-commit-hooks.yaml", "docs/integration.md") if args.write_hooks else ():
            todo.append((Path(args.write_hooks) / name, with_files_regex))
        if args.write_readme:
            todo.append((Path(args.write_readme) / "README.md", spec.readme))
        if args.write_api:
            todo.append((Path(args.write_api) / "src" / "xencfg" / "api.py", spec.api_module))
        for path, update in todo:
            try:
                path.write_text(update(path.read_text(encoding="utf-8")), encoding="utf-8")
            except (OSError, ValueError) as exc:
                raise UsageError(f"{path}: {exc}") from None
            print(path)
        return EXIT_OK

    width = max(len(name) for name in formats.FORMATS)  # multipath-bindings is 18
    for name in formats.FORMATS:
        print(f"{name:{width}} {formats.info(name).title}")
    return EXIT_OK


def _cib(args: argparse.Namespace) -> int:

    from . import api

    if args.cib_command == "validate":
        from .errors import ValidationError
        from .formats.cib.schema import choose, validate_source

        bad = unchecked = 0
        for path in args.files:
            doc = api.load(path, "cib")
            try:
                choose(doc)
            except ValidationError as exc:
                # a schema xencfg does not hold (pacemaker-3.x): not checked, so not
                # "invalid" (exit 1) either: exit 2 as for any input it cannot check
                print(f"xencfg: {exc}", file=sys.stderr)
                unchecked += 1
                continue
            # unedited as loaded: check the text as read, without rendering the document
            # (a rendering takes parse-time snapshots of every element, ~40x the file)
            problems = validate_source(doc)
            for e in problems:
                print(f"{e.path or path}:{e.line}:{e.column}: {e.message}")
            bad += bool(problems)
            if not problems:
                print(f"{path}: valid", file=sys.stderr)
        return EXIT_USAGE if unchecked else EXIT_FINDINGS if bad else EXIT_OK
    if args.cib_command == "convert":
        from .formats.cib import convert as conv
        from .formats.cib.upgrade import upgrade
        from .syntax.source import read_text

        source = read_text(args.file)
        target = args.cib_target or ("pacemaker-1.1" if args.pacemaker11 else "pacemaker-1.0")
        if args.pacemaker11 and target != "pacemaker-1.1":
            raise UsageError(f"--pacemaker-1.1 and --to {target} contradict each other")
        try:
            result = upgrade(source, path=args.file, target=target, drop_status=args.drop_status)
        except ParseError:
            # the CIB reader words malformed XML as lint, parse and validate do (where an
            # attribute value or a tag was opened), not as lxml's first complaint downstream
            api.loads(source, "cib", path=args.file)
            raise
        except conv.InvalidOutput as exc:  # never written: the schema's words, exit 1
            if args.report == "json":
                invalid = {**exc.conversion.to_dict(), "text": None, "errors": exc.errors}
                print(_json_report(args, source, invalid), file=sys.stderr)
                return EXIT_FINDINGS
            for ch in exc.conversion.changes:
                print(ch.located(args.file), file=sys.stderr)
            for err in exc.errors:
                print(f"{args.file}: converted CIB fails pacemaker-1.0.rng: {err}", file=sys.stderr)
            return EXIT_FINDINGS
        refused = _refused_by_pacemaker(source, result, target)
        if any(not r.carried for r in refused):  # the conversion's own doing: not written
            return _refused_report(args, source, result, refused)
        if args.output and not args.check:
            # written before the report: a closed report pipe (``2>&1 | true``) ends
            # the run at the first print, and must not leave OUT unwritten with exit 0
            from .syntax.source import encode
            from .writer import write_atomic

            # converting in place: refuse if the CIB changed since we read it
            same = os.path.exists(args.output) and os.path.samefile(args.output, args.file)
            write_atomic(args.output, encode(result.text), expect=source if same else None)
        if args.report == "json":
            report = _json_report(args, source, _with_refused(result, refused))
            # on standard output unless that carries the converted CIB (no -o, no --check):
            # `-o new.xml --report json > report.json` must not leave report.json empty
            print(report, file=sys.stdout if args.output or args.check else sys.stderr)
        else:
            for ch in result.changes:
                print(ch.located(args.file), file=sys.stderr)
            for r in refused:
                print(r.located(args.file), file=sys.stderr)
        if not args.check and not args.output:
            sys.stdout.write(result.text)
        return EXIT_FINDINGS if refused or (args.check and result.changed) else EXIT_OK
    raise UsageError("cib wants an action: validate or convert")


def _refused_by_pacemaker(source: str, result: Any, target: str) -> list[Any]:
    """The errors crm_verify would refuse the converted CIB for, for the release the
    target is (the pacemaker-1.0 output is checked against its schema by the conversion
    itself; what is not the schema's, two monitors of one interval, is checked here)."""
    from .formats.cib.upgrade import CURRENT
    from .lint.converted import refusals
    from .versions import PACEMAKER_1, PACEMAKER_1_1

    release = {"pacemaker-1.0": PACEMAKER_1, "pacemaker-1.1": PACEMAKER_1_1}.get(target)
    if release is None and target not in ("current", CURRENT):
        return []
    return refusals(source, result.text, result.changes, release)


def _json_report(args: argparse.Namespace, source: str, report: dict[str, Any]) -> str:
    """A conversion's JSON report, its passwords masked unless ``--show-secrets``."""
    import json

    from . import api
    from .secrets import redact

    shown = json.dumps(report, indent=2)
    return shown if args.show_secrets else redact(shown, api.loads(source, "cib").secrets())


def _with_refused(result: Any, refused: list[Any]) -> dict[str, Any]:
    return {**result.to_dict(), "refused": [r.to_dict() for r in refused]}


def _refused_report(args: argparse.Namespace, source: str, result: Any, refused: list[Any]) -> int:
    """A ``--to current`` result with an error the conversion made: never written, exit 1
    (as a pacemaker-1.0 result its schema refuses)."""
    if args.report == "json":
        shown = {**_with_refused(result, refused), "text": None}
        print(_json_report(args, source, shown), file=sys.stderr)
        return EXIT_FINDINGS
    for ch in result.changes:
        print(ch.located(args.file), file=sys.stderr)
    for r in refused:
        print(r.located(args.file), file=sys.stderr)
    print(f"{args.file}: Pacemaker would refuse the converted CIB: not written", file=sys.stderr)
    return EXIT_FINDINGS
