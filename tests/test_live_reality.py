"""Configuration against reality on our storage-tier example (examples/storage-tier:
three dom0s, two IET boxes, DRBD between xen1 and xen2, a Pacemaker 1.0 CIB): the
files beside captures in sosreport's layout, as sos 3/4 names them (networking
plugin ``ip -o addr``, iscsi ``iscsiadm -m session -P 3``, multipath ``multipath
-ll``, xen ``xm list``, pacemaker ``crm_mon -1 -A -n -r -t``, /proc/drbd copied).
Where files and state agree, no drift rule speaks; each realistic divergence gives
the rule that names it, and nothing else. The capture texts are ours, in the shapes
the tools print (the source line behind each shape is named where it is built)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from xencfg import discover, lint
from xencfg.rules.live.iscsi import _portal_address

EXAMPLE = ROOT / "examples" / "storage-tier"
NODES = ("xen1", "xen2", "xen3", "san1", "san2")
ADDR = {
    "xen1": ["10.0.0.1", "10.0.1.1", "10.0.2.1", "10.0.5.1"],
    "xen2": ["10.0.0.2", "10.0.1.2", "10.0.2.2", "10.0.5.2"],
    "xen3": ["10.0.0.3", "10.0.1.3", "10.0.2.3"],
    "san1": ["10.0.2.11"],
    "san2": ["10.0.2.12"],
}
#: alias -> (WWID multipath.conf binds, target, portal)
LUNS = {
    "pool": ("1IET_____pool0001", "san1.pool", "10.0.2.11"),
    "web": ("1IET_____web00001", "san1.web", "10.0.2.11"),
    "db": ("1IET_____db000001", "san2.db", "10.0.2.12"),
}
#: where the CRM runs each Xen resource, and the domain it starts
WHERE = {"vm-web": ("xen1", "web"), "vm-mail": ("xen2", "mail"), "vm-db": ("xen3", "db")}

IP = "networking/ip_-o_addr"
SESSIONS = "iscsi/iscsiadm_-m_session_-P_3"
MPLL = "multipath/multipath_-ll"
XM = "xen/xm_list"
CRM = "pacemaker/crm_mon_-1_-A_-n_-r_-t"


def ip_o_addr(addrs: list[str], extra: tuple[tuple[str, str], ...] = ()) -> str:
    """``ip -o addr``: one line per address, the rest of ``ip addr``'s lines joined
    with ``\\`` (iproute2 ipaddress.c print_addrinfo, ``-o``/oneline)."""
    out = [
        "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever"
    ]
    for i, a in enumerate(addrs):
        net = a.rsplit(".", 1)[0]
        out.append(
            f"{i + 2}: eth{i}    inet {a}/24 brd {net}.255 scope global eth{i}\\"
            "       valid_lft forever preferred_lft forever"
        )
    for dev, a in extra:
        out.append(f"9: {dev}    inet {a}/24 scope global secondary {dev}")
    return "\n".join(out) + "\n"


def sessions(node: str, portals: dict[str, str] | None = None, extra: str = "") -> str:
    """``iscsiadm -m session -P 3`` (open-iscsi session_info.c session_info_print_tree:
    ``Target: %s``, ``\\tCurrent Portal: %s:%d,%d``, the SID, the states, then
    ``Attached scsi disk %s``)."""
    out = ["iSCSI Transport Class version 2.0-870", "version 2.0-873"]
    luns = {a: (t, p) for a, (_, t, p) in LUNS.items()}
    if extra:
        luns["old"] = (extra, "10.0.2.11")
    for k, (alias, (target, portal)) in enumerate(luns.items()):
        portal = (portals or {}).get(alias, portal)
        out += [
            f"Target: iqn.2026-11.net.example:{target}",
            f"\tCurrent Portal: {portal}:3260,1",
            f"\tPersistent Portal: {portal}:3260,1",
            "\t\tIface Name: default",
            f"\t\tIface Initiatorname: iqn.2026-11.net.example:{node}",
            f"\t\tSID: {k + 1}",
            "\t\tiSCSI Connection State: LOGGED IN",
            "\t\tiSCSI Session State: LOGGED_IN",
            "\t\tInternal iscsid Session State: NO CHANGE",
            "\t\tAttached SCSI devices:",
            f"\t\tHost Number: {k + 3}\tState: running",
            f"\t\tscsi{k + 3} Channel 00 Id 0 Lun: 0",
            f"\t\t\tAttached scsi disk sd{chr(98 + k)}\t\tState: running",
        ]
    return "\n".join(out) + "\n"


def multipath_ll(failed: str = "") -> str:
    """multipath-tools 0.4.9+ (libmultipath print.c: PRINT_MAP_PROPS ``size=%S
    features='%f' hwhandler='%h' wp=%r``, PRINT_PG_INDENT ``policy='%s' prio=%p
    status=%t``, PRINT_PATH_INDENT ``%i %d %D %t %T %o``)."""
    out = []
    for k, (alias, (wwid, _, _)) in enumerate(LUNS.items()):
        state = "failed faulty running" if alias == failed else "active ready running"
        out += [
            f"{alias} ({wwid}) dm-{k} IET,VIRTUAL-DISK",
            "size=10G features='0' hwhandler='0' wp=rw",
            "`-+- policy='round-robin 0' prio=1 status=active",
            f"  `- {k + 3}:0:0:0 sd{chr(98 + k)} 8:{16 * (k + 1)} {state}",
        ]
    return "\n".join(out) + "\n"


def xm_list(domains: list[str]) -> str:
    """``xm list`` (Xen 3 xm/main.py xm_brief_list: ``%-40s %5s %5s %5s %10s %9s``)."""
    out = [
        "Name                                      ID Mem(MiB) VCPUs State   Time(s)",
        "Domain-0                                   0     1024     2 r-----   1204.3",
    ]
    out += [f"{d:<40}{i + 3:>4}      512     1 -b----     12.0" for i, d in enumerate(domains)]
    return "\n".join(out) + "\n"


def crm_mon(failed: str = "", where: dict[str, tuple[str, str]] = WHERE) -> str:
    """``crm_mon -1 -n -r`` of Pacemaker 1.0 (crm_mon.c print_status, ``-n``: ``Node
    %s (%s): online`` then each resource the node runs, native_print ``%s\\t(%s)
    Started``; FAILED after the role of a failed instance)."""
    out = ["============", "Stack: Heartbeat", "Current DC: xen1 - partition with quorum"]
    out += ["Version: 1.0.12", "3 Nodes configured, unknown expected votes", "============", ""]
    for n in ("xen1", "xen2", "xen3"):
        out += [f"Node {n} (uuid-{n}): online", "\tpool:0\t(ocf::heartbeat:Filesystem) Started "]
        for rsc, (on, _) in where.items():
            if on == n:
                state = "Started FAILED" if rsc == failed else "Started"
                out.append(f"\t{rsc}\t(ocf::heartbeat:Xen) {state} ")
    return "\n".join(out) + "\n"


def proc_drbd(cs: str, ro: str, ds: str) -> str:
    """DRBD 8.4's /proc/drbd (drbd_proc.c: `` %d: cs:%s ro:%s/%s ds:%s/%s %c %c%c%c%c%c%c``,
    then the ``ns: nr: dw: ...`` counters)."""
    return (
        "version: 8.4.11-1 (api:1/proto:86-101)\n"
        "GIT-hash: 66145a308421e9c124ec391a7848ac20203bb03c build by mockbuild@, 2018-11-03\n"
        f" 0: cs:{cs} ro:{ro} ds:{ds} C r-----\n"
        "    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0\n"
    )


def state() -> dict[str, dict[str, str]]:
    """The captures of the agreeing cluster, per node: ``sos_commands/`` outputs and
    ``proc/drbd``."""
    out: dict[str, dict[str, str]] = {}
    for n in ("xen1", "xen2", "xen3"):
        out[n] = {
            IP: ip_o_addr(ADDR[n]),
            "host/hostname": n + "\n",
            SESSIONS: sessions(n),
            MPLL: multipath_ll(),
            XM: xm_list([d for on, d in WHERE.values() if on == n]),
            CRM: crm_mon(),
        }
    out["xen1"]["proc/drbd"] = proc_drbd("Connected", "Secondary/Primary", "UpToDate/UpToDate")
    out["xen2"]["proc/drbd"] = proc_drbd("Connected", "Primary/Secondary", "UpToDate/UpToDate")
    for n in ("san1", "san2"):
        out[n] = {IP: ip_o_addr(ADDR[n]), "host/hostname": n + "\n"}
    return out


def build(tmp: Path, changes: dict[tuple[str, str], str]) -> list[Path]:
    """The example's trees under ``tmp`` with the captures, ``changes`` replacing some
    (``(node, name)`` -> text); the node roots."""
    root = tmp / "cluster"
    shutil.copytree(EXAMPLE, root)
    for secret in (*root.rglob("authkeys"), *root.rglob("iscsid.conf")):
        secret.chmod(0o600)
    captures = state()
    for (node, name), text in changes.items():
        captures[node][name] = text
    for node, files in captures.items():
        for name, text in files.items():
            p = root / node / (name if name.startswith("proc/") else f"sos_commands/{name}")
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
    return [root / n for n in NODES]


def verdicts(roots: list[Path]) -> list[tuple[str, str, int, str]]:
    """(code, node/file, line, message) of every finding, configuration rules too: an
    agreeing cluster must be clean, not only drift-clean."""
    result = lint.run([str(r) for r in roots])
    out = []
    for f in result.findings:
        parts = Path(f.path).parts
        at = parts.index("cluster")
        out.append((f.code, "/".join(parts[at + 1 : at + 2] + parts[-1:]), f.line, f.message))
    return sorted(out)


def test_agreeing_cluster_is_clean(tmp_path: Path) -> None:
    assert verdicts(build(tmp_path, {})) == []


DIVERGENCES = {
    # the CRM says xen1 runs vm-web; xm list shows the domain on xen2
    "wrong-node": (
        {("xen1", XM): xm_list([]), ("xen2", XM): xm_list(["mail", "web"])},
        # the domain is not where the CRM says, and the CRM's node has no such domain
        [("LS017", "xen1/crm_mon_-1_-A_-n_-r_-t", 10)] * 2,
    ),
    "split-brain": (
        {
            ("xen1", "proc/drbd"): proc_drbd(
                "StandAlone", "Secondary/Unknown", "UpToDate/DUnknown"
            ),
            ("xen2", "proc/drbd"): proc_drbd("StandAlone", "Primary/Unknown", "UpToDate/DUnknown"),
        },
        [("LS003", "xen1/drbd", 3), ("LS003", "xen2/drbd", 3)],
    ),
    "diskless": (
        {
            ("xen1", "proc/drbd"): proc_drbd("Connected", "Secondary/Primary", "Diskless/UpToDate"),
            ("xen2", "proc/drbd"): proc_drbd("Connected", "Primary/Secondary", "UpToDate/Diskless"),
        },
        [("LS002", "xen1/drbd", 3), ("LS002", "xen2/drbd", 3)],
    ),
    # xen3's only path to the db LUN failed: the map has no working path for its session
    "path-failed": (
        {("xen3", MPLL): multipath_ll(failed="db")},
        [("LS007", "xen3/multipath_-ll", 12), ("LS008", "xen3/multipath_-ll", 9)],
    ),
    # xen3 is logged in to san2.db, but multipath left its disk out: no map "db"
    "map-missing": (
        {("xen3", MPLL): "".join(multipath_ll().splitlines(keepends=True)[:8])},
        [("LS022", "xen3/multipath_-ll", 1)],
    ),
    "domu-twice": (
        {("xen3", XM): xm_list(["db", "web"])},
        [("LS013", "xen1/xm_list", 3), ("LS017", "xen1/crm_mon_-1_-A_-n_-r_-t", 10)],
    ),
    # san2 took san1's portal address as a second address
    "address-twice": (
        {("san2", IP): ip_o_addr(ADDR["san2"], (("eth0", "10.0.2.11"),))},
        [("LS018", "san2/ip_-o_addr", 3)],
    ),
    # xen2 logged in to san1.web at an address no target box holds
    "portal-elsewhere": (
        {("xen2", SESSIONS): sessions("xen2", {"web": "10.0.9.99"})},
        [("LS019", "xen2/iscsiadm_-m_session_-P_3", 16)],
    ),
    "unknown-target": (
        {("xen2", SESSIONS): sessions("xen2", extra="san1.old")},
        [("LS010", "xen2/iscsiadm_-m_session_-P_3", 42)],
    ),
    "resource-failed": (
        {("xen1", CRM): crm_mon(failed="vm-web")},
        [("LS016", "xen1/crm_mon_-1_-A_-n_-r_-t", 10)],
    ),
}


@pytest.mark.parametrize("name", sorted(DIVERGENCES))
def test_each_divergence_gives_its_rule_and_nothing_else(tmp_path: Path, name: str) -> None:
    changes, want = DIVERGENCES[name]
    got = [(code, where, line) for code, where, line, _ in verdicts(build(tmp_path, changes))]
    assert got == sorted(want)


# -- LS018: what is not a conflict ---------------------------------------------------


def test_ls018_loopback_virtual_address_is_not_judged(tmp_path: Path) -> None:
    """An LVS direct-routing real server holds the service address on ``lo`` (it must
    not answer ARP for it): on two nodes by design."""
    lo = ("lo", "10.0.2.11")
    roots = build(tmp_path, {("san2", IP): ip_o_addr(ADDR["san2"], (lo,))})
    assert [v for v in verdicts(roots) if v[0] == "LS018"] == []


CIB_IP = """<cib admin_epoch="0" epoch="3" num_updates="0" validate-with="pacemaker-1.0">
  <configuration>
    <crm_config/>
    <nodes>
      <node id="a" uname="alpha" type="normal"/><node id="b" uname="beta" type="normal"/>
    </nodes>
    <resources>
      <primitive id="ip-san" class="ocf" provider="heartbeat" type="IPaddr2">
        <instance_attributes id="ip-san-ia">
          <nvpair id="ip-san-ip" name="ip" value="10.0.2.100"/>
        </instance_attributes>
      </primitive>
      <clone id="ip-web-clone">
        <primitive id="ip-web" class="ocf" provider="heartbeat" type="IPaddr2">
          <instance_attributes id="ip-web-ia">
            <nvpair id="ip-web-ip" name="ip" value="10.0.2.200"/>
            <nvpair id="ip-web-hash" name="clusterip_hash" value="sourceip"/>
          </instance_attributes>
        </primitive>
      </clone>
    </resources>
    <constraints/>
  </configuration>
  <status/>
</cib>
"""


@pytest.mark.parametrize(
    ("address", "want"),
    [
        # the CIB moves 10.0.2.100: on both nodes, the CRM lost track of it
        (
            "10.0.2.100",
            [
                "10.0.2.100 is on alpha, beta at once (the CIB's IPaddr2 resource "
                "'ip-san' moves it, one node at a time)"
            ],
        ),
        # an IPaddr2 clone with clusterip_hash is on every node (IPaddr2's CLUSTERIP)
        ("10.0.2.200", []),
        # an address no file names (a libvirt bridge's 192.168.122.1 on every host)
        ("10.0.2.250", []),
    ],
)
def test_ls018_floating_address_on_both_nodes(
    tmp_path: Path, address: str, want: list[str]
) -> None:
    from lintkit import messages, tree

    roots = []
    for n, own in (("alpha", "10.0.2.1"), ("beta", "10.0.2.2")):
        roots.append(
            tree(
                tmp_path,
                n,
                {
                    "etc/hostname": n + "\n",
                    "etc/hosts": "10.0.2.1 alpha\n10.0.2.2 beta\n",
                    "var/lib/heartbeat/crm/cib.xml": CIB_IP,
                    f"sos_commands/{IP}": ip_o_addr([own], (("eth0", address),)),
                },
            )
        )
    assert messages("LS018", *roots) == want


# -- LS019 ---------------------------------------------------------------------------


def test_ls019_not_judged_without_the_boxes_addresses(tmp_path: Path) -> None:
    """Whether a box holds the portal is known only from its captured addresses."""
    roots = build(tmp_path, {("xen2", SESSIONS): sessions("xen2", {"web": "10.0.9.99"})})
    shutil.rmtree(roots[NODES.index("san1")] / "sos_commands")
    assert [v for v in verdicts(roots) if v[0] == "LS019"] == []


@pytest.mark.parametrize(
    ("portal", "address"),
    [
        ("10.0.2.11:3260,1", "10.0.2.11"),
        # session_info_print_tree brackets an address without a dot
        ("[fd00::11]:3260,1", "fd00::11"),
        # an unbracketed IPv6 portal: the port cannot be told from the address
        ("fd00::11:3260,1", None),
        ("san1.example.net:3260,1", None),
        ("[fe80::5054:ff:fe12:3456%eth2]:3260,1", None),
        (None, None),
    ],
)
def test_portal_address(portal: str | None, address: str | None) -> None:
    assert _portal_address(portal) == address


# -- the same cluster as SUSE supportconfigs -------------------------------------------

#: Where supportconfig logs each file xencfg reads (supportutils bin/supportconfig:
#: drbd_info ``conf_files $OF "/etc/drbd.conf $FILES"``, mpio ``conf_files $OF
#: /etc/multipath.conf``, iscsi ``conf_files $OF "/etc/iscsi/initiatorname.iscsi
#: /etc/iscsi/iscsid.conf"`` and (2.25) ``conf_files $OF /etc/ietd.conf``, network
#: ``conf_files $OF /etc/hosts ...``, heartbeat ``conf_files $OF /etc/ha.d/ha.cf
#: /etc/ha.d/haresources`` then ``/etc/ha_logd.cf`` and /var/lib/heartbeat's files,
#: ocfs2_info ``conf_files $OF "/etc/ocfs2/cluster.conf /etc/sysconfig/o2cb"``, xen
#: ``conf_files $OF '... /etc/xen/xend-config.sxp ...'`` and ``conf_text_files`` of
#: /etc/xen/vm; sysconfig_info every file of /etc/sysconfig). authkeys is never logged
#: (``ls -l`` only), nor is IET's initiators.allow.
SCC_FILES = {
    "etc/drbd.conf": "drbd.txt",
    "etc/multipath.conf": "mpio.txt",
    "etc/iscsi/initiatorname.iscsi": "fs-iscsi.txt",
    "etc/iscsi/iscsid.conf": "fs-iscsi.txt",
    "etc/ietd.conf": "fs-iscsi.txt",
    "etc/hosts": "network.txt",
    "etc/ha.d/ha.cf": "ha.txt",
    "etc/ha.d/ha_logd.cf": "ha.txt",
    "var/lib/heartbeat/crm/cib.xml": "ha.txt",
    "etc/ocfs2/cluster.conf": "ocfs2.txt",
    "etc/sysconfig/o2cb": "ocfs2.txt",
    "etc/xen/xend-config.sxp": "xen.txt",
    "etc/xen/vm/web": "xen.txt",
    "etc/xen/vm/db": "xen.txt",
    "etc/xen/vm/mail": "xen.txt",
}

#: capture (sos name) -> (supportconfig file, the command as its ``# `` line shows it:
#: _log_cmd replaces the command with ``command -v``'s full path)
SCC_COMMANDS = {
    IP: ("network.txt", "/sbin/ip addr"),
    SESSIONS: ("fs-iscsi.txt", "/sbin/iscsiadm -m session -P 1"),
    MPLL: ("mpio.txt", "/sbin/multipath -ll"),
    XM: ("xen.txt", "/usr/sbin/xm list"),
    CRM: ("ha.txt", "/usr/sbin/crm_mon -r -1"),
    "proc/drbd": ("drbd.txt", "/bin/cat /proc/drbd"),
}


def ip_addr(text: str) -> str:
    """``ip addr`` without ``-o`` (supportconfig's form): each ``ip -o addr`` line as a
    link line and its address line, SUSE's 127.0.0.2 on lo (its /etc/hosts names the
    host there)."""
    out = [
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 16436 qdisc noqueue state UNKNOWN ",
        "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00",
        "    inet 127.0.0.1/8 brd 127.255.255.255 scope host lo",
        "    inet 127.0.0.2/8 brd 127.255.255.255 scope host secondary lo",
    ]
    for line in text.splitlines()[1:]:
        no, dev, rest = line.split(None, 2)
        addr = rest.split("\\", 1)[0].strip()
        out += [
            f"{no} {dev}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc pfifo_fast qlen 1000",
            "    link/ether 00:16:3e:00:00:01 brd ff:ff:ff:ff:ff:ff",
            f"    {addr}",
        ]
    return "\n".join(out) + "\n"


def crm_mon_r(failed: str = "") -> str:
    """``crm_mon -r -1`` of Pacemaker 1.0 (no ``-n``: native_print ``%s\\t(%s):\\t%s
    %s``, the role then the node; a clone summarised as ``Started: [ ... ]``)."""
    out = ["============", "Stack: Heartbeat", "Current DC: xen1 - partition with quorum"]
    out += ["Version: 1.0.12", "3 Nodes configured, unknown expected votes", "============", ""]
    out += ["Online: [ xen1 xen2 xen3 ]", "", "Full list of resources:", ""]
    out += [" Clone Set: pool-clone", "     Started: [ xen1 xen2 xen3 ]"]
    for rsc, (on, _) in WHERE.items():
        state = "Started " + on + (" FAILED" if rsc == failed else "")
        out.append(f" {rsc}\t(ocf::heartbeat:Xen):\t{state}")
    return "\n".join(out) + "\n"


def sessions_p1(text: str) -> str:
    """``iscsiadm -m session -P 1``: the -P 3 listing without its devices (level 1
    stops before ``Attached SCSI devices``: session_info.c print_luns at level 3)."""
    keep = [ln for ln in text.splitlines() if "Attached" not in ln and "scsi" not in ln]
    return "\n".join(ln for ln in keep if "Host Number" not in ln) + "\n"


def section(kind: str, header: str, body: str) -> str:
    """One supportconfig section: banner, ``# header``, the text, a blank line
    (_log_cmd ``echo``); a configuration file's comments and blank lines dropped
    (conf_files ``sed -e '/^[[:space:]]*#/d;...;/^[[:space:]]*$/d'``)."""
    if kind == "Configuration File":
        body = (
            "".join(
                ln
                for ln in body.splitlines(keepends=True)
                if ln.strip() and not ln.lstrip().startswith("#")
            )
            + "\n"
        )
    banner = "#==[ Command ]======================================#"
    if kind != "Command":
        banner = "#==[ Configuration File ]===========================#"
    return f"{banner}\n# {header}\n{body}\n"


def build_scc(tmp: Path, changes: dict[tuple[str, str], str]) -> list[Path]:
    """Each node of the example as ``scc_NODE_261128_0900/``: its files as
    configuration sections, its captures as command sections (ip addr, crm_mon -r -1
    and iscsiadm -P 1 in supportconfig's own forms)."""
    captures = state()
    for (node, name), text in changes.items():
        captures[node][name] = text
    roots = []
    for node in NODES:
        root = tmp / f"scc_{node}_261128_0900"
        files: dict[str, str] = {
            "basic-environment.txt": section(
                "Command",
                "/bin/uname -a",
                f"Linux {node} 2.6.27.45-0.1-xen #1 SMP x86_64 GNU/Linux\n",
            )
        }
        for rel, where in SCC_FILES.items():
            src = EXAMPLE / node / rel
            if src.is_file():
                files[where] = files.get(where, "") + section(
                    "Configuration File", "/" + rel, src.read_text()
                )
        for name, text in captures[node].items():
            if name not in SCC_COMMANDS:
                continue
            where, header = SCC_COMMANDS[name]
            if name == IP:
                text = ip_addr(text)
            elif name == SESSIONS:
                text = sessions_p1(text)
            elif name == CRM:
                text = crm_mon_r("vm-web" if "FAILED" in text else "")
            files[where] = files.get(where, "") + section("Command", header, text)
        for name, text in files.items():
            p = root / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text)
        roots.append(root)
    return roots


def scc_verdicts(roots: list[Path]) -> list[tuple[str, str, str]]:
    """(code, node/file#section, message) of every finding."""
    result = lint.run([str(r) for r in roots])
    out = []
    for f in result.findings:
        node = Path(f.path).parts[-2].split("_")[1]
        out.append((f.code, f"{node}/{Path(f.path).name}", f.message))
    return sorted(out)


def test_supportconfig_agreeing_cluster_is_clean(tmp_path: Path) -> None:
    assert scc_verdicts(build_scc(tmp_path, {})) == []


@pytest.mark.parametrize("name", sorted(DIVERGENCES))
def test_supportconfig_divergences_give_the_same_rules(tmp_path: Path, name: str) -> None:
    """The same verdicts as from the sosreports, but LS008: ``iscsiadm -m session -P
    1`` lists no disks, so which map a session feeds is not known."""
    changes, want = DIVERGENCES[name]
    got = [code for code, _, _ in scc_verdicts(build_scc(tmp_path, changes))]
    assert got == sorted(code for code, _, _ in want if code != "LS008")


def test_supportconfig_ocfs2_txt_is_read_once(tmp_path: Path) -> None:
    """ocfs2.txt holds cluster.conf and /etc/sysconfig/o2cb, sysconfig.txt o2cb again
    (sysconfig_info logs every file of /etc/sysconfig): cluster.conf is read, and
    o2cb once. Here xen3 lost 10.0.1.3, the address its OCFS2 node stanza binds."""
    ip = ip_o_addr([a for a in ADDR["xen3"] if a != "10.0.1.3"])
    roots = build_scc(tmp_path, {("xen3", IP): ip})
    xen3 = roots[NODES.index("xen3")]
    o2cb = (EXAMPLE / "xen3/etc/sysconfig/o2cb").read_text()
    (xen3 / "sysconfig.txt").write_text(section("Configuration File", "/etc/sysconfig/o2cb", o2cb))
    found = discover.discover([str(xen3)])
    names = [f.display.rsplit("/", 1)[1] for f in found.nodes[0].files]
    assert [n for n in names if "o2cb" in n or "ocfs2" in n] == [
        "ocfs2.txt#etc_ocfs2_cluster.conf",
        "ocfs2.txt#etc_sysconfig_o2cb",
    ]
    got = [(c, w, m) for c, w, m in scc_verdicts(roots) if c == "LS014"]
    assert (
        "LS014",
        "xen3/ocfs2.txt#etc_ocfs2_cluster.conf",
        "xen3 does not hold 10.0.1.3 (the OCFS2 node binds it): no interface has it",
    ) in got


# -- xm list of xend-managed domains ---------------------------------------------------


def xm_list_managed(running: list[str], defined: list[str]) -> str:
    """``xm list`` of Xen 3.x with managed domains (``xm new``, SLES 11's vm-install):
    xm_brief_list prints ``%(domid)5s``, empty for a domain xend keeps on record
    only (XendConfig.to_sxp gives ``domid`` to a running domain only), and its state
    ``------`` (_get_old_state_string: no flag set)."""
    out = xm_list(running).splitlines()
    for name in defined:
        out.append(f"{name:<40}{'':>6}{512:>9}{1:>6}     ------      0.0")
    return "\n".join(out) + "\n"


def test_xm_list_managed_domain_not_running_is_no_guest(tmp_path: Path) -> None:
    """Every dom0 keeps every managed domain on record; each runs on one of them:
    no domU twice (LS013), none where the CRM does not say (LS017), none outside the
    CIB (LS012)."""
    changes = {
        ("xen1", XM): xm_list_managed(["web"], ["mail", "db"]),
        ("xen2", XM): xm_list_managed(["mail"], ["web", "db"]),
        ("xen3", XM): xm_list_managed(["db"], ["web", "mail", "test"]),
    }
    assert verdicts(build(tmp_path, changes)) == []
    # a managed domain that does run on a second node is still caught
    changes[("xen3", XM)] = xm_list_managed(["db", "web"], ["mail"])
    got = [(c, w) for c, w, _, _ in verdicts(build(tmp_path / "twice", changes))]
    assert got == [("LS013", "xen1/xm_list"), ("LS017", "xen1/crm_mon_-1_-A_-n_-r_-t")]


def test_xl_list_dying_domain_is_no_guest(tmp_path: Path) -> None:
    """xl lists a dying domain whose xenstore name is gone as ``(null)`` (printf of
    libxl_domid_to_name's NULL), state ``--p--d``: no guest runs, so no LS012."""
    text = (
        xm_list(["web"])
        + "(null)                                     9      0     1 --p--d      0.1\n"
    )
    assert verdicts(build(tmp_path, {("xen1", XM): text})) == []


# -- multipath checker states ------------------------------------------------------------


@pytest.mark.parametrize(
    ("states", "want"),
    [
        # PATH_PENDING: the async checker has not answered yet; PATH_UNCHECKED & co.: undef
        ("active i/o pending running", []),
        ("active undef running", []),
        # down by the checker (snprint_chk_state: PATH_DOWN, PATH_SHAKY, PATH_TIMEOUT)
        ("active faulty running", ["LS007", "LS008"]),
        ("active shaky running", ["LS007", "LS008"]),
        ("failed i/o timeout offline", ["LS007", "LS008"]),
        # dm failed it; the checker already sees it back (multipathd reinstates it next)
        ("failed ready running", ["LS007", "LS008"]),
    ],
)
def test_path_checker_states(tmp_path: Path, states: str, want: list[str]) -> None:
    """libmultipath print.c snprint_chk_state: ready, faulty, shaky, ghost, ``i/o
    pending``, ``i/o timeout``, delayed, disconnected, else undef."""
    text = multipath_ll().replace("sdd 8:48 active ready running", f"sdd 8:48 {states}")
    assert text != multipath_ll()
    got = [c for c, _, _, _ in verdicts(build(tmp_path, {("xen3", MPLL): text}))]
    assert got == want


# -- crm_report in a sosreport --------------------------------------------------------


def crm_report(tmp: Path, changes: dict[tuple[str, str], str], plugin: str) -> list[Path]:
    """The sosreports with no crm_mon capture of their own, but ``crm_report -S``'s
    folder (sos 3.2-3.4's cluster plugin ran it into ``cluster/crm_report``, sos 3.5+'s
    pacemaker plugin into ``pacemaker/crm_report``): ``NODE/cib.xml``, ``RUNNING`` and
    ``crm_mon.txt``, ``crm_mon -1`` without its ``Last updated`` line
    (report.collector)."""
    roots = build(tmp, changes)
    for root in roots[:3]:
        (root / "sos_commands" / CRM).unlink()
        folder = root / "sos_commands" / plugin / "crm_report" / root.name
        folder.mkdir(parents=True)
        (folder / "cib.xml").write_text((root / "var/lib/heartbeat/crm/cib.xml").read_text())
        (folder / "RUNNING").write_text(root.name + "\n")
        text = crm_mon_r()
        (folder / "crm_mon.txt").write_text(text.replace("Full list of resources:\n\n", ""))
    return roots


@pytest.mark.parametrize("plugin", ["cluster", "pacemaker"])
def test_crm_report_crm_mon_is_read_without_a_crm_mon_capture(tmp_path: Path, plugin: str) -> None:
    assert verdicts(crm_report(tmp_path / "agree", {}, plugin)) == []
    wrong = {("xen1", XM): xm_list([]), ("xen2", XM): xm_list(["mail", "web"])}
    got = [(c, w) for c, w, _, _ in verdicts(crm_report(tmp_path / "wrong", wrong, plugin))]
    assert got == [("LS017", "xen1/crm_mon.txt")] * 2


# -- DRBD with I/O suspended -------------------------------------------------------------

PROC_DRBD_9 = "version: 9.1.16 (api:2/proto:86-121)\nTransports (api:18): tcp (9.1.16)\n"


def drbd9_status(node: str, peer: str, role: str, suspended: str = "") -> str:
    """``drbdsetup status all`` of DRBD 9 (sos's drbd plugin): ``NAME role:R`` with
    ``suspended:WHY`` only when I/O is suspended (drbdsetup.c status: the resource's
    ``suspended:`` field printed when not ``no`` unless --verbose)."""
    extra = f" suspended:{suspended}" if suspended else ""
    peer_role = "Secondary" if role == "Primary" else "Primary"
    return (
        f"mail role:{role}{extra}\n  disk:UpToDate\n"
        f"  {peer} role:{peer_role}\n    peer-disk:UpToDate\n\n"
    )


@pytest.mark.parametrize(
    ("changes", "want"),
    [
        # DRBD 8.4: the flags' first letter is ``s`` (drbd_proc.c drbd_suspended)
        (
            {
                ("xen2", "proc/drbd"): proc_drbd(
                    "Connected", "Primary/Secondary", "UpToDate/UpToDate"
                ).replace("r-----", "s-----")
            },
            ["DRBD resource 'mail' on xen2: I/O suspended"],
        ),
        # DRBD 9: ``suspended:quorum`` (on-no-quorum suspend-io)
        (
            {
                ("xen1", "proc/drbd"): PROC_DRBD_9,
                ("xen2", "proc/drbd"): PROC_DRBD_9,
                ("xen1", "drbd/drbdsetup_status_all"): drbd9_status("xen1", "xen2", "Secondary"),
                ("xen2", "drbd/drbdsetup_status_all"): drbd9_status(
                    "xen2", "xen1", "Primary", "quorum"
                ),
            },
            ["DRBD resource 'mail' on xen2: I/O suspended (quorum)"],
        ),
        # running I/O: ``r-----``, no suspended field
        (
            {
                ("xen1", "proc/drbd"): PROC_DRBD_9,
                ("xen2", "proc/drbd"): PROC_DRBD_9,
                ("xen1", "drbd/drbdsetup_status_all"): drbd9_status("xen1", "xen2", "Secondary"),
                ("xen2", "drbd/drbdsetup_status_all"): drbd9_status("xen2", "xen1", "Primary"),
            },
            [],
        ),
    ],
)
def test_drbd_io_suspended(
    tmp_path: Path, changes: dict[tuple[str, str], str], want: list[str]
) -> None:
    got = [m for c, _, _, m in verdicts(build(tmp_path, changes)) if c.startswith("LS")]
    assert got == want


# -- an active/passive target pair (heartbeat moves the portal address) ------------------

PAIR = ROOT / "tests" / "fixtures" / "lint-trees" / "iscsi-target-pair-four-dom0s" / "good"


def pair(tmp: Path, store_on: tuple[str, ...], portal: str = "10.0.2.10") -> list[Path]:
    """st1/st2 export ``store.vm`` from DRBD under ietd, haresources moves 10.0.2.10
    (``IPaddr::10.0.2.10/24/eth0``: an ``eth0:0`` alias); x1-x4 log in to it."""
    root = tmp / "pair"
    shutil.copytree(PAIR, root)
    for secret in (*root.rglob("authkeys"), *root.rglob("iscsid.conf")):
        secret.chmod(0o600)
    own = {"st1": ["10.0.2.11", "10.0.9.11"], "st2": ["10.0.2.12", "10.0.9.12"]}
    for box, addrs in own.items():
        extra = (("eth0:0", "10.0.2.10"),) if box in store_on else ()
        p = root / box / "sos_commands" / IP
        p.parent.mkdir(parents=True)
        p.write_text(ip_o_addr(addrs, extra))
    for n in ("x1", "x2", "x3", "x4"):
        p = root / n / "sos_commands" / SESSIONS
        p.parent.mkdir(parents=True)
        text = sessions(n).split("Target: ")
        one = "Target: " + text[1].replace("san1.pool", "store.vm").replace("10.0.2.11", portal)
        one = one.replace("iqn.2026-11", "iqn.2026-12")
        p.write_text(text[0] + one)
    return sorted(root.iterdir())


def ls_verdicts(roots: list[Path]) -> list[tuple[str, str]]:
    result = lint.run([str(r) for r in roots], select=["LS"])
    return [(f.code, f.message) for f in result.findings]


def test_target_pair_portal_on_the_active_box_is_clean(tmp_path: Path) -> None:
    assert ls_verdicts(pair(tmp_path, ("st1",))) == []


def test_target_pair_portal_on_both_boxes(tmp_path: Path) -> None:
    assert ls_verdicts(pair(tmp_path, ("st1", "st2"))) == [
        (
            "LS018",
            "10.0.2.10 is on st1, st2 at once (haresources moves it (IPaddr), one node at a time)",
        )
    ]


def test_target_pair_session_to_an_address_neither_box_has(tmp_path: Path) -> None:
    got = ls_verdicts(pair(tmp_path, ("st1",), portal="10.0.2.99"))
    assert [c for c, _ in got] == ["LS019"] * 4
    assert got[0][1].endswith(
        "goes to 10.0.2.99, which st1, st2 (exporting the target) do(es) not hold"
    )


# -- LS020: where the CIB forbids ---------------------------------------------------------

#: vm-mail moved to xen3, where the CIB's ``mail-not-on-xen3`` (-INFINITY) forbids it
MAIL_ON_XEN3 = {**WHERE, "vm-mail": ("xen3", "mail")}
MOVED = {
    **{(n, CRM): crm_mon(where=MAIL_ON_XEN3) for n in ("xen1", "xen2", "xen3")},
    ("xen2", XM): xm_list([]),
    ("xen3", XM): xm_list(["db", "mail"]),
}
NODE_FORM = '<rsc_location id="mail-not-on-xen3" rsc="vm-mail" node="xen3" score="-INFINITY"/>'


@pytest.mark.parametrize(
    ("constraint", "want"),
    [
        # Pacemaker 1.0's node/score form
        (
            NODE_FORM,
            [
                "the CRM reports 'vm-mail' on xen3; the CIB forbids it there "
                "(a -INFINITY location on 'vm-mail')"
            ],
        ),
        # heartbeat 2's rule form, on the resource
        (
            '<rsc_location id="mail-not-on-xen3" rsc="vm-mail"><rule id="r1" score="-INFINITY">'
            '<expression id="e1" attribute="#uname" operation="eq" value="xen3"/></rule>'
            "</rsc_location>",
            [
                "the CRM reports 'vm-mail' on xen3; the CIB forbids it there "
                "(a -INFINITY location on 'vm-mail')"
            ],
        ),
        # "only on xen1": one ``#uname ne`` rule
        (
            '<rsc_location id="mail-on-xen1" rsc="vm-mail"><rule id="r1" score="-INFINITY">'
            '<expression id="e1" attribute="#uname" operation="ne" value="xen1"/></rule>'
            "</rsc_location>",
            [
                "the CRM reports 'vm-mail' on xen3; the CIB forbids it there "
                "(a -INFINITY location on 'vm-mail')"
            ],
        ),
        # a role-bound location (no promotion there) says nothing of a started instance
        (
            '<rsc_location id="mail-not-on-xen3" rsc="vm-mail" node="xen3" role="Master" '
            'score="-INFINITY"/>',
            [],
        ),
        # a score short of -INFINITY is a preference the CRM may override
        (NODE_FORM.replace("-INFINITY", "-1000"), []),
    ],
)
def test_ls020_resource_where_the_cib_forbids(
    tmp_path: Path, constraint: str, want: list[str]
) -> None:
    roots = build(tmp_path, MOVED)
    for root in roots[:3]:
        cib = root / "var/lib/heartbeat/crm/cib.xml"
        cib.write_text(cib.read_text().replace(NODE_FORM, constraint))
    assert [m for c, _, _, m in verdicts(roots) if c == "LS020"] == want


def test_ls020_not_where_the_crm_put_it_allowed(tmp_path: Path) -> None:
    """vm-web on xen2 is allowed: no LS020 (LS017 says the domain is elsewhere)."""
    where = {**WHERE, "vm-web": ("xen2", "web")}
    roots = build(tmp_path, {("xen1", CRM): crm_mon(where=where)})
    assert [c for c, _, _, _ in verdicts(roots) if c == "LS020"] == []


# -- LS021: a member offline -------------------------------------------------------------


def crm_mon_node_down(state: str) -> str:
    """crm_mon -1 -n of Pacemaker 1.0 with xen3 down: ``Node xen3 (uuid): OFFLINE``
    (print_status: the node's state word), or ``UNCLEAN (offline)`` when it left
    unfenced; vm-db failed over to xen2."""
    where = {**WHERE, "vm-db": ("xen2", "db")}
    text = crm_mon(where=where)
    return text.replace(
        "Node xen3 (uuid-xen3): online\n\tpool:0\t(ocf::heartbeat:Filesystem) Started \n",
        f"Node xen3 (uuid-xen3): {state}\n",
    )


@pytest.mark.parametrize(
    ("state", "want"),
    [
        ("OFFLINE", "member xen3 is OFFLINE: the cluster runs without it (crm_mon of xen1)"),
        (
            "UNCLEAN (offline)",
            "member xen3 is UNCLEAN: it left without being fenced, the CRM holds its resources"
            " back (crm_mon of xen1)",
        ),
    ],
)
def test_ls021_member_offline(tmp_path: Path, state: str, want: str) -> None:
    # xen3 itself: pacemaker stopped, so its crm_mon says it cannot connect (not state)
    changes = {
        ("xen1", CRM): crm_mon_node_down(state),
        ("xen2", CRM): crm_mon_node_down(state),
        ("xen2", XM): xm_list(["mail", "db"]),
        ("xen3", XM): xm_list([]),
        ("xen3", CRM): "Connection to cluster failed: connection failed\n",
    }
    got = [(c, w, m) for c, w, _, m in verdicts(build(tmp_path, changes))]
    assert got == [("LS021", "xen1/crm_mon_-1_-A_-n_-r_-t", want)]


def test_ls009_a_failed_session_is_named_at_its_line(tmp_path: Path) -> None:
    """open-iscsi session_info.c prints ``iSCSI Connection State: %s`` and ``iSCSI
    Session State: %s`` (iscsi_conn_state / iscsi_session_state: ``TRANSPORT WAIT``,
    ``FAILED``) for a session whose portal stopped answering: no LUN through it."""
    parts = sessions("xen2").split("Target: ")
    parts[2] = (
        parts[2]
        .replace("Connection State: LOGGED IN", "Connection State: TRANSPORT WAIT")
        .replace("Session State: LOGGED_IN", "Session State: FAILED")
    )
    got = verdicts(build(tmp_path, {("xen2", SESSIONS): "Target: ".join(parts)}))
    assert got == [
        (
            "LS009",
            "xen2/iscsiadm_-m_session_-P_3",
            16,
            "xen2's iSCSI session to configured target iqn.2026-11.net.example:san1.web is not "
            "logged in (session FAILED, connection TRANSPORT WAIT)",
        )
    ]


def test_ls018_a_drbd_address_on_a_second_node(tmp_path: Path) -> None:
    """xen3 took 10.0.5.1, the address xen1's ``on`` section binds for DRBD: xen2's
    connections may reach xen3, where nothing listens."""
    ip = ip_o_addr(ADDR["xen3"], (("eth3", "10.0.5.1"),))
    assert verdicts(build(tmp_path, {("xen3", IP): ip})) == [
        (
            "LS018",
            "xen3/ip_-o_addr",
            5,
            "10.0.5.1 is on xen1, xen3 at once (DRBD resource 'mail' binds it, on xen1)",
        )
    ]


# -- a drbd.conf with includes, from a supportconfig ---------------------------------------

DRBD_TOP = 'include "drbd.d/global_common.conf";\ninclude "drbd.d/*.res";\n'
DRBD_GLOBAL = "global {\n\tusage-count no;\n}\ncommon {\n\tnet {\n\t\tprotocol C;\n\t}\n}\n"
DRBD_R0 = (
    "resource r0 {\n"
    "\ton alpha {\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/sdb1;\n"
    "\t\taddress 10.0.0.1:7788;\n\t\tmeta-disk internal;\n\t}\n"
    "\ton beta {\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/sdb1;\n"
    "\t\taddress 10.0.0.2:7788;\n\t\tmeta-disk internal;\n\t}\n}\n"
)


@pytest.mark.parametrize(
    ("top", "want"),
    [
        (DRBD_TOP, []),
        (
            DRBD_TOP.replace("global_common", "global"),
            [
                "include 'drbd.d/global.conf': no such file on alpha; drbdadm refuses the "
                "configuration (Failed to open include file; DRBD 8.3, 8.4 and 9)"
            ],
        ),
    ],
)
def test_supportconfig_drbd_includes_are_its_sections(
    tmp_path: Path, top: str, want: list[str]
) -> None:
    """drbd_info logs /etc/drbd.conf and every file of the folders its includes name
    (``conf_files $OF "/etc/drbd.conf $FILES"``, FILES from ``find -L $DIR -type
    f``): an include is there when its file is a section; none is on disk."""
    root = tmp_path / "scc_alpha_261128_0900"
    root.mkdir()
    (root / "basic-environment.txt").write_text(
        section("Command", "/bin/uname -a", "Linux alpha 3.0.101-63-xen #1 SMP x86_64 GNU/Linux\n")
    )
    (root / "drbd.txt").write_text(
        section("Configuration File", "/etc/drbd.conf", top)
        + section("Configuration File", "/etc/drbd.d/global_common.conf", DRBD_GLOBAL)
        + section("Configuration File", "/etc/drbd.d/r0.res", DRBD_R0)
    )
    result = lint.run([str(root)], select=["DR027"])
    assert [f.message for f in result.findings] == want


# -- LS015: the name each daemon looks for -------------------------------------------------

HA_CF = "node xen1 xen2 xen3\nbcast eth1\n"
DRBD_12 = DRBD_R0.replace("alpha", "xen1").replace("beta", "xen2")
CMAN = (
    '<?xml version="1.0"?>\n<cluster name="c" config_version="1">\n  <clusternodes>\n'
    '    <clusternode name="xen1.example.com" nodeid="1"/>\n'
    '    <clusternode name="xen2.example.com" nodeid="2"/>\n'
    "  </clusternodes>\n</cluster>\n"
)


@pytest.mark.parametrize(
    ("files", "uname", "want"),
    [
        # xen3 has drbd.conf's copy but no resource: drbdadm is never asked who it is
        ({"etc/ha.d/ha.cf": HA_CF, "etc/drbd.conf": DRBD_12}, "xen3", []),
        # a renamed DRBD host: ha.cf and drbd.conf both miss it
        (
            {"etc/ha.d/ha.cf": HA_CF, "etc/drbd.conf": DRBD_12},
            "xen1b",
            ["uname -n is 'xen1b', which drbd, ha.cf do(es) not name (they name xen1, xen2, xen3)"],
        ),
        # cman's verify_nodename: a domain-less uname against names with a domain
        ({"etc/cluster/cluster.conf": CMAN}, "xen1", []),
        # ... and a uname with its domain dropped
        ({"etc/cluster/cluster.conf": CMAN.replace(".example.com", "")}, "xen1.example.com", []),
        (
            {"etc/cluster/cluster.conf": CMAN},
            "xen9",
            [
                "uname -n is 'xen9', which cman do(es) not name (they name xen1.example.com, "
                "xen2.example.com)"
            ],
        ),
    ],
)
def test_ls015_each_daemon_finds_itself_its_own_way(
    tmp_path: Path, files: dict[str, str], uname: str, want: list[str]
) -> None:
    from lintkit import messages, tree

    name = uname.split(".")[0] if uname != "xen1b" else "xen1"
    root = tree(
        tmp_path,
        f"sosreport-{name}",
        {"etc/hostname": name + "\n", "sos_commands/general/hostname": uname + "\n", **files},
    )
    assert messages("LS015", root) == want


def test_supportconfig_corosync_key_is_not_judged(tmp_path: Path) -> None:
    """ha_info logs corosync.conf (``conf_files $OF $CONF_FILES``), never
    /etc/corosync/authkey: its absence from a supportconfig says nothing (CS008)."""
    conf = (
        "totem {\n\tversion: 2\n\tsecauth: on\n\tcluster_name: c\n}\n"
        "nodelist {\n\tnode {\n\t\tring0_addr: 10.0.0.1\n\t\tnodeid: 1\n\t}\n}\n"
    )
    root = tmp_path / "scc_alpha_261128_0900"
    root.mkdir()
    (root / "basic-environment.txt").write_text(
        section(
            "Command", "/bin/uname -a", "Linux alpha 4.12.14-120-default #1 SMP x86_64 GNU/Linux\n"
        )
    )
    (root / "ha.txt").write_text(section("Configuration File", "/etc/corosync/corosync.conf", conf))
    assert lint.run([str(root)], select=["CS008", "CS009"]).findings == []
    # the same file in a node tree without its key: corosync refuses to start
    tree_root = tmp_path / "alpha"
    (tree_root / "etc/corosync").mkdir(parents=True)
    (tree_root / "etc/hostname").write_text("alpha\n")
    (tree_root / "etc/corosync/corosync.conf").write_text(conf)
    assert [f.code for f in lint.run([str(tree_root)], select=["CS008"]).findings] == ["CS008"]


def test_supportconfig_ietd_without_its_access_lists_is_not_open(tmp_path: Path) -> None:
    """supportconfig 2.x's iscsitarget section: ``conf_files $OF /etc/ietd.conf
    /proc/net/iet/volume /proc/net/iet/session``; initiators.allow is not logged, so
    a target without CHAP is not known to be open to all (IS007)."""
    ietd = "Target iqn.2026-11.net.example:san1.pool\n\tLun 0 Path=/dev/vg0/pool,Type=blockio\n"
    root = tmp_path / "scc_san1_261128_0900"
    root.mkdir()
    (root / "basic-environment.txt").write_text(
        section("Command", "/bin/uname -a", "Linux san1 2.6.27.45-0.1-default #1 SMP x86_64\n")
    )
    (root / "fs-iscsi.txt").write_text(section("Configuration File", "/etc/ietd.conf", ietd))
    assert lint.run([str(root)], select=["IS007"]).findings == []
    node = tmp_path / "san1"
    (node / "etc").mkdir(parents=True)
    (node / "etc/hostname").write_text("san1\n")
    (node / "etc/ietd.conf").write_text(ietd)
    assert [f.code for f in lint.run([str(node)], select=["IS007"]).findings] == ["IS007"]


# -- LS023: the CRM's address against the node's interfaces --------------------------------

MON_IP = """<?xml version="1.0"?>
<crm_mon version="1.1.12">
  <nodes>
    <node name="alpha" id="1" online="true" standby="false" unclean="false"/>
    <node name="beta" id="2" online="true" standby="false" unclean="false"/>
  </nodes>
  <resources>
    <resource id="ip-san" resource_agent="ocf::heartbeat:IPaddr2" role="Started" active="true"
        orphaned="false" managed="true" failed="false" nodes_running_on="1">
      <node name="alpha" id="1" cached="false"/>
    </resource>
    <clone id="ip-web-clone" multi_state="false" unique="true" managed="true" failed="false">
      <resource id="ip-web:0" resource_agent="ocf::heartbeat:IPaddr2" role="Started"
          active="true" orphaned="false" managed="true" failed="false" nodes_running_on="1">
        <node name="alpha" id="1" cached="false"/>
      </resource>
      <resource id="ip-web:1" resource_agent="ocf::heartbeat:IPaddr2" role="Started"
          active="true" orphaned="false" managed="true" failed="false" nodes_running_on="1">
        <node name="beta" id="2" cached="false"/>
      </resource>
    </clone>
  </resources>
</crm_mon>
"""


@pytest.mark.parametrize(
    ("alpha", "beta", "want"),
    [
        # crm_mon --as-xml (Pacemaker 1.1): ip-san on alpha, which holds it; the
        # CLUSTERIP clone's address on both, by design
        (("10.0.2.100", "10.0.2.200"), ("10.0.2.200",), []),
        (
            ("10.0.2.200",),
            ("10.0.2.100", "10.0.2.200"),
            [
                (
                    "LS023",
                    "the CRM reports 'ip-san' (10.0.2.100) started on alpha, which does not "
                    "hold the address; beta hold(s) it",
                )
            ],
        ),
        (
            ("10.0.2.200",),
            ("10.0.2.200",),
            [
                (
                    "LS023",
                    "the CRM reports 'ip-san' (10.0.2.100) started on alpha, which does not "
                    "hold the address",
                )
            ],
        ),
        # on both: the CRM's node has it, the other must not (LS018)
        (
            ("10.0.2.100", "10.0.2.200"),
            ("10.0.2.100", "10.0.2.200"),
            [
                (
                    "LS018",
                    "10.0.2.100 is on alpha, beta at once (the CIB's IPaddr2 resource 'ip-san' "
                    "moves it, one node at a time)",
                )
            ],
        ),
    ],
)
def test_ls023_address_where_the_crm_says(
    tmp_path: Path, alpha: tuple[str, ...], beta: tuple[str, ...], want: list[tuple[str, str]]
) -> None:
    from lintkit import tree

    roots = []
    for n, own, extra in (("alpha", "10.0.2.1", alpha), ("beta", "10.0.2.2", beta)):
        files = {
            "etc/hostname": n + "\n",
            "etc/hosts": "10.0.2.1 alpha\n10.0.2.2 beta\n",
            "var/lib/heartbeat/crm/cib.xml": CIB_IP,
            f"sos_commands/{IP}": ip_o_addr([own], tuple(("eth0", a) for a in extra)),
            "sos_commands/pacemaker/crm_mon_--as-xml": MON_IP,
        }
        roots.append(tree(tmp_path, n, files))
    result = lint.run([str(r) for r in roots], select=["LS"])
    assert [(f.code, f.message) for f in result.findings] == want


# -- a clean tree read as a supportconfig stays clean -------------------------------------

#: Where supportconfig logs a file of the node (its ``conf_files`` calls, see SCC_FILES);
#: files it never logs (authkeys, corosync's authkey, IET's access lists, iscsid's
#: node records, /etc/hostname: SUSE has /etc/HOSTNAME) are left out.
SCC_PLACES = (
    ("etc/drbd", "drbd.txt"),
    ("etc/multipath", "mpio.txt"),
    ("etc/iscsi/iscsid.conf", "fs-iscsi.txt"),
    ("etc/iscsi/initiatorname.iscsi", "fs-iscsi.txt"),
    ("etc/ietd.conf", "fs-iscsi.txt"),
    ("etc/hosts", "network.txt"),
    ("etc/ha.d/ha.cf", "ha.txt"),
    ("etc/ha.d/haresources", "ha.txt"),
    ("etc/ha_logd.cf", "ha.txt"),
    ("etc/ha.d/ha_logd.cf", "ha.txt"),
    ("etc/corosync/corosync.conf", "ha.txt"),
    ("var/lib/heartbeat/crm/cib.xml", "ha.txt"),
    ("var/lib/pacemaker/cib/cib.xml", "ha.txt"),
    ("etc/ocfs2/cluster.conf", "ocfs2.txt"),
    ("etc/xen/", "xen.txt"),
    ("etc/lvm/lvm.conf", "lvm.txt"),
    ("etc/evms.conf", "evms.txt"),
    ("etc/modprobe", "modules.txt"),
    ("etc/sysconfig/", "sysconfig.txt"),
)

SUSE_TREES = (
    "sles10-hb2-evms-ocfs2",
    "sles10-iet04-evms-o2cb",
    "sles11-drbd-dual-primary-ocfs2",
    "sles11-multipath-iet-bindings",
    "sles11sp1-clvm-iscsi-multipath-ocfs2",
    "xen-drbd-hosts",
    "corosync2-udpu-crypto",
)


def _host(node: Path) -> str:
    """The node's short name: /etc/hostname, SUSE's /etc/HOSTNAME, else the folder."""
    for f in ("etc/hostname", "etc/HOSTNAME"):
        if (node / f).is_file():
            return (node / f).read_text().split()[0].split(".")[0]
    return node.name


def as_supportconfig(node: Path, out: Path) -> Path:
    """``node``'s tree as the supportconfig its machine would write (uname -a in
    basic-environment.txt, each logged file a configuration section)."""
    name = _host(node)
    root = out / f"scc_{name}_261128_0900"
    root.mkdir(parents=True)
    files = {"basic-environment.txt": section("Command", "/bin/uname -a", f"Linux {name} 3.0\n")}
    for p in sorted(node.rglob("*")):
        rel = p.relative_to(node).as_posix()
        where = next((f for prefix, f in SCC_PLACES if rel.startswith(prefix)), None)
        if where is None or not p.is_file():
            continue
        text = p.read_text(errors="surrogateescape")
        files[where] = files.get(where, "") + section("Configuration File", "/" + rel, text)
    for f, text in files.items():
        (root / f).write_text(text, errors="surrogateescape")
    return root


@pytest.mark.parametrize("name", SUSE_TREES)
def test_a_clean_tree_read_as_supportconfig_gains_no_finding(tmp_path: Path, name: str) -> None:
    """What supportconfig leaves out (the keys, the access lists, the node records)
    and how it cuts files into sections must not make a finding of its own: each
    finding on the supportconfigs is one the trees give too (by rule, node and
    message)."""
    good = ROOT / "tests" / "fixtures" / "lint-trees" / name / "good"
    nodes = sorted(d for d in good.iterdir() if d.is_dir())
    roots = [as_supportconfig(n, tmp_path) for n in nodes]

    def keyed(result: lint.LintResult, names: list[str]) -> set[tuple[str, str, str]]:
        out = set()
        for f in result.findings:
            node = next((n for n in names if f"/{n}/" in f.path or f"scc_{n}_" in f.path), "?")
            out.add((f.code, node, f.message.split(" (advice for")[0]))
        return out

    names = [_host(n) for n in nodes]
    trees = keyed(lint.run([str(n) for n in nodes]), [n.name for n in nodes])
    trees = {
        (c, names[[n.name for n in nodes].index(x)] if x != "?" else x, m) for c, x, m in trees
    }
    sccs = keyed(lint.run([str(r) for r in roots]), names)
    assert sccs - trees == set()


# -- a sosreport's scrubbed iscsid.conf -----------------------------------------------------

SOS_PASSWORD = re.compile(
    r"((?:node\.session|discovery\.sendtargets)\.auth\.password(?:_in)?\s+=\s+)(\S+)"
)


@pytest.mark.parametrize(("secret", "want"), [("********", 0), ("notTheSecret123", 3)])
def test_sos_masked_chap_password_is_not_compared(tmp_path: Path, secret: str, want: int) -> None:
    """sos's iscsi plugin rewrites each CHAP password of iscsid.conf as ``********``
    (sos/report/plugins/iscsi.py: ``repl = r"\\1********\\n"``): not known, so IS016
    does not say the target refuses it; a password that is there and wrong, it does."""
    good = ROOT / "tests" / "fixtures" / "lint-trees" / "rhel5-cman-iscsi" / "good"
    root = tmp_path / "cluster"
    shutil.copytree(good, root)
    for conf in root.rglob("iscsid.conf"):
        text = SOS_PASSWORD.sub(lambda m: m[1] + secret + "\n", conf.read_text())
        assert text != conf.read_text()
        conf.write_text(text)
    result = lint.run([str(d) for d in sorted(root.iterdir())], select=["IS016"])
    assert len(result.findings) == want * 2  # each dom0, the target's two LUN targets


def test_sos_target_pair_without_ha_d_is_not_judged_by_the_dom0s_lists(tmp_path: Path) -> None:
    """sos has no heartbeat plugin: a target box's sosreport holds its drbd.conf and
    /etc/iet (the iscsitarget plugin), not /etc/ha.d. Its DRBD pair is then compared
    with no list of its own, and the dom0s' OCFS2 node list says nothing of it (DR005)."""
    good = (
        ROOT / "tests" / "fixtures" / "lint-trees" / "squeeze-iet-pair-two-portals-ocfs2" / "good"
    )
    root = tmp_path / "cluster"
    shutil.copytree(good, root, symlinks=True)
    for box in ("san1", "san2"):
        shutil.rmtree(root / box / "etc" / "ha.d")
    result = lint.run([str(d) for d in sorted(root.iterdir())], select=["DR005"])
    assert result.findings == []


# -- a clean tree read as a sosreport stays clean -----------------------------------------

#: What sos's plugins copy of /etc (networking /etc/host*, drbd, multipath, iscsi,
#: iscsitarget /etc/iet, xen, corosync, cluster, lvm2, general /etc/sysconfig of sos
#: 1.x-2.x, host /etc/hostname); nothing of /etc/ha.d, no plugin reads it.
SOS_COPIES = (
    "etc/host",
    "etc/HOSTNAME",
    "etc/drbd",
    "etc/multipath",
    "var/lib/multipath/",
    "etc/iscsi/iscsid.conf",
    "etc/iscsi/initiatorname.iscsi",
    "etc/iet/",
    "etc/ietd.conf",
    "etc/xen/",
    "etc/corosync/",
    "etc/cluster/",
    "etc/lvm/lvm.conf",
    # (sos' release plugin: add_copy_spec("/etc/*release"), sosreport/sos
    # sos/report/plugins/release.py; it tells the LVM and cman generations)
    "etc/redhat-release",
    "etc/sysconfig/",
    "etc/ocfs2/",
    "etc/modprobe",
)

SOS_TREES = (
    "rhel5-cman-iscsi",
    "rhel5-clvm-iet04-filter",
    "squeeze-iet-pair-two-portals-ocfs2",
    "pcmk10-three-dom0s-two-iet-boxes",
    "iscsi-target-pair-four-dom0s",
    "sles11-drbd-dual-primary-ocfs2",
    "lenny-aoe-drbd-two-dom0s",
)


def as_sosreport(node: Path, out: Path) -> Path:
    """``node``'s tree as its sosreport: the files sos copies (links kept as links,
    the modes a host gives its secrets), iscsid.conf's passwords masked as the iscsi
    plugin masks them, ``host/hostname``."""
    root = out / f"sosreport-{_host(node)}"
    for p in sorted(node.rglob("*")):
        rel = p.relative_to(node).as_posix()
        if not rel.startswith(SOS_COPIES) or (p.is_dir() and not p.is_symlink()):
            continue
        q = root / rel
        q.parent.mkdir(parents=True, exist_ok=True)
        if p.is_symlink():
            q.symlink_to(p.readlink())
            continue
        text = p.read_text(errors="surrogateescape")
        if rel.endswith("iscsid.conf"):
            text = SOS_PASSWORD.sub(lambda m: m[1] + "********\n", text)
        q.write_text(text, errors="surrogateescape")
        q.chmod(0o600 if "iscsid.conf" in rel or "authkey" in rel else 0o644)
    (root / "sos_commands/host").mkdir(parents=True)
    (root / "sos_commands/host/hostname").write_text(_host(node) + "\n")
    return root


@pytest.mark.parametrize("name", SOS_TREES)
def test_a_clean_tree_read_as_sosreport_gains_no_finding(tmp_path: Path, name: str) -> None:
    """What sos leaves out (/etc/ha.d) or masks (CHAP passwords) must not make a
    finding of its own: each finding on the sosreports is one the trees give too."""
    good = ROOT / "tests" / "fixtures" / "lint-trees" / name / "good"
    nodes = sorted(d for d in good.iterdir() if d.is_dir())
    roots = [as_sosreport(n, tmp_path) for n in nodes]
    names = [_host(n) for n in nodes]

    def keyed(result: lint.LintResult, folders: list[str]) -> set[tuple[str, str, str]]:
        out = set()
        for f in result.findings:
            at = next((i for i, d in enumerate(folders) if f"/{d}/" in f.path), None)
            node = names[at] if at is not None else "?"
            message = re.sub(r"\S*/(sosreport-\S+|[\w.-]+)/\S*", "", f.message)
            out.add((f.code, node, message.split(" (advice for")[0]))
        return out

    trees = keyed(lint.run([str(n) for n in nodes]), [n.name for n in nodes])
    sos = keyed(lint.run([str(r) for r in roots]), [r.name for r in roots])
    assert sos - trees == set()
