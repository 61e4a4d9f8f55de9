"""`kit render EPISODE.yaml`: render an episode to a tagged MP3 and its sidecar files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from broadcast_kit import loader
from broadcast_kit.cli._format import count


def _ms(ms: int) -> str:
    m, s = divmod(ms / 1000, 60)
    return f"{int(m)}:{s:06.3f}"


def _dry_run(episode: Path, show: Path | None) -> None:
    from broadcast_kit.render import (
        pipeline,  # audio stack (scipy: ~1 s) only for the commands that mix
    )

    placed = pipeline.dry_run(episode, show)
    table = Table("start", "end", "kind", "speaker", "chapter", "text or file", box=None)
    for item in placed.items:
        what = item.text or (item.file.name if item.file else "")
        kind = f"{item.kind}:{item.role}" if item.role else item.kind
        table.add_row(
            _ms(item.start),
            _ms(item.end),
            kind,
            item.speaker or "",
            item.chapter or "",
            what[:60] + ("…" if len(what) > 60 else ""),
        )
    Console(width=200).print(table)
    typer.echo(
        f"{len(placed.items)} placed segments, {_ms(placed.duration)} in all,"
        f" {count(len(placed.chapters), 'chapter')} (estimated where not synthesized yet)"
    )
    for warning in placed.warnings:
        typer.echo(f"warning: {warning}", err=True)


def render(
    episode: Annotated[Path, typer.Argument(help="The episode script (episode.yaml).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("dist"),
    show: Annotated[
        Path | None,
        typer.Option(help="The show file (default: show.yaml in the episode's folder or above)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the timeline; synthesize and write nothing.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print errors.")] = False,
) -> None:
    """Render EPISODE to OUT/<slug>.mp3 with tags, chapters, transcripts and a render report."""
    if dry_run:
        _dry_run(episode, show)
        return
    err = Console(stderr=True)
    live = sys.stderr.isatty() and not quiet
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not live,
        transient=True,
    )
    task = bar.add_task("synthesizing", total=None)

    def progress(done: int, total: int, _text: str) -> None:
        bar.update(task, completed=done, total=total)

    def log(message: str) -> None:
        if not quiet:
            err.print(f"[dim]{message}[/dim]") if live else typer.echo(message, err=True)

    with bar:
        from broadcast_kit.render import pipeline

        result = pipeline.render(episode, out, show, progress=progress, log=log)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    if quiet:
        return
    report = result.report
    audio = report["audio"]
    loud = report["loudness"]
    synth = report["synthesis"]
    assert isinstance(audio, dict) and isinstance(loud, dict) and isinstance(synth, dict)
    placed = result.timeline
    typer.echo(
        f"rendered {result.production.episode.title!r}"
        f" ({_ms(placed.duration)}, {count(len(placed.chapters), 'chapter')})"
        f" in {report['render_seconds']} s"
    )
    typer.echo(
        f"  sentences: {synth['sentences']} ({synth['synthesized']} synthesized,"
        f" {synth['cached']} from cache)"
    )
    typer.echo(
        f"  loudness: {loud['output_lufs']:.1f} LUFS (target {loud['target_lufs']:.0f}),"
        f" true peak {loud['output_true_peak']:.1f} dBTP, gain {loud['gain_db']:+.1f} dB"
    )
    for path in result.outputs.values():
        typer.echo(f"  {loader.display(path)} ({path.stat().st_size:,} bytes)")
