"""What the rule tests share: build a node tree in tmp_path, lint it for one code."""

from __future__ import annotations

from pathlib import Path

from xencfg import lint

#: (code, file name, line, related lines) of one finding.
Row = tuple[str, str, int, list[int]]


def tree(tmp: Path, name: str, files: dict[str, str]) -> Path:
    """A node root ``tmp/name`` holding ``files`` (authkeys gets heartbeat's 0600)."""
    root = tmp / name
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        if rel.endswith("authkeys"):
            p.chmod(0o600)
    return root


def found(code: str, *roots: Path) -> list[Row]:
    """The findings of rule ``code`` over the node trees ``roots``."""
    result = lint.run([str(r) for r in roots], select=[code])
    return [
        (f.code, Path(f.path).name, f.line, [r.line for r in f.related]) for f in result.findings
    ]


def messages(code: str, *roots: Path) -> list[str]:
    return [f.message for f in lint.run([str(r) for r in roots], select=[code]).findings]
