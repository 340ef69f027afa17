"""Lint truth on cluster trees in shapes the examples do not cover (the audit of
session 16): each case is a small tree under tests/fixtures/lint-trees/CASE/ with a
``bad`` variant the daemon refuses (or where the documented hazard bites) and a
``good`` variant the daemon accepts, which must lint clean of the rule."""

from __future__ import annotations

from pathlib import Path

import xencfg
from conftest import FIXTURES, corosync_test
from xencfg import lint
from xencfg.formats.schema import Version

TREES = FIXTURES / "lint-trees"


def _codes(case: str, variant: str, select: list[str]) -> list[tuple[str, str, int]]:
    nodes = sorted((TREES / case / variant).iterdir())
    result = lint.run([str(n) for n in nodes], select=select)
    return sorted((f.code, Path(f.path).name, f.line) for f in result.findings)


def test_drbd_conflicts_count_only_files_drbd_conf_includes() -> None:
    """drbdadm reads /etc/drbd.conf (drbd-utils drbdadm_main.c ``conf_file[]``: the
    drbd-9x/84/83/82.conf names, then drbd.conf) and what its ``include`` statements
    name, nothing else. A drbd.d/old.conf that no include reaches, or the stock
    global_common.conf behind a commented-out include, is never read: `peer-drbdadm
    --mode 84 good/pi1/etc/drbd.conf` says OK. Once drbd.conf includes old.conf,
    drbdadm refuses it: "drbd.d/old.conf:6: conflicting use of IP
    '192.168.4.3:7788' ..." (rc 10)."""
    conflicts = ["DR001", "DR002", "DR003"]
    bad = _codes("drbd-not-included", "bad", conflicts)
    assert {c for c, _, _ in bad} == set(conflicts)
    assert {name for _, name, _ in bad} == {"old.conf"}
    assert _codes("drbd-not-included", "good", conflicts) == []


def test_drbd_common_comes_from_the_included_file() -> None:
    """The node's ``common`` is the one drbd.conf includes (drbd.d/common.conf with
    ``allow-two-primaries`` and no fencing), not the unread global_common.conf's:
    DR011 warns on r0 in both variants, where it used to be silenced in ``good``."""
    for variant in ("bad", "good"):
        found = _codes("drbd-not-included", variant, ["DR011"])
        assert ("DR011", "r0.res", 1) in found
        assert all(name != "global_common.conf" for _, name, _ in found)


def test_corosync2_udpu_with_crypto_is_not_refused(tmp_path: Path) -> None:
    """corosync 3 refuses crypto on udpu (``corosync -t``: "crypto_cipher & crypto_hash
    are only valid for the Knet transport", exec/totemconfig.c of v3.0.0 on); corosync
    2 encrypts udpu with NSS and has no such check (v2.4.6 exec/totemconfig.c,
    ``totem_get_crypto``: secauth, aes256/3des, sha1 on any transport). The ``good``
    tree is a SLES 12 / RHEL 7 file (secauth, interface ringnumber + bindnetaddr): no
    CS006; the ``bad`` tree, written for corosync 3, keeps its error."""
    bad = _codes("corosync2-udpu-crypto", "bad", ["CS006"])
    assert bad == [("CS006", "corosync.conf", 7)] * 2
    assert _codes("corosync2-udpu-crypto", "good", ["CS006"]) == []
    conf = TREES / "corosync2-udpu-crypto" / "bad" / "vmh1" / "etc" / "corosync"
    doc = xencfg.load(conf / "corosync.conf", "corosync")
    assert doc.totem is not None
    doc.totem.set("keyfile", str(conf / "authkey"))
    copy = tmp_path / "corosync.conf"
    copy.write_text(xencfg.dumps(doc))
    ok, out = corosync_test(copy, "10.2.0.1/32")
    assert not ok and "only valid for the Knet transport" in out


def test_ocfs2_on_the_pacemaker_stack_needs_no_cluster_conf() -> None:
    """An OCFS2 ``Filesystem`` clone with no /etc/ocfs2/cluster.conf on any node: on
    the classic o2cb stack mount fails (CB013, ``bad``). With ``controld`` and an
    ``o2cb`` agent in the clone (``good``, SLES 11 HAE's layout) OCFS2 runs on the
    userspace stack: pacemaker's extra/resources/o2cb defaults ``OCF_RESKEY_stack`` to
    pcmk and its start loads ocfs2_stack_user and runs ocfs2_controld.pcmk, which takes
    the members from Pacemaker; cluster.conf is never read. crm_verify (Pacemaker
    2.1.5) accepts the ``good`` CIB (warnings only for its empty status section)."""
    assert _codes("ocfs2-pcmk-stack", "bad", ["CB013"]) == [("CB013", "cib.xml", 30)]
    assert _codes("ocfs2-pcmk-stack", "good", ["CB013"]) == []


def test_corosync_sections_older_releases_read_are_not_unknown() -> None:
    """``uidgid`` is read by corosync 2 and 3 (exec/coroparse.c: ``uidgid.uid`` ->
    ``uidgid.config.uid.N``); ``service`` (the Pacemaker plugin of SLES 11 / RHEL 6),
    ``aisexec`` and ``amf`` by corosync 1 (v1.4 exec/service.c reads the "service" and
    "aisexec" objects). None is an unknown keyword; a misspelt ``servcie`` still is."""
    assert _codes("corosync1-sections", "bad", ["XC003"]) == [("XC003", "corosync.conf", 6)]
    assert _codes("corosync1-sections", "good", ["XC003"]) == []


def test_multipath_uid_gid_take_a_user_name() -> None:
    """multipath-tools looks ``uid``/``gid`` up as a user name first
    (libmultipath/dict.c of 0.9.4, set_uid/set_gid: ``getpwnam_r`` and then ``%u``):
    ``uid root`` is taken (`multipath -t` prints ``uid 00``), so it is no XC005; a
    quoted ``'root'`` matches no user and no number, and multipath says "invalid value
    for uid". (``gid disk`` stays an error: no node has a *user* named disk.)"""
    assert _codes("multipath-uid-name", "bad", ["XC005"]) == [("XC005", "multipath.conf", 9)]
    assert _codes("multipath-uid-name", "good", ["XC005"]) == []


def test_iscsid_max_connections_is_never_used() -> None:
    """open-iscsi offers ``MaxConnections=1`` at every login whatever iscsid.conf says
    (usr/login.c: ``iscsi_add_text(..., "MaxConnections", "1")``, the same in the 2006
    tree and 2.0.873), so ``node.session.iscsi.MaxConnections = 0`` (the seed s000's
    value) is no XC005. A value iscsid does read stays one: idbm.c parses numbers with
    ``strtoul``, so ``FirstBurstLength = 256k`` is read as 256, below RFC 3720's 512."""
    assert _codes("iscsid-maxconnections", "bad", ["XC005"]) == [("XC005", "iscsid.conf", 5)]
    assert _codes("iscsid-maxconnections", "good", ["XC005"]) == []


def test_heartbeat_node_names_match_in_any_case() -> None:
    """heartbeat lowercases every ``node`` name it reads (heartbeat/config.c add_node:
    ``g_strdown(hip->nodename)``) and its own ``uname -n``: `peer-heartbeat --node
    alpha` starts with ``node ALPHA`` and, with ``--node Alpha`` against ``node
    gamma``, says "Current node [alpha] not in configuration!". drbdadm matches ``on``
    names against ``uname -n`` in any case too (`peer-drbdadm --node xen-a` takes ``on
    XEN-A``). So ``node ALPHA`` / ``node Beta`` on hosts alpha and beta with ``on
    alpha`` / ``on beta`` in drbd.conf is one cluster: no HB001 or HB002; names that
    differ (``alpha-1``) keep both errors."""
    codes = ["HB001", "HB002"]
    bad = _codes("heartbeat-name-case", "bad", codes)
    assert {c for c, _, _ in bad} == set(codes)
    assert _codes("heartbeat-name-case", "good", codes) == []


def test_a_drifted_copy_of_a_domu_on_another_node_is_the_same_guest() -> None:
    """A failover pair keeps a copy of each guest's config on every node; here xb's
    copy sits at /etc/xen/web.cfg and its memory drifted (768 for 512). Same name, uuid
    and disk: one guest that runs on one node at a time (a name and a uuid are unique
    per *host*, as XN001/XN002 say; the cluster starts the guest on one node), so no
    XN001/XN002/XN003/XN004. A copy made for a new guest (``bad``: its own disk and
    MAC, name and uuid left unchanged) is two guests and keeps XN001 and XN002."""
    codes = ["XN001", "XN002", "XN003", "XN004"]
    bad = _codes("xen-drifted-copy", "bad", codes)
    assert {c for c, _, _ in bad} == {"XN001", "XN002"}
    assert _codes("xen-drifted-copy", "good", codes) == []


def test_pacemaker2_options_and_password_scripts() -> None:
    """A Pacemaker 2.1 CIB as pcs writes it: ``cluster-name``, ``have-watchdog`` and
    ``priority-fencing-delay`` are cluster options (``pacemaker-controld metadata``
    and ``pacemaker-schedulerd metadata`` of Pacemaker 2.1.5 list them; crm_verify
    takes the ``good`` CIB, warnings only for its empty status), so no CB011; and a
    fence agent's ``password_script`` names the program that prints the password
    (fence-agents lib/fencing.py: "Script to run to retrieve password"), so no CB009.
    A misspelt ``priority-fencing-dealy`` and a ``password`` in the CIB keep both."""
    found = _codes("pacemaker2-options", "bad", ["CB009", "CB011"])
    assert found == [("CB009", "cib.xml", 22), ("CB011", "cib.xml", 10)]
    assert _codes("pacemaker2-options", "good", ["CB009", "CB011"]) == []


def test_o2cb_bootcluster_only_matters_when_o2cb_starts_at_boot() -> None:
    """ocfs2-tools' vendor/common/o2cb.init.sh: ``start()`` begins with ``if [
    "$O2CB_ENABLED" != "true" ]; then exit 0; fi``, so with the package's own
    ``O2CB_ENABLED=false`` (o2cb not started at boot, or started by the cluster
    manager) ``O2CB_BOOTCLUSTER=ocfs2`` against a cluster named webcluster is never
    used: no OC007. With ``O2CB_ENABLED="true"`` boot brings up a cluster
    cluster.conf lacks (``online`` uses ``${1:-${O2CB_BOOTCLUSTER}}``): OC007 stays."""
    assert _codes("o2cb-disabled", "bad", ["OC007"]) == [("OC007", "o2cb", 5)] * 2
    assert _codes("o2cb-disabled", "good", ["OC007"]) == []


def test_drbd_includes_are_followed_in_an_etckeeper_tree(tmp_path: Path) -> None:
    """The same ``good`` node as an etckeeper repository (its /etc checked out under
    any name): drbd.conf is still the node's, old.conf still unread."""
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(TREES / "drbd-not-included" / "good" / "pi1" / "etc", repo)
    result = lint.run([str(repo)], select=["DR001", "DR002", "DR003"])
    assert result.findings == []


def test_constraint_node_names_match_in_any_case() -> None:
    """The policy engine finds a location's node by uname in any case: Pacemaker 1.0
    compares with ``safe_str_eq`` (``crm_str_eq(a, b, FALSE)``: strcasecmp), 2.x with
    ``pcmk__str_casei``. Checked with crm_simulate (Pacemaker 2.1.5): ``fence-node1``
    with ``node="NODE1" score="-INFINITY"`` starts on node2, with no constraint on
    node1. So ``NODE1`` against ``<node uname="node1">`` is no CB002; ``node3`` is."""
    assert _codes("pacemaker-node-case", "bad", ["CB002"]) == [("CB002", "cib.xml", 44)]
    assert _codes("pacemaker-node-case", "good", ["CB002"]) == []


def test_drbd8_on_names_must_be_the_exact_uname() -> None:
    """drbdadm 8.x takes an ``on`` section only for exactly ``uname -n``: `peer-drbdadm
    --mode 84 --node beta` on ``on BETA`` prints "resource r0 on beta: ignored" (and
    8.3 "no normal resources defined for this host"), while drbd-utils 9 takes it
    ("not ignored"). So ``on ALPHA`` on host alpha stays HB001 for DRBD 8 even though
    heartbeat folds ``node alpha``; declared DRBD 9 folds case like heartbeat."""
    case = TREES / "heartbeat-name-case" / "drbd8-upper"
    nodes = [str(n) for n in sorted(case.iterdir())]
    found = lint.run(nodes, select=["HB001"]).findings
    assert sorted({Path(f.path).name for f in found}) == ["drbd.conf"]
    nine = {"drbd": Version.parse("9.0")}
    assert lint.run(nodes, select=["HB001"], versions=nine).findings == []


def test_corosync_node_names_match_the_cib_in_any_case() -> None:
    """Pacemaker finds a cluster peer by name in any case (lib/cluster/membership.c:
    ``pcmk__str_eq(node->name, uname, pcmk__str_casei)``, "Name match"), so nodelist
    names ``NODE1``/``Node2`` against CIB unames node1/node2 (same ids) are no CS010;
    a nodelist ``node-2`` is another name and stays one."""
    bad = _codes("corosync-cib-name-case", "bad", ["CS010"])
    assert bad and all(c == "CS010" for c, _, _ in bad)
    assert _codes("corosync-cib-name-case", "good", ["CS010"]) == []


def test_heartbeat1_three_members_and_a_storage_box_lint_only_hb019() -> None:
    """Three heartbeat 1 members (haresources), DRBD r0 on two of them, and an IET box
    that is no member (haresources-three-node/, also migrated in
    test_migrate_haresources.py): san1 is storage, so no rule asks for it in ha.cf;
    gamma holds no DRBD resource and needs none. The one verdict is HB019 on each
    member's haresources, and it is true: when gamma dies, alpha and beta both run
    mach_down and both start the mail guest from the SAN disk (heartbeat
    lib/mach_down.in: "This script will only work for a two machine setup";
    tests/test_rules_haresources_nodes.py). This test once said "nothing"."""
    case = TREES / "haresources-three-node"
    nodes = [str(case / n) for n in ("alpha", "beta", "gamma", "san1")]
    found = lint.run(nodes).findings
    assert [(f.code, f.severity, Path(f.path).parts[-4]) for f in found] == [
        ("HB019", "error", node) for node in ("alpha", "beta", "gamma")
    ]


def test_corosync2_four_members_rrp_and_two_storage_boxes(tmp_path: Path) -> None:
    """Four corosync 2.4 members on udpu with two redundant rings (rrp_mode passive,
    nodes without names: corosync 2 takes uname), a Pacemaker 1.0 CIB, two IET boxes
    that are no members. Nothing is an error: redundant rings on udpu are corosync 2's
    RRP, and nameless nodes match the CIB by uname. (The warnings left are true: the
    domU config is not in the tree, and the targets have no CHAP.) With corosync 3.1
    declared, CS014 says what ``corosync -t`` 3.1.7 says of the same file: "for a
    multi-link configuration, all nodes must have a 'name' attribute" and, with names,
    "2 is too many configured interfaces for non-Knet transport"
    (exec/totemconfig.c); crm_verify takes the CIB (warnings only, for its empty status)."""
    case = TREES / "corosync2-four-node-rrp"
    nodes = [str(case / n) for n in ("dom0-1", "dom0-2", "dom0-3", "dom0-4", "san-a", "san-b")]
    found = lint.run(nodes).findings
    assert {f.code for f in found} == {"CB003", "IS007"}
    assert all(f.severity == "warning" for f in found)
    three = {"corosync": Version.parse("3.1")}
    refused = lint.run(nodes[:1], select=["CS014"], versions=three).findings
    assert {f.message.split(":")[0] for f in refused} >= {
        "node 10.1.0.1 has no name",
        "2 links (0, 1) on transport udpu",
    }
    conf = case / "dom0-1" / "etc" / "corosync" / "corosync.conf"
    ok, out = corosync_test(conf, "10.1.0.1/32")
    assert not ok and "all nodes must have a 'name' attribute" in out
    named = tmp_path / "named.conf"
    text = conf.read_text()
    for i in range(1, 5):
        text = text.replace(f"\t\tnodeid: {i}\n", f"\t\tnodeid: {i}\n\t\tname: dom0-{i}\n")
    named.write_text(text)
    ok, out = corosync_test(named, "10.1.0.1/32")
    assert not ok and "too many configured interfaces for non-Knet transport" in out
