"""``xencfg migrate``: a cluster's files to today's software, offline.

:func:`plan` reads every node (as lint does) and carries each part it is asked for
(:data:`PARTS`):

* ``stack``: heartbeat -> corosync 3 + Pacemaker, with :func:`xencfg.stack.to_corosync`
  (corosync.conf, authkey) and :func:`xencfg.formats.cib.upgrade.upgrade` (the CIB, in
  the current schema unless ``--to pacemaker=1.0``);
* ``xen``: xm domU configs -> xl, xend-config.sxp -> xl.conf (:mod:`.migrations.xen`);
* ``drbd``: DRBD 8.0-8.3 syntax -> 8.4 (the mainline kernel's DRBD) or 9
  (:mod:`.migrations.drbd`);
* ``iscsi``: IET -> LIO's saveconfig.json, and what the new WWIDs break on the
  initiators (:mod:`.migrations.lio`);
* ``multipath``, ``iscsid``: multipath.conf and iscsid.conf in the keywords of
  multipath-tools 0.9 and open-iscsi 2.1 (:mod:`.migrations.multipath`,
  :mod:`.migrations.iscsid`, one table: :mod:`.migrations.keywords`);
* ``evms``: which EVMS volumes LVM2 takes over as they are, which need their data
  moved (:mod:`.migrations.evms`; a report, no files).

It returns a :class:`Migration`: the files per node, every rewrite and everything
left for an admin, and the ordered cut-over steps. Node trees that hold several
clusters (ha.cf, corosync or cman member lists that do not meet) are migrated cluster by
cluster (:mod:`.clusters`): ``Migration.clusters`` holds each one's, its CIB in
``OUTDIR/cib-NAME.xml``. :func:`write` puts the files under
``OUTDIR/NODE/`` and the report in ``OUTDIR/MIGRATION.md``; it refuses to write into
(or over) the inputs.

The package: :mod:`.run` (:func:`plan`, :func:`write`), :mod:`.migration` (what a
migration is, its report), one module per kind of part (:mod:`.part_stack`,
:mod:`.part_storage`), :mod:`.clusters` (the clusters of a site).
"""

from __future__ import annotations

from .migration import DRBD_TARGETS, KEY_BYTES, PACEMAKER_TARGETS, PARTS, Migration, Output
from .run import check_outdir, plan, write

__all__ = [
    "DRBD_TARGETS",
    "KEY_BYTES",
    "PACEMAKER_TARGETS",
    "PARTS",
    "Migration",
    "Output",
    "check_outdir",
    "plan",
    "write",
]
