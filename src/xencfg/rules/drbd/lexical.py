"""What drbdadm refuses in one file as it reads it: no-break spaces, words its scanner
splits, quoted values it wants bare, statements and sections a host or a resource
may hold once."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

import attrs

from ...cluster import Loaded
from ...findings import Finding, Location
from ...formats.drbd import DrbdDocument, Host, Resource
from ...formats.drbd.keywords import SCANNER_KEYWORDS
from ...formats.drbd.values import EmptyStatement
from ...syntax.blocks import Block, Entry
from ...syntax.numbers import written
from ...syntax.terminals import TERMINALS
from ...syntax.tree import Node
from ...versions import DRBD_9, DRBD_84
from .. import make, repeats, rule
from .common import _drbd, _on_hosts, hostnames_equal


@rule("DR008", "nbsp-whitespace", "error", formats=("drbd",))
def nbsp_whitespace(item: Loaded) -> Iterator[Finding]:
    """A no-break space (U+00A0) used as white space.

    Why it matters: text pasted from a web page often carries U+00A0 where
    a space or an empty line was. drbdadm's scanner does not take it as
    white space and refuses the file, though it looks right in an editor.

    Fix: replace it with a plain space (``sed -i 's/\\xc2\\xa0/ /g'``).
    """
    doc = _drbd(item)
    lines: dict[int, int] = {}
    for off in doc.nbsp_offsets():
        line = item.where(off).line
        lines[line] = lines.get(line, 0) + 1
    for line in sorted(lines):
        loc = item.where(0)
        yield make(
            "DR008",
            f"U+00A0 (no-break space) used as white space ({lines[line]}x); drbdadm refuses it",
            Location(loc.path, line, 1),
        )


#: The statements a host section may hold once (drbdadm's parse_host_section:
#: ``check_uniq("disk statement", "%s:%s:disk", ...)`` and its kin, in 8.3, 8.4 and 9;
#: ``meta-disk`` and ``flexible-meta-disk`` share one key).
_ONCE_PER_HOST = {
    "device": "device",
    "disk": "disk",
    "address": "address",
    "meta-disk": "meta-disk",
    "flexible-meta-disk": "meta-disk",
    "node-id": "node-id",  # (DRBD 9: "conflicting use of node-id statement")
}


def _once(once: dict[str, str], entry: Entry) -> str | None:
    """The statement kind ``entry`` gives once per host section (``None``: any number)."""
    return once.get(entry.key)


@rule("DR015", "host-statement-repeated", "error", formats=("drbd",))
def host_statement_repeated(item: Loaded) -> Iterator[Finding]:
    """An ``on HOST`` section gives its ``device``, ``disk``, ``address``, meta-disk or
    ``node-id`` twice.

    Why it matters: drbdadm (8.3, 8.4 and 9) refuses the whole file with
    ``conflicting use of disk statement 'r0:beta:disk'``, so no resource of it
    can be brought up or adjusted; a doubled line is the usual trace of a
    copy and paste. (A resource-level ``disk`` or ``meta-disk``, or one in a
    ``volume``, given twice is not refused: the later one wins. A second
    resource-level ``device`` or ``protocol``, section or ``on`` section for
    one host is: see DR018.)

    A ``volume`` inside an ``on`` section that gives the same ``device`` minor
    twice is refused too ("conflicting use of device-minor").

    Example: ``on beta { disk /dev/sda1; disk /dev/sda2; ... }``.

    Fix: keep the one line the host needs.
    """
    doc = _drbd(item)
    before9 = item.versions.of("drbd", item.node or "").older_than(DRBD_9)
    for res in doc.resource_list():
        for host in res.host_list:
            if host.kind not in ("on", "stacked-on-top-of"):
                continue
            once = _ONCE_PER_HOST
            if host.kind == "stacked-on-top-of":
                # parse_stacked_section checks nothing per host (its on_hosts are the
                # lower resource's, filled in later; user/v9/drbdadm_parser.c:1188
                # has the device check commented out): peer-drbdadm 83, 84 and 9 take
                # a second device; a second address 8.x refuses as "conflicting use
                # of IP" (the same ip:port claimed twice), 9 takes it
                once = {"address": "address"} if before9 else {}
            for entry, first in repeats(host.block.entries(), functools.partial(_once, once)):
                key = _ONCE_PER_HOST[entry.key]
                yield make(
                    "DR015",
                    f"resource {res.name}: host section '{host.name}' gives '{key}' "
                    "again; drbdadm refuses the file (conflicting use of "
                    f"{key} statement)",
                    item.where(entry),
                    [item.where(first)],
                )
            if host.kind == "on":
                yield from _volume_minor_repeated(item, res, host)


def _volume_minor_repeated(item: Loaded, res: Resource, host: Host) -> Iterator[Finding]:
    """A ``volume`` of an ``on`` section giving its ``device`` minor twice: drbdadm
    8.4 and 9 claim the host's minor at each statement (check_uniq device-minor in
    parse_volume_stmt) and refuse the second ("conflicting use of device-minor
    'device-minor:alpha:1'"); another repeated volume statement just wins."""
    for vol in host.block.blocks("volume"):
        for entry, first in repeats(vol.entries("device"), _device_minor):
            minor = _device_minor(entry)
            yield make(
                "DR015",
                f"resource {res.name}: volume {' '.join(vol.args)} of host section "
                f"'{host.name}' gives minor {minor} again; drbdadm refuses the file "
                f"(conflicting use of device-minor '{host.name}:{minor}')",
                item.where(vol),  # (drbdadm names the volume section's line)
                [item.where(first), item.where(entry)],
            )


def _device_minor(device: Entry) -> str | None:
    """The minor a ``device`` statement claims (``minor N``, else the path's last
    digits), ``None`` when it names none."""
    vals = device.values
    if "minor" in vals and vals.index("minor") + 1 < len(vals):
        minor = vals[vals.index("minor") + 1]
    else:
        m = re.search(r"(\d+)$", vals[0]) if vals else None
        minor = m.group(1) if m else ""
    return minor or None


#: What drbdadm's scanner reads as one unquoted word (drbdadm_scanner.fl, 8.3 to 9:
#: ``STRING [a-zA-Z0-9/._-]{1,128}``; 8.3 allows 80 characters). Any other character
#: is a token of its own (``{};[]:``) or none at all, and the file is refused.
_PLAIN_WORD = re.compile(r"[A-Za-z0-9/._-]+")
#: Where ``:``, ``[`` and ``]`` are drbdadm's own syntax: addresses (``10.0.0.1:7788``,
#: ``[fd00::1]:7788``; ``drbdsetup show`` spells them after ``_this_host`` and
#: ``_remote_host``) and meta-disk indexes (``/dev/sdb1 [0]``).
_ADDRESS_KEYS = frozenset(
    {"address", "alternate-link-address", "outside", "inside", "host", "floating"}
    | {"_this_host", "_remote_host"}
)
_INDEX_KEYS = frozenset({"meta-disk", "flexible-meta-disk"})
#: The scanner's NUM and IPV4ADDR: such a word is a TK_INTEGER or TK_IPADDR, no name.
_NUMBER_OR_ADDRESS = re.compile(r"[0-9]{1,8}[MKGs]?|([0-9]{1,3}\.){3}[0-9]{1,3}")
#: The statements and section heads whose words are names (resource, host).
_NAME_HEADS = frozenset({"resource", "on", "stacked-on-top-of", "hosts"})
_ADDRESS_WORD = re.compile(r"[A-Za-z0-9/._%:\[\]-]+")
_INDEX_WORD = re.compile(r"[A-Za-z0-9/._\[\]-]+")
#: drbdadm's quoted strings hold at most 255 characters (an escape pair counts one).
_QUOTED_MAX = 255
_ESCAPE_OR_CHAR = re.compile(r"\\.|[^\\]", re.S)


def _tokens(item: Loaded) -> list[tuple[str, str, int]]:
    """drbd.conf's tokens as the grammar reads them: (terminal, text, offset); lexed once
    per run for DR016 and DR019."""
    found: list[tuple[str, str, int]] | None = item.derived.get("drbd:tokens")
    if found is None:
        found = item.derived["drbd:tokens"] = []
        source = _drbd(item).source or ""
        lexer = _drbd_lexer()
        pos = 0
        while pos < len(source):
            m = lexer.match(source, pos)
            if m is None:  # (the file parsed: only a stray character of a recovered one)
                break
            found.append((m.lastgroup or "", m.group(), pos))
            pos = m.end()
    return found


def _lexed(item: Loaded) -> Iterator[tuple[str, str, int, str]]:
    """The file's words (:func:`_tokens`) with the first word of the statement or
    section head each belongs to: (terminal, text, offset, head); ``skip`` sections,
    blanks and comments left out."""
    head = ""
    for kind, text, at in _tokens(item):
        if kind in ("SEMICOLON", "EMPTY", "LBRACE", "RBRACE"):
            head = ""
        elif kind in ("WORD", "STRING"):
            if not head:
                head = text
            else:
                yield kind, text, at, head


@functools.cache
def _drbd_lexer() -> re.Pattern[str]:
    """One alternation of the drbd grammar's terminals, in Lark's order."""
    return re.compile("|".join(f"(?P<{name}>{rx})" for name, rx in TERMINALS["drbd"]))


@rule("DR016", "word-drbdadm-splits", "error", formats=("drbd",))
def word_drbdadm_splits(item: Loaded) -> Iterator[Finding]:
    """A value drbdadm's scanner does not read as one word: an unquoted word with a
    character other than letters, digits and ``/ . _ -``, or one longer than 128
    characters (80 in DRBD 8.3), or a quoted string longer than 255.

    Why it matters: drbdadm's scanner (drbdadm_scanner.fl) reads an unquoted
    word as ``[a-zA-Z0-9/._-]{1,128}``; ``:``, ``[`` and ``]`` are tokens of
    their own and other characters none at all, so ``disk
    /dev/disk/by-path/pci-0000:00:1f.2-ata-1;`` is refused with ``';' expected,
    but got ':00:1f'`` and no resource of the file comes up. Colons and brackets
    stay allowed where they are drbdadm's syntax (addresses, meta-disk indexes).

    An option of ``net``, ``disk``, ``syncer``, ``startup``, ``handlers``,
    ``options`` or ``global`` takes one value: a handler with its arguments
    written unquoted (``split-brain /usr/lib/drbd/notify-split-brain.sh root;``)
    is refused with "';' expected, but got 'root'" (8.3, 8.4 and 9).

    A resource or host name the scanner reads as one of its keywords, a number
    or an IPv4 address (``on _this_host {``, ``resource 0 {``, ``on disk {``) is
    refused as well: "Parse error: 'TK_STRING' expected, but got '0'".

    Example: ``disk /dev/disk/by-path/pci-0000:00:1f.2-ata-1-part1;``.

    Fix: put the value in double quotes (``disk "/dev/disk/by-path/..."``,
    ``split-brain "/usr/lib/drbd/notify-split-brain.sh root";``, ``resource "0"``),
    or shorten it.
    """
    doc = _drbd(item)
    short_words = item.versions.of("drbd", item.node or "").older_than(DRBD_84)
    longest = 80 if short_words else 128

    def shown(text: str) -> str:  # (made for a finding only: most words pass)
        secret = text.strip('"') in doc.secrets()  # (a walk of the file: for a finding only)
        return "the value" if secret else f"'{written(text, 200)}'"

    for kind, text, at, head in _lexed(item):
        if kind == "STRING":
            if len(_ESCAPE_OR_CHAR.findall(text[1:-1])) > _QUOTED_MAX:
                yield make(
                    "DR016",
                    f"'{head}': a quoted string longer than {_QUOTED_MAX} characters; "
                    "drbdadm refuses it",
                    item.where(at),
                )
            continue
        if head in _NAME_HEADS and (text in SCANNER_KEYWORDS or _NUMBER_OR_ADDRESS.fullmatch(text)):
            yield make(
                "DR016",
                f"'{head}': the name '{text}' is a keyword, number or address to "
                "drbdadm's scanner, not a name; it refuses the file ('TK_STRING' "
                f"expected, but got '{text[:20]}'): quote the name",
                item.where(at),
            )
            continue
        allowed = (
            _ADDRESS_WORD
            if head in _ADDRESS_KEYS
            else _INDEX_WORD
            if head in _INDEX_KEYS
            else _PLAIN_WORD
        )
        if allowed.fullmatch(text) is None:
            odd = next(c for c in text if allowed.fullmatch(c) is None)
            yield make(
                "DR016",
                f"'{head}': {shown(text)} holds {odd!r}, which drbdadm's scanner does not read "
                "inside an unquoted word; it refuses the file (quote the value)",
                item.where(at),
            )
        elif allowed is _PLAIN_WORD and len(text) > longest:
            yield make(
                "DR016",
                f"'{head}': {shown(text)} is {len(text)} characters long, more than drbdadm's "
                f"scanner reads as one unquoted word ({longest}); it refuses the file "
                "(quote the value)",
                item.where(at),
            )
    for context, key, node in item.keyword_uses() or ():
        values = getattr(node, "values", None)
        if context in _ONE_VALUE and values and len(values) > 1 and key not in _WORD_LISTS:
            yield make(
                "DR016",
                f"'{key}': {len(values)} words where drbdadm reads one value; it refuses "
                f"the file (';' expected, but got '{values[1][:20]}'): quote the whole value",
                item.where(node),
            )


#: Sections whose statements take one value (option_d in drbdadm_parser.c: the value,
#: then ``;``), and the statements there that take a list (parse_hosts).
_ONE_VALUE = frozenset(("global", "net", "disk", "syncer", "startup", "handlers", "options"))
_WORD_LISTS = frozenset(("become-primary-on",))


#: What drbdadm's parse_resource reads once per ``resource`` or ``common`` (its
#: check_upr calls, user/v84 and user/v9 drbdadm_parser.c): statements, and sections
#: (``disk`` only as ``disk { }``: a resource-level ``disk /dev/..`` may repeat).
_ONCE_PER_RESOURCE = {
    "protocol": ("statement", "protocol statement '{}: protocol'"),
    "device": ("statement", "device statement '{}:device'"),
    "disk": ("section", "disk section '{}:disk'"),
    "net": ("section", "net section '{}:net'"),
    "syncer": ("section", "syncer section '{}:syncer'"),
    "startup": ("section", "startup section '{}:startup'"),
    "handlers": ("section", "handlers section '{}:handlers'"),
    "proxy": ("section", "proxy section '{}:proxy'"),
    "options": ("section", "resource options section '{}:res_options'"),
}


@rule("DR018", "resource-section-repeated", "error", formats=("drbd",))
def resource_section_repeated(item: Loaded) -> Iterator[Finding]:
    """A ``resource`` or ``common`` section gives a ``net``, ``disk``, ``syncer``,
    ``startup``, ``handlers``, ``proxy`` or ``options`` section twice, its
    ``protocol`` or resource-level ``device`` twice, or two ``on`` sections for
    one host name; or a DRBD 9 ``connection`` or ``connection-mesh`` gives ``net``
    twice ("only one 'net' section per connection allowed", parse_connection), or a
    ``volume`` of a ``connection`` its ``disk`` section twice.

    Why it matters: drbdadm (8.3, 8.4 and 9) reads each of these once per
    resource and refuses the whole file on the second: ``conflicting use of
    net section 'r0:net' ...``, ``conflicting use of protocol statement
    'common: protocol'``, ``conflicting use of host section 'r0: on alpha'``
    (check_upr in parse_resource and parse_host_section, drbdadm_parser.c).
    No resource of the file can then be brought up or adjusted. Where the files
    show DRBD 9, ``on alpha`` and ``on ALPHA`` (or ``on alpha.example.net``) are
    one host too: drbdadm 9 matches names in any case and without the domain,
    and refuses the file on alpha ("There are multiple host sections for this
    node", drbdadm_postparse.c). It comes of
    adding a setting in a new ``net { }`` below the old one, or of moving
    ``protocol C;`` into ``common`` and leaving the old line.

    Example: ``resource r0 { net { max-buffers 8000; } ... net { timeout 60; } }``.

    Fix: merge the two sections into one (keep one ``protocol``/``device`` line).
    """
    doc = _drbd(item)
    blocks = [b for b in doc.children if isinstance(b, Block) and b.key in ("resource", "common")]
    nine = item.versions.of("drbd", item.node or "").at_least(DRBD_9)
    if nine:
        yield from _same_host_twice_9(item, doc)
    for block in blocks:
        owner = block.args[0] if block.key == "resource" and block.args else block.key
        for (claim, what, child), (_, _, first) in repeats(_claims(block, owner), itemgetter(0)):
            yield make(
                "DR018",
                f"{'common' if block.key == 'common' else f'resource {owner}'} gives "
                f"'{claim}' a second time; "
                f"drbdadm refuses the file (conflicting use of {what})",
                item.where(child),
                [item.where(first)],
            )
        # parse_connection, parse_connection_mesh (user/v9/drbdadm_parser.c): "only one
        # 'net' section per connection allowed" / "only one 'net' section allowed"
        for sub in block.blocks():
            if sub.key not in ("connection", "connection-mesh"):
                continue
            nets = list(sub.blocks("net"))
            for second in nets[1:]:
                what = "per connection " if sub.key == "connection" else ""
                yield make(
                    "DR018",
                    f"resource {owner}: a {sub.key} gives 'net' a second time; drbdadm 9 "
                    f"refuses the file (only one 'net' section {what}allowed)",
                    item.where(second),
                    [item.where(nets[0])],
                )
            # a volume inside a connection holds one 'disk' (peer-device options):
            # peer-drbdadm --mode 9 on a second one: "Parse error: '}' expected, but got
            # 'disk'" (tests/test_spelling_differential.py, duplicate_subsection)
            for volume in sub.blocks("volume") if sub.key == "connection" else ():
                disks = list(volume.blocks("disk"))
                for second in disks[1:]:
                    yield make(
                        "DR018",
                        f"resource {owner}: a volume of a connection gives 'disk' a second "
                        "time; drbdadm 9 refuses the file ('}' expected, but got 'disk')",
                        item.where(second),
                        [item.where(disks[0])],
                    )


def _claims(block: Block, owner: str) -> Iterator[tuple[str, str, Any]]:
    """``(claim, what drbdadm calls it, child)`` for each child of a ``resource`` or
    ``common`` section that drbdadm takes once per resource (check_upr)."""
    for child in block.children:
        key = getattr(child, "key", None)
        if key == "on" and isinstance(child, Block):
            for n in child.args:
                yield f"on {n}", f"host section '{owner}: on {n}'", child
        elif key in _ONCE_PER_RESOURCE:
            shape, what = _ONCE_PER_RESOURCE[key]
            if (shape == "section") == isinstance(child, Block):
                yield key, what.format(owner), child


def _same_host_twice_9(item: Loaded, doc: DrbdDocument) -> Iterator[Finding]:
    """DRBD 9 matches ``on`` names in any case and without a domain when one lacks it
    (hostnames_equal), so ``on alpha`` and ``on ALPHA`` (or ``on alpha.example.net``)
    are both the node alpha: "There are multiple host sections for this node"
    (drbdadm_postparse.c). Exact repeats are check_upr's, reported above."""
    for res in doc.resource_list():
        seen: list[tuple[str, Any]] = []
        for h in _on_hosts(res):
            for name in h.names:
                first = next((b for n, b in seen if n != name and hostnames_equal(n, name)), None)
                if first is not None:
                    yield make(
                        "DR018",
                        f"resource {res.name} gives 'on {name}', the same host as an "
                        "earlier 'on' section to DRBD 9 (names match in any case, "
                        "without the domain); drbdadm refuses the file on that node "
                        "(multiple host sections for this node)",
                        item.where(h.block),
                        [item.where(first)],
                    )
                seen.append((name, h.block))


#: Statements whose first argument drbdadm's parser reads as a number (EXP(TK_INTEGER)
#: in parse_global, parse_host_section and parse_resource, drbdadm_parser.c).
_INTEGER_FIRST = frozenset(
    {"node-id", "volume", "minor-count", "dialog-refresh"}
    | {"cmd-timeout-short", "cmd-timeout-medium", "cmd-timeout-long"}
)
#: Statements whose every argument is an address token (__parse_address: a family
#: keyword, then an IP, ``:``, a port; proxy ``inside``/``outside`` too), and
#: ``usage-count``'s yes/no/ask keywords.
_TOKENS_ONLY = frozenset({"address", "floating", "inside", "outside", "usage-count"})


def _quoted_tokens(item: Loaded) -> Iterator[tuple[str, int, str, str]]:
    """(text, offset, statement, what drbdadm wants) of each quoted argument drbdadm
    reads as a number, an address or a keyword."""
    words: list[str] = []
    for kind, text, at in _tokens(item):
        if kind in ("SEMICOLON", "EMPTY", "LBRACE", "RBRACE"):
            words = []
        elif kind in ("WORD", "STRING"):
            if kind == "STRING" and words:
                head, prev = words[0], words[-1]
                if (
                    (head in _INTEGER_FIRST and len(words) == 1)
                    or (head == "device" and prev == "minor")
                    or (head in _INDEX_KEYS and prev.endswith("["))
                ):
                    yield text, at, head, "a number ('TK_INTEGER' expected)"
                elif head in _TOKENS_ONLY or (head == "host" and prev in ("address", "port")):
                    want = "yes, no or ask" if head == "usage-count" else "an address"
                    yield text, at, head, want
            words.append(text)


@rule("DR019", "value-must-be-bare", "error", formats=("drbd",))
def value_must_be_bare(item: Loaded) -> Iterator[Finding]:
    """A value drbdadm reads as a number, an address or a keyword is written in
    double quotes: ``node-id``, ``volume``, ``minor`` of ``device``, a meta-disk
    index, ``minor-count``, ``dialog-refresh``, a ``cmd-timeout-*``, an
    ``address`` (or its family) or ``usage-count``.

    Why it matters: drbdadm's scanner makes every quoted value a string, and its
    parser wants another token there, so it refuses the whole file: ``Parse
    error: 'TK_INTEGER' expected, but got '0'``, ``'ssocks | sdp | ipv4 | ipv6
    | <ipv4 address> ' expected, but got '10.0.0.1:7788'``, ``'yes | no | ask'
    expected, but got 'no'`` (drbdadm 8.3, 8.4 and 9 alike). Option values such
    as ``max-buffers "8000"`` or ``on-io-error "detach"``, names and paths may
    be quoted: those are read as strings. Configuration generators that quote
    every value write this.

    Example: ``on alpha { node-id "0"; address "10.0.0.1:7788"; }``.

    Fix: write the value without quotes.
    """
    for text, at, head, want in _quoted_tokens(item):
        yield make(
            "DR019",
            f"'{head}': {text} is quoted, but drbdadm wants {want} here; it refuses "
            "the file (drop the quotes)",
            item.where(at),
        )


@rule("DR044", "proxy-plugin-empty-line", "error", formats=("drbd",))
def proxy_plugin_empty_line(item: Loaded) -> Iterator[Finding]:
    """An empty line (a ``;`` standing alone, as in ``zstd level 4;;``) in a DRBD
    Proxy ``plugin { }`` block, where the cluster may run DRBD 8.3.

    Why it matters: drbdadm 8.4 and 9 read a plugin block's lines as raw words up
    to ``;`` and take an empty one (proxy_delegate in drbd-utils'
    user/v84/drbdadm_parser.c and user/v9/drbdadm_parser.c). 8.3's drbdadm reads
    the words of a line it never started (its proxy_delegate leaves ``line``
    unset when ``;`` comes first) and crashes: ``drbdadm-83`` of drbd-utils 9.22
    dies of a segmentation fault on such a file, so no resource of it comes up.
    An error where the release is known to be 8.3 or older, a warning where it
    may be, nothing for 8.4 and later (``--target drbd=8.4``).

    Example: ``proxy { plugin { zstd level 4;; } }``.

    Fix: drop the second ``;``.
    """
    release = item.versions.of("drbd", item.node or "")
    if not release.may_be_within(None, DRBD_84):
        return
    for empty in _plugin_empty_lines(_drbd(item)):
        found = make(
            "DR044",
            "an empty line (';' alone) in a DRBD Proxy plugin block: drbdadm 8.3 crashes"
            f" on it (the release here: {release.describe('DRBD')}); 8.4 and 9 take it:"
            " drop the ';'",
            item.where(empty),
        )
        yield found if release.older_than(DRBD_84) else attrs.evolve(found, severity="warning")


def _plugin_empty_lines(node: Node) -> Iterator[EmptyStatement]:
    """The empty statements of every ``plugin`` block under ``node``."""
    for c in node.child_nodes():
        if isinstance(c, Block):
            if c.key == "plugin":
                yield from (e for e in c.child_nodes() if isinstance(e, EmptyStatement))
            else:
                yield from _plugin_empty_lines(c)
