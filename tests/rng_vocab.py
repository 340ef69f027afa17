"""What each installed pacemaker-X.Y.rng takes, as rules/cib/schema_vocab.py writes it.

Walks Pacemaker's RelaxNG files (the ones crm_verify validates with; /usr/share/pacemaker
of pacemaker-cli-utils, read in place) and lists, for each element of the configuration
section as (parent tag, tag): its attributes, the attributes it needs, its one-of
attribute groups, and the values (enumerations, number and boolean types) of its
attributes, each with the schemas that take it. ``python tests/rng_vocab.py`` prints the
tables schema_vocab.py holds; test_cib_schema_round28 checks that they agree.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree

NS = "{http://relaxng.org/ns/structure/1.0}"
RNG_DIR = Path("/usr/share/pacemaker")
#: the data types a value is checked against (schema_vocab.py ``_TYPES``)
CHECKED_TYPES = ("boolean", "integer", "nonNegativeInteger", "positiveInteger")

Version = tuple[int, int]


class _Grammar:
    """A grammar's defines and start patterns (includes merged, overrides applied)."""

    def __init__(self, docs: _Docs, node: Any, parent: _Grammar | None) -> None:
        self.docs, self.parent = docs, parent
        self.defines: dict[str, list[Any]] = {}
        self.start: list[Any] = []
        self._load(node, frozenset())

    def _load(self, node: Any, overridden: frozenset[str]) -> None:
        for child in _kids(node):
            kind = child.tag[len(NS) :]
            if kind == "define" and child.get("name") not in overridden:
                self.defines.setdefault(child.get("name"), []).append(child)
            elif kind == "start" and "<start>" not in overridden:
                self.start.append(child)
            elif kind == "include":
                inner = _kids(child)
                names = {c.get("name") for c in inner if c.tag == NS + "define"}
                if any(c.tag == NS + "start" for c in inner):
                    names.add("<start>")
                self._load(self.docs.root(child.get("href")), overridden | names)
                for c in inner:
                    if c.tag == NS + "define":
                        self.defines.setdefault(c.get("name"), []).append(c)
                    elif c.tag == NS + "start":
                        self.start.append(c)
            elif kind == "div":
                self._load(child, overridden)

    def lookup(self, ref: Any) -> tuple[list[Any], _Grammar]:
        """The defines a ref or parentRef names, and their grammar."""
        g = self if ref.tag == NS + "ref" else self.parent
        assert g is not None
        return g.defines.get(ref.get("name"), []), g


class _Docs:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._roots: dict[str, Any] = {}
        self.grammars: list[_Grammar] = []  # (kept alive: the walk's memo holds their ids)

    def root(self, href: str) -> Any:
        if href not in self._roots:
            self._roots[href] = etree.parse(str(self.folder / href)).getroot()
        return self._roots[href]

    def grammar(self, node: Any, parent: _Grammar | None) -> _Grammar:
        g = _Grammar(self, node, parent)
        self.grammars.append(g)
        return g


def _kids(node: Any) -> list[Any]:
    return [c for c in node if isinstance(c.tag, str)]


def _name(node: Any) -> str | None:
    return (node.get("name") or "").strip() or None  # (tags-1.3.rng: name="id ")


def _pattern(docs: _Docs, node: Any, g: _Grammar) -> list[tuple[Any, _Grammar]]:
    """The patterns an externalRef or nested grammar stands for."""
    root = docs.root(node.get("href")) if node.tag == NS + "externalRef" else node
    if root.tag != NS + "grammar":
        return [(root, g)]
    ng = docs.grammar(root, g)
    return [(c, ng) for s in ng.start for c in _kids(s)]


#: More alternatives than this and a pattern is taken to need nothing (no false refusal).
_MAX_ALTERNATIVES = 64

Needs = frozenset[frozenset[str]]
_NOTHING: Needs = frozenset({frozenset()})


def _minimal(alts: set[frozenset[str]]) -> Needs:
    """ALTS without an alternative that holds another (needing more is never needed)."""
    if len(alts) > _MAX_ALTERNATIVES:
        return _NOTHING
    return frozenset(a for a in alts if not any(o < a for o in alts))


def _both(x: Needs, y: Needs) -> Needs:
    return _minimal({a | b for a in x for b in y})


def _needs(docs: _Docs, n: Any, g: _Grammar) -> Needs:
    """What a match of pattern N has, as alternatives (any one is enough): each a set of
    attribute names and ``<tag>`` child elements. A sound reading of the choices: an
    element that has none of the alternatives is surely refused."""
    kind = n.tag[len(NS) :]
    if kind == "attribute":
        return frozenset({frozenset({str(_name(n))})})
    if kind == "element":
        return frozenset({frozenset({f"<{_name(n)}>"})})
    if kind in ("optional", "zeroOrMore", "text", "empty", "data", "value", "list"):
        return _NOTHING
    if kind == "notAllowed":
        return frozenset()
    if kind == "choice":
        return _minimal({a for c in _kids(n) for a in _needs(docs, c, g)})
    if kind in ("ref", "parentRef"):
        defines, dg = g.lookup(n)
        return _sequence(docs, [(c, dg) for d in defines for c in _kids(d)])
    if kind in ("externalRef", "grammar"):
        return _sequence(docs, _pattern(docs, n, g))
    return _sequence(docs, [(c, g) for c in _kids(n)])  # group, interleave, oneOrMore, mixed


def _sequence(docs: _Docs, nodes: list[tuple[Any, _Grammar]]) -> Needs:
    out = _NOTHING
    for c, cg in nodes:
        out = _both(out, _needs(docs, c, cg))
    return out


def _values(node: Any, g: _Grammar) -> set[str] | str | None:
    """An attribute's values: a set (an enumeration), a checked type name, or None."""
    kids = _kids(node)
    if len(kids) == 1 and kids[0].tag == NS + "data" and not _kids(kids[0]):
        return kids[0].get("type") if kids[0].get("type") in CHECKED_TYPES else None
    out: set[str] = set()

    def enum(n: Any, g: _Grammar) -> bool:
        kind = n.tag[len(NS) :]
        if kind == "value":
            out.add(n.text or "" if n.get("type") == "string" else " ".join((n.text or "").split()))
            return True
        if kind == "choice":
            return all(enum(c, g) for c in _kids(n))
        if kind in ("ref", "parentRef"):
            defines, dg = g.lookup(n)
            return all(enum(c, dg) for d in defines for c in _kids(d))
        return False

    return out if kids and all(enum(c, g) for c in kids) else None


class _Walk:
    """Every element of one schema: (parent, tag) -> attributes, children, requirements."""

    def __init__(self, docs: _Docs) -> None:
        self.docs = docs
        self.found: dict[tuple[str | None, str | None], dict[str, Any]] = {}
        self._seen: set[Any] = set()

    def entry(self, key: tuple[str | None, str | None]) -> dict[str, Any]:
        return self.found.setdefault(key, {"attrs": {}, "children": set()})

    def walk(self, n: Any, g: _Grammar, key: tuple[str | None, str | None]) -> None:
        tree = n.getroottree()
        memo = (tree.docinfo.URL, tree.getpath(n), id(g), key)
        if memo in self._seen:
            return
        self._seen.add(memo)
        kind = n.tag[len(NS) :]
        if kind == "element":
            name = _name(n)
            self.entry(key)["children"].add(name)
            sub = (key[1], name)
            needs = _sequence(self.docs, [(c, g) for c in _kids(n)])
            e = self.entry(sub)  # (the same parent/tag elsewhere: either one will do)
            e["needs"] = _minimal(set(e.get("needs", frozenset())) | needs)
            for c in _kids(n):
                self.walk(c, g, sub)
        elif kind == "attribute":
            found, values = self.entry(key)["attrs"], _values(n, g)
            name = str(_name(n))
            if name in found and found[name] != values:
                old = found[name]
                both = isinstance(old, set) and isinstance(values, set)
                found[name] = old | values if both else None
            else:
                found[name] = values
        elif kind in ("ref", "parentRef"):
            defines, dg = g.lookup(n)
            for d in defines:
                for c in _kids(d):
                    self.walk(c, dg, key)
        elif kind in ("externalRef", "grammar"):
            for c, cg in _pattern(self.docs, n, g):
                self.walk(c, cg, key)
        elif kind not in ("except", "value", "data", "text", "empty", "notAllowed", "param"):
            for c in _kids(n):
                self.walk(c, g, key)


def schema(version: Version, folder: Path = RNG_DIR) -> dict[tuple[str, str], dict[str, Any]]:
    """The configuration section's elements as pacemaker-X.Y.rng takes them."""
    docs = _Docs(folder)
    w = _Walk(docs)
    root = docs.root(f"pacemaker-{version[0]}.{version[1]}.rng")
    for c, g in _pattern(docs, root, None):  # type: ignore[arg-type]  # (the top grammar has no parent)
        w.walk(c, g, (None, None))
    out: dict[tuple[str, str], dict[str, Any]] = {}
    todo = [("cib", "configuration")]
    while todo:
        key = todo.pop()
        if key in out:
            continue
        out[key] = w.found[key]  # type: ignore[index]  # (keys of found are str pairs here)
        todo += [(key[1], c) for c in w.found[key]["children"]]  # type: ignore[index]
    return out


def versions(folder: Path = RNG_DIR) -> list[Version]:
    """The pacemaker-X.Y schemas after 1.0 in FOLDER, oldest first."""
    found = (re.fullmatch(r"pacemaker-(\d+)\.(\d+)\.rng", p.name) for p in folder.iterdir())
    return sorted((int(m[1]), int(m[2])) for m in found if m and m.groups() != ("1", "0"))


def _span(present: list[bool], vers: list[Version]) -> str:
    """``1.2`` (from 1.2 on) or ``1.2-1.3`` (1.2 to 1.3); the schemas are contiguous."""
    idx = [i for i, p in enumerate(present) if p]
    assert idx == list(range(idx[0], idx[-1] + 1)), "not a contiguous run of schemas"
    first, last = vers[idx[0]], vers[idx[-1]]
    text = f"{first[0]}.{first[1]}"
    return text if idx[-1] == len(vers) - 1 else f"{text}-{last[0]}.{last[1]}"


def _words(spans: dict[str, str], base: str) -> str:
    return " ".join(w if s == base else f"{w}@{s}" for w, s in sorted(spans.items()))


def tables(folder: Path = RNG_DIR) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(VOCABULARY, VALUES, TYPES) as schema_vocab.py writes them."""
    vers = versions(folder)
    by = {v: schema(v, folder) for v in vers}
    vocab: dict[str, str] = {}
    values: dict[str, str] = {}
    types: dict[str, str] = {}
    for key in sorted(set().union(*by.values())):
        have = [v for v in vers if key in by[v]]
        span = _span([key in by[v] for v in vers], vers)
        names = set().union(*(by[v][key]["attrs"] for v in have))
        spans = {
            a: _span([key in by[v] and a in by[v][key]["attrs"] for v in vers], vers) for a in names
        }
        # (either schema's alternatives will do: a CIB none of them fits is refused by all)
        needs = _minimal({alt for v in have for alt in by[v][key]["needs"]})
        alts = " | ".join(sorted("+".join(sorted(alt)) for alt in needs))
        row = f"{span}; {_words(spans, span)}; {alts}"
        vocab["/".join(key)] = row.rstrip()
        for a in sorted(names):
            kinds = [by[v][key]["attrs"][a] for v in have if a in by[v][key]["attrs"]]
            label = f"{'/'.join(key)}@{a}"
            if all(isinstance(k, str) for k in kinds) and len(set(kinds)) == 1:
                types[label] = kinds[0]
            elif all(isinstance(k, set) for k in kinds):
                present = {
                    val: _span(
                        [
                            key in by[v]
                            and isinstance(by[v][key]["attrs"].get(a), set)
                            and val in by[v][key]["attrs"][a]
                            for v in vers
                        ],
                        vers,
                    )
                    for val in set().union(*kinds)
                }
                values[label] = _words(present, spans[a])
    return vocab, values, types


def source() -> str:
    """The tables as Python literals (schema_vocab.py's)."""
    out = []
    for name, table in zip(("VOCABULARY", "VALUES", "TYPES"), tables(), strict=True):
        out.append(f"{name}: dict[str, str] = {{")
        for k, v in table.items():
            line = f"    {k!r}: {v!r},"
            out += [line] if len(line) <= 100 else [f"    {k!r}: (", *_wrapped(v, 8), "    ),"]
        out.append("}")
    return "\n".join(out)


def _wrapped(text: str, indent: int) -> list[str]:
    """TEXT as adjacent string literals of at most 100 columns."""
    import textwrap

    pad = " " * indent
    parts = textwrap.wrap(text, 100 - indent - 4, break_on_hyphens=False)
    return [f"{pad}{(p + ' ' if i < len(parts) - 1 else p)!r}" for i, p in enumerate(parts)]


if __name__ == "__main__":
    print(source())
