"""Parse speed of the line family (issue 21's scanner), in CPU time, fastest of N.

``python bench/lines_speed.py [-n N] [format,...]`` parses bench.py's generated input
of each format (and a corosync.conf of 5,000 nodes) with ``xencfg.loads`` N times and
prints the fastest run's CPU seconds and MB/s. Run it on two checkouts alternately to
compare them under the same load.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # (puts this checkout's src/ first on the path)

xencfg = bench.xencfg

FORMATS = (
    "hacf,logd,authkeys,modules,hosts,iscsid,initiatorname,ietd,iet-allow,ocfs2,corosync,shellvars"
)


def corosync_conf(n: int) -> str:
    nodes = "".join(
        f"\tnode {{\n\t\tring0_addr: {bench.ip(i)}\n\t\tnodeid: {i + 1}\n\t\tname: node{i}\n\t}}\n"
        for i in range(n)
    )
    return (
        "totem {\n\tversion: 2\n\tcluster_name: c\n\ttransport: knet\n}\n"
        f"nodelist {{\n{nodes}}}\nquorum {{\n\tprovider: corosync_votequorum\n}}\n"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("formats", nargs="?", default=FORMATS)
    ap.add_argument("-n", type=int, default=5, help="runs per format (the fastest counts)")
    args = ap.parse_args(argv)
    inputs = dict(bench.INPUTS)
    inputs.setdefault("corosync", (corosync_conf, 5000, 100))
    print("| format | input MB | CPU s | MB/s |")
    print("|---|---|---|---|")
    for fmt in args.formats.split(","):
        gen, full, _ = inputs[fmt]
        text = gen(full)
        size = len(text.encode()) / 1e6
        xencfg.loads(text, fmt)  # grammar tables and imports are not parsing
        best = float("inf")
        for _ in range(args.n):
            gc.collect()
            start = time.process_time()
            doc = xencfg.loads(text, fmt)
            best = min(best, time.process_time() - start)
            del doc
        print(f"| {fmt} | {size:.2f} | {best:.3f} | {size / best:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
