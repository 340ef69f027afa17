"""What OpenRC starts at boot, the host name Gentoo gives the kernel, and a geo
cluster's shared drbd.conf linted one site at a time (found on the unseen9 trees,
tests/test_audit_unseen9_trees.py).

OpenRC: ``rc-update add NAME LEVEL`` links /etc/runlevels/LEVEL/NAME to
/etc/init.d/NAME (OpenRC man/rc-update.8); a boot runs sysinit, boot, then default,
and "all services in the boot and sysinit runlevels are automatically included in all
other runlevels" (OpenRC's guide, "Runlevels"). Gentoo's host name: OpenRC's
init.d/hostname runs ``hostname "${hostname-${HOSTNAME-localhost}}"`` with the
variables openrc-run sources from /etc/conf.d/hostname.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from test_rules_boot_services import hb018, node, prim
from xencfg import lint
from xencfg.bootlinks import boot_links
from xencfg.discover import boot_hostname, node_root


@pytest.mark.parametrize(
    ("links", "found"),
    [
        (("runlevels/default/httpd",), [("warning", "httpd")]),
        (("runlevels/boot/httpd",), [("warning", "httpd")]),
        (("runlevels/sysinit/httpd",), [("warning", "httpd")]),
        (("runlevels/shutdown/httpd", "runlevels/default/sshd"), []),
        (("runlevels/default/sshd",), []),
    ],
)
def test_openrc_runlevel(tmp_path: Path, links: tuple[str, ...], found: list[object]) -> None:
    """An lsb:httpd resource and httpd in a runlevel a boot runs: HB018 (lint read no
    runlevels and said nothing); in shutdown only, or not at all: nothing."""
    root = node(tmp_path, resources=prim("web", "lsb:httpd"), links=links)
    assert hb018(root) == found


def test_openrc_runlevels_say_what_is_off(tmp_path: Path) -> None:
    """A tree with /etc/runlevels shows what is enabled: xendomains in none is off
    (``False``, so XN019 says nothing of /etc/xen/auto), not unknown (``None``)."""
    root = node(tmp_path, links=("runlevels/default/sshd",))
    tree = node_root(root, root / "etc")
    assert boot_links(tree) == {"sshd": "/etc/runlevels/default/sshd"}


@pytest.mark.parametrize(
    ("files", "name"),
    [
        ({"conf.d/hostname": 'hostname="gx1"\n'}, "gx1"),
        ({"conf.d/hostname": "HOSTNAME=gx1\n"}, "gx1"),
        ({"conf.d/hostname": 'hostname="gx1"\n', "hostname": "gx9\n"}, "gx9"),
        ({"conf.d/hostname": 'hostname="$(cat /x)"\n'}, None),
    ],
)
def test_gentoo_conf_d_hostname(tmp_path: Path, files: dict[str, str], name: str | None) -> None:
    """conf.d/hostname names the node when no etc/hostname does; a value the shell
    would expand names nothing."""
    etc = tmp_path / "etc"
    for rel, text in files.items():
        (etc / rel).parent.mkdir(parents=True, exist_ok=True)
        (etc / rel).write_text(text)
    found = boot_hostname(tmp_path, etc)
    assert (found.name if found else None) == name


SITE_DRBD = """resource r-a {
	device /dev/drbd0; disk /dev/vg0/r; meta-disk internal;
	on a1 { address 10.0.1.1:7788; }
	on a2 { address 10.0.1.2:7788; }
}
resource r-b {
	device /dev/drbd0; disk /dev/vg0/r; meta-disk internal;
	on b1 { address 10.0.2.1:7788; }
	on b2 { address 10.0.2.2:7788; }
}
"""

STACKED = """resource r-u {
	stacked-on-top-of r-a { device /dev/drbd10; address 10.0.1.100:7790; }
	stacked-on-top-of r-b { device /dev/drbd10; address 10.0.2.100:7790; }
}
"""


def _site(tmp_path: Path, conf: str) -> list[str]:
    for n in ("a1", "a2"):
        (tmp_path / n / "etc").mkdir(parents=True)
        (tmp_path / n / "etc/hostname").write_text(f"{n}\n")
        (tmp_path / n / "etc/drbd.conf").write_text(conf)
    found = lint.run([str(tmp_path / n) for n in ("a1", "a2")], select=["DR005", "DR006"])
    return sorted({(f.code, f.severity) for f in found.findings})


def test_geo_site_alone_other_sites_lower_resource(tmp_path: Path) -> None:
    """Site a's nodes alone, the shared drbd.conf holding site b's lower resource r-b,
    which the stacked r-u also stacks on: nothing (peer-drbdadm --mode 84 --node a1:
    "# resource r-b on a1: ignored, not stacked"; drbdadm needs r-b defined for r-u's
    other side). Without r-u, r-b names hosts no file of the run knows: DR005, DR006 as
    before (nothing says it is another site's)."""
    assert _site(tmp_path / "geo", SITE_DRBD + STACKED) == []
    assert _site(tmp_path / "plain", SITE_DRBD) == [("DR005", "warning"), ("DR006", "error")]


def test_booth_conf_lines() -> None:
    """booth.conf read as booth's src/config.c ``read_config`` cuts a line: quoted
    values (double or single quotes) end at the quote, an unquoted one runs to the end
    of the line (a ``#`` there is part of it), ``__defaults__`` is no ticket."""
    from xencfg.booth import _parse

    conf = _parse(
        "/etc/booth/booth.conf",
        "# sites\nsite = 10.0.0.1\nsite=\"10.0.0.2\"\narbitrator = '10.0.0.3'\n"
        'ticket = "__defaults__"\n\texpire = 600\nticket = "t1"\nticket=t2 # x\n',
    )
    assert conf.sites == ("10.0.0.1", "10.0.0.2")
    assert conf.arbitrators == ("10.0.0.3",)
    assert conf.tickets == ("t1", "t2 # x")


def test_openrc_stacked_runlevel(tmp_path: Path) -> None:
    """``rc-update -s add cluster default`` links runlevels/default/cluster to
    ../cluster (OpenRC librc.c ``rc_runlevel_stack``): httpd in the stacked runlevel
    starts at boot (HB018), and the stack's name is no service. A loop of stacks is
    read once."""
    root = node(tmp_path, resources=prim("web", "lsb:httpd"), links=("runlevels/cluster/httpd",))
    os.symlink("../cluster", root / "etc/runlevels/cluster/default")
    (root / "etc/runlevels/default").mkdir()
    os.symlink("../cluster", root / "etc/runlevels/default/cluster")
    tree = node_root(root, root / "etc")
    assert boot_links(tree) == {"httpd": "/etc/runlevels/cluster/httpd"}
    assert hb018(root) == [("warning", "httpd")]
