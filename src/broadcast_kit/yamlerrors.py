"""YAML syntax errors in plain words: which line, what its indentation looks like, the fix.

PyYAML describes a syntax error in parser terms ("expected <block end>, but found '?'",
"mapping values are not allowed here"), at a position that is often the line after the
mistake. Most mistakes in hand-written episode files are one of a few: a key indented to
no column a key above it uses, a line indented under a key that already has a value, a
colon or a quote inside an unquoted value, a tab, an unclosed quote or bracket. `explain`
recognises those from the error and the file's lines and says, in one line, which line is
wrong, where the keys around it are, and what to write instead; anything else keeps
PyYAML's own words with its token names translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_TOKENS = {
    "'?'": "a key",
    "'<block mapping start>'": "a key",
    "'<block sequence start>'": "a list item ('- ')",
    "'-'": "a list item ('- ')",
    "'<scalar>'": "more text",
    "':'": "a ':'",
}
# characters YAML reserves at the start of a plain value
_RESERVED = {
    "@": "'@' is reserved in YAML",
    "`": "'`' is reserved in YAML",
    "*": "'*' starts an alias in YAML (*name)",
    "&": "'&' starts an anchor in YAML (&name)",
    "!": "'!' starts a tag in YAML",
    "%": "'%' starts a directive in YAML",
    "|": "'|' starts a block of text in YAML",
    ">": "'>' starts a folded block of text in YAML",
}


@dataclass(frozen=True)
class _Line:
    number: int  # 1-based
    text: str

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" "))

    @property
    def content(self) -> str:
        return self.text.strip()

    def key(self) -> tuple[str, int] | None:
        """The first key on the line and its column ('- ' items skipped), if it has one."""
        column, rest = self.indent, self.text[self.indent :]
        while re.match(r"-( |$)", rest):
            stripped = rest[1:].lstrip(" ")
            column += len(rest) - len(stripped)
            rest = stripped
        found = re.match(r"([^\s:#'\"][^:#]*?)[ ]*:( |$)", rest)
        return (found.group(1), column) if found else None

    def dash(self) -> int | None:
        """The column of the '- ' that starts a list item on this line, if it does."""
        return self.indent if re.match(r"^[ ]*-(\s|$)", self.text) else None


def _spaces(n: int) -> str:
    return f"{n} space" + ("" if n == 1 else "s")


def _shown(line: _Line, limit: int = 40) -> str:
    text = line.content
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _content_lines(text: str) -> list[_Line]:
    return [
        _Line(n, raw)
        for n, raw in enumerate(text.splitlines(), start=1)
        if raw.strip() and not raw.strip().startswith("#")
    ]


def _above(lines: list[_Line], number: int) -> list[_Line]:
    """The line just above `number` and then each line above that is indented less than all
    lines between (its parents), nearest first."""
    chain: list[_Line] = []
    floor = None
    for line in reversed([ln for ln in lines if ln.number < number]):
        if floor is None or line.indent < floor:
            chain.append(line)
            floor = line.indent
            if floor == 0:
                break
    return chain


def _columns(chain: list[_Line], dashes: bool) -> list[tuple[int, str]]:
    """Where keys (and list items' '-', with `dashes`) start in the lines above:
    (column, description), nearest line first."""
    found: list[tuple[int, str]] = []
    for line in chain:
        key = line.key()
        if key is not None:
            found.append((key[1], f"'{key[0]}' on line {line.number}"))
        dash = line.dash()
        if dash is not None and dashes:
            found.append((dash, f"the '-' on line {line.number}"))
    return found


def _name(what: str) -> str:
    return what.split(" on line ")[0]


def _misaligned(lines: list[_Line], line: _Line) -> str:
    """A line whose indentation matches no key or list item above it."""
    chain = _above(lines, line.number)
    head = f"line {line.number} ({_shown(line)}) is indented {_spaces(line.indent)}"
    item = line.dash() is not None
    if not item:
        dashes = [ln for ln in chain if ln.dash() == line.indent]
        if dashes:
            key = dashes[0].key()
            lines_up = f"; its keys line up with '{key[0]}' ({_spaces(key[1])})" if key else ""
            return (
                f"{head}, as far as the '-' on line {dashes[0].number}, which starts a list"
                f" item{lines_up}: indent it like them if it belongs to that item"
            )
    columns = _columns(chain, dashes=item)
    deeper = min((c for c in columns if c[0] > line.indent), default=None)
    shallower = max((c for c in columns if c[0] < line.indent), default=None)
    around = [f"{c[1]} is at {c[0]}" for c in (deeper, shallower) if c is not None]
    fix = "line it up exactly with the key it belongs with (spaces, not tabs)"
    if deeper is not None:
        fix = f"indent it {_spaces(deeper[0])} to go with {_name(deeper[1])}"
        if shallower is not None:
            fix += f", or {shallower[0]} to go with {_name(shallower[1])}"
    elif shallower is not None:
        fix = f"indent it {_spaces(shallower[0])} to go with {_name(shallower[1])}"
    if not around:
        return f"{head}; {fix}"
    return f"{head}, which lines up with nothing above it ({', '.join(around)}): {fix}"


def _mapping_value(lines: list[_Line], line: _Line, column: int) -> str:
    """'mapping values are not allowed here': a second ': ' in a value, or a key indented
    under a key that already has a value."""
    key = line.key()
    if key is not None and column > key[1] + len(key[0]):
        rest = line.text[key[1] + len(key[0]) :].lstrip(" :").rstrip()
        prefix = line.text[: key[1]].strip()
        quoted = rest.replace('"', '\\"')
        lead = f"{prefix} " if prefix else ""
        return (
            f"line {line.number} has a second ': ' in the value of '{key[0]}'; quote a value"
            f' that contains ": ": {lead}{key[0]}: "{quoted}"'
        )
    previous = _above(lines, line.number)[:1]
    if previous and line.indent > previous[0].indent:
        before = previous[0]
        owner = before.key()
        name = f"'{owner[0]}'" if owner else "the line"
        at = owner[1] if owner else before.indent
        return (
            f"line {line.number} ({_shown(line)}) is indented {_spaces(line.indent)}, deeper"
            f" than {name} on line {before.number}, which already has a value, so YAML reads"
            f" it as part of that value: line it up with {name} ({_spaces(at)}), or, if it"
            f" belongs under {name}, move that value off line {before.number}"
        )
    return (
        f"line {line.number} has a ':' where YAML does not expect a key; quote the value if"
        " the ':' is part of the text"
    )


def _open_bracket(text: str, end: int) -> tuple[str, int] | None:
    """The innermost '[' or '{' still open at `end` of `text`, and its line (quotes and
    comments skipped roughly, as a flow collection's error needs only its opener)."""
    stack: list[tuple[str, int]] = []
    line, quote, comment = 1, "", False
    for i, char in enumerate(text[:end]):
        if char == "\n":
            line, comment = line + 1, False
        elif comment:
            continue
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or text[i - 1] in " \t\n"):
            comment = True
        elif char in "[{":
            stack.append((char, line))
        elif char in "]}" and stack:
            stack.pop()
    return stack[-1] if stack else None


def explain(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """The line of a YAML syntax error and a one-line explanation with the fix."""
    mark = exc.problem_mark or exc.context_mark
    number = mark.line + 1 if mark else 1
    column = mark.column if mark else 0
    problem = exc.problem or "invalid YAML"
    context = exc.context or ""
    context_line = exc.context_mark.line + 1 if exc.context_mark else number
    raw = text.splitlines()
    lines = _content_lines(text)
    here = _Line(number, raw[number - 1] if 0 < number <= len(raw) else "")

    if "\\t" in problem or "\t" in problem:
        return number, (
            f"line {number} has a tab in its indentation; YAML indents with spaces only:"
            " replace the tab with spaces"
        )
    if problem.startswith("expected <block end>"):
        before = here.text[:column].rstrip()
        if problem.endswith("'<scalar>'") and before.endswith(("'", '"')):
            return number, (
                f"line {number} has more text after a closing quote; put the whole value inside"
                " the quotes"
            )
        return number, _misaligned(lines, here)
    if problem == "mapping values are not allowed here":
        return number, _mapping_value(lines, here, column)
    if problem.startswith("could not find expected ':'"):
        line = _Line(context_line, raw[context_line - 1] if context_line <= len(raw) else "")
        return context_line, (
            f"line {context_line} ({_shown(line)}) is not a 'key: value' line; if it continues"
            f" the text of the line above, indent it further than that line's key (or write"
            " the text after 'key: |' on lines of its own)"
        )
    if "quoted scalar" in context and "end of stream" in problem:
        return context_line, (
            f"the quote opened on line {context_line} is never closed; close it, or remove it"
        )
    if "quoted scalar" in context and "escape" in problem:
        return number, (
            f"line {number}: {problem} inside double quotes; use single quotes, or write a"
            " backslash as \\\\"
        )
    if context.startswith("while parsing a flow node"):  # a value missing after '[' or '{'
        opened = _open_bracket(text, mark.index if mark else len(text))
        if opened is not None:
            opener, context_line = opened
            context = "sequence" if opener == "[" else "mapping"
    if context.startswith("while parsing a flow") or context in ("sequence", "mapping"):
        opener = "[" if "sequence" in context else "{"
        closer = "]" if opener == "[" else "}"
        return number, (
            f"the '{opener}' opened on line {context_line} is not closed (or a ',' is missing)"
            f" before line {number}; close it with '{closer}', or quote the value if the"
            f" '{opener}' is part of the text"
        )
    character = re.match(r"found character '(.)' that cannot start any token", problem)
    reserved = character.group(1) if character else None
    if reserved is None and "while scanning an a" in context:  # alias or anchor
        reserved = here.text[exc.context_mark.column] if exc.context_mark else None
    if reserved in _RESERVED:
        return number, (
            f"line {number}: {_RESERVED[reserved]}, so a value cannot start with it unquoted;"
            f' put the value in quotes ("{reserved}...")'
        )
    for token, words in _TOKENS.items():
        problem = problem.replace(token, words)
    problem = problem.replace("<block end>", "the end of the indented block")
    where = ""
    if exc.context and exc.context_mark and context_line != number:
        where = f" ({exc.context} that starts at line {context_line})"
    return number, f"{problem}{where}; check the indentation and quoting on line {number}"
