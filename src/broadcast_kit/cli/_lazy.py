"""The `kit` group's commands, each imported only when it runs.

Importing every command's core (the audio stack, the importer, pydantic models, lxml) took
most of a second before any command started; `kit check` in CI, `kit --version` and
`kit --help` need none of that. So the group knows its commands by module, imports one
when it is invoked, and lists them in `kit --help` with the help text read from their
source (the command function's docstring, or a sub-app's `help=`) without importing them.
When the source cannot be read (an install without .py files), the command is imported.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from typing import Any

import typer
from typer.core import TyperCommand

from broadcast_kit.cli._boundary import BoundaryGroup

#: command name -> (module under broadcast_kit.cli, the command function or Typer sub-app),
#: in the order `kit --help` lists them
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("init", "init"),
    "render": ("render", "render"),
    "voices": ("voices", "app"),
    "say": ("say", "say"),
    "segment": ("segment", "segment"),
    "import": ("importer", "import_"),
    "feed": ("feed", "feed"),
    "serve": ("serve", "serve"),
    "check": ("check", "check"),
    "cache": ("cache", "app"),
}


def load(name: str) -> Any:
    """The click command for `name`, made by typer from the command's module."""
    module, attr = COMMANDS[name]
    found = getattr(importlib.import_module(f"broadcast_kit.cli.{module}"), attr)
    holder = typer.Typer()
    if isinstance(found, typer.Typer):
        holder.add_typer(found, name=name)
    else:
        holder.command(name)(found)
    holder.callback()(lambda: None)  # a group, so that typer keeps the command's own name
    return typer.main.get_command(holder).commands[name]  # type: ignore[attr-defined]


def help_text(name: str) -> str | None:
    """The help `kit --help` shows for `name`, read from its source without importing it;
    None when the source is not there to read."""
    module, attr = COMMANDS[name]
    spec = importlib.util.find_spec(f"broadcast_kit.cli.{module}")
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    try:
        with open(spec.origin, encoding="utf-8") as handle:
            source = handle.read()
    except (OSError, ValueError):
        return None
    # parsing the one statement that defines the command is a fraction of parsing the file
    for text in (_statement(source, attr), source):
        try:
            found = _help_in(ast.parse(text), attr)
        except (SyntaxError, ValueError):
            continue
        if found is not None:
            return found
    return None


def _statement(source: str, attr: str) -> str:
    """The top-level statement of `source` that defines `attr` (`def attr(` or `attr = `):
    from its first line to the next line that starts another statement."""
    text = "\n" + source
    for opening in (f"\ndef {attr}(", f"\n{attr} = "):
        start = text.find(opening)
        if start >= 0:
            break
    else:
        return source
    lines = text[start + 1 :].splitlines(keepends=True)
    taken = lines[:1]
    for line in lines[1:]:
        if line[:1] not in (" ", "\t", "\r", "\n", ")", "]", "}", "#"):
            break
        taken.append(line)
    return "".join(taken)


def _help_in(tree: ast.Module, attr: str) -> str | None:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == attr:
            return ast.get_docstring(node)
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == attr for t in node.targets)
            and isinstance(node.value, ast.Call)
        ):
            for keyword in node.value.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
                    return str(keyword.value.value)
    return None


class _Unloaded(TyperCommand):
    """A command not imported yet: its name (for usage errors' suggestions) and, once asked
    for by the help listing, its help text."""


class LazyGroup(BoundaryGroup):
    """The `kit` group: commands imported when invoked, listed without importing them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in COMMANDS:
            self.commands.setdefault(name, _Unloaded(name))

    def _load(self, name: str) -> Any:
        self.commands[name] = command = load(name)
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and isinstance(self.commands.get(args[0]), _Unloaded):
            self._load(args[0])
        return super().resolve_command(ctx, args)

    def get_command(self, ctx: Any, name: str) -> Any:
        command = self.commands.get(name)
        if isinstance(command, _Unloaded) and command.help is None:
            text = help_text(name)
            if text is None:
                return self._load(name)
            command.help = text
        return super().get_command(ctx, name)
