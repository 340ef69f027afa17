"""Rules every format shares: syntax, readability, unknown and deprecated keywords."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..cluster import Loaded
from ..findings import Finding
from . import make, rule


@rule("XC001", "syntax-error", "error", scope="engine")
def syntax_error() -> Iterator[Finding]:
    """A file does not follow its format's syntax.

    Why it matters: the daemon reading it will refuse it, or (multipath-tools,
    heartbeat) silently ignore part of it, so the cluster runs with a
    configuration nobody wrote.

    Example: ``multipaths {`` opened and never closed.

    Fix: correct the line the message points at; the caret shows the column.
    """
    return iter(())


@rule("XC002", "unreadable-file", "error", scope="engine")
def unreadable() -> Iterator[Finding]:
    """A file that should be read could not be (permissions, not a regular file, too large).

    Why it matters: a check that cannot read a file cannot vouch for it.

    Fix: make the file readable by the user running xencfg, or leave it out.
    """
    return iter(())


@rule("XC006", "rule-failed", "error", scope="engine")
def rule_failed() -> Iterator[Finding]:
    """A check failed on this input instead of giving a verdict (a bug in xencfg).

    Why it matters: the other checks still ran, but this one did not vouch for
    anything; lint exits 1 so the gap is not mistaken for a clean result.

    Fix: report the message and the file to the xencfg developers; set
    ``XENCFG_DEBUG=1`` for the full traceback.
    """
    return iter(())


def keyword_problems(item: Loaded) -> list[tuple[Any, str, Any]]:
    """The document's keyword problems, computed once per run (each unknown key costs a
    did-you-mean search, and four rules read them)."""
    found = item.derived.get("keyword_problems")
    if found is None:
        problems = getattr(item.doc, "keyword_problems", None)
        found = item.derived["keyword_problems"] = list(problems()) if problems else []
    return found


def _keyword_problems(item: Loaded, wanted: str) -> Iterator[tuple[object, str | None]]:
    for node, kind, suggestion in keyword_problems(item):
        if kind == wanted:
            yield node, suggestion


@rule("XC003", "unknown-keyword", "warning", formats=("*",))
def unknown_keyword(item: Loaded) -> Iterator[Finding]:
    """A keyword the daemon does not know.

    Why it matters: daemons reject the file (drbdadm) or skip the line with
    a log message nobody reads (multipath-tools, heartbeat), so the setting
    you meant is not in effect.

    Example: ``nodes xen-1 xen-2`` in ha.cf (the directive is ``node``), or
    ``polling_interval`` in a multipath.conf ``device`` section (it is read in
    ``defaults`` only).

    Fix: use the suggested spelling, or remove the line.
    """
    for node, suggestion in _keyword_problems(item, "unknown"):
        key = getattr(node, "key", "?")
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        yield make("XC003", f"unknown keyword '{key}'{hint}", item.where(node))
    for node, places in _keyword_problems(item, "misplaced"):
        key = getattr(node, "key", "?")
        yield make(
            "XC003",
            f"keyword '{key}' is not read here, only in: {places}",
            item.where(node),
        )
    for node, releases in _keyword_problems(item, "newer"):
        key = getattr(node, "key", "?")
        yield make("XC003", f"keyword '{key}' is known only to {releases}", item.where(node))


@rule("XC004", "deprecated-keyword", "warning", formats=("*",))
def deprecated_keyword(item: Loaded) -> Iterator[Finding]:
    """A keyword older versions accepted and current ones ignore or reject.

    Why it matters: after an upgrade the setting silently stops applying
    (multipath-tools 0.9 drops ``default_selector``, ``udev_dir``, ...).

    Example: ``default_getuid_callout "/sbin/scsi_id -g -u -s /block/%n"``.

    Fix: use the replacement the message names, or drop the line.
    """
    for node, suggestion in _keyword_problems(item, "deprecated"):
        key = getattr(node, "key", "?")
        if not suggestion:
            hint = "; it has no effect now"
        elif " " in suggestion:  # a sentence, naming the release (drbd.conf)
            hint = f": {suggestion}"
        else:
            hint = f"; use '{suggestion}'"
        yield make("XC004", f"deprecated keyword '{key}'{hint}", item.where(node))


@rule("XC005", "bad-value", "error", formats=("*",))
def bad_value(item: Loaded) -> Iterator[Finding]:
    """A value of the wrong type, out of range, or one the daemon reads differently.

    Why it matters: daemons refuse the file (drbdadm: "not a valid IP
    address"), or take a default in its place without a word (heartbeat, IET),
    so the cluster does not run with the value you wrote.

    Example: ``address 10.0.0.300:7788;`` in drbd.conf; ``deadtime 1`` with
    ``keepalive 2`` in ha.cf.

    Fix: write a value of the type and range the message names.
    """
    problems = getattr(item.doc, "value_problems", None)
    if problems is None:
        return
    for node, message in problems():
        yield make("XC005", message, item.where(node))


@rule("XC007", "setting-repeated", "warning", formats=("*",))
def setting_repeated(item: Loaded) -> Iterator[Finding]:
    """A setting that is read once appears again; the later line silently wins.

    Why it matters: whoever reads the file sees the first value and believes
    it; the daemon uses the last. Edits to the first line then change nothing.

    Example: ``deadtime 30`` near the top of ha.cf and ``deadtime 10`` at the end.

    Fix: keep one line per setting.
    """
    repeated = getattr(item.doc, "repeated", None)
    if repeated is None:
        return
    for later, first in repeated():
        key = getattr(later, "key", "?")
        yield make(
            "XC007",
            f"'{key}' is set again; the daemon uses this line, not the earlier one",
            item.where(later),
            [item.where(first)],
        )
