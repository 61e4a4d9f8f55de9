"""Batch renders: many episodes, each rendered by a worker process, all sharing the speech cache.

`plan` loads every episode here, computes its input fingerprint (`fingerprint.of`) and compares
it with the render report already in the output folder: an episode whose fingerprint is the
one recorded and whose outputs are all there is up to date and not rendered again. `run`
renders the others on an executor, a pool of local worker processes (`LocalExecutor`) or a
Dask cluster (`cluster.DaskExecutor`), at most `slots` at a time, and reports progress (each
episode's stage and sentences synthesized) and each episode's outcome through a callback.
Workers share the speech cache through its folder (content-addressed entries, written
atomically; a sentence being synthesized is claimed, so no two workers make it at once).
Staging is this process's: each job gets a temp folder in the output folder, which a local
worker renders into and a cluster worker's outputs are written into as they come back, and
`pipeline.install` moves a finished episode's files into place, report last, as a single
render does; so the output folder never holds a half-written file, even when a worker is
killed. An episode whose worker process died is rendered again (up to the executor's
`retries`); a failed episode comes back as its error lines; the batch goes on only when asked.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from broadcast_kit import fingerprint, install, loader, workers
from broadcast_kit import options as options_module
from broadcast_kit.errors import BroadcastKitError, ConfigError, ExitStatus, InputError
from broadcast_kit.formats.report import RenderReport
from broadcast_kit.options import RenderOptions
from broadcast_kit.text import count

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
            try:
                key = episode.resolve()
            except (OSError, RuntimeError):  # a symlink loop: it fails as that episode's error
                key = Path(os.path.abspath(episode))
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
    """What a worker sends back: the render's figures and files, or its error lines."""

    errors: tuple[str, ...] = ()
    exit_code: int = 0
    traceback: str | None = None
    warnings: tuple[str, ...] = ()
    sentences: int = 0
    synthesized: int = 0
    seconds: float = 0.0
    #: the render's files by kind ("mp3", ..., "report" last): names in the job's stage
    files: dict[str, str] = field(default_factory=dict)
    #: their bytes, by name, from a worker that does not share this machine's folders
    payload: dict[str, bytes] | None = None
    #: the worker lost its process (killed, out of memory): the episode may be tried again
    lost: bool = False

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
    #: the stage it is in while it renders ("synthesizing", "mastering", ...)
    stage: str | None = None
    #: renders started: more than one when a worker process was lost under it
    attempts: int = 0

    @property
    def state(self) -> State:
        if self.errors or (self.outcome is not None and not self.outcome.ok):
            return "failed"
        if self.outcome is not None:
            return "rendered"
        return "current" if self.reason is None else "to render"


@dataclass
class Plan:
    items: list[Item]
    out_dir: Path
    show: Path | None = None
    #: sentences synthesized once for several episodes, outside any one's render (a cluster)
    shared_synthesized: int = 0

    def where(self, state: State) -> list[Item]:
        return [item for item in self.items if item.state == state]


def _error_lines(exc: BroadcastKitError) -> list[str]:
    if isinstance(exc, ConfigError) and exc.problems:
        return list(exc.problems)
    return [str(exc)]


Observer = Callable[[Item, loader.Production], None]


def plan(
    paths: Iterable[Path],
    out_dir: Path,
    show: Path | None = None,
    force: bool = False,
    observe: Observer | None = None,
) -> Plan:
    """Load every episode and decide which need rendering (all of them with `force`);
    `observe` sees each episode to render as loaded (an executor preparing the batch)."""
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
        if item.reason is not None and observe is not None:
            observe(item, production)
    return Plan(items, out_dir, show)


def _stale(out_dir: Path, slug: str, wanted: str) -> str | None:
    """Why the episode must be rendered again, or None when its outputs are up to date."""
    try:
        report = RenderReport.read(out_dir / f"{slug}.json")
    except FileNotFoundError:
        return "not rendered yet"
    except (OSError, InputError):
        return "render report unreadable"
    if report.fingerprint is None:
        return "no fingerprint in its render report"
    if report.fingerprint != wanted:
        return "inputs changed"
    if "mp3" not in report.files:
        return "render report unreadable"
    for name in report.files.values():
        if not (out_dir / name).is_file():
            return "outputs missing"
    if (out_dir / report.files["mp3"]).stat().st_size != report.audio.bytes:
        return "MP3 changed since its render"
    return None


# --- rendering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """What a worker needs: absolute paths, so that any worker can find the files, and the
    stage (a temp folder in the output folder) that this process made for its outputs."""

    index: int
    episode: Path
    out_dir: Path
    show: Path | None
    fingerprint: str
    stage: Path
    take_over: bool = False  # replace files in the folder that no render of it made


#: what workers report while they render: (job index, stage, sentences synthesized so far);
#: job index -1 for the sentences one task synthesized for several episodes (a cluster's)
Report = tuple[int, str, int]


class Sink(Protocol):
    def put(self, item: Report, /) -> None: ...


_sink: Sink | None = None  # a local worker's channel for live progress, set by _start_worker


#: what a worker process imports before its first episode, imported once in the fork server
#: when a batch has several workers (the render stack, and scipy's signal and ndimage, which
#: alone take over a second of CPU): each worker is then forked with them loaded
PRELOAD = ["broadcast_kit.render.pipeline", "scipy.signal", "scipy.ndimage"]


def _start_worker(
    sink: Sink,
    cores: int | None = None,
    environ: dict[str, str] | None = None,
    folder: str | None = None,
) -> None:
    global _sink
    _sink = sink
    workers.quiet_when_idle()
    if environ is not None:  # forked from the fork server: this batch's environment and folder
        os.environ.clear()
        os.environ.update(environ)
    if folder is not None:
        os.chdir(folder)
    from broadcast_kit.render import media
    from broadcast_kit.tts import synth

    synth.set_share(cores)
    media.remember()  # a season's theme and beds: decoded once per worker, not per episode


class Reporter:
    """A render's progress callbacks, sending (index, stage, synthesized) to `send`: every
    stage change and the last sentence, and sentences between at most every `every` seconds
    (a worker far away pays for each message)."""

    def __init__(self, index: int, send: Callable[[Report], None], every: float = 0.0) -> None:
        self.index, self.send, self.every = index, send, every
        self.stage, self.done, self.sent = "loading", 0, 0.0

    def on_stage(self, stage: str) -> None:
        self.stage = stage
        self._send()

    def progress(self, done: int, total: int, _text: str) -> None:
        self.done = done
        if done == total or time.monotonic() - self.sent >= self.every:
            self._send()

    def _send(self) -> None:
        self.sent = time.monotonic()
        self.send((self.index, self.stage, self.done))


def render_job(job: Job) -> Outcome:
    """Render one episode in a local worker, into the job's stage; every failure comes back
    as an Outcome's error lines."""
    sink = _sink
    return render_in_stage(
        job, Reporter(job.index, sink.put if sink is not None else lambda _report: None)
    )


def render_in_stage(
    job: Job, reporter: Reporter, prepare: Callable[[], None] | None = None
) -> Outcome:
    """A worker that sees this machine's paths renders the job's episode into its stage,
    after `prepare` (a cluster worker's checks)."""
    from broadcast_kit.render import pipeline

    def render() -> pipeline.RenderResult:
        if prepare is not None:
            prepare()
        production = loader.load(job.episode, job.show)
        pipeline.check_voices(production)
        # before synthesizing: files in the folder that no render of this episode made
        pipeline.claim(job.out_dir, production.slug, production.episode_path, job.take_over)
        return pipeline.render_staged(
            production,
            job.stage,
            pipeline.relative_to(production, job.out_dir),
            progress=reporter.progress,
            on_stage=reporter.on_stage,
            fingerprint=job.fingerprint,
        )

    return attempt(render)


def attempt(render: Callable[[], pipeline.RenderResult]) -> Outcome:
    """Run `render` (a worker's render of one episode) and say how it went: its figures and
    files, or its error lines; a bug in one episode's render must not end the batch."""
    started = time.monotonic()
    try:
        with workers.job():
            result = render()
    except BroadcastKitError as exc:
        return Outcome(errors=tuple(_error_lines(exc)), exit_code=exc.exit_code)
    except Exception as exc:  # a bug in one episode's render must not end the batch
        missing = install.not_installed(exc)
        if missing is not None:
            return Outcome(errors=(str(missing),), exit_code=missing.exit_code)
        return Outcome(
            errors=(
                f"unexpected {type(exc).__name__}: {exc} (run `kit --debug ...` for the"
                " traceback and please report it)",
            ),
            exit_code=ExitStatus.FAILURE,
            traceback=traceback.format_exc(),
        )
    assert result.report is not None
    synthesis = result.report.synthesis
    return Outcome(
        warnings=tuple(result.warnings),
        sentences=synthesis.sentences,
        synthesized=synthesis.synthesized,
        seconds=round(time.monotonic() - started, 2),
        files={kind: path.name for kind, path in result.outputs.items()},
    )


class Executor(Protocol):
    """Where the jobs run: `slots` episodes at once."""

    slots: int
    description: str
    #: how often run() starts again an episode whose worker process was lost (after what
    #: the executor does itself: a Dask scheduler runs it again on another worker first)
    retries: int

    def start(self, batch: Plan) -> None:
        """Before the first job: check the workers, prepare what the jobs share (run() calls
        it; a caller that wants its refusal before saying anything calls it first)."""
        ...

    def submit(self, job: Job) -> Future[Outcome]: ...

    def progress(self) -> list[Report]:
        """What the workers reported since the last call."""
        ...

    def close(self) -> None: ...


class LocalExecutor:
    """Worker processes on this machine, started fresh: no state copied from here. One
    worker is spawned; several are forked (on Linux) from a fork server that imported the
    render stack once (`PRELOAD`), so that N workers do not each spend a second and a half
    of CPU on the same imports, and each gets this process's environment and folder as a
    spawned one would. A worker that dies (killed, out of memory) breaks the pool; the next
    job gets a new one, and run() starts the episodes it held again."""

    retries = 2

    def __init__(self, jobs: int) -> None:
        import multiprocessing

        self.slots = max(1, jobs)
        # Linux only: macOS's system libraries (numpy's Accelerate) are not safe to fork
        self._forked = self.slots > 1 and sys.platform == "linux"  # and Windows cannot fork
        self._context = multiprocessing.get_context("forkserver" if self._forked else "spawn")
        if self._forked:
            self._context.set_forkserver_preload(PRELOAD)
        self.description = f"{count(self.slots, 'job')} on this machine"
        self._queue: Any = None
        self._pool: Any = None
        self._old: list[Any] = []
        self._open()

    def _open(self) -> None:
        from concurrent.futures import ProcessPoolExecutor

        if self._queue is not None:
            self._old.append(self._queue)  # drained by progress(), closed at the end
        self._queue = self._context.Queue()
        # each worker's share of the cores: N renders at once must not each take them all
        cores_each = max(1, cores() // self.slots)
        # a forked worker inherits the fork server's environment and folder: send this one's
        here = (dict(os.environ), os.getcwd()) if self._forked else (None, None)
        self._pool = ProcessPoolExecutor(
            self.slots,
            mp_context=self._context,
            initializer=_start_worker,
            initargs=(self._queue, cores_each, *here),
        )

    def start(self, batch: Plan) -> None:
        return None

    def submit(self, job: Job) -> Future[Outcome]:
        from concurrent.futures.process import BrokenProcessPool

        try:
            with workers.starting():  # the pool starts a worker process when none is free
                return self._pool.submit(render_job, job)  # type: ignore[no-any-return]
        except BrokenProcessPool:  # a worker died: its pool takes no more work
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._open()
            with workers.starting():
                return self._pool.submit(render_job, job)  # type: ignore[no-any-return]

    def progress(self) -> list[Report]:
        import queue

        found = []
        for channel in (*self._old, self._queue):
            while True:
                try:
                    found.append(channel.get_nowait())
                except (queue.Empty, OSError, ValueError, EOFError):
                    break  # a dead worker may have left half a message: the rest is lost
        return found

    def interrupt(self) -> None:
        """Pass Ctrl-C on to every worker process (a worker started after the terminal's
        signal never got it, and would render its queued episode to the end)."""
        import signal

        processes: dict[int, Any] = getattr(self._pool, "_processes", None) or {}
        for pid in list(processes):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGINT)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for channel in (*self._old, self._queue):
            channel.close()
            channel.join_thread()
        if self._forked:
            _stop_fork_server()


def _stop_fork_server() -> None:
    """End the fork server and wait for it, as for a spawned worker: its workers' CPU time
    is then counted in this process's children (what `time kit render` shows), and no
    process is left behind once the batch is over."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    stop = getattr(server, "_stop", None)  # CPython's own, for its tests; no public way
    if stop is not None:
        with contextlib.suppress(OSError):
            stop()


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
    running: dict[Future[Outcome], tuple[Item, Job]] = {}
    stages = ExitStack()  # every job's stage, removed at the end whatever happens
    stopping = False
    try:
        executor.start(batch)
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
                    _stage(stages, batch.out_dir),
                    take_over,
                )
                item.attempts += 1
                try:
                    running[executor.submit(job)] = (item, job)
                except BroadcastKitError as exc:  # its files changed since the plan
                    item.outcome = Outcome(errors=tuple(_error_lines(exc)), exit_code=exc.exit_code)
                    tell("finished", item)
                    stopping = stopping or not keep_going
                except Exception as exc:  # an executor that takes no more work
                    item.outcome = _lost(exc)
                    tell("finished", item)
                    stopping = stopping or not keep_going
            if not running:
                break
            done, _ = wait(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for number, stage, synthesized in executor.progress():
                if number < 0:  # a task's sentences synthesized once for several episodes
                    batch.shared_synthesized += synthesized
                    continue
                item = batch.items[number]
                if item.outcome is None and (stage, synthesized) != (
                    item.stage,
                    item.synthesized,
                ):
                    item.stage, item.synthesized = stage, max(synthesized, item.synthesized)
                    tell("progress", item)
            for future in done:
                item, job = running.pop(future)
                outcome = _result(future)
                if outcome.lost and item.attempts <= executor.retries:
                    item.stage, item.synthesized = None, 0
                    todo.appendleft(item)  # its worker died: again, on a worker of the new pool
                    continue
                item.outcome = _installed(outcome, job, item.slug)
                item.synthesized, item.stage = item.outcome.synthesized, None
                tell("finished", item)
                stopping = stopping or (not item.outcome.ok and not keep_going)
    except KeyboardInterrupt:
        # Ctrl-C reached this process; workers started since (or told of it by no terminal)
        # are told too, so that the renders under way stop rather than finish
        interrupt = getattr(executor, "interrupt", None)
        if interrupt is not None:
            interrupt()
        raise
    finally:
        for future in running:
            future.cancel()
        try:
            executor.close()  # waits for the renders under way (interrupted: they end or finish)
            for future, (item, job) in running.items():
                if future.done() and not future.cancelled():
                    outcome = _result(future)
                    if outcome.ok:  # finished meanwhile: complete, so it goes into place
                        item.outcome = _installed(outcome, job, item.slug)
        finally:
            stages.close()


def _stage(stages: ExitStack, out_dir: Path) -> Path:
    from broadcast_kit.render import pipeline

    return stages.enter_context(pipeline.staged(out_dir)).resolve()


def _installed(outcome: Outcome, job: Job, slug: str | None) -> Outcome:
    """A finished render's files moved from the job's stage into the output folder (those a
    cluster worker sent back written there first); the outcome, or its failure to do so."""
    if not outcome.ok:
        return outcome
    from broadcast_kit.render import pipeline

    assert slug is not None  # planned: it loaded
    files = {kind: job.stage / name for kind, name in outcome.files.items()}
    try:
        for name, data in (outcome.payload or {}).items():
            (job.stage / name).write_bytes(data)
        pipeline.install(files, job.out_dir, slug, job.episode, job.take_over)
    except BroadcastKitError as exc:  # the folder changed under it: files not its own
        return replace(
            outcome, errors=tuple(_error_lines(exc)), exit_code=exc.exit_code, payload=None
        )
    except OSError as exc:
        return replace(
            outcome,
            errors=(
                f"cannot write {loader.display(job.out_dir)} ({exc.strerror or exc}); free"
                " some space or choose another --out",
            ),
            exit_code=ExitStatus.FAILURE,
            payload=None,
        )
    return replace(outcome, payload=None)  # the bytes are on disk now: let them go


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
        exit_code=ExitStatus.FAILURE,
        lost=True,
    )


def render_one(
    episode: Path,
    out_dir: Path,
    options: RenderOptions = options_module.DEFAULT,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
    advance: Advance | None = None,
) -> pipeline.RenderResult:
    """`kit render EPISODE`: render one episode here and now, whatever its report says, with
    its fingerprint in the report so that later batch renders know it is up to date."""
    from broadcast_kit.render import pipeline

    return pipeline.render(
        episode,
        out_dir,
        replace(options, fingerprint=True),
        progress=progress,
        log=log,
        advance=advance,
    )
