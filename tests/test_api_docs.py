"""The generated API reference (issue 19): every format module, with its document and
view classes, is on docs/api-formats.md, each public class says what it is, and the
Sphinx roles of the docstrings render as code, not as ``:class:`` text."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import xencfg.formats
import xencfg.formats.status
from conftest import ROOT

PAGE = (ROOT / "docs" / "api-formats.md").read_text()


def modules() -> list[str]:
    """Every public format module: top-level ones, those of the family packages, and the
    CIB's model."""
    families = ("status", "lines", "lvmlike", "xen")
    names = [m.name for m in pkgutil.iter_modules(xencfg.formats.__path__)]
    out = [n for n in names if not n.startswith("_") and n not in ("cib", *families)]
    for family in families:
        pkg = importlib.import_module(f"xencfg.formats.{family}")
        out += [f"{family}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__)]
    return [n for n in out if not n.rpartition(".")[2].startswith("_")] + ["cib.model"]


def test_every_format_module_is_in_the_reference() -> None:
    for name in modules():
        assert f"::: xencfg.formats.{name}\n" in PAGE, name


def test_every_public_document_and_view_class_has_a_docstring() -> None:
    undocumented = []
    for name in modules():
        mod = importlib.import_module(f"xencfg.formats.{name}")
        for cls_name, cls in vars(mod).items():
            # public: defined here, or re-exported in __all__ (cib.model's views)
            exported = cls_name in getattr(mod, "__all__", ())
            if not inspect.isclass(cls) or (cls.__module__ != mod.__name__ and not exported):
                continue
            if cls_name.startswith("_"):
                continue
            doc = (cls.__doc__ or "").strip()
            if not doc or doc.startswith(f"{cls_name}("):  # attrs' generated signature
                undocumented.append(f"{name}.{cls_name}")
    assert undocumented == []


def test_sphinx_roles_render_as_code() -> None:
    import sys

    sys.path.insert(0, str(ROOT))
    from mkdocs_hooks import strip_roles

    html = (
        "see :class:<code>xencfg.ParseError</code>, "
        ":meth:<code>~xencfg.drbd.Resource.section</code> and :data:<code>FORMATS</code>"
    )
    assert strip_roles(html) == (
        "see <code>xencfg.ParseError</code>, <code>section</code> and <code>FORMATS</code>"
    )
    assert "hooks:\n  - mkdocs_hooks.py\n" in (ROOT / "mkdocs.yml").read_text()


def test_roles_in_docstrings_have_the_form_the_hook_reads() -> None:
    """A role the hook would not recognise (``:class:`Name <target>```) would show raw."""
    odd = re.compile(r":(class|func|meth|data|attr|mod|exc):`[^`]*<[^`]*>`")
    for path in (ROOT / "src" / "xencfg").rglob("*.py"):
        assert not odd.search(path.read_text()), path
