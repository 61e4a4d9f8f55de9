"""`kit import TRANSCRIPT -o episodes/<slug>/episode.yaml`: a transcript becomes an episode.
`kit import FILES... -o episodes/` (or a folder of transcripts): one episode folder each."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from broadcast_kit import importer, loader
from broadcast_kit.cli._boundary import error
from broadcast_kit.errors import BroadcastKitError, ExitStatus, InputError
from broadcast_kit.text import count

TRANSCRIPT_SUFFIXES = (".txt", ".html", ".htm", ".srt", ".vtt", ".sbv")


def import_(
    transcripts: Annotated[
        list[Path],
        typer.Argument(
            help="The programme transcript: plain text or a saved HTML page. Several, or a"
            " folder of them (.txt, .html, .srt, .vtt, .sbv): one episode folder each.",
            show_default=False,
            metavar="TRANSCRIPT",
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the episode, e.g. episodes/<slug>/episode.yaml, or its"
            " folder (episodes/<slug>); a folder holding show.yaml receives"
            " <name>/episode.yaml. With no show.yaml in its folder or above, a starter"
            " show.yaml and cover are written beside it. Default: print it. With several"
            " transcripts: the folder that receives <name>/episode.yaml for each.",
        ),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(
            "--engine",
            "-e",
            help="TTS engine whose default voice every speaker gets, each at its own pitch."
            " Default: each speaker is described and cast from the installed native voices, a"
            " different one each, no pitch shift.",
        ),
    ] = None,
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
    if len(transcripts) > 1 or transcripts[0].is_dir():
        _import_many(transcripts, out, engine, force, words or [])
        return
    _import_one(transcripts[0], _episode_file(transcripts[0], out), engine, force, words or [])


def _episode_file(transcript: Path, out: Path | None) -> Path | None:
    """Where --out puts one transcript's episode: a .yaml file as named; a folder holding
    show.yaml receives <name>/episode.yaml (as with several transcripts); any other folder,
    or a name without .yaml, is the episode's folder (<out>/episode.yaml)."""
    if out is None or out.suffix.lower() in (".yaml", ".yml"):
        return out
    if (out / "show.yaml").is_file():
        return out / _folder_name(transcript) / "episode.yaml"
    return out / "episode.yaml"


def _import_one(
    transcript: Path, out: Path | None, engine: str | None, force: bool, words: list[Path]
) -> int:
    """Import one transcript, print what it found; returns its number of 'check:' lines."""
    done = importer.import_file(transcript, out, engine=engine, force=force, words=words)
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
    title = result.transcript.title or transcript.stem  # no title on the page: the file's name
    typer.echo(
        f"{where}: {title!r}, {count(len(stories), 'chapter')},"
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
    return result.checks


def _transcripts(paths: list[Path]) -> list[Path]:
    """Files as given; every transcript in and below each folder (hidden folders skipped)."""
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        below = []
        for folder, dirs, names in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            below += [
                Path(folder) / name
                for name in names
                if name.lower().endswith(TRANSCRIPT_SUFFIXES) and not name.startswith(".")
            ]
        if not below:
            raise InputError(
                f"{path} has no transcripts ({', '.join(TRANSCRIPT_SUFFIXES)}) in or below it;"
                " name the files or their folder"
            )
        found += sorted(below)
    return found


def _folder_name(transcript: Path) -> str:
    """The episode folder for a transcript: its file name, as a slug the loader accepts."""
    return re.sub(r"[^a-z0-9._-]+", "-", transcript.stem.lower()).strip("-._") or "episode"


def _import_many(
    paths: list[Path], out: Path | None, engine: str | None, force: bool, words: list[Path]
) -> None:
    """One episode folder per transcript below `out`; every file is tried, failures listed."""
    if out is None:
        raise InputError(
            "with several transcripts, --out names the folder that receives one"
            " <name>/episode.yaml each (e.g. -o episodes/, next to show.yaml)"
        )
    done: dict[Path, int] = {}
    failed: list[Path] = []
    claimed: dict[str, Path] = {}
    for transcript in _transcripts(paths):
        name = _folder_name(transcript)
        target = out / name / "episode.yaml"
        try:
            if name in claimed:
                raise BroadcastKitError(
                    f"{transcript}: {claimed[name]} also becomes {loader.display(target)};"
                    " rename one of them"
                )
            claimed[name] = transcript
            done[target] = _import_one(transcript, target, engine, force, words)
        except BroadcastKitError as exc:
            error(str(exc))
            failed.append(transcript)
    checks = sum(done.values())
    typer.echo(
        f"imported {len(done)} of {count(len(done) + len(failed), 'transcript')} into"
        f" {loader.display(out)}: {count(checks, 'line')} marked 'check:' to review"
    )
    for target, n in sorted(done.items(), key=lambda item: -item[1]):
        typer.echo(f"  {loader.display(target)}: {n or 'nothing'} to check")
    for transcript in failed:
        typer.echo(f"  failed: {transcript}")
    if failed:
        raise typer.Exit(ExitStatus.FAILURE)
