"""`kit render` with several episodes or a folder: the batch's progress and summary.

Progress goes to stderr: a rich bar (episodes done, sentences synthesized, failures, the
stages of the episodes rendering now; the same from local workers and a cluster's) when it is
a terminal, one plain line per finished episode otherwise. The summary goes to stdout, every
failed episode's `error:` lines to stderr.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from broadcast_kit import batch, loader
from broadcast_kit.cli._boundary import error, error_line
from broadcast_kit.errors import ExitStatus
from broadcast_kit.text import count


class ExecutorName(StrEnum):
    local = "local"
    dask = "dask"


def _name(item: batch.Item) -> str:
    return item.slug or loader.display(item.path)


def render_batch(
    episodes: list[Path],
    out: Path,
    show: Path | None,
    *,
    jobs: int | None,
    keep_going: bool,
    force: bool,
    executor: ExecutorName,
    address: str | None,
    shared_folder: bool,
    quiet: bool,
    debug: bool,
) -> None:
    with ExitStack() as stack:
        cluster = None
        if executor is ExecutorName.dask:
            assert address is not None
            from broadcast_kit.cluster import DaskExecutor

            # connected first: a wrong address fails before a catalogue is loaded
            cluster = DaskExecutor(address, jobs, shared_folder)
            stack.callback(cluster.close)
        observe = cluster.planned if cluster is not None else None
        plan = batch.plan(episodes, out, show, force=force, observe=observe)
        todo, current = plan.where("to render"), plan.where("current")
        invalid = plan.where("failed")
        for item in invalid:
            for line in item.errors:
                error(line)
        total = len(plan.items)
        if todo and not quiet:
            reasons = Counter(item.reason for item in todo)
            why = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
            typer.echo(
                f"{count(total, 'episode')}: {len(todo)} to render"
                + (f" ({why})" if why else "")
                + f", {len(current)} up to date"
                + (f", {len(invalid)} with errors" if invalid else ""),
                err=True,
            )
        if invalid and not keep_going:
            typer.echo(
                f"rendered nothing: fix the {count(len(invalid), 'episode')} above, or pass"
                " --keep-going to render the others",
                err=True,
            )
            raise typer.Exit(ExitStatus.FAILURE)
        if not todo and not invalid:
            if not quiet:
                typer.echo(
                    f"{count(total, 'episode')} up to date: nothing to render"
                    " (--force renders them all)"
                )
            return
        if not todo:
            _summary(plan, todo, quiet, "nothing to render")

        runner = cluster or batch.LocalExecutor(min(jobs or batch.cores(), len(todo)))
        err = Console(stderr=True)
        live = sys.stderr.isatty() and not quiet
        bar = Progress(
            TextColumn("rendering"),
            BarColumn(bar_width=16),  # room for the stages of the episodes rendering now
            MofNCompleteColumn(),
            TextColumn(
                "{task.fields[synthesized]} sentences synthesized, {task.fields[failed]} failed"
            ),
            TimeElapsedColumn(),
            TextColumn("{task.fields[now]}"),
            console=err,
            disable=not live,
            transient=True,
        )
        task = bar.add_task("rendering", total=len(todo), synthesized=0, failed=0, now="")
        finished: list[batch.Item] = []

        def say(line: str, always: bool = False) -> None:
            if live:
                err.print(Text(line))
            elif always or not quiet:
                typer.echo(line, err=True)

        def listen(event: batch.Event, item: batch.Item) -> None:
            if event == "finished":
                finished.append(item)
                outcome = item.outcome
                assert outcome is not None
                where = f"[{len(finished)}/{len(todo)}] {_name(item)}"
                if outcome.ok:
                    sentences = count(outcome.sentences, "sentence")
                    say(
                        f"{where}: rendered in {outcome.seconds} s ({sentences},"
                        f" {outcome.synthesized} synthesized)"
                    )
                else:
                    if debug and outcome.traceback:
                        say(outcome.traceback.rstrip(), always=True)
                    for line in outcome.errors:
                        say(error_line(line), always=True)
                    say(f"{where}: failed")
                for warning in outcome.warnings:
                    say(f"warning: {_name(item)}: {warning}", always=True)
            synthesized = sum(i.synthesized for i in todo) + plan.shared_synthesized
            failed = sum(i.state == "failed" for i in plan.items)
            stages = Counter(i.stage for i in todo if i.outcome is None and i.stage)
            now = ", ".join(f"{n} {stage}" for stage, n in sorted(stages.items()))
            bar.update(
                task, completed=len(finished), synthesized=synthesized, failed=failed, now=now
            )

        runner.start(plan)  # a cluster refuses here, before any work, or says nothing
        if not quiet:
            say(f"rendering {count(len(todo), 'episode')} with {runner.description}")
        started = time.monotonic()
        with bar:
            try:
                batch.run(plan, runner, keep_going=keep_going, listen=listen, take_over=force)
            except KeyboardInterrupt:
                done = sum(item.state == "rendered" for item in todo)
                error(
                    f"interrupted; {count(done, 'episode')} rendered completely, the others"
                    " left as they were"
                )
                raise typer.Exit(ExitStatus.INTERRUPTED) from None
        _summary(plan, todo, quiet, f"{time.monotonic() - started:.1f} s with {runner.description}")


def _summary(plan: batch.Plan, todo: list[batch.Item], quiet: bool, took: str) -> None:
    rendered = [item for item in todo if item.state == "rendered"]
    failed = plan.where("failed")
    waiting = [item for item in todo if item.state == "to render"]
    if not quiet:
        sentences = sum(item.outcome.sentences for item in rendered if item.outcome)
        # a cluster's sentences shared by several episodes were synthesized before them
        shared = plan.shared_synthesized
        synthesized = sum(item.outcome.synthesized for item in rendered if item.outcome) + shared
        parts = [
            f"{len(rendered)} rendered",
            f"{len(plan.where('current'))} up to date",
            f"{len(failed)} failed",
        ]
        if waiting:
            parts.append(f"{len(waiting)} not started (after the first failure; --keep-going)")
        typer.echo(
            f"{count(len(plan.items), 'episode')}: {', '.join(parts)};"
            f" {count(sentences, 'sentence')} ({synthesized} synthesized,"
            f" {sentences - synthesized} from cache); {took}"
        )
        for item in failed:
            typer.echo(f"  failed: {loader.display(item.path)}")
    if failed:
        raise typer.Exit(ExitStatus.FAILURE)
