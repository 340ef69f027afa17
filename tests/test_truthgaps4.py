"""Lint-truth gaps the session 27 closing note left (session 28, truthgaps4): the
release lines of a site of several clusters, which nodes run a CIB for the graph and
CB013, DRBD 9 syntax against an in-tree 8.4 kernel module, XN020 and ``xl -V``, and
target boxes that are full cluster members."""

from __future__ import annotations

from pathlib import Path

import pytest

from lintkit import copy_site, edit_site, tree
from test_cluster_model import OCFS2_CIB
from xencfg import lint
from xencfg.cli import main
from xencfg.formats.schema import Version
from xencfg.versions import Versions

UNSEEN8 = Path(__file__).parent / "fixtures" / "unseen8"
IET = UNSEEN8 / "iet-hb214-pair-serves-hb3pcmk10-ocfs2-and-cs14pcmk11-multipath"


def test_verbose_prints_each_clusters_releases(capsys: pytest.CaptureFixture[str]) -> None:
    """The IET site is three clusters: san1/san2 on heartbeat 2.1.4's own CRM, a1/a2
    on heartbeat 3 + Pacemaker 1.0.9, b1/b2 on corosync 1.4 + Pacemaker 1.1.8 (each
    CIB's dc-version). One site-wide line said "Pacemaker 1.1.8 or later, before 1.2"
    for a1/a2 too, and "heartbeat 2.1.4" for a1/a2's heartbeat 3."""
    main(["lint", "-v", "-q", "--exit-zero", *map(str, sorted(IET.iterdir()))])
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith("version ")]
    said = {ln.split(": ", 1)[0]: ln.split(": ", 1)[1] for ln in lines}
    assert said["version pacemaker in cluster a1, a2"].startswith(
        "Pacemaker 1.0.9 or later, before 1.1, inferred from the DC's 'dc-version 1.0.9-"
    )
    assert said["version pacemaker in cluster b1, b2"].startswith(
        "Pacemaker 1.1.8 or later, before 1.2, inferred from the DC's 'dc-version 1.1.8-"
    )
    assert said["version heartbeat in cluster san1, san2"].startswith("heartbeat 2.1.4,")
    assert said["version heartbeat in cluster a1, a2"].startswith("heartbeat 2.0 or later,")
    assert "san1" not in said["version heartbeat in cluster a1, a2"]
    assert not [k for k in said if k.count(" ") == 1]  # no site-wide line


def test_rules_never_read_the_sites_release_on_a_site_of_clusters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every release a rule asks for on the IET site is its node's own (by_node) or
    unknown, never the site-wide inference that mixes the three clusters' releases."""
    site_wide: list[tuple[str, str | None]] = []
    of = Versions.of

    def spy(self: Versions, component: str, node: str | None = None) -> object:
        found = of(self, component, node)
        if (component, node or "") not in self.by_node and found is self.inferred.get(component):
            site_wide.append((component, node))
        return found

    monkeypatch.setattr(Versions, "of", spy)
    lint.run(sorted(IET.iterdir()))
    assert site_wide == []


# -- which nodes run a CIB: CB013 and the graph read membership.cib_nodes ----------------


def _corosync(cluster: str, *names: str) -> str:
    """A corosync 2 corosync.conf (udpu) whose nodelist names ``names``."""
    nodes = "".join(
        f"\tnode {{\n\t\tring0_addr: {n}\n\t\tname: {n}\n\t\tnodeid: {i}\n\t}}\n"
        for i, n in enumerate(names, 1)
    )
    return (
        f"totem {{\n\tversion: 2\n\tcluster_name: {cluster}\n\ttransport: udpu\n}}\n"
        f"nodelist {{\n{nodes}}}\n"
        "quorum {\n\tprovider: corosync_votequorum\n\ttwo_node: 1\n}\n"
    )


def _ocfs2(*names: str) -> str:
    nodes = "".join(
        f"node:\n\tip_port = 7777\n\tip_address = 10.0.{i}.1\n\tnumber = {i}\n"
        f"\tname = {n}\n\tcluster = ocfs2\n\n"
        for i, n in enumerate(names)
    )
    return nodes + f"cluster:\n\tnode_count = {len(names)}\n\tname = ocfs2\n"


#: A CIB no DC has written <nodes> into yet, with an OCFS2 filesystem clone 'vault'.
_FRESH_CIB = OCFS2_CIB.format(nodes="")


def _two_corosync_clusters(tmp_path: Path) -> list[Path]:
    """Two corosync 2 clusters on one site, x1/x2 and y1/y2, each with its own nodelist,
    OCFS2 cluster.conf and a fresh CIB (no <nodes> yet), and a domU config on its dom0s."""
    roots = []
    for pair in (("x1", "x2"), ("y1", "y2")):
        for name in pair:
            roots.append(
                tree(
                    tmp_path,
                    name,
                    {
                        "etc/hostname": f"{name}\n",
                        "etc/corosync/corosync.conf": _corosync(pair[0][0], *pair),
                        "etc/ocfs2/cluster.conf": _ocfs2(*pair),
                        "var/lib/heartbeat/crm/cib.xml": _FRESH_CIB,
                        f"etc/xen/vm-{pair[0][0]}.cfg": f'name = "vm-{pair[0][0]}"\nmemory = 512\n',
                    },
                )
            )
    return roots


def test_cb013_reads_the_nodes_that_run_the_cib_not_the_whole_site(tmp_path: Path) -> None:
    """A CIB without <nodes> runs on its corosync nodelist's members (Pacemaker names
    them from nodelist.node.N.name: lib/cluster/corosync.c pcmk__corosync_name), here
    x1/x2 or y1/y2. CB013 asked ModelCluster.cluster_of, which knows only ha.cf and the
    CIB's <nodes> and fell back to every member of the run: "cluster.conf of x1 does
    not list y1, y2", though y1/y2 are another cluster that never mounts x's OCFS2."""
    result = lint.run(_two_corosync_clusters(tmp_path), select=["CB013"])
    assert [f.message for f in result.findings] == []
    # (a member the nodelist names and cluster.conf does not is still found)
    conf = tmp_path / "x1" / "etc" / "ocfs2" / "cluster.conf"
    conf.write_text(_ocfs2("x1"))
    got = lint.run(_site(tmp_path), select=["CB013"]).findings
    assert [f.message for f in got] == [
        "OCFS2 filesystem 'vault': cluster.conf of x1 does not list x2"
    ]


def _site(tmp_path: Path) -> list[Path]:
    return sorted(p for p in tmp_path.iterdir() if p.is_dir())


def test_graph_draws_a_domu_on_all_of_its_own_clusters_nodes(tmp_path: Path) -> None:
    """The graph's "(all nodes)" domU is one every node that runs its cluster holds:
    vm-x on x1 and x2 is on all of x's nodes. The old layer (cluster_of: every member
    of the run, without <nodes> or ha.cf) asked y1 and y2 to hold it too."""
    from xencfg.graph import build

    result = lint.run(_two_corosync_clusters(tmp_path))
    g = build(result.cluster, result.findings)
    labels = {k: v.label for k, v in g.nodes.items() if k.startswith("domu:")}
    assert labels == {"domu:vm-x": "vm-x\\n(all nodes)", "domu:vm-y": "vm-y\\n(all nodes)"}


# -- DRBD 9 syntax against the kernel's own DRBD 8.4 module ------------------------------

BIONIC = UNSEEN8 / "bionic-corosync243-pcmk1118-crmsh-drbd84kmod-utils9-xl-xendomains-save"
_KERNEL = "4.15.0-213-generic"


def _dpkg(*packages: tuple[str, str]) -> str:
    """A dpkg status database listing ``(name, version)`` as installed."""
    return "".join(
        f"Package: {n}\nStatus: install ok installed\nArchitecture: amd64\nVersion: {v}\n\n"
        for n, v in packages
    )


_UTILS9 = ("drbd-utils", "9.11.0-1build1")  # bionic's drbd-utils
_IMAGE = (f"linux-image-{_KERNEL}", "4.15.0-213.224")


def _bionic_nine(tmp_path: Path, **files: str) -> list[Path]:
    """The bionic pair with ``fencing`` moved from ``disk`` to ``net`` (DRBD 9's place),
    and ``files`` (below each node) added."""
    root = copy_site(BIONIC, tmp_path / "bionic")
    conf = "*/etc/drbd.d/global_common.conf"
    edit_site(root, conf, "\t\tfencing resource-only;\n\t\tresync", "\t\tresync")
    edit_site(root, conf, "\t\tprotocol C;\n", "\t\tprotocol C;\n\t\tfencing resource-only;\n")
    for node in ("kea1", "kea2"):
        for rel, text in files.items():
            p = root / node / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
    return sorted(root.iterdir())


def _fencing(nodes: list[Path]) -> list[str]:
    found = lint.run(nodes, select=["XC008"]).findings
    return [f.message for f in found if "'fencing'" in f.message]


@pytest.mark.parametrize(
    ("files", "said"),
    [
        # Ubuntu's package list: drbd-utils 9, no module package, the kernel's image
        ({"var/lib/dpkg/status": _dpkg(_UTILS9, _IMAGE)}, f"'linux-image-{_KERNEL} "),
        # ... the kernel named by a uname -a capture instead
        (
            {
                "var/lib/dpkg/status": _dpkg(_UTILS9),
                "sos_commands/kernel/uname_-a": f"Linux kea1 {_KERNEL} #1 SMP x86_64 GNU/Linux\n",
            },
            "uname -a at ",
        ),
        # the kernel's modules in the tree, the in-tree drbd.ko only (no package list)
        ({f"lib/modules/{_KERNEL}/kernel/drivers/block/drbd/drbd.ko": ""}, "drbd/drbd.ko"),
        # a sosreport's modinfo of the loaded modules
        (
            {
                "sos_commands/kernel/modinfo_ALL_MODULES": (
                    f"filename:       /lib/modules/{_KERNEL}/kernel/drivers/block/drbd/drbd.ko\n"
                    "alias:          block-major-147-*\nversion:        8.4.10\n"
                    "license:        GPL\n"
                )
            },
            "modinfo's 'version: 8.4.10'",
        ),
    ],
)
def test_drbd9_syntax_on_the_kernels_own_84_module(
    tmp_path: Path, files: dict[str, str], said: str
) -> None:
    """drbd-utils 9's drbdadm runs drbdadm-84 for an 8.4 module (peer-drbdadm --mode 84
    on this tree's global_common.conf with ``fencing`` in ``net``: "Parse error: 'an
    option keyword' expected, but got 'fencing'"; --mode 9 parses it). Ubuntu 18.04's
    kernel 4.15 carries mainline's DRBD 8.4 (drbd.org's mainline table: 8.4 since Linux
    3.8; torvalds/linux include/linux/drbd_config.h REL_VERSION "8.4.11"). Only a
    declared ``--target drbd=8.4`` found it; the tree's evidence now does."""
    found = _fencing(_bionic_nine(tmp_path, **files))
    assert len(found) == 2, found
    assert all("not DRBD 8.4 or later, before 9.0" in m or "not DRBD 8.4.10" in m for m in found)
    assert all(said in m for m in found)


@pytest.mark.parametrize(
    "files",
    [
        {},  # no package list, no kernel: no evidence, no finding
        # LINBIT's drbd-dkms 9 builds the module: DRBD 9 reads 'fencing' in 'net'
        {"var/lib/dpkg/status": _dpkg(_UTILS9, _IMAGE, ("drbd-dkms", "9.0.22-1ppa1~bionic1"))},
        # a drbd.ko dkms built beside the kernel's (its package list unread)
        {
            "var/lib/dpkg/status": _dpkg(_UTILS9, _IMAGE),
            f"lib/modules/{_KERNEL}/updates/dkms/drbd.ko": "",
            f"lib/modules/{_KERNEL}/kernel/drivers/block/drbd/drbd.ko": "",
        },
        # a package list but no kernel named
        {"var/lib/dpkg/status": _dpkg(_UTILS9)},
    ],
)
def test_drbd9_syntax_without_evidence_of_the_module(tmp_path: Path, files: dict[str, str]) -> None:
    """Never a guess: without evidence of the kernel's own module, the release stays what
    the files say (DRBD 9.0 or later, from 'fencing' in 'net')."""
    assert _fencing(_bionic_nine(tmp_path, **files)) == []


def test_red_hat_kernels_build_no_drbd(tmp_path: Path) -> None:
    """RHEL's kernel has no drbd.ko (ELRepo's kmod-drbd* exists for that): a Red Hat
    node's package list without a module package says nothing of the module."""
    nodes = _bionic_nine(
        tmp_path, **{"var/lib/dpkg/status": _dpkg(_UTILS9, _IMAGE), "etc/redhat-release": ""}
    )
    for node in nodes:
        (node / "etc" / "os-release").write_text('ID="rhel"\nVERSION_ID="8.4"\n')
        (node / "etc" / "debian_version").unlink()
    assert _fencing(nodes) == []


def test_drbd_dkms_names_the_module(tmp_path: Path) -> None:
    """LINBIT's drbd-dkms (its PPA for Ubuntu) builds the module the node loads: its
    version is the module's release, as kmod-drbd90's is."""
    dkms = ("drbd-dkms", "9.0.22-1ppa1~bionic1")
    nodes = _bionic_nine(tmp_path, **{"var/lib/dpkg/status": _dpkg(_UTILS9, _IMAGE, dkms)})
    versions = lint.run(nodes, select=["XC008"]).cluster.versions
    assert versions.of("drbd", "kea1").describe("DRBD").startswith("DRBD 9.0.22, inferred from")


# -- XN020 and ``xl create -V`` -----------------------------------------------------------


def test_xn020_vncviewer_is_ignored_with_or_without_dash_v(tmp_path: Path) -> None:
    """``-V`` is xl's own switch: main_create sets ``dom_info.vnc`` from it alone
    (tools/xl/xl_vmcontrol.c, ``case 'V': vnc = 1``), create_domain spawns the viewer
    when it is set (``if (dom_info->vnc) autoconnect_vncviewer(...)``), and xl_parse.c
    only warns of the config's key. peer-xl's xl 4.17 run as ``xl -N create -n -V``
    prints 'WARNING: ignoring "vncviewer" option.' as it does without -V. So the key
    never matters from Xen 4.5 on: XN020's warning is true under -V too."""
    cfg = tmp_path / "vm1.cfg"
    cfg.write_text("name = 'vm1'\ntype = 'hvm'\nmemory = 512\nvnc = 1\nvncviewer = 1\n")
    found = lint.run([cfg], select=["XN020"], versions={"xen": Version.parse("4.17")}).findings
    assert [(f.line, f.message.split(":")[0]) for f in found] == [(5, "vncviewer")]


# -- target boxes that are full members of the Pacemaker cluster --------------------------

_SITE = {"xen1": "10.90.0.11", "xen2": "10.90.0.12", "san1": "10.90.0.21", "san2": "10.90.0.22"}


def _fence(node: str) -> str:
    return (
        f'<primitive id="fence-{node}" class="stonith" type="fence_ipmilan">'
        f'<instance_attributes id="fence-{node}-ia">'
        f'<nvpair id="fence-{node}-ip" name="ip" value="10.91.0.{list(_SITE).index(node) + 1}"/>'
        f'<nvpair id="fence-{node}-hl" name="pcmk_host_list" value="{node}"/>'
        f'</instance_attributes><operations><op id="fence-{node}-mon" name="monitor"'
        ' interval="60s"/></operations></primitive>\n'
    )


def _members_site(tmp_path: Path, fenced: tuple[str, ...] = tuple(_SITE)) -> list[Path]:
    """xen1, xen2 (initiators) and san1, san2 (IET targets, run by the cluster as
    lsb:iscsitarget, preferring san1) in one corosync 3 nodelist, with a CIB no DC has
    written <nodes> into yet (built offline, pushed before the nodes joined)."""
    nodelist = "".join(
        f"\tnode {{\n\t\tring0_addr: {ip}\n\t\tname: {n}\n\t\tnodeid: {i}\n\t}}\n"
        for i, (n, ip) in enumerate(_SITE.items(), 1)
    )
    corosync = (
        "totem {\n\tversion: 2\n\tcluster_name: vmsite\n\ttransport: knet\n}\n"
        f"nodelist {{\n{nodelist}}}\nquorum {{\n\tprovider: corosync_votequorum\n}}\n"
    )
    cib = (
        '<cib validate-with="pacemaker-3.9" epoch="12" num_updates="0" admin_epoch="0">\n'
        '<configuration>\n<crm_config><cluster_property_set id="opts">'
        '<nvpair id="o-stonith" name="stonith-enabled" value="true"/>'
        "</cluster_property_set></crm_config>\n<nodes/>\n<resources>\n"
        + "".join(_fence(n) for n in fenced)
        + '<primitive id="iet" class="lsb" type="iscsitarget"><operations>'
        '<op id="iet-mon" name="monitor" interval="30s"/></operations></primitive>\n'
        '</resources>\n<constraints><rsc_location id="iet-on-san1" rsc="iet" node="san1"'
        ' score="100"/></constraints>\n</configuration>\n<status/>\n</cib>\n'
    )
    hosts = "".join(f"{ip}\t{n}\n" for n, ip in _SITE.items())
    roots = []
    for name in _SITE:
        files = {
            "etc/hostname": f"{name}\n",
            "etc/hosts": hosts,
            "etc/corosync/corosync.conf": corosync,
            "var/lib/pacemaker/cib/cib.xml": cib,
        }
        if name.startswith("san"):
            files["etc/iet/ietd.conf"] = (
                "Target iqn.2026-12.net.example:san.vmpool\n"
                "\tLun 0 Path=/dev/sdb,Type=blockio,ScsiId=vmpool0001\n"
            )
        else:
            files["etc/iscsi/initiatorname.iscsi"] = (
                f"InitiatorName=iqn.2026-12.net.example:{name}\n"
            )
        roots.append(tree(tmp_path, name, files))
    return roots


def test_a_target_box_in_the_corosync_nodelist_is_a_node_constraints_may_name(
    tmp_path: Path,
) -> None:
    """san1 is in the nodelist: Pacemaker knows it by the nodelist's name
    (lib/cluster/corosync.c pcmk__corosync_name) and places ``iet`` there. The model
    gives a box the member role from ha.cf or the CIB's <nodes> only, so with none yet
    san1 was "storage only" and CB002 said "location names node 'san1', which is not a
    cluster node (xen1, xen2)". CB002 now also takes the nodes that run the CIB
    (membership.cib_nodes), as the fencing rules do: CB037 counts san1 as a node to
    fence, with or without this change."""
    found = lint.run(_members_site(tmp_path), select=["CB002", "CB037"]).findings
    assert [(f.code, f.message) for f in found] == []
    unfenced = _members_site(tmp_path / "unfenced", fenced=("xen1", "xen2", "san2"))
    found = lint.run(unfenced, select=["CB002", "CB037"]).findings
    assert {(f.code, f.message.split(":")[0]) for f in found} == {
        ("CB037", "no STONITH resource fences node san1")
    }
