"""The `kit` command: thin Typer commands over the core, and the one error boundary."""

from __future__ import annotations

from typing import Annotated

import typer

from broadcast_kit import __version__
from broadcast_kit.cli import cache, check, feed, importer, init, render, segment, serve, voices
from broadcast_kit.cli._boundary import BoundaryGroup, State

app = typer.Typer(
    name="kit",
    cls=BoundaryGroup,
    help="broadcast-kit: turn a radio or podcast script into a finished, publishable episode.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
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


app.command("init")(init.init)
app.command("render")(render.render)
app.command("voices")(voices.voices)
app.command("segment")(segment.segment)
app.command("import")(importer.import_)
app.command("feed")(feed.feed)
app.command("serve")(serve.serve)
app.command("check")(check.check)
app.add_typer(cache.app, name="cache")


def main() -> None:
    app()
