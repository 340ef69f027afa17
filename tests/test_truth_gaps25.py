"""Session 25's known lint-truth gaps, each verdict held to the daemon's source or a
peer run (named in each test's docstring).

Sources read with git: redhat-cluster 3.0.12 (ystk/debian-redhat-cluster) and the
cluster 2 tree before "cman3 commit" (ClusterLabs/resource-agents fbb63a6a7^).
"""

from __future__ import annotations

from pathlib import Path

from lintkit import found, messages, tree

# -- 1. cman cluster name ---------------------------------------------------------------

CLUSTER = (
    '<?xml version="1.0"?>\n<cluster NAME config_version="1">\n\t<clusternodes>\n'
    '\t\t<clusternode name="xen1" nodeid="1"/>\n'
    '\t\t<clusternode name="xen2" nodeid="2"/>\n\t</clusternodes>\n</cluster>\n'
)


def _cman(tmp: Path, name: str) -> Path:
    conf = CLUSTER.replace("NAME", f'name="{name}"')
    return tree(tmp, f"n{len(name)}", {"etc/cluster/cluster.conf": conf})


def test_cm011_name_over_16_bytes_is_refused(tmp_path: Path) -> None:
    """cman refuses a name over MAX_CLUSTER_NAME_LEN (16, cman/daemon/cnxman-socket.h):
    cluster 2 cmanccs.c ``if (strlen(str) >= sizeof(cluster_name))`` (17) writes
    "Cluster name in CCS is too long"; 3.0.12 commands.c cman_join_cluster ``if
    (strlen(name) > MAX_CLUSTER_NAME_LEN) return -EINVAL`` and cmanconfig.c join writes
    "Cannot start, cluster name is too long or other CCS error". Lint said nothing."""
    root = _cman(tmp_path, "xen-production-01")  # 17 bytes
    assert found("CM011", root) == [("CM011", "cluster.conf", 2, [])]
    assert "cman does not start" in messages("CM011", root)[0]


def test_cm011_name_of_16_bytes_warns_and_15_passes(tmp_path: Path) -> None:
    """16 bytes: the daemon takes it (``> MAX_CLUSTER_NAME_LEN`` is false) but 3.0.12's
    cnxman-private.h ``char clustername[16]`` in cl_transmsg gets it by ``strcpy``
    (commands.c line 1771) with no room for the NUL, and cman_tool main.c dies "maximum
    cluster name length is %d" with MAX_CLUSTER_NAME_LEN-1 (15); Red Hat's Cluster
    Administration: "The cluster name cannot exceed 15 characters". A warning; 15 and
    the usual short names pass."""
    from xencfg import lint

    at16 = _cman(tmp_path, "xen-production-1")
    result = lint.run([str(at16)], select=["CM011"]).findings
    assert [(f.code, f.severity) for f in result] == [("CM011", "warning")]
    assert found("CM011", _cman(tmp_path, "xen-production1")) == []  # 15
    assert found("CM011", _cman(tmp_path, "xen")) == []


def test_cm011_empty_name_warns(tmp_path: Path) -> None:
    """``name=""`` loads (config/plugins/xml/config.c stores the attribute's text, ""
    here: ``xmllint --debug`` shows an empty TEXT child) and cman starts with it:
    cman-preconfig.c generate_cluster_id("") is 0, default_mcast gives
    "239.192.%d.%d" of that id, and with no keyfile the key is the name (memset then
    strcpy: four NULs), shared by every other cluster named "". A warning, not the
    missing-name error; a named cluster passes (test above)."""
    from xencfg import lint

    result = lint.run([str(_cman(tmp_path, ""))], select=["CM011"]).findings
    assert [(f.code, f.severity, f.line) for f in result] == [("CM011", "warning", 2)]


# -- 2. O2CB_HEARTBEAT_THRESHOLD and the o2net timeouts ----------------------------------
# ocfs2-tools (markfasheh/ocfs2-tools, 1.8.9) vendor/common/o2cb.init.sh set_timeouts_o2cb
# echoes each set value into configfs in the order threshold, idle timeout, keepalive
# delay, reconnect delay, never checking the write, then prints "OK".

O2CB = "etc/sysconfig/o2cb"


def _o2cb(tmp: Path, name: str, body: str) -> Path:
    return tree(tmp, name, {O2CB: f"O2CB_ENABLED=true\nO2CB_BOOTCLUSTER=ocfs2\n{body}"})


def _rows(*roots: Path, select: tuple[str, ...] = ("OC008", "OC009", "XC005")) -> list[tuple]:
    from xencfg import lint

    found = lint.run([str(r) for r in roots], select=list(select)).findings
    return sorted((f.code, f.severity, Path(f.path).parts[-4], f.line) for f in found)


def test_threshold_keeps_32_bits(tmp_path: Path) -> None:
    """heartbeat.c o2hb_heartbeat_group_dead_threshold_store: ``tmp =
    simple_strtoul(p, &p, 10)`` then ``o2hb_dead_threshold_set((unsigned int) tmp)``, which
    sets it only ``if (threshold > O2HB_MIN_DEAD_THRESHOLD)`` (2). 4294967297 is 1 to the
    kernel: ignored, the default 31 stays. Lint read 4294967297 and said nothing; now
    OC009 says so, and 4294967327 (31 to the kernel) agrees with a node writing 31."""
    wrapped = _o2cb(tmp_path, "a", "O2CB_HEARTBEAT_THRESHOLD=4294967297\n")
    assert _rows(wrapped) == [("OC009", "warning", "a", 3)]
    assert "the kernel reads 1" in messages("OC009", wrapped)[0]
    same_a = _o2cb(tmp_path / "s", "a", "O2CB_HEARTBEAT_THRESHOLD=4294967327\n")
    same_b = _o2cb(tmp_path / "s", "b", "O2CB_HEARTBEAT_THRESHOLD=31\n")
    assert _rows(same_a, same_b) == []


def test_threshold_above_16_bits_never_declares_a_node_dead(tmp_path: Path) -> None:
    """heartbeat.c o2hb_check_slot: ``if (slot->ds_equal_samples >= o2hb_dead_threshold
    || gen_changed)`` with ``u16 ds_equal_samples`` (struct o2hb_disk_slot): a threshold
    above 65535 is never reached, so a node that stops heartbeating is never declared
    dead. Lint said nothing on 70000; 65535 (reachable) passes."""
    assert _rows(_o2cb(tmp_path, "a", "O2CB_HEARTBEAT_THRESHOLD=70000\n")) == [
        ("OC009", "warning", "a", 3)
    ]
    assert _rows(_o2cb(tmp_path, "b", "O2CB_HEARTBEAT_THRESHOLD=65535\n")) == []


def test_idle_timeout_written_before_the_keepalive_delay(tmp_path: Path) -> None:
    """nodemanager.c o2nm_cluster_attr_idle_timeout_ms_write: ``else if (val <=
    cluster->cl_keepalive_delay_ms) ... "o2net: idle timeout must be larger than keepalive
    delay" ... ret = -EINVAL``; a new cluster starts at keepalive 2000
    (O2NET_KEEPALIVE_DELAY_MS_DEFAULT) and the init script writes the idle timeout first.
    So IDLE=1500 with KEEPALIVE=500 leaves 30000: OC009 warns (lint said nothing), and
    OC008 no longer calls it different from a node that leaves the idle timeout unset
    (both run 30000). An idle timeout above 2000 passes."""
    low = _o2cb(tmp_path, "a", "O2CB_IDLE_TIMEOUT_MS=1500\nO2CB_KEEPALIVE_DELAY_MS=500\n")
    unset = _o2cb(tmp_path, "b", "O2CB_KEEPALIVE_DELAY_MS=500\n")
    assert _rows(low, unset) == [("OC009", "warning", "a", 3)]
    ok = _o2cb(tmp_path / "ok", "a", "O2CB_IDLE_TIMEOUT_MS=2500\nO2CB_KEEPALIVE_DELAY_MS=500\n")
    assert _rows(ok) == []


def test_keepalive_not_below_the_default_idle_timeout(tmp_path: Path) -> None:
    """o2nm_cluster_attr_keepalive_delay_ms_write: ``else if (val >=
    cluster->cl_idle_timeout_ms)`` -EINVAL ("keepalive delay must be smaller than idle
    timeout"): KEEPALIVE=40000 with the idle timeout unset (30000) is refused. Lint
    compared it only with a written idle timeout and said nothing."""
    assert _rows(_o2cb(tmp_path, "a", "O2CB_KEEPALIVE_DELAY_MS=40000\n")) == [
        ("OC009", "warning", "a", 3)
    ]


def test_zero_timeout_is_refused(tmp_path: Path) -> None:
    """nodemanager.c o2nm_cluster_attr_write: ``if (tmp == 0) return -EINVAL;``: the init
    script's write of O2CB_IDLE_TIMEOUT_MS=0 fails (as one past 2**32 - 2 does, which XC005
    already reported) and the default stays. An empty value (``o2cb configure``'s unset)
    passes."""
    assert _rows(_o2cb(tmp_path, "a", "O2CB_RECONNECT_DELAY_MS=0\n")) == [
        ("XC005", "error", "a", 3)
    ]
    assert _rows(_o2cb(tmp_path, "b", "O2CB_RECONNECT_DELAY_MS=\n")) == []


# -- 3. iscsid's integers: strtoul into a 32-bit int -------------------------------------
# open-iscsi usr/idbm.c idbm_rec_update_param (2.0.873 line 615, 2.1.8 line 1035), TYPE_INT:
# ``*(int*)info[i].data = strtoul(value, NULL, 10);``. Peer run (open-iscsi 2.1.8, same
# function): ``iscsiadm -m node -T T -p P -o update -n
# node.session.timeo.replacement_timeout -v V`` then the record shows 99999999999 ->
# 1215752191, 4294967416 -> 120, 4294967808 -> 512, 23 nines -> -1, "15abc" -> 15,
# "abc" -> 0; node.session.iscsi.FirstBurstLength 4294967808 -> 512.


def _iscsid(tmp: Path, name: str, line: str) -> Path:
    return tree(tmp, name, {"etc/iscsi/iscsid.conf": f"node.startup = automatic\n{line}\n"})


def _xc005(root: Path) -> list[tuple[str, str]]:
    from xencfg import lint

    found = lint.run([str(root)], select=["XC005"]).findings
    return [(f.severity, f.message) for f in found]


def test_iscsid_number_in_range_once_wrapped_is_a_warning(tmp_path: Path) -> None:
    """FirstBurstLength 4294967808 is 512 to iscsid (peer run above): a length it takes.
    Lint called it an error (outside 512..16777215, read as written); now a warning that
    says what iscsid holds. 512 itself passes."""
    got = _xc005(_iscsid(tmp_path, "a", "node.session.iscsi.FirstBurstLength = 4294967808"))
    assert got == [
        (
            "warning",
            "node.session.iscsi.FirstBurstLength = 4294967808 is 512 to iscsid"
            " (strtoul into a 32-bit int)",
        )
    ]
    assert _xc005(_iscsid(tmp_path, "b", "node.session.iscsi.FirstBurstLength = 512")) == []


def test_iscsid_timeout_that_wraps_is_what_iscsid_uses(tmp_path: Path) -> None:
    """replacement_timeout 4294967416 is 120 to iscsid and 99999999999 is 1215752191
    (peer run above): lint said nothing on either; now a warning each, and the typed
    value rules read is iscsid's. 120 and -1 (strtoul's negation, -1 as an int: the
    same) pass."""
    from xencfg.formats.lines.iscsid import typed

    for raw, held in (("4294967416", 120), ("99999999999", 1215752191)):
        line = f"node.session.timeo.replacement_timeout = {raw}"
        assert [s for s, _ in _xc005(_iscsid(tmp_path, raw, line))] == ["warning"]
        assert typed("node.session.timeo.replacement_timeout", raw) == held
    for raw in ("120", "-1"):
        line = f"node.session.timeo.replacement_timeout = {raw}"
        assert _xc005(_iscsid(tmp_path, f"ok{raw}", line)) == []


def test_iscsid_number_out_of_range_after_wrapping_stays_an_error(tmp_path: Path) -> None:
    """cmds_max 99999999999 is 1215752191 to iscsid: still outside 2..2048 (an error),
    the message naming the value iscsid holds; digits then letters are read up to the
    letters (peer: "15abc" -> 15): a warning where lint said "not a number"."""
    got = _xc005(_iscsid(tmp_path, "a", "node.session.cmds_max = 99999999999"))
    assert got == [
        (
            "error",
            "node.session.cmds_max = 99999999999 is 1215752191 to iscsid (strtoul into a"
            " 32-bit int), is outside 2..2048",
        )
    ]
    cut = _xc005(_iscsid(tmp_path, "b", "node.session.timeo.replacement_timeout = 15abc"))
    assert cut == [
        (
            "warning",
            "node.session.timeo.replacement_timeout = '15abc': iscsid reads 15 and ignores 'abc'",
        )
    ]


# -- 4. heartbeat 2.0.x / 2.1.x: ha.cf directives and CIB option names by release ---------
# ha.cf: config.c Directives[] of the linux-ha tree (ClusterLabs/pacemaker-1.0 at
# be7eca6261, 2006-08-09, 2.0.7's tag; 58db60f57, 2007-11-09, for 2.1.3) and heartbeat 3
# (vyos-legacy/heartbeat: "pacemaker" from a647248e5, 2010-07-13, in STABLE-3.0.4 and not
# in debian/3.0.3). heartbeat logs "Illegal directive" for a name it lacks and does not
# start (peer-heartbeat 3.0.6: "ERROR: Illegal directive [frobnicate]").

HACF = "keepalive 2\ndeadtime 30\nudpport 694\nbcast eth0\nnode a b\n"


def _hb(tmp: Path, name: str, extra: str, release: str | None) -> list[tuple]:
    from xencfg import lint
    from xencfg.formats.schema import Version

    root = tree(tmp, name, {"etc/ha.d/ha.cf": HACF + extra})
    given = {"heartbeat": Version.parse(release)} if release else {}
    found = lint.run([str(root)], versions=given, select=["XC"]).findings
    return [(f.code, f.line, f.message) for f in found]


def test_hacf_did_you_mean_names_a_directive_the_release_reads(tmp_path: Path) -> None:
    """'pacemakr' is an unknown directive on every release; 'pacemaker' came with 3.0.4,
    so heartbeat 2.1.4 and 3.0.3 are not told to write it (lint said "did you mean
    'pacemaker'?" to every release); 3.0.4, 3.0.6 and an unknown release are."""
    for release, hint in (("2.1.4", False), ("3.0.3", False), ("3.0.4", True), (None, True)):
        got = _hb(tmp_path / str(release), "n", "pacemakr on\n", release)
        assert [(c, line) for c, line, _ in got] == [("XC009", 6)]
        assert ("did you mean 'pacemaker'" in got[0][2]) is hint, release


def test_hacf_directive_newer_than_the_release_is_refused(tmp_path: Path) -> None:
    """``pacemaker on`` on heartbeat 2.1.4 and ``failfast`` (2007-11-09, in 2.1.3) on
    2.0.7: "Illegal directive", heartbeat does not start. Lint said nothing; now XC008.
    The same lines on releases that have them pass."""
    assert [(c, line) for c, line, _ in _hb(tmp_path, "a", "pacemaker on\n", "2.1.4")] == [
        ("XC008", 6)
    ]
    assert _hb(tmp_path, "b", "pacemaker on\n", "3.0.4") == []
    failfast = "failfast hacluster /bin/true\n"
    assert [(c, line) for c, line, _ in _hb(tmp_path, "c", failfast, "2.0.7")] == [("XC008", 6)]
    assert _hb(tmp_path, "d", failfast, "2.1.3") == []


# CIB: heartbeat 2.0.7's CRM reads only underscore names (lib/crm/pengine/unpack.c at
# 0f698956bd, 2006-08-07: get_cluster_pref("stonith_enabled"), ...); the dashed names and
# the underscore aliases table came with commit 2cfb5f2899 (2006-08-14, "generic,
# self-documenting option processing code": { "no-quorum-policy", "no_quorum_policy",
# ...}), after STABLE-2.0.7 (2006-08-09), in 2.0.8 (2007-01-11).


def _cib_rows(tmp: Path, options: str, release: str | None) -> list[tuple]:
    from test_rules_cib import cib
    from test_rules_cib import tree as cib_tree
    from xencfg import lint
    from xencfg.formats.schema import Version

    roots = cib_tree(tmp, {"var/lib/heartbeat/crm/cib.xml": cib(options=options)})
    given = {"heartbeat": Version.parse(release)} if release else {}
    found = lint.run(roots, versions=given, select=["CB011", "CB012"]).findings
    return [(f.code, f.message) for f in found]


def test_dashed_option_is_unknown_to_heartbeat_2_0_7(tmp_path: Path) -> None:
    """``stonith-enabled`` in a heartbeat 2 CIB on 2.0.7: the CRM looks up
    "stonith_enabled" only, so the default stays. Lint said nothing; now CB011 with the
    name 2.0.7 reads. On 2.0.8 and where the release is unknown it passes, and the
    underscore name passes on 2.0.7."""
    from test_rules_cib import nv

    dashed = nv("o1", "stonith-enabled", "true")
    got = _cib_rows(tmp_path / "a", dashed, "2.0.7")
    assert [c for c, _ in got] == ["CB011"] and "write 'stonith_enabled'" in got[0][1]
    assert _cib_rows(tmp_path / "b", dashed, "2.0.8") == []
    assert _cib_rows(tmp_path / "c", dashed, None) == []
    assert _cib_rows(tmp_path / "d", nv("o1", "stonith_enabled", "true"), "2.0.7") == []


def test_no_dashed_advice_for_heartbeat_2_0_7(tmp_path: Path) -> None:
    """CB012 calls ``transition-timeout`` deprecated in favour of ``cluster-delay`` in a
    heartbeat 2 CIB; 2.0.7 reads neither (its name is transition_idle_timeout), so there
    CB012 stays silent and CB011 says 2.0.7 does not read it."""
    from test_rules_cib import nv

    old = nv("o1", "transition-timeout", "60s")
    assert [c for c, _ in _cib_rows(tmp_path / "a", old, "2.1.3")] == ["CB012"]
    assert [c for c, _ in _cib_rows(tmp_path / "b", old, "2.0.7")] == ["CB011"]


# -- 5. Red Hat's device-mapper-multipath: keywords upstream lacks -----------------------
# RHEL 6.0's build (gooselinux/device-mapper-multipath, a RHEL 6 rebuild's patches on
# 0.4.9) 0021-RHBZ-558636-add-find-multipaths.patch: dict.c init_keywords gains
# ``install_keyword("find_multipaths", &def_find_multipaths_handler, ...)``; upstream's
# dict.c (opensvc/multipath-tools) has it from 0.6.0. reload_readwrite: ``git log -S
# reload_readwrite -- libmultipath/dict.c`` over upstream's whole history finds nothing,
# and RHEL 6.0/6.1's patches (0012 to 0069 there) do not add it either: a later RHEL
# minor's, which no release file of a node tells apart (what stays open).

MP = "defaults {\n\tuser_friendly_names yes\n\tKEY yes\n}\n"


def _mp(tmp: Path, name: str, key: str, red_hat: bool) -> list[tuple]:
    from xencfg import lint
    from xencfg.formats.schema import Version

    files = {"etc/multipath.conf": MP.replace("KEY", key)}
    if red_hat:
        files["etc/redhat-release"] = "Red Hat Enterprise Linux Server release 6.0 (Santiago)\n"
    root = tree(tmp, name, files)
    given = {"multipath-tools": Version.parse("0.4.9")}
    found = lint.run([str(root)], versions=given, select=["XC"]).findings
    return [(f.code, f.severity, f.line) for f in found]


def test_backported_keyword_passes_on_a_red_hat_node_only(tmp_path: Path) -> None:
    """find_multipaths on a declared 0.4.9: Red Hat's 0.4.9 reads it (patch 0021 above),
    so a node whose /etc holds redhat-release gets nothing; another 0.4.9 node (upstream
    reads it from 0.6.0) is told its release ignores it."""
    assert _mp(tmp_path, "rhel", "find_multipaths", red_hat=True) == []
    assert _mp(tmp_path, "deb", "find_multipaths", red_hat=False) == [("XC003", "warning", 3)]


def test_fork_only_keyword_is_a_warning_everywhere(tmp_path: Path) -> None:
    """reload_readwrite: no upstream release reads it and which RHEL minor's build does
    is not known here, so lint warns (XC004) on every node, never an error."""
    for red_hat in (True, False):
        got = _mp(tmp_path / str(red_hat), "n", "reload_readwrite", red_hat=red_hat)
        assert got == [("XC004", "warning", 3)]
