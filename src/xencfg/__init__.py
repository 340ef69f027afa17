"""xencfg: understand, edit and lint the configuration of a Xen HA cluster.

The public API::

    doc = xencfg.load("/etc/drbd.conf")            # format detected from path/content
    doc.resources["r0"].hosts["alpha"].address.port  # typed values
    text = xencfg.dumps(doc)                          # byte-exact unless edited
    xencfg.dump(doc, "/etc/drbd.conf")                # atomic, keeps the file mode
    xencfg.lint_tree({"alpha": {"etc/drbd.conf": text}})  # lint texts held in memory

Everything here is imported lazily: ``import xencfg`` builds no parser and
imports neither Lark nor lxml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "FORMATS",
    "Document",
    "ParseError",
    "ReadError",
    "UnknownFormatError",
    "ValidationError",
    "WriteError",
    "XencfgError",
    "__version__",
    "detect",
    "dump",
    "dumps",
    "lint_text",
    "lint_tree",
    "load",
    "loads",
]

if TYPE_CHECKING:
    from .api import detect, dump, dumps, load, loads
    from .document import Document
    from .errors import (
        ParseError,
        ReadError,
        UnknownFormatError,
        ValidationError,
        WriteError,
        XencfgError,
    )
    from .formats import FORMATS
    from .lint.memory import lint_text, lint_tree

_LAZY = {
    "load": "api",
    "loads": "api",
    "dumps": "api",
    "dump": "api",
    "detect": "api",
    "Document": "document",
    "FORMATS": "formats",
    "XencfgError": "errors",
    "ParseError": "errors",
    "ReadError": "errors",
    "ValidationError": "errors",
    "UnknownFormatError": "errors",
    "WriteError": "errors",
    # a tool that generates configuration lints it before writing it: the same engine
    # and rules as ``xencfg lint``, over texts held in memory
    "lint_tree": "lint.memory",
    "lint_text": "lint.memory",
}


def __getattr__(name: str) -> Any:
    mod = _LAZY.get(name)
    if mod is None:
        raise AttributeError(f"module 'xencfg' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{mod}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
