"""XN007: a xend relocation server bound where the peers do not connect.

xend binds its relocation server to ``xend-relocation-address`` (Xen's
tools/python/xen/xend/server/relocate.py ``listenRelocation``: ``interface =
xoptions.get_xend_relocation_address()`` handed to the TCP listener; XendRoot.py in Xen
3.0 and XendOptions.py from 3.1 default it to '', every address, and the server itself
to 'no'). The Xen resource agent migrates with ``xm migrate --live DOMAIN NODE``, NODE
the target's node name, resolved on the migrating node: a loopback address is reachable
by no peer; an address other than the one the peer's /etc/hosts gives the node name
refuses the connection. Each test has a failing and a passing tree.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from test_rules_xen import CIB, run, write

HOSTS = (
    "127.0.0.1 localhost\n192.168.1.1 alpha\n192.168.1.2 beta\n"
    "10.0.0.1 alpha-drbd\n10.0.0.2 beta-drbd\n"
)
ALLOW = "(xend-relocation-hosts-allow '^localhost$ ^alpha ^beta ^192\\.168\\. ^10\\.0\\.')\n"


def _xend(address: str | None) -> str:
    line = "" if address is None else f"(xend-relocation-address '{address}')\n"
    return "(xend-relocation-server yes)\n(xend-relocation-port 8002)\n" + line + ALLOW


def _pair(tmp: Path, alpha_address: str | None, cib: str = CIB, hosts: str = HOSTS) -> list[Path]:
    return [
        write(
            tmp / name,
            {
                "etc/hostname": f"{name}\n",
                "etc/hosts": hosts,
                "etc/xen/xend-config.sxp": _xend(alpha_address if name == "alpha" else None),
                "var/lib/heartbeat/crm/cib.xml": cib,
            },
        )
        for name in ("alpha", "beta")
    ]


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1"])
def test_loopback_relocation_address(tmp_path: Path, address: str) -> None:
    found = run(_pair(tmp_path, address), "XN007")
    assert [(f, line) for f, line, _, _ in found] == [("xen/xend-config.sxp", 3)]
    assert "loopback address: no peer reaches its relocation server" in found[0][2]


def test_address_the_peer_does_not_resolve_the_node_to(tmp_path: Path) -> None:
    """alpha listens on its DRBD link (10.0.0.1) only; beta's /etc/hosts gives alpha
    as 192.168.1.1, where ``xm migrate --live vm1 alpha`` connects."""
    found = run(_pair(tmp_path, "10.0.0.1"), "XN007")
    assert [(f, line, rel) for f, line, _, rel in found] == [
        ("xen/xend-config.sxp", 3, [("etc/hosts", 2), ("crm/cib.xml", 1), ("crm/cib.xml", 1)])
    ]
    assert (
        "listens on 10.0.0.1 only, but beta's /etc/hosts gives alpha as 192.168.1.1"
        in (found[0][2])
    )


@pytest.mark.parametrize(
    "address",
    [None, "", "0.0.0.0", "192.168.1.1", "alpha"],
    ids=["absent", "empty", "any", "the-hosts-address", "own-name"],
)
def test_reachable_relocation_address(tmp_path: Path, address: str | None) -> None:
    assert run(_pair(tmp_path, address), "XN007") == []


def test_no_live_migration_no_finding(tmp_path: Path) -> None:
    """Without allow-migrate the CRM stops and starts guests: no relocation needed."""
    cib = CIB.replace('value="true"', 'value="false"')
    assert run(_pair(tmp_path, "127.0.0.1", cib=cib), "XN007") == []


def test_node_ip_attribute_migrates_to_another_address(tmp_path: Path) -> None:
    """With ``node_ip_attribute`` the agent migrates to the address a node attribute
    gives, not to the node name: /etc/hosts says nothing then (loopback still does)."""
    cib = CIB.replace(
        'value="/etc/xen/vm1"/>',
        'value="/etc/xen/vm1"/><nvpair id="vm1-ip" name="node_ip_attribute" value="mig_ip"/>',
    )
    assert run(_pair(tmp_path, "10.0.0.1", cib=cib), "XN007") == []
    assert len(run(_pair(tmp_path / "lo", "127.0.0.1", cib=cib), "XN007")) == 1


def test_dns_decides_no_finding(tmp_path: Path) -> None:
    """A peer whose /etc/hosts does not name the node resolves it by DNS: unknown here."""
    hosts = "127.0.0.1 localhost\n"
    assert run(_pair(tmp_path, "10.0.0.1", hosts=hosts), "XN007") == []


def test_peers_address_copied_with_the_file(tmp_path: Path) -> None:
    """alpha's xend-config.sxp copied to beta: beta binds 10.0.0.1, alpha's address by
    every /etc/hosts (alpha-drbd): the bind fails, beta runs no relocation server. Found
    with node_ip_attribute too (the address check does not depend on the node name)."""
    cib = CIB.replace(
        'value="/etc/xen/vm1"/>',
        'value="/etc/xen/vm1"/><nvpair id="vm1-ip" name="node_ip_attribute" value="mig_ip"/>',
    )
    alpha, beta = _pair(tmp_path, "10.0.0.1", cib=cib)
    (beta / "etc/xen/xend-config.sxp").write_text(_xend("10.0.0.1"))
    found = run([alpha, beta], "XN007")
    assert len(found) == 1 and "is alpha's address" in found[0][2]
    assert "xend cannot bind it here" in found[0][2]
    (beta / "etc/xen/xend-config.sxp").write_text(_xend("10.0.0.2"))
    assert run([alpha, beta], "XN007") == []
