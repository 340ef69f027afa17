"""The terminals of the scanned grammars, in the order Lark's lexer tries them.

Generated from the grammars by ``python -m xencfg.syntax.scan`` (then ``ruff
format``); tests/test_fast_paths.py checks that it is current. Do not edit.
"""

#: grammar -> ((terminal, regex), ...), first tried first
TERMINALS: dict[str, tuple[tuple[str, str], ...]] = {
    "drbd": (
        (
            "SKIP",
            "skip(?![^\\s{\\[])[^{]{0,4096}\\{[^{}]*(?:\\{[^{}]*(?:\\{[^{}]*(?:\\{[^{}]*(?:\\{[^{}]*(?:\\{[^{}]*\\}[^{}]*)*\\}[^{}]*)*\\}[^{}]*)*\\}[^{}]*)*\\}[^{}]*)*\\}",
        ),
        ("STRING", '"[^"\\\\\n]*(?:\\\\.[^"\\\\\n]*)*"'),
        ("WORD", '[^\\s;{}"#\xa0]+'),
        ("WS", "[ \t\x0c\\v\r\n\xa0]+"),
        ("COMMENT", "#[^\n]*"),
        ("EMPTY", ";"),
        ("LBRACE", "\\{"),
        ("RBRACE", "\\}"),
        ("SEMICOLON", ";"),
    ),
    "lvmlike": (
        ("STRING", '"[^"\\\\\n\x00]*(?:\\\\[^\x00\n][^"\\\\\n\x00]*)*"|\'[^\'\n\x00]*\''),
        ("WORD", '[^\\s"\'\\[\\]{},=#\x00][^\\s"\\[\\]{},=#\x00]*'),
        ("WS", "[ \t\x0c\\v\r\n\xa0]+"),
        ("COMMENT", "#[^\n]*"),
        ("COMMA", ","),
        ("EQ", "="),
        ("LBRACE", "\\{"),
        ("LSQB", "\\["),
        ("RBRACE", "\\}"),
        ("RSQB", "\\]"),
    ),
    "multipath": (
        ("_BRACE_NL", "\r?\n(?:[ \t\x0c\\v\r\xa0]*(?:[#!][^\n]*)?\n)*(?=[ \t\x0c\\v\xa0]*\\{)"),
        ("STRING", '"[^"\n\r\x00]*(?:""[^"\n\r\x00]*)*"'),
        ("WORD", '[^\\s"{}#!\x00]+'),
        ("COMMENT", "[#!][^\n]*"),
        ("WS", "[^\\S\n]+"),
        ("_NL", "\r?\n"),
        ("LBRACE", "\\{"),
        ("RBRACE", "\\}"),
    ),
    "xend": (
        (
            "STRING",
            "(?:(?s:'[^'\\\\]*(?:\\\\.[^'\\\\]*)*')|(?s:\"[^\"\\\\]*(?:\\\\.[^\"\\\\]*)*\"))",
        ),
        ("WORD", "[^\\s()'\"#\ufeff][^\\s()'\"#\ufeff{}<>\\[\\]!;]*"),
        ("COMMENT", "#[^\n]*"),
        ("WS", "[\\s\ufeff]+"),
        ("LPAR", "\\("),
        ("RPAR", "\\)"),
    ),
    "lines": (
        ("WS", "[ \t\x0c\\v\r\xa0]+"),
        ("WORD", "[^\\s#]+"),
        ("COMMENT", "#[^\n]*"),
        ("_NL", "\r?\n"),
    ),
    "modules": (
        ("COMMENT", "(?<![^\n])#[^\n]*"),
        ("WORD", "(?:[^\\s\\\\]+|\\\\(?![\r\n]))+"),
        ("WS", "(?:[ \t\x0c\\v\r\xa0]+|\\\\\r?\n)+"),
        ("_NL", "\r?\n"),
    ),
    "keyvalue": (
        ("VALUE", "[^ \t\x0c\\v\r\n](?:[^\r\n]*[^ \t\x0c\\v\r\n])?"),
        ("KEY", "[^\\s=#][^\\s=]*"),
        ("WS", "[ \t\x0c\\v\r]+"),
        ("COMMENT", "#[^\n]*"),
        ("_NL", "\r?\n"),
        ("EQ", "="),
    ),
    "ocfs2": (
        ("HEAD", "[A-Za-z_][A-Za-z0-9_.-]*[ \t]*:"),
        ("VALUE", "[^\\s=](?:[^\n\r]*[^ \t\x0c\\v\r\n])?"),
        ("KEY", "[A-Za-z_][A-Za-z0-9_.-]*"),
        ("WS", "[ \t\x0c\\v\r]+"),
        ("COMMENT", "#[^\n]*"),
        ("_NL", "\r?\n"),
        ("EQ", "="),
    ),
    "corosync": (
        ("VALUE", "[^\\s{](?:[^\n{]*[^\n{ \t\r])?(?=[ \t\r]*(\n|$))"),
        ("NAME", "[^\\s{}:#](?:[^\n{}:]*[^\n{}: \t])?(?=[ \t]*\\{)"),
        ("KEY", "[^\\s{}:#](?:[^\n{}:]*[^\n{}: \t])?(?=[ \t]*:)"),
        ("WS", "[ \t\x0c\\v\r]+"),
        ("COMMENT", "#[^\n]*"),
        ("_NL", "\r?\n"),
        ("COLON", ":"),
        ("LBRACE", "\\{"),
        ("RBRACE", "\\}"),
    ),
    "shellvars": (
        (
            "ASSIGN",
            '[A-Za-z_][A-Za-z0-9_]*=(?:[^\\s"\'\\\\`$;|&<>()]+)?(?:(?:(?:\\$\\([^)\n]*\\)|`[^`\\\\]*(?:\\\\[\\s\\S][^`\\\\]*)*`)|"[^"\\\\]*(?:\\\\[\\s\\S][^"\\\\]*)*"|\'[^\']*\'|\\$+(?!\\()|\\\\[\\s\\S])(?:[^\\s"\'\\\\`$;|&<>()]+)?)*',
        ),
        ("EXPORT", "export(?=[ \t])"),
        (
            "WORD",
            '(?:"[^"\\\\]*(?:\\\\[\\s\\S][^"\\\\]*)*"|\'[^\']*\'|\\\\[\\s\\S]|[^\\s"\'\\\\`#])(?:[^\\s"\'\\\\`]+)?(?:(?:"[^"\\\\]*(?:\\\\[\\s\\S][^"\\\\]*)*"|`[^`\\\\]*(?:\\\\[\\s\\S][^`\\\\]*)*`|\'[^\']*\'|\\\\[\\s\\S])(?:[^\\s"\'\\\\`]+)?)*',
        ),
        (
            "WS",
            "[ \t\x0c\\v\r\xa0]+(?:\\\\\r?\n[ \t\x0c\\v\r\xa0]*)*|(?:\\\\\r?\n[ \t\x0c\\v\r\xa0]*)+",
        ),
        ("COMMENT", "#[^\n]*"),
        ("_NL", "\r?\n"),
    ),
}

#: grammar -> its %ignore'd terminals
IGNORED: dict[str, frozenset[str]] = {
    "drbd": frozenset(("COMMENT", "WS")),
    "lvmlike": frozenset(("COMMENT", "WS")),
    "multipath": frozenset(("COMMENT", "WS")),
    "xend": frozenset(("COMMENT", "WS")),
    "lines": frozenset(("COMMENT", "WS")),
    "modules": frozenset(("COMMENT", "WS")),
    "keyvalue": frozenset(("COMMENT", "WS")),
    "ocfs2": frozenset(("COMMENT", "WS")),
    "corosync": frozenset(("COMMENT", "WS")),
    "shellvars": frozenset(("COMMENT", "WS")),
}
