"""Lint-truth gaps the session 28 closing note left (session 29, truthgaps5): corosync
and cman member lists form clusters, CB023's remaining misses, loss-policy=demote
without a promotable resource, CB043 and the interfaces files, XC001 around braces
before corosync 3.0."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import crm_verify_file
from lintkit import tree
from test_cib_schema_round28 import FENCE, _cib, passed_by_both, refused_by_both
from xencfg import lint
from xencfg.cli import main
from xencfg.membership import apart

# -- corosync nodelists and cman clusternodes form clusters ------------------------------

_CIB = """<cib admin_epoch="0" epoch="1" num_updates="0" validate-with="pacemaker-3.0">
  <configuration>
    <crm_config/>
    <nodes/>
    <resources>
      <primitive id="ip" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="ip-ia"><nvpair id="ip-a" name="ip" value="10.0.{net}.100"/>
        </instance_attributes>
        <operations><op id="ip-mon" name="monitor" interval="10s"/></operations>
      </primitive>
    </resources>
    <constraints><rsc_location id="loc" rsc="ip" node="{prefers}" score="100"/></constraints>
  </configuration>
  <status/>
</cib>
"""


def _corosync(name: str, release: int, pair: tuple[str, str], net: int) -> str:
    """A corosync 2 (udpu) or 3 (knet) corosync.conf whose nodelist names ``pair``."""
    nodes = "".join(
        f"\tnode {{\n\t\tring0_addr: 10.0.{net}.{i}\n\t\tname: {n}\n\t\tnodeid: {i}\n\t}}\n"
        for i, n in enumerate(pair, 1)
    )
    transport = "knet" if release == 3 else "udpu"
    return (
        f"totem {{\n\tversion: 2\n\tcluster_name: {name}\n\ttransport: {transport}\n}}\n"
        f"nodelist {{\n{nodes}}}\n"
        "quorum {\n\tprovider: corosync_votequorum\n\ttwo_node: 1\n}\n"
    )


def _cman(name: str, pair: tuple[str, str]) -> str:
    nodes = "".join(f'    <clusternode name="{n}" nodeid="{i}"/>\n' for i, n in enumerate(pair, 1))
    return (
        f'<?xml version="1.0"?>\n<cluster name="{name}" config_version="1">\n'
        f'  <cman two_node="1" expected_votes="1"/>\n  <clusternodes>\n{nodes}'
        "  </clusternodes>\n</cluster>\n"
    )


def _ocfs2(pair: tuple[str, str], net: int) -> str:
    nodes = "".join(
        f"node:\n\tip_port = 7777\n\tip_address = 10.0.{net}.{i}\n\tnumber = {i}\n"
        f"\tname = {n}\n\tcluster = ocfs2\n\n"
        for i, n in enumerate(pair, 1)
    )
    return nodes + "cluster:\n\tnode_count = 2\n\tname = ocfs2\n"


PAIRS = (("x1", "x2"), ("y1", "y2"))


def _two_clusters(
    tmp: Path, stack: str, extra: dict[str, dict[str, str]] | None = None
) -> list[str]:
    """x1/x2 and y1/y2, two clusters on one site, each with its own messaging layer
    (``stack``: corosync 3 for x and corosync 2 for y, or cman for both), OCFS2
    cluster.conf and a CIB no DC has written <nodes> into; ``extra`` adds files per
    cluster ("x" or "y")."""
    roots = []
    for k, pair in enumerate(PAIRS, 1):
        letter = pair[0][0]
        if stack == "cman":
            layer = {"etc/cluster/cluster.conf": _cman(f"{letter}c", pair)}
        else:
            layer = {"etc/corosync/corosync.conf": _corosync(f"{letter}c", 4 - k, pair, k)}
        for name in pair:
            files = {
                "etc/hostname": f"{name}\n",
                "etc/hosts": "".join(f"10.0.{k}.{i} {n}\n" for i, n in enumerate(pair, 1)),
                "etc/ocfs2/cluster.conf": _ocfs2(pair, k),
                "var/lib/pacemaker/cib/cib.xml": _CIB.format(net=k, prefers=pair[0]),
                **layer,
                **(extra or {}).get(letter, {}),
            }
            roots.append(str(tree(tmp, name, files)))
    return roots


@pytest.mark.parametrize("stack", ["corosync", "cman"])
def test_corosync_and_cman_lists_form_separate_clusters(tmp_path: Path, stack: str) -> None:
    """corosync talks only to the nodes of its nodelist (exec/totemconfig.c reads
    ``nodelist.node.%u.ring0_addr``), cman only to its clusternodes (cmanconfig.c
    ``read_cman_nodes``): two such lists that share no node are two clusters. The
    model made clusters of ha.cf and the CIB's <nodes> only, so x1 and y1 were "not
    apart" and compared as one cluster's nodes."""
    result = lint.run(_two_clusters(tmp_path, stack))
    model = result.cluster.model
    assert sorted(sorted(c.members) for c in model.heartbeat_clusters) == [
        ["x1", "x2"],
        ["y1", "y2"],
    ]
    assert apart(result.cluster, "x1", "y1") and not apart(result.cluster, "x1", "x2")
    assert not model.same_cluster("x2", "y2") and model.same_cluster("y1", "y2")
    # OC005 compared y's OCFS2 cluster.conf with x1's: "cluster.conf on y1 has no node
    # 'x1' compared with x1" (four false errors per y node); o2cb of each cluster reads
    # only its own (rules/ocfs2.py _against_first)
    assert [f.message for f in result.findings if f.code == "OC005"] == []


def test_oc005_still_compares_a_clusters_own_nodes(tmp_path: Path) -> None:
    """The failing half: y2's cluster.conf without y1 differs from y1's."""
    roots = _two_clusters(tmp_path, "corosync")
    (Path(roots[3]) / "etc/ocfs2/cluster.conf").write_text(_ocfs2(("y2", "y3"), 2))
    got = [f.message for f in lint.run(roots, select=["OC005"]).findings]
    assert "cluster.conf on y2 has no node 'y1' compared with y1" in got
    assert not [m for m in got if "x1" in m or "x2" in m]


def test_cb002_a_location_on_the_other_clusters_node(tmp_path: Path) -> None:
    """x's CIB prefers y2, a node of the other cluster: Pacemaker on x1/x2 knows no y2
    (its scheduler's nodes are its own corosync members), so the preference applies
    to no node. The CIB has no <nodes> yet, so lint took every node of the site as
    the CIB's and said nothing; the CIB on x1's tree is x's cluster's now."""
    roots = _two_clusters(tmp_path, "corosync")
    for root in roots[:2]:
        cib = Path(root) / "var/lib/pacemaker/cib/cib.xml"
        cib.write_text(_CIB.format(net=1, prefers="y2"))
    got = [f.message for f in lint.run(roots, select=["CB002"]).findings]
    assert got == [
        "location names node 'y2', which is not a cluster node (x1, x2): the preference"
        " applies to no node"
    ]
    assert [
        f.message
        for f in lint.run(_two_clusters(tmp_path / "ok", "corosync"), select=["CB002"]).findings
    ] == []


def test_lv002_compares_locking_within_each_cluster(tmp_path: Path) -> None:
    """x runs clvmd (locking_type 3), y locks locally (1) and shares no volume group
    with x: LV002 said y1 and y2 skip x's clustered VGs. Within x, a node that locks
    locally is still found."""
    clvm = {"etc/lvm/lvm.conf": "global {\n    locking_type = 3\n}\n"}
    local = {"etc/lvm/lvm.conf": "global {\n    locking_type = 1\n}\n"}
    roots = _two_clusters(tmp_path, "corosync", {"x": clvm, "y": local})
    assert [f.message for f in lint.run(roots, select=["LV002"]).findings] == []
    (Path(roots[1]) / "etc/lvm/lvm.conf").write_text(local["etc/lvm/lvm.conf"])
    got = [f.message for f in lint.run(roots, select=["LV002"]).findings]
    assert len(got) == 1 and got[0].startswith("lvm.conf on x2 has locking_type 1 but x1 locks")


def test_verbose_release_lines_per_corosync_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The -v release lines were already per cluster (membership.site_clusters reads
    the corosync lists); pinned: x's knet transport is corosync 3, said of x only."""
    main(["lint", "-v", "-q", "--exit-zero", *_two_clusters(tmp_path, "corosync")])
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("version ")]
    corosync = [ln for ln in lines if ln.startswith("version corosync")]
    assert len(corosync) == 1
    assert corosync[0].startswith("version corosync in cluster x1, x2: corosync 3.0 or later")


def test_drbd_resources_of_two_clusters_keep_their_own_peers(tmp_path: Path) -> None:
    """Each cluster has its own DRBD r0 (minor 0, port 7788) on its own nodes: DRBD
    compares a resource among its ``on`` hosts only, never across clusters (no finding
    before or after)."""

    def drbd(pair: tuple[str, str], net: int) -> dict[str, str]:
        hosts = "".join(
            f"\ton {n} {{\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/vg0/r0;\n"
            f"\t\taddress 10.0.{net}.{i}:7788;\n\t\tmeta-disk internal;\n\t}}\n"
            for i, n in enumerate(pair, 1)
        )
        return {"etc/drbd.conf": f"resource r0 {{\n\tprotocol C;\n{hosts}}}\n"}

    roots = _two_clusters(tmp_path, "corosync", {"x": drbd(PAIRS[0], 1), "y": drbd(PAIRS[1], 2)})
    assert [f for f in lint.run(roots, select=["DR"]).findings] == []


# -- CB023: IDREFs to no id, fencing devices, port ranges, influence with blanks ----------

LEVEL = (
    '\n    <fencing-topology><fencing-level id="fl" target="n1" index="1" devices="{}"/>'
    "</fencing-topology>"
)
BUNDLE = (
    '\n      <bundle id="bu"><docker image="x"/><network control-port="3121">'
    '<port-mapping id="pm" range="{}"/></network>'
    '<primitive id="bp" class="ocf" provider="heartbeat" type="apache"/></bundle>'
)
ACL = (
    '\n    <acls><acl_target id="alice"><role id="{}"/></acl_target><acl_role id="r">'
    '<acl_permission id="r-p" kind="read" {}/></acl_role></acls>'
)
TEMPLATE = '\n      <template id="tp" class="ocf" provider="pacemaker" type="Dummy"/>'


def _colocation(influence: str) -> str:
    return f'<rsc_colocation id="c" rsc="a" with-rsc="b" score="10" influence="{influence}"/>'


#: name -> (the CIB, lint's words, what crm_verify 2.1.5 printed on it, rc 78 each). Lint
#: on main had no CB023 on any of them.
CB023_REFUSED: dict[str, tuple[str, str, str]] = {
    "template to no id": (
        _cib("pacemaker-3.9", '\n      <primitive id="c" template="nosuch"/>'),
        "refuses template 'nosuch' on <primitive>: no element has id 'nosuch'",
        'IDREF attribute template references an unknown ID "nosuch"',
    ),
    "template to a primitive": (
        _cib("pacemaker-3.9", '\n      <primitive id="c" template="a"/>'),
        "primitive 'c' names template 'a', which is a <primitive>",
        "Errors found during check",  # (-V: "No template named 'a'", "Ignoring <primitive>")
    ),
    "acl reference to no id": (
        _cib("pacemaker-3.9", extra=ACL.format("r", 'reference="nosuch"')),
        "refuses reference 'nosuch' on <acl_permission>",
        'IDREF attribute reference references an unknown ID "nosuch"',
    ),
    "acl role to no id": (
        _cib("pacemaker-3.8", extra=ACL.format("nosuch", 'xpath="/cib"')),
        "refuses id 'nosuch' on <role>",
        'IDREF attribute id references an unknown ID "nosuch"',
    ),
    "acls-1.2 role_ref to no id": (
        _cib(
            "pacemaker-1.2",
            extra='\n    <acls><acl_user id="bob"><role_ref id="nosuch"/></acl_user></acls>',
        ),
        "refuses id 'nosuch' on <role_ref>",
        'IDREF attribute id references an unknown ID "nosuch"',
    ),
    "rule id-ref to no id": (
        _cib(
            "pacemaker-3.9",
            constraints='<rsc_location id="l" rsc="a"><rule id-ref="nosuch"/></rsc_location>',
        ),
        "refuses id-ref 'nosuch' on <rule>",
        'IDREF attribute id-ref references an unknown ID "nosuch"',
    ),
    "fencing devices with a blank": (
        _cib("pacemaker-3.9", FENCE, extra=LEVEL.format("f, f")),
        "refuses devices 'f, f' on <fencing-level>",
        "Element configuration failed to validate content",
    ),
    "port range not N-M": (
        _cib("pacemaker-3.9", BUNDLE.format("9000:9010")),
        "refuses range '9000:9010' on <port-mapping>",
        "Element bundle failed to validate content",
    ),
    "port range with a blank": (
        _cib("pacemaker-3.9", BUNDLE.format(" 9000-9010")),
        "refuses range ' 9000-9010' on <port-mapping>",
        "Element bundle failed to validate content",
    ),
    "influence with blanks": (
        _cib("pacemaker-3.9", constraints=_colocation(" true ")),
        "influence ' true ' is not a boolean",
        "Errors found during check",  # (-V: "has invalid value for influence")
    ),
}
#: The same constructs written right, or what crm_verify 2.1.5 takes (rc 0): no CB023.
CB023_VALID: dict[str, str] = {
    "template": _cib("pacemaker-3.9", TEMPLATE + '\n      <primitive id="c" template="tp"/>'),
    "acl reference": _cib("pacemaker-3.9", extra=ACL.format("r", 'reference="a"')),
    "port range N-M": _cib("pacemaker-3.9", BUNDLE.format("9000-9010")),
    # a device no primitive defines: the schema takes any name, crm_verify 2.1.5 too
    "fencing devices of no device": _cib("pacemaker-3.9", FENCE, extra=LEVEL.format("f,nosuch")),
    "influence Y": _cib("pacemaker-3.9", constraints=_colocation("Y")),
}


@pytest.mark.parametrize("name", sorted(CB023_REFUSED))
def test_cb023_refuses_what_crm_verify_refuses(name: str, tmp_path: Path) -> None:
    refused_by_both(*CB023_REFUSED[name], tmp_path)


@pytest.mark.parametrize("name", sorted(CB023_VALID))
def test_cb023_passes_what_crm_verify_passes(name: str, tmp_path: Path) -> None:
    passed_by_both(CB023_VALID[name], tmp_path)


def test_cb002_a_tag_listing_no_id_is_refused_once_a_constraint_names_it(
    tmp_path: Path,
) -> None:
    """tags-3.3.rng (pacemaker-3.3 on) takes any text in an obj_ref, so crm_verify 2.1.5
    takes a pacemaker-3.9 tag listing no id (rc 0) until a constraint names the tag:
    "tg: No resource found for nosuch", "config not valid". CB002 said error for both
    (found while checking CB023's IDREFs); pacemaker-3.0's tags-1.3.rng has it an IDREF
    (test_cib_truth4: refused, an error)."""
    from xencfg.lint.memory import lint_text

    tags = '\n    <tags><tag id="tg"><obj_ref id="nosuch"/><obj_ref id="a"/></tag></tags>'
    for constraint, severity, rc in (
        ("", "warning", 0),
        ('<rsc_location id="l" rsc="tg" node="n1" score="10"/>', "error", 78),
    ):
        text = _cib("pacemaker-3.9", constraints=constraint, extra=tags)
        found = lint_text(text, "cib", path="cib.xml", select=["CB002"]).findings
        assert [(f.severity, f.message[:37]) for f in found] == [
            (severity, "tag 'tg' lists 'nosuch', which is not")
        ]
        path = tmp_path / "cib.xml"
        path.write_text(text)
        assert crm_verify_file(path)[0] == rc


# -- CB044: loss-policy demote without a Promoted role ----------------------------------

_STATUS = (
    '<status><node_state id="1" uname="n1" in_ccm="true" crmd="online" join="member"'
    ' expected="member"/><node_state id="2" uname="n2" in_ccm="true" crmd="online"'
    ' join="member" expected="member"/></status>'
)


def _ticket(attrs: str) -> str:
    """The round-28 CIB (primitives a and b, promotable clone p of s) with an rsc_ticket
    on ticket T, which no one has granted, and both nodes online."""
    text = _cib("pacemaker-3.9", constraints=f'<rsc_ticket id="t" ticket="T" {attrs}/>')
    return text.replace("<status/>", _STATUS)


def _cb044(text: str) -> list[tuple[str, str]]:
    from xencfg.lint.memory import lint_text

    found = lint_text(text, "cib", path="cib.xml", select=["CB044"]).findings
    return [(f.severity, f.message) for f in found]


def _simulated_starts(text: str, tmp_path: Path) -> list[str]:
    """What crm_simulate 2.1.5 starts on the CIB (the scheduler's transition)."""
    import shutil
    import subprocess

    from conftest import unavailable

    exe = shutil.which("crm_simulate")
    if exe is None:
        unavailable("crm_simulate (pacemaker-cli-utils) is not installed")
    path = tmp_path / "cib.xml"
    path.write_text(text)
    out = subprocess.run([str(exe), "-S", "-x", str(path)], capture_output=True, text=True)
    return [ln.split()[2] for ln in out.stdout.splitlines() if ln.strip().startswith("* Start ")]


def test_cb044_promoted_role_of_a_primitive_never_holds_it(tmp_path: Path) -> None:
    """rsc-role Promoted on primitive a, which no promotable clone holds: the scheduler
    bans a for the ticket only where the role is not Promoted (pcmk_sched_tickets.c
    ``constraints_for_ticket``), so a starts with T not granted (crm_simulate 2.1.5:
    "Start a"), and crm_verify 2.1.5 takes the CIB. Lint on main said nothing."""
    for attrs in ('rsc="a" rsc-role="Promoted" loss-policy="demote"', 'rsc="a" rsc-role="Master"'):
        text = _ticket(attrs)
        assert "a" in _simulated_starts(text, tmp_path)
        [(severity, message)] = _cb044(text)
        assert severity == "error" and "limits primitive 'a' to its Promoted role" in message
        rc, out = crm_verify_file(tmp_path / "cib.xml")
        assert rc == 0, out
    # with loss-policy stop the ban holds whatever the role: a stays stopped
    text = _ticket('rsc="a" rsc-role="Promoted" loss-policy="stop"')
    assert "a" not in _simulated_starts(text, tmp_path) and _cb044(text) == []


def test_cb044_demote_without_a_role_stops(tmp_path: Path) -> None:
    """loss-policy demote without rsc-role: a ban, as for stop (crm_simulate 2.1.5
    starts neither a nor any instance of clone p with T not granted); on p the intent
    (demote) needs rsc-role Promoted, with which p's instances start unpromoted."""
    text = _ticket('rsc="p" loss-policy="demote"')
    assert "s:0" not in _simulated_starts(text, tmp_path)
    [(severity, message)] = _cb044(text)
    assert severity == "warning" and "every instance is stopped, not demoted" in message
    plain = _ticket('rsc="a" loss-policy="demote"')
    assert "a" not in _simulated_starts(plain, tmp_path)
    assert [s for s, _ in _cb044(plain)] == ["warning"]
    right = _ticket('rsc="p" rsc-role="Promoted" loss-policy="demote"')
    assert "s:0" in _simulated_starts(right, tmp_path) and _cb044(right) == []


# -- CB043: a node's own addresses from its network files --------------------------------

UNSEEN9 = Path(__file__).parent / "fixtures" / "unseen9"
GEO = UNSEEN9 / "geo-booth-two-sites-arbitrator-pcs-drbd84-stacked-xl"
GEO_CIB = "var/lib/pacemaker/cib/cib.xml"

#: pra1's network files giving its bridge 10.93.1.100/24, booth.conf's first site.
NETWORK_FILES = {
    "debian": (
        "etc/network/interfaces",
        "auto lo\niface lo inet loopback\n\nauto br0\niface br0 inet static\n"
        "\taddress 10.93.1.100/24\n\tbridge_ports eth0\n",
    ),
    "ifcfg": (
        "etc/sysconfig/network-scripts/ifcfg-br0",
        "DEVICE=br0\nTYPE=Bridge\nBOOTPROTO=none\nIPADDR=10.93.1.100\nPREFIX=24\nONBOOT=yes\n",
    ),
    "netplan": (
        "etc/netplan/01-br0.yaml",
        "network:\n  version: 2\n  ethernets:\n    eth0: {}\n  bridges:\n    br0:\n"
        "      interfaces: [eth0]\n      addresses:\n        - 10.93.1.100/24\n",
    ),
}


@pytest.mark.parametrize("kind", sorted(NETWORK_FILES))
def test_cb043_reads_the_nodes_network_files(tmp_path: Path, kind: str) -> None:
    """pra's booth group moves 10.93.1.110, booth.conf's sites are 10.93.1.100 and
    10.93.2.100: CB043 (test_audit_unseen9_trees). Where pra1's own network files give
    an interface 10.93.1.100, boothd on pra1 finds itself among the sites (booth
    src/transport.c ``_find_myself`` walks the machine's interface addresses), so
    nothing; CB043 read only hosts files, ring and IPaddr addresses and said error."""
    from lintkit import copy_site, edit_site, site_found

    root = copy_site(GEO, tmp_path / "geo")
    for key in root.glob("*/etc/booth/booth.key"):
        key.chmod(0o600)
    edit_site(
        root, "pra*/" + GEO_CIB, 'name="ip" value="10.93.1.100"', 'name="ip" value="10.93.1.110"'
    )
    assert site_found(root, select="CB043") == {("CB043", f"pra1/{GEO_CIB}", "error")}
    rel, text = NETWORK_FILES[kind]
    tree(root, "pra1", {rel: text})
    assert site_found(root, select="CB043") == set()
    # (another address there is still no site)
    tree(root, "pra1", {rel: text.replace("10.93.1.100", "10.93.1.120")})
    assert site_found(root, select="CB043") == {("CB043", f"pra1/{GEO_CIB}", "error")}


# -- XC001: text after '{' or around '}' follows the corosync in force ------------------

#: name -> (corosync_pair() edited, whether corosync before 3.0 reads it). Each is refused
#: by corosync -t 3.1.7 ("Extra characters after opening bracket '{'", "Extra characters
#: before or after closing bracket '}'", or the value check).
BRACES = {
    # v2.4.6 coroparse.c parse_section: the '}' test (strchr_rs) closes the section
    # whatever is around it, where the line has no '{' or ':'
    "after close": (
        ("\t\tring0_addr: 10.0.0.2\n\t}", "\t\tring0_addr: 10.0.0.2\n\t} # beta"),
        True,
    ),
    "before close": (("\t\tring0_addr: 10.0.0.2\n\t}", "\t\tring0_addr: 10.0.0.2\n\tend }"), True),
    # the '{' test: the section is named by the line up to the text after '{'
    "after open": (("quorum {\n", "quorum { # votequorum\n"), True),
    "key after open": (("quorum {\n\tprovider", "quorum { provider"), True),
    # a '}' in a value: the section is never closed (and nodeid '2 }' is no integer)
    "close in a value": (
        (
            "\t\tnodeid: 2\n\t\tring0_addr: 10.0.0.2\n\t}",
            "\t\tring0_addr: 10.0.0.2\n\t\tnodeid: 2 }",
        ),
        False,
    ),
}


@pytest.mark.parametrize("name", sorted(BRACES))
def test_xc001_braces_follow_the_corosync_in_force(name: str, tmp_path: Path) -> None:
    """XC001 was an error for these on every release; corosync before 3.0 reads the
    first four (a warning there: the text or the section is lost), and refuses the last
    as corosync 3 does."""
    from conftest import corosync_test
    from lintkit import corosync_pair
    from xencfg.formats.schema import Version
    from xencfg.lint.memory import lint_text

    (old, new), older_reads = BRACES[name]
    text = corosync_pair()
    assert old in text
    text = text.replace(old, new)

    def xc001(release: str | None) -> list[str]:
        versions = {"corosync": Version.parse(release)} if release else None
        found = lint_text(text, "corosync", path="corosync.conf", versions=versions).findings
        return [f.severity for f in found if f.code == "XC001"]

    assert xc001(None) == ["error"] and xc001("3.1.7") == ["error"]
    assert xc001("2.4.5") == (["warning"] if older_reads else ["error"])
    path = tmp_path / "corosync.conf"
    path.write_text(text)
    ok, out = corosync_test(path, "10.0.0.1")
    assert not ok and "parser error" in out, out
