"""XN019: a guest the cluster starts is also in xendomains' auto folder.

What xendomains does: its ``start`` walks ``$XENDOMAINS_AUTO/*`` (default /etc/xen/auto,
Xen's tools/hotplug/Linux/init.d/sysconfig.xendomains) and creates every guest there
that does not already run on this node (tools/hotplug/Linux/init.d/xendomains of Xen
3.x/4.x: ``for dom in $XENDOMAINS_AUTO/*; do`` ... ``$CMD create ... $dom``); it knows
nothing of the cluster, which may run the guest on another node.
"""

from __future__ import annotations

import os
from pathlib import Path

from xencfg import lint

CIB = """<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="3" num_updates="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="options">
        <nvpair id="opt-stonith" name="stonith-enabled" value="false"/>
      </cluster_property_set>
    </crm_config>
    <nodes><node id="1" uname="xen1" type="normal"/></nodes>
    <resources>
      <primitive id="vm-web" class="ocf" provider="heartbeat" type="Xen">
        <instance_attributes id="vm-web-ia">
          <nvpair id="vm-web-xmfile" name="xmfile" value="/etc/xen/vm/web"/>{NAME}
        </instance_attributes>
        <operations><op id="vm-web-mon" name="monitor" interval="30s"/></operations>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""

DOMU = 'name = "{NAME}"\nkernel = "/boot/vmlinuz-xen"\nmemory = 512\n'


def node(tmp_path: Path, *, domu: str = "web", cib: bool = True, name_param: str = "") -> Path:
    root = tmp_path / "xen1"
    (root / "etc/xen/vm").mkdir(parents=True)
    (root / "etc/xen/auto").mkdir()
    (root / "etc/xen/vm/web").write_text(DOMU.replace("{NAME}", domu))
    if cib:
        crm = root / "var/lib/heartbeat/crm"
        crm.mkdir(parents=True)
        pair = f'\n          <nvpair id="vm-web-name" name="name" value="{name_param}"/>'
        (crm / "cib.xml").write_text(CIB.replace("{NAME}", pair if name_param else ""))
    return root


def xn019(root: Path) -> list[str]:
    return [f.message.split(" (")[0] for f in lint.run([str(root)], select=["XN019"]).findings]


SAID = "domU 'web' is started by the cluster and by xendomains at boot"


def test_linked_into_auto(tmp_path: Path) -> None:
    root = node(tmp_path)
    os.symlink("../vm/web", root / "etc/xen/auto/web")
    assert xn019(root) == [SAID]


def test_not_in_auto(tmp_path: Path) -> None:
    assert xn019(node(tmp_path)) == []


def test_a_guest_the_cluster_does_not_manage(tmp_path: Path) -> None:
    root = node(tmp_path, cib=False)
    os.symlink("../vm/web", root / "etc/xen/auto/web")
    assert xn019(root) == []


def test_xendomains_off_at_boot(tmp_path: Path) -> None:
    """The tree holds the runlevel links and xendomains has none: the service is off
    (chkconfig xendomains off), and nothing starts /etc/xen/auto."""
    root = node(tmp_path)
    os.symlink("../vm/web", root / "etc/xen/auto/web")
    (root / "etc/rc.d/rc3.d").mkdir(parents=True)
    os.symlink("../init.d/heartbeat", root / "etc/rc.d/rc3.d/S75heartbeat")
    assert xn019(root) == []
    os.symlink("../init.d/xendomains", root / "etc/rc.d/rc3.d/S98xendomains")
    assert xn019(root) == [SAID]


def test_xendomains_auto_setting(tmp_path: Path) -> None:
    """XENDOMAINS_AUTO in /etc/sysconfig/xendomains names the folder (empty: none)."""
    root = node(tmp_path)
    os.symlink("../vm/web", root / "etc/xen/auto/web")
    (root / "etc/sysconfig").mkdir()
    settings = root / "etc/sysconfig/xendomains"
    settings.write_text('XENDOMAINS_AUTO=""\n')
    assert xn019(root) == []
    (root / "etc/xen/boot").mkdir()
    os.symlink("../vm/web", root / "etc/xen/boot/web")
    settings.write_text("XENDOMAINS_AUTO=/etc/xen/boot\n")
    assert xn019(root) == [SAID]


def test_copy_in_auto_named_by_the_resource(tmp_path: Path) -> None:
    """A copy (not a link) of the config in auto/, its guest named by the resource's
    ``name`` parameter (the Xen agent's first choice)."""
    root = node(tmp_path, domu="www", name_param="www")
    (root / "etc/xen/auto/www.cfg").write_text(DOMU.replace("{NAME}", "www"))
    assert [m.replace("www", "web") for m in xn019(root)] == [SAID]


def test_haresources_xen_resource(tmp_path: Path) -> None:
    root = node(tmp_path, cib=False)
    os.symlink("../vm/web", root / "etc/xen/auto/web")
    (root / "etc/ha.d").mkdir()
    (root / "etc/ha.d/haresources").write_text("xen1 drbddisk::web Xen::/etc/xen/vm/web\n")
    assert xn019(root) == [SAID]


def test_xendomains_stop_link_only(tmp_path: Path) -> None:
    """A ``K`` link stops xendomains in that runlevel (``chkconfig xendomains off``
    leaves K links in every runlevel): it starts nothing at boot (rules/boot.py reads
    the links for XN019 and HB018 alike)."""
    root = node(tmp_path)
    os.symlink("../vm/web", root / "etc/xen/auto/web")
    (root / "etc/rc.d/rc3.d").mkdir(parents=True)
    os.symlink("../init.d/xendomains", root / "etc/rc.d/rc3.d/K02xendomains")
    assert xn019(root) == []


SAVES = "xendomains saves every running guest at shutdown and restores it at boot"
DEFAULT = (
    "XENDOMAINS_SAVE=/var/lib/xen/save\nXENDOMAINS_RESTORE=true\nXENDOMAINS_AUTO=/etc/xen/auto\n"
)


def test_saved_at_shutdown_and_restored_at_boot(tmp_path: Path) -> None:
    """Debian's and Ubuntu's /etc/default/xendomains as shipped: Xen's
    tools/hotplug/Linux/xendomains.in ``stop`` runs ``$CMD save`` on every running
    domain when ``test -n "$XENDOMAINS_SAVE"`` (the cluster's guest too: only
    ``XENDOMAINS_AUTO_ONLY=true`` limits it to /etc/xen/auto's), and ``start``
    restores every image ``if [ "$XENDOMAINS_RESTORE" = "true" ]``: a second copy of
    a guest the cluster has meanwhile started on the peer (unseen8's bionic tree)."""
    root = node(tmp_path)
    (root / "etc/default").mkdir()
    (root / "etc/default/xendomains").write_text(DEFAULT)
    found = lint.run([str(root)], select=["XN019"]).findings
    assert [f.message.split(" (")[0] for f in found] == [SAVES]
    assert (Path(found[0].path).name, found[0].line) == ("xendomains", 1)


def test_no_save_no_restore_or_auto_only(tmp_path: Path) -> None:
    """``XENDOMAINS_SAVE=`` empty, ``XENDOMAINS_RESTORE=false`` or
    ``XENDOMAINS_AUTO_ONLY=true``: xendomains leaves the cluster's guests alone."""
    for k, text in enumerate(
        (
            DEFAULT.replace("/var/lib/xen/save", ""),
            DEFAULT.replace("RESTORE=true", "RESTORE=false"),
            DEFAULT + "XENDOMAINS_AUTO_ONLY=true\n",
        )
    ):
        root = node(tmp_path / str(k))
        (root / "etc/default").mkdir()
        (root / "etc/default/xendomains").write_text(text)
        assert xn019(root) == [], text
    root = node(tmp_path / "nocib", cib=False)
    (root / "etc/default").mkdir()
    (root / "etc/default/xendomains").write_text(DEFAULT)
    assert xn019(root) == []
