"""The cluster model (``Cluster.model``): roles from evidence and from the user, layer
memberships, names and addresses, the storage chain, resource-set pairs; and the rules
that once counted every root given as a member (CB013 on the s000 layout)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, shared_path
from xencfg import config, graph, lint
from xencfg.cli import main
from xencfg.cluster import Cluster, colocation_pairs, order_pairs, parse_roles
from xencfg.errors import XencfgError

CIB_PATH = "var/lib/heartbeat/crm/cib.xml"

#: A heartbeat-2 CIB with an OCFS2 clone over the two dom0s (``{nodes}``: its node list).
OCFS2_CIB = """<cib admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config/>
    <nodes>{nodes}</nodes>
    <resources>
      <clone id="vault-clone">
        <primitive id="vault" class="ocf" provider="heartbeat" type="Filesystem">
          <instance_attributes id="vault-ia"><attributes>
            <nvpair id="vault-dev" name="device" value="/dev/mapper/vault1"/>
            <nvpair id="vault-dir" name="directory" value="/srv/vault"/>
            <nvpair id="vault-fs" name="fstype" value="ocfs2"/>
          </attributes></instance_attributes>
        </primitive>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""

CIB_NODES = '<node id="n1" uname="node1" type="normal"/><node id="n2" uname="node2" type="normal"/>'


def ocfs2_conf(*names: str) -> str:
    out = f"cluster:\n\tnode_count = {len(names)}\n\tname = ocfs2\n\n"
    for i, n in enumerate(names):
        out += f"node:\n\tip_port = 7777\n\tip_address = 10.0.0.{i + 1}\n\tnumber = {i}\n"
        out += f"\tname = {n}\n\tcluster = ocfs2\n\n"
    return out


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


def s000_with_ocfs2(tmp: Path, listed: tuple[str, ...], nodes: str = CIB_NODES) -> list[str]:
    """The s000 seed (two dom0s and a separate IET box) with an OCFS2 clone added."""
    seed = shared_path("seed-examples", "s000-iscsi-multipath")
    roots = []
    for name in ("node1", "node2", "storage"):
        shutil.copytree(seed / name, tmp / name)
        if name != "storage":
            write(
                tmp / name,
                {
                    "etc/ocfs2/cluster.conf": ocfs2_conf(*listed),
                    CIB_PATH: OCFS2_CIB.format(nodes=nodes),
                },
            )
        roots.append(str(tmp / name))
    return roots


def codes(result: lint.LintResult, code: str) -> list[str]:
    return [f.message for f in result.findings if f.code == code]


def test_s000_storage_box_is_not_an_ocfs2_member(tmp_path: Path) -> None:
    """The issue's case: CB013 said the IET box was missing from cluster.conf."""
    result = lint.run(s000_with_ocfs2(tmp_path / "ok", ("node1", "node2")))
    assert codes(result, "CB013") == []
    model = result.cluster.model
    assert model.members() == {"node1", "node2"}
    assert model.node("storage") is not None and model.node("storage").storage_only  # type: ignore[union-attr]
    # the graph groups the LUN both dom0s map as "(all nodes)": the box is no member
    dot = graph.to_dot(graph.build(result.cluster, result.findings))
    assert "vault1\\n" in dot and "(all nodes)" in dot.split("vault1\\n", 1)[1].split("]")[0]
    # a declaration adds to the evidence: declared a member, the box must be listed
    roots = [str(tmp_path / "ok" / n) for n in ("node1", "node2", "storage")]
    declared = lint.run(roots, select=["CB013"], roles={"storage": ("member",)})
    assert declared.cluster.model.members() == {"node1", "node2", "storage"}
    assert any("does not list storage" in m for m in codes(declared, "CB013"))
    # a real omission is still found (once per CIB copy), naming only the missing member
    result = lint.run(s000_with_ocfs2(tmp_path / "bad", ("node1",)))
    assert sorted(set(codes(result, "CB013"))) == [
        "OCFS2 filesystem 'vault': cluster.conf of node1 does not list node2",
        "OCFS2 filesystem 'vault': cluster.conf of node2 does not list node2",
    ]


def test_s000_without_cib_nodes_uses_the_other_layers(tmp_path: Path) -> None:
    """No CIB node list and no ha.cf: the members are the nodes OCFS2 and the initiators
    name, still never the box that only exports targets."""
    roots = s000_with_ocfs2(tmp_path, ("node1", "node2"), nodes="")
    result = lint.run(roots)
    assert codes(result, "CB013") == []
    assert result.cluster.model.members() == {"node1", "node2"}


def storage_tier(tmp: Path) -> Path:
    dst = tmp / "storage-tier"
    shutil.copytree(ROOT / "examples" / "storage-tier", dst)
    # git keeps no modes: secret-bearing files as a real node has them
    for key in [*dst.glob("*/etc/ha.d/authkeys"), *dst.glob("*/etc/iscsi/iscsid.conf")]:
        key.chmod(0o600)
    return dst


def test_three_dom0s_two_target_boxes_have_no_membership_errors(tmp_path: Path) -> None:
    """The issue counted 15 false errors on this layout; the boxes are in no layer."""
    tier = storage_tier(tmp_path)
    result = lint.run([str(tier)])
    assert [f for f in result.findings if f.severity in ("error", "warning")] == []
    # without ha.cf and without the CIB's node list the evidence is OCFS2's and DRBD's
    for node in ("xen1", "xen2", "xen3"):
        (tier / node / "etc/ha.d/ha.cf").unlink()
        cib = tier / node / CIB_PATH
        text = cib.read_text()
        start, end = text.index("<nodes>"), text.index("</nodes>") + len("</nodes>")
        cib.write_text(text[:start] + "<nodes/>" + text[end:])
    result = lint.run([str(tier)])
    membership = {"CB002", "CB013", "OC006", "DR005", "DR006", "HB001"}
    assert [f for f in result.findings if f.code in membership] == []
    assert result.cluster.model.members() == {"xen1", "xen2", "xen3"}
    # a planted fault: xen3 left out of its own cluster.conf
    conf = tier / "xen3/etc/ocfs2/cluster.conf"
    conf.write_text(ocfs2_conf("xen1", "xen2"))
    assert codes(lint.run([str(tier)], select=["CB013"]), "CB013") == [
        "OCFS2 filesystem 'pool': cluster.conf of xen3 does not list xen3"
    ]  # once for the cluster: the three CIB copies are the same


def test_declared_roles(tmp_path: Path) -> None:
    """A backup host with only an initiator name holds no copy of the CIB and no stack
    file: the CIB the dom0s hold runs on them (membership.cib_nodes, as every CIB rule
    reads it; CB013 once counted every initiator root in) until the user says
    ``backup = "member"``; ``backup = "storage"`` keeps it out either way."""
    roots = []
    for name in ("xen1", "xen2"):
        files = {
            "etc/ocfs2/cluster.conf": ocfs2_conf("xen1", "xen2"),
            CIB_PATH: OCFS2_CIB.format(nodes=""),
        }
        write(tmp_path / name, files)
        roots.append(str(tmp_path / name))
    write(tmp_path / "backup", {"etc/iscsi/initiatorname.iscsi": "InitiatorName=iqn.x:b\n"})
    roots.append(str(tmp_path / "backup"))
    thin = lint.run(roots, select=["CB013"])
    assert codes(thin, "CB013") == []
    member = lint.run(roots, select=["CB013"], roles={"backup": ("member",)})
    assert any("backup" in m for m in codes(member, "CB013"))
    stated = lint.run(roots, select=["CB013"], roles={"backup": ("storage",)})
    assert codes(stated, "CB013") == []
    assert stated.cluster.model.node("backup").declared == ("storage",)  # type: ignore[union-attr]
    # and the other way: a node the files do not show as a member, declared one
    write(tmp_path / "xen3", {"etc/hostname": "xen3\n"})
    roles = {"xen3": ("member",), "backup": ("storage",)}
    more = lint.run([*roots, str(tmp_path / "xen3")], roles=roles)
    assert more.cluster.model.members() == {"xen1", "xen2", "xen3"}
    assert set(codes(more, "CB013")) == {
        "OCFS2 filesystem 'vault': cluster.conf of xen1 does not list xen3",
        "OCFS2 filesystem 'vault': cluster.conf of xen2 does not list xen3",
        "OCFS2 filesystem 'vault' but cluster member xen3 has no /etc/ocfs2/cluster.conf",
    }


def test_roles_from_config_and_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "pyproject.toml"
    project.write_text('[tool.xencfg.nodes]\nsan1 = "target"\n')
    assert config.load(project).nodes == {"san1": ("storage",)}
    project.write_text('[tool.xencfg.nodes]\nsan1 = "storgae"\n')
    with pytest.raises(XencfgError, match="unknown role 'storgae'"):
        config.load(project)
    project.write_text('[tool.xencfg]\nnodes = "san1"\n')
    with pytest.raises(XencfgError, match="table"):
        config.load(project)
    assert parse_roles(["a=member,drbd", "b=dom0"], "--role") == {
        "a": ("member", "drbd"),
        "b": ("member",),
    }
    with pytest.raises(XencfgError, match="NAME=ROLE"):
        parse_roles(["san1"], "--role")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").unlink()
    assert main(["lint", "--role", "san1=bogus", str(tmp_path)]) == 2


def test_model_is_built_once_per_run() -> None:
    cluster = Cluster()
    assert cluster.model is cluster.model
    assert cluster.fact("x", list) is cluster.fact("x", list)
    assert Cluster().model is not cluster.model  # per cluster, nothing module-global
    loaded = lint.run([str(ROOT / "examples" / "two-node")]).cluster
    model = loaded.model
    assert loaded.model is model
    loaded.loaded.append(loaded.loaded[0])  # a document added: the facts start afresh
    assert loaded.model is not model


def test_has_says_which_formats_were_read() -> None:
    """What the rules and the model ask before importing a format's module (start-up)."""
    cluster = lint.run([str(ROOT / "examples" / "two-node")]).cluster
    assert cluster.has("drbd") and cluster.has("multipath", "cib")
    assert cluster.has("authkeys", node="alpha")
    assert not cluster.has("multipath", "ietd", "proc-drbd")
    assert not cluster.has("drbd", node="nosuchnode")


def test_memberships_once_per_run_a_list_for_each_caller() -> None:
    from xencfg.cluster import memberships

    cluster = lint.run([str(ROOT / "examples" / "two-node")]).cluster
    first = memberships(cluster)
    assert first and memberships(cluster) == first
    first.clear()  # a caller's own list: the next caller still gets every membership
    assert memberships(cluster)


class _El(list):  # type: ignore[type-arg]
    """Just enough of an lxml element for the set readers."""

    def __init__(self, tag: str, children: list[_El] = (), **attrs: str) -> None:  # type: ignore[assignment]
        super().__init__(children)
        self.tag, self.attrs = tag, attrs

    def get(self, key: str, default: str | None = None) -> str | None:
        return self.attrs.get(key, default)


class _Con:
    first = then = rsc = with_rsc = None

    def __init__(self, *sets: _El) -> None:
        self.el = _El("rsc_order", list(sets))


def _s(*ids: str, sequential: str | None = None) -> _El:
    extra = {"sequential": sequential} if sequential else {}
    return _El("resource_set", [_El("resource_ref", id=i) for i in ids], **extra)


def test_resource_set_pairs() -> None:
    """Pacemaker Explained 1.0: ordered sets start in list order; colocated sets are
    placed with the sets after them; in a sequential set, member after member."""
    c = _Con(_s("a", "b"), _s("c", "d", sequential="false"), _s("e"))
    assert set(order_pairs(c)) == {
        ("a", "b"),
        ("a", "c"),
        ("a", "d"),
        ("b", "c"),
        ("b", "d"),
        ("a", "e"),
        ("b", "e"),
        ("c", "e"),
        ("d", "e"),
    }
    assert set(order_pairs(c, closure=False)) == {
        ("a", "b"),
        ("a", "c"),
        ("a", "d"),
        ("b", "c"),
        ("b", "d"),
        ("c", "e"),
        ("d", "e"),
    }
    assert ("b", "a") in colocation_pairs(c) and ("c", "e") in colocation_pairs(c)
    assert ("c", "d") not in colocation_pairs(c) and ("d", "c") not in colocation_pairs(c)


SAN_DRBD = """resource mail {{
	on san1 {{
		device /dev/drbd0;
		disk /dev/vg0/lun;
		address 10.0.6.1:7788;
		meta-disk internal;
	}}
	on san2 {{
		device /dev/drbd0;
		disk /dev/vg0/lun;
		address 10.0.6.2:7788;
		meta-disk internal;
	}}
}}
"""


def test_target_pair_with_its_own_heartbeat_is_a_separate_cluster(tmp_path: Path) -> None:
    """Target boxes often fail over between themselves (DRBD under ietd, moved by their
    own heartbeat): two heartbeat clusters in one run. Neither is a member of the other,
    and neither's node list is an error against the other's."""
    tier = storage_tier(tmp_path)
    hacf = "keepalive 2\ndeadtime 30\nbcast eth0 eth1\nnode san1 san2\n"
    # their own keys, and a DRBD resource named like the dom0s' one ("mail")
    keys = "auth 1\n1 sha1 0123456789abcdef0123456789abcdef01234567\n"
    for box in ("san1", "san2"):
        write(
            tier / box,
            {
                "etc/ha.d/ha.cf": hacf,
                "etc/ha.d/authkeys": keys,
                "etc/drbd.conf": SAN_DRBD.format(),
                # their own local multipath, an alias "web" for another disk
                "etc/multipath.conf": "multipaths {\n\tmultipath {\n\t\twwid 3600aaa\n"
                "\t\talias web\n\t}\n}\n",
            },
        )
        (tier / box / "etc/ha.d/authkeys").chmod(0o600)
    result = lint.run([str(tier)])
    model = result.cluster.model
    assert sorted(sorted(c.members) for c in model.heartbeat_clusters) == [
        ["san1", "san2"],
        ["xen1", "xen2", "xen3"],
    ]
    from xencfg.membership import cib_nodes

    cib = [i for i in result.cluster.docs("cib") if i.node == "xen1"]
    assert cib and cib_nodes(result.cluster, cib).names == {"xen1", "xen2", "xen3"}
    membership = {"CB002", "CB013", "OC006", "DR005", "DR006", "DR009", "DR010", "HB001", "HB010"}
    membership |= {"MP004"}
    assert [(f.code, f.message) for f in result.findings if f.code in membership] == []
    # the graph's "(all nodes)" means all members of the dom0s' cluster, boxes aside
    dot = graph.to_dot(graph.build(result.cluster, result.findings))
    assert 'label="web\\n(all nodes)"' in dot and 'label="mail\\n(all nodes)"' in dot
    # the storage chain, drawn: box -> target -> LUN -> the multipath LUN the dom0s see
    assert '"node:san1" -> "target:iqn.2026-11.net.example:san1.pool"' in dot
    assert '"iscsi:iqn.2026-11.net.example:san1.pool:0" -> "lun:1IET_____pool0001"' in dot
    # the boxes' own alias "web" is another cluster's name, not a conflict
    assert '"alias:web"' not in dot
    # a real difference inside one of them is still found
    drbd = tier / "san2/etc/drbd.conf"
    drbd.write_text(SAN_DRBD.format().replace("10.0.6.2:7788", "10.0.6.2:7789"))
    assert [f.code for f in lint.run([str(tier)], select=["DR010"]).findings] == ["DR010"]
    # one list naming a node of the other cluster joins them, and then they must agree
    (tier / "san2/etc/ha.d/ha.cf").write_text(hacf.replace("san2", "san2 xen3"))
    got = lint.run([str(tier)], select=["HB001"]).findings
    assert got and all("san2" in f.message or "xen" in f.message for f in got)


def test_verbose_lint_says_each_nodes_roles(capsys: pytest.CaptureFixture[str]) -> None:
    """What xencfg made of each node, so an admin can see why a box is not asked for."""
    assert main(["lint", "-v", str(ROOT / "examples" / "storage-tier")]) == 0
    err = capsys.readouterr().err
    assert "node san1: " in err and "(roles: storage)" in err
    assert "(roles: drbd, initiator, member, ocfs2, relocation)" in err
    assert main(["lint", "-v", "--role", "san1=member", str(ROOT / "examples/storage-tier")]) == 1
    assert "(roles: member, storage)" in capsys.readouterr().err


def test_names_and_addresses(tmp_path: Path) -> None:
    """Each node's addresses with where they come from: /etc/hosts (``NODE-IF`` names
    count as NODE's), OCFS2's ip_address, DRBD's address, ha.cf's ucast peer."""
    model = lint.run([str(ROOT / "examples" / "san-ocfs2")]).cluster.model
    xen2 = model.node("xen2")
    assert xen2 is not None and {"xen2", "xen2.example.net"} <= xen2.names
    assert xen2.addresses["10.0.1.2"] == {
        "/etc/hosts of xen1",
        "/etc/hosts of xen2",
        "ocfs2 cluster.conf ip_address",
        "ha.cf ucast of xen1",
    }
    model = lint.run([str(ROOT / "examples" / "storage-tier")]).cluster.model
    xen1 = model.node("xen1")
    assert xen1 is not None and "drbd resource mail" in xen1.addresses["10.0.5.1"]
    assert "10.0.2.1" in model.addresses_of("xen1")  # xen1-iscsi in /etc/hosts
    # a target whose initiators.allow names one initiator by its IQN admits only that one
    tier = storage_tier(tmp_path)
    (tier / "san2/etc/initiators.allow").write_text(
        "iqn.2026-11.net.example:san2.db iqn.2026-11.net.example:xen2\n"
    )
    model = lint.run([str(tier)]).cluster.model
    assert model.targets["iqn.2026-11.net.example:san2.db"].members == {"xen2"}


def test_dr005_without_member_lists_keeps_drbd_on_target_boxes(tmp_path: Path) -> None:
    """No ha.cf, CIB or cluster.conf: DR005 compares 'on' names with the roots. A target
    box that runs no DRBD is no DRBD host; a target pair replicating its LUN with DRBD
    is one."""
    dom0 = SAN_DRBD.format().replace("san1", "xen1").replace("san2", "xen2")
    for name in ("xen1", "xen2"):
        write(tmp_path / name, {"etc/drbd.conf": dom0, "etc/hostname": name + "\n"})
    ietd = "Target iqn.2026-11.net.example:san1.lun\n\tLun 0 Path=/dev/drbd0,Type=blockio\n"
    for name in ("san1", "san2"):
        write(
            tmp_path / name,
            {"etc/ietd.conf": ietd, "etc/drbd.conf": SAN_DRBD.format(), "etc/hostname": name},
        )
    roots = [str(tmp_path / n) for n in ("xen1", "xen2", "san1", "san2")]
    assert codes(lint.run(roots, select=["DR005"]), "DR005") == []
    # a DRBD host that is none of the roots is still reported
    (tmp_path / "xen2/etc/drbd.conf").write_text(dom0.replace("on xen2", "on xen9"))
    assert codes(lint.run(roots, select=["DR005"]), "DR005") == [
        "resource 'mail': host 'xen9' is not a node in the linted nodes (xen1, xen2, san1, san2)"
    ]


def test_scsi_id_matches_the_whole_id_ending_the_wwid() -> None:
    """IET's ScsiId ends the T10 vendor designator scsi_id prints (``1IET_____vm011``:
    type 1, vendor ``IET`` padded to 8, blanks as '_'), or stands in hex after
    ``1`` + ``IET\\0\\0\\0\\0\\0``; a shorter id that is a substring (``vm01``) or a run
    of zeros is another LUN's."""
    from xencfg.cluster import _wwid_matches

    hexed = "14945540000000000" + b"vmail".ljust(16, b"\0").hex()
    assert _wwid_matches("vmstor01", "1IET_____vmstor01")
    assert _wwid_matches("vm 01", "1IET_____vm_01")
    assert _wwid_matches("vmail", hexed)
    assert not _wwid_matches("vm01", "1IET_____vm011")
    assert not _wwid_matches("0000", hexed)


def test_target_admission_as_ietd_reads_it(tmp_path: Path) -> None:
    """IET matches an initiators.allow name as a case-sensitive BRE anchored ^...$
    (iscsitarget usr/config.c initiator_match), and IET 1.4 reads /etc/iet/ before
    /etc/ (usr/plain.c plain_init): an IQN in other case admits nobody, and a stale
    /etc/ietd.conf's target is no layer of the model."""
    tier = storage_tier(tmp_path)
    (tier / "san2/etc/initiators.allow").write_text(
        "iqn.2026-11.net.example:san2.db iqn.2026-11.NET.example:xen2\n"
    )
    model = lint.run([str(tier)]).cluster.model
    assert model.targets["iqn.2026-11.net.example:san2.db"].members == set()
    etc = tier / "san2/etc"
    (etc / "iet").mkdir()
    (etc / "iet/ietd.conf").write_text((etc / "ietd.conf").read_text())
    (etc / "iet/initiators.allow").write_text(
        "iqn.2026-11.net.example:san2.db iqn.2026-11.net.example:xen2\n"
    )
    (etc / "ietd.conf").write_text(
        (etc / "ietd.conf").read_text() + "Target iqn.2026-11.net.example:san2.old\n"
    )
    model = lint.run([str(tier)]).cluster.model
    assert model.targets["iqn.2026-11.net.example:san2.db"].members == {"xen2"}
    assert "iqn.2026-11.net.example:san2.old" not in model.targets
