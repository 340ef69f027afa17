"""Configuration templates (Jinja, ERB/EPP) are not configuration files.

Ansible roles, Chef cookbooks and Puppet modules keep their ha.cf, drbd.conf and
corosync.conf as templates (``node {{ item }}``, ``auth <%= @auth_method %>``), and
install scripts write them from here-documents (``on ${PRIMARY} {``). Read as
the file they render to, every placeholder becomes a false finding (an unknown
keyword ``{%``, a port ``<%=`` that is not a number) and the few real checks drown.
Lint says once that the file is a template and checks nothing else in it.
"""

from __future__ import annotations

from .._lazy import lazy_re

#: The formats whose syntax has no use for ``{{``, ``{% %}`` or ``<% %>`` outside a
#: comment, so that a line holding one is a template's. (Python-syntax domU configs
#: and shell files can hold these characters in code, and are left out.)
TEMPLATE_FORMATS = frozenset(
    {"drbd", "hacf", "haresources", "authkeys", "logd", "corosync", "ocfs2", "cib", "cman"}
)

_MARKER = lazy_re(
    r"\{\{.*?\}\}"  # Jinja, Go templates, mustache: {{ expr }}
    r"|\{%-?\s*[A-Za-z_].*?%\}"  # Jinja statements: {% for ... %}
    r"|<%[=#-]?.*?%>"  # ERB (Chef) and EPP (Puppet): <%= @var %>, <% if ... -%>
)


#: A shell variable of a here-document or envsubst template (``node ${PEER}``), in the
#: formats that give ``$`` no meaning. Inside double quotes (a DRBD handler's command,
#: which the shell runs: ``"notify.sh ${DRBD_RESOURCE}"``) it is no placeholder.
_SHELL_MARKER = lazy_re(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]\s]*\])?\}")
_SHELL_FORMATS = TEMPLATE_FORMATS - {"cib", "cman"}  # an XML value may hold anything
#: ``%NODE_01%``: a placeholder some install scripts replace with sed (an authkeys key
#: may hold '%' signs, an XML value anything).
_SED_MARKER = lazy_re(r"%[A-Z][A-Z0-9_]*%")
_SED_FORMATS = _SHELL_FORMATS - {"authkeys"}
_QUOTED = lazy_re(r'"[^"\\]*(?:\\.[^"\\]*)*"')


def template_marker(text: str, fmt: str) -> tuple[int, int, str] | None:
    """``(line, column, marker)`` of the first template placeholder of ``text`` read as
    ``fmt`` outside a comment line, or ``None``: the file is no template (or ``fmt`` is
    not checked for templates)."""
    if fmt not in TEMPLATE_FORMATS or not _may_hold_marker(text, fmt):
        return None
    for n, line in enumerate(text.splitlines(), 1):
        head = line.lstrip()
        if head.startswith(("#", "<!--")):
            continue  # '# {{ ansible_managed }}': the rendered file holds the same line
        m = _MARKER.search(line)
        if m is None and fmt in _SHELL_FORMATS:
            unquoted = _QUOTED.sub(lambda q: " " * len(q.group()), line)
            m = _SHELL_MARKER.search(unquoted)
            if m is None and fmt in _SED_FORMATS:
                m = _SED_MARKER.search(unquoted)
        if m:
            return n, m.start() + 1, m.group()
    return None


def _may_hold_marker(text: str, fmt: str) -> bool:
    """Whether ``text`` holds the two characters every marker of ``fmt`` starts with: lint
    asks this of every file of these formats, and nearly none is a template, so most are
    passed with a few substring searches instead of three regexes on each line."""
    if "{{" in text or "{%" in text or "<%" in text:
        return True
    if fmt in _SHELL_FORMATS and "${" in text:
        return True
    return fmt in _SED_FORMATS and "%" in text


def template_message(marker: str) -> str:
    """What lint says of a template (XC001)."""
    kind = (
        "an ERB/EPP"
        if marker.startswith("<%")
        else "a shell (here-document)"
        if marker.startswith("$")
        else "a sed (%NAME%)"
        if marker.startswith("%")
        else "a Jinja"
    )
    shown = marker if len(marker) <= 40 else marker[:37] + "..."
    return (
        f"{kind} template, not a configuration file ('{shown}'): nothing in it is checked;"
        " render it and lint the result"
    )
