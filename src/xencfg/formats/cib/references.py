"""The domU configs a CIB's Xen primitives name (``xmfile``): the resource agent has
``xm``/``xl create`` read them, so discovery reads them too (the spec's
``references`` hook). Found by a light scan of the text: no XML parser is needed
to say which files to read, and a CIB that does not parse still names them."""

from __future__ import annotations

import glob
import re

from .. import folder_formats

_XMFILE = re.compile(r'<nvpair\b(?=[^>]*\bname="xmfile")[^>]*\bvalue="([^"]+)"', re.S)


def xmfiles(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Each ``xmfile`` value as a path below the node's root (a relative one is read
    from the root: the agent's working directory is not known), glob-escaped: the
    agent names one file, never a pattern. It is a domU config, of a format of
    /etc/xen (xm or xl: the content decides)."""
    domu = folder_formats("xen")
    return [(glob.escape("/" + v.lstrip("/")), domu) for v in _XMFILE.findall(text)]
