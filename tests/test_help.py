"""`--help` of every command: plain flags show no type placeholder (`--strict`, not
`--strict <bool>`), options that take a value still show what they take."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from broadcast_kit.cli import app

runner = CliRunner()


def _command_paths() -> list[list[str]]:
    paths: list[list[str]] = [[]]
    group = typer.main.get_command(app)
    for name, command in getattr(group, "commands", {}).items():
        paths.append([name])
        paths += [[name, sub] for sub in getattr(command, "commands", {})]
    return paths


@pytest.mark.parametrize("path", _command_paths(), ids=lambda p: " ".join(p) or "kit")
def test_flags_have_no_type_placeholder(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output
    help_line = next(line for line in result.output.splitlines() if "--help" in line)
    assert re.search(r"--help\s+Show this message", help_line), help_line


def test_options_with_values_keep_their_placeholder() -> None:
    result = runner.invoke(app, ["render", "--help"], env={"COLUMNS": "120"})
    assert re.search(r"--max-duration\s+DURATION", result.output)
    assert re.search(r"--out\s+-o\s+<path>", result.output)


@pytest.mark.parametrize("path", [[], ["cache"]], ids=["kit", "kit cache"])
def test_each_command_is_listed_on_one_line(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "120"})
    panel = result.output[result.output.index("Commands") :].splitlines()[1:]
    rows = [line.strip("│ ") for line in panel if line.startswith("│")]
    names = [row.split()[0] for row in rows]
    assert len(rows) >= 3 and all(re.fullmatch(r"[a-z]+", name) for name in names), rows
