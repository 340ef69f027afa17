"""Heavy modules imported on first use, not when a module naming them is imported.

lxml costs about 15 ms of a lint's start-up, and most clusters' lint paths never parse
XML, yet the rules import the CIB modules. Those write ``from ..._lazy import etree`` and
use ``etree.X`` as before: the first attribute read imports lxml.

(Lark needs no stand-in: the builders handed to it as transformers are plain classes,
which Lark's tree-less LALR mode reads by name; see :mod:`xencfg.syntax.build`.)
"""

from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any


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
