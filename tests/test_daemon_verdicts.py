"""Lint's severities, held to the real daemons (issue 15, part 3).

For every format with a daemon in ../shared/oracle/peers, over the corpus, the
seed examples and a bounded number of mutated files:

* where the daemon refuses a file, lint gives an *error* at or before the
  daemon's line (anywhere in the file when the daemon names no line);
* where the daemon accepts it, every error lint gives comes from a rule marked
  ``hazard`` in the registry (a working configuration that fails under a fault:
  split brain, fencing, timing), never from a syntax or value check.

Peers run in namespaces and are slow: each verdict is computed once per test
session (keyed by tool, mode and file bytes), and the mutations are few and
deterministic. A disagreement we keep on purpose is listed in ``KNOWN`` with
its reason; a listed file that agrees now fails, so the list stays true.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import attrs
import pytest

from conftest import SHARED, corosync_test, shared_files, shared_path, unavailable
from test_drbd_peer import REJECTED as DRBDADM_REJECTS
from xencfg import lint
from xencfg import rules as registry

pytestmark = [pytest.mark.peer, pytest.mark.shared]

PEERS = SHARED / "oracle" / "peers"


@attrs.frozen
class Verdict:
    """A daemon's verdict on one file: accepted, and the lines it complains about.

    ``lines`` are the lines a refusal names (empty: none named); ``notes`` are
    diagnostics that lint must still report on their line, at any severity
    (multipath's duplicate and unknown keywords), as ``(line, message)``.
    """

    accepted: bool
    lines: tuple[int, ...] = ()
    notes: tuple[tuple[int, str], ...] = ()
    text: str = ""
    #: lines the daemon drops without a word although it "accepts" (lint may error there)
    silent: tuple[int, ...] = ()
    #: why this verdict says nothing about the file (the peer lacks something it needs)
    environment: str | None = None
    #: False where the peer sees key names only (iscsiadm): lint's errors are not judged
    judges_errors: bool = True
    #: lines where a keyword the daemon does not know opens a block whose body it then
    #: reads in the outer section (one finding at the head stands for the body's notes)
    openers: tuple[int, ...] = ()


# -- peers ---------------------------------------------------------------------

_CACHE: dict[tuple[str, ...], Verdict] = {}


def _wrapper(name: str, binary: str | None = None) -> Path:
    shared_path("oracle", "peers")
    wrapper = PEERS / name
    if not wrapper.exists():
        unavailable(f"{wrapper} is missing")
    if os.geteuid() != 0:
        unavailable(f"{name} needs root (namespaces, overlay mounts)")
    if binary is not None and shutil.which(binary) is None and not Path(binary).exists():
        unavailable(f"{binary} is not installed")
    return wrapper


def _run(args: list[str], timeout: int = 60) -> tuple[int, str]:
    proc = subprocess.run(
        args, capture_output=True, text=True, errors="replace", timeout=timeout, check=False
    )
    return proc.returncode, proc.stdout + proc.stderr


def _cached(tool: str, path: Path, compute: Callable[[], Verdict], *extra: str) -> Verdict:
    key = (tool, *extra, hashlib.sha256(path.read_bytes()).hexdigest())
    if key not in _CACHE:
        _CACHE[key] = compute()
    return _CACHE[key]


def drbdadm(path: Path) -> Verdict:
    """drbd-utils 9.22: the 8.4 parser (which reads the 8.0 - 8.4 syntax), then the
    DRBD 9 one; accepted if either accepts. A refusal's line is the furthest line
    either parser reached (the parser of the file's own era gets furthest)."""
    peer = _wrapper("peer-drbdadm", "drbdadm")

    def compute() -> Verdict:
        lines: list[int] = []
        text = ""
        for mode in ("84", "9"):
            rc, out = _run([str(peer), "--mode", mode, str(path)])
            if rc == 0:
                return Verdict(True, text=out)
            text += out
            if "Failed to open include file" in out:
                # the included files are not beside it here; drbdadm stops there
                return Verdict(False, text=text, environment="includes files that are absent")
            found = [int(n) for n in re.findall(re.escape(path.name) + r":(\d+):", out)]
            lines.append(max(found) if found else 0)
        return Verdict(False, (max(lines),) if all(lines) else (), text=text)

    return _cached("drbdadm", path, compute)


#: multipath's diagnostics, by what they mean (multipath-tools 0.9.4 parser.c, dict.c).
_MP_HARD = re.compile(
    r"invalid value for|too small, capping|too large, capping|missing value|parsing failed|"
    r"missing closing quotes|unmatched '\}'"
)
_MP_SECTIONS = (
    "defaults",
    "blacklist",
    "blacklist_exceptions",
    "multipaths",
    "devices",
    "overrides",
    "multipath",
    "device",
)
#: "missing '}' at end of" is a note: parser.c's process_stream logs it at level 1
#: after reading the whole file and keeps every section (its ``r`` is unchanged).
#: "missing '{'" and "expecting '{' ... found 'X'" are notes too: 0.9.4
#: ``validate_config_strvec`` (libmpathutil/parser.c lines 437-446) logs them and
#: returns 0, so the section is opened at its name and read (``multipath -t`` shows it;
#: tests/test_multipath_braces.py, tests/test_spelling5_multipath.py).
_MP_NOTE = re.compile(
    r"invalid keyword|duplicate keyword|ignoring deprecated option|missing '\}' at end of|"
    r"missing '\{'|expecting '\{'"
)


def multipath(path: Path) -> Verdict:
    """multipath-tools 0.9.4 ``multipath -t``: it always runs, ignoring what it cannot
    use with a message. A value it refuses or caps, and broken structure, are
    refusals (the line is not in effect as written); unknown, deprecated and
    repeated keywords are notes lint must report on their line, at any severity."""
    peer = _wrapper("peer-multipath", "multipath")

    def compute() -> Verdict:
        _, out = _run([str(peer), str(path)])
        _, _, rest = out.partition("\n")
        hard: list[int] = []
        notes: list[tuple[int, str]] = []
        swallowed: list[int] = []
        text = path.read_text(errors="replace").splitlines()
        # a section name where a keyword belongs means a '}' is missing above where
        # one is missing, or a section closed early where multipath meets at top level
        # what the file nests; else it is a misspelt or misplaced block ('devices {'
        # inside devices, 'multipath {' at top level): XC003's, at its head
        body = "\n".join(t.split("#", 1)[0] for t in text)
        unbalanced = body.count("{") > body.count("}")
        for line in rest.splitlines():
            if line.startswith(("defaults {", "blacklist {")):
                break
            m = re.search(r"line (\d+)|at end of", line)
            at = int(m.group(1)) if m and m.group(1) else 10**9
            # inside a block a keyword multipath does not know opened ('BLACKLIST {',
            # 'devices {' inside devices): it reads the body in the outer section
            unknown_block = any(
                a < at <= _block_end(text, a)
                for a, n in notes
                if "invalid keyword" in n and 0 < a < at and "{" in text[a - 1]
            )
            if "unmatched '}'" in line and (
                unknown_block or not unbalanced or any("invalid keyword: " in n for _, n in notes)
            ):
                # the tail of a section multipath does not know (devnode_blacklist):
                # it skipped the head line, then the body, then meets its '}'
                notes.append((at, line))
            elif (
                not unknown_block
                and (_depth(text, at) > 0 if "invalid keyword: " in line else unbalanced)
                and re.search(
                    r"invalid keyword.*: (?:" + "|".join(_MP_SECTIONS) + r")$|"
                    r"in the device section: (?:devnode|wwid|property)$",
                    line,
                )
            ):
                # a section name where a keyword belongs, or a blacklist rule in a
                # blacklist's device: a '}' is missing above, and multipath drops it
                hard.append(at)
            elif _MP_HARD.search(line):
                hard.append(at)
            elif "ignoring extra data starting with '}'" in line:
                # a '}' after a value on its line (parser.c): the section stays open and
                # multipath reads the sections below inside it, as invalid keywords, and
                # drops them; harmless only where nothing follows. Lint must say so on
                # that line (an error there stands for the dropped sections' notes)
                notes.append((at, line))
                swallowed.append(at)
            elif "invalid keyword '{'" in line and any(
                "missing '{'" in n and a == at - 1 for a, n in notes
            ):
                # 'defaults' then '{' on the next line: multipath notes both lines and
                # opens the section; one finding at the head stands for the pair
                continue
            elif _MP_NOTE.search(line):
                notes.append((at, line))
            elif re.search(
                r"duplicate multipath config section|section missing wwid|"
                r"missing vendor or product",
                line,
            ):
                # config.c merge_mptable / factorize_hwtable: a section dropped
                hard.append(10**9)
        silent = (*_uncompiled_regexes(path), *swallowed)
        opened = tuple(
            a
            for a, n in notes
            if "invalid keyword" in n and 0 < a <= len(text) and "{" in text[a - 1]
        ) + tuple(swallowed)
        if hard:
            return Verdict(False, (min(hard),), tuple(notes), out, silent, openers=opened)
        return Verdict(True, (), tuple(notes), out, silent, openers=opened)

    return _cached("multipath", path, compute)


def _depth(text: list[str], line: int) -> int:
    """How many blocks the file opens and leaves open before ``line`` (1-based): where
    the author put the line, whatever multipath made of the braces above."""
    code = "\n".join(t.split("#", 1)[0] for t in text[: line - 1])
    return code.count("{") - code.count("}")


def _block_end(text: list[str], start: int) -> int:
    """The line of the ``}`` that closes the block opened on line ``start`` (1-based),
    counting braces outside comments; past the end when it is never closed."""
    depth = 0
    for n in range(start, len(text) + 1):
        code = text[n - 1].split("#", 1)[0]
        depth += code.count("{") - code.count("}")
        if depth <= 0:
            return n
    return len(text) + 1


def _uncompiled_regexes(path: Path) -> Iterator[int]:
    """Lines of blacklist regexes glibc's ``regcomp(REG_EXTENDED)`` refuses:
    multipath-tools' ``store_ble`` (blacklist.c) then drops the entry without a
    message, so ``multipath -t`` "accepts" a blacklist that lost a rule."""
    import ctypes
    import ctypes.util

    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    buf = ctypes.create_string_buffer(1024)  # larger than glibc's regex_t
    pattern = re.compile(r'^\s*(?:devnode|wwid|vendor|product|property)\s+"?([^"\n]*?)"?\s*$')
    for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        m = pattern.match(line)
        if m and libc.regcomp(buf, m.group(1).encode(), 1) != 0:
            yield n
        elif m:
            libc.regfree(buf)


def iscsiadm(path: Path) -> Verdict:
    """open-iscsi 2.1.8: the keys of an iscsid.conf that ``iscsiadm`` does not know
    (its node record holds every key it has). It cannot see values: iscsid is not
    running here, so only the key names are a verdict (each unknown key is a note
    lint must report on its line)."""
    peer = _wrapper("peer-iscsiadm", "iscsiadm")

    def compute() -> Verdict:
        _, out = _run([str(peer), str(path)])
        lines = path.read_text(errors="replace").splitlines()
        notes: list[tuple[int, str]] = []
        for key in re.findall(r"^UNKNOWN (\S+) =", out, re.M):
            pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
            notes += [(n, f"unknown key {key}") for n, t in enumerate(lines, 1) if pattern.match(t)]
        return Verdict(True, notes=tuple(notes), text=out, judges_errors=False)

    return _cached("iscsiadm", path, compute)


def o2cb(path: Path) -> Verdict:
    """ocfs2-tools 1.8.7 ``o2cb list-cluster``: no line numbers in its errors."""
    peer = _wrapper("peer-o2cb", "o2cb")

    def compute() -> Verdict:
        rc, out = _run([str(peer), str(path)])
        listed = set(re.findall(r"^\s*name\s*=\s*(\S+)", out, re.M))
        return Verdict(rc == 0, text=out, silent=tuple(_dropped_nodes(path, listed)))

    return _cached("o2cb", path, compute)


def _dropped_nodes(path: Path, listed: set[str]) -> Iterator[int]:
    """Lines of the node stanzas o2cb leaves out of its listing without a word (a node
    whose ``cluster`` is missing or names another cluster): that node cannot join,
    so lint may give an error there although o2cb "accepts" the file."""
    stanza: list[int] = []
    name: str | None = None
    for n, line in enumerate([*path.read_text(errors="replace").splitlines(), "x:"], 1):
        if re.match(r"^\S.*:\s*$", line):
            if stanza and name is not None and name not in listed:
                yield from stanza
            stanza, name = ([n], None) if line.startswith("node:") else ([], None)
        elif stanza:
            stanza.append(n)
            m = re.match(r"^\s*name\s*=\s*(\S+)", line)
            name = m.group(1) if m else name


def xl(path: Path) -> Verdict:
    """Xen 4.17 ``xl -N create -n`` (libxlu's parser and libxl's checks)."""
    peer = _wrapper("peer-xl", "/usr/lib/xen-4.17/bin/xl")

    def compute() -> Verdict:
        rc, out = _run([str(peer), str(path)])
        found = [int(n) for n in re.findall(re.escape(path.name) + r":(\d+):", out)]
        return Verdict(rc == 0, (max(found),) if found else (), text=out)

    return _cached("xl", path, compute)


def crm_verify(path: Path) -> Verdict:
    """Pacemaker 2.1.5 ``crm_verify --xml-file``: warnings only count as accepted."""
    peer = _wrapper("peer-crm-verify", "crm_verify")

    def compute() -> Verdict:
        rc, out = _run([str(peer), str(path)], timeout=120)
        named = re.findall(re.escape(path.name) + r":(\d+):(?: element (\w+):)?", out)
        # a section's own line ("element configuration: ... Invalid sequence in
        # interleave") only says the error is somewhere inside it: no line limit then
        found = [int(n) for n, tag in named if tag not in _CIB_SECTIONS]
        return Verdict(rc == 0, (max(found),) if found else (), text=out)

    return _cached("crm_verify", path, compute)


#: CIB elements whose Relax-NG errors stand for an error somewhere inside them.
_CIB_SECTIONS = frozenset(
    {"cib", "configuration", "crm_config", "nodes", "resources", "constraints", "status"}
)


def corosync(path: Path) -> Verdict:
    """corosync 3.1.7 ``corosync -t`` (conftest.corosync_test) on ``path`` with a key of
    its own: a second ``totem { keyfile: ... }`` after the last line (corosync merges
    sections of one name, so no line moves) points at a 1024-bit key, and the first
    node's ring0 address is this host's. A file naming no address (host names that do
    not resolve here) says nothing."""
    import tempfile

    def compute() -> Verdict:
        text = path.read_text(errors="replace")
        m = re.search(r"ring0_addr\s*:\s*([0-9][0-9.]*|[0-9a-f:]*:[0-9a-f:]+)\s*$", text, re.M)
        if m is None:
            return Verdict(False, environment="no ring0 address to own")
        with tempfile.TemporaryDirectory() as tmp:
            key = Path(tmp) / "authkey"
            key.write_bytes(b"k" * 128)
            key.chmod(0o400)
            conf = Path(tmp) / path.name
            conf.write_text(text + f"\ntotem {{\n\tkeyfile: {key}\n}}\n")
            ok, out = corosync_test(conf, m.group(1) + ("/128" if ":" in m.group(1) else "/32"))
        if "No valid name found for local host" in out or "Cannot resolve" in out:
            return Verdict(False, text=out, environment="a host name that does not resolve here")
        if not ok and re.search(r"ring\d+_addr\s*:\s*[^\s:]*[g-z][^\s:]*\s*$", text, re.M | re.I):
            # (a letter past the hex digits: a name, resolved by this host or not)
            return Verdict(False, text=out, environment="a host name that does not resolve here")
        if "Can't open logfile" in out:
            return Verdict(False, text=out, environment="the log directory is not on this host")
        found = [int(n) for n in re.findall(re.escape(path.name) + r":(\d+):", out)]
        return Verdict(ok, (max(found),) if found else (), text=out)

    return _cached("corosync", path, compute)


# -- lint ----------------------------------------------------------------------


#: The release of the peer that judges a format, declared to lint: verdicts that turn on
#: the release (xl refuses what xm read; values xl 4.2 to 4.17 refuse) are then lint's
#: for the release the peer runs, not a warning for an unknown one.
PEER_RELEASES: dict[str, dict[str, str]] = {"xl": {"xen": "4.17"}}


def lint_file(path: Path, fmt: str) -> list[lint.Finding]:
    """Lint's findings on ``path`` alone, read as ``fmt``, for the release the peer runs."""
    from xencfg.formats.schema import Version

    versions = {k: Version.parse(v) for k, v in PEER_RELEASES.get(fmt, {}).items()}
    result = lint.run([str(path)], force_format=fmt, versions=versions)
    return [f for f in result.findings if Path(f.path).name == path.name]


def _hazard(code: str) -> bool:
    rule = registry.get(code)
    return rule is not None and rule.hazard


def disagreements(verdict: Verdict, findings: list[lint.Finding]) -> list[str]:
    """What lint says against the daemon's verdict (empty: they agree)."""
    errors = [f for f in findings if f.severity == "error"]
    out: list[str] = []
    if not verdict.judges_errors:
        pass
    elif verdict.accepted:
        out += [
            f"daemon accepts, lint error from a non-hazard rule: {f.code} line {f.line}: "
            f"{f.message}"
            for f in errors
            if not _hazard(f.code) and f.line not in verdict.silent
        ]
    else:
        limit = max(verdict.lines) if verdict.lines else None
        if not any(limit is None or f.line <= limit for f in errors):
            where = f"at or before line {limit}" if limit else "anywhere"
            out.append(
                f"daemon refuses, no lint error {where}: {verdict.text[:400]!r}; lint: "
                + "; ".join(f"{f.code}:{f.line} {f.severity}" for f in findings)
            )
    if any(f.code == "XC001" for f in findings):
        return out  # the structure is broken: the daemon's later notes follow its recovery
    for line, note in verdict.notes:
        # the body of a section multipath does not know: lint reports the section once,
        # at its head
        if re.search(r"invalid keyword: |unmatched '\}'", note) and any(
            f.line <= line for f in findings
        ):
            continue
        if re.search(r"invalid keyword in the \w+ section: |duplicate keyword: ", note) and any(
            f.line < line and f.line in verdict.openers for f in findings
        ):
            # the body of a block opened by a keyword lint reported, or of the sections a
            # '}' after a value left inside the one above (lint's finding at that '}')
            continue
        if line < 10**9 and not any(f.line == line for f in findings):
            out.append(f"daemon notes line {line} ({note.strip()}), lint says nothing there")
    return out


# -- inputs: corpus, seeds, mutations -------------------------------------------


def _seeds(name: str) -> list[Path]:
    return [p for p in shared_files("seed-examples", pattern=name) if "etc" in p.parts]


def _key(path: Path) -> str:
    return str(path.relative_to(SHARED)) if SHARED in path.parents else path.name


#: Mutations: (name, function of the text -> mutated text or None when it does not apply).
def _drop_semicolon(text: str, rnd: random.Random) -> str | None:
    spots = [m.start() for m in re.finditer(";", text)]
    if not spots:
        return None
    at = rnd.choice(spots)
    return text[:at] + text[at + 1 :]


def _drop_brace(text: str, rnd: random.Random) -> str | None:
    spots = [m.start() for m in re.finditer("}", text)]
    if not spots:
        return None
    at = rnd.choice(spots)
    return text[:at] + text[at + 1 :]


def _shell_line(text: str, rnd: random.Random) -> str | None:
    return "cat /etc/config-file\n" + text


def _misspell(text: str, rnd: random.Random) -> str | None:
    lines = text.splitlines(keepends=True)
    spots = [
        i
        for i, line in enumerate(lines)
        if re.match(r"\s*[a-z][a-z_-]{3,}\s", line) and "{" not in line and "#" not in line
    ]
    if not spots:
        return None
    i = rnd.choice(spots)
    lines[i] = re.sub(r"^(\s*[a-z][a-z_-]*?)([a-z])(\s)", r"\1\2x\3", lines[i], count=1)
    return "".join(lines)


def _ip_to_name(text: str, rnd: random.Random) -> str | None:
    spots = list(re.finditer(r"\b\d+\.\d+\.\d+\.(\d+)\b", text))
    if not spots:
        return None
    m = rnd.choice(spots)
    word = rnd.choice(["pbx01ip", m.group(0)[: -len(m.group(1))] + "x"])
    return text[: m.start()] + word + text[m.end() :]


def _duplicate_line(text: str, rnd: random.Random) -> str | None:
    lines = text.splitlines(keepends=True)
    spots = [
        i
        for i, line in enumerate(lines)
        if re.match(r"\s*[a-z_]+\s*=?\s*\S", line) and "{" not in line and "}" not in line
    ]
    if not spots:
        return None
    i = rnd.choice(spots)
    return "".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])


def _colon_in_word(text: str, rnd: random.Random) -> str | None:
    """A backing disk by its PCI path (``pci-0000:00:1f.2-...``), unquoted."""
    spots = list(re.finditer(r"^\s*disk\s+(/dev/[\w/.-]+)\s*;", text, re.M))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.start(1)] + "/dev/disk/by-path/pci-0000:00:1f.2-ata-1" + text[m.end(1) :]


def _duplicate_section(text: str, rnd: random.Random) -> str | None:
    """A second ``global``/``common`` (two drbd.conf files merged): drbdadm refuses it
    (check_uniq "global section" / "resource section 'common'", drbdadm_parser.c)."""
    spots = list(re.finditer(r"(?ms)^(?:global|common)\s*\{.*?^\}[ \t]*$", text))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.end()] + "\n" + m.group(0) + text[m.end() :]


def _quote_value(text: str, rnd: random.Random) -> str | None:
    """A statement's value in double quotes (generators quote every value): drbdadm
    reads most as strings, but not numbers, addresses or usage-count (DR019)."""
    spots = list(re.finditer(r"^(\s*[a-z-]+\s+)([A-Za-z0-9/._:-]+)(;)", text, re.M))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.start(2)] + '"' + m.group(2) + '"' + text[m.end(2) :]


_NUMBER_LINE = re.compile(
    r"^(\s*(?:sndbuf-size|rcvbuf-size|max-buffers|timeout|connect-int|ping-int|ping-timeout|"
    r"ko-count|rate|resync-rate|al-extents|c-max-rate|c-fill-target|wfc-timeout|"
    r"degr-wfc-timeout|minor-count)\s+)(\w+)",
    re.M,
)
#: Values with units (drbd_limits.h per release, DR026): refused by every release, or
#: taken by every one (none in the 10M-128M sndbuf gap between drbd-utils 9.28 and 9.29)
_UNIT_VALUES = ("8M", "200M", "5G", "512KB", "1k", "301", "2s", "100")


def _unit_value(text: str, rnd: random.Random) -> str | None:
    """A numeric option's value with a unit (``sndbuf-size 200M``, ``rate 5G``)."""
    spots = list(_NUMBER_LINE.finditer(text))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.start(2)] + rnd.choice(_UNIT_VALUES) + text[m.end(2) :]


_ENUM_LINE = re.compile(
    r"^(\s*(?:failback|no_path_retry|path_grouping_policy|rr_weight|user_friendly_names|"
    r"after-sb-[012]pri|on-io-error|fencing|rr-conflict)\s+\"?)([\w-]+)",
    re.M,
)


def _typo_value(text: str, rnd: random.Random) -> str | None:
    spots = list(_ENUM_LINE.finditer(text))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.start(2)] + m.group(2)[:-1] + "x" + text[m.end(2) :]


#: CIB mutations: XML that still parses, with one thing Pacemaker's schema or scheduler
#: judges (a self-closing element's name, a score, a required attribute, a reference,
#: an id, an enumerated value).
_CIB_TAGS = r"rsc_location|rsc_order|rsc_colocation|op|nvpair|expression"


def _cib_misspell_tag(text: str, rnd: random.Random) -> str | None:
    spots = list(re.finditer(rf"<({_CIB_TAGS})\b(?=[^>]*/>)", text))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.start(1)] + m.group(1)[:-1] + text[m.end(1) :]


def _cib_score_word(text: str, rnd: random.Random) -> str | None:
    spots = list(re.finditer(r'\bscore="([-+]?(?:\d+|INFINITY))"', text))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.start(1)] + "fifty" + text[m.end(1) :]


def _cib_drop_type(text: str, rnd: random.Random) -> str | None:
    spots = list(re.finditer(r'<primitive\b[^>]*?(\s+type="[^"]*")', text))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.start(1)] + text[m.end(1) :]


def _cib_dangling(text: str, rnd: random.Random) -> str | None:
    spots = list(re.finditer(r'\b(?:rsc|with-rsc|first|then|from|to)="([^"]+)"', text))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.end(1)] + "-gone" + text[m.end(1) :]


def _cib_duplicate_id(text: str, rnd: random.Random) -> str | None:
    config = text.split("<status", 1)[0]
    spots = list(re.finditer(r'<(?:primitive|op|nvpair|rsc_\w+)\b[^>]*?\bid="([^"]+)"', config))
    if len(spots) < 2:
        return None
    a, b = rnd.sample(spots, 2)
    return text[: b.start(1)] + a.group(1) + text[b.end(1) :]


def _cib_bad_enum(text: str, rnd: random.Random) -> str | None:
    spots = list(re.finditer(r'\b(?:operation|boolean-op|role|on-fail)="([^"]+)"', text))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.end(1)] + "x" + text[m.end(1) :]


def _coro_number_unit(text: str, rnd: random.Random) -> str | None:
    """A timeout with a unit (``token: 3s``): corosync 2 and 3 type it as an integer."""
    spots = list(
        re.finditer(r"^(\s*(?:token|join|consensus|nodeid|expected_votes):\s*)(\d+)", text, re.M)
    )
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.end(2)] + "s" + text[m.end(2) :]


def _coro_drop_key(text: str, rnd: random.Random) -> str | None:
    """One node loses a line (its name, nodeid or a link address), or a section a key."""
    spots = list(
        re.finditer(r"^\s*(?:name|nodeid|ring[01]_addr|version|crypto_hash):[^\n]*\n", text, re.M)
    )
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.start()] + text[m.end() :]


def _coro_bad_word(text: str, rnd: random.Random) -> str | None:
    """A switch or a crypto name another way (``to_syslog: true``, ``aes257``)."""
    spots = list(
        re.finditer(
            r"^\s*(?:to_syslog|to_stderr|timestamp|debug|crypto_cipher|crypto_hash|transport|link_mode):\s*(\S+)",
            text,
            re.M,
        )
    )
    if not spots:
        return None
    m = rnd.choice(spots)
    word = {"yes": "true", "on": "On", "off": "false"}.get(m.group(1), m.group(1) + "x")
    return text[: m.start(1)] + word + text[m.end(1) :]


def _coro_link_number(text: str, rnd: random.Random) -> str | None:
    """A link number out of range, or a link only some nodes have."""
    spots = list(re.finditer(r"(linknumber:\s*|ring)(\d)", text))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.start(2)] + rnd.choice(["8", "2", "7"]) + text[m.end(2) :]


def _hacf_number(text: str, rnd: random.Random) -> str | None:
    """A number with a unit or a word (``keepalive 2s``, ``udpport abc``)."""
    spots = list(
        re.finditer(
            r"^(\s*(?:keepalive|deadtime|warntime|initdead|udpport|baud)\s+)(\d+)", text, re.M
        )
    )
    if not spots:
        return None
    m = rnd.choice(spots)
    word = rnd.choice([m.group(2) + "s", "abc", "0", m.group(2) + "ms"])
    return text[: m.start(2)] + word + text[m.end(2) :]


def _hacf_switch(text: str, rnd: random.Random) -> str | None:
    """A switch or a choice another way (``crm maybe``, ``logfacility LOCAL0``)."""
    keys = "auto_failback|crm|use_logd|autojoin|logfacility|compression|uuidfrom"
    spots = list(re.finditer(rf"^(\s*(?:{keys})\s+)(\S+)", text, re.M))
    if not spots:
        return None
    m = rnd.choice(spots)
    word = rnd.choice(["maybe", m.group(2).upper(), "1", "legacy"])
    return text[: m.start(2)] + word + text[m.end(2) :]


def _hacf_drop_value(text: str, rnd: random.Random) -> str | None:
    """A directive left without its value (``logfile``, ``respawn``, ``apiauth``)."""
    keys = "ping|ping_group|respawn|apiauth|logfile|debugfile|keepalive|auto_failback|node"
    spots = list(re.finditer(rf"^(\s*(?:{keys}))(\s+\S[^\n]*)$", text, re.M))
    if not spots:
        return None
    m = rnd.choice(spots)
    return text[: m.start(2)] + text[m.end(2) :]


_STATEMENT = re.compile(r"^(\s*)([a-z][a-z_-]{2,})(\s)", re.M)


def _upper_keyword(text: str, rnd: random.Random) -> str | None:
    """A statement's keyword in capitals or title case (``Protocol C;``, ``Memory = 512``):
    the daemons compare keywords case-sensitively."""
    spots = [m for m in _STATEMENT.finditer(text) if "#" not in m.group(1)]
    if not spots:
        return None
    m = rnd.choice(spots)
    word = m.group(2)
    new = word.upper() if rnd.random() < 0.5 else word.capitalize()
    return text[: m.start(2)] + new + text[m.end(2) :]


def _plural_keyword(text: str, rnd: random.Random) -> str | None:
    """A keyword with an ``s`` added or dropped (``devices``/``device``, ``hosts``/``host``)."""
    spots = list(_STATEMENT.finditer(text))
    if not spots:
        return None
    m = rnd.choice(spots)
    word = m.group(2)
    new = word[:-1] if word.endswith("s") else word + "s"
    return text[: m.start(2)] + new + text[m.end(2) :]


#: DRBD 8.4 spellings and their 8.3 forms (drbd.conf(5) of 8.4, "changes"): an 8.3
#: habit in an 8.4 file, or the other way round.
_DRBD_SPELLINGS = (
    ("resync-rate", "rate"),
    ("resync-after", "after"),
    ("disk-flushes no", "no-disk-flushes"),
    ("md-flushes no", "no-md-flushes"),
    ("disk-barrier no", "no-disk-barrier"),
    ("allow-two-primaries yes", "allow-two-primaries"),
    ("syncer", "disk"),
)


def _drbd_other_era(text: str, rnd: random.Random) -> str | None:
    """One statement spelled as the other DRBD era spells it."""
    pairs = [(a, b) for a, b in _DRBD_SPELLINGS for x in (a, b) if re.search(rf"\b{x}\b", text)]
    if not pairs:
        return None
    a, b = rnd.choice(pairs)
    old, new = (a, b) if re.search(rf"\b{a}\b", text) else (b, a)
    spots = list(re.finditer(rf"\b{re.escape(old)}\b", text))
    m = rnd.choice(spots)
    return text[: m.start()] + new + text[m.end() :]


_XL_VALUES = (
    'cpus = "1--3"',
    'cpus = "0-3,^1"',
    'timer_mode = "No_Delay_For_Missed_Ticks"',
    'timer_mode = "delay-for-missed-ticks"',
    "timer_mode = 4",
    'device_model_version = "none"',
    'device_model_version = "QEMU-XEN"',
    'on_crash = "Restart"',
    'tsc_mode = "Native"',
    'builder = "HVM"',
    'type = "PV"',
    "memory = 512M",
    'vcpus = "2"',
)


def _xl_value(text: str, rnd: random.Random) -> str | None:
    """A value line an admin writes by habit (case, units, ranges), appended."""
    return text + ("" if text.endswith("\n") else "\n") + rnd.choice(_XL_VALUES) + "\n"


MUTATIONS = {
    "drbd": (
        _drop_semicolon,
        _drop_brace,
        _shell_line,
        _misspell,
        _ip_to_name,
        _typo_value,
        _duplicate_line,
        _colon_in_word,
        _duplicate_section,
        _quote_value,
        _unit_value,
        _upper_keyword,
        _plural_keyword,
        _drbd_other_era,
    ),
    "multipath": (
        _drop_brace,
        _shell_line,
        _misspell,
        _duplicate_line,
        _typo_value,
        _upper_keyword,
        _plural_keyword,
    ),
    "ocfs2": (_misspell, _ip_to_name, _duplicate_line),
    "xl": (_misspell, _shell_line, _duplicate_line, _upper_keyword, _plural_keyword, _xl_value),
    "corosync": (
        _misspell,
        _drop_brace,
        _duplicate_line,
        _ip_to_name,
        _coro_number_unit,
        _coro_drop_key,
        _coro_bad_word,
        _coro_link_number,
    ),
    # (run against heartbeat 3.0.6 by test_lint_agrees_with_heartbeat, not by crm_verify)
    "hacf": (_misspell, _duplicate_line, _hacf_number, _hacf_switch, _hacf_drop_value),
    "cib": (
        _cib_misspell_tag,
        _cib_score_word,
        _cib_drop_type,
        _cib_dangling,
        _cib_duplicate_id,
        _cib_bad_enum,
    ),
}
#: Mutated files per format: enough to exercise each mutation, few enough for the budget.
MUTANTS_PER_FORMAT = 12


def mutants(fmt: str, bases: list[Path], out: Path) -> Iterator[Path]:
    """``MUTANTS_PER_FORMAT`` deterministic mutations of ``bases`` (seeded by the format)."""
    rnd = random.Random(f"xencfg-{fmt}")
    made = 0
    tries = 0
    while made < MUTANTS_PER_FORMAT and bases and tries < 10 * MUTANTS_PER_FORMAT:
        tries += 1
        base = rnd.choice(bases)
        mutate = MUTATIONS[fmt][tries % len(MUTATIONS[fmt])]  # (one may fit no base)
        text = base.read_text(encoding="utf-8", errors="surrogateescape")
        new = mutate(text, rnd)
        if new is None or new == text:
            continue
        path = out / f"{fmt}-{made:02d}-{mutate.__name__.strip('_')}-{base.name}"
        path.write_text(new, encoding="utf-8", errors="surrogateescape")
        made += 1
        yield path


# -- the cases ----------------------------------------------------------------------

#: Our own cases for a daemon, kept in tests/fixtures/daemon-cases/<format>/.
CASES_DIR = Path(__file__).parent / "fixtures" / "daemon-cases"
OCFS2_CASES = sorted(CASES_DIR.glob("ocfs2-*"))
COROSYNC_CASES = sorted(CASES_DIR.glob("corosync-*"))

FORMATS: dict[str, tuple[Callable[[Path], Verdict], list[Path]]] = {
    "drbd": (
        drbdadm,
        [p for p in shared_files("corpus", "drbd") if p.suffix in (".conf", ".res", "")]
        + _seeds("drbd.conf"),
    ),
    "multipath": (multipath, shared_files("corpus", "multipath") + _seeds("multipath.conf")),
    "ocfs2": (o2cb, shared_files("corpus", "ocfs2") + _seeds("cluster.conf") + OCFS2_CASES),
    # xl.conf (xl's own settings) and cpupool (a CPU pool definition) are not domU configs
    "xl": (
        xl,
        [
            p
            for p in shared_files("corpus", "domu-xl")
            if not p.name.endswith(("xl.conf", "cpupool"))
        ],
    ),
    # Pacemaker 1.0 CIBs: the corpus's, and what upgrade06.xsl (Pacemaker 1.0.13, as
    # cibadmin --upgrade ran it) made of upstream's heartbeat 2 test CIBs and of the
    # corpus's (oracle/cib/README.md). The heartbeat 2 originals are not here: crm_verify
    # 2.1.5 validates them against pacemaker-1.0 and refuses their <attributes> (a
    # version gap; test_cib_truth2 audits them for false errors).
    "cib": (
        crm_verify,
        shared_files("corpus", "cib-pcmk1") + shared_files("oracle", "cib", "upgraded"),
    ),
    "corosync": (corosync, COROSYNC_CASES),
    "iscsid": (iscsiadm, shared_files("corpus", "iscsid") + _seeds("iscsid.conf")),
}

#: Disagreements kept on purpose: (format, file key) -> why the daemon's verdict is
#: not the one lint should give.
KNOWN: dict[tuple[str, str], str] = {
    **{
        ("drbd", ("seed-examples/" if "/" in name else "corpus/drbd/") + name): why
        for name, why in DRBDADM_REJECTS.items()
    },
    ("drbd", "corpus/drbd/drbdutils__tests_v9_resync_after.res"): (
        "one backing disk in two resources (DR003): drbdadm 8.3 refuses it ('conflicting use"
        " of disk'), 8.4 and 9 dropped the check, yet the two resources overwrite each"
        " other's data: kept as an error"
    ),
    **{
        ("ocfs2", f"case:{name}"): (
            f"o2cb list-cluster only parses the file; {why}, so the cluster does not come"
            " online (fs/ocfs2/cluster/nodemanager.c; O2NM_MAX_NODES is 255 in"
            " ocfs2_nodemanager.h): kept as an error"
        )
        for name, why in {
            "ocfs2-number-300.conf": "the kernel's o2nm refuses a node number of 255 or more",
            "ocfs2-same-number.conf": "o2nm refuses a second node with one number (EEXIST)",
            "ocfs2-same-address.conf": "o2nm refuses a second node with one ip:port (EEXIST)",
        }.items()
    },
    ("xl", "corpus/domu-xl/libvirt__xlconfigdata_test-fullvirt-vnuma.cfg"): (
        "'invalid pnode number: 0': libxl checks vNUMA nodes against the host, and the"
        " peer's fake host has no NUMA node; nothing in the file is wrong"
    ),
    **{
        ("cib", f"corpus/cib-pcmk1/pcmk10__pengine_test10_{name}.xml"): (
            "Pacemaker 2.1's crm_verify refuses a 'heartbeat'-class resource in a promotable"
            " clone (native_unpack); this is Pacemaker 1.0's own scheduler test input, which"
            " 1.0 ran: a version gap, not a mistake in the file"
        )
        for name in ("inc11", "master-0", "master-3")
    },
    ("cib", "oracle/cib/upgraded/target-1.upgraded.xml"): (
        "target-role Master/Slave on primitives outside a master/slave: a configuration"
        " error from Pacemaker 1.1.5 on (crm_config_err at tag Pacemaker-1.1.5"
        " lib/pengine/utils.c line 1346; crm_verify 2.1.5 'only makes sense for promotable"
        " clones'), only a pe_warn in 1.0.7 to 1.1.4 (1.1.4 line 1338) and the resource"
        " runs started either way. This pacemaker-1.0 CIB has no dc-version, so the release"
        " is unknown and may be one that only warns: CB028 is an error where the release is"
        " known to be 1.1.5 or later (tests/test_cib_left.py), a warning here"
    ),
    ("cib", "corpus/cib-pcmk1/pcmk10__pengine_test10_master-group.xml"): (
        "'Invalid transition key' is about the <status> section (runtime state written by"
        " the cluster, in an older key format), not about the configuration lint checks"
    ),
    **{
        ("multipath", key): (
            "MP001 on 'hd[a-z][[0-9]*]': glibc compiles it, so multipath accepts a blacklist"
            " rule that only matches names holding ']' (the seeds' known trap): kept as an"
            " error"
        )
        for key in (
            "corpus/multipath/mpt__multipath.conf.annotated@2005",
            "seed-examples/s000-iscsi-multipath/node1/etc/multipath.conf",
            "seed-examples/s000-iscsi-multipath/node2/etc/multipath.conf",
        )
    },
}


#: Disagreements kept on purpose for every mutant of one kind: (format, mutation) -> why.
KNOWN_MUTATIONS: dict[tuple[str, str], str] = {
    ("drbd", "typo_value"): (
        "drbdadm's 8.4 parser passes option values on unchecked, so an 8.x file with"
        " 'on-io-error detacx' dumps fine; drbdsetup refuses it when the resource is"
        " brought up, and drbdadm 9's parser at once ('Value is not valid. Allowed values"
        " are: ...'): lint keeps the error"
    ),
    ("drbd", "drop_brace"): (
        "drbdadm stops reading at the end of the file and accepts a section left open"
        " there, with every later section nested inside it; lint keeps XC001: the file"
        " does not say what its author wrote"
    ),
}


#: Why a config without ``name`` that bare ``xl create FILE`` refuses is a warning.
NAMELESS = (
    "no name: 'xl create FILE' refuses it, but the Xen resource agent runs 'xl create"
    ' FILE name="NAME"\' (resource-agents heartbeat/Xen), which xl 4.17 takes'
    " (tests/test_domu_truth3.py): lint warns (XC005)"
)


def _nameless(verdict: Verdict, findings: list[lint.Finding]) -> bool:
    """xl refused only for the missing name, and lint warned of it."""
    return "Domain name must be specified" in verdict.text and any(
        f.code == "XC005" and f.message.startswith("no name") for f in findings
    )


def _case_key(path: Path) -> str:
    return f"case:{path.name}" if path.parent == CASES_DIR else _key(path)


def _cases() -> list[tuple[str, str]]:
    return [(fmt, _case_key(p)) for fmt, (_, files) in FORMATS.items() for p in files] + [
        (fmt, f"mutant-{i:02d}")
        for fmt in MUTATIONS
        if fmt in FORMATS
        for i in range(MUTANTS_PER_FORMAT)
    ]


@pytest.fixture(scope="session")
def mutant_files(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Mutations of the files each daemon accepts (a mutant of a refused file says
    nothing new), made once per session."""
    out = tmp_path_factory.mktemp("mutants")
    made: dict[tuple[str, str], Path] = {}
    for fmt in [f for f in MUTATIONS if f in FORMATS]:
        daemon, files = FORMATS[fmt]
        # the oracle's CIBs are upgrade06 outputs of upstream test inputs: the mutants
        # stay those of the corpus, as before they were listed
        small = [p for p in files if p.stat().st_size < 20_000 and "oracle" not in p.parts]
        if not small:
            continue
        with ThreadPoolExecutor(max_workers=2) as pool:
            verdicts = list(pool.map(daemon, small))
        bases = [p for p, v in zip(small, verdicts, strict=True) if v.accepted]
        for i, path in enumerate(mutants(fmt, bases, out)):
            made[(fmt, f"mutant-{i:02d}")] = path
    return made


@pytest.mark.parametrize(
    ("fmt", "key"),
    [
        # the oracle's 256 upgraded CIBs take crm_verify about 4 minutes here
        pytest.param(
            f, k, id=f"{f}:{k}", marks=[pytest.mark.slow] if k.startswith("oracle/cib/") else []
        )
        for f, k in _cases()
    ],
)
def test_lint_agrees_with_the_daemon(
    fmt: str, key: str, mutant_files: dict[tuple[str, str], Path]
) -> None:
    daemon, _ = FORMATS[fmt]
    if key.startswith("mutant-"):
        if (fmt, key) not in mutant_files:
            pytest.skip("no base file to mutate")
        path = mutant_files[(fmt, key)]
    elif key.startswith("case:"):
        path = CASES_DIR / key[5:]
    else:
        path = SHARED / key
    verdict = daemon(path)
    if verdict.environment is not None:
        pytest.skip(f"no verdict here: {verdict.environment}")
    findings = lint_file(path, fmt)
    found = disagreements(verdict, findings)
    known = KNOWN.get((fmt, key))
    if known is None and _nameless(verdict, findings):
        known = NAMELESS
    if known is None and key.startswith("mutant-"):
        kind, _, base = path.name.split("-", 2)[2].partition("-")
        known = KNOWN_MUTATIONS.get((fmt, kind)) or next(
            (
                why
                for (f, k), why in KNOWN.items()
                if f == fmt and k.endswith(("/" + base, ":" + base))
            ),
            None,
        )
    if found and known is not None:
        pytest.xfail(known)
    assert not found, f"{path}:\n" + "\n".join(found)


# -- heartbeat 3.0.6 (ha.cf, authkeys) -------------------------------------------------
#
# The daemon has no check mode: peer-heartbeat starts it for 3 s in namespaces, so
# these cases are few and run four at a time (the time is spent waiting, not on CPU).
# Media lines are rewritten to the loopback device (the VM has no eth0 or serial
# line; an interface that is missing here says nothing about the file), and lint
# judges the same rewritten file.

_MEDIA_LINE = re.compile(r"^(\s*)(?:bcast|mcast|mcast6|ucast|ucast6|serial)\b[^\n]*", re.M)
#: heartbeat's ERROR lines that come from this VM, not from the file.
_HB_ENVIRONMENT = re.compile(
    r"glib:|Illegal (?:bcast|mcast|ucast|serial)|IP interface|No such device|"
    r"is not executable|Cannot open resources file|LoadPlugin on stonith|"
    r"cannot open|Unable to open|core"
)
#: Our own ha.cf cases, each a verdict of issue 15 (name -> text). Backing, all from
#: running peer-heartbeat: autojoin without node lines starts; nice_failback logs
#: ERROR and runs another auto_failback (config.c set_nice_failback); udpport 694
#: after the media starts; an unknown directive is "Illegal directive".
HACF_CASES = {
    "autojoin-any-no-node": "autojoin any\nucast lo 127.0.0.2\ncrm on\nkeepalive 2\n",
    "nice-failback": "node xen1 xen2\nucast lo 127.0.0.2\nnice_failback on\n",
    "udpport-694-after-media": "node xen1 xen2\nucast lo 127.0.0.2\nudpport 694\n",
    "illegal-directive": "node xen1 xen2\nucast lo 127.0.0.2\nnodes xen1 xen2\n",
    "no-node": "ucast lo 127.0.0.2\nautojoin none\n",
    "deadtime-too-small": "node xen1\nucast lo 127.0.0.2\nkeepalive 2\ndeadtime 3\n",
    "udpport-695-after-media": "node xen1 xen2\nucast lo 127.0.0.2\nudpport 695\n",
    "crm-twice": "node xen1 xen2\nucast lo 127.0.0.2\ncrm on\ncrm on\n",
    "old-directive": "node xen1 xen2\nucast lo 127.0.0.2\nconn_logd_intval 60\n",
    # audit-stack (session 17), from the hacf mutants: the CRM's own apiauth and a
    # client twice are refused (HB012); autojoin is read in any case (strcasecmp);
    # an option with no value is skipped; udpport is read with atoi
    "apiauth-crm-client": "node xen1 xen2\nucast lo 127.0.0.2\ncrm on\napiauth cib uid=hacluster\n",
    "apiauth-twice": "node xen1 xen2\nucast lo 127.0.0.2\napiauth ipfail uid=hacluster\n"
    "apiauth ipfail gid=haclient\n",
    "apiauth-no-crm": "node xen1 xen2\nucast lo 127.0.0.2\napiauth cib uid=hacluster\n",
    "autojoin-upper": "autojoin ANY\nucast lo 127.0.0.2\ncrm on\n",
    "logfile-no-value": "node xen1 xen2\nucast lo 127.0.0.2\nlogfile\n",
    "udpport-suffix": "node xen1 xen2\nucast lo 127.0.0.2\nudpport 694s\n",
}
#: Our own authkeys cases: crc and a short sha1 key start (HB008/HB007 are hazard
#: warnings), a missing method-id does not (HB009).
AUTHKEYS_CASES = {
    "crc": "auth 1\n1 crc\n",
    "short-sha1": "auth 1\n1 sha1 abc\n",
    "missing-index": "auth 2\n1 sha1 0a3c9d4f7e1b2a6c8d5e9f0b1a2c3d4e5f607182\n",
    "good": "auth 1\n1 sha1 0a3c9d4f7e1b2a6c8d5e9f0b1a2c3d4e5f607182\n",
}


def heartbeat(path: Path, authkeys: Path | None = None) -> Verdict:
    """heartbeat 3.0.6 started on ``path`` (an ha.cf; with ``authkeys=None`` and
    ``path`` an authkeys, checked under a minimal ha.cf). Refused: not started,
    or started after logging an ERROR about the configuration (nice_failback)."""
    peer = _wrapper("peer-heartbeat", "/usr/libexec/heartbeat/heartbeat")

    def compute() -> Verdict:
        if authkeys is None:
            rc, out = _run([str(peer), "--check-authkeys", str(path)])
        else:
            rc, out = _run([str(peer), "--authkeys", str(authkeys), str(path)])
        errors = [
            line
            for line in out.splitlines()[1:]
            if line.startswith("ERROR") and not re.search(r"not started|Configuration error", line)
        ]
        has_node = re.search(r"^\s*node\s", path.read_text(errors="replace"), re.M)
        real = [
            e
            for e in errors
            if not _HB_ENVIRONMENT.search(e)
            # the wrapper names the VM after the first node; a name hostname(1)
            # refuses (node1_hostname) leaves the VM's own name
            and not (has_node and "Current node" in e)
        ]
        if errors and not real and rc != 0:
            return Verdict(False, text=out, environment="; ".join(errors[:2]))
        return Verdict(rc == 0 and not real, text=out)

    return _cached("heartbeat", path, compute, "ak" if authkeys is None else "cf")


def _heartbeat_inputs(out: Path) -> dict[str, tuple[str, Path]]:
    """name -> (lint format, file), with media lines on the loopback device."""
    good = out / "authkeys"
    good.write_text(AUTHKEYS_CASES["good"])
    good.chmod(0o600)
    made: dict[str, tuple[str, Path]] = {}
    sources = {
        **{_key(p): p.read_text(errors="replace") for p in shared_files("corpus", "hacf")},
        **{_key(p): p.read_text(errors="replace") for p in _seeds("ha.cf")},
        **{f"case:{k}": v for k, v in HACF_CASES.items()},
    }
    for i, (name, text) in enumerate(sorted(sources.items())):
        path = out / f"ha-{i:02d}.cf"
        path.write_text(_MEDIA_LINE.sub(r"\1ucast lo 127.0.0.2", text))
        made[name] = ("hacf", path)
    bases = [made[name][1] for name in sorted(made)]
    for i, path in enumerate(mutants("hacf", bases, out)):
        made[f"mutant-{i:02d}"] = ("hacf", path)
    keys = {
        **{_key(p): p.read_text(errors="replace") for p in shared_files("corpus", "authkeys")},
        **{f"case:{k}": v for k, v in AUTHKEYS_CASES.items()},
    }
    for i, (name, text) in enumerate(sorted(keys.items())):
        path = out / f"authkeys-{i:02d}"
        path.write_text(text)
        path.chmod(0o600)
        made[f"authkeys:{name}"] = ("authkeys", path)
    return made


def _heartbeat_names() -> list[str]:
    hacf = [_key(p) for p in shared_files("corpus", "hacf") + _seeds("ha.cf")]
    hacf += [f"case:{k}" for k in HACF_CASES]
    keys = [_key(p) for p in shared_files("corpus", "authkeys")]
    keys += [f"case:{k}" for k in AUTHKEYS_CASES]
    hacf += [f"mutant-{i:02d}" for i in range(MUTANTS_PER_FORMAT)]
    return sorted(hacf) + [f"authkeys:{k}" for k in sorted(keys)]


@pytest.fixture(scope="session")
def heartbeat_verdicts(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[str, Path, Verdict]]:
    out = tmp_path_factory.mktemp("heartbeat")
    inputs = _heartbeat_inputs(out)
    good = out / "authkeys"

    def one(item: tuple[str, tuple[str, Path]]) -> tuple[str, tuple[str, Path, Verdict]]:
        name, (fmt, path) = item
        verdict = heartbeat(path, good if fmt == "hacf" else None)
        return name, (fmt, path, verdict)

    _wrapper("peer-heartbeat", "/usr/libexec/heartbeat/heartbeat")
    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, inputs.items()))


#: heartbeat disagreements kept on purpose: name -> why.
KNOWN_HEARTBEAT: dict[str, str] = {
    "case:old-directive": (
        "heartbeat 3.0.6 refuses conn_logd_intval, hbaping, normalpoll and ppp-udp"
        " ('Illegal directive'); the releases that wrote them read them, so lint marks"
        " them deprecated (XC004, a warning) until it knows the cluster's heartbeat"
        " version (issue 15 part 2)"
    ),
}


@pytest.mark.parametrize("name", _heartbeat_names())
def test_lint_agrees_with_heartbeat(
    name: str, heartbeat_verdicts: dict[str, tuple[str, Path, Verdict]]
) -> None:
    if name not in heartbeat_verdicts:
        pytest.skip("no base file to mutate")
    fmt, path, verdict = heartbeat_verdicts[name]
    if verdict.environment is not None:
        pytest.skip(f"no verdict here: {verdict.environment}")
    findings = [f for f in lint.run([str(path)], force_format=fmt).findings if Path(f.path) == path]
    found = disagreements(verdict, findings)
    known = KNOWN_HEARTBEAT.get(name)
    if known is None and name.startswith("mutant-"):
        # a mutant keeps its base's known disagreement (hacf-NN-KIND-ha-MM.cf)
        base = path.name.split("-", 3)[3]
        known = next(
            (
                KNOWN_HEARTBEAT[n]
                for n, (_, p, _) in heartbeat_verdicts.items()
                if p.name == base and n in KNOWN_HEARTBEAT
            ),
            None,
        )
    if found and known is not None:
        pytest.xfail(known)
    assert not found, f"{name} ({path}):\n" + "\n".join(found)


def test_heartbeat_cases_are_the_verdicts_of_issue_15(
    heartbeat_verdicts: dict[str, tuple[str, Path, Verdict]],
) -> None:
    """The daemon's own verdicts the calibration rests on (so they cannot drift)."""
    verdict = {
        n: v.accepted
        for n, (_, _, v) in heartbeat_verdicts.items()
        if n.startswith(("case:", "authkeys:case:"))
    }
    assert verdict == {
        "case:autojoin-any-no-node": True,
        "case:nice-failback": False,  # started, but after ERROR lines
        "case:udpport-694-after-media": True,
        "case:illegal-directive": False,
        "case:no-node": False,
        "case:deadtime-too-small": False,
        "case:udpport-695-after-media": True,  # lint: a misplaced-keyword warning only
        "case:crm-twice": False,  # XC005: "used more than once (heartbeat refuses that)"
        "case:old-directive": False,  # "Illegal directive [conn_logd_intval]"
        "case:apiauth-crm-client": False,  # "Duplicate apiauth directive for API client cib"
        "case:apiauth-twice": False,  # "Duplicate apiauth directive for API client ipfail"
        "case:apiauth-no-crm": True,
        "case:autojoin-upper": True,
        "case:logfile-no-value": True,
        "case:udpport-suffix": True,
        "authkeys:case:crc": True,
        "authkeys:case:short-sha1": True,
        "authkeys:case:missing-index": False,
        "authkeys:case:good": True,
    }
