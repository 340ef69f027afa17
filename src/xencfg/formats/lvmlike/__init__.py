"""The lvm.conf language: LVM2's lvm.conf and EVMS's evms.conf (``section { key = value }``
with lists), one grammar and one document base (:mod:`._base`) for both."""
