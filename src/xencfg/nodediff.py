"""``xencfg diff NODE_A NODE_B``: what differs between two nodes' configuration.

Admins compare nodes with ``diff -r``, which shows every reordered line, comment
and tab, and calls the two nodes' ha.cf different because each ``ucast`` names the
other. This compares the *typed models* (what ``xencfg parse`` prints) instead:

- comments, layout, quoting and statement order are not differences;
- list items that have an identity (a DRBD ``on <host>`` section, a CIB resource,
  a multipath map, an /etc/hosts address) are matched by it, not by position;
- a value that differs only by naming the node itself or its peer (ha.cf ``ucast``
  to the peer, xend's relocation address, the initiator name ``...:xen1``) is a
  *node-specific* difference, reported apart from the real ones;
- secrets are compared but never printed (``(secret)``);
- the files only one node has are listed.

Exit status as diff(1): 0 when nothing but node-specific values differs, 1 otherwise.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from .cluster import Cluster, Loaded, short
from .discover import NodeTree, discover
from .errors import XencfgError
from .findings import Finding
from .formats import specs

#: Fields that identify an item of a list of objects, in order of preference.
IDENTITY = ("id", "name", "names", "wwid", "alias", "address", "uname", "index")

#: Parts of a format's ``to_dict`` that only repeat others (drbd's hosts are compared,
#: not xm's parsed disk list beside its ``disk`` setting).
DERIVED: dict[str, frozenset[str]] = {
    "xm": frozenset({"disks", "vifs", "vfbs", "pcis", "computed", "static"}),
    "xl": frozenset({"disks", "vifs", "vfbs", "pcis", "computed", "static"}),
    "hacf": frozenset({"timings", "crm", "auto_failback"}),
    "authkeys": frozenset({"active", "mode"}),
    # DRBD: what each host ends up with (``effective``) and the connection paths are
    # computed from the resource's sections and ``on`` blocks, which are compared
    "drbd": frozenset({"effective", "links", "connection_mesh"}),
}

#: Fields of a list item that its ``settings`` repeat (multipath's wwid and alias).
DERIVED_ITEM: dict[str, frozenset[str]] = {"multipath": frozenset({"wwid", "alias"})}

SELF, PEER = "{self}", "{peer}"


@attrs.frozen
class Change:
    """One setting of a file that both nodes have, with each node's value
    (``None``: that node does not set it)."""

    path: str
    a: Any
    b: Any
    node_specific: bool = False
    secret: bool = False


@attrs.define
class FileDiff:
    """A file both nodes have (by its path under the node root) and its changes, or
    why it could not be compared."""

    path: str
    format: str | None
    changes: list[Change] = attrs.Factory(list)
    error: str = ""


@attrs.define
class NodeDiff:
    """The comparison of two nodes (see the module docstring)."""

    a: str
    b: str
    files: list[FileDiff] = attrs.Factory(list)
    only_a: list[str] = attrs.Factory(list)
    only_b: list[str] = attrs.Factory(list)

    @property
    def differs(self) -> bool:
        """Whether anything but node-specific values differs."""
        return bool(
            self.only_a
            or self.only_b
            or any(f.error or any(not c.node_specific for c in f.changes) for f in self.files)
        )

    def to_dict(self) -> dict[str, Any]:
        files = [
            {
                "path": f.path,
                "format": f.format,
                **({"error": f.error} if f.error else {}),
                "changes": [
                    {
                        "setting": c.path,
                        "values": {
                            self.a: "(secret)" if c.secret and c.a is not None else c.a,
                            self.b: "(secret)" if c.secret and c.b is not None else c.b,
                        },
                        "node_specific": c.node_specific,
                    }
                    for c in f.changes
                ],
            }
            for f in self.files
            if f.changes or f.error
        ]
        real = sum(not c.node_specific for f in self.files for c in f.changes)
        return {
            "nodes": [self.a, self.b],
            "files": files,
            "only": {self.a: self.only_a, self.b: self.only_b},
            "counts": {
                "differences": real,
                "node_specific": sum(c.node_specific for f in self.files for c in f.changes),
                "files_compared": len(self.files),
                "only": len(self.only_a) + len(self.only_b),
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, default=str)

    def to_text(self) -> str:
        out: list[str] = []
        width = max(len(self.a), len(self.b))
        for f in self.files:
            if f.error:
                out.append(f"{f.path}: not compared: {f.error}")
                continue
            if not f.changes:
                continue
            out.append(f"{f.path}:")
            for c in f.changes:
                tag = "  (node-specific)" if c.node_specific else ""
                out.append(f"  {c.path}{tag}")
                for node, value in ((self.a, c.a), (self.b, c.b)):
                    shown = "(secret)" if c.secret and value is not None else _show(value)
                    out.append(f"    {node.ljust(width)}  {shown}")
        for node, only in ((self.a, self.only_a), (self.b, self.only_b)):
            for path in only:
                out.append(f"only on {node}: {path}")
        d = self.to_dict()["counts"]
        out.append(
            f"{self.a} vs {self.b}: {d['files_compared']} files compared, "
            f"{d['differences']} differences, {d['node_specific']} node-specific, "
            f"{d['only']} files on one node only."
        )
        return "\n".join(out) + "\n"


def _show(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, str) and value:
        return value
    return json.dumps(value, default=str)


# -- flattening -------------------------------------------------------------------


def _identity(items: list[Any]) -> str | None:
    """The field that tells the items of a list apart, if one does."""
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in IDENTITY:
        values = [_key_text(i.get(key)) for i in items]
        if all(v for v in values) and len(set(values)) == len(values):
            return key
    return None


def _key_text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    return "" if value is None else str(value)


def flatten(
    value: Any,
    prefix: str = "",
    items: dict[str, Any] | None = None,
    drop: frozenset[str] = frozenset(),
    item_drop: frozenset[str] = frozenset(),
) -> Iterator[tuple[str, Any]]:
    """``(setting path, value)`` leaves of a ``to_dict`` tree: objects by key, lists of
    objects by their identity (``resources[web].hosts[alpha].address``) or position,
    lists of plain values as one value. ``items`` receives each list item by its path,
    so that an item only one node has is reported once, whole. Object keys in
    ``drop`` (values derived from others) are left out at any depth."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k not in drop and not (prefix.endswith("]") and k in item_drop):
                path = f"{prefix}.{k}" if prefix else str(k)
                yield from flatten(v, path, items, drop, item_drop)
        return
    if isinstance(value, list) and any(isinstance(i, dict) for i in value):
        key = _identity(value)
        for n, item in enumerate(value):
            label = _key_text(item.get(key)) if key and isinstance(item, dict) else str(n)
            path = f"{prefix}[{label}]"
            if items is not None:
                items[path] = _pruned(item, drop)
            yield from flatten(item, path, items, drop, item_drop)
        return
    if value in (None, [], {}):
        return
    yield prefix, value


def _settings(
    doc_dict: dict[str, Any], fmt: str | None, items: dict[str, Any] | None = None
) -> dict[str, Any]:
    drop = DERIVED.get(fmt or "", frozenset()) | {"format"}
    item_drop = DERIVED_ITEM.get(fmt or "", frozenset())
    return dict(flatten(doc_dict, "", items, drop, item_drop))


def _pruned(value: Any, drop: frozenset[str]) -> Any:
    """An item as shown whole: without derived keys and unset (null, empty) fields."""
    if isinstance(value, dict):
        return {
            k: _pruned(v, drop)
            for k, v in value.items()
            if k not in drop and v not in (None, [], {})
        }
    if isinstance(value, list):
        return [_pruned(v, drop) for v in value]
    return value


# -- node identities --------------------------------------------------------------


def _identities(cluster: Cluster, node: str) -> set[str]:
    """The names and addresses that stand for ``node`` in its files (the cluster
    model's: /etc/hosts, ha.cf, drbd), with its short name."""
    info = cluster.model.node(node)
    out = {node, short(node)}
    if info is not None:
        out |= info.names | set(info.addresses) | {info.name}
    return {t for t in out if t and t not in ("localhost", "127.0.0.1", "::1")}


def _substituter(own: set[str], peer: set[str]) -> re.Pattern[str] | None:
    tokens = (own | peer) - (own & peer)
    forms = {f: t for t in tokens for f in (t, t.replace(".", "\\."))}
    if not forms:
        return None
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![A-Za-z0-9_])(?:{alternatives})(?![A-Za-z0-9_])")


def _neutral(value: Any, pattern: re.Pattern[str] | None, own: set[str]) -> Any:
    """``value`` with the node's own names and addresses as ``{self}``, its peer's as
    ``{peer}``, so that the two nodes' versions of a node-specific value are equal."""
    if pattern is None:
        return value

    def repl(m: re.Match[str]) -> str:
        token = m.group(0).replace("\\.", ".")
        return SELF if token in own else PEER

    if isinstance(value, str):
        return pattern.sub(repl, value)
    if isinstance(value, list):
        return [_neutral(v, pattern, own) for v in value]
    if isinstance(value, dict):
        return {k: _neutral(v, pattern, own) for k, v in value.items()}
    return value


# -- the comparison ---------------------------------------------------------------


def compare_docs(
    path: str,
    fmt: str | None,
    a: Loaded,
    b: Loaded,
    idents: tuple[set[str], set[str]],
) -> FileDiff:
    """The settings that differ between two nodes' copies of one file."""
    fd = FileDiff(path, fmt)
    items_a: dict[str, Any] = {}
    items_b: dict[str, Any] = {}
    left = _settings(a.doc.to_dict(show_secrets=True), fmt, items_a)
    right = _settings(b.doc.to_dict(show_secrets=True), fmt, items_b)
    # a leaf the masked view shows differently is a secret (compared, never printed)
    secret = {
        k
        for raw, doc in ((left, a.doc), (right, b.doc))
        for k, v in _settings(doc.to_dict(show_secrets=False), fmt).items()
        if raw.get(k) != v
    }
    own_a, own_b = idents
    pat_a, pat_b = _substituter(own_a, own_b), _substituter(own_b, own_a)
    # an item (a DRBD host, a CIB constraint) only one node has: once, whole
    whole = sorted(set(items_a) ^ set(items_b))
    done: set[str] = set()
    for key in list(dict.fromkeys([*left, *right])):
        item = next((w for w in whole if key.startswith(w + ".") or key == w), None)
        if item is not None:
            if item not in done:
                done.add(item)
                hidden = any(k.startswith(item + ".") for k in secret)
                fd.changes.append(Change(item, items_a.get(item), items_b.get(item), False, hidden))
            continue
        va, vb = left.get(key), right.get(key)
        if va == vb:
            continue
        if (
            isinstance(va, list)
            and isinstance(vb, list)
            and fmt in ("hacf", "cib", "hosts")
            and Counter(map(str, va)) == Counter(map(str, vb))
        ):
            continue  # node lists: the order is not a setting
        specific = (
            va is not None
            and vb is not None
            and _neutral(va, pat_a, own_a) == _neutral(vb, pat_b, own_b)
        )
        fd.changes.append(Change(key, va, vb, specific, key in secret))
    return fd


def _relative(node: NodeTree, file_path: Path) -> str:
    try:
        return file_path.relative_to(node.root).as_posix()
    except ValueError:
        return file_path.as_posix()


def diff_nodes(path_a: str, path_b: str, names: dict[str, str] | None = None) -> NodeDiff:
    """Compare the node trees (roots or /etc folders) at ``path_a`` and ``path_b``."""
    from .lint.engine import _load

    found = discover([path_a, path_b], names)
    if found.missing:
        raise XencfgError(f"{found.missing[0]}: no such file or directory")
    if len(found.nodes) != 2 or found.loose:
        raise XencfgError(
            "diff compares two node trees (a node's root or its /etc), "
            f"found {len(found.nodes)} node(s) in {path_a} and {path_b}"
        )
    na, nb = found.nodes
    if na.name == nb.name:
        raise XencfgError(f"both trees are called {na.name!r}: name them with --node NAME=PATH")
    cluster = Cluster(nodes=[na.name, nb.name])
    errors: list[Finding] = []
    # a supportconfig's configuration files are sections of its .txt files: their text
    # is the discovery's (their paths name the files on the node, not on this machine)
    texts: dict[str, str] = dict(found.texts)
    live = {s.name for s in specs() if s.live}
    by_path: dict[str, dict[str, Loaded | None]] = {}
    formats: dict[str, str | None] = {}
    failed: dict[str, str] = {}
    for node in (na, nb):
        for file in node.files:
            if file.format in live:
                continue  # what ran when it was captured, not configuration (lint's LS rules)
            rel = _relative(node, file.path)
            formats[rel] = file.format
            before = len(errors)
            item = _load(file, errors, texts)
            if len(errors) > before:
                e = errors[-1]
                failed[rel] = f"{node.name}: {e.path}:{e.line}:{e.column}: {e.message}"
            if item is not None:
                cluster.loaded.append(item)
            by_path.setdefault(rel, {})[node.name] = item
    idents = (_identities(cluster, na.name), _identities(cluster, nb.name))
    result = NodeDiff(na.name, nb.name)
    for rel in sorted(by_path):
        have = by_path[rel]
        if na.name not in have:
            result.only_b.append(rel)
            continue
        if nb.name not in have:
            result.only_a.append(rel)
            continue
        ia, ib = have[na.name], have[nb.name]
        if rel in failed or ia is None or ib is None:
            fd = FileDiff(rel, formats[rel], error=failed.get(rel, "not read"))
            if ia is not None and ib is not None and ia.doc.source == ib.doc.source:
                fd.error = ""  # the same bytes, errors and all
            result.files.append(fd)
            continue
        result.files.append(compare_docs(rel, formats[rel], ia, ib, idents))
    return result
