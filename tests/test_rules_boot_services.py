"""HB018: a service the cluster manages that the init system also starts at boot.

Sources the verdicts rest on (read through the search tool):

* Pacemaker Explained, resource meta-attribute ``multiple-active`` (default
  ``stop_start``): a resource found active on several nodes is stopped everywhere and
  started on one. A probe of an ``lsb:`` resource is the init script's ``status``.
* drbd-utils scripts/drbd (the init script): "You SHOULD NOT enable this init script
  when using a cluster manager such as Pacemaker"; ``start`` runs ``adjust-with-progress
  all``, ``wait-con-int`` and ``sh-b-pri all`` ("Become primary if configured").
* pacemaker extra/resources/o2cb: ``o2cb_start`` runs ``o2cb_monitor`` first, which
  ``grep user $LOADED_PLUGINS_FILE`` and otherwise logs "Wrong stack" and returns
  ``$OCF_ERR_INSTALLED``; ocfs2-tools o2cb.init.sh: ``if [ "$O2CB_ENABLED" != "true" ];
  then exit 0`` (also cited by OC007).
* resource-agents heartbeat/clvm.in ``clvmd_start``: ``clvmd_status`` ... "already
  started" (the agent takes over a running clvmd).
* resource-agents heartbeat/iSCSITarget.in, implementation ``iet``: start and stop call
  ``ietadm`` (the running ietd's control socket), monitor greps /proc/net/iet/volume:
  the agent never starts ietd, so the iscsitarget init script stays on with it.
* Xen tools/hotplug/Linux/init.d/xendomains ``start``: ``for dom in $XENDOMAINS_AUTO/*``
  ... create, asking only whether the guest runs on this node.
* resource-agents heartbeat/apache.in: ``silent_status`` reads the ``PidFile`` of the
  httpd configuration (the one the init script's httpd writes) and ``start_apache``
  logs "already running"; heartbeat/nfsserver: ``nfsserver_monitor`` runs the init
  script's ``status`` (/etc/init.d/nfsserver, nfs or nfs-kernel-server): both probes
  find the init system's daemon running.
* heartbeat haresources(5): a resource is /etc/ha.d/resource.d/NAME or
  /etc/init.d/NAME; drbddisk (drbd-utils scripts/drbddisk) only runs ``drbdadm
  primary``/``secondary``, so the drbd init script must run with it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xencfg import lint

CIB = """<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="3" num_updates="0">
  <configuration>
    <crm_config/>
    <nodes><node id="1" uname="xen1" type="normal"/></nodes>
    <resources>
{RESOURCES}
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def prim(rid: str, agent: str) -> str:
    parts = agent.split(":")
    provider = f' provider="{parts[1]}"' if len(parts) == 3 else ""
    return f'<primitive id="{rid}" class="{parts[0]}"{provider} type="{parts[-1]}"/>'


def clone(rid: str, agent: str, kind: str = "clone") -> str:
    return f'<{kind} id="{rid}-clone">{prim(rid, agent)}</{kind}>'


def node(
    tmp_path: Path,
    *,
    resources: str = "",
    haresources: str = "",
    links: tuple[str, ...] = (),
    files: dict[str, str] | None = None,
) -> Path:
    """A node tree ``xen1``: a CIB holding ``resources`` (or a haresources file), and
    the boot links ``links`` (paths below /etc) pointing at init scripts."""
    root = tmp_path / "xen1"
    (root / "etc").mkdir(parents=True)
    if resources:
        crm = root / "var/lib/heartbeat/crm"
        crm.mkdir(parents=True)
        (crm / "cib.xml").write_text(CIB.replace("{RESOURCES}", resources))
    if haresources:
        (root / "etc/ha.d").mkdir()
        (root / "etc/ha.d/haresources").write_text(haresources)
    for link in links:
        path = root / "etc" / link
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink("../init.d/x", path)
    for name, text in (files or {}).items():
        (root / "etc" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "etc" / name).write_text(text)
    return root


def hb018(root: Path) -> list[tuple[str, str]]:
    """(severity, service) of each finding."""
    found = lint.run([str(root)], select=["HB018"]).findings
    return [(f.severity, f.message.split(" is started")[0]) for f in found]


# -- plain lsb/systemd resources: multiple-active -------------------------------------


def test_lsb_httpd_linked_in_rc3(tmp_path: Path) -> None:
    """An lsb:httpd primitive and S85httpd: the probe finds httpd on every node
    (Pacemaker Explained, multiple-active)."""
    root = node(tmp_path, resources=prim("web", "lsb:httpd"), links=("rc.d/rc3.d/S85httpd",))
    assert hb018(root) == [("warning", "httpd")]


def test_systemd_unit_in_multi_user_wants(tmp_path: Path) -> None:
    root = node(
        tmp_path,
        resources=prim("web", "systemd:httpd"),
        links=("systemd/system/multi-user.target.wants/httpd.service",),
    )
    assert hb018(root) == [("warning", "httpd")]


def test_ocf_apache_against_apache2_init(tmp_path: Path) -> None:
    """ocf:heartbeat:apache runs the same httpd the init script starts (Debian's
    apache2)."""
    root = node(
        tmp_path, resources=prim("web", "ocf:heartbeat:apache"), links=("rc2.d/S91apache2",)
    )
    assert hb018(root) == [("warning", "apache2")]


@pytest.mark.parametrize(
    ("resources", "links"),
    [
        (prim("web", "lsb:httpd"), ("rc.d/rc3.d/S75heartbeat",)),  # no httpd link
        (prim("web", "lsb:httpd"), ("rc.d/rc3.d/K15httpd",)),  # a stop link: off
        (prim("web", "lsb:httpd"), ()),  # no boot folders: nothing known
        (prim("ip", "ocf:heartbeat:IPaddr2"), ("rc.d/rc3.d/S85httpd",)),  # not managed
        (clone("web", "lsb:httpd"), ("rc.d/rc3.d/S85httpd",)),  # cloned: runs everywhere
    ],
    ids=["no-link", "kill-link", "no-boot-dirs", "not-cluster-managed", "cloned"],
)
def test_httpd_passes(tmp_path: Path, resources: str, links: tuple[str, ...]) -> None:
    assert hb018(node(tmp_path, resources=resources, links=links)) == []


def test_cluster_stack_is_never_flagged(tmp_path: Path) -> None:
    """heartbeat and corosync are enabled at boot by design."""
    root = node(
        tmp_path,
        resources=prim("hb", "lsb:heartbeat"),
        links=("rc.d/rc3.d/S75heartbeat", "rc.d/rc3.d/S20corosync"),
    )
    assert hb018(root) == []


def test_absolute_symlinked_runlevel_folder_is_not_followed(tmp_path: Path) -> None:
    """/etc/rc3.d -> /etc/rc.d/rc3.d written absolute would read this machine's /etc."""
    root = node(tmp_path, resources=prim("web", "lsb:httpd"))
    os.symlink("/etc/rc.d/rc3.d", root / "etc/rc3.d")
    assert hb018(root) == []


# -- DRBD ---------------------------------------------------------------------------


def test_drbd_init_with_linbit_agent(tmp_path: Path) -> None:
    """drbd-utils scripts/drbd: 'You SHOULD NOT enable this init script when using a
    cluster manager such as Pacemaker' (its start promotes by become-primary-on)."""
    root = node(
        tmp_path,
        resources=clone("drbd-r0", "ocf:linbit:drbd", "master"),
        links=("rc.d/rc3.d/S70drbd",),
    )
    assert hb018(root) == [("warning", "drbd")]


def test_drbd_init_with_haresources_drbddisk(tmp_path: Path) -> None:
    """drbddisk only runs `drbdadm primary`: the init script must bring DRBD up."""
    root = node(
        tmp_path,
        haresources="xen1 drbddisk::r0 Filesystem::/dev/drbd0::/srv::ext3\n",
        links=("rc.d/rc3.d/S70drbd", "rc.d/rc3.d/S75heartbeat"),
    )
    assert hb018(root) == []


def test_drbd_not_linked(tmp_path: Path) -> None:
    root = node(
        tmp_path,
        resources=clone("drbd-r0", "ocf:linbit:drbd", "master"),
        links=("rc.d/rc3.d/S75heartbeat",),
    )
    assert hb018(root) == []


# -- OCFS2 on the pcmk stack --------------------------------------------------------

O2CB = "ocf:pacemaker:o2cb"


def test_o2cb_init_on_the_o2cb_stack_breaks_the_agent(tmp_path: Path) -> None:
    """O2CB_ENABLED=true, O2CB_STACK unset (o2cb): the agent's monitor, run first by
    its start, finds 'Wrong stack' and returns OCF_ERR_INSTALLED (pacemaker
    extra/resources/o2cb ``o2cb_monitor``)."""
    root = node(
        tmp_path,
        resources=clone("o2cb", O2CB),
        links=("init.d/rc3.d/S07o2cb",),
        files={"sysconfig/o2cb": "O2CB_ENABLED=true\n"},
    )
    assert hb018(root) == [("error", "o2cb")]


def test_o2cb_init_on_the_pcmk_stack(tmp_path: Path) -> None:
    root = node(
        tmp_path,
        resources=clone("o2cb", "ocf:ocfs2:o2cb"),
        links=("init.d/rc3.d/S07o2cb",),
        files={"sysconfig/o2cb": "O2CB_ENABLED=true\nO2CB_STACK=pcmk\n"},
    )
    assert hb018(root) == [("warning", "o2cb")]


@pytest.mark.parametrize("settings", [{"sysconfig/o2cb": "O2CB_ENABLED=false\n"}, {}])
def test_o2cb_init_that_does_nothing(tmp_path: Path, settings: dict[str, str]) -> None:
    """o2cb.init.sh: ``if [ "$O2CB_ENABLED" != "true" ]; then exit 0``."""
    root = node(
        tmp_path, resources=clone("o2cb", O2CB), links=("init.d/rc3.d/S07o2cb",), files=settings
    )
    assert hb018(root) == []


# -- clvmd ------------------------------------------------------------------------


def test_clvmd_init_with_the_clvmd_agent(tmp_path: Path) -> None:
    root = node(tmp_path, resources=clone("clvm", "ocf:lvm2:clvmd"), links=("rc.d/rc3.d/S24clvmd",))
    assert hb018(root) == [("warning", "clvmd")]


def test_clvmd_agent_without_init_link(tmp_path: Path) -> None:
    root = node(tmp_path, resources=clone("clvm", "ocf:lvm2:clvmd"), links=("rc.d/rc3.d/S26lvm2",))
    assert hb018(root) == []


# -- IET ----------------------------------------------------------------------------


def test_iscsitarget_in_haresources_and_at_boot(tmp_path: Path) -> None:
    root = node(
        tmp_path,
        haresources="xen1 drbddisk::r0 IPaddr::10.0.0.9 iscsitarget\n",
        links=("rc2.d/S20iscsitarget", "rc2.d/S70drbd"),
    )
    assert hb018(root) == [("warning", "iscsitarget")]


def test_iscsitarget_with_the_iscsitarget_agent(tmp_path: Path) -> None:
    """iSCSITarget (iet) drives a running ietd through ietadm: the init script stays."""
    root = node(
        tmp_path,
        resources=prim("tgt", "ocf:heartbeat:iSCSITarget"),
        links=("rc2.d/S20iscsitarget",),
    )
    assert hb018(root) == []


def test_haresources_not_read_with_crm_on(tmp_path: Path) -> None:
    root = node(
        tmp_path,
        haresources="xen1 IPaddr::10.0.0.9 iscsitarget\n",
        links=("rc2.d/S20iscsitarget",),
        files={"ha.d/ha.cf": "node xen1\ncrm yes\n"},
    )
    assert hb018(root) == []


# -- xendomains ---------------------------------------------------------------------


def test_xendomains_as_resource_and_at_boot(tmp_path: Path) -> None:
    """xendomains' start creates every guest of /etc/xen/auto not running here."""
    root = node(tmp_path, haresources="xen1 xendomains\n", links=("rc.d/rc3.d/S98xendomains",))
    assert hb018(root) == [("error", "xendomains")]


# -- several nodes --------------------------------------------------------------------


def test_node_without_a_cib_is_judged_by_its_clusters(tmp_path: Path) -> None:
    """xen2's tree holds only /etc: what its cluster runs comes from xen1's CIB (the
    CIB is one for the whole cluster), and each node's own links are judged."""
    hacf = "node xen1\nnode xen2\ncrm yes\n"
    one = node(
        tmp_path / "a",
        resources=prim("web", "lsb:httpd"),
        links=("rc.d/rc3.d/S85httpd",),
        files={"ha.d/ha.cf": hacf},
    )
    two = node(tmp_path / "b", links=("rc.d/rc3.d/S85httpd",), files={"ha.d/ha.cf": hacf})
    two = two.rename(tmp_path / "b" / "xen2")
    found = lint.run([str(one), str(two)], select=["HB018"]).findings
    assert sorted(f.message.split(" on ")[1].split(")")[0] for f in found) == ["xen1", "xen2"]
    assert {f.location.path for f in found} == {f"{one}/var/lib/heartbeat/crm/cib.xml"}


# -- a sosreport's captured output ------------------------------------------------------

CHKCONFIG = """\
heartbeat      	0:off	1:off	2:on	3:on	4:on	5:on	6:off
httpd          	0:off	1:off	2:{on}	3:{on}	4:off	5:{on}	6:off

xinetd based services:
	rsync:	off
"""


@pytest.mark.parametrize(("state", "found"), [("on", [("warning", "httpd")]), ("off", [])])
def test_sosreport_chkconfig_list(tmp_path: Path, state: str, found: list[object]) -> None:
    """sos's RedHatServices plugin saves ``chkconfig --list`` as
    sos_commands/services/chkconfig_--list; a sosreport holds no /etc/rc.d."""
    root = node(tmp_path, resources=prim("web", "lsb:httpd"))
    out = root / "sos_commands/services/chkconfig_--list"
    out.parent.mkdir(parents=True)
    out.write_text(CHKCONFIG.replace("{on}", state))
    assert hb018(root) == found


def test_sosreport_systemctl_list_unit_files(tmp_path: Path) -> None:
    root = node(tmp_path, resources=prim("web", "systemd:httpd"))
    out = root / "sos_commands/systemd/systemctl_list-unit-files"
    out.parent.mkdir(parents=True)
    out.write_text("UNIT FILE        STATE\nhttpd.service    enabled\nsshd.service  enabled\n")
    assert hb018(root) == [("warning", "httpd")]


def test_drbd_init_promotes_by_become_primary_on(tmp_path: Path) -> None:
    """``startup { become-primary-on xen1; }``: the init script's ``sh-b-pri all``
    promotes r0 on xen1 at boot; the message names the resource."""
    drbd = """resource r0 {
  protocol C;
  startup { become-primary-on xen1; }
  on xen1 { device /dev/drbd0; disk /dev/sdb1; address 10.0.0.1:7788; meta-disk internal; }
  on xen2 { device /dev/drbd0; disk /dev/sdb1; address 10.0.0.2:7788; meta-disk internal; }
}
"""
    root = node(
        tmp_path,
        resources=clone("drbd-r0", "ocf:linbit:drbd", "master"),
        links=("rc.d/rc3.d/S70drbd",),
        files={"drbd.conf": drbd},
    )
    found = lint.run([str(root)], select=["HB018"]).findings
    assert [f.severity for f in found] == ["warning"]
    assert "promotes 'r0' here at boot (become-primary-on xen1" in found[0].message


def test_supportconfig_chkconfig_txt(tmp_path: Path) -> None:
    """supportconfig's ``chkconfig_info``: ``log_cmd chkconfig.txt 'chkconfig --list'``
    (SUSE's SCA patterns read it as ``getSection('chkconfig.txt', 'chkconfig
    --list')``); the file's other sections (``ls -lR /etc/init.d/``) are not read."""
    root = tmp_path / "scc_xen1_261207_0600"
    root.mkdir()
    (root / "ha.txt").write_text(
        "#==[ Configuration File ]===========================#\n"
        "# /etc/ha.d/haresources - Last Modified Size: 40\n"
        "xen1 IPaddr::10.0.0.9 httpd iscsitarget\n"
    )
    banner = "#==[ Command ]======================================#\n"
    (root / "chkconfig.txt").write_text(
        f"{banner}# /sbin/chkconfig --list\n{CHKCONFIG.replace('{on}', 'on')}\n"
        f"{banner}# /bin/ls -lR /etc/init.d/\niscsitarget 0:off 1:off 2:on 3:on 4:on 5:on 6:off\n"
    )
    found = lint.run([str(root)], select=["HB018"]).findings
    assert [f.message.split(" is started")[0] for f in found] == ["httpd"]
    assert "(chkconfig.txt: 0:off 1:off 2:on 3:on 4:off 5:on 6:off on" in found[0].message
