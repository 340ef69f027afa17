"""Lazy, cached Lark parsers built from the grammars shipped in the package.

``import xencfg`` builds no parser: :func:`parser` builds one the first time a
format needs it, once per process, and keeps Lark's serialized tables in a
per-user cache directory (never ``cache=True``, which shares one file in /tmp
between users: lark#1178, #1628).
"""

from __future__ import annotations

import contextlib
import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ParseError
from .source import LineIndex

if TYPE_CHECKING:
    from lark import Lark

_PKG_DIR = Path(__file__).resolve().parent.parent


def data_dir(name: str) -> Path:
    """``grammars`` or ``schemas``: inside the installed package, else the source checkout."""
    inside = _PKG_DIR / name
    if inside.is_dir():
        return inside
    checkout = _PKG_DIR.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"xencfg data directory {name!r} is missing from the installation")


def _cache_dir() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "xencfg"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if os.access(path, os.W_OK) else None


#: At most this many parser tables are kept on disk; older ones are removed.
MAX_CACHE_FILES = 64


def _option_key(value: Any) -> str:
    """An option as it shapes the tables: a transformer by its class, never by its
    address (a key with ``repr(instance)`` never hit and left a file per run)."""
    if value is None or isinstance(value, (str, int, float, bool, tuple, list)):
        return repr(value)
    kind = value if isinstance(value, type) else type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _prune(cache: Path, keep: int = MAX_CACHE_FILES) -> None:
    """Remove all but the ``keep`` most recently used table files."""
    try:
        files = sorted(cache.glob("*.lark-cache"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return
    for old in files[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


def parser(name: str, start: str = "start", **options: Any) -> Lark:
    """The LALR parser of ``grammars/<name>.lark``.

    Without options it is built once per process. A parser with a transformer
    instance (each parse has its own) is not kept in memory, where every parse would
    leave one; its tables come from the disk cache, keyed by the grammar's text, the
    options (a transformer by its class), Lark's and xencfg's versions.
    """
    if not options:
        return _plain_parser(name, start)
    return _build(name, start, options)


@functools.cache
def _plain_parser(name: str, start: str) -> Lark:
    return _build(name, start, {})


def _build(name: str, start: str, options: dict[str, Any]) -> Lark:
    import hashlib

    from lark import Lark, __version__

    from .. import __version__ as ours

    text = (data_dir("grammars") / f"{name}.lark").read_text(encoding="utf-8")
    kwargs: dict[str, Any] = {
        "parser": "lalr",
        "lexer": "contextual",
        "start": start,
        "keep_all_tokens": False,
        "propagate_positions": False,
        "maybe_placeholders": False,
    }
    kwargs.update(options)
    cache = _cache_dir()
    if cache is not None:
        key = "\0".join(f"{k}={_option_key(v)}" for k, v in sorted(kwargs.items()))
        digest = hashlib.sha256(f"{text}\0{key}\0{__version__}\0{ours}".encode()).hexdigest()[:16]
        target = cache / f"{name}-{digest}.lark-cache"
        fresh = not target.exists()
        kwargs["cache"] = str(target)
    try:
        lark = Lark(text, **kwargs)
    except OSError:  # an unwritable or corrupt cache file must not stop us
        kwargs.pop("cache", None)
        return Lark(text, **kwargs)
    if cache is not None and fresh:
        _prune(cache)
    return lark


def parse_error(
    exc: Exception,
    text: str,
    path: str | None,
    words: dict[str, str] | None = None,
    context: str = "",
) -> ParseError:
    """A :class:`ParseError` from a Lark exception, with the expectation in words.

    ``words`` maps terminal names to what a person calls them
    (``{"LBRACE": "'{'"}``); ``context`` is appended ("after the resource name").
    """
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedToken

    words = words or {}
    index = LineIndex(text)
    expected: set[str] = set()
    if isinstance(exc, UnexpectedToken):
        tok = exc.token
        if tok.type == "$END":
            line, col = index.position(len(text))
            got = "end of file"
        else:
            line, col = index.position(tok.start_pos)
            # a line break token would show as '' once cut at its newline: name it
            at_break = str(tok)[:1] in ("", "\n", "\r")
            got = "end of line" if at_break else repr(_short(str(tok)))
        expected = set(exc.expected)
    elif isinstance(exc, UnexpectedCharacters):
        at = exc.pos_in_stream or 0
        line, col = index.position(at)
        got = repr(_short(text[at : at + 20]))
        expected = set(exc.allowed or ())
    elif isinstance(exc, UnexpectedEOF):
        line, col = index.position(len(text))
        got = "end of file"
        expected = set(exc.expected)
    else:
        line, col, got = 1, 1, str(exc)
    names = sorted({words.get(e, _default_word(e)) for e in expected} - {""})
    want = " or ".join(names[:6]) + (" or ..." if len(names) > 6 else "")
    message = f"expected {want}" if want else "syntax error"
    if context:
        message += f" {context}"
    message += f", got {got}"
    return ParseError(
        message,
        path=path,
        line=line,
        column=col,
        text=text,
        expected=want,
    )


def _short(s: str) -> str:
    s = s.split("\n", 1)[0]
    return s if len(s) <= 20 else s[:20] + "..."


#: What a person calls the terminals every grammar names alike; a format's ``words`` add
#: its own terminals (and may override these).
_ALIKE = {
    "STRING": "a quoted string",
    "LBRACE": "'{'",
    "RBRACE": "'}'",
    "LPAR": "'('",
    "RPAR": "')'",
    "LSQB": "'['",
    "RSQB": "']'",
    "SEMICOLON": "';'",
    "SEMI": "';'",
    "EQUAL": "'='",
    "EQ": "'='",
    "COLON": "':'",
    "COMMA": "','",
    "NL": "end of line",
    "_NL": "end of line",
    "$END": "end of file",
    "KEY": "a key",
    "VALUE": "a value",
    "WORD": "a word",
    "NUMBER": "a number",
}


def _default_word(term: str) -> str:
    if term in _ALIKE:
        return _ALIKE[term]
    if term.startswith("__ANON") or term.startswith("_"):
        return ""
    return term.lower().replace("_", " ")
