"""The pathological inputs series: tiny hostile shapes that once took seconds to minutes.

Each shape (issue 22, item 3) is run at 1x and 8x its size and timed in CPU seconds; a
shape whose 8x run takes more than :data:`LIMIT` times its 1x run grows faster than
linear (a quadratic shape takes 64x) and breaches. ``bench/bench.py`` runs the series
(small sizes under ``--smoke``, in CI); ``python bench/pathological.py [--smoke]`` runs
it alone.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import xencfg  # noqa: E402
from xencfg import lint  # noqa: E402

#: 8x the input may take at most this many times the 1x time (linear: 8; n log n: ~9-10;
#: quadratic: 64). Generous, as the 1x runs are short and noisy.
LIMIT = 20.0
#: An 8x run faster than this says nothing about growth (timer and cache noise).
FLOOR = 0.05


def _quiet(fn: Callable[[], object]) -> Callable[[], None]:
    def run() -> None:
        # a clear error is a fine outcome; the time is what is measured
        with contextlib.suppress(xencfg.XencfgError):
            fn()

    return run


def _tree(files: dict[str, str]) -> Path:
    base = Path(tempfile.mkdtemp(prefix="xencfg-patho-"))
    node = base / "n"
    (node / "etc").mkdir(parents=True)
    for rel, text in files.items():
        p = node / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return node


def _lint(files: dict[str, str]) -> Callable[[], None]:
    node = _tree(files)

    def run() -> None:
        lint.run([str(node)])

    return run


def xm_fallback(n: int) -> Callable[[], None]:
    """xm's tokenize fallback: ``x = [`` + blanks + ``$`` + blanks + ``1]``."""
    text = "x = [" + " " * n + "$" + " " * n + "1]\n"
    return _quiet(lambda: xencfg.loads(text, "xm"))


def multipath_ll_group(n: int) -> Callable[[], None]:
    """An old-style path-group line of blanks in ``multipath -ll`` output."""
    text = (
        "mpath0 (3600a0b80) dm-0 HP,MSA\n[size=1G][features=0][hwhandler=0]\n"
        "\\_ round-robin 0" + " " * n + "\n"
    )
    return _quiet(lambda: xencfg.loads(text, "multipath-ll"))


def user_regex(n: int) -> Callable[[], None]:
    """XN007's hosts-allow ``^(a+)+$`` against a long almost-matching name."""
    from xencfg.regex import match_prefix

    name = "a" * n + "!"

    def run() -> None:
        match_prefix("^(a+)+$", name)

    return run


def ocfs2_blanks(n: int) -> Callable[[], None]:
    """OCFS2 values with long blank runs, by the fast path and by the grammar."""
    fast = "cluster:\n\tname = a" + " " * n + "b\n"
    grammar = "cluster:\n\tname = a" + " " * n + "b\r x\n"  # the fast path declines

    def run() -> None:
        # (the name read: a light stanza reads its attributes on first use)
        _quiet(lambda: xencfg.loads(fast, "ocfs2").clusters[0].name)()
        _quiet(lambda: xencfg.loads(grammar, "ocfs2"))()

    return run


def corosync_blanks(n: int) -> Callable[[], None]:
    """corosync.conf keys and values with long blank runs, by the line scanner and by the
    grammar (the stray last brace makes the scanner decline)."""
    fast = "totem {\n\tver" + " " * n + "sion: 2" + " " * n + "x\n}\n"
    grammar = fast + "}\n"

    def run() -> None:
        _quiet(lambda: xencfg.loads(fast, "corosync"))()
        _quiet(lambda: xencfg.loads(grammar, "corosync"))()

    return run


def brace_blanks(n: int) -> Callable[[], None]:
    """drbd.conf and multipath.conf statements with long blank runs between their values,
    where the brace scanner's one-match head fails (two values) and reads token by token:
    its head once split the run every way before failing (a 32 KB mutated file hung)."""
    drbd = "global { usage-count" + " " * n + "no yes; }\n"
    multipath = "defaults {\n\tpolling_interval" + " " * n + "5 6\n}\n"

    def run() -> None:
        _quiet(lambda: xencfg.loads(drbd, "drbd"))()
        _quiet(lambda: xencfg.loads(multipath, "multipath"))()

    return run


def mask_line(n: int) -> Callable[[], None]:
    """secrets.mask_line on long lines: a blank run, many secret attributes."""
    from xencfg.secrets import mask_line as mask

    lines = [
        "password = x" + " " * n + "y",
        '<nvpair name="pass" ' * (n // 20),
        "<p " + "y" * n + ' id="x"/>',  # an attribute after a long word (fuzz3)
    ]

    def run() -> None:
        for ln in lines:
            mask(ln)

    return run


def xend_sniff(n: int) -> Callable[[], None]:
    """Content detection of a file of blanks under etc/xen (every sniffer runs)."""
    return _lint({"etc/xen/vm": " " * n + "x"})


def suppressions(n: int) -> Callable[[], None]:
    """A one-line CIB with many findings (inline-suppression lookup per finding), and
    suppression comments among them (fuzz3: the line was searched again per finding,
    640 KB took 14 s)."""
    prims = "".join(
        f'<primitive id="vm{i}" class="ocf" provider="heartbeat" type="Xen">'
        f'<instance_attributes id="vm{i}-ia"><nvpair id="vm{i}-x" name="xmfile"'
        f' value="/etc/xen/vm{i}"/></instance_attributes></primitive>'
        + ("<!-- xencfg: ignore[ZZ001] -->" if i % 2 else "")
        for i in range(n // 215)
    )
    cib = (
        '<cib validate-with="pacemaker-1.0"><configuration><crm_config/><nodes/>'
        f"<resources>{prims}</resources><constraints/></configuration><status/></cib>"
    )
    return _lint({"var/lib/heartbeat/crm/cib.xml": cib})


def cib_attributes(n: int) -> Callable[[], None]:
    """A CIB element with many attributes, edited and rendered."""
    attrs = " ".join(f'a{i}="{i}"' for i in range(n // 10))
    text = (
        '<cib validate-with="pacemaker-1.0"><configuration><crm_config/><nodes/><resources>'
        f'<primitive id="p" class="ocf" provider="heartbeat" type="IPaddr" {attrs}/>'
        "</resources><constraints/></configuration><status/></cib>"
    )

    def run() -> None:
        doc = xencfg.loads(text, "cib")
        doc.root.find(".//primitive").set("a1", "changed")  # type: ignore[attr-defined]
        xencfg.dumps(doc)

    return run


def cib_repeated_ids(n: int) -> Callable[[], None]:
    """``cib convert`` of a CIB whose resources all share one id."""
    from xencfg.formats.cib import convert

    prims = '<primitive id="x" class="ocf" provider="heartbeat" type="IPaddr"/>' * (n // 50)
    text = (
        "<cib><configuration><crm_config/><nodes/>"
        f"<resources>{prims}</resources><constraints/></configuration><status/></cib>"
    )
    return _quiet(lambda: convert.convert(text))


def domu_code(n: int) -> Callable[[], None]:
    """A domU config of many code statements (Python 2 and 3)."""
    code = "".join(f'if a{i}:\n    b = {i}\nprint "x{i}"\n' for i in range(n // 30))
    return _lint({"etc/xen/vm": "name = 'vm'\nmemory = 256\n" + code})


def xm_comprehensions(n: int) -> Callable[[], None]:
    """An xm config of nested comprehensions and megabyte values, line after line
    (migrate's static evaluator: one work budget for the config)."""
    from xencfg.migrations.xen import xm_to_xl

    line = "d{0} = [[1 for x in range(4096) if 0] for y in range(4096)]\nb{0} = ['x' * 999999]\n"
    text = "".join(line.format(i) for i in range(n // 90))
    return _quiet(lambda: xm_to_xl(xencfg.loads(text, "xm")))


def cman_attributes(n: int) -> Callable[[], None]:
    """A cluster.conf element with many attributes (lxml reads each value by walking
    the element's attribute list: bounded by cman.MAX_ATTRIBUTES)."""
    attrs = " ".join(f'a{i}="{i}"' for i in range(n // 10))
    text = f'<?xml version="1.0"?>\n<cluster name="c" config_version="1" {attrs}/>\n'
    return _quiet(lambda: xencfg.loads(text, "cman"))


def ls020_resources(n: int) -> Callable[[], None]:
    """LS020 over a crm_mon of many resources and a CIB of as many, one -INFINITY
    location (each crm_mon resource looked up in the CIB)."""
    from xencfg.formats.cib.model import CibDocument
    from xencfg.rules.live.cib import _by_id, _lineage

    count = n // 100
    prims = "".join(
        f'<primitive id="p{i}" class="ocf" provider="heartbeat" type="Dummy"/>'
        for i in range(count)
    )
    cib = xencfg.loads(
        '<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">'
        f"<configuration><crm_config/><nodes/><resources>{prims}</resources><constraints>"
        '<rsc_location id="l" rsc="p0" node="x" score="-INFINITY"/></constraints>'
        "</configuration><status/></cib>",
        "cib",
    )
    assert isinstance(cib, CibDocument)
    ids = [f"p{i}" for i in range(count)]

    def run() -> None:
        index = _by_id(cib)
        for rid in ids:
            _lineage(index, rid)

    return run


def unknown_keys(n: int) -> Callable[[], None]:
    """A domU config of many unknown keys (XC003's did-you-mean each)."""
    keys = "".join(f"zzkey{i} = 1\n" for i in range(n // 12))
    return _lint({"etc/xen/vm": "name = 'vm'\nmemory = 256\n" + keys})


def hacf_nodes(n: int) -> Callable[[], None]:
    """An ha.cf of many nodes, each with a ucast line (the cluster model's address
    owners: once a walk of every node per ucast line)."""
    body = "".join(f"node n{i}\nucast eth0 10.0.{i // 250}.{i % 250 + 1}\n" for i in range(n // 32))
    return _lint({"etc/ha.d/ha.cf": "keepalive 2\n" + body})


def live_state_lines(n: int) -> Callable[[], None]:
    """Long lines in captured live state read today (sosreport, supportconfig): a
    ``crm_mon -1`` node line and a ``-n`` resource line with blank and ``[`` runs, a
    DRBD 8.4 ``drbdadm status`` XML device line with a long attribute word, and a
    ``multipath -ll`` header with a blank run and no vendor comma, an ``xl list`` row of
    digits (once all quadratic)."""
    crm = "Node a: x" + " " * n + "y\nNode b: online\n\tweb\t(ocf::heartbeat:Xen)" + "[" * n + "\n"
    drbd = "<drbd-status>\n<resource " + "a" * n + " />\n"
    mpath = "a (1) dm-1" + " " * n + "x\n"
    # an xl list row of one digit run: the optional ID and Mem columns split it every
    # way (fuzz3: 8,000 digits took 1.3 s)
    xl = "Name ID Mem VCPUs State Time(s)\na " + "1" * n + " x\n"
    # a long word where key:value fields are read (drbdsetup status, /proc/drbd's
    # resync table): the key was tried at every character (fuzz3: 20,000 took 2.8 s)
    vs = "db node-id:0 role:Secondary suspended:no\n   " + "h" * n + "\n"
    table = (
        "version: 8.4.3 (api:1/proto:86-101)\n 0: cs:Connected ro:Primary/Secondary"
        " ds:UpToDate/UpToDate C r-----\n\tresync: " + "u" * n + "\n"
    )

    def run() -> None:
        _quiet(lambda: xencfg.loads(xl, "xl-list"))()
        _quiet(lambda: xencfg.loads(vs, "drbd-status"))()
        _quiet(lambda: xencfg.loads(table, "proc-drbd"))()
        _quiet(lambda: xencfg.loads(crm, "crm-mon-xml"))()
        _quiet(lambda: xencfg.loads(drbd, "drbd-status"))()
        _quiet(lambda: xencfg.loads(mpath, "multipath-ll"))()

    return run


def modprobe_options(n: int) -> Callable[[], None]:
    """A modprobe file of one ``options`` line repeated: ``options`` asked
    ``options_for`` per line, which rebuilt the entry list per entry (fuzz3: 46 KB took
    36 s in to_dict)."""
    text = "options sbp2 exclusive_login=0 serialize_io=1\n" * (n // 46)

    def run() -> None:
        xencfg.loads(text, "modules").to_dict()

    return run


def supportconfig_sections(n: int) -> Callable[[], None]:
    """A supportconfig ha.txt of many sections: each section's text is padded with the
    newlines before it (its line numbers are the file's), and the live-state sniffers'
    ``^\\s*`` under re.M ran across those newlines (20 KB: 5 s, 160 KB: 256 s)."""
    banner = "#==[ Configuration File ]===========================#\n"
    body = "".join(f"{banner}# /etc/ha.d/x{i}.cf\nkeepalive 2\n\n" for i in range(n // 80))
    body += "".join(
        "#==[ Command ]======================================#\n# /usr/sbin/crm_mon -r -1\n"
        f"Current DC: xen1\nOnline: [ xen1 ]\n r{i} (ocf::heartbeat:Xen): Started xen1\n\n"
        for i in range(n // 150)
    )
    base = Path(tempfile.mkdtemp(prefix="xencfg-patho-")) / "scc_xen1_261206_1000"
    base.mkdir()
    (base / "basic-environment.txt").write_text(
        "#==[ Command ]======================================#\n# /bin/uname -a\n"
        "Linux xen1 2.6.16 #1 SMP x86_64\n\n"
    )
    (base / "ha.txt").write_text(body)

    def run() -> None:
        lint.run([str(base)])

    return run


def supportconfig_read_sections(n: int) -> Callable[[], None]:
    """A supportconfig xen.txt of many /etc/xen/vm files, every section read: each
    section's text was padded with an empty line for every line before it, so that its
    lines were the file's (a 640 KB file: 3.2 s, 8x the input 34x the time); lint now
    shifts the lines of a section read alone."""
    conf = "#==[ Configuration File ]===========================#\n"
    body = "".join(
        f'{conf}# /etc/xen/vm/vm{i}\nname = "vm{i}"\nmemory = 256\n\n' for i in range(n // 80)
    )
    base = Path(tempfile.mkdtemp(prefix="xencfg-patho-")) / "scc_xen1_261206_1000"
    base.mkdir()
    (base / "basic-environment.txt").write_text(
        "#==[ Command ]======================================#\n# /bin/uname -a\n"
        "Linux xen1 2.6.16 #1 SMP x86_64\n\n"
    )
    (base / "xen.txt").write_text(body)

    def run() -> None:
        lint.run([str(base)])

    return run


def xml_comments_before_doctype(n: int) -> Callable[[], None]:
    """Comments before a CIB's DOCTYPE: each began a new search for the DOCTYPE that
    scanned the rest of the text (40,000 comments, 320 KB: 16 s)."""
    text = "<!---->\n" * (n // 8) + "<!DOCTYPE cib>\n<cib><configuration/></cib>\n"
    return _quiet(lambda: xencfg.loads(text, "cib"))


def iscsi_session_blanks(n: int) -> Callable[[], None]:
    """A run of blanks inside a value of ``iscsiadm -m session -P 3``: its lazy value
    before ``\\s*$`` was quadratic (48,000 blanks: 7 s)."""
    text = "Target: iqn.2001-04.com.example:t1\n\tIface Name: a" + " " * n + "b\n"
    return _quiet(lambda: xencfg.loads(text, "iscsi-session"))


def cib_order_kind_blanks(n: int) -> Callable[[], None]:
    """Blanks in an rsc_order tag of a pacemaker-1.0 CIB with schema errors: the text
    re-validated without ``kind`` was cut by a regex quadratic in the blanks (64 KB: 6.5 s)."""
    return _lint(
        {
            "etc/hostname": "n1\n",
            "var/lib/heartbeat/crm/cib.xml": '<cib validate-with="pacemaker-1.0">'
            "<configuration><crm_config/><nodes/><resources><bogus/></resources><constraints>"
            '<rsc_order id="o"' + " " * n + "/></constraints></configuration><status/></cib>\n",
        }
    )


def xm_unclosed_quote(n: int) -> Callable[[], None]:
    """xm's statement splitter: ``x =`` + blanks + a quote its line never closes (the
    tokenizer retried the blank run at each blank: 2,000 blanks 4 s)."""
    text = "x = " + " " * n + "'\n"
    return _quiet(lambda: xencfg.loads(text, "xm"))


def brace_words(n: int) -> Callable[[], None]:
    """Files of words without a statement terminator, as lint reads them: a text saved as
    drbd.conf (its first word is no drbdadm keyword and no ';' ends it: Lark read every
    word, light and full, only to report line 1; 400 KB took 5 s), the same words inside a
    drbd resource and a multipath section (Lark reads them to the end of the file), and
    an lvm.conf and xend-config.sxp of words."""
    words = "then echo a b $x -n /dev/sda fi\n" * (n // 32)
    return _lint(
        {
            "etc/drbd.conf": words,
            "etc/drbd.d/r0.res": "resource r0 {\n" + words,
            "etc/multipath.conf": "defaults {\n" + words,
            "etc/lvm/lvm.conf": words,
            "etc/xen/xend-config.sxp": "(" + words,
        }
    )


def drbd_skips(n: int) -> Callable[[], None]:
    """A drbd.conf of ``skip a;`` lines and no ``{``: the SKIP terminal, tried at every
    ``skip`` by the scanner and Lark's lexer alike, read to the end of the file each
    time (160 KB took 3 s, quadratic); its ``{`` is now looked for within 4,096
    characters. The same lines before a resource take the fast path."""
    skips = "skip a;\n" * (n // 8)
    return _quiet(
        lambda: (xencfg.loads(skips, "drbd"), xencfg.loads(skips + "resource r {\n}\n", "drbd"))
    )


def hosts_lines(n: int) -> Callable[[], None]:
    """A long /etc/hosts beside DRBD, ha.cf and a hostname (scale3: the cross-file rules
    walked every line per node and name; 100,000 lines on two nodes took 11 s)."""
    hosts = "127.0.0.1 localhost\n10.0.0.1 n1\n10.0.0.2 n2\n" + "".join(
        f"10.{100 + i // 65536}.{i // 256 % 256}.{i % 256} f{i}\n" for i in range(n // 20)
    )
    drbd = (
        "resource r0 {\n protocol C;\n on n1 { device /dev/drbd0; disk /dev/sdb;"
        " address 10.0.0.1:7788; meta-disk internal; }\n on n2 { device /dev/drbd0;"
        " disk /dev/sdb; address 10.0.0.2:7788; meta-disk internal; }\n}\n"
    )
    return _lint(
        {
            "etc/hosts": hosts,
            "etc/hostname": "n1\n",
            "etc/drbd.conf": drbd,
            "etc/ha.d/ha.cf": "keepalive 2\nbcast eth0\nnode n1\nnode n2\n",
        }
    )


def hacf_members_migrate(n: int) -> Callable[[], None]:
    """migrate of an ha.cf of many nodes against a hosts file ten times as long, each
    node's address read from it (scale3: a walk of the file per member; 5,000 nodes
    against 50,000 lines took over 300 s)."""
    from xencfg.migrate import run as migrate_run

    count = n // 200
    hosts = "".join(
        f"10.{100 + i // 65536}.{i // 256 % 256}.{i % 256} "
        + (f"m{i}" if i < count else f"f{i}")
        + "\n"
        for i in range(count * 10)
    )
    node = _tree(
        {
            "etc/hosts": hosts,
            "etc/ha.d/ha.cf": "bcast eth0\n" + "".join(f"node m{i}\n" for i in range(count)),
        }
    )
    return _quiet(lambda: migrate_run.plan([str(node)]))


#: name -> (shape, bytes at 1x for the full run, bytes at 1x for --smoke)
def cb038_chains(n: int) -> Callable[[], None]:
    """CB038 over Filesystems in one group and a chain of colocations and orders to a
    DRBD master: each user once walked the whole chain (colocations) and each ordered
    member all members after it (orders), quadratic."""
    from xencfg.formats.cib.model import CibDocument
    from xencfg.rules.cib import drbd_order

    count = n // 100
    fss = "".join(
        f'<primitive id="fs{i}" class="ocf" provider="heartbeat" type="Filesystem"/>'
        for i in range(count)
    )
    cons = "".join(
        f'<rsc_colocation id="c{i}" score="INFINITY" rsc="fs{i}" with-rsc="fs{i + 1}"/>'
        f'<rsc_order id="o{i}" first="fs{i + 1}" then="fs{i}"/>'
        for i in range(count - 1)
    )
    cib = xencfg.loads(
        '<cib validate-with="pacemaker-1.0" admin_epoch="0" epoch="1" num_updates="0">'
        '<configuration><crm_config/><nodes/><resources><master id="ms"><primitive id="d"'
        ' class="ocf" provider="linbit" type="drbd"/></master>'
        f'<group id="g">{fss}</group></resources><constraints>{cons}'
        f'<rsc_colocation id="cz" score="INFINITY" rsc="fs{count - 1}" with-rsc="ms"'
        ' with-rsc-role="Master"/></constraints></configuration><status/></cib>',
        "cib",
    )
    assert isinstance(cib, CibDocument)

    def run() -> None:
        cons = drbd_order._Constraints(cib)
        masters = [el for kind, _, el in drbd_order._agents(cib) if kind == "master"]
        for prim in cib.primitives:
            drbd_order._verdict(cons, prim.el, masters, [], False)

    return run


SHAPES: dict[str, tuple[Callable[[int], Callable[[], None]], int, int]] = {
    "xm tokenize fallback": (xm_fallback, 4_000, 1_000),
    "multipath -ll path group": (multipath_ll_group, 1_500, 1_500),
    "XN007 user regex": (user_regex, 3_000, 1_000),
    "OCFS2 value blanks": (ocfs2_blanks, 40_000, 5_000),
    "corosync key and value blanks": (corosync_blanks, 40_000, 5_000),
    "drbd and multipath statement blanks": (brace_blanks, 40_000, 5_000),
    "mask_line long line": (mask_line, 20_000, 4_000),
    "sniffing blanks under etc/xen": (xend_sniff, 120_000, 15_000),
    "one-line CIB, many findings": (suppressions, 200_000, 20_000),
    "CIB element, many attributes": (cib_attributes, 80_000, 20_000),
    "cman element, many attributes": (cman_attributes, 80_000, 8_000),
    "xm comprehensions and megabyte values": (xm_comprehensions, 2_000, 1_000),
    "LS020 crm_mon resources in the CIB": (ls020_resources, 100_000, 50_000),
    "cib convert, repeated ids": (cib_repeated_ids, 50_000, 10_000),
    "domU code statements": (domu_code, 100_000, 10_000),
    "XC003 did-you-mean": (unknown_keys, 20_000, 3_000),
    "ha.cf of many ucast nodes": (hacf_nodes, 40_000, 10_000),
    "live state long lines": (live_state_lines, 20_000, 4_000),
    "modprobe options, repeated lines": (modprobe_options, 46_000, 10_000),
    # (smaller than 20 KB, a one-off cost of the 8x run hides the growth)
    "supportconfig of many sections": (supportconfig_sections, 40_000, 20_000),
    "supportconfig of many read sections": (supportconfig_read_sections, 20_000, 8_000),
    "XML comments before the DOCTYPE": (xml_comments_before_doctype, 40_000, 10_000),
    "iscsiadm session value blanks": (iscsi_session_blanks, 40_000, 10_000),
    "CIB rsc_order tag blanks": (cib_order_kind_blanks, 64_000, 16_000),
    "xm unclosed quote after blanks": (xm_unclosed_quote, 4_000, 1_000),
    "words without a statement end": (brace_words, 20_000, 2_000),
    "drbd skip statements without a brace": (drbd_skips, 160_000, 20_000),
    "CB038 chained DRBD users": (cb038_chains, 100_000, 20_000),
    "hosts file, many lines": (hosts_lines, 200_000, 20_000),
    "ha.cf members against a long hosts file (migrate)": (hacf_members_migrate, 100_000, 20_000),
}


def cpu(fn: Callable[[], None], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def run(smoke: bool, out: Callable[[str], None] = print) -> list[str]:
    """Print the series as a table; return the breaches (shapes growing superlinearly)."""
    breaches: list[str] = []
    out(f"| shape | 1x | 1x CPU s | 8x CPU s | ratio (<= {LIMIT:.0f}) |")
    out("|---|---|---|---|---|")
    for name, (shape, full, small) in SHAPES.items():
        size = small if smoke else full
        one, eight = shape(size), shape(size * 8)
        one()  # imports, grammar loads
        t1 = cpu(one, 3)
        t8 = cpu(eight, 2)  # fastest of 2 under --smoke too: one sample let a hiccup breach
        ratio = t8 / max(t1, 1e-4)
        out(f"| {name} | {size} | {t1:.4f} | {t8:.4f} | {ratio:.1f} |")
        if t8 > FLOOR and ratio > LIMIT:
            breaches.append(f"{name}: 8x the input took {ratio:.1f}x the CPU time")
    return breaches


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="small sizes (CI)")
    args = ap.parse_args(argv)
    os.environ.pop("XENCFG_DEBUG", None)
    breaches = run(args.smoke)
    if breaches:
        print("\nBREACH: " + "; ".join(breaches))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
