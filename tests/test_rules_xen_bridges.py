"""XN021: a guest's vif bridge that a node holding its config does not make.

Xen's hotplug script (tools/hotplug/Linux/vif-bridge) runs ``ip link show $bridge``
and fails with "Could not find bridge device $bridge" when there is none; a missing
``xenbrN`` is taken as ``ethN`` only where ``ethN`` is a bridge (the "old style"
translation in the same script). xl and xend then refuse to start the guest there.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xencfg import lint

VIF = (
    "name = 'web'\nmemory = 512\nkernel = '/boot/vmlinuz'\nvif = ['mac=00:16:3e:00:00:01,{vif}']\n"
)

DEBIAN = {
    "xenbr0": "auto xenbr0\niface xenbr0 inet static\n  address 10.0.0.{n}/24\n"
    "  bridge_ports eth0\n",
    "xenbr1": "auto xenbr1\niface xenbr1 inet manual\n  bridge_ports eth1\n",
    "eth1": "auto eth1\niface eth1 inet manual\n  bridge-ports peth1\n",
}


def tree(
    tmp_path: Path,
    nets: dict[str, list[str]],
    vif: str,
    extra: dict[str, dict[str, str]] | None = None,
) -> list[str]:
    for n, (node, stanzas) in enumerate(nets.items(), 1):
        etc = tmp_path / node / "etc"
        (etc / "network").mkdir(parents=True)
        (etc / "xen").mkdir()
        (etc / "hostname").write_text(node + "\n")
        text = "".join(DEBIAN[s].format(n=n) for s in stanzas)
        (etc / "network" / "interfaces").write_text(text)
        (etc / "xen" / "web.cfg").write_text(VIF.format(vif=vif))
        for rel, body in (extra or {}).get(node, {}).items():
            (etc / rel).parent.mkdir(parents=True, exist_ok=True)
            (etc / rel).write_text(body)
    return [str(tmp_path / node) for node in nets]


def xn021(paths: list[str]) -> list[tuple[str, str]]:
    found = lint.run(paths, select=["XN021"]).findings
    return [(Path(f.path).parts[-4], f.severity) for f in found]


def test_a_bridge_one_node_lacks_is_a_warning_there(tmp_path: Path) -> None:
    paths = tree(tmp_path, {"xen1": ["xenbr0", "xenbr1"], "xen2": ["xenbr0"]}, "bridge=xenbr1")
    assert xn021(paths) == [("xen2", "warning")]
    (finding,) = lint.run(paths, select=["XN021"]).findings
    assert "names bridge xenbr1, which xen2's network files do not make (they make xenbr0)" in (
        finding.message
    )
    assert "Could not find bridge device xenbr1" in finding.message


@pytest.mark.parametrize(
    ("nets", "vif"),
    [
        ({"xen1": ["xenbr0", "xenbr1"], "xen2": ["xenbr0", "xenbr1"]}, "bridge=xenbr1"),
        # no node makes it in its files: made some other way, nothing to compare with
        ({"xen1": ["xenbr0"], "xen2": ["xenbr0"]}, "bridge=xenbr1"),
        # vif-bridge takes a missing xenbr1 as eth1 where eth1 is a bridge
        ({"xen1": ["xenbr0", "xenbr1"], "xen2": ["xenbr0", "eth1"]}, "bridge=xenbr1"),
        # an Open vSwitch port: the bridge is in OVS's database, not in these files
        (
            {"xen1": ["xenbr0", "xenbr1"], "xen2": ["xenbr0"]},
            "bridge=xenbr1,script=vif-openvswitch",
        ),
        # no bridge= (the default bridge): not judged
        ({"xen1": ["xenbr0", "xenbr1"], "xen2": ["xenbr0"]}, "type=vif"),
        # a node whose files make no bridge at all: no evidence of how it makes them
        ({"xen1": ["xenbr0", "xenbr1"], "xen2": []}, "bridge=xenbr1"),
    ],
)
def test_no_warning_where_the_bridge_is_there_or_nothing_tells(
    tmp_path: Path, nets: dict[str, list[str]], vif: str
) -> None:
    assert xn021(tree(tmp_path, nets, vif)) == []


def test_xend_network_bridge_makes_the_bridges_itself(tmp_path: Path) -> None:
    """xend's network-script (network-bridge) makes bridges whose names depend on the
    release and its arguments: a node that runs one is not judged; /bin/true is none."""
    nets = {"xen1": ["xenbr0", "xenbr1"], "xen2": ["xenbr0"]}
    script = {"xen2": {"xen/xend-config.sxp": "(network-script 'network-bridge netdev=eth1')\n"}}
    assert xn021(tree(tmp_path / "a", nets, "bridge=xenbr1", script)) == []
    true = {"xen2": {"xen/xend-config.sxp": "(network-script /bin/true)\n"}}
    assert xn021(tree(tmp_path / "b", nets, "bridge=xenbr1", true)) == [("xen2", "warning")]


def test_red_hat_ifcfg_bridges(tmp_path: Path) -> None:
    """An ifcfg file of TYPE=Bridge makes its DEVICE; a port's BRIDGE= makes the bridge
    too (initscripts' ifup-eth adds it when it does not exist)."""
    nets: dict[str, list[str]] = {"xen1": [], "xen2": []}
    files = {
        "xen1": {"sysconfig/network-scripts/ifcfg-br1": "DEVICE=br1\nTYPE=Bridge\n"},
        "xen2": {"sysconfig/network-scripts/ifcfg-eth0": "DEVICE=eth0\nBRIDGE=br0\n"},
    }
    assert xn021(tree(tmp_path, nets, "bridge=br1", files)) == [("xen2", "warning")]
