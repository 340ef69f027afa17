"""CB037: every cluster node must have a STONITH device configured to fence it.

What the daemons do: heartbeat 2's stonithd keeps the host list of each started device
(stonithd/stonithd.c ``stonithRA_start_post``: ``node_list = stonith_get_hostlist(...)``)
and fences a node only with a device whose list holds it; Pacemaker 1.1 and later read
``pcmk_host_list``/``pcmk_host_map`` as a static list and otherwise ask the device
(fencing/commands.c and 2.1.5 daemons/fenced/fenced_commands.c ``target_list_type``);
a cluster-glue plugin answers with its ``hostname``/``hostlist`` parameter
(external/ipmi line 131 ``gethosts: echo $hostname``, see CB036's table). crm_verify
2.1.5 on a CIB whose nodes are unclean says "Node dom0-2 is unclean but cannot be fenced"
for a node no device reaches (peer-crm-verify on the corosync2-four-node-rrp tree before
it had a device per node).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xencfg import lint
from xencfg.versions import parse_targets

CIB = """<cib validate-with="{VW}" admin_epoch="0" epoch="3" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="{ON}"/>{EXTRA}
      </cluster_property_set>
    </crm_config>
    <nodes>
      <node id="1" uname="xen1" type="normal"/>
      <node id="2" uname="xen2" type="normal"/>
    </nodes>
    <resources>
{DEVICES}
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def device(ident: str, agent: str, **params: str) -> str:
    pairs = "".join(
        f'\n          <nvpair id="{ident}-{n}" name="{n}" value="{v}"/>' for n, v in params.items()
    )
    return (
        f'      <primitive id="{ident}" class="stonith" type="{agent}">\n'
        f'        <instance_attributes id="{ident}-ia">{pairs}\n        </instance_attributes>\n'
        f'        <operations><op id="{ident}-mon" name="monitor" interval="3600s"/></operations>\n'
        "      </primitive>"
    )


def write(tmp_path: Path, *devices: str, vw: str = "pacemaker-1.0", on: str = "true",
          extra: str = "") -> Path:  # fmt: skip
    path = tmp_path / "cib.xml"
    text = CIB.replace("{VW}", vw).replace("{ON}", on).replace("{EXTRA}", extra)
    path.write_text(text.replace("{DEVICES}", "\n".join(devices)))
    return path


def cb037(paths: list[Path], *targets: str, force: bool = True) -> list[tuple[str, str, str]]:
    versions = parse_targets(targets) if targets else None
    result = lint.run(
        [str(p) for p in paths],
        select=["CB037"],
        force_format="cib" if force else None,
        versions=versions,
    )
    return [(f.severity, f.message.split(":")[0], f.path) for f in result.findings]


IPMI1 = device("fence-xen1", "external/ipmi", hostname="xen1", ipaddr="10.0.0.101")
IPMI2 = device("fence-xen2", "external/ipmi", hostname="xen2", ipaddr="10.0.0.102")


def test_one_ipmi_device_leaves_the_other_node_unfenced(tmp_path: Path) -> None:
    """One ``external/ipmi`` for xen1 in a two-node cluster: xen2 has none (its
    ``gethosts`` echoes ``hostname`` only)."""
    assert cb037([write(tmp_path, IPMI1)]) == [
        ("error", "no STONITH resource fences node xen2", str(tmp_path / "cib.xml"))
    ]


def test_a_device_per_node_passes(tmp_path: Path) -> None:
    assert cb037([write(tmp_path, IPMI1, IPMI2)]) == []


def test_names_compare_without_case_or_domain(tmp_path: Path) -> None:
    """cluster-glue's ``stonith`` lower-cases the node it resets (stonith.c ``strdown``);
    a device that names xen2 by its FQDN in capitals still counts."""
    fqdn = device("fence-xen2", "external/ipmi", hostname="XEN2.example.com")
    assert cb037([write(tmp_path, IPMI1, fqdn)]) == []


@pytest.mark.parametrize(
    "params,found",
    [
        ({"pcmk_host_list": "xen1,xen2"}, False),
        ({"pcmk_host_map": "xen1:1;xen2:2"}, False),
        ({"pcmk_host_map": "xen1=1 xen2=2"}, False),
        ({"pcmk_host_list": "xen1"}, True),
        ({"pcmk_host_check": "static-list"}, True),  # a static list of nobody
        ({}, False),  # the agent's own "list" answers at run time: not judged
        ({"pcmk_host_check": "none", "pcmk_host_list": "xen1"}, False),  # fences anyone
        ({"pcmk_host_check": "dynamic-list", "pcmk_host_list": "xen1"}, False),
    ],
    ids=[
        "list",
        "map-colon",
        "map-equals",
        "list-one",
        "static-empty",
        "dynamic",
        "none",
        "dynamic-forced",
    ],
)
def test_pacemaker_host_lists(tmp_path: Path, params: dict[str, str], found: bool) -> None:
    """Pacemaker 1.1+ (fenced ``target_list_type``): ``pcmk_host_list`` or
    ``pcmk_host_map`` make a static list, ``pcmk_host_check`` overrides; an agent that
    lists its own hosts (fence_ipmilan without a list: dynamic-list) is not judged."""
    path = write(tmp_path, device("fence-pdu", "fence_apc", ip="10.0.0.5", **params),
                 vw="pacemaker-3.0")  # fmt: skip
    assert bool(cb037([path], "pacemaker=2.1")) is found


def test_pacemaker_lists_are_not_read_by_heartbeat_2(tmp_path: Path) -> None:
    """heartbeat 2's stonithd has no ``pcmk_host_list``: the plugin's own ``hostname``
    is the only list, so ``external/ipmi`` for xen1 with pcmk_host_list naming xen2 leaves
    xen2 unfenced there, and covers it on Pacemaker 1.1 and later."""
    both = device("fence", "external/ipmi", hostname="xen1", pcmk_host_list="xen1 xen2")
    hb2 = write(tmp_path, both, vw="pacemaker-1.0")
    assert [m for _, m, _ in cb037([hb2], "pacemaker=1.0")] == [
        "no STONITH resource fences node xen2"
    ]
    assert cb037([hb2], "pacemaker=1.1.12") == []
    assert cb037([hb2]) == []  # release unknown: the generous reading


def test_not_when_fencing_is_off_or_by_watchdog(tmp_path: Path) -> None:
    assert cb037([write(tmp_path, IPMI1, on="false")]) == []
    sbd = '\n        <nvpair id="opt-wd" name="stonith-watchdog-timeout" value="10s"/>'
    assert cb037([write(tmp_path, IPMI1, vw="pacemaker-3.0", extra=sbd)], "pacemaker=2.1") == []


def test_no_device_at_all_is_cb005_not_cb037(tmp_path: Path) -> None:
    assert cb037([write(tmp_path)]) == []


def test_heartbeat_member_missing_from_the_cib(tmp_path: Path) -> None:
    """A third node in ha.cf that the CIB's nodes do not list yet (it joins on start):
    heartbeat makes it a member, and nothing fences it."""
    for node in ("xen1", "xen2", "xen3"):
        etc = tmp_path / node / "etc" / "ha.d"
        etc.mkdir(parents=True)
        (etc / "ha.cf").write_text("node xen1 xen2 xen3\nbcast eth0\nbcast eth1\ncrm on\n")
        keys = etc / "authkeys"
        keys.write_text("auth 1\n1 sha1 a-long-secret-string\n")
        os.chmod(keys, 0o600)
        crm = tmp_path / node / "var" / "lib" / "heartbeat" / "crm"
        crm.mkdir(parents=True)
        write(crm, IPMI1, IPMI2)
    found = cb037([tmp_path / n for n in ("xen1", "xen2", "xen3")], force=False)
    assert [m for _, m, _ in found] == ["no STONITH resource fences node xen3"]
