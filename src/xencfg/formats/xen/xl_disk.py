"""Disk specs as xl reads them (tools/libs/util/libxlu_disk_l.l, xl-disk-configuration(5)):
what xl's disk parser refuses in one ``disk`` entry, and what it reads in a way that
fails when the guest starts. Split from :mod:`.xl` (the config file's syntax and values)."""

from __future__ import annotations

from ..._lazy import lazy_re
from ...syntax.numbers import atoi
from .xl import _span

#: ``key=value`` parameters of xl's disk spec (xl-disk-configuration(5)), every release
#: from 4.1 on (a key newer releases added is accepted here: lint cannot tell which one
#: reads the file).
_DISK_VALUE_KEYS = """
    format access backendtype backend specification vdev script colo-host colo-port
    colo-export active-disk hidden-disk
""".split()  # noqa: SIM905
_DISK_FLAGS = """
    cdrom direct-io-safe discard no-discard colo no-colo trusted untrusted devtype=cdrom
    devtype=disk grant_usage=1 grant_usage=0
""".split()  # noqa: SIM905
_DISK_VALUES = {
    "format": ("", "raw", "qcow", "qcow2", "vhd", "empty", "qed"),
    "access": ("r", "ro", "rw", "w", ""),
    "backendtype": ("phy", "tap", "qdisk", "standalone"),
    "specification": ("xen", "virtio"),
}
_DISK_PREFIX = lazy_re(r"(?:raw|qcow2?|vhd|iscsi|e?nbd|drbd|tapdisk|tap2?|aio|ioemu|file|phy):")
_DISK_UNKNOWN_PREFIX = lazy_re(r"[a-z][a-z0-9]*:(?=[^a-z0-9]|$)")
_DISK_UNKNOWN_KEY = lazy_re(r"[a-z][-a-z0-9]*=[^,],?")
_DISK_POSITIONAL = lazy_re(r"[^=,]*,|[^=,]+,?")


#: Flags libxlu_disk_l.l gained in 4.17 (trusted, untrusted) and 4.19 (grant_usage),
#: which only 4.19's generated scanner (libxlu_disk_l.c, regenerated then) knows: xl 4.17
#: and 4.18 read ``trusted`` as a positional parameter, though xl-disk-configuration(5)
#: of 4.17 documents it.
_DISK_FLAGS_419 = frozenset({"trusted", "untrusted", "grant_usage=1", "grant_usage=0"})


def disk_spec_error(spec: str, flags_419: bool = True) -> str | None:
    """What xl says when it refuses one disk spec (``None``: it reads it).

    A step-by-step reading of libxlu's disk scanner (tools/libs/util/libxlu_disk_l.l:
    keyword rules, deprecated prefixes such as ``phy:`` that make the positional
    parameters ``target,vdev,access``, else ``target,format,vdev,access``) and of
    ``xlu_disk_parse`` (libxlu_disk.c: a vdev is required, and a target unless it
    is a cdrom). Spaces are skipped before a parameter only: ``w `` is no access.
    ``flags_419``: whether xl knows ``trusted`` and ``grant_usage`` (4.19 on; pass
    False where an older xl is known to run)."""
    pos, n = 0, len(spec)
    got: dict[str, str] = {}
    had_prefix = access_set = cdrom = False

    def save(what: str, value: str) -> str | None:
        if got.get(what):
            return f"{what} respecified: near `{value}'"
        got[what] = value
        return None

    def vdev_and_devtype(text: str) -> tuple[bool, str | None]:
        vdev, colon, kind = text.rpartition(":")
        if not colon:
            return False, None
        nonlocal cdrom
        cdrom = cdrom or kind == "cdrom"
        why = save("vdev", vdev)
        return True, why or (None if kind in ("cdrom", "disk") else "unknown deprecated type")

    def check(what: str, value: str) -> str | None:
        if value not in _DISK_VALUES[what]:
            return f"unknown value for {what}: near `{value}'"
        if what == "access":
            return None
        # libxlu_disk_l.l DSET: an enum set again to another value is refused ("format
        # respecified", "backend respecified"; "" is raw); a format given (by keyword
        # or prefix too) takes the positional format slot away: peer-xl reads
        # 'format=raw,/dev/vg/a,hda,r' as target, vdev, access
        canon = value or "raw"
        if got.get(what, canon) != canon:
            member = "backend" if what == "backendtype" else what
            return f"{member} respecified: near `{value}'"
        got[what] = canon
        return None

    while pos < n:
        rest = spec[pos:]
        if rest[0] in " \t\n":
            pos += len(rest) - len(rest.lstrip(" \t\n"))
            continue
        why: str | None = None
        key = next((k for k in _DISK_VALUE_KEYS if rest.startswith(k + "=")), None)
        flag = next(
            (
                f
                for f in _DISK_FLAGS
                if rest.startswith(f)
                and rest[len(f) : len(f) + 1] in ("", ",")
                and (flags_419 or f not in _DISK_FLAGS_419)
            ),
            None,
        )
        if rest.startswith("target="):
            why = save("target", rest[7:].removesuffix(","))
            pos = n
        elif key is not None:
            value = rest[len(key) + 1 :].split(",", 1)[0]
            pos += len(key) + 1 + len(value) + 1
            if key in _DISK_VALUES:
                why = check(key, value)
                if key == "access":
                    access_set = True
            elif key == "colo-port":
                # (atoi, as C reads it: int() of 5,000 digits raised, a crashed rule)
                why = None if atoi(value) else "bad colo-port"
            else:
                why = save(key, value)
        elif flag is not None:
            cdrom = cdrom or flag in ("cdrom", "devtype=cdrom")
            pos += len(flag) + 1
        elif rest.startswith("devtype="):
            return f"unknown value for type: near `{rest.split(',', 1)[0]}'"
        elif (m := _DISK_PREFIX.match(rest)) is not None:
            had_prefix = True
            word = m.group()[:-1]
            if word in ("iscsi", "nbd", "enbd", "drbd"):
                why = save("script", "block-" + word)
            elif word in ("raw", "qcow", "qcow2", "vhd"):
                why = check("format", word)
            pos += len(m.group())
        elif (k := _DISK_UNKNOWN_PREFIX.match(rest)) is not None and (
            rest[len(k.group()) :][:1] not in _ALNUM
        ):
            return f"unknown deprecated disk prefix: near `{rest}'"
        elif (u := _DISK_UNKNOWN_KEY.match(rest)) is not None and len(u.group()) >= _span(
            _DISK_POSITIONAL, rest, 0
        ):
            return f"unknown parameter: near `{u.group()}'"
        elif (p := _DISK_POSITIONAL.match(rest)) is not None and p.group():
            text = p.group().removesuffix(",")
            pos += len(p.group())
            if "target" not in got:
                got["target"] = text
            elif not had_prefix and "format" not in got:
                done, why = (False, None)
                if got["target"] == "":
                    done, why = vdev_and_devtype(text)
                if done:
                    got["format"] = "empty"
                else:
                    why = check("format", text)
            elif "vdev" not in got:
                done, why = vdev_and_devtype(text)
                if not done:
                    got["vdev"] = text
            elif not access_set:
                access_set = True
                why = check("access", text)
            else:
                return f"too many positional parameters: near `{text}'"
        else:
            return f"bad disk syntax: near `{rest}'"
        if why:
            return why
    if "vdev" not in got:
        return "no vdev specified"
    if "target" not in got and not cdrom:
        return "no target specified (and device not removable)"
    return None


_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

#: A parameter written after ``target=``, which takes the rest of the spec as the path.
_AFTER_TARGET = lazy_re(
    r",[ \t]*(?:(?:format|access|vdev|devtype|backendtype|backend|script|specification)="
    r"|(?:cdrom|discard|no-discard|direct-io-safe)[ \t]*(?:,|$))"
)


def target_swallows(spec: str) -> str | None:
    """The parameters a disk spec writes after ``target=``, which xl reads as part of
    the path (libxlu_disk_l.l:225 ``target=.*`` eats the rest of the string; peer-xl
    prints ``"pdev_path": "/dev/vg/a,access=ro"``), so libxl finds no such device at
    create time ("Disk vdev=xvda failed to stat", libxl_device.c:436) or hands the
    block script a name it does not know; ``None`` when target= is last."""
    head, eq, path = spec.partition("target=")
    if not eq or (head and head[-1] not in ", \t"):
        return None
    m = _AFTER_TARGET.search(path)
    return path[m.start() :] if m else None


def target_blank(spec: str) -> str | None:
    """The target path of a disk spec xl takes with a blank at its end (after
    ``target=``, at its start too), ``None`` where it has none. xl skips blanks before a
    parameter and after a ``phy:`` prefix, not after a value: peer-xl 4.17 prints
    ``"pdev_path": "/dev/drbd0 "`` for ``phy:/dev/drbd0 ,xvda,w`` and ``" /dev/drbd0"``
    for ``target= /dev/drbd0``, and the block script finds no such device."""
    head, eq, path = spec.partition("target=")
    if eq and (not head or head[-1] in ", \t"):
        return path if path != path.strip(" \t") else None
    for piece in spec.split(","):
        word = piece.lstrip(" \t")
        while (m := _DISK_PREFIX.match(word)) is not None:
            word = word[m.end() :].lstrip(" \t")
        if word and "=" not in word and word.rstrip(" \t") not in _DISK_FLAGS:
            return word if word != word.rstrip(" \t") else None
    return None
