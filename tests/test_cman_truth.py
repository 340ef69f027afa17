"""cman/rgmanager truth on RHEL 5 clusters (CM002-CM009): each rule fails on a copy of
tests/fixtures/lint-trees/rhel5-cman-drift/good with one mistake planted, and the good
tree (three dom0s whose cluster.conf copies agree) lints clean. Each test names the
cman / ccsd / fenced source the expected behaviour comes from."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import xencfg
from test_audit_trees import TREES
from xencfg import lint
from xencfg.discover import discover
from xencfg.rules import cman as cman_rules

CASE = TREES / "rhel5-cman-drift"
NODES = ("xen01", "xen02", "xen03")
CONF = "etc/cluster/cluster.conf"
NETWORK = "etc/sysconfig/network"


def _found(root: Path) -> list[tuple[str, str, int, str]]:
    """(code, node/path, line, severity) of every finding, sorted."""
    result = lint.run([str(n) for n in sorted(root.iterdir()) if n.is_dir()])
    out = []
    for f in result.findings:
        rel = Path(f.path).resolve().relative_to(root.resolve())
        out.append((f.code, str(rel), f.line, f.severity))
    return sorted(out)


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "tree"
    shutil.copytree(CASE / "good", root)
    return root


def _edit(root: Path, rel: str, old: str, new: str, nodes: tuple[str, ...] = NODES) -> None:
    for n in nodes:
        p = root / n / rel
        text = p.read_text()
        assert old in text, (p, old)
        p.write_text(text.replace(old, new))


def _line(root: Path, node: str, needle: str, rel: str = CONF) -> int:
    lines = (root / node / rel).read_text().splitlines()
    return next(i for i, ln in enumerate(lines, 1) if needle in ln)


def test_good_tree_lints_clean() -> None:
    """Three dom0s, one cluster.conf (config_version 27) on each, every node fenced
    by its iLO, the xm configs of both ``<vm>`` services in /etc/xen on every node."""
    assert _found(CASE / "good") == []


def test_bad_tree_an_older_copy_is_cm002_a_warning() -> None:
    """xen03 was down when the intranet guest was added: its copy is version 26. On
    RHEL 5 ccsd hands a joining node the quorate node's copy ("Remote copy of
    cluster.conf is from quorate node ... Switching to remote copy.", ccsd
    cluster_communicate), so this is a warning, not cman's refusal (commands.c
    valid_transition_msg refuses only a version that stays different after re-read)."""
    root = CASE / "bad"
    assert _found(root) == [("CM002", f"xen03/{CONF}", 2, "warning")]
    (f,) = lint.run([str(root / n) for n in NODES]).findings
    assert "config_version 26 here, 27 on xen01" in f.message
    assert f.related and f.related[0].path.endswith(f"xen01/{CONF}")


def test_same_version_other_content_is_cm002(tmp_path: Path) -> None:
    """Same config_version 27 on all, but xen02's copy has another post_join_delay:
    cman compares only the number (commands.c: ``msg->config_version !=
    config_version``), so nothing refuses it. Layout and comments alone are no
    difference."""
    root = _copy(tmp_path)
    _edit(root, CONF, 'post_join_delay="20"', 'post_join_delay="3"', ("xen02",))
    _edit(root, CONF, "<clusternodes>", "<!-- edited -->\n  <clusternodes>", ("xen03",))
    assert _found(root) == [("CM002", f"xen02/{CONF}", 2, "warning")]


def test_own_node_not_in_cluster_conf_is_cm009(tmp_path: Path) -> None:
    """Every copy names xen03 as ``xen3``, which xen03's /etc/hosts does not resolve:
    cman_tool join's verify_nodename tries uname (xen03.lab.example.com), its short
    form, the clusternode names' short forms and the names of the node's interface
    addresses (10.20.0.13 is xen03 in /etc/hosts), then refuses: 'local node name
    "xen03.lab.example.com" not found in cluster.conf'."""
    root = _copy(tmp_path)
    _edit(root, CONF, 'name="xen03"', 'name="xen3"')
    assert _found(root) == [("CM009", f"xen03/{CONF}", 2, "error")]


def test_a_name_an_interface_resolves_to_is_given_the_doubt(tmp_path: Path) -> None:
    """The node is now xen03new (HOSTNAME= in /etc/sysconfig/network and its folder),
    cluster.conf still says xen03, which /etc/hosts gives 10.20.0.13, no other
    node's address: cman's last try (the names of the node's interface addresses)
    finds it, so CM009 stays silent. With xen03 gone from its /etc/hosts too,
    nothing is left and cman refuses."""
    root = _copy(tmp_path)
    (root / "xen03").rename(root / "xen03new")
    _edit(root, NETWORK, "HOSTNAME=xen03.", "HOSTNAME=xen03new.", ("xen03new",))
    assert _found(root) == []
    _edit(root, "etc/hosts", "xen03.lab.example.com\txen03", "xen03new", ("xen03new",))
    assert _found(root) == [("CM009", f"xen03new/{CONF}", 2, "error")]


def test_the_node_is_named_by_hostname_in_sysconfig_network(tmp_path: Path) -> None:
    """A RHEL 5 dom0 has no /etc/hostname: rc.sysinit sources /etc/sysconfig/network
    and runs ``hostname ${HOSTNAME}`` (initscripts 8.45 rc.sysinit), so its folder
    (``rack2-slot4``, a backup's name) is not its name. cluster.conf names it xen03 and
    its /etc/hosts no longer resolves xen03 (no interface doubt left): by HOSTNAME
    (xen03.lab.example.com, short xen03) cman_tool join finds it, so no CM009; named by
    its folder it was a false error. With HOSTNAME=xen3, cman refuses, and CM009 says
    so."""
    root = _copy(tmp_path)
    (root / "xen03").rename(root / "rack2-slot4")
    _edit(root, "etc/hosts", "xen03.lab.example.com\txen03", "san-gw", ("rack2-slot4",))
    nodes = [str(n) for n in sorted(root.iterdir())]
    assert sorted(n.name for n in discover(nodes).nodes) == ["xen01", "xen02", "xen03"]
    assert _found(root) == []
    _edit(root, NETWORK, "HOSTNAME=xen03.lab.example.com", "HOSTNAME=xen3", ("rack2-slot4",))
    assert _found(root) == [("CM009", f"rack2-slot4/{CONF}", 2, "error")]
    (f,) = lint.run(nodes).findings
    assert f.message.startswith("this node is xen3 (uname -n) and no clusternode is")


def test_sysconfig_network_outside_the_tree_or_unusable_names_nothing(tmp_path: Path) -> None:
    """The safe opener: an etc/sysconfig/network linking out of the node root is not
    followed; a folder (SUSE's sysconfig/network/), an expansion, ``(none)`` or
    localhost (rc.sysinit's fallback) name no node: the folder's name stays."""
    from xencfg.discover import node_name

    outside = tmp_path / "secret"
    outside.write_text("HOSTNAME=leaked\n")
    node = tmp_path / "rack1"
    (node / "etc" / "sysconfig").mkdir(parents=True)
    net = node / "etc" / "sysconfig" / "network"
    net.symlink_to(outside)
    assert node_name(node, node / "etc") == "rack1"
    net.unlink()
    for text in ("HOSTNAME=$(cat /x)\n", "HOSTNAME='(none)'\n", "HOSTNAME=localhost\n"):
        net.write_text(text)
        assert node_name(node, node / "etc") == "rack1", text
    net.write_text('NETWORKING=yes\nHOSTNAME="dom0-a.example.com"\n')
    assert node_name(node, node / "etc") == "dom0-a"
    net.unlink()
    net.mkdir()
    (net / "ifcfg-eth0").write_text("BOOTPROTO=static\n")
    assert node_name(node, node / "etc") == "rack1"


def test_vm_without_an_xm_config_on_any_node_is_cm007(tmp_path: Path) -> None:
    """The intranet guest is /etc/xen/intranet.cfg with ``name = "intranet01"`` on
    every node while the service is ``<vm name="intranet" path="/etc/xen">``:
    vm.sh's ``xm create --path=/etc/xen intranet`` finds no file and ``virsh start
    intranet`` no domain of that name (rgmanager vm.sh do_xm_start /
    do_virsh_start), unless one was registered in xend or libvirt: a warning."""
    root = _copy(tmp_path)
    for n in NODES:
        (root / n / "etc/xen/intranet").rename(root / n / "etc/xen/intranet.cfg")
    line = _line(root, "xen01", 'name="intranet"')
    assert _found(root) == []  # name = "intranet" inside: virsh start finds it
    _edit(root, "etc/xen/intranet.cfg", 'name = "intranet"', 'name = "intranet01"')
    assert _found(root) == [("CM007", f"{n}/{CONF}", line, "warning") for n in NODES]


def test_vm_config_on_one_node_is_enough(tmp_path: Path) -> None:
    """The guest config on xen01 only: rgmanager can start it there, no CM007."""
    root = _copy(tmp_path)
    for n in ("xen02", "xen03"):
        (root / n / "etc/xen/intranet").unlink()
    assert [c for c, *_ in _found(root)] == []


# -- document rules: one mistake in every copy of cluster.conf --------------------

MUTATIONS: list[tuple[str, str, str, str, str]] = [
    # (code, severity, old, new, the line to expect: a needle in the edited file)
    (
        "CM004",
        "error",
        '<device name="ilo-xen03"/>',
        '<device name="ilo-xen3"/>',
        'device name="ilo-xen3"',
    ),
    (
        "CM005",
        "error",
        '<clusternode name="xen02" nodeid="2" votes="1">\n\t\t\t<fence>\n\t\t\t\t<method name="1">'
        '\n\t\t\t\t\t<device name="ilo-xen02"/>\n\t\t\t\t</method>\n\t\t\t</fence>',
        '<clusternode name="xen02" nodeid="2" votes="1">',
        'clusternode name="xen02"',
    ),
    (
        "CM005",
        "error",
        '<clusternode name="xen02" nodeid="2" votes="1">\n\t\t\t<fence>\n\t\t\t\t<method name="1">',
        '<clusternode name="xen02" nodeid="2" votes="1">\n\t\t\t<fence>\n\t\t\t\t<method>',
        'clusternode name="xen02"',
    ),
    ("CM006", "warning", 'clean_start="0"', 'clean_start="1"', "fence_daemon"),
    (
        "CM010",
        "warning",
        'domain="anywhere" exclusive="0" migrate="live" name="mail"',
        'domain="anywere" exclusive="0" migrate="live" name="mail"',
        'name="mail"',
    ),
    (
        "CM008",
        "warning",
        '<failoverdomainnode name="xen02" priority="2"/>',
        '<failoverdomainnode name="xen2" priority="2"/>',
        'failoverdomainnode name="xen2"',
    ),
]


@pytest.mark.parametrize(
    "code,severity,old,new,needle", MUTATIONS, ids=[f"{m[0]}-{i}" for i, m in enumerate(MUTATIONS)]
)
def test_document_rule_fails_on_its_mistake(
    tmp_path: Path, code: str, severity: str, old: str, new: str, needle: str
) -> None:
    """CM004: fenced finds no agent for the device and retries the fence for ever.
    CM005: no method to run, the same. CM006: fenced skips startup fencing. CM008:
    rgmanager never places a service on a name that is no clusternode. CM010: a
    domain rgmanager cannot find lets the service run anywhere. The second
    CM005 case: a ``<method>`` without ``name`` is never counted by libfence's
    count_methods (``method[N]/@name``)."""
    root = _copy(tmp_path)
    _edit(root, CONF, old, new)
    line = _line(root, "xen01", needle)
    assert _found(root) == [(code, f"{n}/{CONF}", line, severity) for n in NODES]


def test_a_working_later_method_takes_over(tmp_path: Path) -> None:
    """xen03's first method names an undefined device, a second method a defined
    one: fence_node goes on to method 2 when method 1 fails, so CM004 is silent."""
    root = _copy(tmp_path)
    _edit(
        root,
        CONF,
        '<device name="ilo-xen03"/>\n\t\t\t\t</method>',
        '<device name="ilo-xen3"/>\n\t\t\t\t</method>\n\t\t\t\t<method name="2">'
        '\n\t\t\t\t\t<device name="ilo-xen03"/>\n\t\t\t\t</method>',
    )
    assert _found(root) == []
    doc = xencfg.load(root / "xen01" / CONF, "cman")
    node = doc.node("xen03")
    assert node is not None
    assert [(m.get("name"), [d.get("name") for d in m.devices]) for m in node.methods] == [
        ("1", ["ilo-xen3"]),
        ("2", ["ilo-xen03"]),
    ]


TWO = """<?xml version="1.0"?>
<cluster name="pair" config_version="3">
  <cman two_node="1" expected_votes="1"/>
  <clusternodes>
    <clusternode name="xen1" nodeid="1">
      <fence><method name="1"><device name="apc" port="1"/></method></fence>
    </clusternode>
    <clusternode name="xen2" nodeid="2">
      <fence><method name="1"><device name="apc" port="2"/></method></fence>
    </clusternode>
  </clusternodes>
  <fencedevices>
    <fencedevice name="apc" agent="fence_apc" ipaddr="10.0.0.5" login="apc" passwd="x"/>
  </fencedevices>
</cluster>
"""


def _lint_text(tmp_path: Path, text: str) -> list[tuple[str, int, str]]:
    p = tmp_path / "cluster.conf"
    p.write_text(text)
    return sorted((f.code, f.line, f.severity) for f in lint.run([str(p)]).findings)


@pytest.mark.parametrize(
    "edit,expected",
    [
        (lambda t: t, []),
        # cman commands.c calculate_quorum: "if (two_node) newquorum = 1;" -- the
        # expected_votes value is then harmless, so it is not reported
        (lambda t: t.replace('expected_votes="1"', 'expected_votes="2"'), []),
        (
            lambda t: t.replace("</cluster>", '<quorumd votes="1" label="qd"/>\n</cluster>'),
            [("CM003", 3, "warning")],
        ),
        (
            lambda t: t.replace('two_node="1"', 'two_node="0"').replace(
                "</cluster>", '<quorumd votes="1" label="qd"/>\n</cluster>'
            ),
            [],
        ),
    ],
    ids=["two-node", "two-node-expected-2", "two-node-qdisk", "qdisk-without-two-node"],
)
def test_two_node_with_a_quorum_disk_is_cm003(
    tmp_path: Path, edit: Callable[[str], str], expected: list[tuple[str, int, str]]
) -> None:
    assert _lint_text(tmp_path, edit(TWO)) == expected


def test_the_model_reads_rgmanager_and_qdisk_elements() -> None:
    doc = xencfg.load(CASE / "good" / "xen01" / CONF, "cman")
    assert doc.fence_daemon is not None and doc.fence_daemon.get("clean_start") == "0"
    assert doc.quorumd is None
    assert [d.name for d in doc.failoverdomains] == ["anywhere"]
    assert [m.get("name") for m in doc.failoverdomains[0].members] == list(NODES)
    assert [v.get("name") for v in doc.vms] == ["mail", "intranet"]
    assert xencfg.dumps(doc) == (CASE / "good" / "xen01" / CONF).read_text()


def test_rule_docstrings_name_a_source() -> None:
    """Each new rule says where its daemon behaviour comes from (a function or log line)."""
    for fn in (
        cman_rules.copies_differ,
        cman_rules.two_node_with_qdisk,
        cman_rules.own_node_missing,
    ):
        assert fn.__doc__ and ".c" in fn.__doc__


def test_rhel5_uname_is_hostname_in_sysconfig_network_whatever_etc_hostname_says(
    tmp_path: Path,
) -> None:
    """RHEL 5's rc.sysinit sources /etc/sysconfig/network and runs ``hostname
    ${HOSTNAME}``; it never reads /etc/hostname (initscripts rhel5-branch
    rc.d/rc.sysinit, lines 14-18 and 399-401; rhel6-branch the same). xen03 keeps a
    stale /etc/hostname saying xen03 while HOSTNAME=xen3, which no clusternode is:
    with its redhat-release saying release 5, ``uname -n`` is xen3 and cman_tool join
    refuses. A tree that does not show how it boots is read as systemd and Debian
    read it (/etc/hostname), and cman finds xen03."""
    root = _copy(tmp_path)
    _edit(root, "etc/hosts", "xen03.lab.example.com\txen03", "san-gw", ("xen03",))
    _edit(root, NETWORK, "HOSTNAME=xen03.lab.example.com", "HOSTNAME=xen3", ("xen03",))
    (root / "xen03" / "etc" / "hostname").write_text("xen03\n")
    assert [f for f in _found(root) if f[0] == "CM009"] == []
    release = root / "xen03" / "etc" / "redhat-release"
    release.write_text("Red Hat Enterprise Linux Server release 5.4 (Tikanga)\n")
    assert [f for f in _found(root) if f[0] == "CM009"] == [("CM009", f"xen03/{CONF}", 2, "error")]
    (f,) = lint.run([str(root / n) for n in NODES], select=["CM009"]).findings
    assert f.message.startswith("this node is xen3 (uname -n) and no clusternode is")
    assert [(Path(r.path).name, r.line) for r in f.related] == [("network", 2)]


def test_cm009_over_loose_files_reads_their_etc_hostname(tmp_path: Path) -> None:
    """Files given one by one with ``--node NAME=PATH`` have no node tree: a loose
    /etc/hostname of the node still gives ``uname -n`` (as written, an FQDN whole:
    what hostname.sh / systemd set), so the verdict is cman_tool join's as above."""
    conf = (CASE / "good" / "xen03" / CONF).read_text().replace('name="xen03"', 'name="xen3"')
    paths, names = [], {}
    for n in NODES:
        d = tmp_path / n
        d.mkdir()
        hosts = (CASE / "good" / n / "etc" / "hosts").read_text()
        files = {"cluster.conf": conf, "hosts": hosts, "hostname": f"{n}.lab.example.com\n"}
        if n == "xen03":  # (no interface doubt left: see the test above)
            files["hosts"] = hosts.replace("xen03.lab.example.com\txen03", "san-gw")
        for name, text in files.items():
            (d / name).write_text(text)
            paths.append(str(d / name))
            names[str(d / name)] = n
    (f,) = lint.run(paths, names=names, select=["CM009"]).findings
    assert Path(f.path).parent.name == "xen03"
    assert f.message.startswith("this node is xen03.lab.example.com (uname -n)")
    assert [(Path(r.path).name, r.line) for r in f.related] == [("hostname", 1)]
