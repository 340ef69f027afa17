"""lvm.conf advice for the LVM release a node runs (component ``lvm2``).

LVM 2.03.00 removed clvmd and lvmetad (lvm2 WHATS_NEW 2.03.00). Every release fact below
was read off LVM 2.03.16's own tables on this machine: ``lvmconfig --typeconfig full
--withversions --showdeprecated global`` prints, from lib/config/config_settings.h,

* ``locking_type``, ``locking_library``: "Available since version 1.0.0", "Deprecated since
  version 2.3.0";
* ``fallback_to_clustered_locking``, ``fallback_to_local_locking``: since 2.2.42,
  deprecated since 2.3.0;
* ``use_lvmetad``: since 2.2.93, deprecated since 2.3.0;
* ``use_lvmlockd``: "Available since version 2.2.124" (lvmconfig writes 2.02.124 as
  2.2.124).

What 2.03 does with them: ``LVM_SYSTEM_DIR=DIR lvmconfig -vvvv --validate`` of an lvm.conf
holding ``locking_type = 3``, ``use_lvmetad = 1``, ``fallback_to_local_locking = 0``,
``locking_library`` and ``use_lvmlockd = 0`` says "LVM configuration valid" after
lvmcmdline.c:3249 "WARNING: see lvmlockd(8) for information on using cluster/clvm VGs."
and lvmcmdline.c:3261 "WARNING: locking_type (3) is deprecated, using file locking."
(``locking_type = 2`` the same; 0 and 5: line 3252 "using --nolocking"). So 2.03 ignores
these settings and a 2.03 node with ``locking_type = 3`` locks locally (LV002).
:func:`test_lvmconfig_of_this_machine` runs it again where lvmconfig 2.03 is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from xencfg import lint
from xencfg.formats.lvmlike.lvm import SCHEMA, parse
from xencfg.formats.schema import Version
from xencfg.installed import Package, release_of

#: A RHEL 6 cluster's lvm.conf after ``lvmconf --enable-cluster``.
LVM_CONF = """\
devices {
\tfilter = [ "a|^/dev/mapper/|", "r|.*|" ]
}
global {
\tlocking_type = 3
\tfallback_to_local_locking = 0
\tuse_lvmetad = 0
\tuse_lvmlockd = 0
}
"""
#: lines of LVM_CONF
LOCKING, FALLBACK, LVMETAD, LOCKD = 5, 6, 7, 8


def _node(root: Path, name: str, conf: str = LVM_CONF) -> Path:
    (root / "etc" / "lvm").mkdir(parents=True)
    (root / "etc" / "hostname").write_text(f"{name}\n")
    (root / "etc" / "lvm" / "lvm.conf").write_text(conf)
    return root


def _xc004(result: lint.LintResult) -> list[tuple[int, str, str]]:
    return sorted((f.line, f.severity, f.message) for f in result.findings if f.code == "XC004")


def _lint(paths: list[Path], **kw: object) -> lint.LintResult:
    return lint.run([str(p) for p in paths], select=["XC003", "XC004", "LV002"], **kw)  # type: ignore[arg-type]  # (kw: versions= only)


def test_lvm_202_declared_no_advice(tmp_path: Path) -> None:
    """LVM 2.02 reads every one of these settings: nothing to say."""
    node = _node(tmp_path / "xen1", "xen1")
    result = _lint([node], versions={"lvm2": Version.parse("2.02.187")})
    assert _xc004(result) == []


def test_lvm_203_declared_ignores_clvmd_and_lvmetad(tmp_path: Path) -> None:
    """LVM 2.03 ignores locking_type, fallback_to_local_locking and use_lvmetad
    (config_settings.h: deprecated since 2.3.0; lvmconfig 2.03.16 "using file locking"):
    a warning each, naming lvmlockd; use_lvmlockd (2.02.124) is no advice."""
    node = _node(tmp_path / "xen1", "xen1")
    found = _xc004(_lint([node], versions={"lvm2": Version.parse("2.03.11")}))
    assert [(line, sev) for line, sev, _ in found] == [
        (LOCKING, "warning"),
        (FALLBACK, "warning"),
        (LVMETAD, "warning"),
    ]
    locking = found[0][2]
    assert "LVM 2.03 and later ignore it (LVM 2.03.11, declared)" in locking
    assert "use_lvmlockd = 1" in locking
    assert "drop the line" in found[2][2]


def test_unknown_release_is_info(tmp_path: Path) -> None:
    """Nothing tells the release (use_lvmlockd proves only 2.02.124 or later, still a
    2.02 one maybe): advice for the upgrade, info, as the other formats do."""
    node = _node(tmp_path / "xen1", "xen1")
    result = _lint([node])
    found = _xc004(result)
    assert [(line, sev) for line, sev, _ in found] == [
        (LOCKING, "info"),
        (FALLBACK, "info"),
        (LVMETAD, "info"),
    ]
    assert "advice for LVM 2.02.124 or later, inferred from 'use_lvmlockd'" in found[0][2]
    assert result.cluster.versions.describe()["lvm2"].startswith("LVM 2.02.124 or later")


def _sosreport(root: Path, name: str, lvm2_rpm: str) -> Path:
    """A sosreport: etc/lvm/lvm.conf and sos 3's installed-rpms (NVRA padded to 59)."""
    _node(root, name)
    rpms = ["bash-4.2.46-34.el7.x86_64", lvm2_rpm, "lvm2-cluster-2.02.187-6.el7.x86_64"]
    (root / "installed-rpms").write_text("".join(f"{r:<59} Mon 10 Jan 2022\n" for r in rpms))
    return root


def _dpkg_status(root: Path, name: str, version: str) -> Path:
    """A node's / with var/lib/dpkg/status listing lvm2 ``version`` installed."""
    _node(root, name)
    status = root / "var" / "lib" / "dpkg" / "status"
    status.parent.mkdir(parents=True)
    status.write_text(
        "Package: lvm2\nStatus: install ok installed\nArchitecture: amd64\n"
        f"Version: {version}\n\nPackage: bash\nStatus: install ok installed\n"
        "Version: 5.1-2\n"
    )
    return root


def test_sosreport_rpms_lvm_202_no_advice(tmp_path: Path) -> None:
    """CentOS 7's lvm2-2.02.187-6.el7 (epoch-less NVRA as sos writes it): 2.02.187, which
    reads them all; the lvm2-cluster package (clvmd) is no component of its own."""
    root = _sosreport(tmp_path / "sosreport-xen1", "xen1", "lvm2-2.02.187-6.el7.x86_64")
    assert release_of(Package("lvm2-cluster", "2.02.187-6.el7", root, 3)) is None
    result = _lint([root])
    assert _xc004(result) == []
    lvm = result.cluster.versions.describe()["lvm2"]
    assert lvm.startswith("LVM 2.02.187, inferred from 'lvm2 2.02.187-6.el7' at ")
    assert "installed-rpms:2" in lvm


def test_dpkg_status_lvm_203_warns(tmp_path: Path) -> None:
    """Debian 11's lvm2 2.03.11-2.1 in var/lib/dpkg/status: the same lvm.conf gets the
    2.03 warnings, naming the package line."""
    root = _dpkg_status(tmp_path / "xen1", "xen1", "2.03.11-2.1")
    found = _xc004(_lint([root]))
    assert [(line, sev) for line, sev, _ in found] == [
        (LOCKING, "warning"),
        (FALLBACK, "warning"),
        (LVMETAD, "warning"),
    ]
    assert "(LVM 2.03.11, inferred from 'lvm2 2.03.11-2.1' at " in found[0][2]


def test_lv002_node_on_203_locks_locally(tmp_path: Path) -> None:
    """The same locking_type = 3 on both nodes, xen2 upgraded to LVM 2.03: xen2 locks with
    files ("locking_type (3) is deprecated, using file locking", lvmcmdline.c:3261 of
    2.03.16) while xen1's clvmd locks for the cluster: LV002 on xen2, not on xen1."""
    xen1 = _sosreport(tmp_path / "xen1", "xen1", "lvm2-2.02.187-6.el7.x86_64")
    xen2 = _dpkg_status(tmp_path / "xen2", "xen2", "2.03.11-2.1")
    found = [f for f in _lint([xen1, xen2]).findings if f.code == "LV002"]
    assert len(found) == 1, found
    assert "xen2" in found[0].path and found[0].line == LOCKING
    assert "locking_type 3, which LVM 2.03.11" in found[0].message
    assert "xen1 locks through clvmd" in found[0].message


def test_lv002_both_on_202_agree(tmp_path: Path) -> None:
    """Both nodes on 2.02 with locking_type = 3: both lock through clvmd, no LV002."""
    xen1 = _sosreport(tmp_path / "xen1", "xen1", "lvm2-2.02.187-6.el7.x86_64")
    xen2 = _sosreport(tmp_path / "xen2", "xen2", "lvm2-2.02.180-10.el7.x86_64")
    assert [f for f in _lint([xen1, xen2]).findings if f.code == "LV002"] == []


def test_top_level_path_setting_still_reported(tmp_path: Path) -> None:
    """A top-level ``global/locking_type = 3`` is read from 2.02.113 on only (XC003 as
    before the schema) and judged as global's locking_type (XC004 on 2.03)."""
    node = _node(tmp_path / "xen1", "xen1", "global/locking_type = 3\ndevices {\n}\n")
    result = _lint([node], versions={"lvm2": Version.parse("2.03.16")})
    codes = sorted((f.code, f.line) for f in result.findings)
    assert codes == [("XC003", 1), ("XC004", 1)]


def test_schema_facts() -> None:
    """The facts the tests above rely on, as lvmconfig 2.03.16 prints them."""
    facts = {n: (k.since, k.until) for n, k in SCHEMA.contexts["global"].items()}
    v = Version.parse
    assert facts["use_lvmlockd"] == (v("2.02.124"), None)
    assert facts["use_lvmetad"] == (v("2.02.93"), v("2.03"))
    assert facts["locking_type"] == (None, v("2.03"))
    uses = list(parse(LVM_CONF).keyword_uses())
    assert [(c, k) for c, k, _ in uses][:2] == [("devices", "filter"), ("global", "locking_type")]


@pytest.mark.skipif(shutil.which("lvmconfig") is None, reason="lvmconfig (lvm2) not installed")
def test_lvmconfig_of_this_machine(tmp_path: Path) -> None:
    """Re-run the lvmconfig the facts came from (2.03 only: 2.02 has other warnings)."""
    env = {**os.environ, "LVM_SYSTEM_DIR": str(tmp_path), "LVM_SUPPRESS_FD_WARNINGS": "1"}
    version = subprocess.run(
        ["lvmconfig", "--version"], capture_output=True, text=True, env=env, check=False
    ).stdout
    if "version:     2.03" not in version:
        pytest.skip(f"lvmconfig is not LVM 2.03: {version.splitlines()[:1]}")
    (tmp_path / "lvm.conf").write_text(LVM_CONF)
    run = subprocess.run(
        ["lvmconfig", "--validate"], capture_output=True, text=True, env=env, check=False
    )
    assert "LVM configuration valid" in run.stdout
    assert "locking_type (3) is deprecated, using file locking" in run.stderr
    listed = subprocess.run(
        [
            "lvmconfig",
            "--typeconfig",
            "full",
            "--withversions",
            "--withcomments",
            "--showdeprecated",
            "global",
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    ).stdout
    for name in ("locking_type", "use_lvmetad", "fallback_to_local_locking"):
        block = listed.split(f"option global/{name}.")[1].split("Configuration option")[0]
        assert "Deprecated since version 2.3.0" in block
    lockd = listed.split("option global/use_lvmlockd.")[1].split("Configuration option")[0]
    assert "Available since version 2.2.124" in lockd


CIB = """<cib validate-with="pacemaker-1.2" epoch="1" num_updates="0" admin_epoch="0">
  <configuration><crm_config/><nodes/><resources>
    <clone id="base-clone"><group id="base">
      <primitive id="dlm" class="ocf" provider="pacemaker" type="controld"/>
      <primitive id="clvm" class="ocf" provider="lvm2" type="clvmd"/>
    </group></clone>
  </resources><constraints/></configuration><status/></cib>
"""


def test_a_cib_running_clvmd_proves_lvm_202(tmp_path: Path) -> None:
    """SUSE's ocf:lvm2:clvmd (lvm2-clvm of LVM 2.02) runs clvmd, which 2.03 does not have:
    the node runs LVM before 2.03, so lvm.conf's clvmd settings are current (no XC004)."""
    node = _node(tmp_path / "hae1", "hae1")
    crm = node / "var" / "lib" / "heartbeat" / "crm"
    crm.mkdir(parents=True)
    (crm / "cib.xml").write_text(CIB)
    result = _lint([node])
    assert _xc004(result) == []
    described = result.cluster.versions.describe()["lvm2"]
    assert "before 2.03, inferred from clvmd (ocf:lvm2:clvmd 'clvm') in " in described


def test_red_hat_7_release_file_proves_lvm_202(tmp_path: Path) -> None:
    """RHEL 5 to 7 ship LVM 2.02 only (RHEL 8.0 brought 2.03.02): /etc/redhat-release of 7
    says 2.02, no XC004; its lvm2 package still wins where the tree lists one."""
    node = _node(tmp_path / "rh1", "rh1")
    (node / "etc" / "redhat-release").write_text("CentOS Linux release 7.9.2009 (Core)\n")
    result = _lint([node])
    assert _xc004(result) == []
    described = result.cluster.versions.of("lvm2", "rh1").describe("LVM")
    # (use_lvmlockd, line 8, proves 2.02.124 or later; the release file, before 2.03)
    assert described.startswith("LVM 2.02.124 or later, before 2.03, inferred from 'use_lvm")
    assert described.endswith("and Red Hat 7's lvm2 2.02 (/etc/redhat-release of rh1)")
    # RHEL 8 has no clvmd and no lvmetad ("Considerations in adopting RHEL 8", 12.3.1,
    # 12.3.2): its release proves 2.03 (distro.SHIPPED), so the three settings 2.03
    # ignores are warnings, as where 2.03 is declared
    (node / "etc" / "redhat-release").write_text("Red Hat Enterprise Linux release 8.4\n")
    assert [sev for _, sev, _ in _xc004(_lint([node]))] == ["warning"] * 3
