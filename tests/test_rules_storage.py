"""Storage rules (EV, MD) and the later multipath rules (MP005-MP007): a failing and
a passing tree each, and the s000/s002 seed mistakes they exist for."""

from __future__ import annotations

from pathlib import Path

from conftest import shared_path
from xencfg import lint


def tree(tmp: Path, name: str, files: dict[str, str]) -> Path:
    root = tmp / name
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def found(code: str, *roots: Path) -> list[tuple[str, int, str, list[int]]]:
    result = lint.run([str(r) for r in roots], select=[code])
    return [
        (Path(f.path).name, f.line, f.message, [r.line for r in f.related]) for f in result.findings
    ]


EVMS = "engine {\n\tmode = readwrite\n}\nsysfs_devices {\n\tinclude = [ {dev} ]\n}\n"


def test_ev001_dm_minor(tmp_path: Path) -> None:
    bad = tree(tmp_path, "bad", {"etc/evms.conf": EVMS.replace("{dev}", "dm-1")})
    assert found("EV001", bad) == [
        (
            "evms.conf",
            5,
            "sysfs_devices include names dm-1 by dm minor; use the /dev/mapper name",
            [],
        )
    ]
    good = tree(tmp_path, "good", {"etc/evms.conf": EVMS.replace("{dev}", "mapper/mpath2")})
    assert found("EV001", good) == []


def test_md001_option_set_twice_and_md002_ignored_file(tmp_path: Path) -> None:
    bad = tree(
        tmp_path,
        "bad",
        {
            "etc/modules": "sd_mod\nsbp2 exclusive_login=0\n",
            "etc/modprobe.d/sbp2": "options sbp2 exclusive_login=1 serialize_io=1\n",
        },
    )
    assert found("MD001", bad) == [
        ("sbp2", 1, "option exclusive_login of module sbp2 is set again (first 0, here 1)", [2])
    ]
    assert found("MD002", bad) == [
        ("sbp2", 1, "modprobe reads only *.conf in modprobe.d: rename to sbp2.conf", [])
    ]
    good = tree(
        tmp_path,
        "good",
        {
            "etc/modules": "sd_mod\nsbp2\n",
            "etc/modprobe.d/sbp2.conf": "options sbp2 exclusive_login=0 serialize_io=1\n",
        },
    )
    assert found("MD001", good) == [] and found("MD002", good) == []


MP = 'defaults {{\n\tpolling_interval 5\n}}\nblacklist {{\n\tdevnode "{node}"\n}}\n'
MP_QUEUE = "devices {{\n\tdevice {{\n\t\tvendor X\n\t\tno_path_retry {retry}\n\t}}\n}}\n"


def test_mp005_blacklist_by_kernel_name(tmp_path: Path) -> None:
    bad = tree(tmp_path, "bad", {"etc/multipath.conf": MP.format(node="^sd[e-z][0-9]*")})
    [(name, line, message, _)] = found("MP005", bad)
    assert (name, line) == ("multipath.conf", 5) and "'^sd[e-z][0-9]*'" in message
    good = tree(tmp_path, "good", {"etc/multipath.conf": MP.format(node="^(ram|loop)[0-9]*")})
    assert found("MP005", good) == []


def test_mp006_regex_tail(tmp_path: Path) -> None:
    bad = tree(tmp_path, "bad", {"etc/multipath.conf": MP.format(node="^xvdp*")})
    [(name, line, message, _)] = found("MP006", bad)
    assert (name, line) == ("multipath.conf", 5) and "matches exactly what '^xvd'" in message
    good = tree(tmp_path, "good", {"etc/multipath.conf": MP.format(node="^xvd[a-z]*")})
    assert found("MP006", good) == []


def test_mp007_queueing_outlasts_deadtime(tmp_path: Path) -> None:
    hacf = "keepalive 2\ndeadtime 50\nbcast eth0\nnode a b\n"
    bad = tree(
        tmp_path,
        "bad",
        {"etc/multipath.conf": MP_QUEUE.format(retry=60), "etc/ha.d/ha.cf": hacf},
    )
    assert found("MP007", bad) == [
        (
            "multipath.conf",
            4,
            "no_path_retry 60 queues I/O for 300 s, longer than heartbeat's deadtime 50 s",
            [2],
        )
    ]
    forever = tree(
        tmp_path,
        "forever",
        {"etc/multipath.conf": MP_QUEUE.format(retry="queue"), "etc/ha.d/ha.cf": hacf},
    )
    assert "forever" in found("MP007", forever)[0][2]
    good = tree(
        tmp_path,
        "good",
        {"etc/multipath.conf": MP_QUEUE.format(retry=6), "etc/ha.d/ha.cf": hacf},
    )
    assert found("MP007", good) == []
    alone = tree(tmp_path, "alone", {"etc/multipath.conf": MP_QUEUE.format(retry=60)})
    assert found("MP007", alone) == []  # no heartbeat: nothing to compare with


def test_seed_notes_storage() -> None:
    """NOTES.md's multipath, EVMS and module oddities of s000 and s002, each found."""
    s000 = shared_path("seed-examples", "s000-iscsi-multipath", "node1")
    got = {(f.code, Path(f.path).name, f.line) for f in lint.run([str(s000)]).findings}
    assert {("MD001", "sbp2", 1), ("MD002", "sbp2", 1)} <= got
    s002 = shared_path("seed-examples", "s002-sles-hasi", "host1")
    got = {(f.code, Path(f.path).name, f.line) for f in lint.run([str(s002)]).findings}
    assert {
        ("XC004", "multipath.conf", 5),  # multipath_tool: obsolete
        ("XC004", "multipath.conf", 8),  # default_selector ... deprecated spellings
        ("XC004", "multipath.conf", 12),
        ("XC003", "multipath.conf", 60),  # prior_callout: a typo for prio_callout
        ("MP005", "multipath.conf", 23),  # ^sd[e-z]: names change
        ("MP006", "multipath.conf", 24),  # ^xvdp*
        ("MP007", "multipath.conf", 64),  # no_path_retry 60 vs deadtime 50
        ("EV001", "evms.conf", 10),  # include = [ dm-1 ]
        ("HS001", "hosts", 3),  # one name, two addresses
    } <= got


def test_seed_notes_out_of_scope() -> None:
    """NOTES.md items no configuration linter can see, and why.

    * s000 sources.list, s002 ntp.conf / sysconfig/ntp / syslog-ng / logrotate:
      formats xencfg does not read (not part of the cluster's configuration).
    * s002 multipaths overriding the device section's policies, and the ALUA
      priorities the typo disables: a matter of intent, not of a wrong value.
    * s002 lvm.conf ``filter = [ "r|.*|" ]``: rejecting every device is deliberate there.
    * s000 ``exclusive_login=0``: deliberate, safe with a cluster filesystem.
    * the output/ samples (multipath -ll, /proc/drbd, crm_mon, xentop): state, not
      configuration; xencfg parses them (multipath-ll, proc-drbd) for tools to use.
    """
    s002 = shared_path("seed-examples", "s002-sles-hasi", "host1")
    codes = {f.code for f in lint.run([str(s002)]).findings if "lvm.conf" in f.path}
    assert codes == set()


def test_mp008_cib_device_alias_not_defined(tmp_path: Path) -> None:
    cib = (
        "<cib><configuration><crm_config/><nodes/><resources>"
        '<primitive id="pool" class="ocf" provider="heartbeat" type="Filesystem">'
        '<instance_attributes id="ia"><attributes>'
        '<nvpair id="d" name="device" value="/dev/mapper/{alias}"/>'
        "</attributes></instance_attributes></primitive></resources>"
        "<constraints/></configuration><status/></cib>\n"
    )
    mp = "multipaths {\n\tmultipath {\n\t\twwid 3600a\n\t\talias cfgpool\n\t}\n}\n"
    crm = "var/lib/heartbeat/crm/cib.xml"
    bad = tree(tmp_path, "a", {crm: cib.format(alias="pool"), "etc/multipath.conf": mp})
    [(name, line, message, related)] = found("MP008", bad)
    assert (name, line, related) == ("cib.xml", 1, [1]) and "alias 'pool'" in message
    good = tree(tmp_path / "g", "a", {crm: cib.format(alias="cfgpool"), "etc/multipath.conf": mp})
    assert found("MP008", good) == []
    lvm = tree(tmp_path / "l", "a", {crm: cib.format(alias="vg0-data"), "etc/multipath.conf": mp})
    assert found("MP008", lvm) == []


FENCED_CIB = """<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">
  <configuration>
    <crm_config><cluster_property_set id="o">
      <nvpair id="o-s" name="stonith-enabled" value="{enabled}"/>
    </cluster_property_set></crm_config>
    <nodes><node id="a" uname="a" type="normal"/><node id="b" uname="b" type="normal"/></nodes>
    <resources>
      <primitive id="fence-b" class="stonith" type="{agent}">
        <instance_attributes id="fence-b-ia">
          <nvpair id="fence-b-h" name="hostname" value="b"/>
        </instance_attributes>
      </primitive>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


def test_mp007_stonith_resets_the_hung_node(tmp_path: Path) -> None:
    """MP007's own fix: fencing that resets the node. With STONITH on and a device that
    power-cycles (external/ipmi), the node whose I/O queues is reset before its resources
    start elsewhere (Pacemaker Explained 1.0, "STONITH": the cluster fences a node it
    cannot reach before recovering its resources), so the queueing is no hazard. A test
    agent (null, ssh) or STONITH switched off still gets the warning."""
    hacf = "keepalive 2\ndeadtime 50\nbcast eth0\nnode a b\n"
    mp = MP_QUEUE.format(retry="queue")
    cib_path = "var/lib/heartbeat/crm/cib.xml"

    def with_cib(name: str, enabled: str, agent: str) -> Path:
        cib = FENCED_CIB.format(enabled=enabled, agent=agent)
        files = {"etc/multipath.conf": mp, "etc/ha.d/ha.cf": hacf, cib_path: cib}
        return tree(tmp_path, name, files)

    assert found("MP007", with_cib("ipmi", "true", "external/ipmi")) == []
    assert len(found("MP007", with_cib("off", "false", "external/ipmi"))) == 1
    assert len(found("MP007", with_cib("null", "true", "null"))) == 1
    v1 = tree(
        tmp_path,
        "hb1",
        {
            "etc/multipath.conf": mp,
            "etc/ha.d/ha.cf": hacf + "stonith_host * external/ipmi b 10.0.3.2 fence x\n",
        },
    )
    assert found("MP007", v1) == []  # heartbeat v1 fencing in ha.cf
    unfenced = tree(tmp_path, "none", {"etc/multipath.conf": mp, "etc/ha.d/ha.cf": hacf})
    assert len(found("MP007", unfenced)) == 1


def multipaths(*entries: tuple[str, str]) -> str:
    body = "".join(f"\tmultipath {{\n\t\twwid {w}\n\t\talias {a}\n\t}}\n" for w, a in entries)
    return f"multipaths {{\n{body}}}\n"


def test_mp003_wwid_or_alias_twice(tmp_path: Path) -> None:
    """multipath-tools merges a repeated WWID's entries (merge_mptable: "duplicate
    multipath config section"); a repeated alias for two WWIDs fails the second map."""
    bad = tree(
        tmp_path,
        "bad",
        {"etc/multipath.conf": multipaths(("3600a", "a"), ("3600a", "b"), ("3600c", "a"))},
    )
    rows = found("MP003", bad)
    assert [(line, related) for _, line, _, related in rows] == [(6, [2]), (10, [2])]
    assert ["wwid '3600a'" in rows[0][2], "alias 'a'" in rows[1][2]] == [True, True]
    good = tree(
        tmp_path, "good", {"etc/multipath.conf": multipaths(("3600a", "a"), ("3600b", "b"))}
    )
    assert found("MP003", good) == []
