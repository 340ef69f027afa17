"""Heavy modules imported, and regexes compiled, on first use, not when a module naming
them is imported.

lxml costs about 15 ms of a lint's start-up, and most clusters' lint paths never parse
XML, yet the rules import the CIB modules. Those write ``from ..._lazy import etree`` and
use ``etree.X`` as before: the first attribute read imports lxml.

(Lark needs no stand-in: the builders handed to it as transformers are plain classes,
which Lark's tree-less LALR mode reads by name; see :mod:`xencfg.syntax.build`.)
"""

from __future__ import annotations

import re
import types
from typing import TYPE_CHECKING, Any, cast


class _LazyModule(types.ModuleType):
    """Stands for module ``__name__`` until an attribute is read."""

    def __getattr__(self, attr: str) -> Any:
        # (the import statement's machinery, which -X importtime reports, unlike
        # importlib.import_module's)
        module = __import__(self.__name__, fromlist=["*"])
        # later reads find the names in our own __dict__ without coming back here
        self.__dict__.update(module.__dict__)
        return getattr(module, attr)


if TYPE_CHECKING:
    from lxml import etree as etree
else:
    etree = _LazyModule("lxml.etree")


class _LazyPattern:
    """Stands for ``re.compile(pattern, flags)`` until an attribute is read."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._args = (pattern, flags)

    def __getattr__(self, attr: str) -> Any:
        compiled = re.compile(*self._args)
        # later reads (.match, .sub, ...) find the bound methods in our own __dict__, as
        # a _Compiled: a class with __getattr__ makes every attribute read go through
        # its hook, which made a short match through the stand-in about a quarter slower
        self.__dict__.update((a, getattr(compiled, a)) for a in dir(compiled) if a[0] != "_")
        object.__setattr__(self, "__class__", _Compiled)
        return getattr(compiled, attr)


class _Compiled:
    """A :class:`_LazyPattern` once compiled: the pattern's methods and attributes are in
    its ``__dict__``."""


def lazy_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` on first use: for a module-level pattern that a lint seldom needs.

    Compiling is most of a start-up's regex cost (an NCName's Unicode classes take 7 ms)
    and most module-level patterns serve a branch a given tree never takes. Only the
    pattern's methods and attributes work through the stand-in: not ``re.sub(p, ...)``
    nor ``isinstance(p, re.Pattern)``."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
