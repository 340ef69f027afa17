"""Whole cluster trees built by hypothesis, for the tree and number fuzzers
(tests/test_fuzz_trees.py, issue 22).

Unlike tests/test_fuzz.py's trees, which place seed files of unrelated clusters side by
side, these trees hang together the way a real cluster's do, so that the cross-file and
cross-node rules reach their deep paths: the DRBD resources name the nodes' host names
and the domUs use their devices, the CIB runs those domUs, the initiators log in to the
targets the storage nodes export, the live state shows the same resources, domains and
sessions. Then every value is drawn from hostile choices too: names that differ by
case or are missing on one node, odd or huge numbers (:data:`ODD_NUMBERS`), duplicate
ports and minors, dangling references.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from hypothesis import strategies as st

T = TypeVar("T")

#: Numerals a number setting may hold in a file written by hand or by a broken tool:
#: the daemons' limits and one past them, signs, leading zeros, other bases, floats,
#: Python's own spellings (``1_000``), digits ``int()`` reads but ``strtol`` does not
#: (``٣``), digits neither reads (``²``), and more digits than ``int()`` converts
#: (Python refuses more than 4,300: ``ValueError``, not a wrong number).
ODD_NUMBERS = [
    "0",
    "1",
    "3",
    "7788",
    "65535",
    "65536",
    "2147483647",
    "2147483648",
    "4294967296",
    "18446744073709551616",
    "-1",
    "-0",
    "+5",
    "007",
    "0x1F",
    "0b11",
    "1e3",
    "1.5",
    ".5",
    "5.",
    "1_000",
    "٣",
    "²",
    "9" * 60,
    "9" * 5000,
    "1" + "0" * 4400,
    "nan",
    "inf",
    "-inf",
    "5s",
    "10ms",
    "1K",
    "1G",
]

NODE_NAMES = ["alpha", "beta", "xen1", "xen2", "Alpha", "san1", "node-3", "a.example.net"]
ADDRESSES = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "192.168.1.10", "10.0.0.256", "::1", "fe80::1"]
VMS = ["web", "db", "mail"]


class Draw:
    """The draws of one tree: each choice a hypothesis draw, so a failing tree shrinks."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self._draw = draw

    def pick(self, seq: list[T]) -> T:
        return self._draw(st.sampled_from(seq))

    def number(self, usual: str) -> str:
        """A numeral: most often a usual one, else an odd one."""
        odd: bool = self._draw(st.integers(0, 3)) == 0
        return self.pick(ODD_NUMBERS) if odd else usual

    def flag(self, p_true: int = 2) -> bool:
        """True with about ``p_true`` chances in 3."""
        return bool(self._draw(st.integers(0, 2)) < p_true)

    def subset(self, seq: list[T]) -> list[T]:
        return [x for x in seq if self.flag()]


def _drbd(d: Draw, nodes: list[str], addrs: dict[str, str], resources: list[str]) -> str:
    out = ["global {\n    usage-count no;\n}\n"]
    out.append(f"common {{\n    syncer {{ rate {d.number('40M')}; }}\n}}\n")
    for minor, res in enumerate(resources):
        body = [f"    protocol {d.pick(['C', 'C', 'B', 'A', 'Z'])};\n"]
        body.append(
            "    net {\n"
            f"        after-sb-0pri {d.pick(['discard-zero-changes', 'disconnect', 'x'])};\n"
            f"        max-buffers {d.number('2048')};\n        timeout {d.number('60')};\n    }}\n"
        )
        for node in d.subset(nodes) or nodes[:1]:
            m = d.number(str(minor))
            port = d.number(str(7788 + minor))
            body.append(
                f"    on {node} {{\n        device /dev/drbd{m};\n        disk /dev/vg0/{res};\n"
                f"        address {addrs[node]}:{port};\n        meta-disk internal;\n    }}\n"
            )
        out.append(f"resource {res} {{\n{''.join(body)}}}\n")
    return "".join(out)


def _hacf(d: Draw, nodes: list[str], addrs: dict[str, str], crm: str) -> str:
    lines = [
        f"keepalive {d.number('2')}",
        f"deadtime {d.number('30')}",
        f"warntime {d.number('10')}",
        f"initdead {d.number('120')}",
        f"udpport {d.number('694')}",
    ]
    lines += [f"ucast eth0 {addrs[n]}" for n in d.subset(nodes)]
    lines += [f"node {n}" for n in d.subset(nodes) or nodes]
    lines += [f"crm {crm}", f"auto_failback {d.pick(['on', 'off', 'legacy', 'maybe'])}"]
    return "\n".join(lines) + "\n"


def _haresources(d: Draw, nodes: list[str], vms: list[str], resources: list[str]) -> str:
    lines = []
    for i, res in enumerate(resources):
        owner = d.pick(nodes)
        vm = d.pick(vms)
        lines.append(
            f"{owner} IPaddr::10.0.0.{d.number('100')}/24 drbddisk::{res} "
            f"Filesystem::/dev/drbd{i}::/srv/{res}::ext3 xendomains::{vm}"
        )
    return "\n".join(lines) + "\n"


def _domu(d: Draw, vm: str, resources: list[str], aliases: list[str]) -> str:
    disks = []
    for _ in range(d.pick([1, 1, 2])):
        kind = d.pick(["drbd", "phy-drbd", "mapper", "file"])
        if kind == "drbd" and resources:
            disks.append(f"'drbd:{d.pick(resources)},xvda,w'")
        elif kind == "phy-drbd":
            disks.append(f"'phy:/dev/drbd{d.number('0')},xvdb,w'")
        elif kind == "mapper" and aliases:
            disks.append(f"'phy:/dev/mapper/{d.pick(aliases)},xvdc,{d.pick(['w', 'r', 'w!'])}'")
        else:
            disks.append(f"'file:/srv/xen/{vm}.img,xvdd,w'")
    return (
        f'name = "{vm}"\nmemory = {d.number("512")}\nvcpus = {d.number("1")}\n'
        f"maxmem = {d.number('1024')}\n"
        f"disk = [ {', '.join(disks)} ]\n"
        f"vif = [ 'mac=00:16:3e:00:00:{d.number('01')}, bridge=xenbr0' ]\n"
        f"on_crash = '{d.pick(['restart', 'destroy', 'preserve', 'explode'])}'\n"
    )


def _xend(d: Draw, nodes: list[str]) -> str:
    allow = " ".join(f"^{n}$" for n in d.subset(nodes))
    return (
        f"(xend-relocation-server {d.pick(['yes', 'no'])})\n"
        f"(xend-relocation-port {d.number('8002')})\n"
        f"(xend-relocation-hosts-allow '{allow}')\n"
        f"(dom0-min-mem {d.number('196')})\n(dom0-cpus {d.number('0')})\n"
    )


def _cib(d: Draw, nodes: list[str], vms: list[str], resources: list[str]) -> str:
    node_xml = "".join(f'      <node id="{n}" uname="{n}" type="normal"/>\n' for n in nodes)
    prims = []
    for vm in vms:
        prims.append(
            f'      <primitive id="vm-{vm}" class="ocf" provider="heartbeat" type="Xen">\n'
            f'        <instance_attributes id="vm-{vm}-params">\n'
            f'          <nvpair id="vm-{vm}-xmfile" name="xmfile" value="/etc/xen/vm/{vm}"/>\n'
            f"        </instance_attributes>\n"
            f"        <operations>\n"
            f'          <op id="vm-{vm}-mon" name="monitor" interval="{d.number("20")}s"'
            f' timeout="{d.number("60")}s"/>\n'
            f"        </operations>\n"
            f"      </primitive>\n"
        )
    for res in resources:
        prims.append(
            f'      <master id="ms-{res}">\n'
            f'        <meta_attributes id="ms-{res}-meta">\n'
            f'          <nvpair id="ms-{res}-mm" name="master-max" value="{d.number("1")}"/>\n'
            f'          <nvpair id="ms-{res}-cm" name="clone-max" value="{d.number("2")}"/>\n'
            f"        </meta_attributes>\n"
            f'        <primitive id="drbd-{res}" class="ocf" provider="linbit" type="drbd">\n'
            f'          <instance_attributes id="drbd-{res}-params">\n'
            f'            <nvpair id="drbd-{res}-res" name="drbd_resource" value="{res}"/>\n'
            f"          </instance_attributes>\n"
            f"        </primitive>\n"
            f"      </master>\n"
        )
    cons = []
    for i, vm in enumerate(vms):
        score = d.pick(["INFINITY", "-INFINITY", "100", d.number("50")])
        cons.append(
            f'      <rsc_location id="loc-{vm}" rsc="vm-{vm}" node="{d.pick([*nodes, "ghost"])}"'
            f' score="{score}"/>\n'
        )
        if resources:
            res = d.pick(resources)
            cons.append(
                f'      <rsc_colocation id="col-{i}" rsc="vm-{vm}" with-rsc="ms-{res}"'
                f' with-rsc-role="Master" score="{d.pick(["INFINITY", d.number("10")])}"/>\n'
                f'      <rsc_order id="ord-{i}" first="ms-{res}" first-action="promote"'
                f' then="vm-{vm}" then-action="start"/>\n'
            )
    return (
        '<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">\n'
        "  <configuration>\n    <crm_config>\n"
        '      <cluster_property_set id="opts">\n'
        f'        <nvpair id="o-st" name="stonith-enabled" value="{d.pick(["true", "false"])}"/>\n'
        f'        <nvpair id="o-to" name="stonith-timeout" value="{d.number("60")}s"/>\n'
        "      </cluster_property_set>\n    </crm_config>\n"
        f"    <nodes>\n{node_xml}    </nodes>\n"
        f"    <resources>\n{''.join(prims)}    </resources>\n"
        f"    <constraints>\n{''.join(cons)}    </constraints>\n"
        "  </configuration>\n  <status/>\n</cib>\n"
    )


def _multipath(d: Draw, wwids: dict[str, str]) -> tuple[str, str]:
    entries = "".join(
        f"\tmultipath {{\n\t\twwid {w}\n\t\talias {a}\n\t\tno_path_retry {d.number('5')}\n\t}}\n"
        for a, w in wwids.items()
    )
    conf = (
        f"defaults {{\n\tuser_friendly_names yes\n\tpolling_interval {d.number('5')}\n"
        f"\tqueue_without_daemon no\n}}\nmultipaths {{\n{entries}}}\n"
    )
    bindings = "".join(f"{a} {w}\n" for a, w in wwids.items() if d.flag())
    return conf, bindings


def _ietd(d: Draw, storage: str, vms: list[str], initiators: list[str]) -> tuple[str, str]:
    out = []
    for vm in vms:
        path = d.pick([f"/dev/vg0/{vm}", f"/dev/drbd{d.number('0')}"])  # (a DRBD-backed LUN)
        out.append(
            f"Target iqn.2026-11.net.example:{storage}.{vm}\n"
            f"\tLun {d.number('0')} Path={path},Type=blockio,ScsiId={vm}\n"
            f"\tMaxConnections {d.number('1')}\n\tMaxRecvDataSegmentLength {d.number('8192')}\n"
        )
    allow = "".join(
        f"iqn.2026-11.net.example:{storage}.{vm} {', '.join(initiators) or 'ALL'}\n"
        for vm in d.subset(vms)
    )
    return "".join(out), allow


def _ocfs2(d: Draw, nodes: list[str], addrs: dict[str, str]) -> str:
    out = [f"cluster:\n\tnode_count = {d.number(str(len(nodes)))}\n\tname = ocfs2\n"]
    for i, n in enumerate(nodes):
        out.append(
            f"\nnode:\n\tip_port = {d.number('7777')}\n\tip_address = {addrs[n]}\n"
            f"\tnumber = {d.number(str(i))}\n\tname = {n}\n\tcluster = ocfs2\n"
        )
    return "".join(out)


def _corosync(d: Draw, nodes: list[str], addrs: dict[str, str]) -> str:
    members = "".join(
        f"    node {{\n        ring0_addr: {addrs[n]}\n        name: {n}\n"
        f"        nodeid: {d.number(str(i + 1))}\n    }}\n"
        for i, n in enumerate(nodes)
    )
    return (
        f"totem {{\n    version: 2\n    cluster_name: c\n    token: {d.number('3000')}\n"
        f"    transport: {d.pick(['knet', 'udpu', 'udp'])}\n}}\n\n"
        f"nodelist {{\n{members}}}\n\nquorum {{\n    provider: corosync_votequorum\n"
        f"    two_node: {d.pick(['1', '0', d.number('1')])}\n}}\n"
    )


def _live(
    d: Draw,
    node: str,
    addr: str,
    resources: list[str],
    running: list[str],
    wwids: dict[str, str],
    sessions: list[str],
) -> dict[str, str]:
    state = "var/lib/xencfg/state/"
    out: dict[str, str] = {}
    if d.flag():
        rows = "".join(
            f" {d.number(str(i))}: cs:{d.pick(['Connected', 'StandAlone', 'WFConnection'])} "
            f"ro:{d.pick(['Primary', 'Secondary'])}/{d.pick(['Secondary', 'Unknown'])} "
            f"ds:UpToDate/{d.pick(['UpToDate', 'DUnknown'])} C r-----\n"
            f"    ns:{d.number('1024')} nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f"
            f" oos:{d.number('0')}\n"
            for i, _ in enumerate(resources)
        )
        out[state + "proc_drbd.txt"] = f"version: 8.3.13 (api:88/proto:86-96)\n\n{rows}"
    if d.flag():
        doms = "".join(
            f"{vm:<20} {d.number(str(i + 1)):>5} {d.number('512'):>5}     1     -b----     "
            f"{d.number('12.5')}\n"
            for i, vm in enumerate(running)
        )
        out[state + "xl_list.txt"] = (
            "Name                                        ID   Mem VCPUs      State   Time(s)\n"
            "Domain-0                                     0  1024     2     r-----     99.0\n"
            f"{doms}"
        )
    if d.flag():
        maps = "".join(
            f"{a} ({w}) dm-{d.number(str(i))} IET,VIRTUAL-DISK\n"
            f"size={d.number('10')}G features='0' hwhandler='0' wp=rw\n"
            f"`-+- policy='round-robin 0' prio={d.number('1')} status=active\n"
            f"  `- {d.number('2')}:0:0:{d.number('1')} sd{chr(97 + i % 26)} 8:{d.number('16')}"
            f" active ready running\n"
            for i, (a, w) in enumerate(wwids.items())
        )
        out[state + "multipath_ll.txt"] = maps
    if sessions and d.flag():
        out[state + "iscsiadm_node.txt"] = "".join(
            f"{addr}:{d.number('3260')},1 {t}\n" for t in sessions
        )
    if d.flag():
        out[state + "ip_addr.txt"] = (
            f"1: lo    inet 127.0.0.1/8 scope host lo\n"
            f"2: eth0    inet {addr}/{d.number('24')} brd 10.0.0.255 scope global eth0\n"
        )
    if d.flag():
        out[state + "uname_n.txt"] = d.pick([node, node.upper(), "other"]) + "\n"
    return out


def _iet_proc(d: Draw, storage: str, vms: list[str], initiators: list[str]) -> dict[str, str]:
    state = "var/lib/xencfg/state/"
    volume = "".join(
        f"tid:{d.number(str(i + 1))} name:iqn.2026-11.net.example:{storage}.{vm}\n"
        f"\tlun:{d.number('0')} state:0 iotype:fileio iomode:wt blocks:{d.number('2048')}"
        f" blocksize:512 path:/dev/vg0/{vm}\n"
        for i, vm in enumerate(vms)
    )
    session = "".join(
        f"tid:{d.number(str(i + 1))} name:iqn.2026-11.net.example:{storage}.{vm}\n"
        + "".join(
            f"\tsid:{d.number('281475110928896')} initiator:{ini}\n"
            f"\t\tcid:0 ip:10.0.0.{d.number('5')} state:active hd:none dd:none\n"
            for ini in d.subset(initiators)
        )
        for i, vm in enumerate(vms)
    )
    return {state + "iet_volume.txt": volume, state + "iet_session.txt": session}


@st.composite
def cluster_trees(draw: Callable[[st.SearchStrategy[Any]], Any]) -> dict[str, dict[str, str]]:
    """``{node: {path: text}}`` of a whole cluster (for :func:`xencfg.lint_tree`): two
    to four dom0s and maybe a storage node, the files of each layer drawn in or out."""
    d = Draw(draw)
    count = draw(st.integers(2, 4))
    names: list[str] = draw(st.lists(st.sampled_from(NODE_NAMES), min_size=count, max_size=count))
    folders = [f"n{i}" for i in range(count)]
    addrs = {n: d.pick(ADDRESSES) for n in names}
    resources = d.subset(["r0", "r1", "web"]) or ["r0"]
    vms = d.subset(VMS) or ["web"]
    wwids = {vm: f"3600a0b8000{d.number('1234')}{i}" for i, vm in enumerate(vms)}
    crm = d.pick(["on", "off", "respawn", "yes"])
    storage = "san1" if d.flag() else None
    initiators = [f"iqn.2026-11.net.example:{n}" for n in names]
    tree: dict[str, dict[str, str]] = {}
    for folder, name in zip(folders, names, strict=True):
        files: dict[str, str] = {"etc/hostname": f"{name}\n"}
        files["etc/hosts"] = "127.0.0.1 localhost\n" + "".join(
            f"{addrs[n]} {n}\n" for n in d.subset(names)
        )
        files["etc/ha.d/ha.cf"] = _hacf(d, names, addrs, crm)
        files["etc/ha.d/authkeys"] = f"auth {d.number('1')}\n1 sha1 s3cret\n"
        if crm in ("off", "no") or d.flag(1):
            files["etc/ha.d/haresources"] = _haresources(d, names, vms, resources)
        if d.flag():
            files["etc/drbd.conf"] = _drbd(d, names, addrs, resources)
        for vm in d.subset(vms):
            files[f"etc/xen/vm/{vm}"] = _domu(d, vm, resources, list(wwids))
        if d.flag():
            files["etc/xen/xend-config.sxp"] = _xend(d, names)
        if crm != "off" and d.flag():
            files["var/lib/heartbeat/crm/cib.xml"] = _cib(d, names, vms, resources)
        if storage and d.flag():
            conf, bindings = _multipath(d, wwids)
            files["etc/multipath.conf"] = conf
            if bindings:
                files["etc/multipath/bindings"] = bindings
            files["etc/iscsi/initiatorname.iscsi"] = (
                f"InitiatorName=iqn.2026-11.net.example:{name}\n"
            )
            files["etc/iscsi/iscsid.conf"] = (
                f"node.startup = {d.pick(['automatic', 'manual', 'sometimes'])}\n"
                f"node.session.timeo.replacement_timeout = {d.number('120')}\n"
                f"node.conn[0].timeo.noop_out_interval = {d.number('5')}\n"
            )
        if d.flag(1):
            files["etc/ocfs2/cluster.conf"] = _ocfs2(d, names, addrs)
        if d.flag(1):
            files["etc/corosync/corosync.conf"] = _corosync(d, names, addrs)
        sessions = [f"iqn.2026-11.net.example:{storage}.{vm}" for vm in vms] if storage else []
        files.update(_live(d, name, addrs[name], resources, d.subset(vms), wwids, sessions))
        tree[folder] = files
    if storage:
        conf, allow = _ietd(d, storage, vms, d.subset(initiators))
        files = {"etc/hostname": f"{storage}\n", "etc/ietd.conf": conf}
        if allow:
            files["etc/initiators.allow"] = allow
        if d.flag():
            files.update(_iet_proc(d, storage, vms, initiators))
        tree[storage] = files
    return tree
