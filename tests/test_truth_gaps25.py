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
