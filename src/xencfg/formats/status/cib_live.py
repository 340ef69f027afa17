"""The CIB the cluster runs (``cibadmin -Q`` output): read-only here.

The same XML as ``cib.xml`` and parsed by :mod:`xencfg.formats.cib`, but kept
under its own format name so the CIB rules check the configuration on disk
once, and the drift rules compare the two (``epoch``, resources).
"""

from __future__ import annotations

from typing import Any

from ..cib import CibDocument
from ..cib import parse as _parse_cib
from ..cib import sniff as _sniff_cib

FORMAT = "cib-live"


class LiveCibDocument(CibDocument):
    """A CIB as ``cibadmin -Q`` printed it."""

    __slots__ = ()
    format = FORMAT

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {**super().to_dict(show_secrets), "format": FORMAT}


def parse(text: str, path: str | None = None) -> CibDocument:
    """Parse ``cibadmin -Q`` output as a CIB; raises :class:`xencfg.ParseError`."""
    doc = _parse_cib(text, path)
    doc.__class__ = LiveCibDocument
    return doc


def sniff(text: str) -> bool:
    """A CIB, as cib.xml's sniffer sees it (not crm_mon's XML, not an error message)."""
    return _sniff_cib(text)
