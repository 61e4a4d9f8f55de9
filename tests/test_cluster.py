"""Batch renders on a real Dask cluster that shares no folder with this machine.

Each cluster is a `dask scheduler` and `dask worker` processes on 127.0.0.1; every worker runs
in a temp folder of its own (its working folder, Dask local directory and speech cache),
and an audit hook in it (tests/dask_preload.py) refuses and logs any file it opens, lists or
hands to ffmpeg under this test run's temp folders, where the producer's episodes, media,
output folder and cache live: what crosses must cross through Dask. Also here: addresses
that are no scheduler fail at once and clearly; a worker with other versions is refused before
any work; a worker killed mid-episode costs nothing but the time.
"""

from __future__ import annotations

import http.server
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from broadcast_kit import __version__, batch, cluster
from broadcast_kit.cli import app
from tests.conftest import NO_DASK, ROOT, write_episode
from tests.test_batch import (
    SLUGS,
    assert_same_outputs,
    break_episode,
    lines,
    make_batch,
    reports,
    single_renders,
)

distributed = pytest.importorskip("distributed", reason=NO_DASK)

runner = CliRunner()
DASK = str(Path(sys.executable).with_name("dask"))
PRELOAD = ROOT / "tests" / "dask_preload.py"
START_SECONDS = 90  # a scheduler and its workers, on a loaded machine


class Cluster:
    """A scheduler and worker processes on 127.0.0.1, none sharing a folder with the test."""

    def __init__(self, forbidden: Path) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="bk-dask-"))  # not under pytest's temp
        self.forbidden = forbidden
        self.procs: list[subprocess.Popen[bytes]] = []
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        found = self.base / "scheduler.json"
        self._start(
            [DASK, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", str(found)],
            self.base,
            {},
        )  # fmt: skip
        give_up = time.monotonic() + START_SECONDS
        while not found.exists():
            assert time.monotonic() < give_up, "the scheduler did not start"
            assert self.procs[0].poll() is None, "the scheduler stopped"
            time.sleep(0.1)
        self.address: str = __import__("json").loads(found.read_text())["address"]

    def _start(self, cmd: list[str], cwd: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
        with (cwd / "log.txt").open("wb") as log:  # the process has its own copy
            proc = subprocess.Popen(
                cmd, cwd=cwd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
            )
        self.procs.append(proc)
        return proc

    def add(self, name: str, **env: str) -> Path:
        """Start worker `name` in a folder of its own; returns that folder."""
        folder = self.base / name
        (folder / "local").mkdir(parents=True)
        self.workers[name] = self._start(
            [DASK, "worker", self.address, "--name", name, "--nthreads", "1", "--no-nanny",
             "--no-dashboard", "--local-directory", str(folder / "local"),
             "--preload", str(PRELOAD), "--death-timeout", "60"],
            folder,
            {
                "BROADCAST_KIT_CACHE_DIR": str(folder / "cache"),
                "BK_TEST_FORBIDDEN": str(self.forbidden),
                "BK_TEST_VIOLATIONS": str(self.base / "violations.txt"),
                **env,
            },
        )  # fmt: skip
        return folder

    def wait(self, workers: int) -> dict[str, str]:
        """Until `workers` workers have joined: their names -> addresses."""
        with distributed.Client(self.address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(workers, timeout=START_SECONDS)
            info = client.scheduler_info(n_workers=-1)["workers"]
        return {w["name"]: address for address, w in info.items()}

    def violations(self) -> str:
        found = self.base / "violations.txt"
        return found.read_text() if found.exists() else ""

    def close(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def start_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Start a cluster whose workers may touch nothing under this test run's temp folders."""
    started: list[Cluster] = []

    def start() -> Cluster:
        started.append(Cluster(tmp_path_factory.getbasetemp()))
        return started[-1]

    yield start
    for each in started:
        each.close()


def add_clip(show_dir: Path, music_dir: Path) -> Path:
    """ep7: an interview recorded as a clip (a stretch of a file beside the episode)."""
    folder = show_dir / "ep7"
    folder.mkdir()
    shutil.copy(music_dir / "theme.wav", folder / "tape.wav")
    return write_episode(
        show_dir,
        "title: Clip 7\ndate: 2024-02-07\nsegments:\n  - host: Now the tape from Tuesday.\n"
        "  - interview:\n    speaker: guest\n    audio: tape.wav\n    start: 0.5\n    end: 2.5\n"
        "    transcript: What we recorded.\n  - host: That was the tape.\n",
        "ep7",
    )


@pytest.mark.timeout(600)
@pytest.mark.slow
def test_a_cluster_with_no_shared_folder_renders_the_same_bytes(
    show_dir: Path,
    music_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    start_cluster: Any,
) -> None:
    episodes = [*make_batch(show_dir, music_dir), add_clip(show_dir, music_dir)]
    broken = break_episode(show_dir)
    monkeypatch.chdir(show_dir)
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "cache-single"))
    errors = single_renders(episodes, tmp_path / "single")
    assert list(errors) == [broken]

    out = tmp_path / "dask"
    out.mkdir()
    (out / "ep3.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nSomeone else's\n")
    found = start_cluster()
    folders = [found.add("a"), found.add("b")]
    found.wait(2)
    result = runner.invoke(
        app, ["render", ".", "--executor", "dask", "--address", found.address, "-k", "-o",
              str(out)],
    )  # fmt: skip
    assert found.violations() == ""  # nothing read or written through this machine's paths
    assert result.exit_code == 1, result.output
    # the broken episode's error names this machine's files, as a local render does
    assert errors[broken] in lines(result.stderr)
    # a file in the output folder that no render of ep3 made is not replaced: refused here,
    # before ep3 is sent (the render owns only its files)
    assert "ep3.srt would be replaced, and no render of this episode made it" in (result.stderr), (
        result.stderr
    )
    assert (out / "ep3.srt").read_text().endswith("Someone else's\n")
    assert f"with the Dask cluster at {found.address} (2 workers, 2 threads)" in result.stderr
    assert result.stdout.startswith(
        "7 episodes: 5 rendered, 0 up to date, 2 failed; 14 sentences (14 synthesized"
    )
    rendered = [*(s for s in SLUGS if s not in (broken, "ep3")), "ep7"]
    for path in (tmp_path / "single").glob("ep3[.-]*"):
        path.unlink()  # not rendered on the cluster: compared without it
    assert_same_outputs(tmp_path / "single", out, rendered)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no stage left
    # each worker kept what it was sent in its own folder, by content, and its own cache
    media = [p for f in folders for p in (f / "local").rglob("media/*/*") if p.is_file()]
    assert media and all(re.fullmatch(r"[0-9a-f]{64}\.(wav|jpg)", p.name) for p in media)
    assert sum(len(list((f / "cache").rglob("*.wav"))) for f in folders) == 14


def shared_batch(show_dir: Path) -> list[Path]:
    """Four episodes that each say the show's two stock sentences and one of their own."""
    return [
        write_episode(
            show_dir,
            f"title: Shared {n}\ndate: 2024-03-0{n}\nsegments:\n"
            "  - host: Welcome to the shared sentence show.\n"
            f"  - host: Today is day {n} of the shared sentence show.\n"
            "  - host: Thanks for listening, see you next time.\n",
            f"sh{n}",
        )
        for n in range(1, 5)
    ]


@pytest.mark.timeout(600)
@pytest.mark.slow
def test_sentences_several_episodes_say_are_synthesized_once_on_the_cluster(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start_cluster: Any
) -> None:
    episodes = shared_batch(show_dir)
    monkeypatch.chdir(show_dir)
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "cache-single"))
    single_renders(episodes, tmp_path / "single")
    events: list[tuple[str | None, str | None, int]] = []

    def listen(event: batch.Event, item: batch.Item) -> None:
        if event == "progress":
            events.append((item.slug, item.stage, item.synthesized))

    found = start_cluster()
    folders = [found.add("a"), found.add("b")]
    found.wait(2)
    executor = cluster.DaskExecutor(found.address)
    plan = batch.plan([show_dir], tmp_path / "dask", observe=executor.planned)
    batch.run(plan, executor, listen=listen)
    assert found.violations() == ""
    assert [item.state for item in plan.items] == ["rendered"] * 4
    outcomes = [item.outcome for item in plan.items if item.outcome is not None]
    # 12 sentences: the two stock ones once, in their own task, and one per episode
    assert plan.shared_synthesized == 2
    assert sum(o.synthesized for o in outcomes) == 4
    assert sum(o.sentences for o in outcomes) == 12
    # which render synthesized the stock sentences differs: the synthesis counts
    slugs = ["sh1", "sh2", "sh3", "sh4"]
    assert_same_outputs(tmp_path / "single", tmp_path / "dask", slugs, frozenset({"synthesis"}))
    # the stock sentences went to the cache of each worker that rendered episodes (Dask
    # chooses which: both, or one holding the inputs already): 4 own sentences in all, and
    # the 2 stock ones in every cache that has any
    held = [len(list((folder / "cache").rglob("*.wav"))) for folder in folders]
    users = [n for n in held if n]
    assert users and sum(held) == 4 + 2 * len(users), held
    # progress came back from the workers: stages and sentences, per episode
    stages = {stage for _, stage, _ in events}
    assert {"synthesizing", "mastering"} <= stages, events
    # each episode's own sentence, counted while it synthesizes (from the render's
    # synthesis thread, not only with the next stage)
    counted = {slug for slug, stage, n in events if (stage, n) == ("synthesizing", 1)}
    assert counted == {"sh1", "sh2", "sh3", "sh4"}, events


@pytest.mark.timeout(600)
@pytest.mark.slow
def test_a_worker_killed_mid_episode_costs_only_time(
    episodes: list[Path],
    show_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    start_cluster: Any,
) -> None:
    monkeypatch.chdir(show_dir)
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "cache-single"))
    single_renders(episodes, tmp_path / "single")
    out = tmp_path / "dask"
    found = start_cluster()
    found.add("doomed", BK_TEST_PAUSE=str(found.base / "paused"))
    found.add("survivor")
    found.wait(2)

    def kill_when_paused() -> None:
        while not (found.base / "paused").exists():
            time.sleep(0.05)
        found.workers["doomed"].send_signal(signal.SIGKILL)  # mid-episode: mastering

    killer = threading.Thread(target=kill_when_paused, daemon=True)
    killer.start()
    result = runner.invoke(
        app, ["render", ".", "--executor", "dask", "--address", found.address, "-o", str(out)]
    )
    killer.join(timeout=60)
    assert found.workers["doomed"].poll() == -signal.SIGKILL
    assert found.violations() == ""
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("6 episodes: 6 rendered, 0 up to date, 0 failed;")
    # every episode once, complete, nothing half-written: as rendered one by one
    assert_same_outputs(tmp_path / "single", out, SLUGS)
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".mp3") == sorted(
        str(r["audio"]["file"])
        for r in reports(out).values()  # type: ignore[index]
    )
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


@pytest.fixture
def episodes(show_dir: Path, music_dir: Path) -> list[Path]:
    return make_batch(show_dir, music_dir)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("setting", "difference"),
    [
        ({"BK_TEST_VERSION": "9.9.9"}, f"broadcast-kit is {__version__} here but 9.9.9 there"),
        ({"BK_TEST_FAKE_VERSION": "fake 2"}, "engine fake is fake 1 here but fake 2 there"),
    ],
)
@pytest.mark.timeout(600)
def test_a_worker_with_other_versions_is_refused_before_any_work(
    episodes: list[Path],
    show_dir: Path,
    tmp_path: Path,
    start_cluster: Any,
    setting: dict[str, str],
    difference: str,
) -> None:
    found = start_cluster()
    folders = [found.add("same"), found.add("other", **setting)]
    names = found.wait(2)
    result = runner.invoke(
        app,
        ["render", str(show_dir), "--executor", "dask", "--address", found.address, "-o",
         str(tmp_path / "dask")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith("6 episodes: 6 to render")
    errors = result.stderr.splitlines()[1:]
    assert len(errors) == 1, result.stderr  # nothing said about rendering: refused first
    assert errors[0] == (
        f"error: refusing the Dask cluster at {found.address} before any work: worker"
        f" {names['other']}: {difference}; install the same broadcast-kit, ffmpeg, engines and"
        " voices on every worker as on this machine"
    )
    assert not (tmp_path / "dask").exists()
    assert not any((f / "cache").exists() for f in folders)  # nothing synthesized anywhere


# --- addresses that are no scheduler: at once, one clear line (issue 22, items 13 and 14) -------


def kit_subprocess(*args: str, cwd: Path) -> tuple[int, str, float]:
    """`kit ARGS` in a process of its own (a hang or an interpreter-exit traceback shows
    there): exit code, stderr, seconds."""
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "broadcast_kit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return proc.returncode, proc.stderr, time.monotonic() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Http400(http.server.BaseHTTPRequestHandler):
    """Answers whatever arrives with 400 at once, as many servers do with bytes that are not
    HTTP (Dask's client speaks first)."""

    def setup(self) -> None:
        super().setup()
        self.connection.recv(1)
        self.wfile.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        return None

    def log_message(self, *args: object) -> None:
        return None


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        return None


@pytest.mark.parametrize(
    ("address", "message"),
    [
        (
            "not a url",
            "error: --address 'not a url' is not a Dask scheduler address (missing port number"
            " in address 'not a url'); give the address `dask scheduler` prints, e.g."
            " tcp://10.0.0.5:8786",
        ),
        (
            "http://127.0.0.1:8786",
            "error: --address 'http://127.0.0.1:8786' is not a Dask scheduler address (http://"
            " is not a scheme Dask schedulers listen on); give the address `dask scheduler`"
            " prints, e.g. tcp://10.0.0.5:8786",
        ),
        (
            "tcp://127.0.0.1:{free}",
            "error: cannot reach the Dask scheduler at tcp://127.0.0.1:{free} (nothing listens"
            " there); start one with `dask scheduler` and pass the address it prints to"
            " --address",
        ),
        (
            "tcp://127.0.0.1:{http400}",
            "error: tcp://127.0.0.1:{http400} answers, but not as a Dask scheduler (its reply is"
            " not Dask's protocol); pass the address `dask scheduler` prints (usually port"
            " 8786; 8787 is its dashboard)",
        ),
        (
            "tcp://127.0.0.1:{http}",
            "error: tcp://127.0.0.1:{http} answers, but not as a Dask scheduler (no Dask reply"
            " within 5 s); pass the address `dask scheduler` prints (usually port 8786; 8787"
            " is its dashboard)",
        ),
    ],
)
def test_an_address_that_is_no_scheduler_fails_at_once(
    episodes: list[Path], show_dir: Path, address: str, message: str
) -> None:
    servers = {
        "http400": http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Http400),
        "http": http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet),
    }
    ports = {name: server.server_address[1] for name, server in servers.items()}
    ports["free"] = free_port()
    for server in servers.values():
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        code, stderr, seconds = kit_subprocess(
            "render", ".", "--executor", "dask", "--address", address.format(**ports),
            cwd=show_dir,
        )  # fmt: skip
    finally:
        for server in servers.values():
            server.shutdown()
            server.server_close()
    assert (code, stderr.splitlines()) == (1, [message.format(**ports)])
    # no 20 s wait for a client to close, no traceback at exit (start-up is about a second)
    assert seconds < 5 + cluster.PROBE_SECONDS


def test_inputs_cross_to_the_cluster_once_each(tmp_path: Path) -> None:
    """A show's theme used by every episode is scattered once, however many episodes; a file
    no episode in flight needs stays while the idle ones fit, the oldest going first; one
    lost with its worker is sent again."""
    scattered: list[str] = []

    class Stored:
        status = "finished"

    class Client:
        def scatter(self, data: dict[str, bytes], hash: bool) -> dict[str, Stored]:
            scattered.extend(data)
            return {key: Stored() for key in data}

    theme, clip = tmp_path / "theme.mp3", tmp_path / "clip.wav"
    theme.write_bytes(b"theme")
    clip.write_bytes(b"clip")
    inputs = cluster._Inputs(Client())
    files = {theme: "a" * 64, clip: "b" * 64}
    for _ in range(3):
        first = inputs.take(files)
        second = inputs.take({theme: "a" * 64})
        assert first["a" * 64] is second["a" * 64]
        inputs.give_back(["a" * 64, "b" * 64])
        inputs.give_back(["a" * 64])
    assert scattered == [f"bk-media-{'a' * 64}", f"bk-media-{'b' * 64}"]
    big = tmp_path / "big.wav"
    big.write_bytes(b"x" * (cluster.IDLE_INPUT_BYTES - 6))
    inputs.take({big: "c" * 64})
    inputs.give_back(["c" * 64])  # 3 bytes over the bound: the clip, idle longest, goes
    assert set(inputs.futures) == {"a" * 64, "c" * 64}
    inputs.take({clip: "b" * 64})
    assert scattered[-1] == f"bk-media-{'b' * 64}"
    # the worker that held the theme died with it: sent again
    inputs.futures["a" * 64].status = "lost"
    inputs.take({theme: "a" * 64})
    assert scattered[-1] == f"bk-media-{'a' * 64}" and len(scattered) == 5


def test_an_episode_with_pronunciations_travels_to_a_worker(show_dir: Path) -> None:
    """Working out sentence keys fills the lexicon's per-engine memo (functions that hold
    engines); the episode and the shared sentences still pickle, and say the same there."""
    import pickle

    from broadcast_kit import loader
    from broadcast_kit.render import pipeline
    from broadcast_kit.tts import registry
    from broadcast_kit.tts.synth import cache_key

    (show_dir / "show.yaml").write_text(
        (show_dir / "show.yaml").read_text() + "pronunciations:\n  Seo: Suh\n"
    )
    episode = write_episode(
        show_dir, "title: Names\ndate: 2024-01-01\nsegments:\n  - host: Seo Jin-seon spoke.\n"
    )
    production = loader.load(episode)
    [[utterance]] = [g for g in pipeline.utterances(production) if g]
    key = cache_key(utterance.text, utterance.voice, utterance.lexicon)[0]
    back = pickle.loads(pickle.dumps(utterance))
    assert cache_key(back.text, back.voice, back.lexicon)[0] == key
    assert back.lexicon.say(back.text, registry.get("fake")) == "Suh Jin-seon spoke."


def test_voices_resolved_here_are_refused_by_a_worker_with_another_engine_version(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shipped episode carries its voices as this machine resolved them (engine version,
    voice, the voice's identity); a worker whose engine is another version refuses the
    episode before synthesizing anything, rather than render with them (issue 27)."""
    from broadcast_kit import loader
    from broadcast_kit.render import pipeline
    from broadcast_kit.testing import FakeEngine

    episode = write_episode(
        show_dir, "title: T\ndate: 2024-01-01\nsegments:\n  - host: Hello there.\n"
    )
    production = loader.load(episode)
    assert [v.version for v in production.resolved.values()] == ["fake 1"]
    voices = frozenset((v.engine, v.name) for v in production.resolved.values())
    shipment = cluster.Shipment(
        0, production, {}, {production.episode_path: str(episode)},
        pipeline.relative_to(production, tmp_path / "out"), "fingerprint",
        cluster.facts(voices), voices, "topic", {},
    )  # fmt: skip
    # on the worker: another version of the engine, facts not yet worked out there
    monkeypatch.setattr(FakeEngine, "version", property(lambda self: "fake 2"))
    monkeypatch.setattr(cluster, "_checked", {})
    monkeypatch.setattr(cluster, "_folder", lambda: tmp_path / "worker")
    (tmp_path / "worker").mkdir()
    FakeEngine.spoken.clear()
    outcome = cluster.render_shipment(shipment, {}, [])
    assert outcome.exit_code != 0 and len(outcome.errors) == 1, outcome
    assert "engine fake is fake 1 here but fake 2 there" in outcome.errors[0]
    assert FakeEngine.spoken == [] and not outcome.payload


def test_a_voice_file_missing_on_a_worker_is_blamed_on_the_voice_not_the_engine(
    tmp_path: Path,
) -> None:
    """A Piper voice file that one machine lacks: its facts still give the engine's version
    (the engine is installed), so a refusal names only the voice that differs."""
    from broadcast_kit.tts import registry

    piper = registry.get("piper")
    if piper.available() is not None:
        pytest.skip("piper is not installed")
    gone = str(tmp_path / "gone.onnx")
    found = cluster.facts([("piper", gone)])
    assert found["engine piper"] == piper.version
    assert found[f"voice piper:{gone}"] == (f"not usable (piper voice file {gone} does not exist)")
