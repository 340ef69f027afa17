"""xendomains' own settings (/etc/sysconfig/xendomains, Debian's /etc/default/xendomains):
whether it saves the running guests at shutdown and restores them at boot. Read by XN019
(``rules/xen/autostart.py``) and by ``xencfg migrate``'s report
(``migrate/xendomains.py``), so that both say the same of one file."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .formats.lines.shellvars import Assignment, ShellvarsDocument

#: The files of a node, below its /etc, that hold xendomains' settings.
SETTINGS = ("sysconfig/xendomains", "default/xendomains")


def saved_and_restored(doc: ShellvarsDocument) -> Assignment | None:
    """The ``XENDOMAINS_SAVE`` line where xendomains saves running guests at shutdown
    and restores the images at boot: ``XENDOMAINS_SAVE`` not empty (and not computed
    from other variables) and ``XENDOMAINS_RESTORE`` ``true`` (Xen's
    tools/hotplug/Linux/xendomains.in: ``stop`` runs ``$CMD save`` when ``test -n
    "$XENDOMAINS_SAVE"``; ``start`` restores every image ``if [
    "$XENDOMAINS_RESTORE" = "true" ]``). Unset, the script does neither (the shipped
    files set both). Which guests: every running one, or only those of
    ``XENDOMAINS_AUTO`` where :func:`auto_only`."""
    save = doc.assignment("XENDOMAINS_SAVE")
    if save is None or save.expands or not (doc.get("XENDOMAINS_SAVE") or "").strip():
        return None
    return save if doc.get("XENDOMAINS_RESTORE") == "true" else None


def auto_only(doc: ShellvarsDocument) -> bool:
    """``XENDOMAINS_AUTO_ONLY=true``: xendomains saves only the guests of
    ``XENDOMAINS_AUTO``, not every running one."""
    return doc.get("XENDOMAINS_AUTO_ONLY") == "true"
