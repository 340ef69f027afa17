"""Run the fuzzers of tests/test_fuzz.py and tests/test_fuzz_trees.py longer than the
suite does, by hand.

    python fuzz/run.py            # 20x the suite's counts
    python fuzz/run.py 100        # 100x

The same checks (API round trip in forked children with a hang limit and each load's
peak memory within 10x its input above a floor, secret leaks,
whole multi-node trees through lint, where a rule crash fails; whole clusters built
by hypothesis from files that hang together, linted and drawn; odd numerals in every
format's fixtures); a failure prints the case and the run exits 1. Above the suite's
scale, hypothesis shrinks a failing tree to a small one.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "scale", nargs="?", type=float, default=20.0, help="times the suite's counts (20)"
    )
    scale = parser.parse_args(argv).scale
    if scale <= 0:
        parser.error("the scale must be above 0")
    env = {**os.environ, "XENCFG_FUZZ_SCALE": str(scale), "XENCFG_DEBUG": "1"}
    tests = ["tests/test_fuzz.py", "tests/test_fuzz_trees.py"]
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
