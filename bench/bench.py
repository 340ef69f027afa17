"""xencfg's benchmark: parse speed beside the peer tools, lint wall time, linearity, memory.

Run by hand (``python bench/bench.py``) for the figures in docs/performance.md, and in CI
as ``python bench/bench.py --smoke``: small inputs, no peers, and a non-zero exit only
on a crash or a broken ratio (time growing faster than the input), never on absolute
speed, which depends on the machine. Targets not met (memory, lint time) are printed.

Inputs are generated here, in a temporary directory: our own synthetic files in the
shapes the issue names (a LINSTOR-style drbd.d/ of 2,000 resources, a multipath.conf of
5,000 multipaths, a CIB of 2,000 primitives and 4,000 constraints, 500 domU configs).
Peers (drbdadm, multipath -t, augtool, crm_verify, xmllint) are timed on the same files
through ../shared/oracle/peers when that folder and the tools exist.
"""

from __future__ import annotations

import argparse
import compileall
import gc
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("XENCFG_SHARED", ROOT.parent / "shared"))
PEERS = SHARED / "oracle" / "peers"
sys.path.insert(0, str(ROOT / "src"))

import xencfg  # noqa: E402  (after the path set-up, so a checkout runs without install)
from xencfg.formats import specs as format_specs  # noqa: E402

# -- generators ------------------------------------------------------------------------


def drbd_resource(i: int) -> str:
    return (
        f"resource vm{i:04d} {{\n"
        f"\tnet {{ protocol C; allow-two-primaries yes; }}\n"
        f"\ton alpha {{\n\t\tdevice /dev/drbd{i}; disk /dev/vg0/vm{i:04d};\n"
        f"\t\taddress 10.0.0.1:{7000 + i}; meta-disk internal;\n\t}}\n"
        f"\ton beta {{\n\t\tdevice /dev/drbd{i}; disk /dev/vg0/vm{i:04d};\n"
        f"\t\taddress 10.0.0.2:{7000 + i}; meta-disk internal;\n\t}}\n}}\n"
    )


def drbd_conf(n: int) -> str:
    head = "global { usage-count no; }\ncommon { disk { on-io-error detach; } }\n"
    return head + "".join(drbd_resource(i) for i in range(n))


def multipath_conf(n: int) -> str:
    body = "".join(
        f"\tmultipath {{\n\t\twwid 36001405{i:024x}\n\t\talias lun{i:05d}\n\t}}\n" for i in range(n)
    )
    return (
        "defaults {\n\tuser_friendly_names yes\n\tpolling_interval 5\n}\n"
        'blacklist {\n\tdevnode "^(ram|raw|loop|fd|md|dm-|sr|scd|st)[0-9]*"\n}\n'
        f"multipaths {{\n{body}}}\n"
    )


def cib(n: int) -> str:
    prims = "".join(
        f'      <primitive id="vm{i}" class="ocf" provider="heartbeat" type="Xen">\n'
        f'        <instance_attributes id="vm{i}-ia">\n'
        f'          <nvpair id="vm{i}-xm" name="xmfile" value="/etc/xen/vm/vm{i}"/>\n'
        f"        </instance_attributes>\n"
        f'        <operations><op id="vm{i}-mon" name="monitor" interval="20s"/></operations>\n'
        f"      </primitive>\n"
        for i in range(n)
    )
    cons = "".join(
        f'      <rsc_order id="o{i}" first="vm{i}" then="vm{(i + 1) % n}" score="0"/>\n'
        f'      <rsc_location id="l{i}" rsc="vm{i}" node="alpha" score="{i % 100}"/>\n'
        for i in range(n)
    )
    return (
        '<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">\n'
        "  <configuration>\n    <crm_config>\n"
        '      <cluster_property_set id="opts">\n'
        '        <nvpair id="opts-stonith" name="stonith-enabled" value="false"/>\n'
        "      </cluster_property_set>\n    </crm_config>\n    <nodes>\n"
        '      <node id="a" uname="alpha" type="normal"/>\n'
        '      <node id="b" uname="beta" type="normal"/>\n    </nodes>\n'
        f"    <resources>\n{prims}    </resources>\n"
        f"    <constraints>\n{cons}    </constraints>\n  </configuration>\n  <status/>\n</cib>\n"
    )


def domu(i: int) -> str:
    return (
        f'name = "vm{i}"\nmemory = 512\nvcpus = 1\nbootloader = "/usr/bin/pygrub"\n'
        f"disk = [ 'drbd:vm{i:04d},xvda,w' ]\n"
        f"vif = [ 'mac=00:16:3e:{i // 256:02x}:{i % 256:02x}:01, bridge=xenbr0' ]\n"
    )


def iscsid_conf(n: int) -> str:
    return "".join(
        f"node.conn[{i}].timeo.noop_out_interval = 5\nnode.conn[{i}].iscsi.HeaderDigest = None\n"
        for i in range(n)
    )


def xend_conf(n: int) -> str:
    return "".join(
        f"(xend-relocation-hosts-allow '^host{i}$ ^host{i}\\\\.example$')\n(dom0-min-mem {i})\n"
        for i in range(n)
    )


def lines(n: int, line: Callable[[int], str], head: str = "") -> str:
    return head + "".join(line(i) for i in range(n))


def ip(i: int) -> str:
    return f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"


def xl_domu(i: int) -> str:
    return (
        f'name = "vm{i}"\ntype = "pvh"\nkernel = "/boot/vmlinuz"\nmemory = 1024\nvcpus = 2\n'
        f"disk = [ 'format=raw, vdev=xvda, access=rw, target=/dev/drbd/by-res/vm{i}/0' ]\n"
        f'vif = [ "mac=00:16:3e:{i // 256 % 256:02x}:{i % 256:02x}:02,bridge=xenbr0" ]\n'
    )


def ocfs2_conf(n: int) -> str:
    nodes = "".join(
        f"node:\n\tip_port = 7777\n\tip_address = {ip(i)}\n\tnumber = {i}\n"
        f"\tname = node{i}\n\tcluster = ocfs2\n\n"
        for i in range(n)
    )
    return nodes + f"cluster:\n\tnode_count = {n}\n\tname = ocfs2\n"


def cman_conf(n: int) -> str:
    nodes = "".join(
        f'    <clusternode name="node{i}" nodeid="{i + 1}" votes="1">\n'
        f'      <fence><method name="1"><device name="apc" port="{i}"/></method></fence>\n'
        f"    </clusternode>\n"
        for i in range(n)
    )
    return (
        '<?xml version="1.0"?>\n<cluster name="big" config_version="1">\n'
        f"  <clusternodes>\n{nodes}  </clusternodes>\n"
        '  <fencedevices><fencedevice name="apc" agent="fence_apc"/></fencedevices>\n'
        "</cluster>\n"
    )


def evms_sections(i: int) -> str:
    """evms.conf's engine and sysfs sections (the keys repeat, as in every real file)."""
    return (
        f"# node {i}\nengine {{\n\tmode = readwrite\n\tdebug_level = default\n"
        f"\tlog_file = /var/log/evms-engine.{i}.log\n"
        "\tmetadata_backup_dir = /var/evms/metadata_backups\n"
        "\tauto_metadata_backup = yes\n\tremote_request_timeout = 12\n}\n"
        f"sysfs_devices {{\n\tinclude = [ sd{i} ]\n\texclude = [ iseries!vcd* ]\n}}\n"
    )


def lvm_volume(i: int) -> str:
    """A logical volume as LVM's metadata backups write it, the largest files of
    lvm.conf's language (the same sections and keys, volume after volume)."""
    return (
        f'lv{i} {{\n\tid = "{i:06d}-aaaa-bbbb-cccc-dddd-eeee-{i:06d}"\n'
        '\tstatus = ["READ", "WRITE", "VISIBLE"]\n\tflags = []\n\tsegment_count = 1\n\n'
        f"\tsegment1 {{\n\t\tstart_extent = 0\n\t\textent_count = {256 + i}\t# 1 Gigabytes\n"
        '\t\ttype = "striped"\n\t\tstripe_count = 1\t# linear\n\n'
        f'\t\tstripes = [\n\t\t\t"pv0", {i * 256}\n\t\t]\n\t}}\n}}\n'
    )


def multipath_ll(n: int) -> str:
    return lines(
        n,
        lambda i: (
            f"lun{i:05d} (36001405{i:024x}) dm-{i} LIO-ORG,block{i}\n"
            "size=100G features='0' hwhandler='0' wp=rw\n"
            "`-+- policy='round-robin 0' prio=50 status=active\n"
            f"  |- 3:0:0:{i} sd{i} 8:{i % 256}  active ready running\n"
            f"  `- 4:0:0:{i} sdx{i} 65:{i % 256}  active ready running\n"
        ),
    )


def proc_drbd(n: int) -> str:
    return lines(
        n,
        lambda i: (
            f"{i}: cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate C r-----\n"
            f"    ns:{i * 1024} nr:0 dw:2048 dr:4096 al:8 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 "
            "wo:f oos:0\n"
        ),
        "version: 8.4.11 (api:1/proto:86-101)\nsrcversion: 56FA65F5FC6C4B1E2D08A1B\n\n",
    )


#: format -> (generator of n units, units for the full run, units for --smoke), in the
#: shape its largest real files take (repeated constructs).
_GENERATORS: dict[str, tuple[Callable[[int], str], int, int]] = {
    "drbd": (drbd_conf, 2000, 50),
    "multipath": (multipath_conf, 5000, 100),
    "cib": (cib, 2000, 50),
    "xm": (lambda n: "".join(domu(i) for i in range(n)), 2000, 50),
    "xl": (lambda n: "".join(xl_domu(i) for i in range(n)), 2000, 50),
    "iscsid": (iscsid_conf, 5000, 100),
    "xend": (xend_conf, 5000, 100),
    "ietd": (
        lambda n: lines(
            n,
            lambda i: (
                f"Target iqn.2026-11.net.example:storage.lun{i}\n"
                f"\tLun 0 Path=/dev/vg0/lv{i},Type=blockio\n"
                f"\tIncomingUser user{i} secret{i:08d}\n\tMaxConnections 1\n"
            ),
        ),
        5000,
        100,
    ),
    "iet-allow": (
        lambda n: lines(n, lambda i: f"iqn.2026-11.net.example:storage.lun{i} {ip(i)}\n"),
        10000,
        200,
    ),
    "initiatorname": (
        lambda n: lines(n, lambda i: f"# initiator {i}\n", "InitiatorName=iqn.2026-11.x:a\n"),
        10000,
        200,
    ),
    "ocfs2": (ocfs2_conf, 5000, 100),
    "cman": (cman_conf, 5000, 100),
    "evms": (
        lambda n: lines(n, evms_sections),
        5000,
        100,
    ),
    "lvm": (
        lambda n: lines(n, lvm_volume),
        5000,
        100,
    ),
    "hosts": (lambda n: lines(n, lambda i: f"{ip(i)}\thost{i}.example.net host{i}\n"), 10000, 200),
    "hacf": (
        lambda n: lines(n, lambda i: f"node node{i}\nucast eth0 {ip(i)}\n", "keepalive 2\n"),
        10000,
        200,
    ),
    "authkeys": (
        lambda n: lines(n, lambda i: f"{i + 1} sha1 key-{i:032x}\n", "auth 1\n"),
        10000,
        200,
    ),
    "logd": (lambda n: lines(n, lambda i: f"logfile /var/log/ha-{i}.log  # {i}\n"), 10000, 200),
    "shellvars": (lambda n: lines(n, lambda i: f'VAR_{i}="value {i}"  # note\n'), 10000, 200),
    "modules": (lambda n: lines(n, lambda i: f"options mod{i} param{i}={i} other=1\n"), 10000, 200),
    "multipath-ll": (multipath_ll, 2000, 50),
    "proc-drbd": (proc_drbd, 5000, 100),
}

#: The benched formats, in registry order: the format specs with ``bench=True`` (one
#: without a generator above fails here; tests/test_format_specs.py checks the converse).
INPUTS = {f.name: _GENERATORS[f.name] for f in format_specs() if f.bench}

# -- measuring ---------------------------------------------------------------------------


def median_seconds(fn: Callable[[], object], repeats: int, fastest: bool = False) -> float:
    times = []
    for _ in range(repeats):
        gc.collect()  # the previous run's garbage is not this run's cost
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
        del result  # freeing a 10 MB document's objects is not parsing it
    return min(times) if fastest else statistics.median(times)


def parse_seconds(fmt: str, text: str, repeats: int, fastest: bool = False) -> float:
    return median_seconds(lambda: xencfg.loads(text, fmt), repeats, fastest)


_PROBE = """
import resource, sys, time
sys.path.insert(0, sys.argv[3])
import xencfg

def peak_kib():
    # VmHWM belongs to this process's own memory map; ru_maxrss also carries the
    # peak of the forked parent across exec, which hid the growth when the parent
    # was the (large) bench process
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

with open(sys.argv[2], encoding="utf-8") as sample:
    head = sample.read(4000)
try:  # the imports and the grammar, before the baseline
    xencfg.loads(head[: head.find(chr(10), 2000) + 1], sys.argv[1])
except xencfg.XencfgError:
    pass
del head
before = peak_kib()  # the text read counts: a parse needs it in memory
with open(sys.argv[2], encoding="utf-8") as whole:
    text = whole.read()
t0 = time.process_time()  # CPU time: the machine's cores are shared, wall time is noise
doc = xencfg.loads(text, sys.argv[1])
print(time.process_time() - t0, peak_kib() - before)
"""


def probe(fmt: str, path: Path) -> tuple[float, float]:
    """CPU seconds to parse ``path`` in a fresh process, and the growth of the process's
    peak resident size (libxml2's trees included) over the file's size.

    Every parse timed this way starts from the same state: nothing is left over from
    earlier parses, and each must get its memory from the system (for a 10 MB file,
    page faults are part of the cost)."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, fmt, str(path), str(ROOT / "src")],
        capture_output=True,
        text=True,
        check=True,
        timeout=1200,
    ).stdout.split()
    return float(out[0]), int(out[1]) * 1024 / max(path.stat().st_size, 1)


def peer_seconds(cmd: list[str], repeats: int, ok: tuple[int, ...] = (0,)) -> float | str:
    """The peer's median time, or why there is none (a time of a refusal is no figure).

    ``ok`` are the exit codes that mean the peer read the whole file."""
    if shutil.which(cmd[0]) is None and not Path(cmd[0]).exists():
        return "n/a (not installed)"
    codes: list[int] = []

    def run() -> None:
        codes.append(subprocess.run(cmd, capture_output=True, timeout=600, check=False).returncode)

    try:
        seconds = median_seconds(run, repeats)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"n/a ({type(exc).__name__})"
    return seconds if codes and codes[0] in ok else f"n/a (refuses the file, exit {codes[0]})"


# peer-augeas exits 3 when the lens parsed the file but cannot write it back; the
# Xendconfsxp lens of Augeas 1.14 fails to write back any file, so its figure is a parse
PARSE_ONLY = "augtool Xendconfsxp (parse; its put fails on every file)"
# crm_verify exits 78 when its full check found warnings (pacemaker 2 warns of what
# pacemaker-1.0 allows, such as rsc_order's score): the check ran to its end
FULL_CHECK = "crm_verify --xml-file"
OK_EXITS = {PARSE_ONLY: (0, 3), FULL_CHECK: (0, 78)}


def peers_for(fmt: str, path: Path) -> dict[str, list[str]]:
    p = str(path)
    aug = str(PEERS / "peer-augeas")
    root = os.geteuid() == 0
    table: dict[str, dict[str, list[str]]] = {
        "drbd": {"drbdadm 9 dump": ["drbdadm", "-c", p, "dump", "all"]},
        "multipath": {
            **({"multipath -t": [str(PEERS / "peer-multipath"), p]} if root else {}),
            "augtool Multipath": [aug, "Multipath.lns", p],
        },
        "cib": {
            FULL_CHECK: ["crm_verify", "--xml-file", p],
            "xmllint --noout": ["xmllint", "--noout", p],
        },
        "iscsid": {"augtool Iscsid": [aug, "Iscsid.lns", p]},
        "xend": {PARSE_ONLY: [aug, "Xendconfsxp.lns", p]},
        "hosts": {"augtool Hosts": [aug, "Hosts.lns", p]},
        "shellvars": {"augtool Shellvars": [aug, "Shellvars.lns", p]},
        "modules": {"augtool Modprobe": [aug, "Modprobe.lns", p]},
        "lvm": {"augtool LVM": [aug, "LVM.lns", p]},
        "ocfs2": {"o2cb list-cluster": [str(PEERS / "peer-o2cb"), p]},
        "xl": {"xl -N create (libxlu)": [str(PEERS / "peer-xl"), p]},
    }
    out = table.get(fmt, {})
    return {k: v for k, v in out.items() if not v[0].startswith(str(PEERS)) or PEERS.exists()}


def lint_seconds(paths: list[Path]) -> float:
    """A cold `xencfg lint` in a fresh process (imports, grammar cache, everything)."""
    cmd = [sys.executable, "-m", "xencfg", "lint", *map(str, paths)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, timeout=600, check=False)
    elapsed = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"xencfg lint failed: {proc.stderr.decode()[-500:]}")
    return elapsed


def make_node(base: Path, n_drbd: int, cib_text: str | None = None, n_domu: int = 0) -> Path:
    etc = base / "etc"
    (etc / "drbd.d").mkdir(parents=True)
    (etc / "drbd.conf").write_text('include "drbd.d/*.res";\n')
    for i in range(n_drbd):
        (etc / "drbd.d" / f"vm{i:04d}.res").write_text(drbd_resource(i))
    if n_domu:
        (etc / "xen" / "vm").mkdir(parents=True)
        for i in range(n_domu):
            (etc / "xen" / "vm" / f"vm{i:04d}").write_text(domu(i))
    if cib_text is not None:
        crm = base / "var" / "lib" / "heartbeat" / "crm"
        crm.mkdir(parents=True)
        (crm / "cib.xml").write_text(cib_text)
    return base


# -- a generated cluster, for the node-count scaling -------------------------------------

#: Per node of the scaling run: DRBD resources, domUs and CIB primitives (issue 15).
SCALE_SHAPE = (100, 50, 100)


def cluster_cib(names: list[str], n_prims: int, n_domus: int) -> str:
    """One CIB (every node keeps a copy): Xen primitives on the domUs, ordered and
    colocated with a cloned OCFS2 pool, some as resource sets."""
    nodes = "".join(f'      <node id="{n}" uname="{n}" type="normal"/>\n' for n in names)
    prims = "".join(
        f'      <primitive id="vm{i}" class="ocf" provider="heartbeat" type="Xen">\n'
        f'        <instance_attributes id="vm{i}-ia">\n'
        f'          <nvpair id="vm{i}-xm" name="xmfile" value="/etc/xen/vm/vm{i % n_domus:04d}"/>\n'
        f"        </instance_attributes>\n"
        f'        <operations><op id="vm{i}-mon" name="monitor" interval="20s"/></operations>\n'
        f"      </primitive>\n"
        for i in range(n_prims)
    )
    pool = (
        '      <clone id="pool-clone"><primitive id="pool" class="ocf" provider="heartbeat"'
        ' type="Filesystem"><instance_attributes id="pool-ia">'
        '<nvpair id="pool-dev" name="device" value="/dev/mapper/pool"/>'
        '<nvpair id="pool-dir" name="directory" value="/etc/xen/vm"/>'
        '<nvpair id="pool-fs" name="fstype" value="ocfs2"/>'
        "</instance_attributes></primitive></clone>\n"
    )
    half = n_prims // 2
    cons = "".join(
        f'      <rsc_order id="o{i}" first="pool-clone" then="vm{i}" score="INFINITY"/>\n'
        f'      <rsc_colocation id="c{i}" rsc="vm{i}" with-rsc="pool-clone" score="INFINITY"/>\n'
        for i in range(half)
    )
    refs = "".join(f'<resource_ref id="vm{i}"/>' for i in range(half, n_prims))
    cons += (
        '      <rsc_order id="o-set" score="INFINITY">'
        '<resource_set id="o-set-a"><resource_ref id="pool-clone"/></resource_set>'
        f'<resource_set id="o-set-b" sequential="false">{refs}</resource_set></rsc_order>\n'
        '      <rsc_colocation id="c-set" score="INFINITY">'
        f'<resource_set id="c-set-a" sequential="false">{refs}</resource_set>'
        '<resource_set id="c-set-b"><resource_ref id="pool-clone"/></resource_set>'
        "</rsc_colocation>\n"
    )
    return (
        '<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">\n'
        "  <configuration>\n    <crm_config>\n"
        '      <cluster_property_set id="opts">\n'
        '        <nvpair id="opts-stonith" name="stonith-enabled" value="false"/>\n'
        "      </cluster_property_set>\n    </crm_config>\n"
        f"    <nodes>\n{nodes}    </nodes>\n"
        f"    <resources>\n{pool}{prims}    </resources>\n"
        f"    <constraints>\n{cons}    </constraints>\n  </configuration>\n  <status/>\n</cib>\n"
    )


def make_cluster(base: Path, n_nodes: int, shape: tuple[int, int, int] = SCALE_SHAPE) -> Path:
    """A cluster folder of ``n_nodes`` node roots: nodes pair up for DRBD (n_drbd
    resources per node), each has n_domu domU configs on its DRBD resources, heartbeat
    and OCFS2 list every node, and each keeps a copy of one CIB of n_prims primitives."""
    n_drbd, n_domu, n_prims = shape
    names = [f"node{i:02d}" for i in range(n_nodes)]
    cib_text = cluster_cib(names, n_prims, n_domu)
    hacf = "keepalive 2\ndeadtime 30\nbcast eth0\n" + "".join(f"node {n}\n" for n in names)
    ocfs2 = f"cluster:\n\tnode_count = {n_nodes}\n\tname = pool\n\n" + "".join(
        f"node:\n\tip_port = 7777\n\tip_address = 10.1.{i // 256}.{i % 256}\n"
        f"\tnumber = {i}\n\tname = {n}\n\tcluster = pool\n\n"
        for i, n in enumerate(names)
    )
    hosts = "127.0.0.1 localhost\n" + "".join(
        f"10.0.{i // 256}.{i % 256} {n}\n" for i, n in enumerate(names)
    )
    for i, name in enumerate(names):
        pair = i - i % 2
        a, b = names[pair], names[min(pair + 1, n_nodes - 1)]
        etc = base / name / "etc"
        (etc / "drbd.d").mkdir(parents=True)
        (etc / "hostname").write_text(name + "\n")
        (etc / "hosts").write_text(hosts)
        (etc / "drbd.conf").write_text('include "drbd.d/*.res";\n')
        for r in range(n_drbd):
            res = (
                f"resource p{pair:02d}r{r:03d} {{\n\tnet {{ protocol C; }}\n"
                f"\ton {a} {{\n\t\tdevice /dev/drbd{r}; disk /dev/vg0/r{r:03d};\n"
                f"\t\taddress 10.0.{pair // 256}.{pair % 256}:{7000 + r};"
                " meta-disk internal;\n\t}\n"
                f"\ton {b} {{\n\t\tdevice /dev/drbd{r}; disk /dev/vg0/r{r:03d};\n"
                f"\t\taddress 10.0.{(pair + 1) // 256}.{(pair + 1) % 256}:{7000 + r};"
                " meta-disk internal;\n\t}\n}\n"
            )
            (etc / "drbd.d" / f"r{r:03d}.res").write_text(res)
        (etc / "ha.d").mkdir()
        (etc / "ha.d" / "ha.cf").write_text(hacf)
        (etc / "ocfs2").mkdir()
        (etc / "ocfs2" / "cluster.conf").write_text(ocfs2)
        (etc / "xen" / "vm").mkdir(parents=True)
        for d in range(n_domu):
            (etc / "xen" / "vm" / f"vm{d:04d}").write_text(
                f'name = "vm{d:04d}"\nmemory = 512\nvcpus = 1\nbootloader = "/usr/bin/pygrub"\n'
                f"disk = [ 'drbd:p{pair:02d}r{d:03d},xvda,w' ]\n"
            )
        crm = base / name / "var" / "lib" / "heartbeat" / "crm"
        crm.mkdir(parents=True)
        (crm / "cib.xml").write_text(cib_text)
    return base


def lint_cpu_seconds(paths: list[Path]) -> float:
    """CPU time (user + system) of one `xencfg lint` in a fresh process: what the rules
    cost, without the noise of other processes sharing the machine's cores."""
    import resource

    cmd = [sys.executable, "-m", "xencfg", "lint", *map(str, paths)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(cmd, capture_output=True, env=env, timeout=1800, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"xencfg lint failed: {proc.stderr.decode()[-500:]}")
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# -- the run -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="small inputs, no peers (CI)")
    args = ap.parse_args(argv)
    smoke = args.smoke
    repeats = 1 if smoke else 3
    breaches: list[str] = []  # fail the run: time grew faster than the input
    misses: list[str] = []  # targets not met yet: reported, documented in docs/performance.md
    with tempfile.TemporaryDirectory(prefix="xencfg-bench-") as tmp_name:
        tmp = Path(tmp_name)
        print("## Parse to the typed model (median of", repeats, "runs)\n")
        print("| format | input | ours s | MB/s | peer | peer s | ours/peer |")
        print("|---|---|---|---|---|---|---|")
        for fmt, (gen, full, small) in INPUTS.items():
            if fmt not in xencfg.FORMATS:
                continue
            text = gen(small if smoke else full)
            path = tmp / f"big.{fmt}"
            path.write_text(text)
            ours = parse_seconds(fmt, text, repeats)
            mbs = len(text.encode()) / 1e6 / ours
            peers = {} if smoke else peers_for(fmt, path)
            size = f"{len(text.encode()) / 1e3:.0f} KB"
            if not peers:
                print(f"| {fmt} | {size} | {ours:.3f} | {mbs:.2f} | - | - | - |")
            for name, cmd in peers.items():
                # once: some peers take half a minute
                theirs = peer_seconds(cmd, 1, OK_EXITS.get(name, (0,)))
                shown = theirs if isinstance(theirs, str) else f"{theirs:.3f}"
                vs = "-" if isinstance(theirs, str) else f"{ours / theirs:.2f}"
                print(f"| {fmt} | {size} | {ours:.3f} | {mbs:.2f} | {name} | {shown} | {vs} |")

        big = "1.25 MB and 10 MB" if not smoke else "small"
        print(f"\n## Linear time and memory (one construct repeated: {big})\n")
        print("| format | 1x | 1x s | 8x s | ratio (<= 9) | peak RSS growth / input (<= 10) |")
        print("|---|---|---|---|---|---|")
        for fmt, (gen, _, small) in INPUTS.items():
            if fmt not in xencfg.FORMATS:
                continue
            per_unit = len(gen(100)) / 100
            unit = small if smoke else max(8, round(1.25e6 / per_unit))
            one, eight = gen(unit), gen(unit * 8)
            path, path1 = tmp / f"eight.{fmt}", tmp / f"one.{fmt}"
            path.write_text(eight)
            path1.write_text(one)
            # the fastest of several fresh processes each
            t1 = min(probe(fmt, path1)[0] for _ in range(repeats + 2))
            eights = [probe(fmt, path) for _ in range(repeats)]
            t8 = min(t for t, _ in eights)
            mem = max(m for _, m in eights)
            ratio = t8 / t1
            size = f"{len(one) / 1e3:.0f} KB"
            print(f"| {fmt} | {size} | {t1:.4f} | {t8:.4f} | {ratio:.1f} | {mem:.1f} |")
            # small inputs are noisy: smoke runs only catch gross (quadratic) growth
            if ratio > (9 if not smoke else 20):
                breaches.append(f"{fmt}: 8x the input took {ratio:.1f}x the time")
            if mem > 10 and not smoke:  # (small inputs: RSS moves in whole pages)
                misses.append(f"{fmt}: peak memory {mem:.1f}x the input (target <= 10x, issue 22)")

        print("\n## Pathological inputs (CPU time; 8x must stay under 20x)\n")
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import pathological

        breaches.extend(pathological.run(smoke))

        print("\n## Peak memory of a load, every format (issue 22 item 10; bench/memory.py)\n")
        import memory

        breaches.extend(memory.run(smoke))

        print("\n## `xencfg lint`, cold, in a fresh process\n")
        two_node = [ROOT / "examples" / "two-node" / n for n in ("alpha", "beta")]
        n_res = 50 if smoke else 2000
        big_node = make_node(tmp / "drbd-node", n_res)
        big_cib = make_node(tmp / "cib-node", 0, cib(50 if smoke else 2000))
        n_domu = 20 if smoke else 500
        domus = make_node(tmp / "domu-node", n_domu, n_domu=n_domu)
        s002 = SHARED / "seed-examples" / "s002-sles-hasi"
        rows = [
            ("examples/two-node (two nodes)", two_node, 0.3),
            *([("the s002 seed tree (two nodes, 45 files)", [s002], 0.5)] if s002.is_dir() else []),
            (f"one node, {n_res} DRBD resources in drbd.d/", [big_node], 3.0),
            (f"one node, a CIB of {50 if smoke else 2000} primitives", [big_cib], 2.0),
            (f"one node, {n_domu} domU configs on {n_domu} DRBD resources", [domus], None),
        ]
        # an installed package has its bytecode compiled; a checkout run with
        # PYTHONDONTWRITEBYTECODE would compile every changed module on every run
        compileall.compile_dir(str(ROOT / "src" / "xencfg"), quiet=1)
        runs = 1 if smoke else 5
        print(f"| tree | seconds (median of {runs}) | target |")
        print("|---|---|---|")
        for label, paths, target in rows:
            aim = "-" if target is None else f"< {target}"
            took = statistics.median(lint_seconds(paths) for _ in range(runs))
            print(f"| {label} | {took:.2f} | {aim} |")
            if target is not None and took >= target and not smoke:
                misses.append(f"lint of {label}: {took:.2f} s (target < {target} s)")
        breaches += cluster_scaling(tmp, smoke)
    if misses:
        print("\nTargets not met: " + "; ".join(misses))
    if breaches:
        print("\nBREACH: " + "; ".join(breaches))
        return 1
    return 0


def cluster_scaling(tmp: Path, smoke: bool) -> list[str]:
    """Lint of 16 generated nodes against 4 (issue 15: at most 4.6x), CPU time of a fresh
    process, the fastest of several runs each. ``--smoke``: 2 against 8 small nodes, and
    only gross (quadratic) growth fails."""
    small, big = (2, 8) if smoke else (4, 16)
    shape = (10, 5, 10) if smoke else SCALE_SHAPE
    runs = 2 if smoke else 5
    limit = 10.0 if smoke else 4.6
    n_drbd, n_domu, n_prims = shape
    print(
        f"\n## Linear in the cluster: `xencfg lint` of {big} nodes against {small}\n\n"
        f"Each node: {n_drbd} DRBD resources, {n_domu} domUs, a copy of one CIB of "
        f"{n_prims} primitives; CPU seconds (user + system) of a fresh process, "
        f"fastest of {runs}.\n"
    )
    print(f"| nodes | CPU s | ratio (at most {limit:g}) |")
    print("|---|---|---|")
    took = {}
    for n in (small, big):
        base = make_cluster(tmp / f"cluster-{n}", n, shape)
        took[n] = min(lint_cpu_seconds([base]) for _ in range(runs))
    ratio = took[big] / took[small]
    print(f"| {small} | {took[small]:.2f} | |")
    print(f"| {big} | {took[big]:.2f} | {ratio:.2f} |")
    if ratio > limit:
        return [f"lint of {big} nodes took {ratio:.2f}x the CPU time of {small} (at most {limit})"]
    return []


if __name__ == "__main__":
    raise SystemExit(main())
