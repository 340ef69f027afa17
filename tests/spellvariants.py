"""Spelling variants of real files, as administrators write them (the differential
harness of tests/test_spelling_differential.py).

Each ``Spelling`` turns a text into another spelling of (nearly) the same settings:
line ends, indentation, comments, keyword case, ``-`` for ``_``, quotes, units,
number bases, booleans, host names, addresses, braces, sections. Some variants the
daemon takes and some it refuses; the harness asks the daemon, not this module.
Every function is deterministic: given a text and an index it picks the same spot.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

#: A spelling: (text, pick) -> the variant, or None where the text has no spot for it.
Spelling = Callable[[str, int], "str | None"]


def _pick(spots: list[re.Match[str]], pick: int) -> re.Match[str] | None:
    return spots[pick % len(spots)] if spots else None


def _sub(text: str, m: re.Match[str] | None, group: int, new: str) -> str | None:
    if m is None or m.group(group) == new:
        return None
    return text[: m.start(group)] + new + text[m.end(group) :]


# -- layout ------------------------------------------------------------------------


def crlf(text: str, pick: int) -> str | None:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def tabs(text: str, pick: int) -> str | None:
    return re.sub(r"(?m)^( {2,})", lambda m: "\t" * max(1, len(m.group(1)) // 4), text)


def spaces(text: str, pick: int) -> str | None:
    return re.sub(r"(?m)^(\t+)", lambda m: "    " * len(m.group(1)), text)


def blank_lines(text: str, pick: int) -> str | None:
    return re.sub(r"\n", "\n\n", text)


def trailing_blanks(text: str, pick: int) -> str | None:
    return re.sub(r"(?m)(\S)$", r"\1 \t", text)


def no_final_newline(text: str, pick: int) -> str | None:
    return text.rstrip("\n") if text.endswith("\n") else None


def leading_comment(text: str, pick: int) -> str | None:
    return "# managed by hand -- do not edit\n#\n" + text


# -- per-format spellings, driven by tables -------------------------------------------------


def replace_spot(pattern: str, group: int, new: Callable[[re.Match[str], int], str]) -> Spelling:
    """A spelling that rewrites group ``group`` of one match of ``pattern``."""
    compiled = re.compile(pattern, re.M)

    def spell(text: str, pick: int) -> str | None:
        m = _pick(list(compiled.finditer(text)), pick)
        return None if m is None else _sub(text, m, group, new(m, pick))

    spell.__name__ = f"replace:{pattern[:30]}"
    return spell


def choose(*words: str) -> Callable[[re.Match[str], int], str]:
    return lambda m, pick: words[pick % len(words)]


def named(name: str, spell: Spelling) -> Spelling:
    spell.__name__ = name
    return spell


def upper_first(m: re.Match[str], pick: int) -> str:
    word = m.group(m.lastindex or 0)
    return word.upper() if pick % 2 else word.capitalize()


def swap_dash(m: re.Match[str], pick: int) -> str:
    word = m.group(m.lastindex or 0)
    return word.replace("-", "_") if "-" in word else word.replace("_", "-")


def quoted(m: re.Match[str], pick: int) -> str:
    return '"' + m.group(m.lastindex or 0) + '"'


def unquoted(m: re.Match[str], pick: int) -> str:
    return m.group(m.lastindex or 0).strip('"')


def eol_comment(marker: str, after: str) -> Spelling:
    """A comment after the statement on its line (``protocol C; # sync``)."""
    compiled = re.compile(rf"(?m)^([^#\n]*{after})[ \t]*$")

    def spell(text: str, pick: int) -> str | None:
        m = _pick(list(compiled.finditer(text)), pick)
        return (
            None
            if m is None
            else text[: m.end(1)] + f" {marker} see ticket 4711" + text[m.end(1) :]
        )

    spell.__name__ = f"eol_comment{marker}"
    return spell


def comment_line_inside(marker: str, opener: str = "{") -> Spelling:
    """A comment line right after a section's opening line, indented like nothing else."""
    compiled = re.compile(rf"(?m)^[^#\n]*{re.escape(opener)}[ \t]*\n")

    def spell(text: str, pick: int) -> str | None:
        m = _pick(list(compiled.finditer(text)), pick)
        return (
            None if m is None else text[: m.end()] + f"{marker}old value was 3\n" + text[m.end() :]
        )

    spell.__name__ = f"comment_inside{marker}"
    return spell


def append(*lines: str) -> Spelling:
    def spell(text: str, pick: int) -> str | None:
        line = lines[pick % len(lines)]
        return text + ("" if text.endswith("\n") else "\n") + line + "\n"

    spell.__name__ = "append"
    return spell


def prepend(*lines: str) -> Spelling:
    def spell(text: str, pick: int) -> str | None:
        return lines[pick % len(lines)] + "\n" + text

    spell.__name__ = "prepend"
    return spell


#: The layout spellings the brace formats share (drbd.conf, multipath.conf).
_LAYOUT: dict[str, Spelling] = {
    "crlf": crlf,
    "tabs": tabs,
    "spaces": spaces,
    "blank_lines": blank_lines,
    "trailing_blanks": trailing_blanks,
    "no_final_newline": no_final_newline,
    "leading_comment": leading_comment,
}


# -- drbd.conf ---------------------------------------------------------------------


_DRBD_STMT = r"^[ \t]*([a-z][a-z0-9-]*[a-z])[ \t]+[^{};\n]*;"
DRBD: dict[str, Spelling] = {
    **_LAYOUT,
    "eol_comment": eol_comment("#", ";"),
    "eol_comment_brace": eol_comment("#", r"\{"),
    "comment_inside": comment_line_inside("  # "),
    "keyword_case": replace_spot(_DRBD_STMT, 1, upper_first),
    "section_case": replace_spot(
        r"^[ \t]*(net|disk|startup|syncer|handlers|common|global)\b", 1, upper_first
    ),
    "dash_underscore": replace_spot(r"^[ \t]*([a-z]+-[a-z0-9-]+)[ \t]", 1, swap_dash),
    "quote_value": replace_spot(r"^[ \t]*[a-z][a-z0-9-]*[ \t]+([A-Za-z0-9/._-]+);", 1, quoted),
    "unquote_value": replace_spot(
        r"^[ \t]*[a-z][a-z0-9-]*[ \t]+(\"[A-Za-z0-9/._-]+\");", 1, unquoted
    ),
    "quote_host": replace_spot(r"^[ \t]*on[ \t]+([A-Za-z0-9._-]+)[ \t]*\{", 1, quoted),
    "quote_resource": replace_spot(r"^[ \t]*resource[ \t]+([A-Za-z0-9._-]+)[ \t]*\{", 1, quoted),
    "drop_last_semicolon": replace_spot(r";([ \t]*\n[ \t]*\})", 0, lambda m, p: m.group(1)),
    "double_semicolon": replace_spot(r"[^;\s];()", 1, choose(";")),
    "semicolon_after_brace": replace_spot(r"^[ \t]*\}()[ \t]*$", 1, choose(";")),
    "space_before_semicolon": replace_spot(r"\S()(;)", 1, choose(" ", "\t")),
    "rate_unit": replace_spot(
        r"^[ \t]*(?:rate|resync-rate|c-max-rate|c-min-rate)[ \t]+(\d+[KMGkmg]?)[ \t]*;",
        1,
        choose("10M", "10m", "10240k", "10240K", "10240", "10MB", "10 M", "0x400", "010M", "33M"),
    ),
    "size_unit": replace_spot(
        r"^[ \t]*(?:sndbuf-size|rcvbuf-size|size|max-buffers|al-extents|max-epoch-size)"
        r"[ \t]+(\w+)[ \t]*;",
        1,
        choose("512k", "512K", "0", "1M", "2048", "0x800", "0800", "128KB", "1g"),
    ),
    "time_value": replace_spot(
        r"^[ \t]*(?:timeout|connect-int|ping-int|wfc-timeout|degr-wfc-timeout|ko-count|"
        r"ping-timeout)[ \t]+(\w+)[ \t]*;",
        1,
        choose("60", "0x3c", "060", "6s", "10", "+5", "-1"),
    ),
    "minor_spelling": replace_spot(
        r"^[ \t]*device[ \t]+(/dev/drbd(\d+))",
        1,
        lambda m, p: (
            "/dev/drbd_" + m.group(2),
            "/dev/drbd0" + m.group(2),
            "drbd" + m.group(2),
            "/dev/drbd" + m.group(2) + " minor " + m.group(2),
        )[p % 4],
    ),
    "ipv6": replace_spot(
        r"^[ \t]*address[ \t]+((?:ipv4[ \t]+)?\d+\.\d+\.\d+\.\d+):(\d+)",
        0,
        lambda m, p: m.group(0).replace(
            m.group(1),
            (
                "ipv6 [fd00::" + m.group(1).rsplit(".", 1)[-1] + "]",
                "[fd00::1]",
                "ipv6 fd00::1",
                "ipv6 [FD00:0:0::A]",
                "ipv4 " + m.group(1).split()[-1],
                "ipv6 [::ffff:" + m.group(1).split()[-1] + "]",
            )[p % 6],
        ),
    ),
    "address_family_case": replace_spot(r"^[ \t]*address[ \t]+(ipv4|ipv6)\b", 1, upper_first),
    "host_case": replace_spot(r"^[ \t]*on[ \t]+([a-z][A-Za-z0-9_-]*)[ \t]*\{", 1, upper_first),
    "host_fqdn": replace_spot(
        r"^[ \t]*on[ \t]+([a-z][A-Za-z0-9_-]*)[ \t]*\{", 1, lambda m, p: m.group(1) + ".example.com"
    ),
    # (globs that match nothing: a file the peer's /etc holds would be read as well)
    "include": prepend(
        'include "/etc/drbd.d/site-*.res";',
        "include /etc/drbd.d/site-*.res;",
        'include "drbd.d/site-*.res";',
    ),
    "empty_section": replace_spot(
        r"^([ \t]*)(resource|common|global)\b[^{\n]*\{",
        0,
        lambda m, p: (
            ("startup { }", "handlers {\n}", "net {}")[p % 3] + "\n" + m.group(0)
            if m.group(2) != "resource"
            else m.group(0)
        ),
    ),
    "empty_common": prepend("common { }", "common {\n}\n", "global { }"),
    "duplicate_subsection": replace_spot(
        r"(?s)^([ \t]*(?:net|disk|startup)[ \t]*\{[^{}]*\})",
        1,
        lambda m, p: m.group(1) + "\n" + m.group(1),
    ),
    "boolean": replace_spot(
        r"^[ \t]*(allow-two-primaries|disk-flushes|md-flushes|disk-barrier|disk-drain|"
        r"always-asbp|discard-zeroes-if-aligned|use-rle|two-primaries|become-primary-on)"
        r"((?:[ \t]+\w+)?)[ \t]*;",
        2,
        choose(" yes", " no", " on", " off", " true", " false", " 1", " 0", "", " Yes"),
    ),
    "one_line_section": replace_spot(
        r"(?s)([ \t]*(?:net|disk|startup|syncer|options)[ \t]*\{[^{}]*\})",
        1,
        lambda m, p: re.sub(r"\s*\n\s*", " ", m.group(1)),
    ),
    "brace_on_next_line": replace_spot(
        r"^([ \t]*(?:resource|on|net|disk|common)\b[^{\n#]*?)[ \t]*(\{)", 2, choose("\n{")
    ),
    "protocol_case": replace_spot(
        r"^[ \t]*protocol[ \t]+([ABC])", 1, lambda m, p: m.group(1).lower()
    ),
    "enum_case": replace_spot(
        r"^[ \t]*(?:after-sb-[012]pri|on-io-error|fencing|rr-conflict)[ \t]+([a-z-]+)",
        1,
        upper_first,
    ),
}


# -- multipath.conf -----------------------------------------------------------------


_MP_KEY = r"^[ \t]*([a-z][a-z_]*[a-z])[ \t]+[^{}\n]*$"
MULTIPATH: dict[str, Spelling] = {
    **_LAYOUT,
    "eol_comment": eol_comment("#", r"[^{}\s]"),
    "eol_bang_comment": eol_comment("!", r"[^{}\s]"),
    "eol_comment_brace": eol_comment("#", r"\{"),
    "comment_inside": comment_line_inside("\t#"),
    "bang_comment_inside": comment_line_inside("!"),
    "keyword_case": replace_spot(_MP_KEY, 1, upper_first),
    "section_case": replace_spot(
        r"^[ \t]*(defaults|blacklist|multipaths|devices|multipath|device)[ \t]*\{", 1, upper_first
    ),
    "dash_underscore": replace_spot(r"^[ \t]*([a-z]+_[a-z_]+)[ \t]", 1, swap_dash),
    "quote_value": replace_spot(r"^[ \t]*[a-z_]+[ \t]+([A-Za-z0-9/._-]+)[ \t]*$", 1, quoted),
    "unquote_value": replace_spot(r"^[ \t]*[a-z_]+[ \t]+(\"[^\"\s]+\")[ \t]*$", 1, unquoted),
    "single_quotes": replace_spot(
        r"^[ \t]*[a-z_]+[ \t]+(\"[^\"\s']+\")[ \t]*$", 1, lambda m, p: "'" + m.group(1)[1:-1] + "'"
    ),
    "boolean": replace_spot(
        r"^[ \t]*(?:user_friendly_names|find_multipaths|flush_on_last_del|"
        r"retain_attached_hw_handler|"
        r"detect_prio|detect_checker|skip_kpartx|deferred_remove)[ \t]+(\"?\w+\"?)",
        1,
        choose("yes", "no", "on", "off", "true", "false", "1", "0", "YES", '"yes"'),
    ),
    "number_base": replace_spot(
        r"^[ \t]*(?:polling_interval|rr_min_io|rr_min_io_rq|max_fds|checker_timeout|"
        r"fast_io_fail_tmo|"
        r"dev_loss_tmo|no_path_retry|queue_without_daemon|minio)[ \t]+(\"?\w+\"?)",
        1,
        choose("10", "0x10", "010", "10s", '"10"', "+10", "-1", "fail", "queue", "1000"),
    ),
    "no_path_retry": append(
        "defaults {\n\tno_path_retry queue\n}",
        "defaults {\n\tno_path_retry fail\n}",
        "defaults {\n\tno_path_retry 5\n}",
        'defaults {\n\tno_path_retry "queue"\n}',
        "defaults {\n\tno_path_retry Queue\n}",
        "defaults {\n\tfailback immediate\n}",
        "defaults {\n\tfailback manual\n}",
        "defaults {\n\tfailback 30\n}",
        "defaults {\n\tfailback followover\n}",
        "defaults {\n\tpath_grouping_policy group_by_prio\n}",
        'defaults {\n\tpath_grouping_policy "multibus"\n}',
        'defaults {\n\tpath_selector "round-robin 0"\n}',
        'defaults {\n\tpath_selector "service-time 0"\n}',
        "defaults {\n\tpath_selector round-robin 0\n}",
        'defaults {\n\tfeatures "1 queue_if_no_path"\n}',
        "defaults {\n\tfeatures 1 queue_if_no_path\n}",
        'defaults {\n\thardware_handler "0"\n}',
        "defaults {\n\tprio alua\n}",
        'defaults {\n\tprio "const"\n}',
        "defaults {\n\tpath_checker tur\n}",
        "defaults {\n\tpath_checker TUR\n}",
        "defaults {\n\tuser_friendly_names yes\n}",
        'defaults {\n\tuser_friendly_names "yes"\n}',
        "defaults {\n\tverbosity 2\n}",
    ),
    "brace_on_next_line": replace_spot(
        r"^([ \t]*(?:defaults|blacklist|multipaths|devices|multipath|device))[ \t]*(\{)",
        2,
        choose("\n{"),
    ),
    "brace_no_space": replace_spot(
        r"^[ \t]*(?:defaults|blacklist|multipaths|devices|multipath|device)([ \t]+)\{",
        1,
        choose(""),
    ),
    "closing_same_line": replace_spot(r"(\S)([ \t]*\n[ \t]*)\}", 2, choose(" ", "\t")),
    "empty_section": append(
        "blacklist {\n}", "blacklist_exceptions {\n}", "overrides {\n}", "multipaths {\n}"
    ),
    "duplicate_defaults": append("defaults {\n\tpolling_interval 10\n}", "defaults {\n}"),
    "wwid_case": replace_spot(
        r"^[ \t]*wwid[ \t]+\"?([0-9a-f]{16,})", 1, lambda m, p: m.group(1).upper()
    ),
    "alias_case": replace_spot(r"^[ \t]*alias[ \t]+\"?([a-z][\w-]*)", 1, upper_first),
}


# -- ha.cf ------------------------------------------------------------------------------


HACF: dict[str, Spelling] = {
    "crlf": crlf,
    "tabs": replace_spot(r"^([a-z_]+)( +)", 2, choose("\t")),
    "blank_lines": blank_lines,
    "trailing_blanks": trailing_blanks,
    "eol_comment": eol_comment(
        "#", r"^\s*(?:keepalive|deadtime|warntime|initdead|auto_failback|crm|node)\b[^\n#]*\S"
    ),
    "keyword_case": replace_spot(
        r"^(keepalive|deadtime|auto_failback|node|crm|logfacility|udpport)\b", 1, upper_first
    ),
    "dash_underscore": replace_spot(r"^([a-z]+_[a-z_]+)\b", 1, swap_dash),
    "boolean": replace_spot(
        r"^(?:auto_failback|crm|use_logd|debug_level_never|autojoin|uuidfrom|"
        r"compression_threshold)[ \t]+(\S+)",
        1,
        choose(
            "on", "off", "yes", "no", "true", "false", "1", "0", "legacy", "ON", '"on"', "respawn"
        ),
    ),
    "time_unit": replace_spot(
        r"^(?:keepalive|deadtime|warntime|initdead)[ \t]+(\d+)",
        1,
        lambda m, p: (
            m.group(1) + "s",
            str(int(m.group(1)) * 1000) + "ms",
            m.group(1) + "000ms",
            m.group(1) + " s",
            "0x" + m.group(1),
            "0" + m.group(1),
            m.group(1) + ".0",
        )[p % 7],
    ),
    "node_case": replace_spot(r"^node[ \t]+(\w[\w.-]*)", 1, upper_first),
    "node_fqdn": replace_spot(
        r"^node[ \t]+(\w[\w-]*)", 1, lambda m, p: m.group(1) + ".example.com"
    ),
    "logfacility": replace_spot(
        r"^logfacility[ \t]+(\S+)", 1, choose("local0", "LOCAL0", "daemon", "none", "local7")
    ),
}


# -- corosync.conf ----------------------------------------------------------------------


COROSYNC: dict[str, Spelling] = {
    "crlf": crlf,
    "tabs": tabs,
    "spaces": spaces,
    "blank_lines": blank_lines,
    "trailing_blanks": trailing_blanks,
    "leading_comment": leading_comment,
    "comment_inside": comment_line_inside("\t# "),
    "eol_comment": eol_comment("#", r"\w:[ \t]*\w+"),
    "keyword_case": replace_spot(r"^[ \t]*([a-z_]+)[ \t]*:", 1, upper_first),
    "section_case": replace_spot(
        r"^[ \t]*(totem|logging|quorum|nodelist|node|interface)[ \t]*\{", 1, upper_first
    ),
    "dash_underscore": replace_spot(r"^[ \t]*([a-z]+_[a-z_]+)[ \t]*:", 1, swap_dash),
    "no_space_colon": replace_spot(r"^[ \t]*[a-z_0-9]+(:[ \t]+)\S", 1, choose(":")),
    "space_before_colon": replace_spot(r"^[ \t]*[a-z_0-9]+(:)[ \t]+\S", 1, choose(" :")),
    "equals": replace_spot(r"^[ \t]*[a-z_0-9]+(:)[ \t]+\S", 1, choose(" =", "=")),
    "quote_value": replace_spot(r"^[ \t]*[a-z_0-9]+:[ \t]*([A-Za-z0-9._-]+)[ \t]*$", 1, quoted),
    "boolean": replace_spot(
        r"^[ \t]*(?:to_syslog|to_stderr|to_logfile|timestamp|debug|two_node|wait_for_all|"
        r"secauth|fileline|"
        r"function_name|last_man_standing|auto_tie_breaker)[ \t]*:[ \t]*(\S+)",
        1,
        choose("yes", "no", "on", "off", "true", "false", "1", "0", "Yes", "ON"),
    ),
    "number_base": replace_spot(
        r"^[ \t]*(?:token|consensus|join|nodeid|expected_votes|token_retransmits_before_loss_const|"
        r"max_messages|netmtu|mcastport)[ \t]*:[ \t]*(\d+)",
        1,
        lambda m, p: (
            "0x" + format(int(m.group(1)), "x"),
            "0" + m.group(1),
            m.group(1) + "ms",
            "+" + m.group(1),
            m.group(1) + " ",
            m.group(1) + ".0",
        )[p % 6],
    ),
    "brace_on_next_line": replace_spot(
        r"^([ \t]*(?:totem|logging|quorum|nodelist|node|interface))[ \t]*(\{)", 2, choose("\n{")
    ),
    "empty_section": append("totem {\n}", "logging {\n}", "resources {\n}", "system {\n}"),
    "name_case": replace_spot(r"^[ \t]*name:[ \t]*([a-z][\w-]*)", 1, upper_first),
    "ipv6": replace_spot(
        r"^[ \t]*ring1_addr:[ \t]*(\d+\.\d+\.\d+\.\d+)[ \t]*$",
        1,
        lambda m, p: "fd00::" + m.group(1).rsplit(".", 1)[1],
    ),
}


# -- xl / xm domU configs ----------------------------------------------------------------------

_XL_KEY = r"^([a-z][a-z_]*)[ \t]*=[ \t]*\S"
XL: dict[str, Spelling] = {
    "crlf": crlf,
    "tabs": replace_spot(r"^[a-z_]+( *)=( *)", 1, choose("\t")),
    "blank_lines": blank_lines,
    "trailing_blanks": trailing_blanks,
    "leading_comment": leading_comment,
    "no_final_newline": no_final_newline,
    "eol_comment": eol_comment("#", r"^[a-z_]+[ \t]*=[^#\n]*[\w\]\"']"),
    "keyword_case": replace_spot(_XL_KEY, 1, upper_first),
    "dash_underscore": replace_spot(r"^([a-z]+_[a-z_]+)[ \t]*=", 1, swap_dash),
    "no_spaces": replace_spot(r"^[a-z_]+([ \t]*=[ \t]*)", 1, choose("=")),
    "single_quotes": replace_spot(
        r"^[a-z_]+[ \t]*=[ \t]*(\"[^\"'\n]*\")[ \t]*$", 1, lambda m, p: "'" + m.group(1)[1:-1] + "'"
    ),
    "int_as_string": replace_spot(
        r"^(?:memory|maxmem|vcpus|maxvcpus|shadow_memory|videoram)[ \t]*=[ \t]*(\d+)", 1, quoted
    ),
    "string_as_int": replace_spot(
        r"^(?:memory|maxmem|vcpus|maxvcpus)[ \t]*=[ \t]*(\"\d+\")", 1, unquoted
    ),
    "hex_number": replace_spot(
        r"^(?:memory|maxmem|vcpus|maxvcpus)[ \t]*=[ \t]*(\d+)",
        1,
        lambda m, p: (
            "0x" + format(int(m.group(1)), "x"),
            "0" + m.group(1),
            m.group(1) + "M",
            m.group(1) + ".0",
        )[p % 4],
    ),
    "trailing_comma": replace_spot(
        r"^[a-z_]+[ \t]*=[ \t]*\[[^\]\n]*('|\")[ \t]*(\])", 2, choose(",]", ", ]")
    ),
    "list_multiline": replace_spot(
        r"^[a-z_]+[ \t]*=[ \t]*(\[[^\]\n]*\])",
        1,
        lambda m, p: "[\n    " + re.sub(r",\s*", ",\n    ", m.group(1)[1:-1].strip()) + "\n]",
    ),
    "boolean": replace_spot(
        r"^(?:pae|acpi|apic|hap|localtime|stdvga|usb|vnc|sdl|serial|nographic|on_xend_start|pci_permissive|viridian)"
        r"[ \t]*=[ \t]*(\S+)",
        1,
        choose("1", "0", '"1"', "True", "False", "yes", '"yes"', '"true"', "2", "-1"),
    ),
    "append_value": append(
        'on_crash = "restart"',
        "on_crash = 'coredump-restart'",
        'on_poweroff = "destroy"',
        'on_reboot = "Restart"',
        "name = 'x' + 'y'",
        'memory = "1024"',
        "memory = 1024",
        "vcpus = 2",
        "vif = []",
        "vif = ['']",
        "disk = [ ]",
        'extra = "console=hvc0 " "xencons=tty"',
        'bootloader = "/usr/bin/pygrub"',
        "builder = 'hvm'",
        'type = "pvh"',
        "cpus = '0-3'",
        "cpus = [0, 1]",
        "cpus = ['0', '1']",
        'root = "/dev/xvda1 ro"',
        "localtime = 0",
        'kernel = "/boot/vmlinuz-xen"',
        "vif = [ 'mac=00:16:3E:12:34:56,bridge=xenbr0' ]",
        "vif = [ 'mac=00:16:3e:12:34:56, bridge=xenbr0' ]",
        "disk = [ 'phy:/dev/vg0/domu,xvda,w' ]",
        "disk = [ 'phy:/dev/vg0/domu,xvda,W' ]",
        "disk = [ 'file:/srv/xen/domu.img,xvda,w' ]",
        "disk = [ 'phy:/dev/vg0/domu,xvda1,w', 'phy:/dev/vg0/swap,xvda2,w' ]",
        "disk = [ 'drbd:r0,xvda,w' ]",
        "vfb = [ 'type=vnc,vncunused=1' ]",
        "memory = 512 # MB",
    ),
}


XM: dict[str, Spelling] = {
    **{k: v for k, v in XL.items() if k not in ("keyword_case",)},
    "keyword_case": replace_spot(_XL_KEY, 1, upper_first),
    # (no leading-zero octal: Python 2, which xm ran, reads it; the peer's Python 3 refuses)
    "hex_number": replace_spot(
        r"^(?:memory|maxmem|vcpus|maxvcpus)[ \t]*=[ \t]*(\d+)",
        1,
        lambda m, p: (
            "0x" + format(int(m.group(1)), "x"),
            m.group(1) + ".0",
            str(m.group(1)) + " + 0",
        )[p % 3],
    ),
    "append_python": append(
        "memory = 256 * 2",
        "name = 'dom' + 'u1'",
        "disk = ['phy:vg0/a,xvda,w'] + ['phy:vg0/b,xvdb,w']",
        "vcpus = int('2')",
        "import os",
        "extra = 'console=hvc0 %s' % 'quiet'",
        "memory = '512'",
        "vif = [ 'bridge=%s' % 'xenbr0' ]",
        "if 1:\n    memory = 512",
        "memory = 512;",
        "on_crash = 'restart'; on_reboot = 'restart'",
        "disk = [\n  'phy:vg0/a,xvda,w',\n  # spare\n  'phy:vg0/b,xvdb,w',\n]",
        'vfb = [ "type=vnc,vncunused=1" ]',
        'cpus = "^0"',
        'extra = """console=hvc0"""',
        "root = r'/dev/xvda1 ro'",
        "memory = 1_024",
    ),
}


# -- OCFS2 cluster.conf -----------------------------------------------------------------


OCFS2: dict[str, Spelling] = {
    "crlf": crlf,
    "spaces_indent": replace_spot(r"^(\t)\w", 1, choose("    ", "  ", " \t")),
    "two_tabs": replace_spot(r"^(\t)\w", 1, choose("\t\t")),
    "blank_lines": blank_lines,
    "trailing_blanks": trailing_blanks,
    "leading_comment": leading_comment,
    "comment_inside": comment_line_inside("\t# ", ":"),
    "eol_comment": eol_comment("#", r"=[ \t]*\S+"),
    "keyword_case": replace_spot(r"^\t([a-z_]+)[ \t]*=", 1, upper_first),
    "stanza_case": replace_spot(r"^(node|cluster):", 1, upper_first),
    "dash_underscore": replace_spot(r"^\t([a-z]+_[a-z_]+)[ \t]*=", 1, swap_dash),
    "no_spaces": replace_spot(r"^\t[a-z_]+([ \t]*=[ \t]*)", 1, choose("=", " =", "= ")),
    "quote_value": replace_spot(r"^\t[a-z_]+[ \t]*=[ \t]*(\S+)[ \t]*$", 1, quoted),
    "number_base": replace_spot(
        r"^\t(?:ip_port|number|node_count)[ \t]*=[ \t]*(\d+)",
        1,
        lambda m, p: (
            "0x" + format(int(m.group(1)), "x"),
            "0" + m.group(1),
            "+" + m.group(1),
            m.group(1) + "x",
        )[p % 4],
    ),
    "name_case": replace_spot(r"^\tname[ \t]*=[ \t]*([a-z][\w-]*)", 1, upper_first),
    "name_fqdn": replace_spot(
        r"^\tname[ \t]*=[ \t]*([a-z][\w-]*)", 1, lambda m, p: m.group(1) + ".example.com"
    ),
    "space_before_colon": replace_spot(r"^(?:node|cluster)(:)", 1, choose(" :")),
}


# -- CIB ------------------------------------------------------------------------------------


CIB: dict[str, Spelling] = {
    "crlf": crlf,
    "tabs": tabs,
    "blank_lines": blank_lines,
    "xml_declaration": prepend('<?xml version="1.0"?>', "<?xml version='1.0' encoding='UTF-8'?>"),
    "comment": replace_spot(r"(<resources>)", 1, lambda m, p: "<!-- xen guests -->" + m.group(1)),
    "single_quotes": replace_spot(
        r"(<(?:nvpair|op)\b[^>]*?\bid=)\"([^\"']*)\"",
        0,
        lambda m, p: m.group(1) + "'" + m.group(2) + "'",
    ),
    "boolean": replace_spot(
        r'\bname="(?:stonith-enabled|stonith_enabled|symmetric-cluster|is-managed|is_managed|'
        r"globally-unique|notify|ordered|collocated|interleave|start-failure-is-fatal|"
        r'stop-orphan-resources|maintenance-mode)"[^>]*?\bvalue="([^"]*)"',
        1,
        choose("true", "false", "yes", "no", "on", "off", "1", "0", "TRUE", "Yes", "y", "n"),
    ),
    "dash_underscore": replace_spot(r'\bname="([a-z]+[-_][a-z_-]+)"', 1, swap_dash),
    "score": replace_spot(
        r'\bscore="([^"]*)"',
        1,
        choose("INFINITY", "+INFINITY", "-INFINITY", "infinity", "inf", "-inf", "100", "+100", "0"),
    ),
    "interval": replace_spot(
        r'<op\b[^>]*?\b(?:interval|timeout)="([^"]*)"',
        1,
        choose("10s", "10", "10000ms", "1min", "1m", "PT10S", "0", "10sec", "10 s", "1h"),
    ),
    "role_case": replace_spot(
        r'\b(?:role|target-role|rsc-role|with-rsc-role)="([A-Za-z]+)"', 1, upper_first
    ),
    "target_role": replace_spot(
        r'name="target[-_]role"[^>]*?value="([^"]*)"',
        1,
        choose("started", "Started", "stopped", "Master", "master", "Slave", "Promoted"),
    ),
    "operation": replace_spot(r'\boperation="([a-z]+)"', 1, upper_first),
}


FORMATS_SPELLINGS: dict[str, dict[str, Spelling]] = {
    "drbd": DRBD,
    "multipath": MULTIPATH,
    "hacf": HACF,
    "corosync": COROSYNC,
    "xl": XL,
    "xm": XM,
    "ocfs2": OCFS2,
    "cib": CIB,
}


def variants(fmt: str, bases: list[tuple[str, str]], picks: int) -> Iterator[tuple[str, str]]:
    """(name, text) for every spelling of ``fmt`` on every base, ``picks`` spots each
    (distinct texts only; the base's own text is never a variant)."""
    seen: set[str] = {t for _, t in bases}
    for spelling_name, spell in FORMATS_SPELLINGS[fmt].items():
        for base_name, text in bases:
            for pick in range(picks):
                new = spell(text, pick)
                if new is None or new in seen:
                    continue
                seen.add(new)
                yield f"{spelling_name}.{pick}.{base_name}", new
