"""The line family: formats of ``key value`` lines, stanzas or simple sections.

ha.cf, authkeys, ha_logd.cf, haresources, /etc/hosts and /etc/hostname, the modprobe
files, IET's ietd.conf and access lists, iscsid.conf, initiatorname.iscsi, shell
variable files, OCFS2's cluster.conf and corosync.conf. They are read by one
table-driven scanner (:mod:`xencfg.syntax.lines_scan`) before their Lark grammars;
:mod:`._base` holds the document base, builder and value converters the simple line
formats share.
"""
