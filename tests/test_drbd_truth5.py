"""DRBD lint truth, fifth pass: each expected verdict is drbdadm's (drbd-utils 9.22 run
as peer-drbdadm ``--mode 83|84|9``, /work/shared/oracle/peers) or a line of the
drbd-utils source named beside it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import xencfg
from lintkit import tree
from xencfg import lint
from xencfg.formats.schema import Version

DRBD_DOMAINS = (
    "resource r0 {\n"
    "  on alpha.b.com {\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
    "    address 10.0.0.1:7788;\n    meta-disk internal;\n  }\n"
    "  on beta.b.com {\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
    "    address 10.0.0.2:7788;\n    meta-disk internal;\n  }\n}\n"
)


def _lint(roots: list[Path], code: str, release: str | None = None) -> list[str]:
    versions = {"drbd": Version.parse(release)} if release else None
    return [
        f.message
        for f in lint.run([str(r) for r in roots], select=[code], versions=versions).findings
    ]


# -- LS015: drbdadm's hostnames_equal, not a short-name match ------------------------------


@pytest.mark.parametrize(
    ("release", "uname", "accepted"),
    [
        # user/v9/drbdadm_parser.c hostnames_equal: "Both hostnames contain a domain part.
        # return !strcasecmp(a, b)" -- peer-drbdadm --mode 9 --node alpha.a.com on this
        # file: "# resource r0 on alpha.a.com: ignored, not stacked"
        ("9.2.0", "alpha.a.com", False),
        # ... same name in another case: "not ignored" (strcasecmp)
        ("9.2.0", "ALPHA.B.COM", True),
        # "One or both hostnames are short": host parts compared, any case ("not ignored")
        ("9.2.0", "ALPHA", True),
        ("9.2.0", "alpha", True),
        # drbdadm 8.4 compares with strcmp: --mode 84 --node ALPHA.B.COM "ignored",
        # --node alpha "ignored", --node alpha.b.com "not ignored"
        ("8.4.11", "ALPHA.B.COM", False),
        ("8.4.11", "alpha", False),
        ("8.4.11", "alpha.b.com", True),
    ],
)
def test_ls015_follows_hostnames_equal(
    tmp_path: Path, release: str, uname: str, accepted: bool
) -> None:
    root = tree(
        tmp_path,
        "alpha",
        {
            "etc/hostname": "alpha\n",
            "etc/drbd.conf": DRBD_DOMAINS,
            "var/lib/xencfg/state/uname_n.txt": uname + "\n",
        },
    )
    got = _lint([root], "LS015", release)
    assert (got == []) is accepted, got


# -- Connection.all_paths: the paths drbdadm 9's parse_connection makes -------------------


def test_connection_all_paths_as_parse_connection_makes_them() -> None:
    # user/v9/drbdadm_parser.c parse_connection: host statements before any 'path'
    # section form path0; each 'path' section is a path; a host statement after a
    # path section is refused ("Explicit and implicit paths not allowed")
    from xencfg.formats.drbd import DrbdDocument

    def paths(conn: str) -> list[list[str]]:
        doc = xencfg.loads(f"resource r0 {{\n  connection {{\n{conn}  }}\n}}\n", format="drbd")
        assert isinstance(doc, DrbdDocument)
        (c,) = doc.resource_list()[0].connections
        return [[h.name for h in p] for p in c.all_paths]

    implicit = "    host a address 10.0.0.1:7000;\n    host b address 10.0.0.2:7000;\n"
    path = (
        "    path {\n      host a address 10.1.0.1:7000;\n"
        "      host b address 10.1.0.2:7000;\n    }\n"
    )
    assert paths(implicit) == [["a", "b"]]
    assert paths(path) == [["a", "b"]]
    assert paths(implicit + path + path) == [["a", "b"], ["a", "b"], ["a", "b"]]
    # a host section (with 'via proxy') counts as a host statement does
    section = "    host a { }\n    host b address 10.0.0.2:7000;\n"
    assert paths(section + path) == [["a", "b"], ["a", "b"]]
    # the host after the path section is left out
    assert paths(path + "    host c address 10.0.0.3:7000;\n") == [["a", "b"]]
    assert paths("") == []


# -- DR009/DR028: DRBD 9's per-connection protocol -----------------------------------------

HOSTS3 = "".join(
    f"  on {n} {{\n    node-id {i};\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
    f"    address 10.0.0.{i + 1}:7788;\n    meta-disk internal;\n  }}\n"
    for i, n in enumerate(("alpha", "beta", "gamma"))
)


def _res9(protocol: str, *connections: tuple[str, str, str | None]) -> str:
    out = f"resource r0 {{\n  net {{\n    protocol {protocol};\n  }}\n{HOSTS3}"
    for a, b, p in connections:
        net = f" net {{ protocol {p}; }}" if p else ""
        out += f"  connection {{ host {a}; host {b};{net} }}\n"
    return out + "}\n"


def _three(tmp_path: Path, **copies: str) -> Path:
    root = tmp_path / "c"
    for node, text in copies.items():
        tree(root, node, {"etc/drbd.conf": text, "etc/hostname": node + "\n"})
    return root


def test_dr009_per_connection_protocol_same_in_effect(tmp_path: Path) -> None:
    # alpha's and beta's copies set other resource-level protocols, but each connection
    # ends up with the same one on both of its nodes: `drbdadm -d up r0` (9.22, drbd 9
    # parser, __DRBD_NODE__ each node) prints on both copies alike "new-peer r0 1
    # --_name=beta --protocol=A", "new-peer r0 2 --_name=gamma --protocol=C" (alpha),
    # "--_name=alpha --protocol=A", "--_name=gamma --protocol=C" (beta), --protocol=C
    # twice (gamma): a connection's own net options over the resource's
    # (expand_common, user/v9/drbdadm_postparse.c). Lint said "protocol A vs C".
    a = _res9("C", ("alpha", "beta", "A"), ("alpha", "gamma", None), ("beta", "gamma", None))
    b = _res9("A", ("alpha", "beta", None), ("alpha", "gamma", "C"), ("beta", "gamma", "C"))
    root = _three(tmp_path, alpha=a, beta=b, gamma=a)
    for code in ("DR009", "DR028"):
        assert _lint([root], code, "9.2.0") == [], code


def test_dr009_per_connection_protocol_really_differs(tmp_path: Path) -> None:
    # both copies override alpha-gamma alike, but the resource-level protocol the
    # alpha-beta and beta-gamma connections inherit differs: `drbdadm -d up r0` prints
    # "--_name=beta --protocol=C" on alpha and "--_name=alpha --protocol=A" on beta;
    # the kernel's receive_protocol drops the connection ("incompatible protocol
    # settings")
    a = _res9("C", ("alpha", "beta", None), ("alpha", "gamma", "A"), ("beta", "gamma", None))
    b = _res9("A", ("alpha", "beta", None), ("alpha", "gamma", "A"), ("beta", "gamma", None))
    root = _three(tmp_path, alpha=a, beta=b, gamma=a)
    got = _lint([root], "DR009", "9.2.0") + _lint([root], "DR028", "9.2.0")
    assert got == [
        "resource 'r0' on beta and alpha: protocol A here, C there; the peers refuse to "
        "connect (incompatible settings)",
        "resource 'r0' on gamma and beta: protocol C here, A there; the peers refuse to "
        "connect (incompatible settings)",
    ]


# -- floating hosts: the DRBD role and DR006 -----------------------------------------------

FLOATING = (
    "resource r0 {\n  protocol C;\n"
    "  on alpha {\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
    "    address 10.0.0.1:7788;\n    meta-disk internal;\n  }\n"
    "  floating 10.0.0.2:7788 {\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
    "    meta-disk internal;\n  }\n}\n"
)

CIB_VIP = """<cib admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config/>
    <nodes/>
    <resources>
      <primitive id="ip-drbd" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="ip-drbd-ia"><attributes>
          <nvpair id="ip-drbd-ip" name="ip" value="10.0.0.2"/>
        </attributes></instance_attributes>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def _floating_pair(tmp_path: Path, beta: dict[str, str]) -> Path:
    root = tmp_path / "pair"
    tree(root, "alpha", {"etc/drbd.conf": FLOATING, "etc/hostname": "alpha\n"})
    tree(root, "beta", {"etc/drbd.conf": FLOATING, "etc/hostname": "beta\n", **beta})
    return root


def _ip(address: str) -> str:
    return f"2: eth0    inet {address}/24 scope global eth0\n"


@pytest.mark.parametrize(
    "beta",
    [
        {"etc/hosts": "10.0.0.1 alpha\n10.0.0.2 beta\n"},
        {"var/lib/xencfg/state/ip_addr.txt": _ip("10.0.0.2")},
        # the LINBIT user's guide (8.3, 8.4, 9), "floating peers": the addresses "must
        # be virtual cluster IP addresses": beta's CIB moves 10.0.0.2 to it in turn
        {"var/lib/heartbeat/crm/cib.xml": CIB_VIP},
    ],
    ids=["hosts", "ip-addr", "cib-vip"],
)
def test_floating_address_gives_the_drbd_role(tmp_path: Path, beta: dict[str, str]) -> None:
    # drbdadm picks a floating section by an address the machine holds: on a machine
    # with 10.0.0.2 (peer-drbdadm, 8.3/8.4/9 parsers) "# resource r0 on vm: not
    # ignored" (tests/test_drbd_floating.py); cluster.py named 'on' hosts only
    model = lint.run([str(_floating_pair(tmp_path, beta))], select=["DR006"]).cluster.model
    info = model.node("beta")
    assert info is not None and "drbd" in info.roles
    assert model.drbd["r0"].members == {"alpha", "beta"}


@pytest.mark.parametrize(
    ("beta", "found"),
    [
        # beta's captured ip addr has 10.0.0.9 only and nothing moves 10.0.0.2 there:
        # drbdadm on beta (peer-drbdadm --mode 84/9 in a namespace with 10.0.0.9 on lo)
        # dumps "# resource r0 on beta: ignored, not stacked"; 8.3 "no normal resources
        # defined for this host"
        ({"var/lib/xencfg/state/ip_addr.txt": _ip("10.0.0.9")}, True),
        ({"var/lib/xencfg/state/ip_addr.txt": _ip("10.0.0.2")}, False),
        # a virtual address the CIB moves: beta takes the resource when it holds it
        (
            {
                "var/lib/xencfg/state/ip_addr.txt": _ip("10.0.0.9"),
                "var/lib/heartbeat/crm/cib.xml": CIB_VIP,
            },
            False,
        ),
        # nothing captured: lint cannot tell what beta holds
        ({}, False),
    ],
)
def test_dr006_node_with_neither_name_nor_floating_address(
    tmp_path: Path, beta: dict[str, str], found: bool
) -> None:
    got = _lint([_floating_pair(tmp_path, beta)], "DR006")
    want = [
        "resource 'r0' has no 'on beta' section and beta holds none of its floating "
        "addresses (10.0.0.2; its ip addr was captured), which no cluster manager moves: "
        "drbdadm ignores the resource there"
    ]
    assert got == (want if found else [])


# -- drbd-utils after 9.22: keywords only a newer drbdadm reads ----------------------------


def _res2(section: str) -> str:
    return (
        f"resource r0 {{\n{section}"
        "  on alpha {\n    node-id 0;\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
        "    address 10.0.0.1:7788;\n    meta-disk internal;\n  }\n"
        "  on beta {\n    node-id 1;\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
        "    address 10.0.0.2:7788;\n    meta-disk internal;\n  }\n}\n"
    )


#: (section text, the first drbd-utils release whose drbdadm reads it): each refused by
#: drbd-utils 9.22 (peer-drbdadm --mode 9), each in the option tables of
#: user/v9/config_flags.c or the parser of user/v9/drbdadm_parser.c from that tag on
UTILS_KEYWORDS = [
    # v9.24.0 insert_pd_options_delegate: device_options_ctx (max-bio-size, diskless,
    # block-size); 9.22: "'resync-rate | c-plan-ahead | ... | bitmap' expected, but got
    # 'block-size'"
    ("  disk {\n    block-size 4096;\n  }\n", "9.24"),
    ("  disk {\n    max-bio-size 4096;\n  }\n", "9.24"),
    ("  disk {\n    diskless;\n  }\n", "9.24"),
    # v9.26.0 CHANGEABLE_NET_OPTIONS / IMMUTABLE_NET_OPTIONS; 9.22: "'an option keyword'
    # expected, but got 'tls'"
    ("  net {\n    tls yes;\n  }\n", "9.26"),
    ("  net {\n    tls-keyring mykeys;\n  }\n", "9.26"),
    ("  net {\n    load-balance-paths yes;\n  }\n", "9.26"),
    ("  net {\n    rdma-ctrl-rcvbuf-size 4096;\n  }\n", "9.26"),
    # v9.32.0 peer_device_options_ctx
    ("  disk {\n    resync-without-replication yes;\n  }\n", "9.32"),
    # v9.33.0 resource_options_ctx
    ("  options {\n    drbd8-api-compatibility yes;\n  }\n", "9.33"),
    # v9.34.0 device_options_ctx, peer_device_options_ctx, parse_volume_stmt TK_TIEBREAKER
    ("  disk {\n    discard-granularity 4096;\n  }\n", "9.34"),
    ("  disk {\n    peer-tiebreaker yes;\n  }\n", "9.34"),
    (
        "  volume 0 {\n    device /dev/drbd1;\n    disk /dev/sdc1;\n    meta-disk internal;\n"
        "    tiebreaker yes;\n  }\n",
        "9.34",
    ),
]


@pytest.mark.parametrize(("section", "first"), UTILS_KEYWORDS)
def test_keywords_of_drbd_utils_after_922(tmp_path: Path, section: str, first: str) -> None:
    text = _res2(section)
    (tmp_path / "drbd.conf").write_text(text)

    def verdicts(utils: str | None) -> list[tuple[str, str]]:
        versions = {"drbd": Version.parse("9.2.0")}
        if utils:
            versions["drbd-utils"] = Version.parse(utils)
        result = lint.run([str(tmp_path / "drbd.conf")], versions=versions)
        return [(f.code, f.severity) for f in result.findings if f.code.startswith("XC")]

    # drbd-utils 9.22 (peer-drbdadm --mode 9) refuses the file: an error
    assert verdicts("9.22") == [("XC008", "error")]
    # the release that first reads it, and any later one: nothing
    assert verdicts(first) == []
    assert verdicts("9.34") == []
    # the drbd-utils release not known: advice
    assert verdicts(None) == [("XC008", "warning")]


def test_device_options_are_no_syncer_options(tmp_path: Path) -> None:
    # parse_options_syncer (user/v9/drbdadm_parser.c, 9.22 to 9.34) looks in the net,
    # attach, resource (and from 9.29 peer-device) tables, never device_options_ctx:
    # peer-drbdadm --mode 9 "'a syncer option keyword' expected, but got 'block-size'"
    (tmp_path / "drbd.conf").write_text(_res2("  syncer {\n    block-size 4096;\n  }\n"))
    versions = {"drbd": Version.parse("9.2.0"), "drbd-utils": Version.parse("9.34")}
    result = lint.run([str(tmp_path / "drbd.conf")], versions=versions)
    assert [f.code for f in result.findings if f.severity == "error"] == ["XC009"]


VIA = (
    "  connection {\n    host alpha address 10.0.0.1:7788 via {via};\n"
    "    host beta address 10.0.0.2:7788;\n  }\n"
)


@pytest.mark.parametrize(
    ("via", "utils", "want"),
    [
        # drbd-utils 9.22 (peer-drbdadm --mode 9): "Parse error: 'TK_PROXY' expected,
        # but got 'outside-address'"; v9.23.0's parse_via reads it (ChangeLog "allow via
        # outside-address for NATed peers")
        ("outside-address 192.0.2.1:7788", "9.22", [("XC008", "error")]),
        ("outside-address 192.0.2.1:7788", "9.23", []),
        ("outside-address 192.0.2.1:7788", None, [("XC008", "warning")]),
        # any other word: every release refuses it (9.22: "'TK_PROXY' expected, but got
        # 'outside'"; 9.23 on: "'proxy | outside-address' expected")
        ("outside 192.0.2.1:7788", "9.34", [("XC005", "error")]),
        # parse_via reads the address as __parse_address does (drbdadm: "not a valid IP")
        ("outside-address 192.0.2.x:7788", "9.34", [("XC005", "error")]),
    ],
)
def test_via_outside_address(
    tmp_path: Path, via: str, utils: str | None, want: list[tuple[str, str]]
) -> None:
    (tmp_path / "drbd.conf").write_text(_res2(VIA.replace("{via}", via)))
    versions = {"drbd": Version.parse("9.2.0")}
    if utils:
        versions["drbd-utils"] = Version.parse(utils)
    result = lint.run([str(tmp_path / "drbd.conf")], versions=versions)
    assert [(f.code, f.severity) for f in result.findings if f.code.startswith("XC")] == want


# -- DRBD 8.3's address families, run in 8.3 mode with IPv6 on lo --------------------------


def drbdadm(text: str, tmp: Path, release: str, node: str, local: tuple[str, ...]) -> bool:
    """drbdadm -c FILE dump all (drbd-utils 9.22; DRBD_DRIVER_VERSION_OVERRIDE picks the
    8.3, 8.4 or 9 parser) as ``node`` in a private network namespace whose ``lo`` holds
    ``local`` (IPv4 and IPv6 alike: peer-drbdadm puts only a file's IPv4 addresses
    there). Skips without drbdadm, unshare or root (fails under CI=true)."""
    conf = tmp / "drbd.conf"
    conf.write_text(text)
    return drbdadm_at(conf, release, node, local)


def drbdadm_at(conf: Path, release: str, node: str, local: tuple[str, ...]) -> bool:
    """:func:`drbdadm` on a drbd.conf already written (with the files it includes)."""
    import os
    import shutil
    import subprocess

    from conftest import unavailable

    if shutil.which("drbdadm") is None:
        unavailable("drbdadm is not installed (Debian package drbd-utils)")
    if shutil.which("unshare") is None or os.geteuid() != 0:
        unavailable("drbdadm in 8.3 mode needs root and unshare -n to own the node's address")
    script = (
        'ip link set lo up; for a in $3; do case $a in *:*) ip -6 addr add "$a"/128 dev lo;;'
        ' *) ip addr add "$a"/32 dev lo;; esac; done; __DRBD_NODE__="$1"'
        ' DRBD_DRIVER_VERSION_OVERRIDE="$2" exec drbdadm -c "$4" dump all'
    )
    args = [node, release, " ".join(local), str(conf)]
    proc = subprocess.run(
        ["unshare", "-n", "sh", "-c", script, "sh", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return proc.returncode == 0


def _pair83(alpha: str, beta: str) -> str:
    return (
        "resource r0 {\n  protocol C;\n"
        f"  on alpha {{\n    device /dev/drbd0;\n    disk /dev/sdb1;\n    address {alpha};\n"
        "    meta-disk internal;\n  }\n"
        f"  on beta {{\n    device /dev/drbd0;\n    disk /dev/sdb1;\n    address {beta};\n"
        "    meta-disk internal;\n  }\n}\n"
    )


#: (alpha's address, beta's, accepted by drbdadm 8.3 as alpha holding 10.0.0.1 and
#: fd00::1): recorded with drbdadm(); the 8.3 parser (user/v83/drbdadm_parser.c
#: parse_address: "'ssocks | sdp | ipv4 | ipv6 | <ipv4 address> ' expected") reads
#: sci as ssocks, wants IPv6 in brackets after 'ipv6', and checks only an ipv4/ipv6
#: address against the host's ("IP fd00::1 not found on this host")
FAMILIES_83 = [
    ("ipv6 [fd00::1]:7788", "ipv6 [fd00::2]:7788", True),
    ("sdp 10.0.0.1:7788", "sdp 10.0.0.2:7788", True),
    ("ssocks 10.0.0.1:7788", "ssocks 10.0.0.2:7788", True),
    ("sci 10.0.0.1:7788", "sci 10.0.0.2:7788", True),
    ("ipv6 [fd00::1]:7788", "ipv4 10.0.0.2:7788", True),
    # "'[' expected, but got 'fd00::1:7788'"
    ("ipv6 fd00::1:7788", "ipv6 fd00::2:7788", False),
    # "'TK_IPADDR' expected, but got '['"
    ("ipv4 [fd00::1]:7788", "ipv4 10.0.0.2:7788", False),
    # "'[' expected, but got '10.0.0.1'"
    ("ipv6 10.0.0.1:7788", "ipv6 10.0.0.2:7788", False),
    # "'ssocks | sdp | ipv4 | ipv6 | <ipv4 address> ' expected, but got '['"
    ("[fd00::1]:7788", "[fd00::2]:7788", False),
]


@pytest.mark.parametrize(("alpha", "beta", "accepted"), FAMILIES_83)
def test_drbd83_address_families_as_drbdadm_83(
    tmp_path: Path, alpha: str, beta: str, accepted: bool
) -> None:
    text = _pair83(alpha, beta)
    (tmp_path / "drbd.conf").write_text(text)
    result = lint.run([str(tmp_path / "drbd.conf")], versions={"drbd": Version.parse("8.3.16")})
    errors = [f.code for f in result.findings if f.severity == "error"]
    assert (errors == []) is accepted, errors
    run = tmp_path / "run"
    run.mkdir()
    assert drbdadm(text, run, "8.3.16", "alpha", ("10.0.0.1", "fd00::1")) is accepted


def test_drbd83_ipv6_not_held_is_ls014(tmp_path: Path) -> None:
    # drbdadm 8.3 checks an ipv6 address against the host's too: "v6.conf:6: in resource
    # r0, on alpha: IP fd00::1 not found on this host." (rc 10; sdp and ssocks are not
    # checked); lint says it where alpha's ip addr was captured (LS014)
    text = _pair83("ipv6 [fd00::1]:7788", "ipv6 [fd00::2]:7788")
    root = tree(
        tmp_path,
        "alpha",
        {
            "etc/drbd.conf": text,
            "etc/hostname": "alpha\n",
            "var/lib/xencfg/state/ip_addr.txt": "2: eth0    inet6 fd00::9/64 scope global \\\n",
        },
    )
    assert _lint([root], "LS014", "8.3.16") == [
        "alpha does not hold fd00::1 (DRBD resource 'r0' binds it): no interface has it"
    ]
    run = tmp_path / "run"
    run.mkdir()
    assert not drbdadm(text, run, "8.3.16", "alpha", ("fd00::9",))
    assert drbdadm(_pair83("sdp 10.0.0.1:7788", "sdp 10.0.0.2:7788"), run, "8.3.16", "alpha", ())


# -- the campaign: configurations as the LINBIT user's guides (8.3, 8.4, 9) and admins
# write them, each through drbdadm in its release's mode -----------------------------------


def _on(name: str, address: str, *body: str) -> str:
    inner = "".join(f"    {b}\n" for b in body)
    return f"  on {name} {{\n{inner}    address {address};\n  }}\n"


_DISK = ("device /dev/drbd1;", "disk /dev/sda7;", "meta-disk internal;")
PAIR = _on("alice", "10.1.1.31:7789", *_DISK) + _on("bob", "10.1.1.32:7789", *_DISK)
SPLIT = 'include "drbd.d/global_common.conf";\ninclude "drbd.d/*.res";\n'
HANDLERS_83 = (
    "  handlers {\n"
    '    pri-on-incon-degr "/usr/lib/drbd/notify-pri-on-incon-degr.sh; '
    '/usr/lib/drbd/notify-emergency-reboot.sh; echo b > /proc/sysrq-trigger ; reboot -f";\n'
    '    local-io-error "/usr/lib/drbd/notify-io-error.sh; '
    '/usr/lib/drbd/notify-emergency-shutdown.sh; echo o > /proc/sysrq-trigger ; halt -f";\n'
    '    split-brain "/usr/lib/drbd/notify-split-brain.sh root";\n'
    "  }\n"
)
COMMON_83 = (
    "global {\n  usage-count no;\n}\ncommon {\n  protocol C;\n" + HANDLERS_83 + "  startup {\n"
    "    wfc-timeout 120;\n    degr-wfc-timeout 60;\n  }\n  disk {\n    on-io-error detach;\n"
    "  }\n  syncer {\n    rate 33M;\n    al-extents 257;\n  }\n}\n"
)
COMMON_84 = (
    "global {\n  usage-count no;\n}\ncommon {\n  handlers {\n"
    '    fence-peer "/usr/lib/drbd/crm-fence-peer.sh";\n'
    '    after-resync-target "/usr/lib/drbd/crm-unfence-peer.sh";\n  }\n'
    "  startup {\n    wfc-timeout 60;\n  }\n  options {\n    cpu-mask 0;\n  }\n"
    "  disk {\n    fencing resource-only;\n    on-io-error detach;\n    resync-rate 40M;\n"
    "    c-plan-ahead 20;\n  }\n  net {\n    protocol C;\n"
    "    after-sb-0pri discard-zero-changes;\n    after-sb-1pri discard-secondary;\n"
    "    after-sb-2pri disconnect;\n  }\n}\n"
)
COMMON_9 = (
    "global {\n  usage-count no;\n  udev-always-use-vnr;\n}\ncommon {\n  options {\n"
    "    auto-promote yes;\n    quorum majority;\n    on-no-quorum io-error;\n  }\n"
    '  handlers {\n    fence-peer "/usr/lib/drbd/crm-fence-peer.9.sh";\n'
    '    unfence-peer "/usr/lib/drbd/crm-unfence-peer.9.sh";\n'
    '    quorum-lost "/usr/lib/drbd/notify-quorum-lost.sh root";\n  }\n'
    "  disk {\n    on-io-error detach;\n    resync-rate 100M;\n  }\n"
    "  net {\n    protocol C;\n    fencing resource-only;\n    verify-alg sha256;\n  }\n}\n"
)
STACKED = (
    "resource r0-U {\n  {protocol}\n  stacked-on-top-of r0 {\n    device /dev/drbd10;\n"
    "    address 192.168.42.1:7788;\n  }\n  on charlie {\n    device /dev/drbd10;\n"
    "    disk /dev/hda6;\n    address 192.168.42.2:7788;\n    meta-disk internal;\n  }\n}\n"
)
PROXY_84 = (
    "resource r0 {\n  {protocol}\n  device minor 0;\n  disk /dev/sdb1;\n  meta-disk internal;\n"
    "  proxy {\n    memlimit 100M;\n    plugin {\n      zlib level 9;\n    }\n  }\n"
    + "".join(
        f"  on {n} {{\n    address 127.0.0.1:7789;\n    proxy on {n} {{\n"
        f"      inside 127.0.0.1:7788;\n      outside 192.168.23.{i}:7788;\n    }}\n  }}\n"
        for i, n in ((1, "alice"), (2, "bob"))
    )
    + "}\n"
)
DEV9 = "  device /dev/drbd1;\n  disk /dev/sda7;\n  meta-disk internal;\n"
THREE_9 = "".join(
    _on(n, f"10.1.1.3{i + 1}:7000", f"node-id {i};")
    for i, n in enumerate(("alice", "bob", "charlie"))
)
MESH = "  connection-mesh {\n    hosts alice bob charlie;\n  }\n"


def _io(release: str, value: str) -> dict[str, str]:
    head = "  protocol C;\n" if release == "83" else ""
    nine = release == "9"
    hosts = (
        _on("alice", "10.1.1.31:7789", *_DISK, "node-id 0;")
        + _on("bob", "10.1.1.32:7789", *_DISK, "node-id 1;")
        if nine
        else PAIR
    )
    return {
        "drbd.conf": f"resource r0 {{\n{head}  disk {{\n    on-io-error {value};\n  }}\n{hosts}}}\n"
    }


#: name -> (mode, files under etc/, drbdadm's verdict as alice holding every address of
#: the files; peer: drbdadm -c etc/drbd.conf dump all, DRBD_DRIVER_VERSION_OVERRIDE per
#: mode, __DRBD_NODE__=alice, in a network namespace; see drbdadm_at)
CAMPAIGN: dict[str, tuple[str, dict[str, str], bool]] = {
    # the 8.3 guide's first resource, with global and common in drbd.conf
    "83-simple": (
        "83",
        {
            "drbd.conf": "global {\n  usage-count yes;\n}\ncommon {\n  protocol C;\n"
            "  syncer {\n    rate 10M;\n  }\n}\nresource r0 {\n" + PAIR + "}\n"
        },
        True,
    ),
    # global_common.conf + *.res, as drbd 8.3.x's packages ship drbd.conf
    "83-split": (
        "83",
        {
            "drbd.conf": SPLIT,
            "drbd.d/global_common.conf": COMMON_83,
            "drbd.d/r0.res": "resource r0 {\n" + PAIR + "}\n",
        },
        True,
    ),
    "83-fencing": (
        "83",
        {
            "drbd.conf": "resource r0 {\n  protocol C;\n  disk {\n    fencing resource-only;\n  }\n"
            '  handlers {\n    fence-peer "/usr/lib/drbd/crm-fence-peer.sh";\n'
            '    after-resync-target "/usr/lib/drbd/crm-unfence-peer.sh";\n  }\n'
            '  net {\n    cram-hmac-alg sha1;\n    shared-secret "FooFunFactory";\n'
            "    after-sb-0pri discard-zero-changes;\n    after-sb-1pri discard-secondary;\n"
            "  }\n  syncer {\n    rate 40M;\n    verify-alg sha1;\n    csums-alg md5;\n  }\n"
            + PAIR
            + "}\n"
        },
        True,
    ),
    "83-dual-primary": (
        "83",
        {
            "drbd.conf": "resource r0 {\n  protocol C;\n  startup {\n    become-primary-on both;\n"
            "  }\n  net {\n    allow-two-primaries;\n  }\n" + PAIR + "}\n"
        },
        True,
    ),
    "83-stacked": (
        "83",
        {
            "drbd.conf": "resource r0 {\n  protocol C;\n"
            + PAIR
            + "}\n"
            + STACKED.replace("{protocol}", "protocol A;")
        },
        True,
    ),
    "83-proxy": ("83", {"drbd.conf": PROXY_84.replace("{protocol}", "protocol A;")}, True),
    "83-no-flushes": (
        "83",
        {
            "drbd.conf": "resource r0 {\n  protocol C;\n  disk {\n    no-disk-flushes;\n"
            "    no-md-flushes;\n    no-disk-barrier;\n  }\n" + PAIR + "}\n"
        },
        True,
    ),
    # a floating pair without a protocol: drbdadm 8.3 "in resource r0: protocol
    # definition missing." (8.4 on default to C)
    "83-floating-no-protocol": (
        "83",
        {
            "drbd.conf": "resource r0 {\n  device /dev/drbd0;\n  disk /dev/sda1;\n"
            "  meta-disk internal;\n  floating 10.1.1.31:7788;\n  floating 10.9.10.101:7788;\n}\n"
        },
        False,
    ),
    "84-split": (
        "84",
        {
            "drbd.conf": SPLIT,
            "drbd.d/global_common.conf": COMMON_84,
            "drbd.d/r0.res": "resource r0 {\n" + PAIR + "}\n",
        },
        True,
    ),
    "84-volumes": (
        "84",
        {
            "drbd.conf": SPLIT,
            "drbd.d/global_common.conf": COMMON_84,
            "drbd.d/r0.res": "resource r0 {\n"
            + "".join(
                f"  volume {v} {{\n    device /dev/drbd{v + 1};\n    disk /dev/sda{v + 7};\n"
                "    meta-disk internal;\n  }\n"
                for v in (0, 1)
            )
            + _on("alice", "10.1.1.31:7789")
            + _on("bob", "10.1.1.32:7789")
            + "}\n",
        },
        True,
    ),
    "84-volume-in-on": (
        "84",
        {
            "drbd.conf": "resource r0 {\n"
            + "".join(
                _on(
                    n,
                    a,
                    "volume 0 {",
                    "  device /dev/drbd1;",
                    "  disk /dev/sda7;",
                    "  meta-disk internal;",
                    "}",
                )
                for n, a in (("alice", "10.1.1.31:7789"), ("bob", "10.1.1.32:7789"))
            )
            + "}\n"
        },
        True,
    ),
    "84-stacked": (
        "84",
        {
            "drbd.conf": SPLIT,
            "drbd.d/global_common.conf": COMMON_84,
            "drbd.d/r0.res": "resource r0 {\n" + PAIR + "}\n",
            "drbd.d/r0-U.res": STACKED.replace("{protocol}", "net {\n    protocol A;\n  }"),
        },
        True,
    ),
    "84-proxy": (
        "84",
        {"drbd.conf": PROXY_84.replace("{protocol}", "net {\n    protocol A;\n  }")},
        True,
    ),
    "84-handlers": (
        "84",
        {
            "drbd.conf": "resource r0 {\n  disk {\n    on-io-error call-local-io-error;\n  }\n"
            '  handlers {\n    local-io-error "/usr/lib/drbd/notify-io-error.sh";\n'
            '    before-resync-target "/usr/lib/drbd/snapshot-resync-target-lvm.sh";\n'
            '    after-resync-target "/usr/lib/drbd/unsnapshot-resync-target-lvm.sh";\n'
            '    out-of-sync "/usr/lib/drbd/notify-out-of-sync.sh root";\n  }\n' + PAIR + "}\n"
        },
        True,
    ),
    "9-mesh": (
        "9",
        {
            "drbd.conf": SPLIT,
            "drbd.d/global_common.conf": COMMON_9,
            "drbd.d/r0.res": "resource r0 {\n" + DEV9 + THREE_9 + MESH + "}\n",
        },
        True,
    ),
    "9-paths": (
        "9",
        {
            "drbd.conf": "resource r0 {\n"
            + DEV9
            + THREE_9
            + "  connection {\n"
            + "".join(
                f"    path {{\n      host alice address 10.{n}.1.31:7010;\n"
                f"      host bob address 10.{n}.1.32:7010;\n    }}\n"
                for n in (1, 2)
            )
            + "  }\n  connection {\n    host alice address 10.1.1.31:7020;\n"
            "    host charlie address 10.1.1.33:7020;\n  }\n  connection {\n"
            "    host bob address 10.1.1.32:7021;\n    host charlie address 10.1.1.33:7021;\n"
            "  }\n}\n"
        },
        True,
    ),
    "9-diskless-client": (
        "9",
        {
            "drbd.conf": "resource r0 {\n  device /dev/drbd1;\n  meta-disk internal;\n"
            + _on("alice", "10.1.1.31:7000", "node-id 0;", "disk /dev/sda7;")
            + _on("bob", "10.1.1.32:7000", "node-id 1;", "disk /dev/sda7;")
            + _on("charlie", "10.1.1.33:7000", "node-id 2;", "disk none;")
            + MESH
            + "}\n"
        },
        True,
    ),
    "9-stacked": (
        "9",
        {
            "drbd.conf": "resource r0 {\n"
            + DEV9
            + _on("alice", "10.1.1.31:7000", "node-id 0;")
            + _on("bob", "10.1.1.32:7000", "node-id 1;")
            + "}\n"
            + STACKED.replace("{protocol}", "net {\n    protocol A;\n  }")
            .replace(
                "    address 192.168.42.1:7788;\n",
                "    address 192.168.42.1:7788;\n    node-id 0;\n",
            )
            .replace(
                "    address 192.168.42.2:7788;\n",
                "    address 192.168.42.2:7788;\n    node-id 1;\n",
            )
        },
        True,
    ),
    "9-proxy": (
        "9",
        {
            "drbd.conf": "resource r0 {\n"
            + DEV9
            + _on("alice", "127.0.0.1:7789", "node-id 0;")
            + _on("bob", "127.0.0.1:7789", "node-id 1;")
            + "  connection {\n"
            + "".join(
                f"    host {n} address 127.0.0.1:7789 via proxy on {n} {{\n"
                f"      inside 127.0.0.1:7788;\n      outside 192.168.23.{i}:7788;\n    }}\n"
                for i, n in ((1, "alice"), (2, "bob"))
            )
            + "  }\n}\n"
        },
        True,
    ),
    "9-quorum": (
        "9",
        {
            "drbd.conf": "resource r0 {\n  options {\n    quorum 2;\n"
            "    quorum-minimum-redundancy 1;\n    on-no-quorum suspend-io;\n"
            "    on-suspended-primary-outdated force-secondary;\n  }\n"
            + DEV9
            + THREE_9
            + MESH
            + "}\n"
        },
        True,
    ),
    **{
        f"{m}-on-io-error-{v}": (m, _io(m, v), v != "panic")
        for m in ("83", "84", "9")
        for v in ("pass_on", "call-local-io-error", "detach", "panic")
    },
}
# (on-io-error panic: drbdadm 8.3 and 8.4 accept the file and pass the value to
# drbdsetup, which refuses it at attach (on_error[] has no panic since DRBD 8.0); drbdadm
# 9: "Value is not valid. Allowed values are: pass_on | call-local-io-error | detach")
_PASSED_ON = {"83-on-io-error-panic", "84-on-io-error-panic"}
RELEASES_OF = {"83": "8.3.16", "84": "8.4.11", "9": "9.2.0"}


@pytest.mark.parametrize("name", sorted(CAMPAIGN))
def test_campaign_lint_agrees_with_drbdadm(tmp_path: Path, name: str) -> None:
    import re

    mode, files, accepted = CAMPAIGN[name]
    root = tree(tmp_path, "alice", {f"etc/{rel}": text for rel, text in files.items()})
    (root / "etc/hostname").write_text("alice\n")
    result = lint.run([str(root)], versions={"drbd": Version.parse(RELEASES_OF[mode])})
    errors = [(f.code, f.message) for f in result.findings if f.severity == "error"]
    assert (errors == []) is accepted, errors
    text = "".join(files.values())
    local = tuple(sorted(set(re.findall(r"\b(\d+\.\d+\.\d+\.\d+):\d+", text))))
    took = drbdadm_at(root / "etc/drbd.conf", RELEASES_OF[mode], "alice", local)
    assert took is (accepted or name in _PASSED_ON)


def _admin_pair(
    mode: str, dev: str = "device /dev/drbd0;", md: str = "meta-disk internal;", family: str = ""
) -> str:
    out = "  protocol C;\n" if mode != "9" else "  net {\n    protocol C;\n  }\n"
    for i, n in enumerate(("alice", "bob")):
        nid = f"    node-id {i};\n" if mode == "9" else ""
        out += (
            f"  on {n} {{\n{nid}    {dev}\n    disk /dev/sdb1;\n"
            f"    address {family}10.0.0.{i + 1}:7788;\n    {md}\n  }}\n"
        )
    return out


#: Spellings admins write (forum posts, howtos), each run as :data:`CAMPAIGN` is, in the
#: 8.3, 8.4 and 9 parsers: name -> (text for a mode, the modes whose drbdadm refuses it)
ADMIN: dict[str, tuple[Any, frozenset[str]]] = {
    "device-and-minor": (
        lambda m: "resource r0 {\n" + _admin_pair(m, dev="device /dev/drbd0 minor 0;") + "}\n",
        frozenset(),
    ),
    "minor-only": (
        lambda m: "resource r0 {\n" + _admin_pair(m, dev="device minor 0;") + "}\n",
        frozenset(),
    ),
    "meta-disk-index": (
        lambda m: "resource r0 {\n" + _admin_pair(m, md="meta-disk /dev/sdc1 [0];") + "}\n",
        frozenset(),
    ),
    # 8.3: "Parse error: '[' expected, but got ';'"
    "meta-disk-no-index": (
        lambda m: "resource r0 {\n" + _admin_pair(m, md="meta-disk /dev/sdc1;") + "}\n",
        frozenset({"83"}),
    ),
    "flexible-internal": (
        lambda m: "resource r0 {\n" + _admin_pair(m, md="flexible-meta-disk internal;") + "}\n",
        frozenset(),
    ),
    "flexible-device": (
        lambda m: "resource r0 {\n" + _admin_pair(m, md="flexible-meta-disk /dev/sdc1;") + "}\n",
        frozenset(),
    ),
    "ipv4-prefix": (
        lambda m: "resource r0 {\n" + _admin_pair(m, family="ipv4 ") + "}\n",
        frozenset(),
    ),
    "global-options": (
        lambda m: (
            "global {\n  dialog-refresh 1;\n  minor-count 64;\n  usage-count ask;\n"
            "  disable-ip-verification;\n}\nresource r0 {\n" + _admin_pair(m) + "}\n"
        ),
        frozenset(),
    ),
    "become-primary-on": (
        lambda m: (
            "resource r0 {\n  startup {\n    wfc-timeout 0;\n    degr-wfc-timeout 120;\n"
            "    become-primary-on alice;\n  }\n" + _admin_pair(m) + "}\n"
        ),
        frozenset(),
    ),
    "handlers-pri-lost": (
        lambda m: (
            'resource r0 {\n  handlers {\n    pri-lost "echo x";\n'
            '    pri-lost-after-sb "echo y";\n  }\n' + _admin_pair(m) + "}\n"
        ),
        frozenset(),
    ),
    "common-after-resource": (
        lambda m: (
            "resource r0 {\n" + _admin_pair(m) + "}\ncommon {\n  startup {\n"
            "    wfc-timeout 10;\n  }\n}\n"
        ),
        frozenset(),
    ),
    "quoted-name": (lambda m: 'resource "r0" {\n' + _admin_pair(m) + "}\n", frozenset()),
    # drbdadm 9 (drbd-utils 9.22): "'a syncer option keyword' expected, but got 'rate'"
    "syncer": (
        lambda m: (
            "resource r0 {\n  syncer {\n    rate 100M;\n    verify-alg md5;\n"
            "    al-extents 1801;\n  }\n" + _admin_pair(m) + "}\n"
        ),
        frozenset({"9"}),
    ),
    # "conflicting use of net section 'r0:net'" (all three; 9's protocol is in a net too)
    "two-net-sections": (
        lambda m: (
            "resource r0 {\n  net {\n    timeout 60;\n  }\n  net {\n    ko-count 4;\n"
            "  }\n" + _admin_pair(m) + "}\n"
        ),
        frozenset({"83", "84", "9"}),
    ),
    "disk-size": (
        lambda m: "resource r0 {\n  disk {\n    size 10G;\n  }\n" + _admin_pair(m) + "}\n",
        frozenset(),
    ),
    "on-io-error-in-common-and-resource": (
        lambda m: (
            "common {\n  disk {\n    on-io-error detach;\n  }\n}\nresource r0 {\n"
            "  disk {\n    on-io-error pass_on;\n  }\n" + _admin_pair(m) + "}\n"
        ),
        frozenset(),
    ),
}


@pytest.mark.parametrize("mode", ["83", "84", "9"])
@pytest.mark.parametrize("name", sorted(ADMIN))
def test_admin_spellings_lint_agrees_with_drbdadm(tmp_path: Path, name: str, mode: str) -> None:
    make_text, refused = ADMIN[name]
    text = make_text(mode)
    root = tree(tmp_path, "alice", {"etc/drbd.conf": text, "etc/hostname": "alice\n"})
    versions = {"drbd": Version.parse(RELEASES_OF[mode])}
    if mode == "9":
        versions["drbd-utils"] = Version.parse("9.22")  # (the peer's)
    result = lint.run([str(root)], versions=versions)
    errors = [(f.code, f.message) for f in result.findings if f.severity == "error"]
    accepted = mode not in refused
    assert (errors == []) is accepted, errors
    took = drbdadm_at(root / "etc/drbd.conf", RELEASES_OF[mode], "alice", ("10.0.0.1",))
    assert took is accepted


# -- DR032: drbd-utils 9.28 removed drbdadm-83 ------------------------------------------------


@pytest.mark.parametrize(
    ("drbd", "utils", "found"),
    [
        # v9.28.0: user/v9/drbdadm_linux.c lists {"drbdadm-84", &drbdadm_84} alone (9.27
        # also drbdadm-83); maybe_exec_legacy_drbdadm (drbdadm_usage_cnt.c) execs
        # drbdadm-84 for an 8.4 driver only
        ("8.3.16", "9.28", True),
        ("8.3.16", "9.34", True),
        ("8.3.16", "9.27", False),
        ("8.4.11", "9.34", False),
        ("9.2.0", "9.34", False),
        ("8.3.16", None, False),
    ],
)
def test_dr032_drbd_utils_without_drbdadm_83(
    tmp_path: Path, drbd: str, utils: str | None, found: bool
) -> None:
    root = tree(tmp_path, "alice", {"etc/drbd.conf": CAMPAIGN["83-simple"][1]["drbd.conf"]})
    versions = {"drbd": Version.parse(drbd)}
    if utils:
        versions["drbd-utils"] = Version.parse(utils)
    result = lint.run([str(root)], select=["DR032"], versions=versions)
    assert len(result.findings) == (1 if found else 0)
    if found:
        assert (
            "drbd-utils 9.28 and later have no drbdadm for DRBD 8.3" in result.findings[0].message
        )


@pytest.mark.parametrize(
    ("option", "good", "bad"),
    [
        # drbd-headers linux/drbd_limits.h (drbd-utils v9.34.0): DRBD_BLOCK_SIZE_MIN 512,
        # _MAX 4096; DRBD_DISCARD_GRANULARITY_MAX 128<<20; DRBD_MAX_BIO_SIZE_MIN 1<<9 and
        # DRBD_MAX_BIO_SIZE (1U << 20, linux/drbd.h); range checked as drbdadm reads the
        # file (m_strtoll_range: "Value is too big")
        ("disk {\n    block-size", "4096", "8192"),
        ("disk {\n    max-bio-size", "1M", "2M"),
        ("disk {\n    discard-granularity", "128M", "256M"),
        ("net {\n    rdma-ctrl-rcvbuf-size", "10M", "11M"),
    ],
)
def test_ranges_of_options_after_922(tmp_path: Path, option: str, good: str, bad: str) -> None:
    versions = {"drbd": Version.parse("9.2.0"), "drbd-utils": Version.parse("9.34")}

    def errors(value: str) -> list[str]:
        (tmp_path / "drbd.conf").write_text(_res2(f"  {option} {value};\n  }}\n"))
        result = lint.run([str(tmp_path / "drbd.conf")], versions=versions)
        return [f.code for f in result.findings if f.severity == "error"]

    assert errors(good) == []
    assert errors(bad) == ["DR026"]


def test_dr006_floating_resource_of_another_pair_is_not_this_nodes(tmp_path: Path) -> None:
    # one drbd.conf copied to three dom0s: alpha holds 10.0.0.1, beta 10.0.0.2 (each its
    # floating host), gamma neither: drbdadm on gamma ignores r0 ("# resource r0 on
    # gamma: ignored"), which harms only a guest started there (as for 'on' hosts)
    text = FLOATING.replace(
        "  on alpha {\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
        "    address 10.0.0.1:7788;\n    meta-disk internal;\n  }\n",
        "  floating 10.0.0.1:7788 {\n    device /dev/drbd0;\n    disk /dev/sdb1;\n"
        "    meta-disk internal;\n  }\n",
    )
    root = tmp_path / "three"
    for node, address in (("alpha", "10.0.0.1"), ("beta", "10.0.0.2"), ("gamma", "10.0.0.3")):
        files = {
            "etc/drbd.conf": text,
            "etc/hostname": node + "\n",
            "var/lib/xencfg/state/ip_addr.txt": _ip(address),
        }
        tree(root, node, files)
    assert _lint([root], "DR006") == []
    model = lint.run([str(root)], select=["DR006"]).cluster.model
    assert model.drbd["r0"].members == {"alpha", "beta"}
    # gamma's own address among the floating ones: no other node holds 10.0.0.9, so the
    # resource is not another pair's, and gamma (holding neither) is reported
    lone = text.replace("floating 10.0.0.1:7788", "floating 10.0.0.9:7788")
    for node in ("alpha", "beta", "gamma"):
        (root / node / "etc/drbd.conf").write_text(lone)
    got = _lint([root], "DR006")
    assert [m.split("section")[0] for m in got] == [
        "resource 'r0' has no 'on alpha' ",
        "resource 'r0' has no 'on gamma' ",
    ]


@pytest.mark.parametrize(
    "option",
    [
        # BOOLEAN(...) fields of user/v9/config_flags.c (v9.32.0 to v9.34.0): "yes" or
        # "no", or bare for yes; anything else "Value is not 'yes' or 'no'" (pe_field)
        "disk {\n    resync-without-replication",
        "disk {\n    peer-tiebreaker",
        "options {\n    drbd8-api-compatibility",
    ],
)
def test_booleans_after_922(tmp_path: Path, option: str) -> None:
    versions = {"drbd": Version.parse("9.2.0"), "drbd-utils": Version.parse("9.34")}

    def errors(value: str) -> list[str]:
        (tmp_path / "drbd.conf").write_text(_res2(f"  {option}{value};\n  }}\n"))
        result = lint.run([str(tmp_path / "drbd.conf")], versions=versions)
        return [f.code for f in result.findings if f.severity == "error"]

    assert errors(" yes") == errors(" no") == errors("") == []
    assert errors(" maybe") == ["XC005"]
