"""Other people's spelling of the text formats, read as their daemons read it.

Each test holds a spelling an admin writes (our own variants, not copied files) to
what the daemon's parser does with it, citing the source line or document, and checks
the typed model, the round trip and lint's verdict.
"""

from __future__ import annotations

from pathlib import Path

import xencfg
from lintkit import tree
from xencfg import lint


def _findings(tmp_path: Path, rel: str, text: str) -> list[tuple[str, int, str, str]]:
    root = tree(tmp_path, "node1", {rel: text})
    return [(f.code, f.line, f.severity, f.message) for f in lint.run([str(root)]).findings]


# -- multipath.conf ------------------------------------------------------------

MULTIPATH_EXTRA = """defaults {
\tpolling_interval 10#no space before the comment
\tpath_selector round-robin 0
\tfeatures "1 queue_if_no_path" extra
}
multipaths {
\tmultipath {
\t\twwid 3600a0b80001
\t\talias db!1
\t}
}
"""


def test_multipath_reads_one_value_per_statement() -> None:
    """libmultipath/parser.c: ``set_value`` returns one unquoted word or one quoted
    string, ``validate_config_strvec`` logs "ignoring extra data starting with '0'" for
    the rest, and ``alloc_strvec`` ends a word at ``#`` or ``!`` (the rest is a comment).
    ``multipath -t`` (0.9.4) on this text shows ``features "1 queue_if_no_path"``, alias
    ``db`` and, for the cut ``round-robin``, the default path selector ("missing argument
    count for path_selector")."""
    doc = xencfg.loads(MULTIPATH_EXTRA, "multipath")
    assert xencfg.dumps(doc) == MULTIPATH_EXTRA
    assert doc.defaults["polling_interval"] == "10"
    assert doc.defaults["path_selector"] == "round-robin"
    assert doc.defaults["features"] == "1 queue_if_no_path"
    assert doc.multipaths[0].alias == "db"


def test_multipath_extra_data_is_reported(tmp_path: Path) -> None:
    """Unquoted words after the first are lost (an error: the value multipath reads is not
    the one written); words after a closing quote only dropped (a warning)."""
    found = _findings(tmp_path, "etc/multipath.conf", MULTIPATH_EXTRA)
    rows = [r for r in found if r[0] == "XC005"]
    assert [(line, sev) for _, line, sev, _ in rows] == [
        (2, "warning"),
        (3, "error"),
        (4, "warning"),
        (9, "warning"),
    ]
    assert 'path_selector "round-robin 0"' in rows[1][3]
    assert "'extra'" in rows[2][3]
    assert "'!1' is not read" in rows[3][3]


def test_multipath_unquoted_bang_ends_the_value(tmp_path: Path) -> None:
    """parser.c ``alloc_strvec`` ends an unquoted word at '!' or '#': ``multipath -t``
    (0.9.4) shows ``devnode "^cciss"`` for ``devnode ^cciss!c[0-9]d[0-9]*``, silently;
    quoted, the '!' is kept."""
    text = 'blacklist {\n\tdevnode ^cciss!c[0-9]d[0-9]*\n\tdevnode "^cciss!c[0-9]d[0-9]*"\n}\n'
    doc = xencfg.loads(text, "multipath")
    assert [r.value for r in doc.blacklist] == ["^cciss", "^cciss!c[0-9]d[0-9]*"]
    rows = [r for r in _findings(tmp_path, "etc/multipath.conf", text) if r[0] == "XC005"]
    assert [(line, sev) for _, line, sev, _ in rows] == [(2, "warning")]


def test_multipath_old_unquoted_callout_is_cut(tmp_path: Path) -> None:
    """The RHEL 5 spelling ``getuid_callout /sbin/scsi_id -g -u -s /block/%n`` without
    quotes: 0.4.x's ``set_value`` (the same keepalived parser) takes one unquoted word,
    so the callout runs without its arguments; XC004 says the keyword is old, XC005 that
    its value is cut."""
    text = "defaults {\n\tgetuid_callout /sbin/scsi_id -g -u -s /block/%n\n}\n"
    rows = _findings(tmp_path, "etc/multipath.conf", text)
    assert ("XC005", 2, "error") in [(c, line, sev) for c, line, sev, _ in rows]
    assert xencfg.loads(text, "multipath").defaults["getuid_callout"] == "/sbin/scsi_id"


def test_multipath_one_quoted_value_is_clean(tmp_path: Path) -> None:
    text = 'defaults {\n\tpath_selector "round-robin 0"\n\tfeatures "1 queue_if_no_path" # ok\n}\n'
    assert not [r for r in _findings(tmp_path, "etc/multipath.conf", text) if r[0] == "XC005"]
    assert xencfg.loads(text, "multipath").defaults["path_selector"] == "round-robin 0"


# -- lvm.conf ------------------------------------------------------------------

LVM_OCTAL = """global {
    umask = 077
    locking_type = 3
    test = 09
}
"""


def test_lvm_reads_integers_as_strtoll_base_0() -> None:
    """libdm/libdm-config.c ``_type``: ``v->v.i = strtoll(p->tb, NULL, 0)``, so the
    ``umask = 077`` of every stock lvm.conf is octal 77 (63), and ``09`` stops at the 9."""
    doc = xencfg.loads(LVM_OCTAL, "lvm")
    assert xencfg.dumps(doc) == LVM_OCTAL
    settings = doc.to_dict()["settings"]
    assert settings["global/umask"] == 0o77
    assert settings["global/locking_type"] == 3
    assert settings["global/test"] == 0


# -- iscsid.conf -----------------------------------------------------------------

ISCSID = """# blank lines and a tab are fine

\tnode.startup = automatic
node.session.queue_depth=64
node.session.cmds_max =128
node.session.timeo.replacement_timeout = 120
node.session.timeo.replacement_timeout = 15
iscsid.timeout = 10
iscsid.timeout = 30
"""


def test_iscsid_model_reads_only_the_lines_iscsid_reads() -> None:
    """open-iscsi usr/idbm.c ``idbm_recinfo_config``: the name ends at a blank or '=',
    then one character is stepped over and '=' must follow the blanks, so
    ``key=value`` is skipped ("has not '=' separator") while ``key =value`` is read; the
    node record keeps the later of two lines, and ``cfg_get_string_param``
    (iscsi_util.c) stops at the first ``iscsid.*`` line."""
    doc = xencfg.loads(ISCSID, "iscsid")
    assert xencfg.dumps(doc) == ISCSID
    settings = doc.settings
    assert "node.session.queue_depth" not in settings
    assert doc.value("node.session.queue_depth") is None
    assert settings["node.session.cmds_max"] == 128
    assert settings["node.startup"] == "automatic"
    assert doc.replacement_timeout == 15
    assert doc.get("iscsid.timeout") == "10"
    # the skipped line still edits in place (the fix is to rewrite it)
    doc.set("node.session.queue_depth", "32")
    assert xencfg.dumps(doc).count("queue_depth") == 1


# -- ietd.conf -------------------------------------------------------------------

IETD_BARE = """Target iqn.2007-05.com.example:storage.t1
\tIncomingUser
\tOutgoingUser
\tLun 0 Path=/dev/vg0/t1,Type=blockio,ScsiId=t1disk0
\tMaxConnections\t1
"""


def test_ietd_bare_account_lines_are_no_account(tmp_path: Path) -> None:
    """The old HOWTOs' bare ``IncomingUser`` / ``OutgoingUser``: iscsitarget usr/plain.c
    ``plain_account_init`` hands ``plain_account_add`` no name and no password, which
    returns -EINVAL ("if (!name || !pass)"); ietd starts without an account. So: no
    error (a warning that the line does nothing), no user in the model, and the target
    is open to any initiator (IS007), as ietd runs it."""
    doc = xencfg.loads(IETD_BARE, "ietd")
    assert xencfg.dumps(doc) == IETD_BARE
    assert doc.targets[0].users == []
    assert doc.targets[0].luns[0].path == "/dev/vg0/t1"
    rows = _findings(tmp_path, "etc/ietd.conf", IETD_BARE)
    assert [(c, line, sev) for c, line, sev, _ in rows if c == "XC005"] == [
        ("XC005", 2, "warning"),
        ("XC005", 3, "warning"),
    ]
    assert "IS007" in {c for c, *_ in rows}


def test_ietd_account_without_password_stays_an_error(tmp_path: Path) -> None:
    """``IncomingUser joe``: no password, no account, and the admin meant one."""
    text = IETD_BARE.replace("\tIncomingUser\n", "\tIncomingUser joe\n")
    rows = _findings(tmp_path, "etc/ietd.conf", text)
    assert ("XC005", 2, "error") in [(c, line, sev) for c, line, sev, _ in rows]
    assert xencfg.loads(text, "ietd").targets[0].users == []


# -- ha.cf -----------------------------------------------------------------------

HACF = """# heartbeat 1.2 style, tabs and comments
\tlogfacility\tlocal0
keepalive 2
deadtime 30
udpport\t694
ucast eth1 10.0.0.2 10.0.0.1
bcast   eth0 eth2 # two interfaces
auto_failback legacy
node xen1 xen2
node\txen3
"""


def test_hacf_spellings_read_as_heartbeat_reads_them(tmp_path: Path) -> None:
    """heartbeat 3.0.6 (peer-heartbeat, debug add_option lines): ``node a b`` adds each
    word, ``bcast eth0 eth2 # ...`` two media and no comment; ucast.c ``ucast_parse``
    reads one host (the daemon starts with an unresolvable second host and refuses it
    first: "cannot resolve hostname"), and ``auto_failback legacy`` starts with "WARN:
    Deprecated 'legacy' auto_failback option selected"."""
    doc = xencfg.loads(HACF, "hacf")
    assert xencfg.dumps(doc) == HACF
    assert doc.nodes == ["xen1", "xen2", "xen3"]
    ucast = doc.comm_paths[0]
    assert (ucast.kind, ucast.devices, str(ucast.host)) == ("ucast", ("eth1",), "10.0.0.2")
    assert doc.comm_paths[1].devices == ("eth0", "eth2")
    rows = {
        (c, line): (sev, msg) for c, line, sev, msg in _findings(tmp_path, "etc/ha.d/ha.cf", HACF)
    }
    assert rows[("XC005", 6)][0] == "warning" and "'10.0.0.1'" in rows[("XC005", 6)][1]
    assert rows[("XC005", 8)][0] == "warning" and "auto_failback on" in rows[("XC005", 8)][1]


def test_hacf_one_peer_per_ucast_line_is_clean(tmp_path: Path) -> None:
    text = HACF.replace("ucast eth1 10.0.0.2 10.0.0.1\n", "ucast eth1 10.0.0.2\n").replace(
        "auto_failback legacy", "auto_failback on"
    )
    assert not [r for r in _findings(tmp_path, "etc/ha.d/ha.cf", text) if r[0] == "XC005"]


# -- modprobe.conf / modprobe.d -------------------------------------------------------

MODPROBE = """# modprobe.conf (RHEL 5)
alias eth0 e1000
alias  scsi_hostadapter\tmptspi
options bonding mode=1 miimon=100 \\
  max_bonds=2
options netloop nloopbacks=0  # no loops
install dm-multipath /sbin/modprobe --ignore-install dm-multipath; /bin/true # shell
"""


def test_modprobe_hash_after_the_first_word_is_data(tmp_path: Path) -> None:
    """module-init-tools modprobe.c ``parse_config_file`` and kmod libkmod-config.c skip a
    line only when its first word starts with '#': ``options netloop nloopbacks=0 # no
    loops`` hands '#', 'no' and 'loops' to the module (Linux 2.6 kernel/params.c
    ``parse_args``: -ENOENT, "Unknown parameter"). In an ``install`` command the shell
    reads the '#'. A backslash continues the line (``getline_wrapped``)."""
    doc = xencfg.loads(MODPROBE, "modules")
    assert xencfg.dumps(doc) == MODPROBE
    assert doc.options["bonding"] == {"mode": "1", "miimon": "100", "max_bonds": "2"}
    assert doc.aliases == {"eth0": "e1000", "scsi_hostadapter": "mptspi"}
    rows = [r for r in _findings(tmp_path, "etc/modprobe.conf", MODPROBE) if r[0] == "XC005"]
    assert [(line, sev) for _, line, sev, _ in rows] == [(6, "error")]
    assert "'# no loops'" in rows[0][3]


def test_iscsid_yes_no_are_read_with_their_capitals(tmp_path: Path) -> None:
    """usr/idbm.c ``idbm_rec_update_param``: a TYPE_INT_O value is matched with strcmp
    against its words ("No", "Yes"), so ``yes`` is not read ("unknown value format") and
    the default stays: the model keeps it as text, lint says why."""
    text = "node.session.iscsi.InitialR2T = yes\nnode.session.iscsi.ImmediateData = No\n"
    doc = xencfg.loads(text, "iscsid")
    assert doc.settings["node.session.iscsi.InitialR2T"] == "yes"
    assert doc.settings["node.session.iscsi.ImmediateData"] is False
    rows = _findings(tmp_path, "etc/iscsi/iscsid.conf", text)
    assert [(c, line) for c, line, *_ in rows if c == "XC005"] == [("XC005", 1)]


def test_ietd_blank_inside_lun_parameters(tmp_path: Path) -> None:
    """iscsitarget kernel/volume.c ``parse_volume_params`` splits the Lun parameters at
    commas only; ``" type=blockio"`` matches no token (the type stays fileio) and
    kernel/file-io.c ``parse_fileio_params`` answers "unknown param" with -EINVAL: the
    LUN is not created. Keys are case-insensitive (``iet_strtolower``): ``path=`` is
    fine. One finding (XC005, ietd.conf's own check), not a second one from IS020 on the
    same line (round 29: an Ubuntu 8.04 iSCSI HOWTO's ``LUN 0 Path=/dev/sdb, Type=fileio``
    was reported twice)."""
    text = (
        "Target iqn.2007-05.com.example:t1\n"
        "\tIncomingUser joe secret1234567\n"
        "\tLun 0 Path=/dev/sdb, Type=blockio\n"
        "\tlun 1 path=/dev/sdc,type=blockio\n"
    )
    rows = [r for r in _findings(tmp_path, "etc/ietd.conf", text) if r[2] == "error"]
    assert [(code, line) for code, line, _, _ in rows] == [("XC005", 3)]
    assert "Path=/dev/sdb, Type=blockio" in rows[0][3]


LVM_SINGLE = """devices {
    filter = [ 'a|^/dev/mapper/mpath.*|', 'r|.*|' ]
    dir = '/dev'
}
"""


def test_lvm_single_quoted_strings() -> None:
    """libdm-config.c ``_get_token``: ``'...'`` is a TOK_STRING (no escapes inside),
    read like ``"..."``, so this filter accepts the multipath maps and rejects the rest;
    an edit keeps the file's quotes."""
    doc = xencfg.loads(LVM_SINGLE, "lvm")
    assert xencfg.dumps(doc) == LVM_SINGLE
    assert [(r.action, r.regex) for r in doc.filter] == [("a", "^/dev/mapper/mpath.*"), ("r", ".*")]
    assert doc.to_dict()["settings"]["devices/dir"] == "/dev"
    assert doc.accepts("/dev/mapper/mpath0") and not doc.accepts("/dev/sda")
    doc.set_filter([("a", "^/dev/sdb.*"), ("r", ".*")])
    assert "filter = [ 'a|^/dev/sdb.*|', 'r|.*|' ]" in xencfg.dumps(doc)
    assert xencfg.dumps(doc).count("\\n") == LVM_SINGLE.count("\\n")


def test_iscsid_keys_read_by_cfg_get_string_param(tmp_path: Path) -> None:
    """``iscsid.*`` keys are not node-record keys: open-iscsi usr/iscsi_util.c
    ``cfg_get_string_param`` finds the key with strstr and the value after strchr(line,
    '='), so ``iscsid.startup=...`` (no blank) is read, and so is a last line without
    its newline: no "skipped line" error there."""
    text = "iscsid.startup=/etc/rc.d/init.d/iscsid force-start\nnode.startup = automatic"
    doc = xencfg.loads(text, "iscsid")
    assert doc.get("iscsid.startup") == "/etc/rc.d/init.d/iscsid force-start"
    rows = [r for r in _findings(tmp_path, "etc/iscsi/iscsid.conf", text) if r[0] == "XC005"]
    assert [line for _, line, _, _ in rows] == [2]  # the unterminated node.startup line
