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
            help="Where to write the episode, e.g. episodes/<slug>/episode.yaml. With no"
            " show.yaml in its folder or above, a starter show.yaml and cover are written"
            " beside it. Default: print it.",
        ),
    ] = None,
    engine: Annotated[
        str, typer.Option("--engine", "-e", help="TTS engine for the interviewees' voices.")
    ] = "piper",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    words: Annotated[
        list[Path] | None,
        typer.Option(
            "--words",
            help="A YAML file of extra words (places, broadcasters, labels, navigation, ...)"
            f" added to the importer's lists; repeatable. Also read from {importer.ENV}.",
        ),
    ] = None,
) -> None:
    """Turn TRANSCRIPT into an episode script to review: metadata, chapters, speakers."""
    done = importer.import_file(transcript, out, engine=engine, force=force, words=words or [])
    result = done.imported
    if done.episode is None:
        typer.echo(result.yaml, nl=False)
    paragraphs = [p for p in result.transcript.paragraphs if p.spoken]
    stories = result.transcript.stories
    kinds = Counter(p.kind for p in paragraphs)
    summary = ", ".join(f"{kinds[k]} {k}" for k in ("host", "interview", "voxpop") if kinds[k])
    cues = len(result.transcript.paragraphs) - len(paragraphs)
    music = f", {count(cues, 'music cue')}" if cues else ""
    where = f"wrote {loader.display(done.episode)}" if done.episode is not None else "imported"
    typer.echo(
        f"{where}: {result.transcript.title!r}, {count(len(stories), 'chapter')},"
        f" {count(len(paragraphs), 'part')} ({summary}){music},"
        f" {count(len(result.speakers), 'voice')};"
        f" {count(result.checks, 'line')} marked 'check:' to review",
        err=True,
    )
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    if done.show is not None:
        cover = f" and a placeholder cover {loader.display(done.cover)}" if done.cover else ""
        typer.echo(
            f"wrote a starter show {loader.display(done.show)}{cover}: no show.yaml was found"
            " above the episode; fill in its lines marked 'check:' before publishing",
            err=True,
        )
