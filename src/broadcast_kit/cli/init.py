"""`kit init [FOLDER]`: start a show (show.yaml, a cover, a first episode) that renders at once."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from broadcast_kit import loader, starter


def init(
    folder: Annotated[
        Path,
        typer.Argument(help="Where to start the show (created if needed).", show_default=True),
    ] = Path("."),
    title: Annotated[
        str | None,
        typer.Option(help="The show's title (default: the folder's name).", show_default=False),
    ] = None,
    author: Annotated[
        str | None, typer.Option(help="Who makes the show.", show_default=False)
    ] = None,
    language: Annotated[str, typer.Option(help="The show's language (ISO 639).")] = "en",
    email: Annotated[
        str, typer.Option(help="The owner's e-mail address (podcast directories write to it).")
    ] = "you@example.org",
) -> None:
    """Start a show in FOLDER that renders at once; asks nothing, never overwrites.

    Writes show.yaml, a placeholder cover.png and episode-1/episode.yaml,
    cast with voices installed here."""
    started = starter.init(folder, title, author, language, email)
    typer.echo(f"wrote {', '.join(loader.display(path) for path in started.files)}")
    typer.echo(f"  host: {started.host.describe()}")
    typer.echo(f"  guest: {started.guest.describe()}")
    for note in started.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(f"next: kit render {loader.display(started.episode)}")
