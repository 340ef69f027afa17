"""The bounded fuzzers of issue 22 (the audit's, kept): run a few hundred cases in the
suite (tests/test_fuzz.py) and as many as asked by hand (``python fuzz/run.py``).

* :func:`api_cases`: every fixture, corpus and seed file, mutated; each case runs in a
  forked child with a hang limit: ``loads`` gives the exact text back (``dumps``) or an
  :class:`xencfg.XencfgError`, ``to_dict`` and ``repr`` work, nothing else escapes, and
  the load's peak memory stays within :data:`MEMORY_RATIO` times the input.
* :func:`leak_cases`: secret-bearing files of every format that has secrets, mutated
  around the secret; no error message, ``repr`` or ``to_dict`` shows it.
* multi-node trees are built by tests/test_fuzz.py with hypothesis from the same files;
  whole clusters whose files hang together by tests/treegen.py, linted and drawn by
  tests/test_fuzz_trees.py, which also puts odd numerals in every format's fixtures.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import xencfg
from xencfg import formats
from xencfg.syntax.source import decode

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = Path(os.environ.get("XENCFG_SHARED", ROOT.parent / "shared"))

#: Seconds one case may take in its child before it counts as a hang.
HANG_LIMIT = 10

_JUNK = [
    "",
    " ",
    "\t",
    "\n",
    "\r\n",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "'",
    '"',
    "=",
    ";",
    "#",
    "\\",
    ":",
    ",",
    "<",
    ">",
    "&",
    "\x00",
    "\udce9",
    "0x" + "f" * 50,
    " " * 2000,
    "é",
]


def seed_files() -> list[tuple[Path, str, str]]:
    """``(path, format, text)`` of every own fixture, corpus and seed file xencfg reads.

    Own fixtures are of their folder's format, for every format whose spec says
    ``fuzz`` (the fuzz list is the registry's); corpus and seed files are detected."""
    fuzzed = {s.name for s in formats.specs() if s.fuzz}
    out = []
    for p in sorted(p for p in FIXTURES.glob("*/valid/*") if p.is_file()):
        if p.parent.parent.name in fuzzed:
            out.append((p, p.parent.parent.name, decode(p.read_bytes())))
    for sub in ("corpus", "seed-examples"):
        base = SHARED / sub
        if not base.is_dir():
            continue
        for p in sorted(p for p in base.rglob("*") if p.is_file() and p.suffix != ".tsv"):
            text = decode(p.read_bytes())
            if len(text) > 200_000:
                continue
            fmt = xencfg.detect(str(p), text)
            if fmt is not None:
                out.append((p, fmt, text))
    return out


def mutate(text: str, rng: random.Random, avoid: tuple[int, int] | None = None) -> str:
    """One to three small edits: insert junk, delete, duplicate or truncate
    (never inside ``avoid``, the span of a secret the leak fuzzer must keep whole)."""
    for _ in range(rng.randint(1, 3)):
        if not text:
            return rng.choice(_JUNK)
        at = rng.randrange(len(text) + 1)
        if avoid is not None and avoid[0] <= at <= avoid[1]:
            at = avoid[0]
        kind = rng.randrange(5)
        if kind == 0:
            text = text[:at] + rng.choice(_JUNK) + text[at:]
        elif kind == 1:
            end = min(len(text), at + rng.randint(1, 8))
            if avoid is not None and at < avoid[1] and end > avoid[0]:
                continue
            text = text[:at] + text[end:]
        elif kind == 2:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end + 1
            text = text[:end] + text[start:end] + text[end:]
        elif kind == 3 and (avoid is None or at >= avoid[1]):
            text = text[:at]
        else:
            text = text[:at] + rng.choice(_JUNK) * rng.randint(1, 40) + text[at:]
        if avoid is not None and kind in (0, 2, 4) and at <= avoid[0]:
            return text  # the secret moved; stop rather than track it
    return text


#: A load may grow the peak resident size by this many times its input (issue 22 item
#: 10), above :data:`MEMORY_FLOOR`: a small input's figure is imports, the grammar and
#: the allocator's whole pages, not the parse.
MEMORY_RATIO = 10
MEMORY_FLOOR = 8 << 20


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak() -> int | None:
    """Start measuring this process's peak resident size anew (Linux's clear_refs);
    the resident size now, in KiB, or ``None`` where that cannot be done."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # 5: reset the peak resident size to the current one
    except OSError:
        return None
    return _status_kib("VmRSS:")


def peak_growth(base: int | None) -> int | None:
    """Bytes the peak resident size grew since :func:`reset_peak` returned ``base``."""
    peak = _status_kib("VmHWM:")
    return None if base is None or peak is None else max(0, peak - base) * 1024


def check_api(fmt: str, text: str, memory: bool = False) -> None:
    """One API case: the exact text back, or an XencfgError; the model prints.
    ``memory`` (in a forked child only: it resets the process's peak): the load stays
    within :data:`MEMORY_RATIO` times the input, above :data:`MEMORY_FLOOR`."""
    base = reset_peak() if memory else None
    try:
        doc = xencfg.loads(text, fmt)
    except xencfg.XencfgError:
        return
    grew = peak_growth(base)
    size = len(text.encode("utf-8", "surrogateescape"))
    if grew is not None and grew > MEMORY_RATIO * size + MEMORY_FLOOR:
        raise AssertionError(f"{fmt}: a load of {size} bytes grew the peak by {grew} bytes")
    back = xencfg.dumps(doc)
    if back != text:
        raise AssertionError(f"{fmt}: dumps(loads(text)) differs from the text")
    json.dumps(doc.to_dict(), default=str)
    repr(doc)


def in_child(fn: Callable[[], None], limit: int = HANG_LIMIT) -> str | None:
    """Run ``fn`` in a forked child; ``None`` when it returned, else what went wrong
    (the exception, a signal, or a hang past ``limit`` seconds)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        os.close(r)
        code = 0
        try:
            signal.alarm(limit)
            fn()
        except BaseException as exc:  # report everything, including the alarm
            os.write(w, f"{type(exc).__name__}: {exc}"[:2000].encode("utf-8", "replace"))
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as fh:
        message = fh.read().decode("utf-8", "replace")
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return f"hang past {limit} s" if sig == signal.SIGALRM else f"killed by signal {sig}"
    if os.WEXITSTATUS(status) != 0:
        return message or f"exit {os.WEXITSTATUS(status)}"
    return None


def api_cases(count: int, seed: int = 0) -> Iterator[tuple[str, str, str]]:
    """``count`` mutated ``(label, format, text)`` cases, spread over the seed files."""
    files = seed_files()
    rng = random.Random(seed)
    for i in range(count):
        path, fmt, text = files[i % len(files)] if i < len(files) else rng.choice(files)
        yield f"{path.name}#{i}", fmt, mutate(text, rng)


#: Secret-bearing texts: ``{S}`` is where the secret goes.
LEAK_SEEDS: list[tuple[str, str]] = [
    (
        "iscsid",
        "node.startup = automatic\nnode.session.auth.authmethod = CHAP\n"
        "node.session.auth.username = joe\nnode.session.auth.password = {S}\n",
    ),
    ("iscsid", "discovery.sendtargets.auth.password_in = {S}\n"),
    (
        "iscsi-node",
        "# BEGIN RECORD 2.0-873\nnode.name = iqn.2001-04.com.example:storage.disk1\n"
        "node.session.auth.password = {S}\nnode.conn[0].address = 10.0.0.1\n# END RECORD\n",
    ),
    (
        "ietd",
        "Target iqn.2001-04.com.example:storage.disk1\n\tIncomingUser joe {S}\n"
        "\tLun 0 Path=/dev/sdb,Type=blockio\n",
    ),
    ("authkeys", "auth 1\n1 sha1 {S}\n"),
    ("xm", "name = 'vm1'\nmemory = 256\nvncpasswd = '{S}'\nvfb = ['type=vnc,vncpasswd={S}']\n"),
    ("xl", 'name = "vm1"\nmemory = 256\nvncpasswd = "{S}"\n'),
    ("xend", "(xend-relocation-server yes)\n(vncpasswd '{S}')\n"),
    (
        "drbd",
        'resource r0 {\n  net {\n    cram-hmac-alg sha1;\n    shared-secret "{S}";\n'
        "  }\n  on a { device /dev/drbd0; disk /dev/sda1; address 10.0.0.1:7788;"
        " meta-disk internal; }\n}\n",
    ),
    ("hacf", "node a\nnode b\nbcast eth0\nstonith_host * baytech 10.0.0.3 admin {S}\n"),
    (
        "cib",
        '<cib><configuration><crm_config/><nodes/><resources><primitive id="st"'
        ' class="stonith" type="external/ipmi"><instance_attributes id="st-ia">'
        '<nvpair id="st-pw" name="passwd" value="{S}"/></instance_attributes>'
        "</primitive></resources><constraints/></configuration><status/></cib>\n",
    ),
    (
        "cman",
        '<?xml version="1.0"?>\n<cluster name="c" config_version="1">\n<clusternodes>\n'
        '<clusternode name="a" nodeid="1"><fence><method name="1"><device name="ipmi"/>'
        "</method></fence></clusternode>\n</clusternodes>\n<fencedevices>\n"
        '<fencedevice name="ipmi" agent="fence_ipmilan" ipaddr="10.0.0.9" login="admin"'
        ' passwd="{S}"/>\n</fencedevices>\n</cluster>\n',
    ),
    (
        "lio-saveconfig",
        '{\n  "storage_objects": [],\n  "targets": [\n    {"fabric": "iscsi", "wwn": '
        '"iqn.2019-04.net.example:t", "tpgs": [{"tag": 1, "node_acls": [{"node_wwn": '
        '"iqn.2019-04.net.example:i", "chap_userid": "joe",\n      "chap_password": "{S}"}]}]}\n'
        "  ]\n}\n",
    ),
]


def leak_cases(count: int, seed: int = 0) -> Iterator[tuple[str, str, str, str]]:
    """``(label, format, text, secret)``: a secret-bearing text mutated around its secret."""
    rng = random.Random(seed)
    for i in range(count):
        fmt, template = LEAK_SEEDS[i % len(LEAK_SEEDS)]
        secret = f"Zq{rng.randrange(10**8):08d}Sx"
        text = template.replace("{S}", secret)
        at = text.index(secret)
        yield f"{fmt}#{i}", fmt, mutate(text, rng, (at, at + len(secret))), secret


def check_leak(fmt: str, text: str, secret: str) -> str | None:
    """Where a secret shows without --show-secrets, or ``None``. A text whose mutation
    left the secret no longer a secret (its keyword broken) is not a leak."""
    try:
        doc = xencfg.loads(text, fmt)
    except xencfg.XencfgError as exc:
        if secret in str(exc) and _still_secret(fmt, text, secret):
            return f"error message: {exc}"
        return None
    if secret not in doc.secrets():
        return None  # the mutation broke the setting: not a secret any more
    if secret in repr(doc):
        return "repr"
    if secret in json.dumps(doc.to_dict(), default=str):
        return "to_dict"
    return None


#: The keyword that makes the value a secret, per format (authkeys: a key line).
_KEYWORDS = {
    "iscsid": "password",
    "iscsi-node": "password",
    "ietd": "incominguser",
    "xm": "vncpasswd",
    "xl": "vncpasswd",
    "xend": "vncpasswd",
    "drbd": "shared-secret",
    "hacf": "stonith_host",
    "cib": 'name="passwd"',
    "cman": "passwd",
    "lio-saveconfig": "chap_password",
}


def _still_secret(fmt: str, text: str, secret: str) -> bool:
    """Whether the secret still reads as one: its keyword intact on its line, before
    it (or, for authkeys, a key line or the key alone on a line)."""
    lines = text.splitlines()
    at = next((i for i, ln in enumerate(lines) if secret in ln), None)
    if at is None:
        return False
    line = lines[at]
    head = line[: line.index(secret)].lower()
    if fmt == "authkeys":
        import re

        return line.strip() == secret or re.match(r"\s*\d+\s+(sha1|md5)\b", head) is not None
    keyword = _KEYWORDS[fmt]
    return keyword in head or (head.strip() == "" and at > 0 and keyword in lines[at - 1].lower())


def main(argv: list[str] | None = None) -> int:
    """``python tests/fuzzkit.py [api|leak] COUNT [SEED]``: a long run by hand."""
    args = list(sys.argv[1:] if argv is None else argv)
    which = args[0] if args else "api"
    count = int(args[1]) if len(args) > 1 else 2000
    seed = int(args[2]) if len(args) > 2 else 0
    failures = 0
    if which == "api":
        for label, fmt, text in api_cases(count, seed):
            problem = in_child(lambda f=fmt, t=text: check_api(f, t))  # type: ignore[misc]
            if problem:
                failures += 1
                print(f"{label} ({fmt}): {problem}")
    else:
        for label, fmt, text, secret in leak_cases(count, seed):
            problem = check_leak(fmt, text, secret)
            if problem:
                failures += 1
                print(f"{label} ({fmt}): secret shown in {problem}")
    print(f"{count} cases, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
