"""`kit feed`: publish the episodes rendered into a folder as a feed and a show page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from broadcast_kit import loader
from broadcast_kit.publish import site
from broadcast_kit.text import count


def feed(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The folder kit render wrote into (the site).")
    ] = Path("dist"),
    show: Annotated[
        Path | None,
        typer.Option(help="The show file (default: the one the episodes were rendered with)."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(help="Where the folder is served (default: base_url in the show file)."),
    ] = None,
    include_drafts: Annotated[
        bool,
        typer.Option("--include-drafts", help="Also list drafts and episodes dated later."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace a feed.xml or index.html kit feed did not write."),
    ] = False,
) -> None:
    """Write OUT/feed.xml and OUT/index.html from the episodes rendered into OUT."""
    built = site.build(out, show, base_url, include_drafts, take_over=force)
    for warning in built.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(
        f"wrote {loader.display(built.feed_path)} ({count(len(built.items), 'episode')})"
        f" and {loader.display(built.page_path)}"
    )
    for item in built.items:
        entry = item.entry
        typer.echo(f"  {entry.date.isoformat()}  {entry.mp3.name}  {entry.title}")
    for entry, why in built.left_out:
        typer.echo(f"  left out {entry.slug}: {why} (--include-drafts lists it)")
    typer.echo(f"feed URL: {built.feed_url}")
