"""mkdocs hooks of the documentation site (see mkdocs.yml ``hooks:``).

Docstrings name other objects with Sphinx roles (``:class:`Document```), which
mkdocstrings' renderer leaves as text: ``:class:<code>Document</code>`` on the page.
This hook drops the role, keeping the name as code, and shortens ``~a.b.C`` to ``C``
as Sphinx would.
"""

from __future__ import annotations

import re
from typing import Any

ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|data|attr|mod|exc|obj|const|ref):<code>(~?)([^<]*)</code>"
)


def strip_roles(html: str) -> str:
    """``html`` with every rendered Sphinx role reduced to its code."""

    def repl(m: re.Match[str]) -> str:
        name = m.group(2).rsplit(".", 1)[-1] if m.group(1) else m.group(2)
        return f"<code>{name}</code>"

    return ROLE.sub(repl, html)


def on_page_content(html: str, **kwargs: Any) -> str:
    return strip_roles(html)
