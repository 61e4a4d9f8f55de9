"""`kit serve [DIR]`: preview the published folder over HTTP, for a browser or a podcast app."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from broadcast_kit import loader
from broadcast_kit.errors import BroadcastKitError
from broadcast_kit.publish import catalog
from broadcast_kit.publish import serve as preview


def _stderr(line: str) -> None:
    typer.echo(line, err=True)


def _rendered(folder: Path) -> bool:
    """Whether kit feed has episodes to publish in `folder` (so its command would work)."""
    try:
        entries = catalog.read(folder)
        return bool(entries) and catalog.find_show(entries, folder).is_file()
    except BroadcastKitError:
        return False


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
    """Preview DIR (default dist/): the feed in a podcast app, the page in a browser.

    Serves it without changing DIR, with byte ranges, CORS and the podcast
    Content-Types; its feed and page are served with their URLs moved to this
    address. Ctrl-C stops it."""
    server = preview.open_preview(folder, host, port, None if quiet else _stderr)
    typer.echo(f"serving {folder} at {server.url}")
    typer.echo(f"feed for a podcast app: {server.feed_url}")
    base = server.feed_base()
    if base is not None:
        typer.echo(
            f"  ({loader.display(folder / preview.FEED)} is the feed for {base}: served here"
            " with its URLs moved to this address; the file is not changed)"
        )
    elif not (folder / preview.FEED).is_file() and _rendered(folder):
        typer.echo(
            "  (there is no feed.xml in the folder yet; make it with:"
            f" kit feed --out {shlex.quote(str(folder))})"
        )
    else:
        typer.echo(f"  ({server.feed_problem()})")
    if host in ("0.0.0.0", "::", ""):
        typer.echo("listening on every network: from another device use this machine's address")
    typer.echo("press Ctrl-C to stop")
    server.run()
    typer.echo("stopped")
