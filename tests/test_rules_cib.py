"""CIB rules: a failing and a passing tree for each, and the seeds' CIB mistakes."""

from __future__ import annotations

from pathlib import Path

from conftest import shared_path
from xencfg import lint

CIB_PATH = "var/lib/heartbeat/crm/cib.xml"


def cib(resources: str, constraints: str = "", options: str = "", nodes: str = "") -> str:
    return (
        '<cib validate-with="pacemaker-1.0">\n<configuration>\n'
        f'<crm_config><cluster_property_set id="opts">{options}'
        "</cluster_property_set></crm_config>\n"
        f"<nodes>{nodes}</nodes>\n<resources>\n{resources}\n</resources>\n"
        f"<constraints>\n{constraints}\n</constraints>\n</configuration>\n<status/>\n</cib>\n"
    )


def nv(ident: str, name: str, value: str) -> str:
    return f'<nvpair id="{ident}" name="{name}" value="{value}"/>'


MONITOR = '<operations><op id="{0}-mon" name="monitor" interval="10s"/></operations>'


def prim(ident: str, rtype: str = "IPaddr2", params: str = "", meta: str = "") -> str:
    ia = f'<instance_attributes id="{ident}-ia">{params}</instance_attributes>' if params else ""
    ma = f'<meta_attributes id="{ident}-ma">{meta}</meta_attributes>' if meta else ""
    cls = (
        'class="stonith"'
        if rtype.startswith(("external/", "null", "ssh"))
        else ('class="ocf" provider="heartbeat"')
    )
    return (
        f'<primitive id="{ident}" {cls} type="{rtype}">{ia}{ma}{MONITOR.format(ident)}</primitive>'
    )


FENCE = prim("fence", "external/ipmi", nv("f-pw", "passwd", "Xq7rT2vW9mK4"))
OFF = nv("o-st", "stonith-enabled", "false")


def tree(tmp: Path, name: str, files: dict[str, str]) -> Path:
    root = tmp / name
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def found(code: str, *roots: Path) -> list[tuple[str, str, int]]:
    result = lint.run([str(r) for r in roots], select=[code])
    return [(f.code, Path(f.path).name, f.line) for f in result.findings]


def msgs(code: str, *roots: Path) -> list[str]:
    return [f.message for f in lint.run([str(r) for r in roots], select=[code]).findings]


def test_cb001_duplicate_id(tmp_path: Path) -> None:
    twin = '<primitive id="fence" class="ocf" provider="heartbeat" type="IPaddr2"/>'
    bad = tree(tmp_path, "alpha", {CIB_PATH: cib(FENCE + "\n" + twin)})
    assert found("CB001", bad) == [("CB001", "cib.xml", 7)]
    good = tree(tmp_path / "g", "alpha", {CIB_PATH: cib(FENCE + "\n" + prim("ip"))})
    assert found("CB001", good) == []


def test_cb002_and_cb003_dangling_constraint(tmp_path: Path) -> None:
    nodes = '<node id="a" uname="alpha" type="normal"/>'
    cons = (
        '<rsc_order id="o1" first="ip" then="web"/>\n'
        '<rsc_location id="l1" rsc="ip" node="gamma" score="100"/>'
    )
    bad = tree(tmp_path, "alpha", {CIB_PATH: cib(FENCE + prim("ip"), cons, nodes=nodes)})
    assert found("CB002", bad) == [("CB002", "cib.xml", 9)]
    assert msgs("CB002", bad) == ["rsc_order then='web' names no resource"]
    assert found("CB003", bad) == [("CB003", "cib.xml", 10)]
    ok = '<rsc_location id="l1" rsc="ip" node="alpha" score="100"/>'
    good = tree(tmp_path / "g", "alpha", {CIB_PATH: cib(FENCE + prim("ip"), ok, nodes=nodes)})
    assert found("CB002", good) == [] and found("CB003", good) == []


XEN = prim(
    "vm",
    "Xen",
    nv("vm-x", "xmfile", "/etc/xen/vm/web"),
    nv("vm-m", "allow-migrate", "true"),
)
DOMU = "name = 'web'\nmemory = 256\ndisk = ['drbd:web,xvda,w']\n"
DRBD = (
    "resource web {{\n  net {{ {net} }}\n  on alpha {{\n    device /dev/drbd0; disk /dev/sdb1;\n"
    "    address 10.0.0.1:7788; meta-disk internal;\n  }}\n"
    "  on beta {{\n    device /dev/drbd0; disk /dev/sdb1;\n"
    "    address 10.0.0.2:7788; meta-disk internal;\n  }}\n}}\n"
)


def test_cb004_xmfile_and_cb005_migration_needs_dual_primary(tmp_path: Path) -> None:
    missing = tree(tmp_path, "alpha", {CIB_PATH: cib(FENCE + XEN)})
    assert found("CB004", missing) == [("CB004", "cib.xml", 6)]
    single = tree(
        tmp_path / "s",
        "alpha",
        {CIB_PATH: cib(FENCE + XEN), "etc/xen/vm/web": DOMU, "etc/drbd.conf": DRBD.format(net="")},
    )
    assert found("CB004", single) == []
    assert found("CB005", single) == [("CB005", "cib.xml", 6)]
    assert msgs("CB005", single) == [
        "vm may live-migrate, but DRBD resource web allows one primary"
    ]
    dual = tree(
        tmp_path / "d",
        "alpha",
        {
            CIB_PATH: cib(FENCE + XEN),
            "etc/xen/vm/web": DOMU,
            "etc/drbd.conf": DRBD.format(net="protocol C; allow-two-primaries yes;"),
        },
    )
    assert found("CB005", dual) == []


def test_cb006_stonith_without_device_and_cb007_disabled_with_shared_storage(
    tmp_path: Path,
) -> None:
    bare = tree(tmp_path, "alpha", {CIB_PATH: cib(prim("ip"))})
    assert found("CB006", bare) == [("CB006", "cib.xml", 1)]
    fenced = tree(tmp_path / "f", "alpha", {CIB_PATH: cib(FENCE + prim("ip"))})
    assert found("CB006", fenced) == []
    shared = tree(
        tmp_path / "s",
        "alpha",
        {
            CIB_PATH: cib(prim("ip"), options=OFF),
            "etc/drbd.conf": DRBD.format(net="allow-two-primaries;"),
        },
    )
    assert found("CB007", shared) == [("CB007", "cib.xml", 3)]
    single = tree(
        tmp_path / "n",
        "alpha",
        {CIB_PATH: cib(prim("ip"), options=OFF), "etc/drbd.conf": DRBD.format(net="")},
    )
    assert found("CB007", single) == [] and found("CB006", single) == []


def test_cb008_test_agent_and_cb009_no_monitor(tmp_path: Path) -> None:
    bare = '<primitive id="fs" class="ocf" provider="heartbeat" type="Filesystem"/>'
    bad = tree(tmp_path, "alpha", {CIB_PATH: cib(prim("ssh-fence", "external/ssh") + "\n" + bare)})
    assert found("CB008", bad) == [("CB008", "cib.xml", 6)]
    assert found("CB009", bad) == [("CB009", "cib.xml", 7)]
    good = tree(tmp_path / "g", "alpha", {CIB_PATH: cib(FENCE)})
    assert found("CB008", good) == [] and found("CB009", good) == []


def test_cb010_cleartext_and_cb014_placeholder_never_show_the_value(tmp_path: Path) -> None:
    weak = prim("f2", "external/riloe", nv("f2-pw", "ilo_password", "CLEARTEXTPASSWORD"))
    bad = tree(tmp_path, "alpha", {CIB_PATH: cib(FENCE + "\n" + weak)})
    assert found("CB010", bad) == [("CB010", "cib.xml", 6), ("CB010", "cib.xml", 7)]
    assert found("CB014", bad) == [("CB014", "cib.xml", 7)]
    for code in ("CB010", "CB014"):
        assert not any("CLEARTEXT" in m or "Xq7" in m for m in msgs(code, bad))
    good = tree(tmp_path / "g", "alpha", {CIB_PATH: cib(prim("ip"))})
    assert found("CB010", good) == [] and found("CB014", good) == []


def test_cb011_mixed_spelling_and_cb012_unknown_option(tmp_path: Path) -> None:
    opts = nv("o1", "no-quorum-policy", "ignore") + nv("o2", "symetric-cluster", "true")
    mixed = prim("vm2", "Xen", meta=nv("m1", "target_role", "started"))
    bad = tree(tmp_path, "alpha", {CIB_PATH: cib(FENCE + mixed, options=opts)})
    [(code, name, line)] = found("CB011", bad)
    assert (code, name, line) == ("CB011", "cib.xml", 6)
    assert "target_role" in msgs("CB011", bad)[0]
    unknown = msgs("CB012", bad)
    assert any("symetric-cluster" in m for m in unknown)
    assert any("target_role of vm2 is ignored" in m for m in unknown)
    good = tree(
        tmp_path / "g",
        "alpha",
        {CIB_PATH: cib(FENCE, options=nv("o1", "no-quorum-policy", "ignore"))},
    )
    assert found("CB011", good) == [] and found("CB012", good) == []


OCFS2_FS = (
    '<clone id="pool"><primitive id="fs" class="ocf" provider="heartbeat" type="Filesystem">'
    '<instance_attributes id="fs-ia">'
    + nv("fs-t", "fstype", "ocfs2")
    + "</instance_attributes>"
    + MONITOR.format("fs")
    + "</primitive></clone>"
)
O2CB = (
    "cluster:\n\tnode_count = {n}\n\tname = pool\n\n"
    "node:\n\tip_port = 7777\n\tip_address = 10.0.0.1\n\tnumber = 0\n"
    "\tname = alpha\n\tcluster = pool\n"
)


def test_cb013_ocfs2_clone_needs_every_node_in_cluster_conf(tmp_path: Path) -> None:
    none = tree(tmp_path, "alpha", {CIB_PATH: cib(FENCE + OCFS2_FS)})
    assert found("CB013", none) == [("CB013", "cib.xml", 6)]
    a = tree(
        tmp_path / "p",
        "alpha",
        {CIB_PATH: cib(FENCE + OCFS2_FS), "etc/ocfs2/cluster.conf": O2CB.format(n=1)},
    )
    b = tree(
        tmp_path / "p",
        "beta",
        {CIB_PATH: cib(FENCE + OCFS2_FS), "etc/ocfs2/cluster.conf": O2CB.format(n=1)},
    )
    assert "lacks beta" in msgs("CB013", a, b)[0]
    full = O2CB.format(n=2) + (
        "\nnode:\n\tip_port = 7777\n\tip_address = 10.0.0.2\n\tnumber = 1\n"
        "\tname = beta\n\tcluster = pool\n"
    )
    a2 = tree(
        tmp_path / "q", "alpha", {CIB_PATH: cib(FENCE + OCFS2_FS), "etc/ocfs2/cluster.conf": full}
    )
    b2 = tree(
        tmp_path / "q", "beta", {CIB_PATH: cib(FENCE + OCFS2_FS), "etc/ocfs2/cluster.conf": full}
    )
    assert found("CB013", a2, b2) == []


def test_inline_ignore_in_xml(tmp_path: Path) -> None:
    text = cib(FENCE + "\n" + prim("fence")).replace(
        '<primitive id="fence" class="ocf"',
        '<!-- xencfg: ignore[CB001] --><primitive id="fence" class="ocf"',
    )
    root = tree(tmp_path, "alpha", {CIB_PATH: text})
    assert found("CB001", root) == []


def test_seed_notes_cib() -> None:
    """s001: ids reused (CB001), stonith off on dual-primary DRBD (CB007); s002: the
    iLO password (CB010, placeholder CB014), external/ssh (CB008), no monitor on EVMS
    (CB009), dash/underscore mix (CB011), reused snippet ids (CB001), sles.xm missing
    (CB004). Out of scope: advisory ``score="0"`` orders and the missing colocation
    with the config pool (intent, not a wrong value), ``start_delay`` on stop ops,
    the cibadmin command without dashes (prose, not configuration)."""
    base = shared_path("seed-examples")
    s001 = {
        (f.code, Path(f.path).name) for f in lint.run([str(base / "s001-drbd-heartbeat")]).findings
    }
    assert {("CB001", "host1.xml"), ("CB001", "host2.xml"), ("CB007", "bootstrap.xml")} <= s001
    s002 = {(f.code, Path(f.path).name) for f in lint.run([str(base / "s002-sles-hasi")]).findings}
    assert {
        ("CB010", "stonithhost1.xml"),
        ("CB014", "stonithhost1.xml"),
        ("CB008", "stonithcloneset.xml"),
        ("CB009", "evmscloneset.xml"),
        ("CB011", "cibbootstrap.xml"),
        ("CB001", "target_role-started.xml"),
        ("CB004", "sles.xml"),
        ("XC001", "ilo-v1-snippet.xml"),
    } <= s002
