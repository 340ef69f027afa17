"""load, loads, dumps, dump and detect: the stable entry points."""

from __future__ import annotations

import contextlib
import gc
import os
from pathlib import Path
from types import ModuleType

from . import formats
from .document import Document
from .errors import UnknownFormatError, XencfgError
from .syntax.source import encode, read_text
from .syntax.tree import _BUILDING, Light, NeedsFullTree, TooDeep


def loads(text: str, format: str, *, path: str | None = None) -> Document:
    """Parse ``text`` as ``format`` (a name from :data:`xencfg.FORMATS`).

    Raises :class:`xencfg.ParseError` (with path, line and column) when the
    text does not follow the format's syntax.

    The document is *light* (see :class:`xencfg.syntax.tree.Light`): its nodes
    keep their values and positions, and the tokens that make the round trip
    lossless are parsed again on first use (an edit rendered, ``tokens()``).
    """
    mod = formats.module(format)
    if not getattr(mod, "LIGHT", True):  # a format may opt out of light parsing
        return _parse(mod, text, path, None)
    light = Light(lambda: _parse(mod, text, path, None))
    try:
        doc = _parse(mod, text, path, light)
        light.seal(doc)
    except (NeedsFullTree, TooDeep, XencfgError):
        # Code that needs the tokens ran during the parse, or the text is bad: the
        # full parse gives the same document (or the error with its partial tree).
        return _parse(mod, text, path, None)
    return doc


def _parse(mod: ModuleType, text: str, path: str | None, light: Light | None) -> Document:
    """Run a format's parser, light (``light`` given) or in full."""
    # A parse builds many objects and frees few: the cyclic collector would
    # rescan them all again and again, making large files superlinear.
    collecting = gc.isenabled()
    gc.disable()
    _BUILDING.append(light)
    try:
        doc: Document = mod.parse(text, path)
    finally:
        _BUILDING.pop()
        if collecting:
            gc.enable()
    return doc


def load(path: str | os.PathLike[str], format: str | None = None) -> Document:
    """Read and parse a file; the format is detected when not given.

    Bytes that are not UTF-8 survive a round trip; the file's permission bits
    are kept in ``doc.mode`` so that :func:`dump` can preserve them.
    """
    p = os.fspath(path)
    text = read_text(p)
    if format is None:
        format = formats.detect(p, text)
        if format is None:
            raise UnknownFormatError(
                f"{p}: cannot tell the format of this file (use --as FORMAT / format=...)"
            )
    doc = loads(text, format, path=p)
    with contextlib.suppress(OSError):
        doc.mode = os.stat(p).st_mode & 0o7777
    return doc


def dumps(doc: Document) -> str:
    """The text of a document: its source with any edits spliced in.

    For a document built in code, the format's canonical rendering.
    """
    return doc.dumps()


def dump(doc: Document, path: str | os.PathLike[str] | None = None) -> None:
    """Write a document atomically, keeping the target's mode, owner and group.

    The text goes to a temporary file in the same directory, is flushed to
    disk, and replaces the target by ``rename``; if anything fails the
    original file is untouched. When the file changed on disk since it was
    loaded, nothing is written and :class:`xencfg.WriteError` is raised.
    """
    from .writer import write_atomic

    target = os.fspath(path) if path is not None else doc.path
    if target is None:
        raise XencfgError("dump: the document has no path; give one")
    expected = doc.source if (doc.path is not None and Path(doc.path) == Path(target)) else None
    write_atomic(target, encode(dumps(doc)), mode=doc.mode, expect=expected)


def detect(path: str | os.PathLike[str] | None, text: str | None = None) -> str | None:
    """The format name of a file (by its path, and its content where needed), or ``None``."""
    return formats.detect(os.fspath(path) if path is not None else None, text)
