"""`kit serve [DIR]`: preview the published folder over HTTP, for a browser or a podcast app."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from broadcast_kit.publish import serve as preview


def _stderr(line: str) -> None:
    typer.echo(line, err=True)


def serve(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="DIR", help="The folder to serve (what kit render and kit feed wrote)."
        ),
    ] = Path("dist"),
    port: Annotated[int, typer.Option(help="The port to listen on; 0 picks a free one.")] = 8000,
    host: Annotated[
        str,
        typer.Option(help="The address to listen on; 0.0.0.0 lets phones on the network in."),
    ] = "127.0.0.1",
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Do not log each request on stderr.")
    ] = False,
) -> None:
    """Serve DIR (default dist/) with byte ranges, CORS and the podcast Content-Types, to
    try the feed in a podcast app or the show page in a browser. Ctrl-C stops it."""
    server = preview.open_preview(folder, host, port, None if quiet else _stderr)
    typer.echo(f"serving {folder} at {server.url}")
    typer.echo(f"feed for a podcast app: {server.feed_url}")
    problem = server.feed_problem()
    if problem:
        typer.echo(f"  ({problem})")
    typer.echo(f"make a feed for this preview: kit feed --base-url {server.url}")
    if host in ("0.0.0.0", "::", ""):
        typer.echo("listening on every network: from another device use this machine's address")
    typer.echo("press Ctrl-C to stop")
    server.run()
    typer.echo("stopped")
