"""The `kit` command: thin Typer commands over the core, and the one error boundary.

The commands are imported when they run (`_lazy`), so `kit --version`, `kit --help` and
`kit check` start without the audio stack.
"""

from __future__ import annotations

from typing import Annotated

import typer

from broadcast_kit.cli._boundary import State
from broadcast_kit.cli._lazy import LazyGroup

app = typer.Typer(
    name="kit",
    cls=LazyGroup,
    help="broadcast-kit: turn a radio or podcast script into a finished, publishable episode.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from broadcast_kit import __version__

        typer.echo(f"broadcast-kit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    ctx.obj = State(debug=debug)


def main() -> None:
    app()
