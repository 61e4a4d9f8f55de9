"""`kit render EPISODE.yaml`: render an episode to a tagged MP3 and its sidecar files."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from broadcast_kit import limits, loader
from broadcast_kit.cli._batch import ExecutorName, render_batch
from broadcast_kit.cli._boundary import _debug
from broadcast_kit.cli._format import count

PROGRESS_ENV = "BROADCAST_KIT_PROGRESS_EVERY"
PROGRESS_EVERY = 10.0  # seconds between progress lines of a long stage, outside a terminal


def _every() -> float:
    try:
        return max(0.0, float(os.environ.get(PROGRESS_ENV, PROGRESS_EVERY)))
    except ValueError:
        return PROGRESS_EVERY


def _clock(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


class _Lines:
    """Progress for a log (no terminal): a line every `every` seconds of a long stage,
    with how far it has got and the time left at its pace so far."""

    def __init__(self, every: float) -> None:
        self.every = every
        self.lock = threading.Lock()  # the core reports from several threads
        self.what: str | None = None
        self.started = self.last = time.monotonic()

    def restart(self) -> None:
        """A stage begins (its line was just printed)."""
        with self.lock:
            self.what, self.started = None, time.monotonic()
            self.last = self.started

    def __call__(self, done: int, total: int, what: str, fraction: float | None) -> None:
        with self.lock:
            now = time.monotonic()
            if what != self.what and self.what is not None:  # a stage without its own line
                self.started = self.last = now
            self.what = what
            if now - self.last < self.every or done <= 0 or done >= total:
                return
            self.last = now
            elapsed = now - self.started
            share = fraction if fraction is not None else done / total
            left = f", about {_clock(elapsed * (1 - share) / share)} left" if share > 0 else ""
            typer.echo(f"  {done:,}/{total:,} {what}, {_clock(elapsed)} so far{left}", err=True)


def _ms(ms: int) -> str:
    m, s = divmod(ms / 1000, 60)
    return f"{int(m)}:{s:06.3f}"


def _dry_run(episode: Path, show: Path | None, max_duration: float) -> None:
    # the audio stack (scipy: ~1 s to import) only for the commands that mix
    from broadcast_kit.render import pipeline

    placed = pipeline.dry_run(episode, show, max_duration)
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
    ctx: typer.Context,
    episodes: Annotated[
        list[Path],
        typer.Argument(
            help="The episode script (episode.yaml); several, or folders, render a batch"
            " (every episode.yaml below a folder).",
            show_default=False,
            metavar="EPISODE",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("dist"),
    show: Annotated[
        Path | None,
        typer.Option(help="The show file (default: show.yaml in the episode's folder or above)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the timeline; synthesize and write nothing.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print errors.")] = False,
    max_duration: Annotated[
        str,
        typer.Option(
            "--max-duration",
            metavar="DURATION",
            help="Refuse an episode estimated longer than this, before synthesizing anything:"
            " seconds, or a duration such as 6h, 90m, 1h30m.",
        ),
    ] = f"{limits.MAX_DURATION_SECONDS // 3600}h",
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Batch: episodes rendered at once (default: the cores here; a cluster's threads).",
        ),
    ] = None,
    keep_going: Annotated[
        bool,
        typer.Option(
            "--keep-going", "-k", help="Batch: render the other episodes when one fails (exit 1)."
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace files in OUT that no render of the episode made (and, for a batch,"
            " render every episode, even those up to date).",
        ),
    ] = False,
    executor: Annotated[
        ExecutorName,
        typer.Option(help="Batch: render on this machine or on a Dask cluster (--address)."),
    ] = ExecutorName.local,
    address: Annotated[
        str | None,
        typer.Option(help="The Dask scheduler for --executor dask, e.g. tcp://10.0.0.5:8786."),
    ] = None,
    shared_folder: Annotated[
        bool,
        typer.Option(
            "--shared-folder",
            help="Dask: the workers see the episodes, output folder and speech cache at the"
            " same paths as here; send paths, not files.",
        ),
    ] = False,
) -> None:
    """Render EPISODE to OUT/<slug>.mp3 with tags, chapters, transcripts and a render report.

    Several episodes or a folder: a batch, only the episodes whose inputs
    changed since their last render, in parallel."""
    limit = limits.parse_duration(max_duration)
    if (executor is ExecutorName.dask) != (address is not None):
        raise typer.BadParameter(
            "--executor dask and --address go together", param_hint="--address"
        )
    if shared_folder and executor is not ExecutorName.dask:
        raise typer.BadParameter("is for --executor dask", param_hint="--shared-folder")
    if len(episodes) > 1 or episodes[0].is_dir() or executor is ExecutorName.dask:
        if dry_run:
            raise typer.BadParameter(
                "shows one episode: name one episode file", param_hint="--dry-run"
            )
        render_batch(
            episodes,
            out,
            show,
            jobs=jobs,
            keep_going=keep_going,
            force=force,
            executor=executor,
            address=address,
            shared_folder=shared_folder,
            quiet=quiet,
            debug=_debug(ctx),
        )
        return
    episode = episodes[0]
    if dry_run:
        _dry_run(episode, show, limit)
        return
    err = Console(stderr=True)
    live = sys.stderr.isatty() and not quiet
    bar = Progress(
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not live,
        transient=True,
    )
    task = bar.add_task("", total=None)
    lines = _Lines(_every()) if not live and not quiet else None

    def advance(done: int, total: int, what: str, fraction: float | None = None) -> None:
        if live:
            bar.update(task, completed=done, total=total, description=what)
        elif lines is not None:
            lines(done, total, what, fraction)

    def log(message: str) -> None:
        if quiet:
            return
        if lines is not None:
            lines.restart()
        err.print(f"[dim]{message}[/dim]") if live else typer.echo(message, err=True)

    with bar:
        from broadcast_kit import batch

        result = batch.render_one(
            episode, out, show, log=log, max_duration=limit, advance=advance, take_over=force
        )
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
