"""`kit import TRANSCRIPT -o episodes/<slug>/episode.yaml`: a transcript becomes an episode."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from broadcast_kit import importer, loader
from broadcast_kit.cli._format import count


def import_(
    transcript: Annotated[
        Path, typer.Argument(help="The programme transcript: plain text or a saved HTML page.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the episode, e.g. episodes/<slug>/episode.yaml"
            " (below the folder with show.yaml). Default: print it.",
        ),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", "-e", help="TTS engine for the interviewees' voices.")
    ] = "piper",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Turn TRANSCRIPT into an episode script to review: metadata, chapters, speakers."""
    result = importer.import_transcript(
        importer.read_transcript(transcript), transcript.name, engine=engine
    )
    if out is None:
        typer.echo(result.yaml, nl=False)
    else:
        importer.write_episode(result.yaml, out, force=force)
    stories = result.transcript.stories
    paragraphs = [p for s in stories for p in s.paragraphs]
    kinds = Counter(p.kind for p in paragraphs)
    summary = ", ".join(f"{kinds[k]} {k}" for k in ("host", "interview", "voxpop") if kinds[k])
    where = f"wrote {loader.display(out)}" if out is not None else "imported"
    typer.echo(
        f"{where}: {result.transcript.title!r}, {count(len(stories), 'chapter')},"
        f" {count(len(paragraphs), 'part')} ({summary}),"
        f" {count(len(result.speakers), 'voice')};"
        f" {count(result.checks, 'line')} marked 'check:' to review",
        err=True,
    )
