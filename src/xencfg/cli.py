"""The ``xencfg`` command line.

Exit codes (as ruff and yamllint): 0 clean, 1 findings of error severity (any
finding with ``--strict``), 2 usage error or unreadable input. No traceback
reaches the user for bad input: every :class:`XencfgError` becomes one line on
stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from . import __version__
from .errors import XencfgError

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="xencfg",
        description="Parse, convert and lint the configuration of Xen HA clusters.",
    )
    p.add_argument("--version", action="version", version=f"xencfg {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    sp = sub.add_parser("parse", help="print a file's typed model as JSON")
    sp.add_argument("file")
    sp.add_argument("--as", dest="format", metavar="FORMAT", help="format (default: detected)")
    sp.add_argument("--show-secrets", action="store_true", help="do not mask keys and passwords")

    lp = sub.add_parser("lint", help="check node trees, /etc folders or files")
    lp.add_argument("paths", nargs="+", metavar="PATH")
    lp.add_argument(
        "--node",
        action="append",
        default=[],
        metavar="NAME=PATH",
        help="name the node whose root is PATH (default: etc/hostname, else folder)",
    )
    lp.add_argument(
        "--as",
        dest="format",
        metavar="FORMAT",
        help="read every given file as FORMAT (for files with odd names)",
    )
    lp.add_argument("--output-format", choices=("text", "json", "sarif", "github"))
    lp.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="only these rule codes or prefixes (comma-separated)",
    )
    lp.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODES",
        help="skip these rule codes or prefixes (comma-separated)",
    )
    lp.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    lp.add_argument("--show-secrets", action="store_true", help="do not mask secrets")
    lp.add_argument("-v", "--verbose", action="store_true", help="say which files were read")

    rp = sub.add_parser("rules", help="list the rules, or print one rule's documentation")
    rp.add_argument("code", nargs="?")
    rp.add_argument("--write-docs", metavar="DIR", help="write the Markdown rule catalogue to DIR")

    sub.add_parser("formats", help="list the formats xencfg reads")

    gp = sub.add_parser("graph", help="draw the cluster's dependency graph (DOT, SVG, PNG)")
    gp.add_argument("paths", nargs="+", metavar="PATH")
    gp.add_argument("--node", action="append", default=[], metavar="NAME=PATH")
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

    cp = sub.add_parser("cib", help="validate or convert CIB files")
    csub = cp.add_subparsers(dest="cib_command", metavar="ACTION")
    cv = csub.add_parser("validate", help="validate against crm.dtd / the pacemaker-1.0 schema")
    cv.add_argument("files", nargs="+", metavar="FILE")
    cc = csub.add_parser("convert", help="convert a heartbeat v2 CIB to Pacemaker 1.0")
    cc.add_argument("file")
    cc.add_argument("-o", "--output", metavar="OUT", help="write here (default: stdout)")
    cc.add_argument("--check", action="store_true", help="only report what would change")
    cc.add_argument("--report", choices=("text", "json"), default="text")
    cc.add_argument(
        "--show-secrets",
        action="store_true",
        help="do not mask passwords in the JSON report (the converted CIB always keeps them)",
    )
    cc.add_argument(
        "--pacemaker-1.1",
        dest="pacemaker11",
        action="store_true",
        help="also apply the Pacemaker 1.0 -> 1.1 option moves",
    )
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "parse":
            return _parse(args)
        if args.command == "lint":
            return _lint(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "formats":
            return _formats()
        if args.command == "graph":
            return _graph(args)
        if args.command == "cib":
            return _cib(args)
    except XencfgError as exc:
        print(f"xencfg: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    _parser().print_help(sys.stderr)
    return EXIT_USAGE


def _parse(args: argparse.Namespace) -> int:
    from . import api
    from .secrets import redact

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
            raise XencfgError(f"--node wants NAME=PATH, got {spec!r}")
        names[path] = name
    return list(args.paths) + [p for p in names if p not in args.paths], names


def _graph(args: argparse.Namespace) -> int:
    from pathlib import Path

    from . import graph, lint

    paths, names = _nodes(args)
    result = lint.run(paths, names=names)
    if result.discovery.missing:
        raise XencfgError(f"{result.discovery.missing[0]}: no such file or directory")
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


def _lint(args: argparse.Namespace) -> int:
    from . import config, lint, report

    _, settings = config.find()
    paths, names = _nodes(args)
    select = _split(args.select) or list(settings.get("select", []))
    ignore = _split(args.ignore) or list(settings.get("ignore", []))
    strict = args.strict or bool(settings.get("strict", False))
    fmt = args.output_format or settings.get("output-format", "text")
    result = lint.run(paths, names=names, select=select, ignore=ignore, force_format=args.format)
    if result.discovery.missing:
        for m in result.discovery.missing:
            print(f"xencfg: {m}: no such file or directory", file=sys.stderr)
        return EXIT_USAGE
    unrecognised = False
    for s in result.discovery.skipped:
        if s.path not in args.paths:
            continue
        if s.reason == "format not recognised":
            unrecognised = True
            print(
                f"xencfg: {s.path}: format not recognised (name it with --as FORMAT)",
                file=sys.stderr,
            )
        elif not args.verbose:  # a folder given that holds nothing we read: say so
            print(f"xencfg: {s.path}: nothing checked there: {s.reason}", file=sys.stderr)
    files = [f.display for f in result.files if f.format is not None]
    if args.verbose:
        for node in result.discovery.nodes:
            print(f"node {node.name}: {node.root}", file=sys.stderr)
        for f in result.files:
            print(f"read {f.display} as {f.format} (node {f.node or '-'})", file=sys.stderr)
        for s in result.discovery.skipped:
            print(f"skipped {s.path}: {s.reason}", file=sys.stderr)
    text = report.render(result.findings, files, fmt)
    if not args.show_secrets:
        from .secrets import redact

        text = redact(text, result.secrets)
    sys.stdout.write(text)
    if fmt == "text":
        print(report.summary(result.findings, len(files)), file=sys.stderr)
    # a file named on the command line that could not be checked is not a pass
    return EXIT_USAGE if unrecognised else result.exit_code(strict)


def _rules(args: argparse.Namespace) -> int:
    from . import rules

    if args.write_docs:
        from pathlib import Path

        from .rules import catalogue

        for path in catalogue.write(Path(args.write_docs)):
            print(path)
        return EXIT_OK
    if args.code:
        r = rules.get(args.code)
        if r is None:
            raise XencfgError(f"no rule {args.code!r} (see 'xencfg rules')")
        print(f"{r.code} {r.name} ({r.severity})\n\n{r.doc}")
        return EXIT_OK
    for r in rules.all_rules():
        print(f"{r.code:7} {r.severity:8} {r.name:32} {r.summary}")
    return EXIT_OK


def _formats() -> int:
    from . import formats

    for name in formats.FORMATS:
        print(f"{name:14} {formats.info(name).title}")
    return EXIT_OK


def _cib(args: argparse.Namespace) -> int:
    from . import api

    if args.cib_command == "validate":
        from .formats import cib

        bad = 0
        for path in args.files:
            doc = api.load(path, "cib")
            problems = cib.validate(doc)  # type: ignore[arg-type]  # load(.., "cib") is a CibDocument
            for e in problems:
                print(f"{e.path or path}:{e.line}:{e.column}: {e.message}")
            bad += bool(problems)
            if not problems:
                print(f"{path}: valid", file=sys.stderr)
        return EXIT_FINDINGS if bad else EXIT_OK
    if args.cib_command == "convert":
        from .formats.cib import convert as conv
        from .syntax.source import read_text

        source = read_text(args.file)
        result = conv.convert(source, path=args.file, pacemaker11=args.pacemaker11)
        if args.output and not args.check:
            # written before the report: a closed report pipe (``2>&1 | true``) ends
            # the run at the first print, and must not leave OUT unwritten with exit 0
            from .syntax.source import encode
            from .writer import write_atomic

            # converting in place: refuse if the CIB changed since we read it
            same = os.path.exists(args.output) and os.path.samefile(args.output, args.file)
            write_atomic(args.output, encode(result.text), expect=source if same else None)
        if args.report == "json":
            report = json.dumps(result.to_dict(), indent=2)
            if not args.show_secrets:
                from .secrets import redact

                report = redact(report, api.loads(source, "cib").secrets())
            print(
                report,
                file=sys.stderr if not args.check else sys.stdout,
            )
        else:
            for ch in result.changes:
                print(ch.located(args.file), file=sys.stderr)
        if args.check:
            return EXIT_FINDINGS if result.changed else EXIT_OK
        if not args.output:
            sys.stdout.write(result.text)
        return EXIT_OK
    raise XencfgError("cib wants an action: validate or convert")
