"""Review of the rules merged this session, each false verdict found on a legitimate
configuration pinned by a test that fails without its fix (the source line behind the
expected behaviour named beside it)."""

from __future__ import annotations

from pathlib import Path

from test_live_reality import NODES, build, verdicts
from test_live_reality3 import WHERE_RUNNING, virsh_list

# -- LS027: a domain libvirt or xend keeps defined has a configuration -----------------

LIBVIRT_XML = "<domain type='xen'>\n  <name>test</name>\n  <memory>262144</memory>\n</domain>\n"
XEND_SXP = "(domain\n    (name test)\n    (memory 256)\n    (on_xend_start ignore)\n)\n"


def test_ls027_libvirt_defined_domain_has_its_config(tmp_path: Path) -> None:
    """A guest defined in libvirt's libxl driver (virsh define, virt-manager) is kept as
    /etc/libvirt/libxl/NAME.xml (libvirt src/libxl/libxl_conf.h: ``LIBXL_CONFIG_DIR
    SYSCONFDIR "/libvirt/libxl"``; virDomainSaveConfig writes ``configDir/NAME.xml``):
    ``virsh start test`` and libvirtd's autostart start it again, so 'nothing on the
    node can start it again' is false there."""
    running = {**WHERE_RUNNING["xen2"], "test": 7}
    roots = build(tmp_path, {("xen2", "virsh/virsh_-r_list_--all"): virsh_list(running)})
    xml = roots[NODES.index("xen2")] / "etc/libvirt/libxl/test.xml"
    xml.parent.mkdir(parents=True)
    xml.write_text(LIBVIRT_XML)
    assert [v for v in verdicts(roots) if v[0] == "LS027"] == []


def test_ls027_xend_managed_domain_has_its_config(tmp_path: Path) -> None:
    """A guest xend manages (``xm new``, RHEL 5's virt-install/virt-manager through
    libvirt's xen driver) is kept as /var/lib/xend/domains/UUID/config.sxp (Xen 3.x
    XendDomain.py ``_managed_config_path``: ``xoptions.get_xend_domains_path()/UUID/
    config.sxp``): ``xm start test`` starts it again."""
    running = {**WHERE_RUNNING["xen2"], "test": 7}
    roots = build(tmp_path, {("xen2", "virsh/virsh_-r_list_--all"): virsh_list(running)})
    sxp = roots[NODES.index("xen2")] / "var/lib/xend/domains/1b2c/config.sxp"
    sxp.parent.mkdir(parents=True)
    sxp.write_text(XEND_SXP)
    assert [v for v in verdicts(roots) if v[0] == "LS027"] == []


def test_ls027_still_reports_a_domain_nothing_defines(tmp_path: Path) -> None:
    """The libvirt and xend records of other guests do not hide one nothing defines."""
    running = {**WHERE_RUNNING["xen2"], "test": 7}
    roots = build(tmp_path, {("xen2", "virsh/virsh_-r_list_--all"): virsh_list(running)})
    xml = roots[NODES.index("xen2")] / "etc/libvirt/libxl/other.xml"
    xml.parent.mkdir(parents=True)
    xml.write_text(LIBVIRT_XML.replace("test", "other"))
    got = [v for v in verdicts(roots) if v[0] == "LS027"]
    assert [v[3].split(",")[0] for v in got] == ["domU 'test' runs on xen2"]


# -- LS028: a record for a target of a box outside the run ------------------------------

EXTERNAL = "iqn.1992-08.com.netapp:sn.4711"


def _with_record(target: str, address: str) -> dict[tuple[str, str], str]:
    from test_live_reality3 import NODE_P1, PORTALS, node_p1

    records: dict[str, list[str]] = {t: [p] for t, p in PORTALS.items()}
    text = node_p1(records)
    text += f"Target: {target}\n\tPortal: {address}:3260,1\n\t\tIface Name: default\n"
    return {(n, NODE_P1): text for n in ("xen1", "xen2", "xen3")}


def test_ls028_not_judged_for_a_portal_of_a_box_outside_the_run(tmp_path: Path) -> None:
    """The dom0s also use a filer that is not in the run (its targets are in no file
    here): the run's ietd.conf files say nothing of what it exports, so a record for
    one of its targets is no 'retired target'."""
    changes = _with_record(EXTERNAL, "10.0.7.50")
    assert [v for v in verdicts(build(tmp_path, changes)) if v[0] == "LS028"] == []


def test_ls028_still_judged_at_a_portal_of_a_box_of_the_run(tmp_path: Path) -> None:
    changes = _with_record(IQN_OLD, "10.0.2.11")  # san1's address (its ip addr)
    got = [v for v in verdicts(build(tmp_path, changes)) if v[0] == "LS028"]
    assert len(got) == 3 and all("san1.old at 10.0.2.11" in v[3] for v in got)


IQN_OLD = "iqn.2026-11.net.example:san1.old"


# -- LS029: a target pair's service address ---------------------------------------------


def test_ls029_not_judged_at_an_address_the_boxes_cluster_manager_moves(tmp_path: Path) -> None:
    """An IET pair serves its targets at a service address heartbeat moves to the
    active box (haresources ``san1 IPaddr::10.0.2.20/24 iscsi-target``): the passive
    box, captured, does not hold it now, and the record at it is the right one; the
    target has not moved. (heartbeat's ResourceManager runs ``IPaddr 10.0.2.20/24
    start`` on the node that takes the group, ``stop`` on the other.)"""
    from test_live_reality3 import records_state

    changes = records_state(san1_web=["10.0.2.20"])
    roots = build(tmp_path, changes)
    got = [v for v in verdicts(roots) if v[0] == "LS029"]
    assert len(got) == 3  # without the haresources line: nothing says 10.0.2.20 is san1's
    haresources = roots[NODES.index("san1")] / "etc/ha.d/haresources"
    haresources.parent.mkdir(parents=True, exist_ok=True)
    haresources.write_text("san1 IPaddr::10.0.2.20/24 iscsi-target\n")
    assert [v for v in verdicts(roots) if v[0] == "LS029"] == []


def test_ls028_a_target_the_crm_creates_is_named_by_the_run(tmp_path: Path) -> None:
    """A CIB ``iSCSITarget`` resource names its target (``iqn``; resource-agents'
    iSCSITarget creates it with ``ietadm --op new`` where the cluster starts it): a
    record for it is not one of a target 'no CIB resource of this run names'."""
    changes = _with_record(IQN_EXTRA, "10.0.2.11")
    roots = build(tmp_path, changes)
    assert len([v for v in verdicts(roots) if v[0] == "LS028"]) == 3
    primitive = (
        '      <primitive id="tgx" class="ocf" provider="heartbeat" type="iSCSITarget">\n'
        '        <instance_attributes id="tgx-params">\n'
        f'          <nvpair id="tgx-iqn" name="iqn" value="{IQN_EXTRA}"/>\n'
        "        </instance_attributes>\n"
        "      </primitive>\n"
    )
    for node in ("xen1", "xen2", "xen3"):
        cib = roots[NODES.index(node)] / "var/lib/heartbeat/crm/cib.xml"
        body = cib.read_text()
        at = body.index('      <primitive id="vm-web"')
        cib.write_text(body[:at] + primitive + body[at:])
    assert [v for v in verdicts(roots) if v[0] == "LS028"] == []


IQN_EXTRA = "iqn.2026-11.net.example:san1.extra"


XEN_PRIMITIVE = (
    '      <primitive id="vm-test" class="ocf" provider="heartbeat" type="Xen">\n'
    '        <instance_attributes id="vm-test-params">\n'
    '          <nvpair id="vm-test-xmfile" name="xmfile" value="/srv/xen/test.cfg"/>\n'
    "        </instance_attributes>\n"
    "      </primitive>\n"
)


def test_ls027_a_domain_the_crm_starts_from_a_file_on_shared_storage(tmp_path: Path) -> None:
    """The CIB's Xen resource starts ``test`` from /srv/xen/test.cfg (an OCFS2 volume
    every dom0 mounts: outside /etc, so no capture holds it). resource-agents' Xen
    takes the domain's name from that file (``DOMAIN_NAME`` from ``name=`` of
    ``xmfile`` unless ``name`` is set), so the cluster starts it again: the running
    ``test`` may be that resource's, and 'nothing can start it' is not known."""
    running = {**WHERE_RUNNING["xen2"], "test": 7}
    roots = build(tmp_path, {("xen2", "virsh/virsh_-r_list_--all"): virsh_list(running)})
    for node in ("xen1", "xen2", "xen3"):
        cib = roots[NODES.index(node)] / "var/lib/heartbeat/crm/cib.xml"
        body = cib.read_text()
        at = body.index('      <primitive id="vm-web"')
        cib.write_text(body[:at] + XEN_PRIMITIVE + body[at:])
    assert [v for v in verdicts(roots) if v[0] == "LS027"] == []
    # a name the resource sets says which domain it is: another one is still reported
    for node in ("xen1", "xen2", "xen3"):
        cib = roots[NODES.index(node)] / "var/lib/heartbeat/crm/cib.xml"
        named = '          <nvpair id="vm-test-name" name="name" value="other"/>\n'
        body = cib.read_text()
        at = body.index("        </instance_attributes>", body.index('id="vm-test"'))
        cib.write_text(body[:at] + named + body[at:])
    got = [v for v in verdicts(roots) if v[0] == "LS027"]
    assert [v[3].split(",")[0] for v in got] == ["domU 'test' runs on xen2"]


def test_ls027_an_hvm_guest_s_stub_domain_is_the_guest_s(tmp_path: Path) -> None:
    """An HVM guest with ``device_model_stubdomain_override = 1`` runs its qemu in a
    stub domain that xl lists beside it as ``NAME-dm`` (libxl_dm.c
    ``libxl__stub_dm_name``: ``"%s-dm"``); it has no config of its own, libxl makes
    it from the guest's."""
    from test_live_reality3 import XM, xl_list_json

    running = {"Domain-0": 0, **WHERE_RUNNING["xen1"], "web-dm": 4}
    roots = build(tmp_path, {("xen1", XM): xl_list_json(running)})
    assert [v for v in verdicts(roots) if v[0] == "LS027"] == []
    # a '-dm' domain of no guest running here is still judged
    running = {"Domain-0": 0, **WHERE_RUNNING["xen1"], "test-dm": 4}
    roots = build(tmp_path / "other", {("xen1", XM): xl_list_json(running)})
    got = [v for v in verdicts(roots) if v[0] == "LS027"]
    assert [v[3].split(",")[0] for v in got] == ["domU 'test-dm' runs on xen1"]
