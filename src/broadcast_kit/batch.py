"""Batch renders: many episodes, each rendered by a worker process, all sharing the speech cache.

`plan` loads every episode here, computes its input fingerprint (`fingerprint.of`) and compares
it with the render report already in the output folder: an episode whose fingerprint is the
one recorded and whose outputs are all there is up to date and not rendered again. `run`
renders the others on an executor, a pool of local worker processes (`LocalExecutor`) or a
Dask cluster (`cluster.DaskExecutor`), at most `slots` at a time, and reports progress and
each episode's outcome through a callback. Workers share the speech cache through its folder
(content-addressed entries, written atomically) and every render writes its outputs through
its own temp folder, so episodes rendering at once into one output folder never see each
other's half-written files. A failed episode comes back as its error lines; the batch goes on
only when asked to.
"""

from __future__ import annotations

import json
import os
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from broadcast_kit import fingerprint, limits, loader
from broadcast_kit.errors import EXIT_FAILURE, BroadcastKitError, ConfigError, InputError

if TYPE_CHECKING:  # the audio stack loads only where audio is made
    from broadcast_kit.progress import Advance
    from broadcast_kit.render import pipeline
    from broadcast_kit.tts.synth import Progress

EPISODE_FILE = "episode.yaml"
POLL_SECONDS = 0.1  # how often progress from the workers is drawn while none finishes


def cores() -> int:
    """The cores this process may run on (the default number of jobs)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # macOS and Windows have no affinity call
        return os.cpu_count() or 1


# --- finding and planning -------------------------------------------------------------------


def find(paths: Iterable[Path]) -> list[Path]:
    """Episode files: files as given, and every episode.yaml below each folder (hidden
    folders skipped), in order, each once."""
    found: list[Path] = []
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir():
            below = sorted(_below(path))
            if not below:
                raise InputError(
                    f"{loader.display(path)}: no {EPISODE_FILE} in it or below it;"
                    " name the episode files or their folder"
                )
        else:
            below = [path]  # a missing file fails as that episode's error
        for episode in below:
            key = episode.resolve()
            if key not in seen:
                seen.add(key)
                found.append(episode)
    return found


def _below(folder: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]  # .git, .render-*
        if EPISODE_FILE in filenames:
            yield Path(dirpath) / EPISODE_FILE


State = Literal["failed", "rendered", "current", "not started", "to render"]


@dataclass(frozen=True)
class Outcome:
    """What a worker sends back: the render's figures, or its error lines."""

    errors: tuple[str, ...] = ()
    exit_code: int = 0
    traceback: str | None = None
    warnings: tuple[str, ...] = ()
    sentences: int = 0
    synthesized: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Item:
    """One episode of the batch."""

    path: Path
    slug: str | None = None
    fingerprint: str | None = None
    #: why it is rendered ("inputs changed", ...); None when up to date
    reason: str | None = None
    #: problems found before rendering (load errors, a slug taken by another episode)
    errors: list[str] = field(default_factory=list)
    outcome: Outcome | None = None
    #: sentences synthesized so far, while it renders
    synthesized: int = 0

    @property
    def state(self) -> State:
        if self.errors or (self.outcome is not None and not self.outcome.ok):
            return "failed"
        if self.outcome is not None:
            return "rendered"
        return "current" if self.reason is None else "to render"

    @property
    def error_lines(self) -> list[str]:
        return list(self.outcome.errors) if self.outcome is not None else self.errors


@dataclass
class Plan:
    items: list[Item]
    out_dir: Path
    show: Path | None = None

    def where(self, state: State) -> list[Item]:
        return [item for item in self.items if item.state == state]


def _error_lines(exc: BroadcastKitError) -> list[str]:
    if isinstance(exc, ConfigError) and exc.problems:
        return list(exc.problems)
    return [str(exc)]


def plan(
    paths: Iterable[Path], out_dir: Path, show: Path | None = None, force: bool = False
) -> Plan:
    """Load every episode and decide which need rendering (all of them with `force`)."""
    hashes = fingerprint.FileHashes()
    items: list[Item] = []
    slugs: dict[str, Item] = {}
    for path in find(paths):
        item = Item(path)
        items.append(item)
        try:
            production = loader.load(path, show)
            item.fingerprint = fingerprint.of(production, hashes)
        except BroadcastKitError as exc:
            item.errors = _error_lines(exc)
            continue
        item.slug = production.slug
        first = slugs.setdefault(production.slug, item)
        if first is not item:
            item.errors = [
                f"{loader.display(path)}: its slug '{production.slug}' is also the slug of"
                f" {loader.display(first.path)}, and both would write"
                f" {loader.display(out_dir / production.slug)}.*; give one a slug: of its own"
            ]
            continue
        item.reason = "forced" if force else _stale(out_dir, production.slug, item.fingerprint)
    return Plan(items, out_dir, show)


def _stale(out_dir: Path, slug: str, wanted: str) -> str | None:
    """Why the episode must be rendered again, or None when its outputs are up to date."""
    try:
        report = json.loads((out_dir / f"{slug}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "not rendered yet"
    except (OSError, ValueError):
        return "render report unreadable"
    if not isinstance(report, dict):
        return "render report unreadable"
    recorded = report.get("fingerprint")
    if recorded is None:
        return "no fingerprint in its render report"
    if recorded != wanted:
        return "inputs changed"
    files = report.get("files")
    audio = report.get("audio")
    if not isinstance(files, dict) or not isinstance(audio, dict) or "mp3" not in files:
        return "render report unreadable"
    for name in files.values():
        if not isinstance(name, str) or not (out_dir / name).is_file():
            return "outputs missing"
    if (out_dir / files["mp3"]).stat().st_size != audio.get("bytes"):
        return "MP3 changed since its render"
    return None


# --- rendering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """What a worker needs: absolute paths, so that any worker can find the files."""

    index: int
    episode: Path
    out_dir: Path
    show: Path | None
    fingerprint: str
    take_over: bool = False  # replace files in the folder that no render of it made


class Sink(Protocol):
    def put(self, item: tuple[int, int], /) -> None: ...


_sink: Sink | None = None  # a local worker's channel for live progress, set by _start_worker


def _start_worker(sink: Sink) -> None:
    global _sink
    _sink = sink


def render_job(job: Job) -> Outcome:
    """Render one episode in a worker; every failure comes back as an Outcome's error lines."""
    from broadcast_kit.render import pipeline

    sink = _sink

    def progress(done: int, _total: int, _text: str) -> None:
        if sink is not None:
            sink.put((job.index, done))

    started = time.monotonic()
    try:
        result = pipeline.render(
            job.episode,
            job.out_dir,
            job.show,
            progress=progress,
            fingerprint=job.fingerprint,
            take_over=job.take_over,
        )
    except BroadcastKitError as exc:
        return Outcome(errors=tuple(_error_lines(exc)), exit_code=exc.exit_code)
    except Exception as exc:  # a bug in one episode's render must not end the batch
        return Outcome(
            errors=(
                f"unexpected {type(exc).__name__}: {exc} (run `kit --debug ...` for the"
                " traceback and please report it)",
            ),
            exit_code=EXIT_FAILURE,
            traceback=traceback.format_exc(),
        )
    # the report as written: its file format is the contract, whatever the object holds
    written = json.loads(result.outputs["report"].read_text(encoding="utf-8"))
    synthesis = written.get("synthesis", {})
    return Outcome(
        warnings=tuple(result.warnings),
        sentences=int(synthesis.get("sentences", 0)),
        synthesized=int(synthesis.get("synthesized", 0)),
        seconds=round(time.monotonic() - started, 2),
    )


class Executor(Protocol):
    """Where the jobs run: `slots` episodes at once."""

    slots: int
    description: str

    def submit(self, job: Job) -> Future[Outcome]: ...

    def progress(self) -> list[tuple[int, int]]:
        """(job index, sentences synthesized) reported since the last call."""
        ...

    def close(self) -> None: ...


class LocalExecutor:
    """Worker processes on this machine, started fresh (spawn: no state copied from here)."""

    def __init__(self, jobs: int) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        self.slots = max(1, jobs)
        self.description = f"{_count(self.slots, 'job')} on this machine"
        self._queue: Any = context.Queue()
        self._pool = ProcessPoolExecutor(
            self.slots, mp_context=context, initializer=_start_worker, initargs=(self._queue,)
        )

    def submit(self, job: Job) -> Future[Outcome]:
        return self._pool.submit(render_job, job)

    def progress(self) -> list[tuple[int, int]]:
        import queue

        found = []
        while True:
            try:
                found.append(self._queue.get_nowait())
            except queue.Empty:
                return found

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._queue.close()
        self._queue.join_thread()


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


Event = Literal["progress", "finished"]
Listener = Callable[[Event, Item], None]


def run(
    batch: Plan,
    executor: Executor,
    keep_going: bool = False,
    listen: Listener | None = None,
    take_over: bool = False,
) -> None:
    """Render the plan's episodes on `executor`; each Item gets its outcome. Without
    `keep_going`, nothing starts when an episode could not be loaded, and the first failed
    render stops the batch: episodes already rendering finish, the others are not started."""
    tell = listen or (lambda _event, _item: None)
    todo = deque(batch.where("to render"))
    if not keep_going and batch.where("failed"):
        return
    if todo:
        batch.out_dir.mkdir(parents=True, exist_ok=True)  # here: workers racing to create it
    index = {id(item): n for n, item in enumerate(batch.items)}
    running: dict[Future[Outcome], Item] = {}
    stopping = False
    try:
        while todo or running:
            while todo and not stopping and len(running) < executor.slots:
                item = todo.popleft()
                assert item.fingerprint is not None
                job = Job(
                    index[id(item)],
                    item.path.resolve(),
                    batch.out_dir.resolve(),
                    batch.show.resolve() if batch.show else None,
                    item.fingerprint,
                    take_over,
                )
                try:
                    running[executor.submit(job)] = item
                except Exception as exc:  # a pool whose worker died takes no more work
                    item.outcome = _lost(exc)
                    tell("finished", item)
                    stopping = stopping or not keep_going
            if not running:
                break
            done, _ = wait(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for number, synthesized in executor.progress():
                item = batch.items[number]
                if item.outcome is None and synthesized > item.synthesized:
                    item.synthesized = synthesized
                    tell("progress", item)
            for future in done:
                item = running.pop(future)
                item.outcome = _result(future)
                item.synthesized = item.outcome.synthesized
                tell("finished", item)
                stopping = stopping or (not item.outcome.ok and not keep_going)
    finally:
        for future in running:
            future.cancel()
        executor.close()  # waits for the renders under way (interrupted: they end or finish)
        for future, item in running.items():
            if future.done() and not future.cancelled():
                outcome = _result(future)
                if outcome.ok:  # finished meanwhile: its outputs are complete, count them
                    item.outcome = outcome


def _result(future: Future[Outcome]) -> Outcome:
    try:
        return future.result()
    except Exception as exc:  # the worker itself died (killed, out of memory) or was lost
        return _lost(exc)


def _lost(exc: Exception) -> Outcome:
    return Outcome(
        errors=(
            f"the worker process for this episode stopped ({type(exc).__name__}: {exc});"
            " if it ran out of memory, render fewer episodes at once (--jobs)",
        ),
        exit_code=EXIT_FAILURE,
    )


def render_one(
    episode: Path,
    out_dir: Path,
    show: Path | None = None,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
    max_duration: float | None = limits.MAX_DURATION_SECONDS,
    advance: Advance | None = None,
    take_over: bool = False,
) -> pipeline.RenderResult:
    """`kit render EPISODE`: render one episode here and now, whatever its report says, with
    its fingerprint in the report so that later batch renders know it is up to date."""
    from broadcast_kit.render import pipeline

    stamp = fingerprint.of(loader.load(episode, show, engines=True))
    return pipeline.render(
        episode,
        out_dir,
        show,
        progress=progress,
        log=log,
        max_duration=max_duration,
        fingerprint=stamp,
        advance=advance,
        take_over=take_over,
    )
