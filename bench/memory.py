"""The memory series (issue 22 item 10: peak memory <= 10x the input on every format).

For a generated file of every format (bench.py's generators, about 4 MB; 0.5 MB under
``--smoke``) and for the shape that once took 1.2 GB (a domU list of 900,000 elements),
a fresh process reads the file and parses it; the growth of its peak resident size
(VmHWM, so C allocations such as libxml2's count too) over the size of the file is the
figure. The text itself is counted: a parse needs it in memory.

The columns: ``load`` is :func:`xencfg.loads` (what ``xencfg.load``, lint and the API
give: a light document, whose tokens are parsed again on first use); ``full tree`` is
the format's parser building the lossless tree with every token (what an edit that is
written back pays for). For the XML formats a third column runs ``xmllint --noout`` on
the same file: libxml2's C tool building the tree and nothing else, the floor of any
reader that keeps libxml2's tree (as our CIB, its schema validation and XPath do).
The target is on ``load``. In the full run every format must meet it (a breach fails
the run); under ``--smoke`` (0.5 MB inputs, where a process's fixed allocations weigh
more) xm and xl must, and the others are reported as targets not met.

    python bench/memory.py [--smoke] [--formats cib,cman]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import xencfg  # noqa: E402

#: Peak growth over the input's size that a load may reach (issue 22 item 10).
TARGET = 10.0
#: Formats that must meet the target under ``--smoke`` (a breach fails the run); the
#: full run holds every format to it.
ENFORCED = ("xm", "xl")
#: The XML formats: libxml2 builds their tree, so ``xmllint --noout`` (the C tool
#: building the same tree and nothing else) shows the floor of any libxml2 reader.
XML_FORMATS = ("cib", "cib-live", "crm-mon-xml", "cman")

_PROBE = """
import sys
sys.path.insert(0, sys.argv[4])
import xencfg
from xencfg import formats

def kib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field):
                return int(line.split()[1])
    raise SystemExit("no " + field + " in /proc/self/status")

fmt, path, mode = sys.argv[1], sys.argv[2], sys.argv[3]
with open(path, encoding="utf-8", errors="surrogateescape") as sample:
    head = sample.read(4000)
try:  # the imports and the grammar, before the baseline
    xencfg.loads(head[: head.find(chr(10), 2000) + 1], fmt)
    formats.module(fmt).parse(head[: head.find(chr(10), 2000) + 1])
except xencfg.XencfgError:
    pass
del head
before = kib("VmHWM:")
with open(path, encoding="utf-8", errors="surrogateescape") as whole:
    text = whole.read()
if mode == "load":
    doc = xencfg.loads(text, fmt)
else:
    doc = formats.module(fmt).parse(text)  # outside loads: the full, lossless tree
print(kib("VmHWM:") - before)
"""


def probe(fmt: str, path: Path, mode: str) -> float:
    """Peak resident growth of a fresh process parsing ``path``, over the file's size."""
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, fmt, str(path), mode, str(ROOT / "src")],
        capture_output=True,
        text=True,
        check=True,
        timeout=1200,
    ).stdout
    return int(out.split()[-1]) * 1024 / max(path.stat().st_size, 1)


def _max_rss_kib(argv: list[str]) -> int:
    """Peak resident size of one process, as GNU time reports it. (Our own wait4 would
    count this Python process's pages too: the child's peak includes what it had
    before exec.)"""
    out = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    ).stderr
    return int(out.split()[-1])


def xmllint_peak(path: Path, tmp: Path) -> float | None:
    """Peak growth of ``xmllint --noout path`` over the file's size, less its run on a
    one-element file (start-up); None where xmllint or GNU time is missing."""
    exe = shutil.which("xmllint")
    if exe is None or not os.access("/usr/bin/time", os.X_OK):
        return None
    tiny = tmp / "tiny.xml"
    tiny.write_text("<cib/>\n", encoding="utf-8")
    base = min(_max_rss_kib([exe, "--noout", str(tiny)]) for _ in range(3))
    whole = _max_rss_kib([exe, "--noout", str(path)])
    return (whole - base) * 1024 / max(path.stat().st_size, 1)


def huge_lists(n_items: int) -> dict[str, str]:
    """The shape of issue 22's 3.6 MB config: one domU list of ``n_items`` elements."""
    items = ", ".join(str(i % 1000) for i in range(n_items))
    words = ", ".join(f"'w{i}'" for i in range(n_items))  # distinct strings, none shared
    return {
        "xm": f"name = 'big'\nmemory = 256\nextra = [{items}]\n",
        "xl": f'name = "big"\nmemory = 256\nextra = [{items}]\n',
        "xm (distinct strings)": f"name = 'big'\nmemory = 256\nextra = [{words}]\n",
        "xl (distinct strings)": f"name = 'big'\nmemory = 256\nextra = [{words}]\n",
    }


def run(smoke: bool, only: set[str] | None = None) -> list[str]:
    """Print the series as Markdown; return the breaches (any format over the target;
    under ``smoke`` only xm and xl, the others printed as "not met" below the table).
    ``only``: the formats to measure (all when None)."""
    import bench

    size = 0.5e6 if smoke else 4e6
    breaches: list[str] = []
    misses: list[str] = []
    print(
        f"| format | input | load: peak growth / input (<= {TARGET:g}) | full tree "
        "| xmllint --noout, same file |"
    )
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="xencfg-memory-") as tmp_name:
        tmp = Path(tmp_name)
        cases: list[tuple[str, str, str]] = []
        for fmt, (gen, _, _) in bench.INPUTS.items():
            if fmt not in xencfg.FORMATS or (only is not None and fmt not in only):
                continue
            per_unit = len(gen(100)) / 100
            cases.append((fmt, fmt, gen(max(8, round(size / per_unit)))))
        for label, text in huge_lists(100_000 if smoke else 900_000).items():
            if only is None or label.split()[0] in only:
                cases.append((label + ", one huge list", label.split()[0], text))
        for label, fmt, text in cases:
            path = tmp / "input"
            path.write_text(text, encoding="utf-8", errors="surrogateescape")
            load = probe(fmt, path, "load")
            full = probe(fmt, path, "full")
            mb = path.stat().st_size / 1e6
            c_peak = xmllint_peak(path, tmp) if label in XML_FORMATS else None
            c_col = "-" if c_peak is None else f"{c_peak:.1f}"
            print(f"| {label} | {mb:.2f} MB | {load:.1f} | {full:.1f} | {c_col} |")
            if load > TARGET:
                what = f"{label}: a load peaks at {load:.1f}x the input (target <= {TARGET:g}x)"
                (breaches if fmt in ENFORCED or not smoke else misses).append(what)
    if misses:
        print("\nMemory targets not met (issue 22 item 10): " + "; ".join(misses))
    return breaches


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--smoke", action="store_true", help="0.5 MB inputs (CI)")
    ap.add_argument(
        "--formats",
        type=lambda v: {f.strip() for f in v.split(",") if f.strip()},
        help="comma-separated formats to measure (default: all)",
    )
    args = ap.parse_args(argv)
    unknown = sorted((args.formats or set()) - set(xencfg.FORMATS))
    if unknown:
        ap.error("unknown format(s): " + ", ".join(unknown))
    breaches = run(args.smoke, args.formats)
    if breaches:
        print("\nBREACH: " + "; ".join(breaches))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
