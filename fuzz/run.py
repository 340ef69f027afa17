"""Run the fuzzers of tests/test_fuzz.py longer than the suite does, by hand.

    python fuzz/run.py            # 20x the suite's counts
    python fuzz/run.py 100        # 100x

The same checks (API round trip in forked children with a hang limit and each load's
peak memory within 10x its input above a floor, secret leaks,
whole multi-node trees through lint, where a rule crash fails); a failure prints the
case and the run exits 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    scale = args[0] if args else "20"
    env = {**os.environ, "XENCFG_FUZZ_SCALE": scale, "XENCFG_DEBUG": "1"}
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_fuzz.py"]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    raise SystemExit(main())
