"""XN018: a Xen resource the CIB may start on a dom0 that is not a host of the DRBD
resource its domU's disk uses (three dom0s sharing one drbd.conf, r0 on two of them).

Daemon facts the expectations rest on, checked by the tests below where the tools are
installed:

* drbdadm 8.4 (drbd-utils 9.22, ``DRBD_DRIVER_VERSION_OVERRIDE=8.4.11``) accepts the
  copied drbd.conf on the third node (peer-drbdadm --mode 84: OK; it "needs no local
  host section", oracle/peers/README.md), but refuses the resource there: ``drbdadm
  primary r0`` -> "'r0' not defined in your config (for this host)." (non-zero exit),
  which is what the block-drbd script runs for a ``drbd:r0`` disk.
* DRBD 9 (``9.2.0``) brings r0 up on the third node when it has an ``on`` section with
  ``node-id`` and ``disk none``: ``drbdadm -d up r0`` prints ``drbdsetup new-minor r0 0
  0 --diskless`` and connects to both peers (a diskless client: valid).
* Pacemaker: a failed start bans the resource from that node and recovers it elsewhere
  (``start-failure-is-fatal``, default true: pacemaker-schedulerd metadata, "the
  cluster will immediately ban a resource from a node if it fails to start there").
  So the verdict is a warning (a failed start and a longer outage), not an error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, crm_verify_file, unavailable
from xencfg import lint

TREES = FIXTURES / "lint-trees"
HOSTS = TREES / "xen-drbd-hosts"
NODES = ("xen1", "xen2", "xen3")
CIB = "var/lib/heartbeat/crm/cib.xml"


def _findings(root: Path, select: list[str]) -> list[tuple[str, str, str, int, str]]:
    result = lint.run([str(root / n) for n in NODES if (root / n).exists()], select=select)
    return sorted(
        (f.code, _node(f.path), Path(f.path).name, f.line, f.message) for f in result.findings
    )


def _node(path: str) -> str:
    return next(p for p in reversed(Path(path).parts) if p in NODES)


def _copy(tmp_path: Path, variant: str = "bad") -> Path:
    root = tmp_path / variant
    shutil.copytree(HOSTS / variant, root)
    return root


def _edit_cib(root: Path, old: str, new: str) -> None:
    for n in NODES:
        cib = root / n / CIB
        text = cib.read_text()
        assert old in text
        cib.write_text(text.replace(old, new))


def _drbdadm(conf: Path, node: str, version: str, *args: str) -> tuple[int, str]:
    exe = shutil.which("drbdadm")
    if exe is None:
        unavailable("drbdadm (drbd-utils) is not installed")
    env = dict(os.environ, __DRBD_NODE__=node, DRBD_DRIVER_VERSION_OVERRIDE=version)
    p = subprocess.run(
        [exe, "-c", str(conf), *args], capture_output=True, text=True, env=env, timeout=60
    )
    return p.returncode, p.stdout + p.stderr


def test_guest_allowed_on_a_node_outside_the_drbd_resource_is_reported() -> None:
    found = _findings(HOSTS / "bad", ["XN018"])
    assert [f[:4] for f in found] == [("XN018", "xen1", "cib.xml", 16)]
    message = found[0][4]
    assert "'web'" in message and "on xen3" in message and "drbd:r0" in message
    assert "'on' sections for xen1, xen2 only" in message


def test_a_primitive_without_id_is_named_so(tmp_path: Path) -> None:
    # the message quoted prim.id, which is None for an id-less primitive: 'None'
    root = _copy(tmp_path)
    _edit_cib(root, '<primitive id="web" ', "<primitive ")
    found = _findings(root, ["XN018"])
    assert [f[:4] for f in found] == [("XN018", "xen1", "cib.xml", 16)]
    assert "Xen resource without id (" in found[0][4] and "'None'" not in found[0][4]


def test_guest_kept_off_the_third_node_is_clean() -> None:
    assert _findings(HOSTS / "good", ["XN018"]) == []


def test_copied_drbd_conf_is_not_an_error_on_the_third_node() -> None:
    """xen3 carries r0 (on xen1, xen2) only because the file is copied everywhere:
    drbdadm accepts the file there, so DR006 (no 'on xen3' section) stays silent; the
    resource itself is fine (XN006 neither)."""
    for variant in ("bad", "good"):
        assert _findings(HOSTS / variant, ["DR006", "XN006"]) == []


def test_drbd9_diskless_client_is_a_host() -> None:
    """xen3 has ``on xen3 { node-id 2; disk none; }``: a DRBD 9 diskless client may
    open r0, so a guest the CIB lets run everywhere is fine."""
    root = TREES / "xen-drbd9-diskless" / "good"
    assert _findings(root, ["XN018", "XN006", "DR006"]) == []


def test_drbd9_without_the_third_node_section_is_reported(tmp_path: Path) -> None:
    """The same DRBD 9 tree less ``on xen3``: xen3 cannot open r0, even diskless."""
    root = tmp_path / "drbd9"
    shutil.copytree(TREES / "xen-drbd9-diskless" / "good", root)
    for n in NODES:
        conf = root / n / "etc" / "drbd.conf"
        text = conf.read_text()
        start = text.index("  on xen3 {")
        end = text.index("}", start) + 2
        text = text[:start] + text[end:]
        conf.write_text(text.replace("hosts xen1 xen2 xen3", "hosts xen1 xen2"))
    found = _findings(root, ["XN018"])
    assert [(f[0], f[1]) for f in found] == [("XN018", "xen1")]
    assert "on xen3" in found[0][4]


def test_colocation_with_the_drbd_master_keeps_the_guest_on_the_hosts(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    ms = """      <master id="ms-r0">
        <meta_attributes id="ms-r0-meta">
          <nvpair id="ms-r0-meta-notify" name="notify" value="true"/>
        </meta_attributes>
        <primitive id="drbd-r0" class="ocf" provider="linbit" type="drbd">
          <instance_attributes id="drbd-r0-ia">
            <nvpair id="drbd-r0-ia-res" name="drbd_resource" value="r0"/>
          </instance_attributes>
        </primitive>
      </master>
    </resources>"""
    _edit_cib(root, "    </resources>", ms)
    coloc = """    <constraints>
      <rsc_colocation id="web-with-r0" rsc="web" with-rsc="ms-r0" with-rsc-role="Master"
        score="INFINITY"/>
    </constraints>"""
    _edit_cib(root, "    <constraints/>", coloc)
    assert _findings(root, ["XN018"]) == []
    # an advisory colocation places nothing: the guest may still land on xen3
    _edit_cib(root, 'score="INFINITY"/>', 'score="100"/>')
    assert [f[1] for f in _findings(root, ["XN018"])] == ["xen1"]


def test_opt_in_cluster_places_only_where_a_location_prefers(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    opt_in = """<nvpair id="opt-stonith-enabled" name="stonith-enabled" value="false"/>
        <nvpair id="opt-symmetric" name="symmetric-cluster" value="false"/>"""
    _edit_cib(
        root, '<nvpair id="opt-stonith-enabled" name="stonith-enabled" value="false"/>', opt_in
    )
    prefs = """    <constraints>
      <rsc_location id="web-on-xen1" rsc="web" node="xen1" score="200"/>
      <rsc_location id="web-on-xen2" rsc="web" node="xen2" score="100"/>
    </constraints>"""
    _edit_cib(root, "    <constraints/>", prefs)
    assert _findings(root, ["XN018"]) == []
    _edit_cib(root, 'node="xen2" score="100"', 'node="xen3" score="100"')
    assert ["on xen3" in f[4] for f in _findings(root, ["XN018"])] == [True]


def test_drbd_minor_disk_is_checked_too(tmp_path: Path) -> None:
    """``phy:/dev/drbd0`` names r0's minor: on xen3 there is no such device."""
    root = _copy(tmp_path)
    for n in NODES:
        vm = root / n / "etc" / "xen" / "vm" / "web"
        vm.write_text(vm.read_text().replace("drbd:r0,xvda,w", "phy:/dev/drbd0,xvda,w"))
    found = _findings(root, ["XN018"])
    assert len(found) == 1 and "/dev/drbd0" in found[0][4] and "on xen3" in found[0][4]


def test_config_on_a_non_host_without_a_cib_is_not_reported(tmp_path: Path) -> None:
    """A domU config copied to xen3 harms nothing until something starts it there:
    without a CIB nothing says it may run on xen3."""
    root = _copy(tmp_path)
    for n in NODES:
        (root / n / CIB).unlink()
    assert _findings(root, ["XN018", "XN006", "DR006"]) == []


def test_drbdadm_refuses_the_resource_on_the_third_node_only() -> None:
    conf = HOSTS / "bad" / "xen3" / "etc" / "drbd.conf"
    rc, out = _drbdadm(conf, "xen1", "8.4.11", "-d", "primary", "r0")
    assert rc == 0, out
    rc, out = _drbdadm(conf, "xen3", "8.4.11", "-d", "primary", "r0")
    assert rc != 0 and "'r0' not defined in your config (for this host)" in out
    rc, out = _drbdadm(conf, "xen3", "8.4.11", "dump", "all")
    assert rc == 0, out  # the file itself is accepted on xen3


def test_drbd9_brings_the_diskless_client_up() -> None:
    conf = TREES / "xen-drbd9-diskless" / "good" / "xen3" / "etc" / "drbd.conf"
    rc, out = _drbdadm(conf, "xen3", "9.2.0", "-d", "up", "r0")
    assert rc == 0, out
    assert "new-minor r0 0 0 --diskless" in out


def test_fixture_cibs_are_valid() -> None:
    for variant in ("bad", "good"):
        rc, out = crm_verify_file(HOSTS / variant / "xen1" / CIB)
        assert rc == 0, out


def _crm_simulate(cib: Path, tmp_path: Path, *up: str) -> str:
    exe = shutil.which("crm_simulate")
    if exe is None:
        unavailable("crm_simulate (pacemaker-cli-utils) is not installed")
    copy = tmp_path / "cib.xml"  # crm_simulate may write to the file it reads
    shutil.copy(cib, copy)
    args = [exe, "-x", str(copy), "-s", "-S", "-q", "1", *(a for n in up for a in ("-u", n))]
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    return p.stdout + p.stderr


def test_pacemaker_places_the_guest_on_the_third_node(tmp_path: Path) -> None:
    """What the finding claims of the CRM (Pacemaker 2.1.5's crm_simulate): in ``bad``
    xen3 scores 0 for web like the hosts, and with xen3 the node left up the guest is
    started there; ``good``'s location scores xen3 -INFINITY and nothing starts."""
    bad = _crm_simulate(HOSTS / "bad" / "xen1" / CIB, tmp_path, *NODES)
    assert "web allocation score on xen3: 0" in bad
    alone = _crm_simulate(HOSTS / "bad" / "xen1" / CIB, tmp_path, "xen3")
    assert "web             start on xen3" in alone
    good = _crm_simulate(HOSTS / "good" / "xen1" / CIB, tmp_path, *NODES)
    assert "web allocation score on xen3: -INFINITY" in good
    assert "start on xen3" not in _crm_simulate(HOSTS / "good" / "xen1" / CIB, tmp_path, "xen3")


#: location forms beyond ``node=``/``#uname eq``: (constraints, symmetric-cluster,
#: whether XN018 warns of xen3, xen3's allocation score in crm_simulate or None when
#: it gets none)
RULE_FORMS: dict[str, tuple[str, bool, bool, str | None]] = {
    "ne-and-ne": (
        """<rsc_location id="web-hosts" rsc="web">
        <rule id="web-hosts-r" score="-INFINITY" boolean-op="and">
          <expression id="web-hosts-e1" attribute="#uname" operation="ne" value="xen1"/>
          <expression id="web-hosts-e2" attribute="#uname" operation="ne" value="xen2"/>
        </rule>
      </rsc_location>""",
        True,
        False,
        "-INFINITY",
    ),
    "or-of-eq": (
        """<rsc_location id="web-off" rsc="web">
        <rule id="web-off-r" score="-INFINITY" boolean-op="or">
          <expression id="web-off-e1" attribute="#uname" operation="eq" value="xen4"/>
          <expression id="web-off-e2" attribute="#uname" operation="eq" value="xen3"/>
        </rule>
      </rsc_location>""",
        True,
        False,
        "-INFINITY",
    ),
    "eq-other-case": (
        """<rsc_location id="web-off" rsc="web">
        <rule id="web-off-r" score="-INFINITY">
          <expression id="web-off-e" attribute="#uname" operation="eq" value="XEN3"/>
        </rule>
      </rsc_location>""",
        True,
        False,
        "-INFINITY",
    ),
    "ban-only-in-a-date-range": (
        """<rsc_location id="web-off" rsc="web">
        <rule id="web-off-r" score="-INFINITY">
          <expression id="web-off-e" attribute="#uname" operation="eq" value="xen3"/>
          <date_expression id="web-off-d" operation="in_range" start="2001-01-01"
            end="2002-01-01"/>
        </rule>
      </rsc_location>""",
        True,
        True,
        "0",
    ),
    "ban-on-a-node-attribute": (
        """<rsc_location id="web-off" rsc="web">
        <rule id="web-off-r" score="-INFINITY">
          <expression id="web-off-e" attribute="drbd-r0" operation="not_defined"/>
        </rule>
      </rsc_location>""",
        True,
        True,
        "-INFINITY",
    ),
    "opt-in-ne": (
        """<rsc_location id="web-hosts" rsc="web">
        <rule id="web-hosts-r" score="100">
          <expression id="web-hosts-e" attribute="#uname" operation="ne" value="xen3"/>
        </rule>
      </rsc_location>""",
        False,
        False,
        None,
    ),
    "opt-in-ne-lets-xen3-in": (
        """<rsc_location id="web-hosts" rsc="web">
        <rule id="web-hosts-r" score="100">
          <expression id="web-hosts-e" attribute="#uname" operation="ne" value="xen1"/>
        </rule>
      </rsc_location>""",
        False,
        True,
        "100",
    ),
    "opt-in-or": (
        """<rsc_location id="web-hosts" rsc="web">
        <rule id="web-hosts-r" score="100" boolean-op="or">
          <expression id="web-hosts-e1" attribute="#uname" operation="eq" value="xen2"/>
          <expression id="web-hosts-e2" attribute="#uname" operation="eq" value="xen3"/>
        </rule>
      </rsc_location>""",
        False,
        True,
        "100",
    ),
    "anti-colocation-places-nothing": (
        """<rsc_colocation id="web-apart" rsc="web" with-rsc="db" score="-INFINITY"/>""",
        True,
        True,
        "0",
    ),
}

DB = """      <primitive id="db" class="ocf" provider="heartbeat" type="Dummy"/>
    </resources>"""


def _rule_form_tree(tmp_path: Path, form: str) -> Path:
    constraints, symmetric, _, _ = RULE_FORMS[form]
    root = _copy(tmp_path / form)
    _edit_cib(
        root, "    <constraints/>", f"    <constraints>\n      {constraints}\n    </constraints>"
    )
    if "db" in constraints:
        _edit_cib(root, "    </resources>", DB)
    if not symmetric:
        old = '<nvpair id="opt-stonith-enabled" name="stonith-enabled" value="false"/>'
        _edit_cib(root, old, old + '<nvpair id="opt-sym" name="symmetric-cluster" value="false"/>')
    return root


@pytest.mark.parametrize("form", list(RULE_FORMS))
def test_location_rule_forms(tmp_path: Path, form: str) -> None:
    """XN018 reads location rules as Pacemaker's test_rule does (Pacemaker-1.0.8
    lib/pengine/rules.c: ``and`` unless boolean-op is ``or``, ``#uname`` compared with
    strcasecmp in test_attr_expression) and keeps a node only where no -INFINITY rule
    surely matches it: a rule that also needs a date (in range only some of the time) or
    a node attribute xencfg does not know is no ban, and an opt-in cluster's rule that
    may prefer a node lets the guest run there. A colocation below INFINITY places
    nothing (an anti-colocation only keeps it apart from one resource). The crm_simulate
    allocation score of web on xen3 (Pacemaker 2.1.5) shows what the CRM makes of each
    form (the attribute ban holds here only because no node has the attribute)."""
    _, _, warns, score = RULE_FORMS[form]
    root = _rule_form_tree(tmp_path, form)
    found = _findings(root, ["XN018"])
    assert [("on xen3" in f[4]) for f in found] == ([True] if warns else [])
    out = _crm_simulate(root / "xen1" / CIB, tmp_path, *NODES)
    if score is None:  # not even scored: an opt-in cluster never considers xen3
        assert "web allocation score on xen3" not in out, out
    else:
        assert f"web allocation score on xen3: {score}" in out, out
