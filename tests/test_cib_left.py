"""CIB verdicts left by earlier audits: ``target-role`` Master on a plain primitive by
Pacemaker release (CB028), STONITH primitives whose plugin is given no host to fence.

Each test names the source line (ClusterLabs/pacemaker at a tag, cluster-glue's
lib/plugins/stonith) or the crm_verify 2.1.5 run that backs the expected verdict.
"""

from __future__ import annotations

from pathlib import Path

from conftest import crm_verify_file
from test_cib_convert import crm_verify_output
from xencfg import lint
from xencfg.versions import parse_declared

#: One IP address with a role it cannot take; ``{DC}`` is a dc-version nvpair or nothing.
ROLE_CIB = """\
<cib admin_epoch="0" epoch="3" num_updates="0" validate-with="pacemaker-1.0">
 <configuration>
  <crm_config><cluster_property_set id="props">{DC}
   <nvpair id="props-fencing" name="stonith-enabled" value="false"/>
  </cluster_property_set></crm_config>
  <nodes><node id="dom0a" uname="dom0a" type="normal"/></nodes>
  <resources>
   <primitive id="svc-ip" class="ocf" provider="heartbeat" type="IPaddr2">
    <instance_attributes id="svc-ip-ia">
     <nvpair id="svc-ip-addr" name="ip" value="192.0.2.40"/>
    </instance_attributes>
    <meta_attributes id="svc-ip-meta">
     <nvpair id="svc-ip-role" name="target-role" value="{ROLE}"/>
    </meta_attributes>
    <operations><op id="svc-ip-mon" name="monitor" interval="15s"/></operations>
   </primitive>
  </resources>
  <constraints/>
 </configuration>
 <status/>
</cib>
"""


def role_cib(tmp_path: Path, role: str, dc: str | None = None) -> Path:
    pair = f'\n   <nvpair id="props-dc" name="dc-version" value="{dc}"/>' if dc else ""
    path = tmp_path / f"role-{role}-{dc or 'none'}.xml"
    path.write_text(ROLE_CIB.replace("{DC}", pair).replace("{ROLE}", role))
    return path


def found(path: Path, code: str, **versions: str) -> list[tuple[str, str, int, str]]:
    declared = parse_declared(dict(versions), "test") if versions else None
    return [
        (f.code, f.severity, f.line, f.message)
        for f in lint.run([str(path)], select=[code], versions=declared).findings
    ]


# -- CB028: target-role Master outside a master/slave, by release -----------------------


def test_cb028_master_on_a_primitive_is_an_error_from_pacemaker_1_1_5(tmp_path: Path) -> None:
    """crm_verify 2.1.5 on this CIB: "error: Ignoring 'target-role' for svc-ip because
    'Master' only makes sense for promotable clones", "Errors found during check: config
    not valid" (rc != 0). The check is a crm_config_err since tag Pacemaker-1.1.5
    (lib/pengine/utils.c line 1346, get_target_role); a dc-version of 1.1.7 puts the
    cluster on 1.1.x at 1.1.7 or later, so lint gives the error crm_verify gives."""
    path = role_cib(tmp_path, "Master", dc="1.1.7-ee0730e13d")
    rc, out = crm_verify_file(path)
    assert rc != 0 and "config not valid" in out, out
    assert "only makes sense for promotable clones" in crm_verify_output(path.read_text(), tmp_path)
    [(code, severity, line, message)] = found(path, "CB028")
    assert (code, severity, line) == ("CB028", "error", 14)
    assert "configuration error" in message
    # declared, as with --target pacemaker=2.1.5: the same
    plain = role_cib(tmp_path, "Slave")
    assert [f[:3] for f in found(plain, "CB028", pacemaker="2.1.5")] == [("CB028", "error", 13)]
    rc, out = crm_verify_file(plain)
    assert rc != 0 and "config not valid" in out, out
    assert "'Slave' only makes sense" in crm_verify_output(plain.read_text(), tmp_path)


def test_cb028_master_on_a_primitive_only_warns_before_1_1_5(tmp_path: Path) -> None:
    """Tags Pacemaker-1.0.7 to 1.1.4: lib/pengine/utils.c get_target_role says pe_warn
    ("%s is not part of a master/slave resource, a %s of '%s' makes no sense", 1.1.4
    line 1338; 1.0.8 line 1422), sets the role to started and returns: the option does
    nothing and the configuration is valid, so a warning that says so. 1.0.0 to 1.0.6
    (lib/pengine/complex.c common_unpack, 1.0.0 line 289) took the role as written and
    promoted the primitive (fixed by commit b136b08b25, "Prevent non-multistate
    resources from being promoted through target-role", first in 1.0.7): the warning
    names that where the release may be one of those."""
    ten = role_cib(tmp_path, "Master", dc="1.0.9-89bd754939")
    [(code, severity, _, message)] = found(ten, "CB028")
    assert (code, severity) == ("CB028", "warning")
    assert "does nothing" in message and "promote" not in message
    [(_, severity, _, message)] = found(role_cib(tmp_path, "Master"), "CB028", pacemaker="1.0.6")
    assert severity == "warning" and "asks the agent to promote" in message
    [(_, severity, _, message)] = found(role_cib(tmp_path, "Slave"), "CB028", pacemaker="1.1.4")
    assert severity == "warning" and "does nothing" in message


def test_cb028_master_on_a_primitive_warns_while_the_release_is_unknown(tmp_path: Path) -> None:
    """A pacemaker-1.0 CIB without dc-version may run on 1.0.7 to 1.1.4, which only warn
    (see above): lint must not give an error there, so a warning naming both readings.
    A role the resource can take ('Started', crm_verify rc 0) gives nothing."""
    path = role_cib(tmp_path, "Master")
    [(code, severity, _, message)] = found(path, "CB028")
    assert (code, severity) == ("CB028", "warning")
    assert "1.1.5 and later call this a configuration error" in message
    good = role_cib(tmp_path, "Started", dc="1.1.7-ee0730e13d")
    assert found(good, "CB028") == []
    rc, out = crm_verify_file(good)
    assert rc == 0, out


# -- CB036: a STONITH plugin given no host to fence --------------------------------------

#: Two dom0s, fencing on, one device; ``{TYPE}`` its plugin, ``{PARAMS}`` its nvpairs.
FENCE_CIB = """\
<cib admin_epoch="0" epoch="9" num_updates="0" validate-with="pacemaker-1.0">
 <configuration>
  <crm_config><cluster_property_set id="props">{DC}
   <nvpair id="props-fencing" name="stonith-enabled" value="true"/>
  </cluster_property_set></crm_config>
  <nodes>
   <node id="dom0a" uname="dom0a" type="normal"/>
   <node id="dom0b" uname="dom0b" type="normal"/>
  </nodes>
  <resources>
   <primitive id="fence-b" class="stonith" type="{TYPE}">
    <instance_attributes id="fence-b-ia">{PARAMS}
    </instance_attributes>
    <operations><op id="fence-b-mon" name="monitor" interval="60s"/></operations>
   </primitive>
  </resources>
  <constraints/>
 </configuration>
</cib>
"""


def fence_cib(tmp_path: Path, plugin: str, dc: str | None = None, **params: str) -> Path:
    pairs = "".join(
        f'\n     <nvpair id="fence-b-{i}" name="{k}" value="{v}"/>'
        for i, (k, v) in enumerate(params.items())
    )
    dc_pair = f'\n   <nvpair id="props-dc" name="dc-version" value="{dc}"/>' if dc else ""
    name = plugin.replace("/", "_") + "-" + "-".join(params) + f"-{dc or 'none'}.xml"
    path = tmp_path / name
    text = FENCE_CIB.replace("{TYPE}", plugin).replace("{PARAMS}", pairs)
    path.write_text(text.replace("{DC}", dc_pair))
    return path


def test_cb036_ipmi_without_hostname_fences_nobody(tmp_path: Path) -> None:
    """cluster-glue lib/plugins/stonith/external/ipmi line 131: ``gethosts`` is ``echo
    $hostname``; external.c ``external_set_config`` only logs a missing name at debug
    level, and ``status`` talks to ``ipaddr`` alone: the device starts and lists no host,
    so fenced (2.1.5 fenced_commands.c target_list_type: dynamic-list) never picks it:
    a warning. With ``hostname`` it lists the node; with ``pcmk_host_list`` the fencer
    targets the listed nodes and ipmi's reset uses ``ipaddr``: nothing said. crm_verify
    2.1.5 takes the CIB (rc 0): the scheduler does not look into plugin parameters."""
    device = {"ipaddr": "192.0.2.71", "userid": "fence", "passwd_method": "file"}
    bad = fence_cib(tmp_path, "external/ipmi", **device)
    rc, out = crm_verify_file(bad)
    assert rc == 0, out
    [(code, severity, line, message)] = found(bad, "CB036")
    assert (code, severity, line) == ("CB036", "warning", 11)
    assert "'hostname'" in message and "fences nobody" in message
    assert found(fence_cib(tmp_path, "external/ipmi", hostname="dom0b", **device), "CB036") == []
    listed = fence_cib(tmp_path, "external/ipmi", pcmk_host_list="dom0b", **device)
    assert found(listed, "CB036") == []
    # an empty value is no host either (the script echoes an empty line)
    empty = fence_cib(tmp_path, "external/ipmi", hostname="", **device)
    assert [f[:2] for f in found(empty, "CB036")] == [("CB036", "warning")]


def test_cb036_riloe_meatware_and_ssh_without_hostlist(tmp_path: Path) -> None:
    """external/riloe line 71: ``realhost`` is ``hostlist`` (else the legacy ``RI_HOST``),
    line 161 ``gethosts`` prints it; ssh.c line 254 and meatware.c line 256 refuse a
    config without ``hostlist`` in ``set_config`` while their ``status`` stays good
    (ssh.c line 138 ``system(NULL)``, meatware.c line 117 ``S_OK``): all start and fence
    nobody, a warning whatever the release. The legacy RI_HOST name counts for riloe."""
    ilo = {"ilo_hostname": "ilo-b.example", "ilo_user": "fence"}
    [(_, severity, _, message)] = found(fence_cib(tmp_path, "external/riloe", **ilo), "CB036")
    assert severity == "warning" and "'hostlist'" in message
    assert found(fence_cib(tmp_path, "external/riloe", hostlist="dom0b", **ilo), "CB036") == []
    assert found(fence_cib(tmp_path, "external/riloe", RI_HOST="dom0b", **ilo), "CB036") == []
    for plugin in ("ssh", "meatware"):
        bad = fence_cib(tmp_path, plugin, dc="1.1.12-561c4cf", livedangerously="yes")
        assert [f[:2] for f in found(bad, "CB036")] == [("CB036", "warning")], plugin
        good = fence_cib(tmp_path, plugin, hostlist="dom0a dom0b")
        assert found(good, "CB036") == [], plugin


def test_cb036_a_plugin_whose_status_needs_the_host_list_does_not_start(tmp_path: Path) -> None:
    """external/xen0 line 162 (``status`` runs CheckHostList: "hostlist isn't set", exit
    1), external/ssh.in line 103 and external/libvirt line 118 fail their status without
    ``hostlist``; Pacemaker's lrmd from 1.1.8 on starts a STONITH resource by registering
    it and running its monitor (tag Pacemaker-1.1.8 lrmd/lrmd.c lines 633-651), so the
    start fails: an error where the release is 1.1.8 or later (dc-version 1.1.12), a
    warning while it is unknown. A plugin lint does not know is not judged."""
    for plugin in ("external/xen0", "external/ssh", "external/libvirt"):
        bad = fence_cib(tmp_path, plugin, dc="1.1.12-561c4cf", dom0="dom0a")
        [(code, severity, _, message)] = found(bad, "CB036")
        assert (code, severity) == ("CB036", "error"), plugin
        assert "does not start" in message
        unknown = fence_cib(tmp_path, plugin, dom0="dom0a")
        assert [f[:2] for f in found(unknown, "CB036")] == [("CB036", "warning")], plugin
        good = fence_cib(tmp_path, plugin, dc="1.1.12-561c4cf", hostlist="dom0b", dom0="a")
        assert found(good, "CB036") == [], plugin
    other = fence_cib(tmp_path, "external/sbd", sbd_device="/dev/disk/by-id/sbd")
    assert found(other, "CB036") == []
