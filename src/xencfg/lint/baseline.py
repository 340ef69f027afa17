"""Baselines: record today's findings so that only new ones fail.

An existing /etc can adopt the pre-commit hook on day one: ``xencfg lint
--baseline .xencfg-baseline.json`` records every finding when the file does not
exist yet, and from then on reports only findings that are not in it.

A finding's fingerprint must survive edits elsewhere in the file, so it holds no
line number: the rule's code, the file's path relative to the baseline's folder,
the message with line numbers blanked, and the text of the finding's line
(stripped). Two equal fingerprints in one file are told apart by their order.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from .._lazy import lazy_re
from ..errors import XencfgError
from ..findings import Finding

_NUMBERS = lazy_re(r"(\bline |:)\d+")
VERSION = 1


def relative(path: str, base: Path) -> str:
    """``path`` relative to ``base``, with ``/`` (how fingerprints name files)."""
    return _relative(path, base.resolve())


def _relative(path: str, resolved: Path) -> str:
    """:func:`relative` to a base resolved already."""
    full = os.path.abspath(path)
    try:
        return Path(os.path.relpath(full, resolved)).as_posix()
    except ValueError:  # another drive
        return Path(full).as_posix()


def fingerprints(
    findings: Sequence[Finding],
    texts: Mapping[str, str],
    base: Path,
    first_lines: Mapping[str, int] | None = None,
) -> list[str]:
    """One stable fingerprint per finding (same order as ``findings``); ``first_lines``
    the file line a text starts at, where it is not 1 (a supportconfig section)."""
    if not findings:  # (a clean lint does not import hashlib: OpenSSL's set-up, ~4 ms)
        return []
    import hashlib

    lines: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    # (the base resolved once, not once a finding: its lstat of each component took
    # 0.1 s of 0.16 s for 2000 findings in 2000 files)
    resolved = base.resolve()
    seen: Counter[str] = Counter()
    out = []
    for f in findings:
        if f.path not in lines:
            lines[f.path] = texts.get(f.path, "").splitlines()
            names[f.path] = _relative(f.path, resolved)
        own = lines[f.path]
        line = f.line - ((first_lines or {}).get(f.path, 1) - 1)
        content = own[line - 1].strip() if 0 < line <= len(own) else ""
        message = _NUMBERS.sub(r"\1#", f.message)
        key = "\x00".join((f.code, names[f.path], message, content))
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:20]
        seen[digest] += 1
        out.append(f"{digest}:{seen[digest]}")
    return out


def write(
    path: Path, findings: Sequence[Finding], prints: Sequence[str], hide: Iterable[str] = ()
) -> None:
    """Record ``findings`` (with their fingerprints) in the baseline file ``path``; the
    ``hide`` values (secrets) are masked in the messages, as in every report."""
    import json  # (a lint without --baseline reads and writes none)

    from ..secrets import redact
    from ..writer import write_atomic

    entries = [
        {
            "fingerprint": fp,
            "code": f.code,
            "path": relative(f.path, path.parent),
            "message": f.message,
        }
        for f, fp in zip(findings, prints, strict=True)
    ]
    text = json.dumps({"version": VERSION, "findings": entries}, indent=2) + "\n"
    text = redact(text, set(hide))
    write_atomic(str(path), text.encode("utf-8"), mode=0o644)


def read(path: Path) -> set[str]:
    """The fingerprints a baseline file records."""
    import json

    from ..errors import ReadError
    from ..syntax.source import read_text

    try:
        # (read_text: a FIFO a tree's settings name as its baseline blocked a plain read)
        data = json.loads(read_text(path))
        if data.get("version") != VERSION:
            raise ValueError(f"version {data.get('version')!r}, this xencfg writes {VERSION}")
        return {str(e["fingerprint"]) for e in data["findings"]}
    except ReadError as exc:
        raise XencfgError(f"{path}: not a baseline xencfg can read: {exc.reason}") from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise XencfgError(f"{path}: not a baseline xencfg can read: {exc}") from None
