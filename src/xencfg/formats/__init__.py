"""The registry of formats (one :class:`~xencfg.formats.spec.FormatSpec` each, in
``spec.py``) and what is derived from it: names, where files usually live, detection.

Each format is a module in this package or one of its family packages (``lines``,
``lvmlike``, ``xen``, ``status``, ``drbd``, ``cib``; the spec's ``module`` names it)
exposing::

    FORMAT: str                                   # its registered name
    def parse(text: str, path: str | None = None) -> Document   # raises ParseError
    def sniff(text: str) -> bool                  # optional: "this text is mine"
    LIGHT: bool                                   # optional: False opts out of light
                                                  # parsing (xencfg.syntax.tree.Light)

Modules are imported only when a file of their format is met, so importing
xencfg stays cheap. ``FORMATS`` lists the formats whose module is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable, Collection
from fnmatch import fnmatchcase
from types import ModuleType
from typing import Any

from ..errors import UnknownFormatError
from .spec import SPECS, Declared, FormatSpec, References

_REGISTRY: tuple[FormatSpec, ...] = SPECS

_BY_NAME = {f.name: f for f in _REGISTRY}


def _module_name(info: FormatSpec) -> str:
    return f"{__name__}.{info.module}"


def _available(info: FormatSpec) -> bool:
    return importlib.util.find_spec(_module_name(info)) is not None


#: Names of every format this installation can read.
FORMATS: tuple[str, ...] = tuple(f.name for f in _REGISTRY if _available(f))


def info(name: str) -> FormatSpec:
    """The registry entry of a format name."""
    try:
        return _BY_NAME[name]
    except KeyError:
        known = ", ".join(FORMATS)
        raise UnknownFormatError(f"unknown format {name!r} (known: {known})") from None


def module(name: str) -> ModuleType:
    """The module implementing ``name`` (imported on first use)."""
    entry = info(name)
    if name not in FORMATS:
        raise UnknownFormatError(f"format {name!r} is not implemented in this version")
    return importlib.import_module(_module_name(entry))


def specs() -> tuple[FormatSpec, ...]:
    """Every registered format's spec, in registry order."""
    return _REGISTRY


def discovery_paths(where: str) -> tuple[tuple[str, str | None], ...]:
    """``(glob, format)`` of the files discovery reads under a node's /etc
    (``where="etc"``) or its root (``"root"``); the format is ``None`` where the
    content decides (``cluster.conf``). Registry order, then each spec's order."""
    out: list[tuple[str, str | None]] = []
    for f in _REGISTRY:
        for pattern in f.etc_files if where == "etc" else f.root_files:
            out.append((pattern, None if f.by_content else f.name))
    return tuple(out)


def _hook(name: str, spelled: str | None) -> Any:
    """The function a spec's hook field names: ``package.module:function``, or a
    function of the format's own module."""
    if spelled is None:
        return None
    where, _, fn = spelled.rpartition(":")
    mod = importlib.import_module(where) if where else module(name)
    return getattr(mod, fn)


def declares_hook(name: str) -> Callable[[Any], Declared] | None:
    """The hook naming the cluster members a document of format ``name`` declares
    (``None`` for formats that declare none); see :attr:`FormatSpec.declares`."""
    entry = _BY_NAME.get(name)
    hook: Callable[[Any], Declared] | None = _hook(name, entry.declares) if entry else None
    return hook


def references_hook(name: str) -> Callable[[str], References] | None:
    """The hook naming the files a file of format ``name`` makes its daemon read
    (``None`` for formats that name none); see :attr:`FormatSpec.references`."""
    entry = _BY_NAME.get(name)
    hook: Callable[[str], References] | None = _hook(name, entry.references) if entry else None
    return hook


def etc_dirs() -> tuple[str, ...]:
    """The folders under /etc whose files are read whatever their names (the specs'
    ``etc_dirs``), in registry order."""
    return tuple(dict.fromkeys(d for f in _REGISTRY for d in f.etc_dirs))


def by_content(among: tuple[str, ...], path: str | None = None) -> tuple[str, ...]:
    """The order in which to ask ``among``'s sniffers about a file: formats whose
    ``patterns`` match ``path`` first, the later in sniff order first (a file name
    says more than a folder: xl's ``*.cfg`` before xm's ``xen/auto/*``), then the
    others in sniff order (xm before xl, which reads plain ``key = value`` alike)."""
    ranked = [n for n in _SNIFF_ANYWHERE if n in among] + [
        n for n in among if n not in _SNIFF_ANYWHERE
    ]
    named = set(candidates(path)) if path else set()
    return (*reversed([n for n in ranked if n in named]), *(n for n in ranked if n not in named))


def folder_formats(folder: str) -> tuple[str, ...]:
    """The formats a file in ``folder`` (below /etc) may be, whatever its name."""
    return tuple(f.name for f in _REGISTRY if folder in f.etc_dirs and f.name in FORMATS)


def _tail_matches(path: str, pattern: str) -> bool:
    parts = path.replace("\\", "/").split("/")
    depth = pattern.count("/") + 1
    tail = "/".join(parts[-depth:])
    # most patterns are plain names: compared, not compiled to a regex (start-up)
    return fnmatchcase(tail, pattern) if _WILD.intersection(pattern) else tail == pattern


#: What makes a path pattern a glob (:func:`fnmatch.fnmatchcase`).
_WILD = frozenset("*?[")


def candidates(path: str) -> list[str]:
    """Formats whose usual paths match ``path``, most specific first."""
    found: list[tuple[int, str]] = []
    for f in _REGISTRY:
        if f.name not in FORMATS:
            continue
        for pat in f.patterns + f.ambiguous:
            if _tail_matches(path, pat):
                # deeper and wildcard-free patterns are more specific
                score = pat.count("/") * 10 + (0 if "*" in pat else 5)
                found.append((score, f.name))
                break
    found.sort(key=lambda sf: -sf[0])
    return [name for _, name in found]


def sniff(name: str, text: str) -> bool:
    """Whether ``text`` looks like format ``name`` (formats without a sniffer say no)."""
    fn = getattr(module(name), "sniff", None)
    return bool(fn(text)) if fn is not None else False


def detect(
    path: str | None, text: str | None = None, *, only: Collection[str] | None = None
) -> str | None:
    """The format of a file from its path, and from its content where needed.

    A path that names exactly one format decides alone, unless that format's
    names are too loose to trust (``*.xml``, ``cluster.conf``, domU configs):
    then its sniffer must accept the text. Files with unknown names are tried
    against the sniffers of formats recognisable by content. Returns ``None``
    when nothing fits.

    ``only``: the caller keeps no other format (the loose files of a cluster folder).
    The answer is then the same as without it when that is one of ``only``, else
    ``None``; but the other formats' sniffers, whose modules are imported to ask
    them, are asked only once one of ``only`` has said yes (were one of them to say
    yes earlier in the order, the answer would be that format, so ``None``).
    """
    names = candidates(path) if path else []
    if len(names) == 1 and names[0] not in _SNIFF_FIRST:
        return _kept(names[0], only)
    if path is not None and names[:1] == ["xl"] and _tail_matches(path, "xen/xl.conf"):
        # xl's own settings file: Xen ships it all comments, which no sniffer can
        # recognise; lint reads it by this path, and so does detect()
        return _kept("xl", only)
    if text is None and path is not None:
        from ..syntax.source import read_text

        try:
            text = read_text(path, limit=4 * 1024 * 1024)
        except Exception:
            return _kept(names[0], only) if names else None
    if text is None:
        return _kept(names[0], only) if names else None
    # the formats the path names, each asked in turn (one without a sniffer takes the
    # file); then, the name having misled us (a CIB fragment saved as ``vm.xm``), the
    # formats recognisable by content, which must say yes
    order = [(name, True) for name in names] + [
        (name, False) for name in _SNIFF_ANYWHERE if name in FORMATS and name not in names
    ]

    def says_yes(name: str, named: bool) -> bool:
        fn = getattr(module(name), "sniff", None)
        return bool(fn(text)) if fn is not None else named

    if only is None:
        return next((name for name, named in order if says_yes(name, named)), None)
    for i, (name, named) in enumerate(order):
        if name in only and says_yes(name, named):
            earlier = (says_yes(n, nd) for n, nd in order[:i] if n not in only)
            return None if any(earlier) else name
    return None


def _kept(name: str, only: Collection[str] | None) -> str | None:
    return name if only is None or name in only else None


#: Formats read from the loose files of a cluster folder, beside its node trees
#: (each spec's ``loose``).
LOOSE = frozenset(f.name for f in _REGISTRY if f.loose)
#: Formats whose path patterns are too loose to trust without a look at the text.
_SNIFF_FIRST = frozenset(f.name for f in _REGISTRY if f.sniff_first)
#: Formats recognisable by content alone, tried in this order for unknown names
#: (each spec's ``sniff_rank``): distinctive ones first; xm before xl, which reads
#: plain ``key = value`` files alike.
_SNIFF_ANYWHERE = tuple(
    f.name for f in sorted(_REGISTRY, key=lambda f: f.sniff_rank or 0) if f.sniff_rank is not None
)
