"""CIB truth across Pacemaker releases (session cib12): ids the CIB API writes, the
pacemaker-1.1 schema of Pacemaker 1.1.1-1.1.11, what Pacemaker 3.0 dropped, heartbeat
2.0.x CIBs, loose CIBs of several clusters, and Pacemaker 1.0 CIBs as ``crm configure``
and hb_gui wrote them.

Pacemaker sources are cited from ClusterLabs/pacemaker at the release tags (the
``search`` tool's code corpus, or a git mirror of the repository); crm_verify is Debian's
Pacemaker 2.1.5 (conftest ``crm_verify_file``; /work/shared/oracle/peers/README.md §8).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import crm_verify_file
from xencfg.formats.cib.model import CibDocument, make_clone, make_group, make_primitive

FIXTURES = Path(__file__).parent / "fixtures" / "cib-truth6"


# -- the CIB API refuses ids that are not XML IDs ---------------------------------------


@pytest.mark.parametrize("bad", ["1web", "web:1", "web server", "", "-web", "web#1", ".web"])
def test_api_refuses_an_id_that_is_no_ncname(bad: str) -> None:
    """Every ``id`` of pacemaker-1.0.rng (and of every later schema) is ``xsd:ID``, an
    NCName: crm_verify 2.1.5 refuses the CIB ("Type ID doesn't allow value '1web'", below).
    Pacemaker's own tools never write such an id: the ids they derive go through
    ``crm_xml_sanitize_id`` (2.1.5 lib/common/xml.c line 1190) / ``pcmk__xml_sanitize_id``
    (3.0.0 lib/common/xml.c line 654). The API took any string and wrote a CIB Pacemaker
    refuses."""
    doc = CibDocument.new()
    with pytest.raises(ValueError, match="not an XML ID"):
        doc.make_primitive(bad, "ocf", "Dummy", "heartbeat")
    with pytest.raises(ValueError, match="not an XML ID"):
        make_group(bad, [make_primitive("a", "ocf", "Dummy", "heartbeat")])
    with pytest.raises(ValueError, match="not an XML ID"):
        make_clone(bad, make_primitive("b", "ocf", "Dummy", "heartbeat"))
    doc.add_resource(doc.make_primitive("web", "ocf", "Dummy", "heartbeat"))
    doc.add_resource(doc.make_primitive("db", "ocf", "Dummy", "heartbeat"))
    for call in (
        lambda: doc.add_order("web", "db", id=bad),
        lambda: doc.add_order(bad, "db"),
        lambda: doc.add_colocation("web", bad),
        lambda: doc.add_colocation("web", "db", id=bad),
        lambda: doc.add_location(bad, "xen1", "100"),
        lambda: doc.add_location("web", "xen1", "100", id=bad),
    ):
        with pytest.raises(ValueError, match="not an XML ID"):
            call()
    assert doc.constraints == []  # nothing half-added


def test_api_ids_it_derives_are_valid_and_crm_verify_agrees(tmp_path: Path) -> None:
    """Ids the API derives from other names (an op named with a space, a parameter named
    ``a b``, a node name with a space in a location id) are made NCNames as Pacemaker 3.0
    does (``pcmk__xe_set_id``: bad characters become ``.``; its unit test
    lib/common/tests/xml_element/pcmk__xe_set_id_test.c ``a$b`` -> ``a.b``); the CIB
    passes crm_verify. The same CIB with a bad id written by hand does not."""
    doc = CibDocument.new()
    doc.set_option("stonith-enabled", "false")  # (crm_verify: no STONITH resources)
    doc.add_resource(
        doc.make_primitive(
            "web",
            "ocf",
            "Dummy",
            "heartbeat",
            params={"a b": "1"},
            ops=[{"name": "monitor", "interval": "10s"}],
        )
    )
    doc.add_resource(doc.make_primitive("db", "ocf", "Dummy", "heartbeat"))
    doc.add_location("web", "xen 1", "100")
    doc.add_order("db", "web")
    ids = [el.get("id") for el in doc.iter() if el.get("id")]
    assert "web-instance_attributes-a.b" in ids and "location-web-xen.1" in ids
    good = tmp_path / "good.xml"
    good.write_text(doc.dumps())
    rc, out = crm_verify_file(good)
    assert rc == 0, out
    bad = tmp_path / "bad.xml"
    bad.write_text(doc.dumps().replace('id="location-web-xen.1"', 'id="location web"'))
    rc, out = crm_verify_file(bad)
    assert rc != 0 and "config not valid" in out


def test_api_heartbeat_2_ids_may_start_with_a_digit() -> None:
    """heartbeat 2's crm.dtd types ids as CDATA and documents ``[a-zA-Z0-9_\\-]`` (line 20
    of /work/shared/oracle/cib/crm.dtd): a leading digit is heartbeat 2's to take, so a
    heartbeat-2 document keeps it; a colon or a space it refuses (they break clone
    instance names and the upgrade)."""
    doc = CibDocument.new("heartbeat-2")
    doc.add_resource(doc.make_primitive("1web", "ocf", "Dummy", "heartbeat", params={"x": "1"}))
    assert doc.add_order("1web", "1web").el.get("id") == "order-1web-1web"
    with pytest.raises(ValueError):
        doc.make_primitive("web:1", "ocf", "Dummy", "heartbeat")


# -- pacemaker-1.1: its own schema in Pacemaker 1.1.1 to 1.1.11 -------------------------

from test_cib_truth4 import cib, findings, promotable  # noqa: E402

TAGS = '<tags><tag id="t-web"><obj_ref id="remote1"/></tag></tags>'


def _with_section(path: Path, section: str) -> Path:
    path.write_text(
        path.read_text().replace("  </configuration>", f"    {section}\n  </configuration>")
    )
    return path


@pytest.mark.parametrize(
    "release,refused",
    [("1.1.7", True), ("1.1.11", True), ("1.1.12", False), ("1.1", False), ("1.1.24", False)],
)
def test_cb023_pacemaker_1_1_cib_on_a_1_1_era_cluster(
    tmp_path: Path, release: str, refused: bool
) -> None:
    """Pacemaker 1.1.1 to 1.1.11 shipped their own xml/pacemaker-1.1.rng: pacemaker-1.2.rng
    plus a ``domains`` section (``diff`` of the two files at tags Pacemaker-1.1.1, -1.1.5,
    -1.1.7, -1.1.11), no ``tags`` (tags-1.3.rng came with 1.1.12, whose schemas.c
    ``schema_filter`` skips pacemaker-1.1.rng: "-1.1 was used for what later became
    -next"). So a pacemaker-1.1 CIB with ``<tags>`` is refused by the 1.1.7 or 1.1.11
    cluster, and read as pacemaker-next by 1.1.12 to 1.1.24 (a declared ``1.1`` may be
    any of them: no error). A dc-version of 1.1.7 alone leaves 1.1.x open (versions.py
    reads a DC's release as ``[1.1.7, 1.2)``). Lint took pacemaker-1.1 for
    pacemaker-next whatever the release and said nothing."""
    from test_cib_truth4 import REMOTE

    resources = REMOTE.replace("{REMOTE}", "remote1")
    path = cib(tmp_path, vw="pacemaker-1.1", dc=f"{release}-0a1b2c3", resources=resources)
    _with_section(path, TAGS)
    got = findings(path, "CB023", f"pacemaker={release}")
    assert [c for c, _, _, _ in got] == (["CB023"] if refused else []), got
    if refused:
        assert "pacemaker-1.3" in got[0][3] and "<tags>" in got[0][3]
    # the release unknown (no dc-version): it may be 1.1.12-1.1.24, no error
    bare = cib(tmp_path, vw="pacemaker-1.1", dc="", name="bare.xml")
    bare.write_text(bare.read_text().replace('name="dc-version" value=""', 'name="x" value="1"'))
    assert findings(_with_section(bare, TAGS), "CB023") == []


def test_cb031_pacemaker_1_1_and_1_2_came_with_1_1_1(tmp_path: Path) -> None:
    """Pacemaker-1.0.8 and -1.1.0 lib/common/xml.c ``known_schemas`` end at pacemaker-1.0;
    Pacemaker-1.1.1's adds pacemaker-1.1 and pacemaker-1.2 (entries 5 and 6). The table
    said pacemaker-1.2 came with 1.1.0 and did not know pacemaker-1.1 at all, so a
    pacemaker-1.1 CIB on a 1.0 cluster passed."""
    for vw in ("pacemaker-1.1", "pacemaker-1.2"):
        ms = promotable("Master", "Slave")
        path = cib(tmp_path, vw=vw, dc="1.1.5-01e86afaaa6d", resources=ms, name=f"{vw}.xml")
        for target in ("pacemaker=1.0", "pacemaker=1.1.0"):
            [(code, severity, _, message)] = findings(path, "CB031", target)
            assert (code, severity) == ("CB031", "error")
            assert "needs Pacemaker 1.1.1 or later" in message, message
        assert findings(path, "CB031", "pacemaker=1.1") == []  # any 1.1.x: maybe 1.1.1+
        assert findings(path, "CB031", "pacemaker=1.1.1") == []
        assert findings(path, "CB031") == []  # dc-version 1.1.5


def test_versions_a_pacemaker_1_1_cib_proves_1_1_1(tmp_path: Path) -> None:
    """What the CIB proves of the release: ``validate-with="pacemaker-1.1"`` needs 1.1.1
    (above); lint read it as "a Pacemaker 1.0 CIB"."""
    from xencfg import lint

    path = cib(tmp_path, vw="pacemaker-1.1", dc="", resources=promotable("Master", "Slave"))
    path.write_text(path.read_text().replace('name="dc-version" value=""', 'name="x" value="1"'))
    result = lint.run([str(path)], select=["CB031"], force_format="cib")
    in_force = result.cluster.versions.of("pacemaker")
    assert str(in_force.low) == "1.1.1", in_force


# -- CB032: what Pacemaker 3.0 dropped ---------------------------------------------------

DROPPED = """      <primitive class="upstart" id="web" type="apache2">
        <meta_attributes id="web-meta_attributes">
          <nvpair id="web-meta_attributes-restart-type" name="restart-type" value="restart"/>
        </meta_attributes>
        <operations>
          <op id="web-monitor-interval-30s" interval="30s" name="monitor">
            <meta_attributes id="web-monitor-meta">
              <nvpair id="web-monitor-can_fail" name="can_fail" value="true"/>
            </meta_attributes>
          </op>
        </operations>
      </primitive>
      <primitive class="nagios" id="check-http" type="check_http">
        <operations>
          <op id="check-http-monitor-interval-60s" interval="60s" name="monitor"/>
        </operations>
      </primitive>
      <clone id="o2cb-clone">
        <primitive class="ocf" id="o2cb" provider="pacemaker" type="o2cb">
          <operations>
            <op id="o2cb-monitor-interval-60s" interval="60s" name="monitor"/>
          </operations>
        </primitive>
      </clone>"""

#: label fragment -> severity on a 3.x cluster (a resource lost: error)
DROPPED_ON_3 = {
    "primitive 'web' (class upstart)": "error",
    "primitive 'web' restart-type": "warning",
    "op 'web-monitor-interval-30s' can_fail": "warning",
    "primitive 'check-http' (class nagios)": "error",
    "primitive 'o2cb' (ocf:pacemaker:o2cb)": "error",
    "node 'xen3' (type ping)": "warning",
}


def _dropped_cib(
    tmp_path: Path, vw: str = "pacemaker-3.9", dc: str = "", name: str = "d.xml"
) -> Path:
    path = cib(tmp_path, vw=vw, dc=dc, resources=DROPPED, name=name)
    text = path.read_text().replace(
        '      <node id="2" uname="xen2"/>',
        '      <node id="2" uname="xen2"/>\n      <node id="3" uname="xen3" type="ping"/>',
    )
    if not dc:
        text = text.replace('name="dc-version" value=""', 'name="x" value="1"')
    path.write_text(text)
    return path


def test_cb032_what_pacemaker_3_0_dropped_on_a_3_x_cluster(tmp_path: Path) -> None:
    """Pacemaker-3.0.0 ChangeLog.md: "drop support for deprecated nagios and upstart
    resource classes", "... restart-type resource option", "... can-fail, can_fail, and
    role_after_failure operation options", "... nodes with type set to deprecated value
    ping", "agents: drop ocf:pacemaker:o2cb resource agent". What 3.0 does with a CIB of
    an older schema is xml/upgrade-3.10-4.xsl (at that tag, lines 97-119: "Dropping
    resource" of a nagios or upstart primitive; 173-191 restart-type; 193-211 can_fail)
    and upgrade-3.10-2.xsl (lines 134-146: a ping node becomes a member with every
    resource banned). Lint said nothing of any of it."""
    path = _dropped_cib(tmp_path)
    got = findings(path, "CB032", "pacemaker=3.0")
    assert {m.split(": ")[0]: s for _, s, _, m in got} == DROPPED_ON_3, got
    assert all(c == "CB032" for c, _, _, _ in got)


def test_cb032_advice_only_where_the_release_is_unknown(tmp_path: Path) -> None:
    """No release known (a pacemaker-3.9 CIB proves only 2.1.5 or later): the same
    findings as advice (info). A cluster surely older than 3.0 (declared 2.1, or a DC
    of 2.1.5: versions.py reads ``[2.1.5, 2.2)``) gets nothing: crm_verify 2.1.5 takes
    the CIB (only deprecation warnings), so no error may be said there."""
    path = _dropped_cib(tmp_path)
    got = findings(path, "CB032")
    assert sorted(s for _, s, _, _ in got) == ["info"] * len(DROPPED_ON_3), got
    assert findings(path, "CB032", "pacemaker=2.1") == []
    stale = _dropped_cib(tmp_path, dc="2.1.5-a3f44794f94", name="dc.xml")
    assert findings(stale, "CB032") == []
    rc, out = crm_verify_file(stale)
    assert rc in (0, 78) and "config not valid" not in out, out


def test_cb032_a_pacemaker_4_0_cib_is_refused(tmp_path: Path) -> None:
    """A pacemaker-4.0 CIB is not converted: resources-4.0.rng ``element-resource-class``
    lists ocf, lsb, heartbeat, stonith, service and systemd (no nagios, no upstart) and
    nodes-4.0.rng's node ``type`` is member or remote, so Pacemaker 3.0 does not load
    it; its schema proves 3.0 (no target needed). ``rkt`` there stays CB023's."""
    path = _dropped_cib(tmp_path, vw="pacemaker-4.0")
    got = findings(path, "CB032")
    refused = [m for _, s, _, m in got if "schema refuses" in m and s == "error"]
    assert len(refused) == 3, got  # upstart, nagios, ping
    assert any("o2cb" in m and s == "error" for _, s, _, m in got)


def test_cb032_rkt_bundle(tmp_path: Path) -> None:
    """upgrade-3.10-4.xsl lines 161-171 drop a bundle of rkt containers ("Dropping
    bundle resource ... because rkt containers are no longer supported"): on 3.0 the
    bundle is lost (error); in a pacemaker-4.0 CIB it is CB023 (resources-4.0.rng has
    no rkt), not twice."""
    rkt = (
        '      <bundle id="b1"><rkt image="pcmk:web" replicas="2"/>'
        '<network control-port="3121"/></bundle>'
    )
    path = cib(tmp_path, vw="pacemaker-3.9", dc="", resources=rkt)
    path.write_text(path.read_text().replace('name="dc-version" value=""', 'name="x" value="1"'))
    [(_, severity, _, message)] = findings(path, "CB032", "pacemaker=3.0")
    assert severity == "error" and "bundle 'b1' (rkt)" in message
    four = cib(tmp_path, vw="pacemaker-4.0", resources=rkt, name="4.xml")
    assert findings(four, "CB032") == []
    assert [c for c, _, _, _ in findings(four, "CB023")] == ["CB023"]


def test_cb032_not_for_heartbeat_2_cibs(tmp_path: Path) -> None:
    """A heartbeat 2 CIB never runs on Pacemaker 3.0 as it is (``xencfg cib convert``
    reports what it rewrites): no CB032 on its ``restart_type`` or ping node."""
    path = tmp_path / "hb2.xml"
    path.write_text(
        '<cib admin_epoch="0" epoch="1" num_updates="1"><configuration><crm_config/>'
        '<nodes><node id="a1" uname="xen1" type="normal"/><node id="p1" uname="gw"'
        ' type="ping"/></nodes><resources><primitive id="web" class="lsb" type="apache"'
        ' restart_type="restart"/></resources><constraints/></configuration>'
        "<status/></cib>\n"
    )
    assert findings(path, "CB032", "pacemaker=3.0") == []


# -- loose CIBs of several clusters in one run ------------------------------------------


def _loose(tmp_path: Path, name: str, nodes: list[tuple[str, str]], loc: str) -> Path:
    """A loose CIB (no node folder) listing ``nodes`` (id, uname) with one location
    constraint preferring node ``loc``."""
    listed = "\n".join(f'      <node id="{i}" uname="{u}"/>' for i, u in nodes)
    path = cib(
        tmp_path,
        resources=(
            '      <primitive class="ocf" id="app" provider="heartbeat" type="Dummy">\n'
            '        <operations><op id="app-mon" interval="10s" name="monitor"/></operations>\n'
            "      </primitive>"
        ),
        constraints=f'      <rsc_location id="l1" rsc="app" node="{loc}" score="100"/>',
        name=name,
    )
    text = path.read_text()
    start = text.index("    <nodes>\n") + len("    <nodes>\n")
    end = text.index("    </nodes>")
    path.write_text(text[:start] + listed + "\n" + text[end:])
    return path


def _run(*paths: Path) -> Any:
    from xencfg import lint

    return lint.run([str(p) for p in paths], select=["CB002"], force_format="cib")


def test_loose_cibs_of_two_clusters_keep_their_own_nodes(tmp_path: Path) -> None:
    """Two clusters' CIBs linted together: a location in cluster A's CIB naming a node
    only cluster B lists holds on no node of A (the scheduler knows only A's
    ``<nodes>``: pe_find_node over the CIB's own node list). Alone, the CIB got CB002;
    beside B's CIB lint merged the node lists and said nothing. Disjoint lists and lists
    that overlap without one holding the other are two clusters (cluster.py
    ``_heartbeat_layer``)."""
    a = _loose(tmp_path, "a.xml", [("1", "xen1"), ("2", "xen2")], loc="xen3")
    alone = [f.code for f in _run(a).findings]
    assert alone == ["CB002"]
    for other in (
        [("1", "xen3"), ("2", "xen4")],  # disjoint
        [("2", "xen2"), ("3", "xen3")],  # overlapping: xen2 in both, neither holds the other
    ):
        b = _loose(tmp_path, "b.xml", other, loc="xen1")
        result = _run(a, b)
        got = sorted((f.location.path.rsplit("/", 1)[-1], f.code) for f in result.findings)
        if other[0][1] == "xen3":
            assert got == [("a.xml", "CB002"), ("b.xml", "CB002")], got
        else:
            assert ("a.xml", "CB002") in got, got
        assert len(result.cluster.model.heartbeat_clusters) == 2


def test_loose_copies_of_one_clusters_cib_are_one_cluster(tmp_path: Path) -> None:
    """Copies of one cluster's CIB (from each node, or one taken before a node was
    added) list the same nodes under the same ids: one cluster, and a location naming
    the node the newer copy adds is no finding. Two clusters that both call their nodes
    node1 and node2 have their own heartbeat UUIDs (node ``id``): two clusters."""
    old = _loose(tmp_path, "old.xml", [("1", "xen1"), ("2", "xen2")], loc="xen3")
    new = _loose(tmp_path, "new.xml", [("1", "xen1"), ("2", "xen2"), ("3", "xen3")], loc="xen3")
    result = _run(old, new)
    assert len(result.cluster.model.heartbeat_clusters) == 1
    assert result.findings == []
    uuid_a = "6b1f4f6e-0c1a-4a8e-9a51-8d9b5f0e7c11"
    uuid_b = "0f2d7c34-5e2b-4b7a-8f0c-3c4d2e1b9a22"
    x = _loose(tmp_path, "x.xml", [(uuid_a, "node1"), ("u2a", "node2")], loc="node1")
    y = _loose(tmp_path, "y.xml", [(uuid_b, "node1"), ("u2b", "node2")], loc="node1")
    assert len(_run(x, y).cluster.model.heartbeat_clusters) == 2
    z = _loose(tmp_path, "z.xml", [(uuid_a, "node1"), ("u2a", "node2")], loc="node2")
    assert len(_run(x, z).cluster.model.heartbeat_clusters) == 1


# -- heartbeat 2.0.x / 2.1.x CIBs ---------------------------------------------------------

#: fixture -> the lint errors it must get (code, a word of the message): only the hazard
#: CB006 (OCFS2 with STONITH off) in the 2.1.4 CIB.
HEARTBEAT_2 = {
    "hb-2.0.2-ipaddr.xml": [],
    "hb-2.0.8-group.xml": [],
    "hb-2.1.3-xen.xml": [],
    "hb-2.1.4-ocfs2.xml": [("CB006", "OCFS2")],
}


def _errors(path: Path, *targets: str) -> list[tuple[str, str]]:
    from xencfg import lint
    from xencfg.versions import parse_targets

    versions = parse_targets(targets) if targets else None
    result = lint.run([str(path)], force_format="cib", versions=versions)
    return [(f.code, f.message) for f in result.findings if f.severity == "error"]


@pytest.mark.parametrize("name", sorted(HEARTBEAT_2))
def test_heartbeat_2_cibs_of_each_release(tmp_path: Path, name: str) -> None:
    """CIBs in the spelling of heartbeat 2.0.2 (bare nvpairs in crm_config, sets and
    nvpairs without ids: the 2006-02 crm-1.0.dtd declares no id on instance_attributes),
    2.0.8, 2.1.3 and 2.1.4 (crm.dtd of /work/shared/oracle/cib) get no lint error but a
    true hazard; ``xencfg cib convert`` makes each a CIB crm_verify 2.1.5 accepts.

    crm_verify 2.1.5 cannot judge them as they are: Pacemaker 2.0.0 dropped
    upgrade06.xsl and crm.dtd (xml/ at tags Pacemaker-1.1.24 and -2.0.0), so a CIB
    without ``validate-with`` is read as ``none`` (2.1.5 lib/common/schemas.c
    ``get_schema_version``: a NULL name is "none"; "Schema validation of configuration
    is disabled") after no schema validates it, and judged by 2.x's rules: "config not
    valid". Its verdict is not heartbeat's, so it backs only the converted CIB."""
    from xencfg.formats.cib.upgrade import upgrade

    path = FIXTURES / name
    got = _errors(path)
    assert [c for c, _ in got] == [c for c, _ in HEARTBEAT_2[name]], got
    assert all(w in m for (_, m), (_, w) in zip(got, HEARTBEAT_2[name], strict=True))
    rc, out = crm_verify_file(path)
    assert rc != 0 and "config not valid" in out and "Schema validation" in out
    converted = tmp_path / "converted.xml"
    converted.write_text(upgrade(path.read_text(), path=name, target="pacemaker-1.0").text)
    rc, out = crm_verify_file(converted)
    assert "config not valid" not in out, out


# -- Pacemaker 1.0 CIBs as crm configure and hb_gui wrote them ---------------------------

PACEMAKER_1_0 = sorted(p.name for p in FIXTURES.glob("pcmk10-*.xml"))

#: (what, text, replacement): slips an admin of a crm-shell or hb_gui cluster made. The
#: campaign behind this list (66 slips, 118 mutants over the five fixtures, lint against
#: crm_verify 2.1.5, with every node online in the status so the scheduler's checks run)
#: found lint erring exactly where crm_verify refuses except: ``kind`` on an rsc_order
#: (twice), which Pacemaker 1.0.13's pacemaker-1.0.rng refuses and 2.1.5's takes (the
#: dc-version says 1.0.x: CB023's docstring), and ``target-role=Master`` on a plain
#: primitive, a pe_warn in Pacemaker 1.0.8 (lib/pengine/utils.c get_target_role) and
#: so CB028's warning on this 1.0.9 cluster, a config error from 1.1.5 on
#: (crm_config_err in lib/pengine/utils.c at tag Pacemaker-1.1.5, line 1359; 1.1.3's
#: still warned). It also found ``no-quorum-policy=suicide`` with STONITH off, which
#: lint missed (CB033 now).
MUTANTS = [
    ("with-rsc-role lower case", 'with-rsc-role="Master"', 'with-rsc-role="master"'),
    ("score inf", 'score="INFINITY"', 'score="inf"'),
    ("node type member", 'type="normal"', 'type="member"'),
    ("op without interval", ' interval="0" name="start"', ' name="start"'),
    ("interval in ISO 8601", 'interval="10s"', 'interval="PT10S"'),
    ("boolean-op upper case", 'boolean-op="and"', 'boolean-op="AND"'),
    ("expression type number", 'type="string"', 'type="number"'),
    ("id with a colon", 'id="p_ip-monitor-10s"', 'id="p_ip:monitor"'),
    ("sequential no", 'sequential="false"', 'sequential="no"'),
    ("rule without score", '<rule id="l_web_rack-rule" score="50">', '<rule id="l_web_rack-rule">'),
    ("hb_gui uuid id with a leading digit", 'id="ea3b4c5d-', 'id="2a3b4c5d-'),
]


@pytest.mark.parametrize("name", PACEMAKER_1_0)
def test_pacemaker_1_0_cibs_lint_errs_only_where_crm_verify_refuses(name: str) -> None:
    """Five Pacemaker 1.0 CIBs in the spelling ``crm configure`` (crm shell 1.0: ids
    ``<rsc>-instance_attributes-<name>``, ``cli-prefer-`` locations, ``score`` on orders)
    and hb_gui (its ``_meta_attrs``/``_instance_attrs`` set ids and uuid nvpair ids)
    wrote: crm_verify 2.1.5 (which reads pacemaker-1.0 CIBs, upgrading them in memory)
    accepts each, with warnings at most, and lint gives no error."""
    path = FIXTURES / name
    assert _errors(path) == []
    _, out = crm_verify_file(path)
    assert "config not valid" not in out, out


@pytest.mark.parametrize("what,old,new", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_pacemaker_1_0_mutants_agree_with_crm_verify(
    tmp_path: Path, what: str, old: str, new: str
) -> None:
    """Each slip applied to every fixture that has the text: lint gives an error exactly
    where crm_verify 2.1.5 says "config not valid" (a hb_gui uuid id that starts with a
    digit is one: "Type ID doesn't allow value")."""
    tried = 0
    for name in PACEMAKER_1_0:
        text = (FIXTURES / name).read_text()
        if old not in text:
            continue
        tried += 1
        path = tmp_path / name
        path.write_text(text.replace(old, new, 1))
        errors = _errors(path)
        _, out = crm_verify_file(path)
        assert bool(errors) == ("config not valid" in out), (name, errors, out)
    assert tried, what


@pytest.mark.parametrize(
    "dc,says",
    [
        ("2.0.8-node: 5c9bf3e2b7c0ff2d0b9a2fb3bb1e0c5ed8a9f7e1", "marks the node unclean"),
        ("2.1.3-node: 552305612591183b1628baa5bc6e903e0f1e26a3", "stop the resource"),
        (None, "in 2.1.2 and earlier"),
    ],
)
def test_cb025_on_fail_fence_in_heartbeat_2_0(tmp_path: Path, dc: str | None, says: str) -> None:
    """``on_fail="fence"`` with STONITH off: the reset to ``stop`` and "makes no sense"
    came with ClusterLabs/pacemaker commit 8682702cc1 (2007-09-21, heartbeat 2.1.3).
    heartbeat 2.0.8's policy engine (lib/crm/pengine/unpack.c and crm/pengine/allocate.c
    of January 2007) marks the node unclean, cannot fence it and says "Node ... is
    unclean!" / "YOUR RESOURCES ARE NOW LIKELY COMPROMISED". Still an error, but CB025
    told a 2.0.8 cluster (its DC's dc-version "2.0.8-node: ...") what 2.1.3 does."""
    text = (FIXTURES / "hb-2.0.8-group.xml").read_text()
    text = text.replace('on_fail="restart"', 'on_fail="fence"')
    old_dc = "2.0.8-node: 5c9bf3e2b7c0ff2d0b9a2fb3bb1e0c5ed8a9f7e1"
    if dc is None:
        text = "\n".join(line for line in text.splitlines() if "dc-version" not in line)
    else:
        text = text.replace(old_dc, dc)
    path = tmp_path / "cib.xml"
    path.write_text(text)
    [(code, severity, _, message)] = findings(path, "CB025")
    assert (code, severity) == ("CB025", "error") and says in message, message


def test_cb032_moon_and_fencing_level_index(tmp_path: Path) -> None:
    """upgrade-3.10-1.xsl at tag Pacemaker-3.0.0 drops ``date_spec/@moon`` ("Dropping moon
    attribute ... because moon phase is no longer supported", lines 136-148) and every
    ``fencing-level`` of index above 9 (lines 195-199); fencing-4.0.rng caps the index
    at 9 (``maxInclusive``). On 3.0 the rule then matches whatever the moon (warning)
    and the level's devices fence nothing (error); crm_verify 2.1.5 takes both."""
    topology = (
        '<fencing-topology><fencing-level id="fl10" index="10" target="xen1"'
        ' devices="fence-xen1"/></fencing-topology>'
    )
    rule = (
        '      <rsc_location id="l-moon" rsc="fence-xen1">\n'
        '        <rule id="l-moon-r" score="-INFINITY">\n'
        '          <date_expression id="l-moon-d" operation="date_spec">\n'
        '            <date_spec id="l-moon-s" moon="4"/>\n'
        "          </date_expression>\n"
        "        </rule>\n"
        "      </rsc_location>"
    )
    path = _with_section(cib(tmp_path, vw="pacemaker-3.9", constraints=rule), topology)
    got = sorted((s, m.split(": ")[0]) for _, s, _, m in findings(path, "CB032", "pacemaker=3.0"))
    assert got == [
        ("error", "fencing-level 'fl10' (index 10)"),
        ("warning", "date_spec 'l-moon-s' moon"),
    ], got
    _, out = crm_verify_file(path)
    assert "config not valid" not in out, out


def test_cb033_quorum_suicide_without_fencing(tmp_path: Path) -> None:
    """Found by the campaign: ``no-quorum-policy=suicide`` with STONITH off is a
    configuration error in Pacemaker 1.0.0 (lib/pengine/unpack.c "Setting
    no-quorum-policy=suicide makes no sense if stonith-enabled=false") and 2.1.5
    ("Resetting no-quorum-policy to 'stop' because fencing is disabled"; crm_verify:
    "config not valid"); lint said nothing. With fencing on (and a device) it is fine;
    heartbeat 2 has no suicide."""
    text = (FIXTURES / "pcmk10-crm-web-group.xml").read_text()
    bad = tmp_path / "bad.xml"
    bad.write_text(
        text.replace(
            'name="no-quorum-policy" value="ignore"', 'name="no-quorum-policy" value="suicide"'
        )
    )
    [(code, severity, line, _)] = findings(bad, "CB033")
    assert (code, severity, line) == ("CB033", "error", 12)
    _, out = crm_verify_file(bad)
    assert "Resetting no-quorum-policy to 'stop'" in out or "config not valid" in out, out
    fine = (FIXTURES / "pcmk10-crm-ocfs2-stonith.xml").read_text()
    good = tmp_path / "good.xml"
    good.write_text(
        fine.replace(
            'name="no-quorum-policy" value="ignore"', 'name="no-quorum-policy" value="suicide"'
        )
    )
    assert findings(good, "CB033") == []
    _, out = crm_verify_file(good)
    assert "config not valid" not in out, out
    hb2 = tmp_path / "hb2.xml"
    hb2.write_text(
        (FIXTURES / "hb-2.0.8-group.xml")
        .read_text()
        .replace(
            'name="no_quorum_policy" value="ignore"', 'name="no_quorum_policy" value="suicide"'
        )
    )
    assert findings(hb2, "CB033") == []
