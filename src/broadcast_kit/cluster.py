"""Batch renders on a Dask cluster: the same jobs as on local worker processes, sent to the
workers of a running `dask scheduler`, with no folder shared between them and this machine.

This machine (the producer's side) has loaded and fingerprinted every episode while planning;
each job sends a worker the loaded episode and, through Dask, the bytes of its cover, music
and clips, each file once per cluster under a key made of its sha256 (a season's theme
crosses the network once, and stays on the cluster while episodes still need it). The worker
keeps them in its own folder (content-addressed), renders into a temp folder of its own with
its own speech cache, and sends back the MP3 and sidecars as bytes; they are written here
through the same stage-and-install as a local render (`batch.run`), so the output folder
never holds half a file, even when a worker dies. Sentences that several episodes of the
batch say are synthesized once, in tasks of their own, before the episodes that need them;
their cache entries then travel to each worker that renders one of those episodes.

Before any work, every worker is asked for the versions that decide the output bytes
(broadcast-kit, ffmpeg, each engine the batch uses and its voices); a worker that differs
from this machine is refused, named with the difference. Each task checks again, for
workers that join later. Progress (each episode's stage and sentences synthesized) comes back
as Dask events. A worker that dies mid-episode: the scheduler runs the episode again on
another (Dask's `allowed-failures`, default 3).

With `shared_folder=True` the workers read the episodes and write the outputs through the
same paths as this machine (a shared folder), as they did before files were sent; each
render still goes through a stage made here.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import Future, InvalidStateError
from pathlib import Path
from typing import TYPE_CHECKING, Any

from broadcast_kit import __version__, batch, ffmpeg, fingerprint, loader, model
from broadcast_kit.batch import Job, Outcome, Plan, Report
from broadcast_kit.errors import BroadcastKitError, EngineError, ExitStatus
from broadcast_kit.text import count

if TYPE_CHECKING:
    from broadcast_kit.render.pipeline import Relative
    from broadcast_kit.tts.synth import Utterance

CONNECT_SECONDS = 10
PROBE_SECONDS = 5  # for a scheduler to answer who it is
PROGRESS_SECONDS = 0.5  # at most one sentence count a second or two from each episode
SHARED_CHUNK = 16  # shared sentences synthesized per task
#: cluster memory for inputs no episode in flight needs now, kept for the episodes to come
IDLE_INPUT_BYTES = 256 * 2**20
WORKER_FOLDER = "broadcast-kit"
ALIVE = ("pending", "finished")  # statuses of a Dask future whose data can still be had

Voices = frozenset[tuple[str, str | None]]  # (engine, engine voice or None for its default)


def _key(job: Job) -> str:
    """The Dask key of a job's task: the episode's folder, for the dashboard's eyes."""
    return f"bk-render-{job.episode.parent.name}-{uuid.uuid4().hex[:12]}"


# --- reaching the scheduler -----------------------------------------------------------------


def check_address(address: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a scheduler address (tcp://host:8786, tls://..., host:8786),
    or an error saying what one looks like, before anything tries to connect to it."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address, strict=False)
        if scheme not in ("tcp", "tls"):
            raise ValueError(f"{scheme}:// is not a scheme Dask schedulers listen on")
        host, port = parse_host_port(location)
    except ValueError as exc:
        raise BroadcastKitError(
            f"--address {address!r} is not a Dask scheduler address ({exc}); give the"
            " address `dask scheduler` prints, e.g. tcp://10.0.0.5:8786"
        ) from None
    return scheme, host, port


def probe(address: str) -> None:
    """Fail at once, and clearly, unless a Dask scheduler answers at `address`: nothing
    listening, a host that does not resolve, a port that speaks something else (an HTTP
    server), a worker's address instead of the scheduler's."""
    scheme, host, port = check_address(address)
    try:
        socket.create_connection((host, port), timeout=CONNECT_SECONDS).close()
    except socket.gaierror as exc:
        raise BroadcastKitError(
            f"cannot reach the Dask scheduler at {address}: host {host!r} not found"
            f" ({exc.strerror}); check --address"
        ) from None
    except OSError as exc:
        why = "nothing listens there" if isinstance(exc, ConnectionRefusedError) else exc
        raise BroadcastKitError(
            f"cannot reach the Dask scheduler at {address} ({why}); start one with"
            " `dask scheduler` and pass the address it prints to --address"
        ) from None
    if scheme != "tcp":
        return  # TLS needs Dask's security settings: the client's own connection checks it
    try:
        reply = asyncio.run(asyncio.wait_for(_identity(address), PROBE_SECONDS))
    except Exception as exc:  # garbage read as a frame length, a silent peer, a reset...
        raise BroadcastKitError(
            f"{address} answers, but not as a Dask scheduler ({_why(exc)}); pass the address"
            " `dask scheduler` prints (usually port 8786; 8787 is its dashboard)"
        ) from None
    kind = reply.get("type") if isinstance(reply, dict) else None
    if kind != "Scheduler":
        raise BroadcastKitError(
            f"{address} is a Dask {kind or 'service'}, not the scheduler; pass the address"
            " `dask scheduler` prints"
        )


def _why(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return f"no Dask reply within {PROBE_SECONDS} s"
    if isinstance(exc, MemoryError):
        return "its reply is not Dask's protocol"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


async def _identity(address: str) -> object:
    from distributed.comm.core import connect

    comm = await connect(address, timeout=PROBE_SECONDS)
    try:
        await comm.write({"op": "identity", "reply": True})
        return await comm.read()
    finally:
        comm.abort()


def connect(address: str) -> Any:
    """A Dask client of the scheduler at `address`, after `probe` found one there."""
    try:
        from distributed import Client
    except ImportError:
        raise BroadcastKitError(
            "--executor dask needs Dask's distributed package: install the cluster extra,"
            " pip install 'broadcast-kit[cluster]'"
        ) from None
    probe(address)
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BroadcastKitError(
            f"cannot reach the Dask scheduler at {address} ({exc}); start one with"
            " `dask scheduler` and pass the address it prints to --address"
        ) from None


# --- what must match between this machine and every worker ----------------------------------


def facts(voices: Iterable[tuple[str, str | None]]) -> dict[str, str]:
    """What decides a render's bytes here: broadcast-kit's and ffmpeg's versions, and for
    each (engine, voice) the batch uses the engine's version and the voice's identity."""
    from broadcast_kit.tts import registry
    from broadcast_kit.tts import voices as resolving

    found = {"broadcast-kit": __version__, "ffmpeg": ffmpeg.version()}
    for name, voice in sorted(set(voices), key=lambda v: (v[0], v[1] or "")):
        try:  # resolved here as loader.load resolves a production's voices
            resolved = resolving.resolve(model.Voice(engine=name, voice=voice))
            found[f"engine {name}"] = resolved.version
            resolving.check(resolved)
            found[f"voice {name}:{resolved.name}"] = resolved.voice_id
        except EngineError as exc:  # the engine is not usable here
            found[f"engine {name}"] = f"not usable ({exc})"
        except BroadcastKitError as exc:
            found[f"engine {name}" if voice is None else f"voice {name}:{voice}"] = (
                f"not usable ({exc})"
            )
            if voice is not None and f"engine {name}" not in found:
                # the engine is usable, its voice is not (a voice file missing): say its
                # version, so that a refusal names only the voice
                with contextlib.suppress(BroadcastKitError):
                    found[f"engine {name}"] = registry.get(name).version
    return found


def differences(here: dict[str, str], there: dict[str, str]) -> list[str]:
    return [
        f"{what} is {here.get(what, 'missing')} here but {there.get(what, 'missing')} there"
        for what in sorted(here.keys() | there.keys())
        if here.get(what) != there.get(what)
    ]


def _refusal(worker: str, problems: list[str]) -> str:
    return f"worker {worker}: " + "; ".join(problems)


_checked: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
_checking = threading.Lock()


def _verify(expected: dict[str, str], voices: Voices) -> None:
    """On a worker: refuse a task from a machine whose facts differ (a worker that joined
    after the batch's check). Facts are worked out once per worker process."""
    with _checking:
        key = tuple(sorted(expected.items()))
        if key not in _checked:
            _checked[key] = facts(voices)
        mine = _checked[key]
    problems = differences(expected, mine)
    if problems:
        raise BroadcastKitError(
            f"{_refusal(_worker_address(), problems)}; install the same broadcast-kit, ffmpeg,"
            " engines and voices on every worker"
        )


# --- on a worker -----------------------------------------------------------------------------


def _worker() -> Any:
    try:
        from distributed import get_worker

        return get_worker()
    except (ImportError, ValueError):  # called outside a worker (tests of the functions)
        return None


def _worker_address() -> str:
    worker = _worker()
    return str(worker.address) if worker is not None else "(not a Dask worker)"


def _folder() -> Path:
    """This worker's own folder: inside its Dask local directory, nothing shared."""
    worker = _worker()
    base = Path(worker.local_directory) if worker is not None else Path(tempfile.gettempdir())
    folder = base / WORKER_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _publisher(topic: str) -> Callable[[Report], None]:
    """Progress sent to this machine as Dask events under `topic`, from any thread of the
    task (a render reports sentences from its synthesis threads, where Dask cannot tell
    which worker they belong to: it is found here, in the task's own thread)."""
    worker = _worker()
    if worker is None:
        return lambda _report: None
    return lambda report: worker.log_event(topic, list(report))


def _share(hosts: dict[str, int]) -> None:
    """This worker process's share of its machine's cores: the machine's cores over the
    threads of all Dask workers on it."""
    from broadcast_kit.render import media
    from broadcast_kit.tts import synth

    worker = _worker()
    threads = hosts.get(str(worker.address).rsplit(":", 1)[0], 1) if worker is not None else 1
    synth.set_share(max(1, (os.cpu_count() or 1) // max(1, threads)))
    media.remember()  # a season's theme and beds: decoded once per worker, not per episode


@dataclasses.dataclass(frozen=True)
class Shipment:
    """One episode sent to a worker that shares no folder with this machine."""

    index: int
    production: loader.Production  # as loaded here: its files are named by this machine's paths
    media: dict[Path, str]  # each file it reads -> sha256 of its bytes (the key of its data)
    shown: dict[Path, str]  # those paths and the episode file, as this machine shows them
    relative: Relative  # the show and episode files, relative to the output folder here
    fingerprint: str
    expected: dict[str, str]  # this machine's facts
    voices: Voices
    topic: str  # where progress goes
    hosts: dict[str, int]  # Dask worker threads on each host


def render_shipment(
    shipment: Shipment, media: dict[str, bytes], speech: list[dict[str, bytes]]
) -> Outcome:
    """A worker's render of one shipped episode: its inputs put in this worker's own folder,
    the shared sentences it was sent put in its own cache, outputs returned as bytes; paths
    in messages and the report named as the producer's machine names them."""
    from broadcast_kit.render import pipeline
    from broadcast_kit.tts.cache import SpeechCache

    reporter = batch.Reporter(shipment.index, _publisher(shipment.topic), PROGRESS_SECONDS)
    folder = _folder()
    local: dict[Path, Path] = {}
    (folder / "stages").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder / "stages") as name:
        stage = Path(name)

        def render() -> pipeline.RenderResult:
            _verify(shipment.expected, shipment.voices)
            _share(shipment.hosts)
            cache = SpeechCache()
            for entries in speech:
                for key, blob in entries.items():
                    cache.put_entry(key, blob)
            for path, digest in shipment.media.items():
                local[path] = _keep(folder / "media", digest, path.suffix, media[digest])
            names = {copy: shipment.shown[path] for path, copy in local.items()}
            episode = shipment.production.episode_path
            names[episode] = shipment.shown[episode]
            with loader.shown_as(names):
                return pipeline.render_staged(
                    _relocated(shipment.production, local),
                    stage,
                    shipment.relative,
                    cache=cache,
                    progress=reporter.progress,
                    on_stage=reporter.on_stage,
                    fingerprint=shipment.fingerprint,
                )

        outcome = batch.attempt(render)
        payload = {n: (stage / n).read_bytes() for n in outcome.files.values()}
    # ffmpeg's messages name the file it was given: the copy here, the original there
    swaps = [(str(copy), str(path)) for path, copy in local.items()]
    return dataclasses.replace(
        outcome,
        errors=tuple(_swap(line, swaps) for line in outcome.errors),
        traceback=_swap(outcome.traceback, swaps) if outcome.traceback else None,
        payload=payload if outcome.ok else None,
    )


def _swap(text: str, swaps: list[tuple[str, str]]) -> str:
    for old, new in swaps:
        text = text.replace(old, new)
    return text


def _keep(folder: Path, digest: str, suffix: str, data: bytes) -> Path:
    """The file of sha256 `digest` in this worker's content-addressed folder (written once)."""
    from broadcast_kit.files import atomic_open

    path = folder / digest[:2] / f"{digest}{suffix.lower()}"
    if not path.is_file():
        with atomic_open(path) as fh:
            fh.write(data)
    return path


def _relocated(production: loader.Production, local: dict[Path, Path]) -> loader.Production:
    """The production with its cover, music and clips read from the local copies."""
    parts: list[model.Part] = []
    for part in production.parts:
        if isinstance(part, model.MusicPart):
            part = part.model_copy(update={"music": local[part.music]})
        elif isinstance(part, model.InterviewPart) and part.audio is not None:
            part = part.model_copy(update={"audio": local[part.audio]})
        parts.append(part)
    show = production.show.model_copy(update={"cover": local[production.show.cover]})
    return dataclasses.replace(production, show=show, parts=parts)


def synthesize_shared(
    utterances: list[tuple[str, Utterance]],
    expected: dict[str, str],
    voices: Voices,
    topic: str,
    hosts: dict[str, int],
) -> dict[str, bytes]:
    """A worker's synthesis of sentences several episodes share: each into this worker's
    cache, returned as cache entries for the workers that render those episodes. On any
    failure it returns what it has: the episodes then synthesize (and report) the rest."""
    from broadcast_kit.tts.cache import SpeechCache
    from broadcast_kit.tts.synth import synthesize_all

    cache = SpeechCache()
    try:
        _verify(expected, voices)
        _share(hosts)
        _, stats = synthesize_all([u for _, u in utterances], cache)
    except BroadcastKitError:
        return {}
    _publisher(topic)((-1, "shared", len(stats.synthesized)))
    found = {key: cache.entry(key) for key, _ in utterances}
    return {key: blob for key, blob in found.items() if blob is not None}


def render_in_place(
    job: Job, expected: dict[str, str], voices: Voices, topic: str, hosts: dict[str, int]
) -> Outcome:
    """A worker's render of a job through a shared folder: paths as on the producer's side."""

    def prepare() -> None:
        _verify(expected, voices)
        _share(hosts)

    reporter = batch.Reporter(job.index, _publisher(topic), PROGRESS_SECONDS)
    return batch.render_in_stage(job, reporter, prepare)


# --- on this machine -------------------------------------------------------------------------


class _Inputs:
    """Files on the cluster by content: each scattered once under `bk-media-<sha256>`, kept
    while jobs in flight need it, and afterwards while the idle ones fit IDLE_INPUT_BYTES
    (oldest dropped first), so later episodes find a show's theme and cover there."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.futures: dict[str, Any] = {}
        self.sizes: dict[str, int] = {}
        self.users: dict[str, int] = {}
        self.idle: dict[str, None] = {}  # insertion order: oldest first

    def take(self, files: dict[Path, str]) -> dict[str, Any]:
        needed: dict[str, Any] = {}
        for path, digest in files.items():
            if digest in self.futures and self.futures[digest].status not in ALIVE:
                del self.futures[digest]  # its only worker died: send it again
            if digest not in self.futures:
                data = path.read_bytes()
                key = f"bk-media-{digest}"
                self.futures[digest] = self.client.scatter({key: data}, hash=False)[key]
                self.sizes[digest] = len(data)
            self.users[digest] = self.users.get(digest, 0) + 1
            self.idle.pop(digest, None)
            needed[digest] = self.futures[digest]
        return needed

    def give_back(self, digests: Iterable[str]) -> None:
        for digest in digests:
            self.users[digest] -= 1
            if self.users[digest] == 0:
                self.idle[digest] = None
        held = sum(self.sizes[d] for d in self.idle)
        while held > IDLE_INPUT_BYTES and self.idle:
            oldest = next(iter(self.idle))
            del self.idle[oldest]
            held -= self.sizes.pop(oldest)
            del self.futures[oldest], self.users[oldest]


class DaskExecutor:
    """An existing Dask cluster, reached at `address` (tcp://host:8786)."""

    #: the scheduler itself runs again an episode whose worker died; run() does when the
    #: worker took with it inputs only it held (they are sent again)
    retries = 2

    def __init__(self, address: str, jobs: int | None = None, shared_folder: bool = False) -> None:
        self.address, self.shared_folder = address, shared_folder
        self._closed = self._started = False
        self._client: Any = connect(address)
        workers = self._client.scheduler_info(n_workers=-1)["workers"]
        if not workers:
            self._client.close()
            raise BroadcastKitError(
                f"the Dask cluster at {address} has no workers; start some with"
                f" `dask worker {address} --nthreads 1`"
            )
        threads = sum(int(w["nthreads"]) for w in workers.values())
        self._hosts: dict[str, int] = {}
        for where, worker in workers.items():
            host = where.rsplit(":", 1)[0]
            self._hosts[host] = self._hosts.get(host, 0) + int(worker["nthreads"])
        #: episodes in flight: by default one per worker thread (start workers --nthreads 1)
        self.slots = max(1, jobs or threads)
        self.description = (
            f"the Dask cluster at {address} ({count(len(workers), 'worker')},"
            f" {count(threads, 'thread')})"
        )
        self._tasks: dict[Any, Future[Outcome]] = {}  # Dask futures and what run() waits on
        self._topic = f"broadcast-kit-{uuid.uuid4().hex}"
        self._reports: list[Report] = []
        self._lock = threading.Lock()
        self._client.subscribe_topic(self._topic, self._heard)
        self._voices: set[tuple[str, str | None]] = set()
        self._expected: dict[str, str] = {}
        self._hashes = fingerprint.FileHashes()
        self._inputs = _Inputs(self._client)
        self._held: dict[int, list[str]] = {}  # job index -> media digests it holds
        self._finished: list[int] = []  # jobs whose inputs may go (noted by Dask's thread)
        # sentences several episodes say: the first episode to say each sentence (by its
        # key's first 16 bytes), the shared ones' utterances, each episode's shared keys
        self._first: dict[bytes, Path] = {}
        self._shared: dict[str, Utterance] = {}
        self._sayers: dict[Path, list[str]] = {}
        self._speech: dict[str, Any] = {}  # shared sentence key -> its chunk's future

    def _heard(self, event: tuple[float, list[Any]]) -> None:
        index, stage, synthesized = event[1]
        with self._lock:
            self._reports.append((int(index), str(stage), int(synthesized)))

    def planned(self, item: batch.Item, production: loader.Production) -> None:
        """Each episode to render, as `batch.plan` loads it: the voices it needs, and (sending
        files) the sentences it shares with the episodes before it."""
        from broadcast_kit.render import pipeline
        from broadcast_kit.tts.synth import cache_key

        self._voices.update((v.engine, v.name) for v in production.resolved.values())
        # a voice not usable here: the workers are asked about it too (and the render says
        # what is wrong)
        self._voices.update((production.voices[k].engine, None) for k in production.unresolved)
        if self.shared_folder or production.unresolved:
            return
        episode = item.path.resolve()
        for utt in (u for group in pipeline.utterances(production) for u in group):
            key = cache_key(utt.text, utt.voice, utt.lexicon)[0]
            # 16 bytes of the key per sentence of the catalogue, not the sentence: the later
            # episode's utterance of an equal key is the same synthesis
            first = self._first.setdefault(bytes.fromhex(key[:32]), episode)
            if first == episode:
                continue
            if key not in self._shared:
                self._shared[key] = utt
                self._sayers.setdefault(first, []).append(key)
            if key not in self._sayers.setdefault(episode, []):
                self._sayers[episode].append(key)

    def start(self, plan: Plan) -> None:
        """Check every worker against this machine, then start synthesizing the sentences
        several episodes share (once, however often it is called)."""
        if self._started:
            return
        self._started = True
        self._first.clear()  # only the shared ones are needed from here on
        self._expected = facts(self._voices)
        voices = frozenset(self._voices)
        answers = self._client.run(facts, voices, on_error="return")
        refusals = []
        for worker, answer in sorted(answers.items()):
            if isinstance(answer, BaseException):
                refusals.append(
                    f"worker {worker}: cannot run broadcast-kit there"
                    f" ({type(answer).__name__}: {answer})"
                )
            elif problems := differences(self._expected, answer):
                refusals.append(_refusal(worker, problems))
        if refusals:
            raise BroadcastKitError(
                f"refusing the Dask cluster at {self.address} before any work: "
                + " | ".join(refusals)
                + "; install the same broadcast-kit, ffmpeg, engines and voices on every"
                " worker as on this machine"
            )
        keys = list(self._shared)
        for start in range(0, len(keys), SHARED_CHUNK):
            chunk = [(key, self._shared[key]) for key in keys[start : start + SHARED_CHUNK]]
            future = self._client.submit(
                synthesize_shared,
                chunk,
                self._expected,
                voices,
                self._topic,
                self._hosts,
                pure=False,
                key=f"bk-shared-{uuid.uuid4().hex}",
            )
            for key, _ in chunk:
                self._speech[key] = future

    def submit(self, job: Job) -> Future[Outcome]:
        voices = frozenset(self._voices)
        if self.shared_folder:
            return self._watch(
                job,
                self._client.submit(
                    render_in_place, job, self._expected, voices, self._topic, self._hosts,
                    pure=False, key=_key(job),
                ),
            )  # fmt: skip
        production = loader.load(job.episode, job.show)
        files = [production.show.cover]
        for part in production.parts:
            if isinstance(part, model.MusicPart):
                files.append(part.music)
            elif isinstance(part, model.InterviewPart) and part.audio is not None:
                files.append(part.audio)
        from broadcast_kit.render import pipeline

        # files in the folder that no render of this episode made: refused before sending
        pipeline.claim(job.out_dir, production.slug, production.episode_path, job.take_over)
        media = {path: self._hashes(path) for path in files}
        shown = {path: loader.display(path) for path in [*files, production.episode_path]}
        shipment = Shipment(
            job.index,
            production,
            media,
            shown,
            pipeline.relative_to(production, job.out_dir),
            job.fingerprint,
            self._expected,
            voices,
            self._topic,
            self._hosts,
        )
        self._release()
        data = self._inputs.take(media)
        self._held[job.index] = list(media.values())
        chunks: dict[str, Any] = {}  # each chunk of shared sentences it says, once
        for key in self._sayers.get(job.episode, []):
            chunk = self._speech[key]
            if chunk.status in ALIVE:  # else: the episode synthesizes them itself
                chunks.setdefault(chunk.key, chunk)
        task = self._client.submit(
            render_shipment, shipment, data, list(chunks.values()), pure=False, key=_key(job)
        )
        return self._watch(job, task)

    def _watch(self, job: Job, task: Any) -> Future[Outcome]:
        """A concurrent.futures view of the Dask future `task`: its outcome; an error outcome
        when Dask gave up on it (its workers died too often: a render that kills them); its
        exception (run() tries again) when it was lost otherwise (an input gone with a
        worker). Cancelling the view cancels the task."""
        from distributed import KilledWorker

        result: Future[Outcome] = Future()

        def finished(done: Any) -> None:
            self._note_finished(job.index)
            with self._lock:  # its result (the MP3's bytes) leaves the cluster with this
                self._tasks.pop(done, None)
            try:
                outcome = done.result()
            except KilledWorker as exc:
                outcome = Outcome(
                    errors=(
                        f"the Dask workers rendering this episode died ({exc}); if they ran out"
                        " of memory, give them more (dask worker --memory-limit) or fewer"
                        " threads",
                    ),
                    exit_code=ExitStatus.FAILURE,
                )
            except BaseException as exc:
                with contextlib.suppress(InvalidStateError):  # cancelled meanwhile
                    result.set_exception(exc)
                return
            with contextlib.suppress(InvalidStateError):
                result.set_result(outcome)

        result.add_done_callback(lambda view: task.cancel() if view.cancelled() else None)
        with self._lock:
            self._tasks[task] = result
        task.add_done_callback(finished)
        return result

    def _note_finished(self, index: int) -> None:
        with self._lock:
            self._finished.append(index)

    def _release(self) -> None:
        """Inputs of finished jobs given back (in this thread: the one that scatters)."""
        with self._lock:
            finished, self._finished = self._finished, []
        for index in finished:
            self._inputs.give_back(self._held.pop(index, []))

    def progress(self) -> list[Report]:
        self._release()
        with self._lock:
            found, self._reports = self._reports, []
        return found

    def close(self) -> None:
        """Wait for the episodes under way (those not cancelled), then disconnect."""
        if self._closed:
            return
        self._closed = True
        try:
            with self._lock:
                under_way = [task for task, view in self._tasks.items() if not view.cancelled()]
            while any(task.status == "pending" for task in under_way):
                time.sleep(batch.POLL_SECONDS)
            self._client.unsubscribe_topic(self._topic)
        finally:
            self._speech.clear()
            self._client.close()
