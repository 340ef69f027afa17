"""``xencfg lint`` as a command: settings, discovery, baseline, output, exit status.

Kept apart from :mod:`xencfg.cli` (argument parsing) and :mod:`xencfg.lint` (the
engine) so that each stays small. Exit status: 0 clean, 1 findings of error
severity (any finding with ``strict``; none with ``exit-zero``), 2 usage error or
nothing that could be checked: paths that hold nothing xencfg reads (each such
path is named, also beside paths that do), a file whose format is unknown, an
unknown code or setting, a missing path.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .. import config, formats
from ..discover import Discovery, SourceFile, discover, trees_around
from ..errors import XencfgError
from ..findings import Finding
from ..live import summary as live_summary
from . import baseline as baselines
from . import engine, report

if TYPE_CHECKING:
    from ..cluster import Cluster
    from ..versions import Versions

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _say(message: str) -> None:
    """One line to standard error (a file name in it with a newline stays one line)."""
    print(f"xencfg: {report.shown(message)}", file=sys.stderr)


def _stdin_file(args: argparse.Namespace) -> tuple[SourceFile, str]:
    """The file read from ``-``: its text, named ``--stdin-filename`` (default ``-``),
    in the format ``--as`` gives or the name and content say."""
    from ..syntax.source import MAX_FILE_SIZE

    name = args.stdin_filename or "-"
    # (bounded as a file is: ``- < /dev/zero`` grew to gigabytes until the kernel killed it)
    raw = sys.stdin.buffer.read(MAX_FILE_SIZE + 1)
    if len(raw) > MAX_FILE_SIZE:
        raise XencfgError(f"{name}: standard input is over the {MAX_FILE_SIZE}-byte limit")
    text = raw.decode("utf-8", "surrogateescape")
    fmt = args.format or formats.detect(args.stdin_filename, text)
    if fmt is None:
        raise XencfgError(
            f"{name}: format not recognised (name it with --as FORMAT or --stdin-filename PATH)"
        )
    return SourceFile(Path(name), name, fmt, None), text


def _within(path: Path, folder: str) -> bool:
    full, top = os.path.abspath(path), os.path.abspath(folder)
    return full == top or full.startswith(top.rstrip(os.sep) + os.sep)


def _discover(
    args: argparse.Namespace, paths: list[str], names: dict[str, str]
) -> tuple[Discovery, dict[str, str], set[str] | None]:
    """What to lint, the texts of files not on disk (stdin), and in ``--context`` mode
    the files whose findings are reported."""
    texts: dict[str, str] = {}
    if args.context:
        found = discover([args.context], names)
        if not any(f.format is not None for f in found.files()):
            found = discover(trees_around(paths) or [args.context], names)
        in_tree = {os.path.abspath(f.path) for f in found.files()}
        extra = [p for p in paths if os.path.abspath(p) not in in_tree and os.path.isfile(p)]
        if extra:  # a config file outside any tree (an Ansible repo): check it alone
            alone = discover(extra, names)
            found.loose.extend(f for f in alone.loose if f.format is not None)
        return found, texts, {os.path.abspath(p) for p in paths}
    on_disk = [p for p in paths if p != "-"]
    found = discover(on_disk, names)
    if args.format is not None:
        for f in found.files():
            f.format = args.format
        # --as names the format: content detection failing is no longer news
        found.skipped = [s for s in found.skipped if s.reason != "format not recognised"]
    if "-" in paths:
        file, text = _stdin_file(args)
        found.loose.append(file)
        texts[file.display] = text
    if getattr(args, "live", False):
        from .. import live

        live.attach(found, live.capture())
    return found, texts, None


def _nothing_checked(
    args: argparse.Namespace, paths: list[str], found: Discovery
) -> tuple[list[str], bool]:
    """What to say about the paths given that hold nothing xencfg reads, and whether a
    file named on the command line has a format xencfg does not recognise."""
    problems = []
    unrecognised = False
    files = [f for f in found.files() if f.format is not None]
    for s in found.skipped:
        if s.path in paths and s.reason == "format not recognised":
            from .. import live

            unrecognised = True
            said = live.layout_hint(s.path) or "format not recognised (name it with --as FORMAT)"
            problems.append(f"{s.path}: {said}")
    for p in paths:
        if p == "-" or not os.path.isdir(p):
            continue
        if not any(_within(f.path, p) for f in files):
            why = next((s.reason for s in found.skipped if s.path == p), "no file xencfg reads")
            problems.append(f"{p}: nothing to check there ({why})")
    return problems, unrecognised


def _related_to(f: Finding, wanted: set[str]) -> bool:
    return any(os.path.abspath(loc.path) in wanted for loc in (f.location, *f.related))


def _settings_baseline(settings: config.Settings, name: str) -> Path:
    """The baseline a settings file names, which stays below the settings file's folder:
    the file is the linted tree's (someone else's, in CI or a pre-commit hook), and a
    missing baseline is written, so ``baseline = "/etc/cron.d/x"`` made lint create
    that file, quoting the tree's text in it. ``--baseline FILE`` may name any place."""
    base = settings.base
    where = base / name
    try:
        inside = where.resolve().is_relative_to(base.resolve())
    except (OSError, RuntimeError):  # a name too long, a symlink loop
        inside = False
    if not inside:
        raise config.SettingsError(
            f"{settings.path}: setting 'baseline': {name!r} is not below {base}"
            " (a settings file names a baseline in its own tree; --baseline FILE for others)"
        )
    return where


def _notes(
    found: Discovery,
    result: engine.LintResult,
    declared: dict[str, tuple[str, ...]],
    given: dict[str, tuple[str, ...]],
    settings_path: Path | None,
) -> list[str]:
    """What the run took in silence that its user should hear (on stderr, not findings:
    each is about the command or the comments, not the configuration)."""
    from .suppress import unknown_codes

    notes = []
    named: dict[str, list[str]] = {}
    for tree in found.nodes:
        named.setdefault(tree.name, []).append(str(tree.root))
    for name, roots in sorted(named.items()):
        if len(roots) > 1:
            # two captures of one machine (a sosreport and a supportconfig): every
            # cross-node check would see each resource defined twice on that node
            notes.append(
                f"{len(roots)} trees are node {name!r} ({', '.join(roots)}): their files"
                " are checked as one node's (a resource in both is 'defined twice');"
                " lint one capture of each node at a time"
            )
    for name in sorted({**declared, **given}):
        # a role for a name no tree has and no file mentions is a typo: it applies to
        # nothing, and the checks it should have changed run as if it were not there
        if name not in named and not any(name in t for t in result.texts.values()):
            origin = "--role" if name in given else f"nodes in {settings_path}"
            notes.append(
                f"{origin}: no node tree and no file names {name!r}: its role applies to nothing"
            )
    for display in sorted(result.texts):
        for line, col, code in unknown_codes(result.texts[display]):
            notes.append(
                f"{display}:{line}:{col}: no rule has the code {code!r}:"
                " this comment silences nothing"
            )
    return notes


def _release_lines(cluster: Cluster) -> list[str]:
    """``-v``'s release lines: the run's, or each cluster's where the run is a site of
    several (a heartbeat 2.1 target pair beside Pacemaker 1.0 and 1.1 dom0 clusters:
    one line for the site mixed their releases), then each node's that differs."""
    from ..membership import site_clusters

    clusters = site_clusters(cluster)
    versions = cluster.versions
    if len(clusters) < 2:
        return _releases(versions, "")
    lines = []
    for trees in clusters:
        lines += _releases(
            versions.within(cluster.loaded, trees), f" in cluster {', '.join(trees)}"
        )
    rest = [n for n in cluster.nodes if n and not any(n in g for g in clusters)]
    loose = ["the loose files"] if any(not i.node for i in cluster.loaded) else []
    if rest or loose:
        said = f" outside the clusters ({', '.join(rest + loose)})"
        lines += _releases(versions.within(cluster.loaded, [*rest, ""]), said)
    return lines


def _releases(versions: Versions, said: str) -> list[str]:
    """The releases in force (``said``: whose), then each node's that differs."""
    lines = [f"version {c}{said}: {r}" for c, r in versions.describe().items()]
    return lines + [f"version {c} on {n}: {r}" for (c, n), r in versions.describe_nodes().items()]


def lint_command(
    args: argparse.Namespace,
    paths: list[str],
    names: dict[str, str],
    *,
    select: list[str],
    extend_select: list[str],
    ignore: list[str],
    color: bool,
) -> int:
    """Run ``xencfg lint`` with parsed arguments; returns the exit status."""
    settings = config.discover([args.context] if args.context else paths, args.config)
    chosen = (select or settings.select) + settings.extend_select + extend_select
    if not (select or settings.select):
        chosen = []  # no selection: every rule (extend-select adds to nothing)
    ignored = settings.ignore + ignore
    strict = args.strict or settings.strict
    exit_zero = args.exit_zero or settings.exit_zero
    fmt = args.output_format or settings.output_format or "text"
    if args.statistics and fmt != "text":
        # it was dropped in silence: a CI job asking for both got the findings alone
        from ..cli import UsageError

        if args.output_format:
            raise UsageError(f"--statistics prints a text table, not {fmt}: give one of them")
        raise UsageError(
            f"--statistics prints a text table; output-format in {settings.path} asks for"
            f" {fmt}: add --output-format text"
        )
    baseline_file = Path(args.baseline) if args.baseline else None
    if baseline_file is None and settings.baseline:
        baseline_file = _settings_baseline(settings, settings.baseline)

    found, texts, wanted = _discover(args, paths, names)
    if found.missing:
        for m in found.missing:
            _say(f"{m}: no such file or directory")
        return EXIT_USAGE
    if wanted is None:
        problems, unrecognised = _nothing_checked(args, paths, found)
        for p in problems:
            _say(p)
        # a file named that cannot be read, or nothing at all to check: not a pass
        if unrecognised or not any(f.format is not None for f in found.files()):
            if not problems:
                _say("nothing to check in the paths given")
            return EXIT_USAGE

    from ..cli import _roles, _targets

    given_roles = _roles(args)
    result = engine.run_discovered(
        found,
        select=chosen,
        ignore=ignored,
        settings=settings,
        texts=texts,
        roles=given_roles,
        versions=_targets(args),
    )
    findings = result.findings
    if not args.quiet:
        for note in _notes(found, result, settings.nodes, given_roles, settings.path):
            _say(note)
    # fingerprints over every finding of the tree, so that --context (a subset) numbers
    # repeated ones as the whole-tree run that recorded the baseline did
    base = baseline_file.parent if baseline_file is not None else settings.base
    prints = baselines.fingerprints(findings, result.texts, base, result.first_lines)
    if wanted is not None:
        keep = [i for i, f in enumerate(findings) if _related_to(f, wanted)]
        findings, prints = [findings[i] for i in keep], [prints[i] for i in keep]

    known = 0
    if baseline_file is not None:
        try:
            exists = baseline_file.exists()
        except OSError as exc:  # a name too long, a component that is a file
            raise XencfgError(
                f"{baseline_file}: cannot use as a baseline: {exc.strerror}"
            ) from None
        if args.update_baseline or not exists:
            if wanted is not None:  # --context sees the committed files' findings only
                raise XencfgError(
                    f"{baseline_file}: record the baseline over the whole tree first: "
                    f"'xencfg lint --baseline {baseline_file} {args.context}'"
                )
            hide = set() if args.show_secrets else result.secrets
            baselines.write(baseline_file, findings, prints, hide=hide)
            _say(f"recorded {len(findings)} finding(s) in {baseline_file}")
            return EXIT_OK
        old = baselines.read(baseline_file)
        keep = [i for i, fp in enumerate(prints) if fp not in old]
        known = len(findings) - len(keep)
        findings, prints = [findings[i] for i in keep], [prints[i] for i in keep]

    if args.fix or args.diff:
        from .fixes import plan

        fixes = plan(findings, result.cluster)
        if args.diff:
            sys.stdout.write("".join(fx.diff() for fx in fixes))
            return EXIT_FINDINGS if fixes else EXIT_OK
        for fx in fixes:
            fx.apply()
            _say(f"{fx.display}: fixed {', '.join(fx.codes)}")
        if fixes:  # report what is left, as it is now on disk
            args.fix = False
            return lint_command(
                args,
                paths,
                names,
                select=select,
                extend_select=extend_select,
                ignore=ignore,
                color=color,
            )

    files = [f.display for f in result.files if f.format is not None]
    if args.verbose:
        # (file names are the tree's: a newline in one forged a line of its own, such as
        # a GitHub workflow command '::error ...' in a CI log; shown as the report shows)
        shown = report.shown
        model = result.cluster.model
        for node in found.nodes:
            info = model.node(node.name) if node.name else None
            roles = ", ".join(sorted(info.roles)) if info is not None and info.roles else "none"
            print(shown(f"node {node.name}: {node.root} (roles: {roles})"), file=sys.stderr)
        for f in result.files:
            print(shown(f"read {f.display} as {f.format} (node {f.node or '-'})"), file=sys.stderr)
        for s in found.skipped:
            print(shown(f"skipped {s.path}: {s.reason}"), file=sys.stderr)
        for line in _release_lines(result.cluster):
            print(line, file=sys.stderr)
    context = report.Context(
        nodes={f.display: f.node for f in result.files},
        skipped=[(s.path, s.reason) for s in found.skipped],
        fingerprints=prints,
        color=color,
        live=live_summary(result.cluster) if fmt == "json" else {},
    )
    if fmt == "text" and args.statistics:
        text = report.statistics(findings)
    else:
        text = report.render(findings, files, fmt, context)
    if not args.show_secrets:
        from ..secrets import redact

        text = redact(text, result.secrets)
    sys.stdout.write(text)
    if fmt == "text" and not args.quiet:
        line = report.summary(findings, len(files))
        if known:
            line += f" ({known} known finding(s) in {baseline_file} not shown.)"
        print(line, file=sys.stderr)
    if exit_zero:
        return EXIT_OK
    if any(f.severity == "error" for f in findings) or (strict and findings):
        return EXIT_FINDINGS
    return EXIT_OK
