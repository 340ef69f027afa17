"""Augeas's parse alone: CPU seconds of one ``aug_text_store`` (text to Augeas's tree).

Run by bench/timing.py with the system Python, which has python3-augeas:
``/usr/bin/python3 bench/augeas_parse.py LENS FILE`` prints the seconds.

The lens module is compiled first, on a one-line text, outside the timing (as our own
figures leave out imports and the grammar). Nothing is written back (no put) and the tree
is not walked: the peer wrapper's round trip and node count were 84-99% of its time.
"""

from __future__ import annotations

import contextlib
import sys
import time

import augeas


def main(lens: str, path: str) -> int:
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", "surrogateescape")
    aug = augeas.Augeas(flags=augeas.Augeas.NO_MODL_AUTOLOAD | augeas.Augeas.NO_LOAD)
    aug.set("/warm", "\n")
    # compiles the lens module; a lens may refuse an empty line, which is fine
    with contextlib.suppress(ValueError, RuntimeError, OSError):
        aug.text_store(lens, "/warm", "/warmed")
    aug.set("/in", text)
    t0 = time.process_time()
    try:
        aug.text_store(lens, "/in", "/parsed")
    except (ValueError, RuntimeError, OSError) as exc:
        print(f"refused: {aug.get('/augeas/text/parsed/error/message') or exc}")
        return 1
    print(time.process_time() - t0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
