"""Lint truth on storage topologies no earlier tree had (the third storage audit): each
case is a tree of whole nodes under tests/fixtures/lint-trees/CASE/ (its README.md says
what it is) with a ``good`` variant the daemons accept, which must lint clean of the
storage rules, and a ``bad`` variant with the mistake planted, which lint must name at
its line. The peers checked every file they read (/work/shared/oracle/peers): peer-o2cb
(ocfs2-tools 1.8.7) OK on every cluster.conf, bad/vmh03's included; peer-multipath
(multipath-tools 0.9.4) OK on every multipath.conf but SLES 11's, where 0.9.4 only
says 'ignoring deprecated option "getuid_callout"' (the keyword 0.4.8 reads; XC004);
peer-drbdadm --mode 83 --node san1 OK on squeeze's global_common.conf + vmstore.res;
peer-iscsiadm: every key of the iscsid.conf files and RHEL's node record known."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_audit_trees import TREES
from xencfg import lint
from xencfg.formats.schema import Version

#: The storage rules (and syntax and values), as the earlier storage audits select them.
STORAGE = ["IS", "MP", "OC", "LV", "EV", "DR", "XC001", "XC005"]


def _run(case: str, variant: str, select: list[str]) -> list[tuple[str, str, str, int, str]]:
    """(code, node, file name, line, severity) of each finding."""
    root = TREES / case / variant
    result = lint.run([str(n) for n in sorted(root.iterdir())], select=select)
    return sorted(
        (f.code, _under(f.path, root).parts[0], Path(f.path).name, f.line, f.severity)
        for f in result.findings
    )


def _under(path: str, root: Path) -> Path:
    return Path(path).resolve().relative_to(root.resolve())


SQUEEZE = "squeeze-iet-pair-two-portals-ocfs2"


def test_squeeze_target_pair_good_lints_clean_but_for_the_dead_ietd_conf() -> None:
    """The good tree works: ietd 1.4 reads /etc/iet/ietd.conf and falls back to
    /etc/ietd.conf only when that cannot be opened (iscsitarget 1.4.20 usr/plain.c
    ``plain_init``: ``fopen(file1)``, then ``file2`` with "location is depreciated").
    san2's lenny-era /etc/ietd.conf (no ScsiId, Type=fileio) is never read: lint said
    IS013 "has ScsiId 'vmstore0' on san1 but none on san2" twice (errors) and IS006 of
    it; now only IS018 says the file is dead. xen3's /etc/default/o2cb leaves the
    timeouts unset: o2cb.init.sh ``set_timeouts_o2cb`` writes a value to configfs only
    when it is set, so the kernel's default stays, the one xen1 writes out
    (DEF_HEARTBEAT_THRESHOLD=31, DEF_IDLE_TIMEOUT_MS=30000, keepalive and reconnect
    2000: "The default values should always be in sync with the kernel"); OC008 said
    four errors."""
    assert _run(SQUEEZE, "good", STORAGE) == [("IS018", "san2", "ietd.conf", 1, "warning")]


def test_squeeze_host_name_in_initiators_allow_admits_nobody() -> None:
    """``bad``: initiators.allow names xen2 by host name, as hosts.allow would. IET's
    ``__match`` tries each entry as an initiator name, ``initiator_match``:
    ``snprintf(pattern, "^%s$", p)``, ``regcomp(&re, pattern, REG_NOSUB)``, then as a
    numeric address (``getaddrinfo`` with ``AI_NUMERICHOST``): ``xen2`` is neither the
    IQN ``iqn.2010-11.lan.example:xen2`` nor an address, so ietd refuses xen2 on both
    boxes. IS016 searched the name unanchored (``re.search``) and took xen2 as
    admitted. The raised O2CB_IDLE_TIMEOUT_MS on xen2 alone is OC008 (o2net refuses a
    peer whose idle timeout differs in its handshake)."""
    bad = _run(SQUEEZE, "bad", STORAGE)
    assert [f for f in bad if f[0] == "IS016"] == [
        ("IS016", "san1", "ietd.conf", 2, "warning"),
        ("IS016", "san2", "ietd.conf", 2, "warning"),
    ]
    assert [f for f in bad if f[0] == "OC008"] == [("OC008", "xen2", "o2cb", 18, "error")]
    assert {f[0] for f in bad} == {"IS016", "IS018", "OC008"}
    nodes = [str(n) for n in sorted((TREES / SQUEEZE / "bad").iterdir())]
    (said,) = {f.message for f in lint.run(nodes, select=["OC008"]).findings}
    assert said == "O2CB_IDLE_TIMEOUT_MS is 60000 on xen2 but 30000 on xen1"


def test_is018_the_other_way_round_on_iet_0_4(tmp_path: Path) -> None:
    """IET 0.4 reads /etc/ietd.conf alone (0.4.17 usr/plain.c: ``CONFIG_FILE
    "/etc/ietd.conf"``): with ``iscsitarget`` declared 0.4.17, the /etc/iet copy is the
    dead one (san1 has no other: ietd 0.4 would export nothing there) and the /etc
    copy's targets are judged (san2's Type=fileio on a device: IS006). A symlink from
    one to the other is one file: no IS018."""
    root = tmp_path / "t"
    shutil.copytree(TREES / SQUEEZE / "good", root)
    nodes = [str(n) for n in sorted(root.iterdir())]
    old = lint.run(
        nodes, select=["IS006", "IS018"], versions={"iscsitarget": Version.parse("0.4.17")}
    )
    found = sorted((f.code, _under(f.path, root).as_posix(), f.line) for f in old.findings)
    assert found == [
        ("IS006", "san2/etc/ietd.conf", 6),
        ("IS018", "san1/etc/iet/ietd.conf", 1),
        ("IS018", "san2/etc/iet/ietd.conf", 1),
    ]
    stale = root / "san2" / "etc" / "ietd.conf"
    stale.unlink()
    stale.symlink_to("iet/ietd.conf")
    assert lint.run(nodes, select=["IS018", "IS013", "IS006"]).findings == []


def test_rhel5_ocfs2_four_nodes_one_stale_copy() -> None:
    """``good``: node numbers 0, 1, 2, 4, one copy written cluster: first (o2cb_ctl's
    order), vmh05's sysconfig/o2cb without O2CB_STACK and with empty delays: the init
    script defaults O2CB_STACK to o2cb ("Need this default") and leaves the kernel's
    2000 ms, as the others write them; OC008 said three errors. ``bad``: vmh03's copy
    predates vmh05. o2cb loads it (peer-o2cb: OK, three nodes), so each node accepts its
    own file, but o2net on vmh03 does not know vmh05 and refuses its connection: OC005
    on vmh03's copy; its node_count 4 over three stanzas is OC001."""
    assert _run("rhel5-ocfs2-four-nodes", "good", STORAGE) == []
    assert _run("rhel5-ocfs2-four-nodes", "bad", STORAGE) == [
        ("OC001", "vmh03", "cluster.conf", 23, "warning"),
        ("OC005", "vmh03", "cluster.conf", 1, "error"),
    ]


def test_sles11_blacklist_exceptions_and_bindings() -> None:
    """``good``: ``wwid ".*"`` blacklisted, IET's hex WWIDs excepted by
    ``"^14945540000000000"``; the guests' LUNs aliased by WWID, the scratch LUN
    /dev/mapper/mpatha through identical bindings files. Only XC004 on getuid_callout
    (0.9.4: "ignoring deprecated option"), which SLES 11's 0.4.8 reads. ``bad``: a
    ``device`` exception on dom0b does not undo the wwid blacklist (blacklist.c
    ``_filter_path``: devnode, device and wwid stages each blacklist on their own,
    an exception only wins within its stage): MP009 on both aliases; dom0b's bindings
    give mpatha the other scratch LUN: MP012 for web01's disk on both nodes."""
    good = _run("sles11-multipath-iet-bindings", "good", [*STORAGE, "XC004"])
    assert [f[:3] for f in good] == [
        ("XC004", "dom0a", "multipath.conf"),
        ("XC004", "dom0b", "multipath.conf"),
    ]
    assert _run("sles11-multipath-iet-bindings", "bad", ["MP", "XN006"]) == [
        ("MP009", "dom0b", "multipath.conf", 29, "warning"),
        ("MP009", "dom0b", "multipath.conf", 33, "warning"),
        ("MP012", "dom0a", "web01", 5, "error"),
        ("MP012", "dom0b", "web01", 5, "error"),
    ]


def test_rhel5_clvmd_filter_against_the_multipath_paths() -> None:
    """IET 0.4.17 in /etc (nothing in /etc/iet: no IS018), CHAP logins from RHEL's
    node records. ``good``: the filter accepts the local sda and the map only, then
    ``r|.*|``. ``bad``: vh2 accepts ``^/dev/sd`` too: lvm2's filter-regex.c
    ``_accept_p`` scans /dev/sdc (first match ``a``), so the PV is seen on every path
    beside /dev/mapper/xenvg ("Found duplicate PV"): LV001 on vh2 only."""
    assert _run("rhel5-clvm-iet04-filter", "good", STORAGE) == []
    assert _run("rhel5-clvm-iet04-filter", "bad", STORAGE) == [
        ("LV001", "vh2", "lvm.conf", 7, "warning")
    ]


def test_lucid_iqn_patterns_are_anchored_basic_regexes() -> None:
    """``iqn\\.2011-02\\.org\\.example:hv[0-9]*`` admits hv1 and hv2 (``good``); the
    prefix ``iqn.2011-02.org.example:hv`` (``bad``) admits neither: ietd matches
    ``^iqn.2011-02.org.example:hv$`` (usr/plain.c ``initiator_match``), and with no
    address in the line it refuses both: one IS016 for the line, naming both."""
    assert _run("lucid-iet-allow-iqn-patterns", "good", STORAGE) == []
    assert _run("lucid-iet-allow-iqn-patterns", "bad", STORAGE) == [
        ("IS016", "store", "ietd.conf", 1, "warning")
    ]


def test_bre_translation_follows_regcomp_without_reg_extended() -> None:
    """glibc regcomp(3) without REG_EXTENDED: ``\\(`` ``\\)`` ``\\{`` ``\\}`` group and
    count, bare ``( ) + ? |`` are literal, a leading ``*`` is literal."""
    from xencfg.regex import bre_fullmatch

    iqn = "iqn.2011-02.org.example:hv1"
    assert bre_fullmatch(r"iqn\.2011-02\.org\.example:hv[0-9]*", iqn) is True
    assert bre_fullmatch("iqn.2011-02.org.example:hv", iqn) is False
    assert bre_fullmatch("iqn.2011-02.org.example:hv(1|2)", iqn) is False
    assert bre_fullmatch(r"iqn.2011-02.org.example:hv\(1\|2\)", iqn) is True
    assert bre_fullmatch("iqn.*:hv1+", iqn) is False
    assert bre_fullmatch("IQN.*", iqn) is False  # (case-sensitive)
    assert bre_fullmatch(r"iqn.*:\w", iqn) is None  # (a GNU escape: no verdict)


def test_is016_reads_initiators_allow_lines_as_ietd_does(tmp_path: Path) -> None:
    """iscsitarget 1.4.20 usr/plain.c ``match`` reads initiators.allow with ``fgets`` and
    skips a line without its newline (``if (*q != '\\n') continue;``), and ``#`` is a
    comment only as a line's first word: ``10.0.1.13 # xen3`` is one entry, neither an
    IQN (``initiator_match``) nor a numeric address (``getaddrinfo``, AI_NUMERICHOST).
    Lint's parse drops the comment and reads the last line: it took xen3 (and, without
    the newline, every dom0) as admitted."""
    root = tmp_path / "t"
    shutil.copytree(TREES / SQUEEZE / "good", root)
    nodes = [str(n) for n in sorted(root.iterdir())]
    head = "# /etc/iet/initiators.allow\niqn.2010-11.lan.example:san.vmstore "
    peers = "iqn.2010-11.lan.example:xen1, 10.0.1.12, 10.0.2.12, 10.0.1.13"

    def shut(text: str) -> list[str]:
        for box in ("san1", "san2"):
            (root / box / "etc" / "iet" / "initiators.allow").write_text(head + text)
        found = lint.run(nodes, select=["IS016"]).findings
        return sorted(
            f.message.split("s: " if "logins" in f.message else "login: ", 1)[1]
            for f in found
            if "/san1/" in f.path
        )

    assert shut(peers + "\n") == []
    assert shut(peers + " # xen3\n") == [
        "san1's initiators.allow does not admit xen3 (ietd reads '#' as a comment only at"
        " the start of a line: the entry it ends is not an address)"
    ]
    assert shut(peers + ", 10.0.2.13 # xen3\n") == []  # (xen3's other address admits it)
    assert shut(peers) == [
        "san1's initiators.allow does not admit xen1, xen2, xen3 (its line has no final"
        " newline, and ietd never reads such a line)"
    ]


def test_is012_an_unterminated_last_line_locks_the_target(tmp_path: Path) -> None:
    """The same ``fgets`` test in ``match`` serves initiators.allow and targets.allow:
    a last line without its newline is never read, so no line names the target, and
    ``plain_initiator_allow`` refuses every initiator (``match`` returns -EPERM), as
    ``plain_target_allow`` offers it on no portal. Lint read the line."""
    root = tmp_path / "t"
    shutil.copytree(TREES / "lucid-iet-allow-iqn-patterns" / "good", root)
    nodes = [str(n) for n in sorted(root.iterdir())]
    iet = root / "store" / "etc" / "iet"
    assert lint.run(nodes, select=["IS012"]).findings == []
    for name in ("initiators.allow", "targets.allow"):
        path = iet / name
        path.write_text(path.read_text().rstrip("\n"))
    found = lint.run(nodes, select=["IS012"]).findings
    assert sorted((Path(f.path).name, f.line, f.message.split(": ", 1)[1]) for f in found) == [
        ("ietd.conf", 1, "ietd never reads such a line, so ietd offers it on no portal"),
        ("ietd.conf", 1, "ietd never reads such a line, so ietd refuses every initiator"),
    ]
    assert [Path(r.path).name for f in found for r in f.related] == [
        "initiators.allow",
        "targets.allow",
    ]


def test_is016_judges_the_access_list_ietd_reads(tmp_path: Path) -> None:
    """ietd 1.4 opens /etc/iet/initiators.allow and reads /etc/initiators.allow only when
    that file does not exist (usr/plain.c ``match``: the /etc/ path after ``ENOENT``).
    An old /etc/initiators.allow admitting ``ALL`` beside /etc/iet's list without xen2
    admits nobody: IS016 read the cluster model's members, which came from the old
    file, and said nothing."""
    root = tmp_path / "t"
    shutil.copytree(TREES / SQUEEZE / "good", root)
    nodes = [str(n) for n in sorted(root.iterdir())]
    target = "iqn.2010-11.lan.example:san.vmstore"
    for box in ("san1", "san2"):
        etc = root / box / "etc"
        (etc / "initiators.allow").write_text(f"{target} ALL\n")
        (etc / "iet" / "initiators.allow").write_text(
            f"{target} iqn.2010-11.lan.example:xen1, 10.0.1.13, 10.0.2.13\n"
        )
    found = lint.run(nodes, select=["IS016"]).findings
    assert sorted((_under(f.path, root).parts[0], f.message.rsplit(": ", 1)[1]) for f in found) == [
        ("san1", "san1's initiators.allow does not admit xen2"),
        ("san2", "san2's initiators.allow does not admit xen2"),
    ]
    assert {Path(f.related[0].path).parent.name for f in found} == {"iet"}


def _debian_record(portal: str, startup: str, timeout: int) -> str:
    """A node record as open-iscsi 2.0.871 (squeeze) writes it after discovery and
    ``iscsiadm -m node -o update``: the keys IS102/IS103/IS016 read."""
    return (
        "# BEGIN RECORD 2.0-871\n"
        "node.name = iqn.2010-11.lan.example:san.vmstore\n"
        "node.tpgt = 1\n"
        f"node.startup = {startup}\n"
        "node.session.auth.authmethod = CHAP\n"
        "node.session.auth.username = xenpool\n"
        "node.session.auth.password = Po0lCh4pSecret\n"
        f"node.session.timeo.replacement_timeout = {timeout}\n"
        f"node.conn[0].address = {portal}\n"
        "node.conn[0].port = 3260\n"
        "# END RECORD\n"
    )


def test_is102_is103_judge_the_node_records_where_the_tree_has_them(tmp_path: Path) -> None:
    """Debian squeeze ships iscsid.conf with ``node.startup = manual`` and
    ``replacement_timeout = 120``, and the records are set to automatic afterwards
    (``iscsiadm -m node -o update -n node.startup -v automatic``). The init script logs
    in the records whose node.startup is automatic (``iscsiadm -m node --loginall=
    automatic``), and iscsid runs each session with its record's replacement_timeout
    (open-iscsi idbm.c: iscsid.conf only seeds new records, ``idbm_node_setup_from_conf``).
    xen1 with both records fixed works: IS102 and IS103 said it did not. A record left at
    manual, or at 120 s, is named."""
    root = tmp_path / "t"
    shutil.copytree(TREES / SQUEEZE / "good", root)
    nodes = [str(n) for n in sorted(root.iterdir())]
    conf = root / "xen1" / "etc" / "iscsi" / "iscsid.conf"
    conf.write_text(
        conf.read_text()
        .replace("node.startup = automatic", "node.startup = manual")
        .replace("replacement_timeout = 15", "replacement_timeout = 120")
    )
    select = ["IS102", "IS103"]
    before = sorted(f.code for f in lint.run(nodes, select=select).findings)
    assert before == ["IS102", "IS103"]  # (no records: iscsid.conf's defaults count)
    base = root / "xen1" / "etc" / "iscsi" / "nodes" / "iqn.2010-11.lan.example:san.vmstore"

    def record(portal: str, startup: str, timeout: int) -> None:
        path = base / f"{portal},3260,1" / "default"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_debian_record(portal, startup, timeout))

    record("10.0.1.100", "automatic", 15)
    record("10.0.2.100", "automatic", 15)
    assert lint.run(nodes, select=select).findings == []
    record("10.0.2.100", "manual", 120)
    said = sorted((f.code, f.message) for f in lint.run(nodes, select=select).findings)
    where = "/etc/iscsi/nodes/iqn.2010-11.lan.example:san.vmstore/10.0.2.100,3260,1/default"
    assert said[0] == (
        "IS102",
        f"node.startup = manual, and so do the node record(s) {where}: they are not logged"
        " in at boot",
    )
    assert said[1][0] == "IS103"
    assert said[1][1].startswith(f"replacement_timeout 120s (node record {where}) holds I/O")


def test_oc008_unset_timeouts_on_ocfs2_1_2_kernels(tmp_path: Path) -> None:
    """OCFS2 1.2's kernels (SLES 10) default the heartbeat threshold to 7, not 31 (the
    SLES 10 SP2 administration guide, "Disk Heartbeat": "the default value of 7, the
    wait time is 12 seconds"): on such nodes an unset threshold against a written 31
    differs (an error, as two written values that differ); the other timeouts' old
    defaults are not known here, so unset against written is a warning. On current
    kernels (the squeeze tree) unset is 31: no finding."""
    root = tmp_path / "t"
    shutil.copytree(TREES / SQUEEZE / "good", root)
    nodes = [str(n) for n in sorted(root.iterdir())]
    assert lint.run(nodes, select=["OC008"]).findings == []
    for n in ("xen1", "xen2", "xen3"):
        (root / n / "etc" / "SuSE-release").write_text(
            "SUSE Linux Enterprise Server 10 (x86_64)\nVERSION = 10\nPATCHLEVEL = 2\n"
        )
    found = lint.run(nodes, select=["OC008"]).findings
    said = sorted((f.severity, f.message.split(" (OCFS2")[0]) for f in found)
    assert said == [
        ("error", "O2CB_HEARTBEAT_THRESHOLD is unset (7) on xen3 but 31 on xen1"),
        (
            "warning",
            "O2CB_IDLE_TIMEOUT_MS is unset (the kernel default) on xen3 but 30000 on xen1",
        ),
        (
            "warning",
            "O2CB_KEEPALIVE_DELAY_MS is unset (the kernel default) on xen3 but 2000 on xen1",
        ),
    ]


def test_oc009_a_heartbeat_threshold_the_kernel_ignores(tmp_path: Path) -> None:
    """fs/ocfs2/cluster/heartbeat.c ``o2hb_dead_threshold_set`` sets the threshold only
    ``if (threshold > O2HB_MIN_DEAD_THRESHOLD)`` (2) and ignores a smaller one without
    an error: xen3's ``O2CB_HEARTBEAT_THRESHOLD=1`` leaves the kernel's 31, the value
    xen1 writes, so no OC008 (it said 1 against 31), and OC009 says the line does
    nothing."""
    root = tmp_path / "t"
    shutil.copytree(TREES / SQUEEZE / "good", root)
    o2cb = root / "xen3" / "etc" / "default" / "o2cb"
    o2cb.write_text(
        o2cb.read_text().replace("O2CB_HEARTBEAT_THRESHOLD=", "O2CB_HEARTBEAT_THRESHOLD=1")
    )
    nodes = [str(n) for n in sorted(root.iterdir())]
    found = lint.run(nodes, select=["OC008", "OC009"]).findings
    assert [(f.code, _under(f.path, root).parts[0], f.line) for f in found] == [
        ("OC009", "xen3", 4)
    ]
    assert found[0].message.startswith("O2CB_HEARTBEAT_THRESHOLD=1 is ignored")


def test_is020_an_account_on_the_unterminated_last_line(tmp_path: Path) -> None:
    """IET's usr/plain.c ``target_sep_string`` ends a word at white space and returns
    NULL for a word the text ends with: ``if (*q) *q++ = 0; else p = NULL;``. On the
    last line of a file without its newline, ``IncomingUser xenpool SECRET`` gives
    ``plain_account_add`` no password, which refuses it (``if (!name || !pass) return
    -EINVAL``): san1's target, whose only account that was, takes logins without CHAP.
    With a newline, or white space after the password, ietd reads it."""
    root = tmp_path / "t"
    shutil.copytree(TREES / SQUEEZE / "good", root)
    conf = root / "san1" / "etc" / "iet" / "ietd.conf"
    lines = conf.read_text().splitlines()
    user = next(line for line in lines if "IncomingUser" in line)
    rest = [line for line in lines if line != user]
    nodes = [str(n) for n in sorted(root.iterdir())]

    def is020(tail: str) -> list[tuple[int, str]]:
        conf.write_text("\n".join(rest) + "\n" + user + tail)
        return [(f.line, f.message) for f in lint.run(nodes, select=["IS020"]).findings]

    assert is020("\n") == []
    assert is020(" ") == []
    [(line, said)] = is020("")
    assert line == len(lines)
    assert said.endswith("refuses the account: the target then takes logins without CHAP")


def test_sles10_iet04_evms_o2cb() -> None:
    """``good``: peer-o2cb OK, peer-multipath OK; IET 0.4 in /etc (no IS018); EVMS
    scans the maps only (no EV001). ``bad``: IS020 on nas1's Lun line (the comment
    after ``Type=blockio``: kernel/volume.c ``get_iotype`` finds no such type, the LUN
    is not added), OC008 on dom0b: an empty threshold leaves the OCFS2 1.2 kernel's 7
    (the SLES 10 SP2 guide, "Disk Heartbeat"), against dom0a's 61: dom0b declares
    dom0a dead after 12 s of a path failover that dom0a rides out for 120 s."""
    assert _run("sles10-iet04-evms-o2cb", "good", STORAGE) == []
    assert _run("sles10-iet04-evms-o2cb", "bad", STORAGE) == [
        ("IS020", "nas1", "ietd.conf", 4, "error"),
        ("OC008", "dom0b", "o2cb", 6, "error"),
    ]
