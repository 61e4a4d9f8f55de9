"""The one error boundary: core errors become `error: ...` lines and documented exit codes.

`BoundaryGroup` applies it around every command of the `kit` app, so commands never do.

Exit codes: 0 success, 1 failure (engine, ffmpeg, output), 2 bad input (episode, show, files
they name, command-line usage), 130 interrupted. Tracebacks only with `kit --debug`.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import typer
from typer.core import TyperGroup

from broadcast_kit import install
from broadcast_kit.errors import BroadcastKitError, ConfigError, ExitStatus

# click's usage errors (bad option or value): typer may vendor its own click, so take the
# base class from typer's BadParameter rather than from an `import click`
_USAGE_ERROR: type[Exception] = next(
    c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"
)


@dataclass
class State:
    debug: bool = False


def _debug(ctx: typer.Context | None) -> bool:
    if os.environ.get("BROADCAST_KIT_DEBUG"):
        return True
    state = ctx.find_object(State) if ctx else None
    return bool(state and state.debug)


def error_line(message: str) -> str:
    """`message` as the boundary prints it."""
    return f"error: {message}"


def error(message: str) -> None:
    """Print `message` as an error on stderr: the one way commands report one."""
    typer.echo(error_line(message), err=True)


@contextmanager
def boundary(ctx: typer.Context | None = None) -> Iterator[None]:
    try:
        yield
    except (typer.Exit, _USAGE_ERROR):
        raise  # click prints usage errors itself and exits 2
    except BroadcastKitError as exc:
        if _debug(ctx):
            raise
        problems = exc.problems if isinstance(exc, ConfigError) and exc.problems else [str(exc)]
        for problem in problems:
            error(problem)
        raise typer.Exit(exc.exit_code) from None
    except BrokenPipeError:
        # the reader went away (`kit segment ... | head`): stop quietly, like other tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(ExitStatus.SUCCESS) from None
    except KeyboardInterrupt:
        error("interrupted; nothing was written")
        raise typer.Exit(ExitStatus.INTERRUPTED) from None
    except Exception as exc:
        if _debug(ctx):
            raise
        # a package the install left out: say what to install (never "unexpected")
        missing = install.not_installed(exc)
        if missing is not None:
            error(str(missing))
            raise typer.Exit(missing.exit_code) from None
        error(
            f"unexpected {type(exc).__name__}: {exc} (run `kit --debug ...` for the traceback"
            " and please report it)"
        )
        raise typer.Exit(ExitStatus.FAILURE) from None


def _no_flag_types(command: Any, ctx: typer.Context) -> Any:
    """`command` (and, for a group, its subcommands) with no type after plain flags in
    `--help`: typer's rich help prints `<bool>` after `--strict`, which takes no value."""
    for param in [*command.params, command.get_help_option(ctx)]:
        if getattr(param, "is_flag", False) or getattr(param, "count", False):
            param.metavar = param.metavar or ""
    for sub in getattr(command, "commands", {}).values():
        _no_flag_types(sub, ctx)
    return command


class BoundaryGroup(TyperGroup):
    """The `kit` group: every subcommand runs inside `boundary`, and help shows no type
    after plain flags."""

    def invoke(self, ctx: typer.Context) -> object:  # type: ignore[override]
        with boundary(ctx):
            return super().invoke(ctx)

    def get_params(self, ctx: typer.Context) -> list[Any]:  # type: ignore[override]
        _no_flag_types(self, ctx)
        params: list[Any] = super().get_params(ctx)
        return params

    def get_command(self, ctx: typer.Context, name: str) -> Any:  # type: ignore[override]
        command = super().get_command(ctx, name)
        return _no_flag_types(command, ctx) if command is not None else None
