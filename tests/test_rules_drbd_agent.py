"""CB039: ``ocf:linbit:drbd`` where the node's DRBD predates the agent (8.3.2).

Source: drbd's git history, scripts/drbd.ocf first committed 2009-05-29 (93da245f) and
first released with 8.3.2 ("Preparing the 8.3.2 release", 73f433f4, 2009-07-03), the
same fact ``versions.DRBD_RA_NEEDS_NOTIFY`` records for CB035. The tree is unseen5's
Debian lenny site (DRBD 8.0.14, Pacemaker 1.0, ``ocf:heartbeat:drbd``) with the
primitive switched to LINBIT's agent.
"""

from __future__ import annotations

from pathlib import Path

from lintkit import copy_site, edit_site, site_found

LENNY = Path(__file__).parent / "fixtures" / "unseen5" / "lenny-openais080-pcmk10-drbd80-xentools"
CIB = "*/var/lib/heartbeat/crm/cib.xml"
HEARTBEAT_AGENT = 'id="drbd_xen" provider="heartbeat" type="drbd"'
LINBIT_AGENT = 'id="drbd_xen" provider="linbit" type="drbd"'


def _site(tmp: Path, agent: str) -> Path:
    root = copy_site(LENNY, tmp / "site")
    edit_site(root, CIB, HEARTBEAT_AGENT, agent)
    return root


def test_linbit_agent_on_drbd_80_fails(tmp_path: Path) -> None:
    """Said once: the two nodes hold the same CIB (lint reports an identical CIB once)."""
    root = _site(tmp_path, LINBIT_AGENT)
    assert site_found(root, {"drbd": "8.0.14"}, "CB039") == {
        ("CB039", "lenny1/var/lib/heartbeat/crm/cib.xml", "error"),
    }


def test_heartbeat_agent_on_drbd_80_passes(tmp_path: Path) -> None:
    root = _site(tmp_path, HEARTBEAT_AGENT)
    assert site_found(root, {"drbd": "8.0.14"}, "CB039") == set()


def test_linbit_agent_on_drbd_832_passes(tmp_path: Path) -> None:
    """8.3.2 is the first release with the agent; a declared series ("8.3") may be
    8.3.2 or later, so nothing is said; the older series ("8.2") is said."""
    root = _site(tmp_path, LINBIT_AGENT)
    assert site_found(root, {"drbd": "8.3.2"}, "CB039") == set()
    assert site_found(root, {"drbd": "8.3"}, "CB039") == set()
    assert len(site_found(root, {"drbd": "8.2"}, "CB039")) == 1
