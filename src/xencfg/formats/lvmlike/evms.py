"""EVMS ``/etc/evms.conf``: the engine's configuration.

Same language as lvm.conf (:mod:`._base`), EVMS-style lists without
commas (``include = [ sd* hd* ]``). Typed helpers cover the sections the SLES
HA setups use: ``engine`` (mode, debug level, log file), ``sysfs_devices``
(include/exclude globs), ``clusters``, ``legacy_devices``... Pinning a
``dm-N`` name in ``sysfs_devices/include`` is a known mistake (dm minors are
assigned at activation time); :meth:`EvmsDocument.pinned_dm_devices` exposes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import attrs

from ...problems import KeywordProblem
from ._base import Builder, LvmLikeDocument, LvmStyle, keyword_problems_for, parse_lvmlike

FORMAT = "evms"

#: Sections of EVMS 2.5's evms.conf, with the keys of those we know fully.
SECTIONS: dict[str, frozenset[str]] = {
    "engine": frozenset(
        [
            "mode",
            "debug_level",
            "log_file",
            "metadata_backup_dir",
            "auto_metadata_backup",
            "remote_request_timeout",
        ]
    ),
    "sysfs_devices": frozenset({"include", "exclude"}),
    # without sysfs (2.4 kernels) EVMS 2.x searches device nodes itself: ``scan`` and
    # ``directories`` say where (issue 15: reported as unknown in a real evms.conf)
    "legacy_devices": frozenset({"include", "exclude", "scan", "directories"}),
    "multipath": frozenset(),
    "activate": frozenset({"include", "exclude"}),
    "clusters": frozenset(),
    "clustering": frozenset(),
    "daemon": frozenset(),
    "lvm": frozenset(),
    "lvm2": frozenset(),
    "md": frozenset(),
    "dos_segment_manager": frozenset(),
    "s390_segment_manager": frozenset(),
    "snapshot": frozenset(),
    "bbr_segment_manager": frozenset(),
    "ext2_3": frozenset(),
    "reiserfs": frozenset(),
    "jfs": frozenset(),
    "xfs": frozenset(),
    "swap": frozenset(),
    "ocfs2": frozenset(),
    "csm": frozenset(),
    "ha": frozenset(),
    "hm": frozenset(),
    "aix": frozenset(),
    "os2": frozenset(),
    "gpt": frozenset(),
    "drivelink": frozenset(),
    "bbr": frozenset(),
    "sparse": frozenset(),
    "user_interfaces": frozenset(),
}

STYLE = LvmStyle(indent="\t", terminator="", separator=" = ", comma=False, quote_strings=False)
_DM = re.compile(r"^dm-\d+$")


@attrs.define(weakref_slot=False)
class EvmsDocument(LvmLikeDocument):
    """A parsed evms.conf."""

    format = FORMAT
    style = STYLE

    def _list(self, path: str) -> list[str]:
        s = self.setting(path)
        return list(s.values) if s is not None else []

    @property
    def engine_mode(self) -> str | None:
        """``engine/mode``: ``readwrite`` or ``readonly``."""
        v = self.get("engine/mode")
        return str(v) if v is not None else None

    @property
    def sysfs_include(self) -> list[str]:
        """Device name globs EVMS scans (``sysfs_devices/include``)."""
        return self._list("sysfs_devices/include")

    @property
    def sysfs_exclude(self) -> list[str]:
        return self._list("sysfs_devices/exclude")

    def pinned_dm_devices(self) -> list[str]:
        """``dm-N`` names in ``sysfs_devices/include``: unstable across boots."""
        return [d for d in self.sysfs_include if _DM.match(d)]

    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """Unknown or misplaced setting names (with a did-you-mean), section by section."""
        yield from keyword_problems_for(self, SECTIONS)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "settings": self.flat(),
            "sysfs_devices": {"include": self.sysfs_include, "exclude": self.sysfs_exclude},
            "pinned_dm_devices": self.pinned_dm_devices(),
        }


_BUILDER = Builder(EvmsDocument)


def parse(text: str, path: str | None = None) -> EvmsDocument:
    """Parse evms.conf text; raises :class:`xencfg.ParseError`."""
    doc: EvmsDocument = parse_lvmlike(text, path, _BUILDER)
    return doc


def sniff(text: str) -> bool:
    return re.search(r"^[ \t]*(engine|sysfs_devices|legacy_devices)\s*\{", text, re.M) is not None
