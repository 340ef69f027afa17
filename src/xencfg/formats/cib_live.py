"""The CIB the cluster runs (``cibadmin -Q`` output): read-only here.

The same XML as ``cib.xml`` and parsed by :mod:`xencfg.formats.cib`, but kept
under its own format name so the CIB rules check the configuration on disk
once, and the drift rules compare the two (``epoch``, resources).
"""

from __future__ import annotations

from .cib import CibDocument
from .cib import parse as _parse_cib

FORMAT = "cib-live"
#: A captured query result is not edited, so not light-parsed either.
LIGHT = False


def parse(text: str, path: str | None = None) -> CibDocument:
    """Parse ``cibadmin -Q`` output as a CIB; raises :class:`xencfg.ParseError`."""
    return _parse_cib(text, path)
