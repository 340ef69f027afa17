"""How bench/ times things, in one place: CPU seconds, ours and the peer's runs alternated,
the fastest of N kept.

The machine's cores are shared; wall time measures the neighbours as much as the code,
and a median keeps half their noise. CPU time (user + system) counts only the work of the
process timed, and the fastest of several runs is the one least disturbed (cache misses,
frequency changes). Alternating the two sides of a ratio exposes both to the same load.

Every figure says what it covers (:class:`Measure`): the peers' are whole processes
(start-up included, so a run on a one-unit file is timed too and subtracted) or, for
Augeas, one parsing call inside a process that compiled its lens beforehand.
"""

from __future__ import annotations

import gc
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: python3-augeas is a Debian package: the system interpreter has it, a venv does not.
SYSTEM_PYTHON = "/usr/bin/python3"


def cpu_in_process(fn: Callable[[], object]) -> float:
    """CPU seconds of ``fn()`` in this process; the result is freed outside the timing
    (freeing a 10 MB document's objects is not parsing it), and the previous run's
    garbage is collected before it."""
    gc.collect()
    t0 = time.process_time()
    result = fn()
    took = time.process_time() - t0
    del result
    return took


def child_cpu(cmd: Sequence[str], ok: tuple[int, ...] = (0,), **kwargs: object) -> float | str:
    """CPU seconds (user + system) of ``cmd`` and every process it waited for, from
    ``getrusage(RUSAGE_CHILDREN)`` before and after; why there is no figure (a refusal
    is no time) as a string."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=1200, check=False, **kwargs)  # type: ignore[call-overload]
    except FileNotFoundError:
        return "n/a (not installed)"
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"n/a ({type(exc).__name__})"
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        return f"n/a (exit {proc.returncode})"
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


@dataclass
class Measure:
    """One way of timing a peer: what it covers, in words, and how to run it once."""

    #: The tool as shown in the tables.
    name: str
    #: What the figure covers, e.g. "whole process: parse + dump, less start-up".
    covers: str
    #: One timed run on a file -> CPU seconds, or why not.
    run: Callable[[Path], float | str]
    #: A file of one unit for the start-up run that is subtracted (None: nothing to subtract).
    startup_file: Path | None = None
    #: Runs of this peer (crm_verify takes half a minute a run).
    repeats: int | None = None


def process(
    cmd: Callable[[Path], list[str]], ok: tuple[int, ...] = (0,)
) -> Callable[[Path], float | str]:
    """A peer timed as a whole process (:func:`child_cpu`); ``ok``: the exit codes that
    mean it read the whole file."""

    def run(path: Path) -> float | str:
        return child_cpu(cmd(path), ok)

    return run


def augeas_parse(lens: str) -> Callable[[Path], float | str]:
    """Augeas's ``aug_text_store`` of the file with ``lens``: its parse, text to its tree,
    and nothing else. The lens is compiled on a one-line text first, outside the timing;
    no put (write back), no tree walk, no file I/O (bench/augeas_parse.py)."""

    def run(path: Path) -> float | str:
        script = str(HERE / "augeas_parse.py")
        try:
            proc = subprocess.run(
                [SYSTEM_PYTHON, script, lens, str(path)],
                capture_output=True,
                text=True,
                timeout=1200,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"n/a ({type(exc).__name__})"
        if proc.returncode != 0:
            why = (proc.stdout + proc.stderr).strip().splitlines()[-1:] or [""]
            return f"n/a (exit {proc.returncode}: {why[0][:60]})"
        return float(proc.stdout.split()[0])

    return run


@dataclass
class Pair:
    """Fastest-of-N CPU seconds of ours and of one peer, measured alternately."""

    ours: float
    peer: float | str
    startup: float | str | None = None
    runs: int = 0

    @property
    def net(self) -> float | str:
        """The peer's time less its start-up (when it has one to subtract)."""
        if isinstance(self.peer, str) or self.startup is None:
            return self.peer
        if isinstance(self.startup, str):
            return f"n/a (start-up run: {self.startup})"
        return max(self.peer - self.startup, 1e-6)


def alternate(ours: Callable[[], float], peer: Measure | None, path: Path, repeats: int) -> Pair:
    """Run ours, the peer on ``path`` and the peer's start-up run in turn, ``repeats``
    times (the peer's own ``repeats`` if smaller), and keep each one's fastest."""
    mine: list[float] = []
    theirs: list[float | str] = []
    startups: list[float | str] = []
    n_peer = repeats if peer is None or peer.repeats is None else min(repeats, peer.repeats)
    for i in range(repeats):
        mine.append(ours())
        if peer is None or i >= n_peer:
            continue
        theirs.append(peer.run(path))
        if peer.startup_file is not None:
            startups.append(peer.run(peer.startup_file))
        if isinstance(theirs[-1], str):
            break  # a refusal does not become a time by asking again
    return Pair(min(mine), _fastest(theirs), _fastest(startups) if startups else None, repeats)


def _fastest(times: list[float | str]) -> float | str:
    refusals = [t for t in times if isinstance(t, str)]
    if refusals or not times:
        return refusals[0] if refusals else "n/a"
    return min(t for t in times if not isinstance(t, str))


@dataclass
class Load:
    """The machine's state while the figures were made."""

    cores: int | None = os.cpu_count()
    usable: int = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 0
    start: tuple[float, float, float] = field(default_factory=os.getloadavg)
    end: tuple[float, float, float] | None = None
    started: str = field(default_factory=lambda: time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))

    def finish(self) -> None:
        self.end = os.getloadavg()

    def describe(self) -> str:
        def avg(t: tuple[float, float, float] | None) -> str:
            return "?" if t is None else " / ".join(f"{x:.2f}" for x in t)

        end = "" if self.end is None else f" and {avg(self.end)} at the end"
        return (
            f"Run on {self.started}: {self.cores} cores ({self.usable} usable by the bench), "
            f"Python {sys.version.split()[0]}; load average (1 / 5 / 15 min) "
            f"{avg(self.start)} at the start{end}. A load above the core count means other "
            "processes were waiting for a core: CPU times hold, wall times would not."
        )
