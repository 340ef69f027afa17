"""Did-you-mean: the one place a misspelt keyword or value finds its closest spelling.

Every format, rule and migration asks here, so one word gets the same
suggestion wherever it is checked, with one similarity cut-off.
"""

from __future__ import annotations

from collections.abc import Iterable

#: How alike (difflib's ratio) a known word must be to be offered: below it a
#: suggestion is more often wrong than helpful (``nodes`` -> ``node`` passes,
#: ``debug`` -> ``udpport`` does not).
CUTOFF = 0.75

#: Directives for which ``nameXYZ`` means ``name XYZ`` even when XYZ is a word.
_GLUE_OK = frozenset({"logfacility"})


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known word most like ``word``, if one is alike enough (:data:`CUTOFF`)."""
    import difflib  # (only a misspelt word needs it: not at a lint's start-up)

    close = difflib.get_close_matches(word, sorted(known), n=1, cutoff=CUTOFF)
    return close[0] if close else None


def suggest(word: str, known: Iterable[str], values: Iterable[str] = ()) -> str | None:
    """A did-you-mean for an unknown keyword.

    A known keyword glued to its value (``logfacilitylocal7``,
    ``logfile/var/log/ha-log``, ``keepalive=2``) is split back, the line's ``values``
    following;
    otherwise the closest spelling (``nodes`` -> ``node``).
    """
    names = sorted(known, key=len, reverse=True)
    for name in names:
        if word.startswith(name) and len(word) > len(name) and len(name) >= 3:
            rest = word[len(name) :]
            if rest[0] in "=:" and rest.lstrip("=:"):
                # (``keepalive=2``: the ``key=value`` habit of other files)
                return " ".join([name, rest.lstrip("=:"), *values])
            glued = (
                rest[0] in "/.~"
                or rest[0].isdigit()
                or (rest[0].isalpha() and any(c.isdigit() for c in rest))
            )
            if glued or name in _GLUE_OK:
                return " ".join([name, rest, *values])
    return closest(word, names)


def did_you_mean(suggestion: str | None) -> str:
    """The end of a message offering ``suggestion`` (``; did you mean 'node'?``), or
    nothing when there is none: one wording for the lint messages that offer one."""
    return f"; did you mean '{suggestion}'?" if suggestion else ""


__all__ = ["CUTOFF", "closest", "did_you_mean", "suggest"]
