"""Rules every format shares: syntax, readability, unknown and deprecated keywords."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import Any

import attrs

from .. import formats
from ..cluster import Loaded
from ..findings import Finding
from ..formats.schema import InForce, Schema, Verdict
from ..problems import KeywordKind, KeywordProblem
from ..suggest import did_you_mean, suggest
from ..versions import XEN_NO_XEND, schema_for
from . import make, rule, twice
from .documents import (
    KeywordChecked,
    RepeatChecked,
    RepeatExplained,
    ValueChecked,
    domu_doc,
)


@rule("XC001", "syntax-error", "error", scope="engine")
def syntax_error() -> Iterator[Finding]:
    """A file does not follow its format's syntax.

    Why it matters: the daemon reading it will refuse it, or (multipath-tools,
    heartbeat) silently ignore part of it, so the cluster runs with a
    configuration nobody wrote.

    Example: ``defaults {`` left without its ``}``, so the ``blacklist`` section
    after it lands inside ``defaults``, where multipath drops it as an invalid
    keyword. A multipath.conf whose sections are only left open at the very end
    gets a warning instead: multipath-tools reads to the end of the file and
    closes them there (parser.c ``process_stream`` logs "missing '}' at end of";
    0.4.x says nothing), so the file works as written. The same holds for a
    drbd.conf whose last ``resource`` or ``common`` lacks only its final ``}``:
    drbdadm (8.3, 8.4 and 9) takes the end of the file as that ``}``. A corosync.conf
    line that is no section, key or ``}`` (``compatibility whitetank`` without its
    colon), text after a section's ``{`` or around a ``}`` (``} # end``) are a warning
    where the corosync in force is older than 3.0 (declared, or shown by the rest of
    the file): coroparse.c before 3.0 skips the line, takes the text after ``{`` into
    the section's name (its settings are lost) and closes a section at any line with a
    ``}``, 3.0 refuses the file; lint checks the rest of the file either way.

    A template (``node {{ item }}``, ``udpport <%= @port %>``, a here-document's
    ``on ${PEER} {``) of a DRBD, heartbeat, corosync, OCFS2, CIB or cman file is reported
    once, at its first placeholder, and nothing else in it is checked: lint the file
    the template renders to. In a node's tree it is an error (the daemon reads it
    unrendered and refuses it); a loose file, such as a role's templates folder holds,
    gets a warning.

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


def _offered(item: Loaded, check: type, method: str) -> Any:
    """The document's ``method``, the one member of protocol ``check``, if it offers
    that check, else None: what ``isinstance(doc, check)`` tells, without typing's
    check, which on Python 3.11 gathers the protocol's members again at each call
    (some 10,000 calls, a tenth of a second, on a node of 2000 DRBD files)."""
    assert method in vars(check), (check, method)
    return getattr(item.doc, method, None)


def keyword_problems(item: Loaded) -> list[KeywordProblem]:
    """The document's keyword problems, computed once per run (each unknown key costs a
    did-you-mean search, and several rules read them)."""
    found: list[KeywordProblem] | None = item.derived.get("keyword_problems")
    if found is None:
        # (KeywordProblem.of: a document class outside xencfg may still hand out tuples)
        problems = _offered(item, KeywordChecked, "keyword_problems")
        found = [KeywordProblem.of(p) for p in problems()] if problems else []
        item.derived["keyword_problems"] = found
    return found


def _keyword_problems(
    item: Loaded, wanted: KeywordKind, refused: bool = False
) -> Iterator[KeywordProblem]:
    """The document's keyword problems of kind ``wanted``: those its daemon refuses
    the file for (``refused``, XC009) or the others (XC003, XC004)."""
    if (wanted in item.doc.refused_keyword_kinds) != refused:
        return
    for p in keyword_problems(item):
        if p.kind == wanted:
            yield p


def _verdicts(item: Loaded, *kinds: str) -> Iterator[tuple[object, str, Verdict, Schema]]:
    """``(node, keyword, verdict, schema)`` for each keyword whose release facts
    (the format's :class:`~xencfg.formats.schema.Schema`) matter for the release
    in force (``item.versions``), of the verdict ``kinds`` asked for."""
    for node, key, verdict, schema in _all_verdicts(item):
        if verdict.kind in kinds:
            yield node, key, verdict, schema


def _in_force(item: Loaded, component: str) -> InForce:
    """The release of ``component`` in force on the item's node, for a schema verdict
    that depends on another component (``Schema.judge``'s ``other``)."""
    return item.versions.of(component, item.node or "")


def _all_verdicts(item: Loaded) -> list[tuple[object, str, Verdict, Schema]]:
    """Every keyword's verdict, judged once per run: XC004, XC008 and XC009 read them
    all (a node of 2000 DRBD resources has some 100,000 keyword uses)."""
    found: list[tuple[object, str, Verdict, Schema]] | None = item.derived.get("verdicts")
    if found is not None:
        return found
    found = item.derived["verdicts"] = []
    schema = schema_for(item.file.format)
    uses = item.keyword_uses()  # (KeywordUsing's, listed once per run)
    if schema is None or uses is None:
        return found
    inforce, other = _in_force(item, schema.component), partial(_in_force, item)
    for ctx, key, node in uses:
        verdict = schema.judge(ctx, key, inforce, other)
        values = getattr(node, "values", None)
        if verdict is None and values:
            verdict = schema.judge_value(ctx, key, inforce)
        if verdict is not None and verdict.kind in ("gone", "deprecated") and values:
            kw = schema.keyword(ctx, key)
            if kw is not None and str(values[0]).strip() in kw.still_acts:
                continue  # (not ignored: the value still acts; the format's rules say how)
        if verdict is not None:
            found.append((node, key, verdict, schema))
    return found


def _refused(kind: str, schema: Schema) -> bool:
    """Whether the daemon refuses the file for this verdict (XC008), not skips a line."""
    return schema.refuses and kind in ("too-new", "gone")


def _readable(item: Loaded, word: str, suggestion: str | None) -> str | None:
    """``suggestion`` for the unknown ``word`` if the release in force reads it; else the
    closest keyword that release reads (or none): a multipath-tools 0.4.7 box is not
    told "did you mean 'uid_attribute'" (0.5.0's), nor a 0.9 one 'getuid_callout'."""
    schema = schema_for(item.file.format)
    if schema is None or not suggestion:
        return suggestion
    inforce, other = _in_force(item, schema.component), partial(_in_force, item)
    if not inforce.known:
        return suggestion

    def read(ctx: str, name: str) -> bool:
        verdict = schema.judge(ctx, name, inforce, other)
        return verdict is None or verdict.kind not in ("too-new", "gone")

    name = suggestion.split()[0]
    where = [ctx for ctx, names in schema.contexts.items() if name in names]
    if any(read(ctx, name) for ctx in where):
        return suggestion
    for ctx in where:  # an old spelling: its successor, where the release reads that
        kw = schema.keyword(ctx, name)
        if kw is None or not kw.renamed_to:
            continue
        new = kw.renamed_to.split()[0]
        if read(kw.where or ctx, new):
            return new
    names = {n for ctx, kws in schema.contexts.items() for n in kws if read(ctx, n)}
    return suggest(word, names)


def _unknown_or_misplaced(item: Loaded, code: str, refused: bool) -> Iterator[Finding]:
    """XC003's and XC009's findings for unknown and misplaced keywords: one check,
    split by whether the format's daemon refuses the file for them (``refused``)."""
    for p in _keyword_problems(item, "unknown", refused):
        why = " (the daemon refuses the file)" if refused else ""
        hint = did_you_mean(_readable(item, p.keyword, p.detail))
        yield make(code, f"unknown keyword '{p.keyword}'{why}{hint}", item.where(p.node))
    read = "is refused here, it is read only in" if refused else "is not read here, only in"
    for p in _keyword_problems(item, "misplaced", refused):
        yield make(code, f"keyword '{p.keyword}' {read}: {p.detail}", item.where(p.node))


@rule("XC003", "unknown-keyword", "warning", formats=("*",))
def unknown_keyword(item: Loaded) -> Iterator[Finding]:
    """A keyword the daemon does not know.

    Why it matters: daemons reject the file (drbdadm) or skip the line with
    a log message nobody reads (multipath-tools, heartbeat), so the setting
    you meant is not in effect.

    Example: ``nodes xen-1 xen-2`` in ha.cf (the directive is ``node``), or
    ``polling_interval`` in a multipath.conf ``device`` section (it is read in
    ``defaults`` only), or ``uid_attribute`` on a declared multipath-tools
    0.4.7 (0.5.0 introduced it; the message names 0.4.7's ``getuid_callout``).

    A keyword Red Hat's build read on an older base than upstream
    (``blacklist_exceptions`` in RHEL 5's device-mapper-multipath 0.4.7, upstream
    0.4.8) is not reported on a node whose /etc holds redhat-release.

    A did-you-mean names only a keyword the release in force reads, where one is
    known: on multipath-tools 0.4.7 ``uid_atribute`` gets no ``uid_attribute``
    (0.5.0's), on 0.9 ``getuid_calout`` gets ``uid_attribute``, not the
    ``getuid_callout`` 0.9 ignores.

    Fix: use the suggested spelling, or remove the line; for a keyword of a
    later release, the spelling of the release you run.
    """
    yield from _unknown_or_misplaced(item, "XC003", refused=False)
    facts = schema_for(item.file.format)
    for p in _keyword_problems(item, "newer"):
        # (a schema judges its own keywords: the verdicts below; lvm.conf's top-level
        # 'section/key' lines are none of them)
        if facts is None or not any(p.keyword in kws for kws in facts.contexts.values()):
            yield make(
                "XC003", f"keyword '{p.keyword}' is known only to {p.detail}", item.where(p.node)
            )
    red_hat: bool | None = None
    for node, key, verdict, schema in _verdicts(item, "too-new", "newer"):
        if verdict.backported is not None:
            if red_hat is None:
                from .multipath import red_hat_node

                red_hat = red_hat_node(item)
            if red_hat:
                continue  # (the node's Red Hat build reads it on the release in force)
        if not _refused(verdict.kind, schema):
            yield make("XC003", f"keyword '{key}': {verdict.message}", item.where(node))


@rule("XC009", "refused-keyword", "error", formats=("*",))
def refused_keyword(item: Loaded) -> Iterator[Finding]:
    """A keyword the daemon does not know, in a format whose daemon then refuses
    the whole file (drbd.conf, ha.cf).

    Why it matters: drbdadm stops at it ("Parse error: 'an option keyword'
    expected, but got ..."), so no resource of the file can be brought up or
    adjusted; heartbeat logs "Illegal directive" and does not start. Formats
    whose daemon skips the line instead (multipath-tools, o2cb) get XC003.

    Example: ``devicex /dev/drbd0;`` in an ``on`` section; ``nodes xen-1 xen-2``
    in ha.cf.

    Fix: use the suggested spelling, move the keyword to the section the
    message names, or remove the line.
    """
    yield from _unknown_or_misplaced(item, "XC009", refused=True)


@rule("XC004", "deprecated-keyword", "warning", formats=("*",))
def deprecated_keyword(item: Loaded) -> Iterator[Finding]:
    """A keyword older releases read and later ones read under another name, ignore or reject.

    Why it matters: after an upgrade the setting silently stops applying
    (multipath-tools 0.9 drops ``default_selector``, ``udev_dir``, ...). The
    advice is for the release in force: the one declared
    (``[tool.xencfg.versions]``, ``--target drbd=8.3``), else what the files
    show; it names a replacement only where that release reads it, and says
    which release the advice is for. An 8.3 cluster is never told to write
    ``resync-rate``, a multipath-tools 0.4.7 one never ``uid_attribute``.
    Where the release in force may still be one that takes the keyword as its
    own spelling (``syncer`` where the files say "DRBD before 9.0", which 8.3
    is), the finding is info: advice for the upgrade, not a fault of today's
    configuration.

    Example: ``default_getuid_callout "/sbin/scsi_id -g -u -s /block/%n"``;
    ``syncer { rate 40M; }`` on DRBD 8.4.

    Fix: use the replacement the message names, or drop the line; or declare
    the release you run, for advice about it.
    """
    for node, key, verdict, schema in _verdicts(item, "deprecated", "gone"):
        if not _refused(verdict.kind, schema):
            severity = "info" if verdict.unsure else None
            message = f"deprecated keyword '{key}': {verdict.message}"
            yield make("XC004", message, item.where(node), severity=severity)
    facts = schema_for(item.file.format)
    for p in _keyword_problems(item, "deprecated"):
        kw = facts.keyword("top", p.keyword) if facts is not None else None
        if facts is not None and (kw is None or not kw.obsolete or kw.retired is not None):
            continue  # (the schema's release facts decide: the verdicts above)
        key, suggestion, severity = p.keyword, p.detail, None
        if not suggestion:
            # not "no effect": heartbeat 3.0.6 refuses to start on hbaping or normalpoll
            hint = "; later releases ignore or refuse it: drop the line"
        elif " " in suggestion:  # a sentence, naming the release (drbd.conf)
            hint = f": {suggestion}"
        else:
            hint, severity = _use(item, key, suggestion)
        message = f"deprecated keyword '{key}'{hint}"
        yield make("XC004", message, item.where(p.node), severity=severity)


def _use(item: Loaded, key: str, new: str) -> tuple[str, str | None]:
    """``; use 'NEW'``, for the release in force, and the finding's severity: where NEW
    came later than the old key (the format's SCHEMA says ``renamed_since``), no release
    that reads only the old key is told to write NEW (open-iscsi 2.0-865 ignores
    ``lu_reset_timeout``); on such a release the old key is advice for the upgrade
    (info), as XC004's schema verdicts make it."""
    fmt = item.file.format
    schema: Schema | None = getattr(formats.module(fmt), "SCHEMA", None) if fmt else None
    kw = schema.keyword("top", key) if schema is not None else None
    since = kw.renamed_since if kw is not None else None
    if schema is None or since is None:
        return f"; use '{new}'", None
    inforce = item.versions.of(schema.component, item.node or "")
    if inforce.at_least(since):
        return f"; use '{new}' (advice for {inforce.describe(schema.product)})", None
    if inforce.older_than(since):
        return (
            f": {schema.product} {since} and later read '{new}' instead; the release in "
            f"force ({inforce.describe(schema.product)}) reads only '{key}': keep it while "
            "that runs",
            "info",
        )
    return (
        f"; from {schema.product} {since} on use '{new}' (older releases ignore that: "
        f"keep '{key}' while one runs)",
        None,
    )


@rule("XC008", "not-in-release", "error", formats=("drbd", "xm", "hacf"))
def not_in_release(item: Loaded) -> Iterator[Finding]:
    """Syntax the release in force does not read, where its daemon then refuses the file.

    Why it matters: drbdadm stops at the first keyword its release does not
    know ("Parse error: 'an option keyword' expected, but got 'resync-rate'")
    and brings no resource up; xl, the only toolstack from Xen 4.5 on (xend
    and xm were removed), refuses a domU config holding Python ("config
    parsing error near `os'"), so the domU does not start; heartbeat logs "Illegal
    directive" for an ha.cf directive of a later release (``pacemaker``, 3.0.4's) and
    does not start. The release in
    force is the declared one (``[tool.xencfg.versions] drbd = "8.3"``,
    ``--target xen=4.17``), else what the files themselves show; with nothing
    known there is no finding.

    Example: ``disk { resync-rate 40M; }`` on DRBD 8.3 (8.4 introduced it);
    ``syncer { rate 40M; }`` on DRBD 9 (drbdadm 9 refuses it);
    ``import os`` or ``memory = 512 * 2`` in a domU config on Xen 4.17;
    ``pacemaker on`` in ha.cf on heartbeat 2.1.4.

    Where the release of another component decides (drbd-utils 9.29's drbdadm
    reads a DRBD 9 ``syncer`` section's ``rate`` and ``c-*`` options and a
    ``disk`` section's ``fencing``, older ones refuse them) and it is not
    declared (``--target drbd-utils=9.22``), the finding is a warning.

    Fix: write what the release you run reads (the message names it), or
    correct the declared release.
    """
    if item.file.format == "xm":
        xen = item.versions.of("xen", item.node or "")
        if xen.at_least(XEN_NO_XEND):
            for code in domu_doc(item).code:
                # (the statement itself is not quoted: it may compute a password)
                yield make(
                    "XC008",
                    f"Python code: xl refuses the file ({xen.describe('Xen')} has no xm, the "
                    f"only toolstack that ran Python); write literal assignments",
                    item.where(code),
                )
        return
    for node, key, verdict, schema in _verdicts(item, "too-new", "gone"):
        if _refused(verdict.kind, schema):
            found = make("XC008", f"keyword '{key}': {verdict.message}", item.where(node))
            # (another component's unknown release decides: advice, not an error)
            yield attrs.evolve(found, severity="warning") if verdict.unsure else found


@rule("XC005", "bad-value", "error", formats=("*",))
def bad_value(item: Loaded) -> Iterator[Finding]:
    """A value of the wrong type, out of range, or one the daemon reads differently.

    Why it matters: daemons refuse the file (drbdadm: "not a valid IP
    address"), or take a default in its place without a word (heartbeat, IET),
    so the cluster does not run with the value you wrote.

    Example: ``address 10.0.0.300:7788;`` in drbd.conf; ``deadtime 1`` with
    ``keepalive 2`` in ha.cf.

    A value the daemon accepts and works with but reads differently from what
    is written (heartbeat skips the words after ``auth 1`` or after a key,
    wraps ``udpport 70000`` to port 4464) is reported as a warning: nothing
    fails, but the line does not say what runs.

    A value the daemon refuses only from some release on (xl's ``pci`` from Xen
    4.6) is an error where that release or a later one is in force, a warning
    while the release is unknown, and nothing on older releases; one some
    releases took again (xl 4.7 to 4.9 took ``device_model_version = "none"``)
    is nothing on those.
    One that only older releases read cut short (multipath-tools before 0.9
    run an unquoted ``getuid_callout /sbin/scsi_id -g -u -s /block/%n`` as
    ``/sbin/scsi_id``) is nothing where the release in force no longer reads
    the keyword at all.

    Fix: write a value of the type and range the message names.
    """
    problems = _offered(item, ValueChecked, "value_problems")
    if problems is None:
        return
    for p in problems():
        node, message = p
        found = make("XC005", message, item.where(node))
        warn = getattr(p, "harmless", False)
        since = getattr(p, "since", None)
        if since is not None:
            refused = p.refused_in(item.versions.of(since[0], item.node or ""))
            if refused is False:
                continue  # (the releases in force read the value)
            warn = warn or refused is None
        yield attrs.evolve(found, severity="warning") if warn else found


@rule("XC007", "setting-repeated", "warning", formats=("*",))
def setting_repeated(item: Loaded) -> Iterator[Finding]:
    """A setting that is read once appears again; the later line silently wins.

    Why it matters: whoever reads the file sees the first value and believes
    it; the daemon uses the last. Edits to the first line then change nothing.

    Example: ``deadtime 30`` near the top of ha.cf and ``deadtime 10`` at the end.
    (lvm.conf is the exception: LVM2 2.02 reads the *first* of repeated names and
    ignores a repeated section whole; later releases read the last.)

    Fix: keep one line per setting.
    """
    repeated = _offered(item, RepeatChecked, "repeated")
    if repeated is None:
        return
    # a format whose daemon reads another line than the last (LVM2 2.02: the first)
    says = _offered(item, RepeatExplained, "repeat_message")
    for later, first in repeated():
        key = getattr(later, "key", "?")
        yield twice(
            "XC007",
            says(later)
            if says is not None
            else f"'{key}' is set again; the daemon uses this line, not the earlier one",
            item,
            later,
            first,
        )
