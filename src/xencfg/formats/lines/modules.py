"""/etc/modules and modprobe.d / modprobe.conf(.local): kernel module settings.

Two shapes share one syntax (words per line, ``#`` comments only in the first column
of a line, ``\\`` continues a line):

* ``/etc/modules`` (Debian): a module to load at boot per line, with its
  parameters: ``sbp2 exclusive_login=0``;
* modprobe files: commands ``options MOD k=v...``, ``alias NAME MOD``,
  ``install MOD CMD...``, ``remove MOD CMD...``, ``blacklist MOD``,
  ``softdep MOD pre: ... post: ...``, ``include FILE``.

A file named ``modules`` is the first shape; any other named file is a modprobe
file, and text without a path is one when a line starts with a modprobe command
(a ``modprobe.d`` file without ``.conf``, like the seed's ``modprobe.d/sbp2``,
is read by old module-init-tools only; that is a lint concern). Module names
compare with ``-`` and ``_`` equal, as kmod does.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any, ClassVar

import attrs

from ...errors import ValidationError, need_str
from ...problems import KeywordProblem, ValueProblem
from ...suggest import suggest
from ...syntax.blocks import Entry
from ._base import LineDocument, LineStyle, parser_for

FORMAT = "modules"

COMMANDS = frozenset(
    {"alias", "options", "install", "remove", "blacklist", "softdep", "weakdep", "include"}
)
#: How many words each command needs after its name.
_MIN_ARGS = {
    "alias": 2,
    "options": 1,
    "install": 2,
    "remove": 2,
    "blacklist": 1,
    "softdep": 2,
    "weakdep": 2,
    "include": 1,
}


class ModulesStyle(LineStyle):
    """Values are single words; ``#`` is fine inside a line here (a comment is a line
    starting with it). A word ending in a backslash is refused: kmod reads a backslash
    at the end of a line as joining the next line to it (kmod's ``getline_wrapped``;
    modules.lark's WS takes backslash-newline as a blank)."""

    forbidden = ""
    #: modules.lark's WORD, not starting a comment, and not ending in a backslash
    key_pattern = r"[^\s#\\](?:\S*[^\s\\])?"

    def quote(self, value: str, old: str | None = None) -> str:
        if value.endswith("\\"):
            raise ValidationError(
                f"{value!r} cannot be written here: a word ending in a backslash joins"
                " the next line to it"
            )
        return super().quote(value, old)


STYLE = ModulesStyle(indent="", separator=" ")


def norm(module: str) -> str:
    """kmod treats ``-`` and ``_`` in module names alike."""
    return module.replace("-", "_")


def split_params(words: list[str]) -> list[str]:
    """Rejoin words a double-quoted parameter value was split into (``a="x y"``)."""
    out: list[str] = []
    open_quote = False
    for w in words:
        if open_quote:
            out[-1] += " " + w
        else:
            out.append(w)
        if w.count('"') % 2:
            open_quote = not open_quote
    return out


def parse_params(words: list[str]) -> dict[str, str | None]:
    """``k=v`` words to a dict (a bare ``k`` maps to ``None``; quotes removed)."""
    out: dict[str, str | None] = {}
    for p in split_params(words):
        k, eq, v = p.partition("=")
        if eq and len(v) >= 2 and v[0] == v[-1] == '"':
            v = v[1:-1]
        out[k] = v if eq else None
    return out


@attrs.define(weakref_slot=False)
class ModulesDocument(LineDocument):
    """A parsed /etc/modules or modprobe configuration file.

    Built in code, ``ModulesDocument(kind="modprobe")`` is a modprobe.d file (its
    :meth:`set_option` writes ``options MOD k=v``); without ``kind`` (or a path to
    load from) it is an ``/etc/modules`` list until a command line is added."""

    format = FORMAT
    style = STYLE
    grammar: ClassVar[str] = "modules"

    #: ``"modules"`` (a boot list) or ``"modprobe"`` (commands); from the path or the content.
    kind: str | None = attrs.field(default=None, eq=False, kw_only=True)

    @property
    def is_modprobe(self) -> bool:
        if self.kind is not None:
            return self.kind == "modprobe"
        if self.path is not None:
            return os.path.basename(self.path) != "modules"
        return any(isinstance(c, Entry) and c.key in COMMANDS for c in self.children)

    # -- /etc/modules ------------------------------------------------------
    @property
    def modules(self) -> list[str]:
        """Modules loaded at boot (``/etc/modules``), or named by commands (modprobe)."""
        if self.is_modprobe:
            names = [
                e.values[1 if e.key == "alias" else 0]
                for e in self.entries()
                if e.key in COMMANDS and e.key != "include" and len(e.values) > (e.key == "alias")
            ]
        else:
            names = [e.key for e in self.entries()]
        return list(dict.fromkeys(names))

    # -- modprobe ----------------------------------------------------------
    def _command(self, name: str) -> list[Entry]:
        return [e for e in self.entries(name)] if self.is_modprobe else []

    def options_for(self, module: str) -> dict[str, str | None]:
        """Parameters set for ``module``: ``options`` lines, or its ``/etc/modules`` line."""
        return dict(self._merged_options().get(norm(need_str(module, "options_for(module)")), {}))

    def _merged_options(self) -> dict[str, dict[str, str | None]]:
        """Every module's parameters by its normalised name, lines merged in file order
        (one pass: asking :meth:`options_for` per line made :attr:`options` cubic)."""
        out: dict[str, dict[str, str | None]] = {}
        for module, words, _ in self._parameter_lines():
            out.setdefault(norm(module), {}).update(parse_params(words))
        return out

    def _parameter_lines(self) -> Iterator[tuple[str, list[str], Entry]]:
        """``(module, parameter words, line)`` for each line that sets parameters: in
        modprobe.conf an ``options MODULE ...`` line, in /etc/modules every line (the
        module, then its parameters); one reading for every view of the options."""
        modprobe = self.is_modprobe
        for e in self.entries():
            if not modprobe:
                yield e.key, e.values, e
            elif e.key == "options" and e.values:
                yield e.values[0], e.values[1:], e

    def set_option(self, module: str, param: str, value: str) -> Entry:
        """Set ``param=value`` for ``module``, changing one line; a word the file
        cannot hold is refused first (ValidationError)."""
        self.check(module, [f"{param}={value}"])
        want = norm(module)
        if self.is_modprobe:
            lines = [e for e in self.entries("options") if e.values and norm(e.values[0]) == want]
            offset = 1
        else:
            lines = [e for e in self.entries() if norm(e.key) == want]
            offset = 0
        for e in reversed(lines):
            for i, w in enumerate(e.values[offset:], offset):
                if w.partition("=")[0] == param:
                    e.values = [*e.values[:i], f"{param}={value}", *e.values[i + 1 :]]
                    return e
        if lines:
            e = lines[-1]
            e.values = [*e.values, f"{param}={value}"]
            return e
        if self.is_modprobe:
            return self.add("options", module, f"{param}={value}", after="options")
        return self.add(module, f"{param}={value}")

    def option_lines(self) -> list[tuple[str, str, str | None, Entry]]:
        """``(module, parameter, value, line)`` for every parameter set, in file order."""
        return [
            (norm(module), param, value, e)
            for module, words, e in self._parameter_lines()
            for param, value in parse_params(words).items()
        ]

    @property
    def options(self) -> dict[str, dict[str, str | None]]:
        """Parameters of every module that has some."""
        names = [module for module, _, _ in self._parameter_lines()]
        merged = self._merged_options()
        out: dict[str, dict[str, str | None]] = {}
        for n in names:
            opts = merged.get(norm(n))
            if opts and n not in out:
                out[n] = dict(opts)
        return out

    @property
    def aliases(self) -> dict[str, str]:
        """``alias NAME MODULE``: what ``modprobe NAME`` loads."""
        return {e.values[0]: e.values[1] for e in self._command("alias") if len(e.values) >= 2}

    @property
    def blacklist(self) -> list[str]:
        """Modules whose aliases are ignored (``blacklist MOD``)."""
        return [e.values[0] for e in self._command("blacklist") if e.values]

    @property
    def install(self) -> dict[str, str]:
        """``install MOD CMD``: a command run instead of loading the module."""
        return {e.values[0]: " ".join(e.values[1:]) for e in self._command("install") if e.values}

    @property
    def remove_commands(self) -> dict[str, str]:
        """``remove MOD CMD``: a command run instead of unloading the module."""
        return {e.values[0]: " ".join(e.values[1:]) for e in self._command("remove") if e.values}

    @property
    def softdeps(self) -> dict[str, dict[str, list[str]]]:
        """``softdep MOD pre: A post: B``: modules loaded before / after."""
        out: dict[str, dict[str, list[str]]] = {}
        for e in self._command("softdep"):
            if not e.values:
                continue
            deps: dict[str, list[str]] = {"pre": [], "post": []}
            where = "pre"
            for w in e.values[1:]:
                if w in ("pre:", "post:"):
                    where = w[:-1]
                else:
                    deps[where].append(w)
            out[e.values[0]] = deps
        return out

    # -- checks ------------------------------------------------------------
    def keyword_problems(self) -> Iterator[KeywordProblem]:
        """Unknown modprobe commands, with a did-you-mean; a boot list has no keywords."""
        if not self.is_modprobe:
            return
        for e in self.entries():
            if e.key not in COMMANDS:
                yield KeywordProblem(e, "unknown", e.key, suggest(e.key, COMMANDS, e.values))

    def value_problems(self) -> Iterator[ValueProblem]:
        """Commands missing their module or their command text."""
        if not self.is_modprobe:
            return
        for e in self.entries():
            need = _MIN_ARGS.get(e.key)
            if need is not None and len(e.values) < need:
                yield ValueProblem(
                    e, f"{e.key} needs at least {need} argument{'s' if need > 1 else ''}"
                )
            elif e.key == "options":
                yield from _comment_as_parameters(e)

    def to_dict(self, show_secrets: bool = False) -> dict[str, Any]:
        d: dict[str, Any] = {
            "format": FORMAT,
            "kind": "modprobe" if self.is_modprobe else "modules",
            "modules": self.modules,
            "options": self.options,
        }
        if self.is_modprobe:
            d.update(
                aliases=self.aliases,
                blacklist=self.blacklist,
                install=self.install,
                remove=self.remove_commands,
                softdep=self.softdeps,
            )
        return d


def _comment_as_parameters(e: Entry) -> Iterator[ValueProblem]:
    """``options m a=1  # why``: modprobe takes ``#`` as a comment only as a line's
    first word (module-init-tools ``parse_config_file``, kmod ``kmod_config_parse``),
    so the module gets ``#`` and the words after it as parameters; Linux 2.6
    ``parse_args`` answers an unknown parameter with -ENOENT and the module does not
    load ("Unknown parameter `#'"), later kernels load it and log the unknown ones."""
    words = e.values[1:]
    at = next((i for i, w in enumerate(words) if w.startswith("#")), None)
    if at is not None:
        passed = " ".join(words[at:])
        yield ValueProblem(
            e,
            f"options {e.values[0]}: '#' starts no comment after the first word, so the module"
            f" is given {passed!r} as parameters and a 2.6 kernel refuses to load it"
            " ('Unknown parameter'): put the comment on a line of its own",
        )


parse = parser_for(ModulesDocument)
