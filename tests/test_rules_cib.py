"""CIB lint rules (CB...): one failing and one passing tree per rule, and the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import crm_verify_file
from xencfg import lint

CIB_PATH = "var/lib/heartbeat/crm/cib.xml"

CIB = """<cib admin_epoch="0" epoch="1" num_updates="0"{validate}>
  <configuration>
    <crm_config>
      <cluster_property_set id="opts">
        <attributes>
{options}
        </attributes>
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="n1" uname="alpha" type="normal"/>
      <node id="n2" uname="beta" type="normal"/>
    </nodes>
    <resources>
{resources}
    </resources>
    <constraints>
{constraints}
    </constraints>
  </configuration>
  <status/>
</cib>
"""

MONITOR = '<operations><op id="{id}-mon" name="monitor" interval="10s" timeout="30s"/></operations>'


def prim(rid: str, rtype: str = "Dummy", params: str = "", meta: str = "", **kw: str) -> str:
    """A heartbeat-2 primitive with a monitor op unless ``ops`` is given."""
    cls = kw.get("cls", "ocf")
    provider = ' provider="heartbeat"' if cls == "ocf" else ""
    ops = kw.get("ops", MONITOR.format(id=rid))
    out = f'<primitive id="{rid}" class="{cls}"{provider} type="{rtype}">{ops}'
    if params:
        out += f'<instance_attributes id="{rid}-ia"><attributes>{params}</attributes>'
        out += "</instance_attributes>"
    if meta:
        out += f'<meta_attributes id="{rid}-ma"><attributes>{meta}</attributes></meta_attributes>'
    return out + "</primitive>"


def nv(nid: str, name: str, value: str) -> str:
    return f'<nvpair id="{nid}" name="{name}" value="{value}"/>'


def cib(resources: str = "", constraints: str = "", options: str = "", validate: str = "") -> str:
    return CIB.format(
        resources=resources,
        constraints=constraints,
        options=options,
        validate=f' validate-with="{validate}"' if validate else "",
    )


def tree(tmp: Path, alpha: dict[str, str], beta: dict[str, str] | None = None) -> list[str]:
    """Two node roots, alpha and beta; files given relative to each root."""
    roots = []
    for name, files in (("alpha", alpha), ("beta", beta or {})):
        root = tmp / name
        (root / "etc").mkdir(parents=True, exist_ok=True)
        for rel, text in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        roots.append(str(root))
    return roots


def run(roots: list[str], code: str) -> list[tuple[str, str, int]]:
    result = lint.run(roots, select=[code])
    return [(f.code, Path(f.path).name, f.line) for f in result.findings]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


# -- CB001 duplicate ids ------------------------------------------------------------


def test_cb001_duplicate_id(tmp_path: Path) -> None:
    bad = cib(prim("r1", params=nv("r1", "x", "1")), validate="pacemaker-1.0")
    roots = tree(tmp_path, {CIB_PATH: bad})
    assert run(roots, "CB001") == [("CB001", "cib.xml", line_of(bad, '<nvpair id="r1"'))]
    assert run(roots, "CB021") == []
    f = lint.run(roots, select=["CB001"]).findings[0]
    assert "'r1'" in f.message and f.related[0].line == line_of(bad, '<primitive id="r1"')
    good = cib(prim("r1", params=nv("r1-x", "x", "1")))
    assert run(tree(tmp_path / "g", {CIB_PATH: good}), "CB001") == []


def test_cb001_node_written_twice(tmp_path: Path) -> None:
    """A node id is plain text in every schema (nodes-1.0.rng ``<text/>``, crm-1.0.dtd
    ``CDATA``): the same ``<node>`` twice (good) only makes Pacemaker 2.1.5's crm_verify
    warn "More than one node entry has name"; one id for two unames (bad) is reported,
    as crm_verify then schedules fencing for the node by the other name."""
    line = '      <node id="n2" uname="beta" type="normal"/>\n'
    twice = cib(validate="pacemaker-1.0").replace(line, line + line.replace("beta", "BETA"))
    other = cib(validate="pacemaker-1.0").replace(line, line + line.replace("beta", "gamma"))
    assert run(tree(tmp_path / "g", {CIB_PATH: twice}), "CB001") == []
    assert run(tree(tmp_path / "b", {CIB_PATH: other}), "CB001") == [
        ("CB001", "cib.xml", line_of(other, 'uname="gamma"'))
    ]


def test_heartbeat2_ids_are_unique_per_type(tmp_path: Path) -> None:
    """Heartbeat 2 keys objects by type and id: an nvpair named like its primitive is
    CB021 (a warning: the conversion renames it), two nvpairs of one id are CB001."""
    shared = cib(prim("r1", params=nv("r1", "x", "1")))
    roots = tree(tmp_path, {CIB_PATH: shared})
    assert run(roots, "CB001") == []
    assert run(roots, "CB021") == [("CB021", "cib.xml", line_of(shared, '<nvpair id="r1"'))]
    same_type = cib(prim("r1", params=nv("p", "x", "1") + nv("p", "y", "2")))
    roots = tree(tmp_path / "s", {CIB_PATH: same_type})
    assert run(roots, "CB001") == [("CB001", "cib.xml", line_of(same_type, 'name="y"'))]
    assert run(roots, "CB021") == []


def test_cb001_ignores_the_status_section(tmp_path: Path) -> None:
    text = cib(prim("r1")).replace(
        "<status/>", '<status><node_state id="n1"/><node_state id="n1"/></status>'
    )
    assert run(tree(tmp_path, {CIB_PATH: text}), "CB001") == []


def test_cb001_across_fragments_only_for_a_different_object(tmp_path: Path) -> None:
    frag = tmp_path / "cluster"
    tree(frag, {})
    (frag / "a.xml").write_text('<nvpair id="p1" name="target_role" value="started"/>\n')
    (frag / "b.xml").write_text('<nvpair id="p1" name="target_role" value="stopped"/>\n')
    assert run([str(frag)], "CB001") == []  # the same nvpair updated: cibadmin -M
    (frag / "c.xml").write_text('<nvpair id="p1" name="is_managed" value="false"/>\n')
    assert run([str(frag)], "CB001") == [("CB001", "c.xml", 1)]


# -- CB002 references ---------------------------------------------------------------


def test_cb002_missing_resource_hb2_and_10_forms(tmp_path: Path) -> None:
    cons = (
        '<rsc_order id="o1" from="ghost" to="r1"/>\n'
        '<rsc_order id="o2" first="r1" then="phantom"/>\n'
        '<rsc_colocation id="c1" from="r1" to="r1" score="INFINITY"/>'
    )
    text = cib(prim("r1"), cons)
    found = run(tree(tmp_path, {CIB_PATH: text}), "CB002")
    assert found == [
        ("CB002", "cib.xml", line_of(text, 'id="o1"')),
        ("CB002", "cib.xml", line_of(text, 'id="o2"')),
    ]
    ok = cib(prim("r1") + prim("r2"), '<rsc_order id="o1" from="r2" to="r1"/>')
    assert run(tree(tmp_path / "g", {CIB_PATH: ok}), "CB002") == []


def test_cb002_location_on_unknown_node(tmp_path: Path) -> None:
    loc = (
        '<rsc_location id="l1" rsc="r1"><rule id="l1-r" score="100">'
        '<expression id="l1-e" attribute="#uname" operation="eq" value="gamma"/>'
        "</rule></rsc_location>"
    )
    text = cib(prim("r1"), loc)
    roots = tree(tmp_path, {CIB_PATH: text})
    assert run(roots, "CB002") == [("CB002", "cib.xml", line_of(text, 'id="l1"'))]
    f = lint.run(roots, select=["CB002"]).findings[0]
    assert "'gamma'" in f.message
    assert [r.line for r in f.related] == [line_of(text, 'uname="alpha"')]  # the CIB's nodes
    ok = cib(prim("r1"), loc.replace("gamma", "beta"))
    assert run(tree(tmp_path / "g", {CIB_PATH: ok}), "CB002") == []


@pytest.mark.parametrize(
    ("loc", "severity"),
    [
        # crm_simulate (Pacemaker 2.1.5), a Dummy with 'node="host2" score="100"' and this
        # ban on "host-2" (the node is host2): the resource starts on host2, crm_verify
        # rc 0. The ban the admin wrote for beta holds nowhere: an error.
        ('<rsc_location id="l1" rsc="r1" node="betta" score="-INFINITY"/>', "error"),
        (
            '<rsc_location id="l1" rsc="r1"><rule id="l1-r" score="-100">'
            '<expression id="l1-e" attribute="#uname" operation="eq" value="betta"/>'
            "</rule></rsc_location>",
            "error",
        ),
        # a ban on a name like no node's (one left for a node that has gone) bans
        # nothing that exists: crm_verify 2.1.5 accepts it; a warning
        ('<rsc_location id="l1" rsc="r1" node="gama" score="-INFINITY"/>', "warning"),
        # a preference for a node that does not exist: the resource runs elsewhere
        # and the cluster works (crm_simulate: started on the other node): a warning
        ('<rsc_location id="l1" rsc="r1" node="gama" score="200"/>', "warning"),
        (
            '<rsc_location id="l1" rsc="r1"><rule id="l1-r" score="INFINITY">'
            '<expression id="l1-e" attribute="#uname" operation="eq" value="gama"/>'
            "</rule></rsc_location>",
            "warning",
        ),
    ],
)
def test_cb002_unknown_node_is_an_error_only_for_a_ban(
    tmp_path: Path, loc: str, severity: str
) -> None:
    text = cib(prim("r1"), loc)
    [f] = lint.run(tree(tmp_path, {CIB_PATH: text}), select=["CB002"]).findings
    assert (f.severity, f.line) == (severity, line_of(text, 'id="l1"'))
    name = "betta" if "betta" in loc else "gama"
    assert f"'{name}'" in f.message
    ok = cib(prim("r1"), loc.replace(name, "beta"))
    assert run(tree(tmp_path / "g", {CIB_PATH: ok}), "CB002") == []


def test_cb002_uname_rule_without_a_node_name(tmp_path: Path) -> None:
    """A ``#uname eq`` expression names no node when it has no ``value`` (crm_verify
    2.1.5 accepts it: found by removing the value from a corpus CIB) or when
    ``value-source="param"`` makes the value a resource parameter's name
    (Pacemaker Explained, "Expressions": value-source): no CB002 there, while a
    literal unknown name (bad) stays one."""
    expr = '<expression id="l1-e" attribute="#uname" operation="eq"{}/>'
    loc = '<rsc_location id="l1" rsc="r1"><rule id="l1-r" score="100">{}</rule></rsc_location>'
    bad = cib(prim("r1"), loc.format(expr.format(' value="gamma"')))
    assert run(tree(tmp_path / "b", {CIB_PATH: bad}), "CB002") == [
        ("CB002", "cib.xml", line_of(bad, 'id="l1"'))
    ]
    for name, extra in (("none", ""), ("param", ' value="gamma" value-source="param"')):
        good = cib(prim("r1"), loc.format(expr.format(extra)))
        assert run(tree(tmp_path / name, {CIB_PATH: good}), "CB002") == []


# -- CB003 / CB004 Xen guests ----------------------------------------------------------

DRBD = (
    "resource r0 {{\n  {net}on alpha {{\n    device /dev/drbd0; disk /dev/sdb1;\n"
    "    address 10.0.0.1:7788; meta-disk internal;\n  }}\n"
    "  on beta {{\n    device /dev/drbd0; disk /dev/sdb1;\n"
    "    address 10.0.0.2:7788; meta-disk internal;\n  }}\n}}\n"
)
DUAL = "net { allow-two-primaries; }\n  "


def xen(rid: str, xmfile: str, migrate: bool = False) -> str:
    # heartbeat 2 reads the underscore spelling only (crm.dtd: allow_migrate); the model
    # reports what the daemon reads, so a dash name here would not be in effect
    meta = nv(f"{rid}-am", "allow_migrate", "true") if migrate else ""
    return prim(rid, "Xen", nv(f"{rid}-xm", "xmfile", xmfile), meta)


def test_cb003_xmfile_not_found(tmp_path: Path) -> None:
    text = cib(xen("vm1", "/etc/xen/vm/vm1.cfg"))
    domu = {"etc/xen/vm/other.cfg": 'name = "other"\n'}
    roots = tree(tmp_path, {CIB_PATH: text, **domu}, domu)
    assert run(roots, "CB003") == [("CB003", "cib.xml", line_of(text, 'id="vm1-xm"'))]
    f = lint.run(roots, select=["CB003"]).findings[0]
    assert "/etc/xen/vm/vm1.cfg" in f.message
    assert sorted(Path(r.path).name for r in f.related) == ["other.cfg", "other.cfg"]
    domu = {"etc/xen/vm/vm1.cfg": 'name = "vm1"\n'}
    roots = tree(tmp_path / "g", {CIB_PATH: text, **domu}, domu)
    assert run(roots, "CB003") == []


@pytest.mark.parametrize("disk", ["drbd:r0,xvda,w", "phy:/dev/drbd0,xvda,w"])
def test_cb004_migration_needs_two_primaries(tmp_path: Path, disk: str) -> None:
    text = cib(xen("vm1", "/etc/xen/vm1", migrate=True))
    domu = f"name = 'vm1'\ndisk = [ '{disk}' ]\n"
    single = {"etc/xen/vm1": domu, "etc/drbd.conf": DRBD.format(net="")}
    roots = tree(tmp_path, {CIB_PATH: text, **single}, single)
    found = run(roots, "CB004")
    assert found == [("CB004", "cib.xml", line_of(text, 'id="vm1-am"'))]
    f = lint.run(roots, select=["CB004"]).findings[0]
    assert "'r0'" in f.message and f.message.endswith("on alpha, beta")
    assert [r.line for r in f.related] == [2, 1, 2, 1]  # domU disk and DRBD resource, per node
    dual = {"etc/xen/vm1": domu, "etc/drbd.conf": DRBD.format(net=DUAL)}
    assert run(tree(tmp_path / "g", {CIB_PATH: text, **dual}, dual), "CB004") == []


# -- CB005 .. CB007 STONITH -----------------------------------------------------------

FENCE = prim(
    "fence",
    "external/ipmi",
    nv("f-h", "hostname", "alpha") + nv("f-ip", "ipaddr", "10.1.1.1"),
    cls="stonith",
)


def test_cb005_stonith_enabled_without_device(tmp_path: Path) -> None:
    text = cib(prim("r1"), options=nv("o1", "stonith-enabled", "true"))
    assert run(tree(tmp_path, {CIB_PATH: text}), "CB005") == [
        ("CB005", "cib.xml", line_of(text, 'id="o1"'))
    ]
    ok = cib(prim("r1") + FENCE, options=nv("o1", "stonith-enabled", "true"))
    assert run(tree(tmp_path / "g", {CIB_PATH: ok}), "CB005") == []
    # Pacemaker 1.0 enables STONITH by default: an empty crm_config is reported too
    p10 = cib(prim("r1"), validate="pacemaker-1.0").replace("<attributes>", "")
    p10 = p10.replace("</attributes>", "")
    assert run(tree(tmp_path / "p", {CIB_PATH: p10}), "CB005") == [
        ("CB005", "cib.xml", line_of(p10, "<crm_config>"))
    ]


def test_cb006_stonith_disabled_with_dual_primary_drbd(tmp_path: Path) -> None:
    text = cib(prim("r1"), options=nv("o1", "stonith_enabled", "false"))
    dual = {"etc/drbd.conf": DRBD.format(net=DUAL)}
    roots = tree(tmp_path, {CIB_PATH: text, **dual}, dual)
    assert run(roots, "CB006") == [("CB006", "cib.xml", line_of(text, 'id="o1"'))]
    f = lint.run(roots, select=["CB006"]).findings[0]
    assert "dual-primary DRBD 'r0'" in f.message and len(f.related) == 2
    single = {"etc/drbd.conf": DRBD.format(net="")}
    assert run(tree(tmp_path / "g", {CIB_PATH: text, **single}, single), "CB006") == []


def test_cb007_test_only_stonith_agent(tmp_path: Path) -> None:
    ssh = FENCE.replace("external/ipmi", "external/ssh")
    text = cib(ssh)
    assert run(tree(tmp_path, {CIB_PATH: text}), "CB007") == [
        ("CB007", "cib.xml", line_of(text, '<primitive id="fence"'))
    ]
    assert run(tree(tmp_path / "g", {CIB_PATH: cib(FENCE)}), "CB007") == []


# -- CB008 monitor ------------------------------------------------------------------


def test_cb008_no_monitor(tmp_path: Path) -> None:
    disabled = '<operations><op id="m" name="monitor" interval="10s" disabled="true"/></operations>'
    text = cib(prim("r1", ops="") + prim("r2", ops=disabled) + prim("r3"))
    assert run(tree(tmp_path, {CIB_PATH: text}), "CB008") == [
        ("CB008", "cib.xml", line_of(text, '<primitive id="r1"')),
        ("CB008", "cib.xml", line_of(text, '<primitive id="r2"')),
    ]


# -- CB009 passwords ----------------------------------------------------------------


def test_cb009_cleartext_password_never_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from xencfg.cli import main

    pw = nv("f-pw", "ilo_password", "S3cretPw!")
    text = cib(FENCE.replace("</attributes>", pw + "</attributes>"))
    roots = tree(tmp_path, {CIB_PATH: text})
    assert run(roots, "CB009") == [("CB009", "cib.xml", line_of(text, 'id="f-pw"'))]
    for fmt in ("text", "json", "sarif"):
        main(["lint", "--select", "CB", "--output-format", fmt, *roots])
        out = capsys.readouterr().out
        assert "ilo_password" in out and "S3cretPw!" not in out
    by_file = nv("f-m", "passwd_method", "file") + nv("f-pw", "passwd", "/etc/ha.d/pw")
    ok = cib(FENCE.replace("</attributes>", by_file + "</attributes>"))
    assert run(tree(tmp_path / "g", {CIB_PATH: ok}), "CB009") == []


# -- CB010 .. CB012 option names ----------------------------------------------------------


def test_cb010_mixed_spelling(tmp_path: Path) -> None:
    """Pacemaker 1.0 reads resource options only dashed: ``allow_migrate`` among dashed
    names is the mix CB010 reports (heartbeat 2 CIBs: tests/test_cib_hb2_verdicts.py)."""
    opts = nv("o1", "stonith-enabled", "false") + "\n" + nv("o2", "symmetric-cluster", "true")
    text = cib(
        prim("r1", meta=nv("r1-am", "allow_migrate", "true")),
        options=opts,
        validate="pacemaker-1.0",
    )
    roots = tree(tmp_path, {CIB_PATH: text})
    assert run(roots, "CB010") == [("CB010", "cib.xml", line_of(text, 'id="r1-am"'))]
    f = lint.run(roots, select=["CB010"]).findings[0]
    assert "allow_migrate" in f.message and f.related[0].line == line_of(text, 'id="o1"')
    ok = text.replace("allow_migrate", "allow-migrate")
    assert run(tree(tmp_path / "g", {CIB_PATH: ok}), "CB010") == []


def test_cb010_not_for_what_the_crm_writes(tmp_path: Path) -> None:
    """heartbeat 2.1's crmd writes ``dc-version`` and ``last-lrm-refresh`` with dashes
    into the CIB whatever spelling the admin chose (27 heartbeat 2 CIBs of the corpus
    hold them beside underscore options): no CB010 for them. An option the admin
    wrote with dashes among underscores still is one."""
    written = nv("d1", "dc-version", "2.1.3-node: 552305612591183b1628baa5bc6e903e0f1e26a3")
    written += "\n" + nv("d2", "last-lrm-refresh", "1196947632")
    opts = nv("o1", "stonith_enabled", "false") + "\n" + written
    text = cib(
        prim("r1", meta=nv("r1-am", "allow_migrate", "true")),
        options=opts,
        validate="pacemaker-1.0",
    )
    assert run(tree(tmp_path, {CIB_PATH: text}), "CB010") == []
    mixed = text.replace('name="stonith_enabled"', 'name="stonith-enabled"')
    assert run(tree(tmp_path / "m", {CIB_PATH: mixed}), "CB010") == [
        ("CB010", "cib.xml", line_of(mixed, 'id="r1-am"'))
    ]


def test_cb011_unknown_option(tmp_path: Path) -> None:
    text = cib(prim("r1"), options=nv("o1", "symetric_cluster", "true"))
    roots = tree(tmp_path, {CIB_PATH: text})
    assert run(roots, "CB011") == [("CB011", "cib.xml", line_of(text, 'id="o1"'))]
    assert (
        "did you mean 'symmetric-cluster'" in lint.run(roots, select=["CB011"]).findings[0].message
    )
    ok = cib(prim("r1"), options=nv("o1", "symmetric_cluster", "true"))
    assert run(tree(tmp_path / "g", {CIB_PATH: ok}), "CB011") == []


def test_cb011_meta_attribute_pacemaker_10_ignores(tmp_path: Path) -> None:
    res = (
        '<primitive id="r1" class="ocf" provider="heartbeat" type="Dummy">'
        '<meta_attributes id="r1-ma">'
        '<nvpair id="r1-am" name="allow_migrate" value="true"/></meta_attributes>'
        f"{MONITOR.format(id='r1')}</primitive>"
    )
    text = cib(res, validate="pacemaker-1.0").replace("<attributes>", "")
    text = text.replace("</attributes>", "")
    assert run(tree(tmp_path, {CIB_PATH: text}), "CB011") == [
        ("CB011", "cib.xml", line_of(text, 'id="r1-am"'))
    ]


def test_cb012_deprecated_option(tmp_path: Path) -> None:
    opt = '<nvpair id="o1" name="default-resource-stickiness" value="100"/>'
    text = cib(prim("r1"), options=opt, validate="pacemaker-1.0")
    text = text.replace("<attributes>", "").replace("</attributes>", "")
    result = lint.run(tree(tmp_path, {CIB_PATH: text}), select=["CB012"])
    assert [(f.code, f.severity, f.line) for f in result.findings] == [
        ("CB012", "info", line_of(text, 'id="o1"'))
    ]
    hb2 = cib(prim("r1"), options=opt)  # still current in heartbeat 2
    assert run(tree(tmp_path / "g", {CIB_PATH: hb2}), "CB012") == []


# -- CB013 OCFS2 --------------------------------------------------------------------

OCFS2_NODE = "node:\n\tip_port = 7777\n\tip_address = {ip}\n\tnumber = {n}\n\tname = {name}\n"
OCFS2_NODE += "\tcluster = ocfs2\n\n"


def ocfs2(*names: str) -> str:
    nodes = "".join(
        OCFS2_NODE.format(ip=f"10.0.0.{i + 1}", n=i, name=n) for i, n in enumerate(names)
    )
    return nodes + f"cluster:\n\tnode_count = {len(names)}\n\tname = ocfs2\n"


def test_cb013_ocfs2_clone_needs_every_node_in_cluster_conf(tmp_path: Path) -> None:
    fs = prim(
        "fs",
        "Filesystem",
        nv("fs-dev", "device", "/dev/sdc1")
        + nv("fs-dir", "directory", "/srv")
        + nv("fs-t", "fstype", "ocfs2"),
    )
    text = cib(f'<clone id="fs-clone">{fs}</clone>')
    short = {"etc/ocfs2/cluster.conf": ocfs2("alpha")}
    roots = tree(tmp_path, {CIB_PATH: text, **short}, short)
    assert run(roots, "CB013") == [("CB013", "cib.xml", line_of(text, 'id="fs-t"'))] * 2
    assert "does not list beta" in lint.run(roots, select=["CB013"]).findings[0].message
    full = {"etc/ocfs2/cluster.conf": ocfs2("alpha", "beta")}
    assert run(tree(tmp_path / "g", {CIB_PATH: text, **full}, full), "CB013") == []
    missing = tree(tmp_path / "m", {CIB_PATH: text, **full})
    assert ["beta has no" in f.message for f in lint.run(missing, select=["CB013"]).findings] == [
        True
    ]


# -- CB014 .. CB016 agents, ids, dependencies -----------------------------------------------


def test_cb014_provider_on_stonith(tmp_path: Path) -> None:
    text = cib(FENCE.replace('class="stonith"', 'class="stonith" provider="heartbeat"'))
    result = lint.run(tree(tmp_path, {CIB_PATH: text}), select=["CB014"])
    assert [(f.code, f.severity, f.line) for f in result.findings] == [
        ("CB014", "info", line_of(text, '<primitive id="fence"'))
    ]
    assert run(tree(tmp_path / "g", {CIB_PATH: cib(FENCE + prim("r1"))}), "CB014") == []


def test_cb015_resource_id_not_ncname(tmp_path: Path) -> None:
    text = cib(prim("web:1") + prim("2db"))
    assert run(tree(tmp_path, {CIB_PATH: text}), "CB015") == [
        ("CB015", "cib.xml", line_of(text, '<primitive id="web:1"')),
        ("CB015", "cib.xml", line_of(text, '<primitive id="2db"')),
    ]
    ok = cib(prim("web-1"), '<rsc_location id="web:loc" rsc="web-1" node="alpha" score="1"/>')
    assert run(tree(tmp_path / "g", {CIB_PATH: ok}), "CB015") == []


FS = prim(
    "pool",
    "Filesystem",
    nv("pool-dev", "device", "/dev/sdc1")
    + nv("pool-dir", "directory", "/etc/xen/vm")
    + nv("pool-t", "fstype", "ocfs2"),
)


def test_cb016_domu_config_on_unbound_filesystem(tmp_path: Path) -> None:
    res = f'<clone id="pool-clone">{FS}</clone>' + xen("vm1", "/etc/xen/vm/vm1")
    advisory = '<rsc_order id="o1" from="vm1" to="pool-clone" score="0"/>'
    text = cib(res, advisory)
    roots = tree(tmp_path, {CIB_PATH: text})
    assert run(roots, "CB016") == [("CB016", "cib.xml", line_of(text, 'id="vm1-xm"'))]
    f = lint.run(roots, select=["CB016"]).findings[0]
    assert "advisory order (score 0) and no colocation" in f.message
    assert [r.line for r in f.related] == [line_of(text, 'id="pool-dir"'), line_of(text, 'id="o1"')]
    bound = (
        '<rsc_order id="o1" from="vm1" to="pool-clone"/>\n'
        '<rsc_colocation id="c1" from="vm1" to="pool-clone" score="INFINITY"/>'
    )
    assert run(tree(tmp_path / "g", {CIB_PATH: cib(res, bound)}), "CB016") == []
    grouped = cib(f'<group id="g1">{FS}{xen("vm1", "/etc/xen/vm/vm1")}</group>')
    assert run(tree(tmp_path / "h", {CIB_PATH: grouped}), "CB016") == []


def _set(sid: str, *ids: str, sequential: bool = True) -> str:
    seq = "" if sequential else ' sequential="false"'
    refs = "".join(f'<resource_ref id="{i}"/>' for i in ids)
    return f'<resource_set id="{sid}"{seq}>{refs}</resource_set>'


def test_cb016_understands_resource_sets(tmp_path: Path) -> None:
    """Pacemaker 1.0 writes order and colocation as resource sets (Pacemaker Explained
    1.0, "Ordering Sets of Resources" / "Collocating Sets of Resources"): a set starts
    after the sets before it, and is placed with the sets after it; inside a sequential
    set each member starts after, and is placed with, the one before it."""
    res = f'<clone id="pool-clone">{FS}</clone>' + xen("vm1", "/etc/xen/vm/vm1")
    res += xen("vm2", "/etc/xen/vm/vm2")
    sets_ok = (
        '<rsc_order id="o1" score="INFINITY">'
        + _set("o1-a", "pool-clone")
        + _set("o1-b", "vm1", "vm2", sequential=False)
        + "</rsc_order>\n"
        '<rsc_colocation id="c1" score="INFINITY">'
        + _set("c1-a", "vm1", "vm2", sequential=False)
        + _set("c1-b", "pool-clone")
        + "</rsc_colocation>"
    )
    text = cib(res, sets_ok, validate="pacemaker-1.0")
    assert run(tree(tmp_path / "sets", {CIB_PATH: text}), "CB016") == []
    one_set = (
        '<rsc_order id="o1" score="INFINITY">'
        + _set("o1-a", "pool-clone", "vm1", "vm2")
        + "</rsc_order>\n"
        '<rsc_colocation id="c1" score="INFINITY">'
        + _set("c1-a", "pool-clone", "vm1", "vm2")
        + "</rsc_colocation>"
    )
    text = cib(res, one_set, validate="pacemaker-1.0")
    assert run(tree(tmp_path / "one", {CIB_PATH: text}), "CB016") == []
    # the sets the wrong way round: the guests first, and the pool placed with them
    backwards = (
        '<rsc_order id="o1" score="INFINITY">'
        + _set("o1-a", "vm1", "vm2", sequential=False)
        + _set("o1-b", "pool-clone")
        + "</rsc_order>\n"
        '<rsc_colocation id="c1" score="INFINITY">'
        + _set("c1-a", "pool-clone")
        + _set("c1-b", "vm1", "vm2", sequential=False)
        + "</rsc_colocation>"
    )
    text = cib(res, backwards, validate="pacemaker-1.0")
    roots = tree(tmp_path / "back", {CIB_PATH: text})
    assert run(roots, "CB016") == [
        ("CB016", "cib.xml", line_of(text, 'id="vm1-xm"')),
        ("CB016", "cib.xml", line_of(text, 'id="vm2-xm"')),
    ]
    assert all(
        "no order and no colocation" in f.message
        for f in lint.run(roots, select=["CB016"]).findings
    )
    # a set that does not order its members (sequential=false) orders nothing inside
    flat = (
        '<rsc_order id="o1" score="INFINITY">'
        + _set("o1-a", "pool-clone", "vm1", "vm2", sequential=False)
        + "</rsc_order>\n"
        '<rsc_colocation id="c1" score="INFINITY">'
        + _set("c1-a", "vm1", "vm2", sequential=False)
        + _set("c1-b", "pool-clone")
        + "</rsc_colocation>"
    )
    text = cib(res, flat, validate="pacemaker-1.0")
    got = lint.run(tree(tmp_path / "flat", {CIB_PATH: text}), select=["CB016"]).findings
    assert [f.message.endswith("with no order") for f in got] == [True, True]
    # an advisory set order is still advisory
    advisory = sets_ok.replace('id="o1" score="INFINITY"', 'id="o1" score="0"')
    text = cib(res, advisory, validate="pacemaker-1.0")
    got = lint.run(tree(tmp_path / "adv", {CIB_PATH: text}), select=["CB016"]).findings
    assert ["advisory order (score 0)" in f.message for f in got] == [True, True]


def test_cb017_ocfs2_filesystem_not_cloned(tmp_path: Path) -> None:
    text = cib(FS)
    assert run(tree(tmp_path, {CIB_PATH: text}), "CB017") == [
        ("CB017", "cib.xml", line_of(text, '<primitive id="pool"'))
    ]
    assert run(tree(tmp_path / "g", {CIB_PATH: cib(f'<clone id="c">{FS}</clone>')}), "CB017") == []


def test_cb018_start_delay_on_stop(tmp_path: Path) -> None:
    ops = (
        '<operations>\n<op id="a" name="start" timeout="60s" start_delay="10s"/>\n'
        '<op id="b" name="stop" timeout="60s" start_delay="10s"/>\n'
        '<op id="c" name="monitor" interval="10s" start_delay="10s"/>\n'
        '<op id="d" name="migrate_to" timeout="60s" start_delay="0"/>\n</operations>'
    )
    text = cib(prim("r1", ops=ops))
    assert run(tree(tmp_path, {CIB_PATH: text}), "CB018") == [
        ("CB018", "cib.xml", line_of(text, 'id="b"'))
    ]


def test_cb019_stonith_device_may_run_on_the_node_it_fences(tmp_path: Path) -> None:
    text = cib(FENCE)
    roots = tree(tmp_path, {CIB_PATH: text})
    assert run(roots, "CB019") == [("CB019", "cib.xml", line_of(text, '<primitive id="fence"'))]
    assert lint.run(roots, select=["CB019"]).findings[0].related[0].line == line_of(
        text, 'id="f-h"'
    )
    banned = (
        '<rsc_location id="l1" rsc="fence"><rule id="l1-r" score="-INFINITY">'
        '<expression id="l1-e" attribute="#uname" operation="eq" value="alpha"/>'
        "</rule></rsc_location>"
    )
    assert run(tree(tmp_path / "g", {CIB_PATH: cib(FENCE, banned)}), "CB019") == []
    by_node = '<rsc_location id="l1" rsc="fence" node="alpha" score="-INFINITY"/>'
    assert run(tree(tmp_path / "h", {CIB_PATH: cib(FENCE, by_node)}), "CB019") == []


# -- inline suppression ---------------------------------------------------------------


def test_xml_comment_suppresses_on_its_line(tmp_path: Path) -> None:
    text = cib(prim("r1", ops="") + " <!-- xencfg: ignore[CB008] -->\n" + prim("r2", ops=""))
    found = run(tree(tmp_path, {CIB_PATH: text}), "CB008")
    assert found == [("CB008", "cib.xml", line_of(text, '<primitive id="r2"'))]


# -- the seed examples' CIB oddities (NOTES.md) ------------------------------------------


def seed(name: str) -> list[tuple[str, str, int]]:
    from conftest import shared_path

    root = shared_path("seed-examples", name)
    result = lint.run([str(root)], select=["CB", "XC001"])
    return [(f.code, str(Path(f.path).relative_to(Path(f.path).parents[1])), f.line)
            for f in result.findings if "/cib/" in f.path]  # fmt: skip


def test_seed_notes_cib_s001() -> None:
    found = seed("s001-drbd-heartbeat")
    assert found == [
        # stonith_enabled=false on a dual-primary DRBD cluster
        ("CB006", "cib/bootstrap.xml", 7),
        # <instance_attributes id="host1"> reuses the primitive's id (same for host2):
        # heartbeat 2 (this CIB's dialect) keys ids by type, Pacemaker 1.0 does not
        ("CB021", "cib/host1.xml", 8),
        ("CB021", "cib/host2.xml", 8),
    ]
    # Out of scope, and why:
    # - target_role in instance_attributes: heartbeat 2 (this CIB's dialect) reads it
    #   there; only a Pacemaker 1.0 CIB gets CB011 for it.
    # - start_delay="0" is redundant, not wrong.
    # - the <resources> wrapper passed to `cibadmin -C -o resources` is a command line.
    # - allow_migrate=true against the prose's "not live migration": prose, and DRBD does
    #   allow two primaries here, so CB004 rightly stays silent.
    # - default_resource_stickiness=0 and the underscore style: valid heartbeat 2 choices
    #   (consistent within this CIB, so CB010 stays silent).


def test_seed_notes_cib_s002() -> None:
    from conftest import shared_path

    found = seed("s002-sles-hasi")
    assert found == [
        # (dashed crm_config names beside clone_max/allow_migrate/target_role on the
        # resources: what heartbeat 2.1 reads, and the upgrade renames the resource
        # options, so no CB010: tests/test_cib_hb2_verdicts.py)
        # the primitive has no operations at all
        ("CB008", "cib/evmscloneset.xml", 8),
        # broken on purpose (unclosed quote); its duplicate ids cannot be checked
        ("XC001", "cib/ilo-v1-snippet.xml", 2),
        # start_delay="10s" on stop and migrate_to slows failover
        ("CB018", "cib/sles.xml", 4),
        ("CB018", "cib/sles.xml", 6),
        # /etc/xen/vm/sles.xm is not given in the document; and no order/colocation with
        # the configpool mount that holds it
        ("CB003", "cib/sles.xml", 10),
        ("CB016", "cib/sles.xml", 10),
        # xen-sles-op-05 used for target_role and is_managed
        ("CB001", "snippets/target_role-started.xml", 1),
        ("CB001", "snippets/target_role-stopped.xml", 1),
        # external/ssh, "not for production use"; provider="heartbeat" on class stonith
        ("CB007", "cib/stonithcloneset.xml", 8),
        ("CB014", "cib/stonithcloneset.xml", 8),
        ("CB014", "cib/stonithhost1.xml", 1),
        # ilo_password in cleartext in the CIB
        ("CB009", "cib/stonithhost1.xml", 11),
        ("CB020", "cib/stonithhost1.xml", 11),  # and it is the placeholder CLEARTEXTPASSWORD
        ("CB014", "cib/stonithhost2.xml", 1),
        ("CB009", "cib/stonithhost2.xml", 11),
        ("CB020", "cib/stonithhost2.xml", 11),
        # advisory score="0" order and no colocation with configpool, which holds nfs.xm
        ("CB016", "cib/xenvmnfs.xm", 10),
    ]
    result = lint.run([str(shared_path("seed-examples", "s002-sles-hasi"))], select=["CB"])
    assert not any("CLEARTEXTPASSWORD" in f.message for f in result.findings)
    # Out of scope, and why:
    # - monitor-op-disabled.xml reuses xen-sles-op-03 for the same op: an update (cibadmin
    #   -M), not a second object, so CB001 is right not to report it.
    # - ids with ':' (nfs:connected): constraint and rule ids, which the 1.0 upgrade
    #   sanitises; only resource ids break it (CB015).
    # - the constraints referring to resources "that do not exist yet when loaded": they
    #   exist among the fragments, which are checked as one CIB.
    # - cluster-delay 60 without unit: a bare number is seconds to the CRM.
    # - ilo_user Administrator: an account name, not a secret.
    # - the start op without timeout (pingd), no start op (configpool), user=root, the
    #   advisory configpool->evms order (deliberate per the author; EVMS holds no domU
    #   config), the missing migrate_from op, op-id naming: style or intent, not errors.
    # - `cibadmin C o ... x` without dashes: a command line, not configuration.
    # - xenvmnfs.xm's allow_migrate underscore is part of the CB010 mix (reported once per
    #   file on the minority spelling, here the dashed cibbootstrap.xml); the 1.0 "needs
    #   allow-migrate" part is CB011 once the CIB says pacemaker-1.0.
    # - start_delay on the monitor op is what the option is for; only stop/migrate count.
    # - default-resource-stickiness INFINITY, stonith-action reboot: valid choices.


def test_seed_notes_cib_s004() -> None:
    # s004 has no CIB: the live migration without allow-two-primaries is a DRBD/Xen
    # finding there (no allow-migrate resource exists for CB004 to see).
    assert seed("s004-drbd-lvm") == []


def test_examples_two_node_lints_clean() -> None:
    from conftest import ROOT

    ex = ROOT / "examples" / "two-node"
    result = lint.run([str(ex / "alpha"), str(ex / "beta")])
    assert [f for f in result.findings if f.severity != "info"] == []


def test_a_cib_fragment_under_a_domu_name_is_read_as_cib() -> None:
    import xencfg

    xml = '<primitive id="nfs" class="ocf" provider="heartbeat" type="Xen"/>\n'
    assert xencfg.detect("/srv/cib/xenvmnfs.xm", xml) == "cib"
    assert xencfg.detect("/etc/xen/vm/nfs.xm", 'name = "nfs"\n') == "xm"
    # neither cluster.conf format claims it: the content decides
    assert xencfg.detect("/etc/cluster.conf", "<cib/>") == "cib"


def test_a_cib_linted_alone_is_not_compared_with_missing_files(tmp_path: Path) -> None:
    fs = FS.replace('value="/etc/xen/vm"', 'value="/srv"')
    f = tmp_path / "cib.xml"
    f.write_text(cib(f'<clone id="c">{fs}</clone>' + xen("vm1", "/etc/xen/vm1")))
    got = {x.code for x in lint.run([str(f)], select=["CB"]).findings}
    assert not got & {"CB003", "CB013"}


def test_cb002_resource_set_member_missing(tmp_path: Path) -> None:
    cons = (
        '<rsc_order id="o1">\n<resource_set id="s1">\n<resource_ref id="r1"/>\n'
        '<resource_ref id="ghost"/>\n</resource_set>\n</rsc_order>'
    )
    text = cib(prim("r1"), cons, validate="pacemaker-1.0")
    roots = tree(tmp_path, {CIB_PATH: text})
    assert run(roots, "CB002") == [("CB002", "cib.xml", line_of(text, 'id="ghost"'))]
    assert "(resource_ref)" in lint.run(roots, select=["CB002"]).findings[0].message


def test_cb020_placeholder_password_never_shown(tmp_path: Path) -> None:
    def fence(value: str) -> str:
        return (
            '<primitive id="f" class="stonith" type="external/riloe">'
            '<instance_attributes id="f-ia">'
            f'<nvpair id="f-pw" name="ilo_password" value="{value}"/>'
            "</instance_attributes></primitive>"
        )

    bad = tmp_path / "bad.xml"
    bad.write_text(cib(fence("CLEARTEXTPASSWORD")))
    result = lint.run([str(bad)], select=["CB020"])
    assert [(f.code, f.line) for f in result.findings] == [("CB020", 15)]
    assert "CLEARTEXT" not in result.findings[0].message
    good = tmp_path / "good.xml"
    good.write_text(cib(fence("Zr5tQ8wLm2Xv")))
    assert lint.run([str(good)], select=["CB020"]).findings == []


@pytest.mark.parametrize(
    ("change", "daemon"),
    [
        (('score="50"', 'score="fifty"'), "Type integer doesn't allow value 'fifty'"),
        (("<rsc_location ", "<rsc_locatio "), "Did not expect element rsc_locatio there"),
        ((' type="Dummy"', ""), "Invalid sequence in interleave"),
    ],
    ids=["score-word", "misspelt-element", "no-type"],
)
def test_cb023_schema_refused(tmp_path: Path, change: tuple[str, str], daemon: str) -> None:
    """Pacemaker validates a CIB against the schema its validate-with names before it
    uses it: crm_verify (Pacemaker 2.1.5, lib/common/schemas.c validate_with_relaxng)
    refuses each bad file with the Relax-NG message quoted and "Errors found during
    check: config not valid" (rc 78), and takes the good one (rc 0). A misspelt element
    is not ignored like a misspelt option: the whole CIB is refused."""
    location = '<rsc_location id="l1" rsc="r1" node="alpha" score="50"/>'
    off = nv("o1", "stonith-enabled", "false")  # (crm_verify errs on no fencing device)
    good = cib(prim("r1"), constraints=location, options=off, validate="pacemaker-1.0")
    good = good.replace("<attributes>", "").replace("</attributes>", "")
    bad = good.replace(*change)
    found = run(tree(tmp_path / "bad", {CIB_PATH: bad}), "CB023")
    assert [c for c, _, _ in found] == ["CB023"]
    assert run(tree(tmp_path / "good", {CIB_PATH: good}), "CB023") == []
    (tmp_path / "bad.xml").write_text(bad)
    (tmp_path / "good.xml").write_text(good)
    rc, out = crm_verify_file(tmp_path / "bad.xml")
    assert rc != 0 and daemon in out and "config not valid" in out
    rc, out = crm_verify_file(tmp_path / "good.xml")
    assert rc == 0, out


PROMOTABLE = """<cib validate-with="{schema}" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="o">
        <nvpair id="o1" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes/>
    <resources>
      <clone id="c">
        <meta_attributes id="c-m">
          <nvpair id="c-m1" name="promotable" value="true"/>
        </meta_attributes>
        <primitive id="d" class="ocf" provider="pacemaker" type="Stateful"/>
      </clone>
      <primitive id="r" class="ocf" provider="pacemaker" type="Dummy"/>
    </resources>
    <constraints>
      <rsc_colocation id="col" rsc="r" with-rsc="c" with-rsc-role="{role}" score="INFINITY"/>
    </constraints>
  </configuration>
  <status/>
</cib>
"""


@pytest.mark.parametrize(
    ("schema", "role", "refused"),
    [
        ("pacemaker-3.2", "Promoted", True),
        ("pacemaker-3.2", "Master", False),
        ("pacemaker-3.7", "Promoted", False),
    ],
)
def test_cb023_promoted_role_before_pacemaker_3_7(
    tmp_path: Path, schema: str, role: str, refused: bool
) -> None:
    """Promoted and Unpromoted came with schema pacemaker-3.7 (Pacemaker 2.1.0:
    constraints-3.7.rng ``attribute-roles``): a Pacemaker 2.0 CIB (pacemaker-3.2) with
    ``with-rsc-role="Promoted"`` is refused, crm_verify 2.1.5: "Invalid attribute
    with-rsc-role for element rsc_colocation", "CIB did not pass schema validation"."""
    text = PROMOTABLE.format(schema=schema, role=role)
    found = run(tree(tmp_path / "t", {CIB_PATH: text}), "CB023")
    assert found == ([("CB023", "cib.xml", line_of(text, 'id="col"'))] if refused else [])
    (tmp_path / "cib.xml").write_text(text)
    rc, out = crm_verify_file(tmp_path / "cib.xml")
    assert (rc != 0) == refused, out
    if refused:
        assert "Invalid attribute with-rsc-role for element rsc_colocation" in out


def test_cb023_later_schema_and_heartbeat2(tmp_path: Path) -> None:
    """``kind`` on rsc_order: Pacemaker 2.1.5's pacemaker-1.0.rng takes it (crm_verify rc
    0; its constraints-1.0.rng has ``score`` or ``kind``), Pacemaker 1.0.13's refuses it;
    so no CB023 unless the release in force is declared 1.0. A heartbeat 2 CIB (no
    validate-with) is not held to crm.dtd: heartbeat 2.0/2.1 ran CIBs its DTD refuses."""
    from xencfg.formats.schema import Version

    order = '<rsc_order id="o1" first="r1" then="r2" kind="Mandatory"/>'
    off = nv("o2", "stonith-enabled", "false")
    text = cib(prim("r1") + prim("r2"), constraints=order, options=off, validate="pacemaker-1.0")
    text = text.replace("<attributes>", "").replace("</attributes>", "")
    roots = tree(tmp_path / "kind", {CIB_PATH: text})
    assert run(roots, "CB023") == []
    old = {"pacemaker": Version.parse("1.0.13")}
    found = lint.run(roots, select=["CB023"], versions=old).findings
    assert [f.line for f in found] == [line_of(text, 'id="o1"')]
    assert "kind" in found[0].message
    (tmp_path / "kind.xml").write_text(text)
    rc, out = crm_verify_file(tmp_path / "kind.xml")
    assert rc == 0, out
    hb2 = cib(prim("r1"), constraints='<rsc_locatio id="l1" rsc="r1"/>')
    assert run(tree(tmp_path / "hb2", {CIB_PATH: hb2}), "CB023") == []


def test_an_option_in_both_spellings_is_read_as_the_crm_reads_it() -> None:
    """``stonith_enabled=false`` before ``stonith-enabled=true``: cluster_option()
    (lib/common/utils.c, heartbeat 2.0.8 to Pacemaker 1.1) looks the dashed name up
    first and the old one only when it is unset, so the cluster fences (crm_verify
    2.1.5 on such a CIB says nothing of fencing; convaudit). The model read the first
    nvpair in the file and called fencing off."""
    import xencfg

    cib = (
        '<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">'
        '<configuration><crm_config><cluster_property_set id="o">'
        '<nvpair id="a" name="stonith_enabled" value="false"/>'
        '<nvpair id="b" name="stonith-enabled" value="true"/>'
        "</cluster_property_set></crm_config><nodes/><resources/><constraints/>"
        "</configuration><status/></cib>"
    )
    doc = xencfg.loads(cib, "cib")
    assert doc.option("stonith-enabled") == doc.option("stonith_enabled") == "true"
    assert doc.set_option("stonith-enabled", "false").name == "stonith-enabled"
