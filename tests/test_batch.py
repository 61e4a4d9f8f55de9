"""Batch renders (`kit render` with several episodes or a folder): outputs identical to single
renders, --keep-going, incremental re-renders by input fingerprint, and a Dask cluster.

The batch is one show with six short episodes (fake engine, every sentence its own, so that a
cold cache synthesizes the same sentences whichever process renders them): three written as
`segments:`, three as a `script_file:`, two with music."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadcast_kit import __version__, batch, fingerprint, loader
from broadcast_kit.cli import app
from broadcast_kit.errors import InputError
from broadcast_kit.render import pipeline
from broadcast_kit.testing import FakeEngine
from tests.conftest import NO_DASK, write_episode

runner = CliRunner()
SLUGS = [f"ep{n}" for n in range(1, 7)]
BROKEN = "ep4"
TIMING = {"render_seconds", "timings"}  # the only report fields that differ between renders


def _segments(n: int, music: Path) -> str:
    bed = f"  - music: {music}\n    role: sting\n" if n % 2 else ""
    return (
        f"title: Episode {n}\ndate: 2024-02-0{n}\nnumber: {n}\nsegments:\n"
        f"  - chapter: Part {n}\n"
        f"  - host: Welcome to episode number {n} of the test show.\n{bed}"
        f"  - voxpop: Episode {n} was my favourite one.\n    speaker: Listener {n}\n"
        f"  - host: Goodbye from episode {n}.\n"
    )


def _script(n: int) -> str:
    return (
        f"## Story {n}\n\nHOST: This is script episode {n}.\n\n"
        f"VOXPOP(Caller {n}): I called in for episode {n}.\n\nHOST: Until next time, {n}.\n"
    )


def make_batch(show_dir: Path, music_dir: Path) -> list[Path]:
    """Six episodes below `show_dir`; ep4, ep5 and ep6 read a script.txt."""
    paths = []
    for n, slug in enumerate(SLUGS, start=1):
        if n <= 3:
            paths.append(write_episode(show_dir, _segments(n, music_dir / "sting.wav"), slug))
            continue
        path = write_episode(
            show_dir, f"title: Script {n}\ndate: 2024-02-0{n}\nscript_file: script.txt\n", slug
        )
        (path.parent / "script.txt").write_text(_script(n), encoding="utf-8")
        paths.append(path)
    return paths


def break_episode(show_dir: Path) -> str:
    """Make ep4 name a music file that is not audio: it loads, and fails while rendering."""
    folder = show_dir / BROKEN
    (folder / "noise.wav").write_bytes(b"RIFF, but not really a WAV file")
    script = folder / "script.txt"
    script.write_text("[STING: noise.wav]\n\n" + script.read_text(), encoding="utf-8")
    return BROKEN


@pytest.fixture
def episodes(show_dir: Path, music_dir: Path) -> list[Path]:
    return make_batch(show_dir, music_dir)


def reports(out: Path) -> dict[str, dict[str, object]]:
    """Every render report in `out`, by slug."""
    found = {}
    for path in out.glob("*.json"):
        if not path.name.endswith((".chapters.json", ".transcript.json")):
            found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return found


def assert_same_outputs(
    expected: Path, actual: Path, slugs: list[str], also_differ: frozenset[str] = frozenset()
) -> None:
    """Byte for byte: the MP3 and the sidecars; the report apart from its timings (and the
    fields `also_differ`)."""
    want, got = reports(expected), reports(actual)
    assert sorted(got) == sorted(want) == sorted(slugs)
    for slug in slugs:
        files = want[slug]["files"]
        assert isinstance(files, dict) and got[slug]["files"] == files
        for kind, name in files.items():
            if kind != "report":
                assert (actual / name).read_bytes() == (expected / name).read_bytes(), name
        ignored = TIMING | also_differ
        trimmed = [{k: v for k, v in r[slug].items() if k not in ignored} for r in (want, got)]
        assert trimmed[0] == trimmed[1], slug
        assert want[slug]["fingerprint"] == got[slug]["fingerprint"]


def single_renders(episodes: list[Path], out: Path) -> dict[str, str]:
    """`kit render EPISODE` for each, one at a time; the error line of each that fails."""
    errors = {}
    for path in episodes:
        result = runner.invoke(app, ["render", str(path), "--out", str(out), "-q"])
        if result.exit_code:
            [errors[path.parent.name]] = lines(result.stderr)
    return errors


def lines(text: str) -> list[str]:
    """Output lines with memory addresses masked (ffmpeg's messages name its own objects)."""
    return re.sub(r"0x[0-9a-f]+", "0x?", text).splitlines()


def mtimes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in out.iterdir()}


# --- fingerprints ---------------------------------------------------------------------------


def test_fingerprint_covers_every_input(
    episodes: list[Path], show_dir: Path, music_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    segments, scripted = episodes[0], episodes[4]

    def both() -> tuple[str, str]:
        return tuple(fingerprint.of(loader.load(p)) for p in (segments, scripted))  # type: ignore[return-value]

    first = both()
    assert first == both() and first[0] != first[1]
    inputs = fingerprint.inputs(loader.load(segments))
    assert inputs["broadcast-kit"] == __version__
    assert inputs["voices"]["host"]["engine_version"] == "fake 1"  # type: ignore[index]
    assert [kind for _, kind, _ in inputs["media"]] == ["music"]  # type: ignore[attr-defined]
    last = [first]

    def changed() -> list[bool]:
        """Which of the two fingerprints changed since the last call."""
        now = both()
        was, last[0] = last[0], now
        return [a != b for a, b in zip(was, now, strict=True)]

    # a new mtime is no change: a fresh checkout must not re-render a whole catalogue
    os.utime(segments, ns=(1, 1))
    os.utime(scripted.parent / "script.txt", ns=(1, 1))
    assert changed() == [False, False]

    script = scripted.parent / "script.txt"
    script.write_text(script.read_text() + "\nHOST: One more line.\n")
    assert changed() == [False, True]

    segments.write_text(segments.read_text().replace("Goodbye", "Farewell"))
    assert changed() == [True, False]

    show = show_dir / "show.yaml"
    show.write_text(show.read_text().replace("voice: high", "voice: high, speed: 1.1"))
    assert changed() == [True, True]

    (show_dir / "cover.jpg").write_bytes((show_dir / "cover.jpg").read_bytes() + b"\0")
    assert changed() == [True, True]

    # the music's bytes, under the same name (a copy: music_dir is shared by other tests)
    shutil.copy(music_dir / "sting.wav", segments.parent / "sting.wav")
    segments.write_text(segments.read_text().replace(str(music_dir / "sting.wav"), "sting.wav"))
    changed()
    (segments.parent / "sting.wav").write_bytes((music_dir / "bed.wav").read_bytes())
    assert changed() == [True, False]

    monkeypatch.setattr(FakeEngine, "version", property(lambda self: "fake 2"))
    assert changed() == [True, True]

    monkeypatch.setattr(fingerprint, "__version__", "99.0")
    assert changed() == [True, True]


def test_fingerprint_does_not_depend_on_where_the_show_is(
    episodes: list[Path], show_dir: Path, tmp_path: Path
) -> None:
    moved = tmp_path / "elsewhere" / "show"
    shutil.copytree(show_dir, moved)
    for path in episodes:
        copy = moved / path.parent.name / "episode.yaml"
        assert fingerprint.of(loader.load(copy)) == fingerprint.of(loader.load(path))


def test_single_render_records_the_fingerprint(episodes: list[Path], tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", str(episodes[0]), "--out", str(tmp_path / "d")])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("rendered 'Episode 1' (")  # today's output, unchanged
    report = reports(tmp_path / "d")["ep1"]
    assert report["fingerprint"] == fingerprint.of(loader.load(episodes[0]))


# --- planning -------------------------------------------------------------------------------


def test_find_expands_folders_once_each(episodes: list[Path], show_dir: Path) -> None:
    hidden = show_dir / ".git" / "x"
    hidden.mkdir(parents=True)
    (hidden / "episode.yaml").write_text("title: not an episode\n")
    found = batch.find([episodes[2], show_dir, show_dir / "ep1"])
    assert found[0] == episodes[2]
    assert sorted(p.resolve() for p in found) == sorted(p.resolve() for p in episodes)
    (show_dir / "empty").mkdir()
    with pytest.raises(InputError, match=r"empty: no episode\.yaml in it or below it"):
        batch.find([show_dir / "empty"])


def test_plan_says_why_each_episode_renders(
    episodes: list[Path], show_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "dist"
    assert {i.reason for i in batch.plan([show_dir], out).items} == {"not rendered yet"}
    for path in episodes[:4]:
        batch.render_one(path, out)
    pipeline.render(episodes[4], out)  # an older kit's render: no fingerprint
    reasons = {i.slug: i.reason for i in batch.plan([show_dir], out).items}
    assert reasons == {
        "ep1": None,
        "ep2": None,
        "ep3": None,
        "ep4": None,
        "ep5": "no fingerprint in its render report",
        "ep6": "not rendered yet",
    }
    (out / "ep1.vtt").unlink()
    mp3 = out / str(reports(out)["ep2"]["audio"]["file"])  # type: ignore[index]
    mp3.write_bytes(mp3.read_bytes()[:-10])
    episodes[2].write_text(episodes[2].read_text().replace("Goodbye", "Bye"))
    (out / "ep4.json").write_text("{")
    reasons = {i.slug: i.reason for i in batch.plan([show_dir], out).items}
    assert reasons["ep1"] == "outputs missing"
    assert reasons["ep2"] == "MP3 changed since its render"
    assert reasons["ep3"] == "inputs changed"
    assert reasons["ep4"] == "render report unreadable"
    forced = batch.plan([show_dir], out, force=True).items
    assert {i.reason for i in forced} == {"forced"}


def test_two_episodes_with_one_slug_are_refused(episodes: list[Path], show_dir: Path) -> None:
    episodes[5].write_text(episodes[5].read_text() + "slug: ep5\n")
    items = batch.plan([show_dir], show_dir / "dist").items
    assert [i.state for i in items] == ["to render"] * 5 + ["failed"]
    assert re.fullmatch(
        r".*ep6/episode\.yaml: its slug 'ep5' is also the slug of .*ep5/episode\.yaml, and"
        r" both would write .*dist/ep5\.\*; give one a slug: of its own",
        items[5].errors[0],
    )


def test_an_episode_that_does_not_load_stops_the_batch_before_any_render(
    episodes: list[Path], show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(show_dir)
    episodes[1].write_text(episodes[1].read_text().replace("date: 2024-02-02", "date: 2024-13-02"))
    result = runner.invoke(app, ["render", ".", "--out", str(tmp_path / "d")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "error: ep2/episode.yaml:2: date: cannot read '2024-13-02' (month must be in 1..12);"
        " quote it if it is meant as text",
        "6 episodes: 5 to render (5 not rendered yet), 0 up to date, 1 with errors",
        "rendered nothing: fix the 1 episode above, or pass --keep-going to render the others",
    ]
    assert not (tmp_path / "d").exists()


def test_batch_options_are_checked(episodes: list[Path], show_dir: Path) -> None:
    dry = runner.invoke(app, ["render", str(show_dir), "--dry-run"])
    assert dry.exit_code == 2 and "--dry-run" in dry.stderr
    lonely = runner.invoke(app, ["render", str(show_dir), "--executor", "dask"])
    assert lonely.exit_code == 2 and "--executor dask and --address go together" in lonely.stderr
    stray = runner.invoke(app, ["render", str(episodes[0]), "--address", "tcp://127.0.0.1:1"])
    assert stray.exit_code == 2
    shared = runner.invoke(app, ["render", str(show_dir), "--shared-folder"])
    assert shared.exit_code == 2 and "--shared-folder" in shared.stderr


def test_dask_without_the_extra_names_it(
    episodes: list[Path], show_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    result = runner.invoke(
        app, ["render", str(show_dir), "--executor", "dask", "--address", "tcp://127.0.0.1:1"]
    )
    assert result.exit_code == 1
    assert "pip install 'broadcast-kit[cluster]'" in result.stderr


# --- rendering in worker processes ----------------------------------------------------------


@pytest.mark.slow
def test_jobs_2_match_single_renders_and_keep_going_past_a_broken_episode(
    episodes: list[Path], show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = break_episode(show_dir)
    monkeypatch.chdir(show_dir)
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "cache-single"))
    errors = single_renders(episodes, tmp_path / "single")
    assert list(errors) == [broken]
    assert re.fullmatch(
        r"error: ep4/script\.txt:1: \S*noise\.wav: ffmpeg failed: .*", errors[broken]
    )

    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "cache-batch"))
    out = tmp_path / "batch"
    result = runner.invoke(app, ["render", ".", "--jobs", "2", "--keep-going", "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert errors[broken] in lines(result.stderr)  # the same error line as on its own
    assert re.search(r"^\[\d/6\] ep4: failed$", result.stderr, re.M)
    assert re.fullmatch(
        r"6 episodes: 5 rendered, 0 up to date, 1 failed; 15 sentences \(15 synthesized,"
        r" 0 from cache\); [\d.]+ s with 2 jobs on this machine\n  failed: ep4/episode\.yaml\n",
        result.stdout,
    )
    assert_same_outputs(tmp_path / "single", out, [s for s in SLUGS if s != broken])
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp folders left
    assert len(list((tmp_path / "cache-batch").rglob("*.wav"))) == 15  # one shared cache


@pytest.mark.slow
def test_without_keep_going_the_first_failure_stops_the_batch(
    episodes: list[Path], show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_episode(show_dir)
    monkeypatch.chdir(show_dir)
    out = tmp_path / "dist"
    result = runner.invoke(app, ["render", ".", "--jobs", "1", "--out", str(out)])
    assert result.exit_code == 1
    assert "error: ep4/script.txt:1: " in result.stderr
    assert result.stdout.startswith(
        "6 episodes: 3 rendered, 0 up to date, 1 failed, 2 not started (after the first"
        " failure; --keep-going);"
    )
    assert sorted(reports(out)) == ["ep1", "ep2", "ep3"]


@pytest.mark.slow
def test_a_second_run_renders_only_what_changed(
    episodes: list[Path], show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(show_dir)
    out = tmp_path / "dist"

    def batch_render(*extra: str) -> tuple[str, str]:
        result = runner.invoke(app, ["render", ".", "--jobs", "2", "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
        return result.stdout, result.stderr

    stdout, _ = batch_render()
    assert stdout.startswith("6 episodes: 6 rendered, 0 up to date, 0 failed; 18 sentences")
    before = mtimes(out)

    nothing = "6 episodes up to date: nothing to render (--force renders them all)\n"
    assert batch_render() == (nothing, "")
    os.utime(show_dir / "ep5" / "script.txt")  # touched, not changed: nothing to do
    assert batch_render() == (nothing, "")
    assert mtimes(out) == before

    script = show_dir / "ep5" / "script.txt"
    script.write_text(script.read_text().replace("Until next time", "See you soon"))
    stdout, stderr = batch_render()
    assert stdout.startswith(
        "6 episodes: 1 rendered, 5 up to date, 0 failed; 3 sentences (1 synthesized, 2 from cache)"
    )
    assert "6 episodes: 1 to render (1 inputs changed), 5 up to date" in stderr
    assert re.search(
        r"^\[1/1\] ep5: rendered in [\d.]+ s \(3 sentences, 1 synthesized\)$", stderr, re.M
    )
    after = mtimes(out)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed and all(name.startswith("ep5") for name in changed), changed
    assert len(list(out.glob("*.mp3"))) == 6  # the old ep5 MP3 was replaced, not kept

    (out / "ep2.srt").unlink()
    stdout, stderr = batch_render()
    assert "1 to render (1 outputs missing)" in stderr and "ep2: rendered" in stderr
    assert (out / "ep2.srt").is_file()

    stdout, _ = batch_render("--force")
    assert stdout.startswith(
        "6 episodes: 6 rendered, 0 up to date, 0 failed; 18 sentences (0 synthesized"
    )
    assert batch_render() == (nothing, "")


@pytest.mark.slow
def test_a_dask_cluster_through_a_shared_folder_renders_the_same_batch(
    episodes: list[Path], show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--shared-folder: workers read the episodes and write the stages at this machine's
    paths, and share its speech cache (tests/test_cluster.py has clusters that share
    nothing)."""
    distributed = pytest.importorskip("distributed", reason=NO_DASK)
    broken = break_episode(show_dir)
    monkeypatch.chdir(show_dir)
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "cache-single"))
    errors = single_renders(episodes, tmp_path / "single")
    # the workers start now and take the cache folder from the environment, like real ones
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "cache-dask"))
    out = tmp_path / "dask"
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",  # its HTTP server starts anyway: any free port
    ) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        dask = ["--executor", "dask", "--address", address, "--shared-folder"]
        result = runner.invoke(app, ["render", ".", *dask, "-k", "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert errors[broken] in lines(result.stderr)
    assert f"rendering 6 episodes with the Dask cluster at {address} (2 workers, 2 threads)" in (
        result.stderr
    )
    assert result.stdout.startswith(
        "6 episodes: 5 rendered, 0 up to date, 1 failed; 15 sentences (15 synthesized"
    )
    assert_same_outputs(tmp_path / "single", out, [s for s in SLUGS if s != broken])
    assert len(list((tmp_path / "cache-dask").rglob("*.wav"))) == 15  # the one shared cache


@pytest.mark.timeout(480)
@pytest.mark.slow
def test_a_local_worker_killed_mid_batch_has_its_episode_rendered_again(
    episodes: list[Path], show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL one worker process as soon as an episode reports progress: the pool breaks,
    the episodes it held are rendered again on a new one, each exactly once, and nothing of
    the killed render is left in the output folder. Progress came with each episode's stage."""
    monkeypatch.chdir(show_dir)
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "cache-single"))
    single_renders(episodes, tmp_path / "single")
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(tmp_path / "cache-batch"))
    out = tmp_path / "batch"
    plan = batch.plan([show_dir], out)
    killed: list[int] = []
    stages: list[tuple[str | None, str | None]] = []

    def listen(event: batch.Event, item: batch.Item) -> None:
        if event != "progress":
            return
        stages.append((item.slug, item.stage))
        if not killed:
            victim = multiprocessing.active_children()[0]
            os.kill(victim.pid, signal.SIGKILL)  # type: ignore[arg-type]
            killed.append(victim.pid)  # type: ignore[arg-type]

    batch.run(plan, batch.LocalExecutor(2), listen=listen)
    assert killed
    assert [item.state for item in plan.items] == ["rendered"] * 6
    assert max(item.attempts for item in plan.items) == 2  # the ones the dead pool held
    # (what the killed render had put in the cache, the second found there: the counts differ)
    assert_same_outputs(tmp_path / "single", out, SLUGS, frozenset({"synthesis"}))
    assert len(list(out.glob("*.mp3"))) == 6
    assert not [p for p in out.iterdir() if p.name.startswith(".")]
    assert {"loading", "synthesizing", "mastering"} <= {stage for _, stage in stages}


def test_an_episode_that_breaks_before_it_is_sent_fails_with_its_own_error(
    episodes: list[Path], show_dir: Path, tmp_path: Path
) -> None:
    """A cluster's executor loads each episode again to send it: one broken since the plan
    fails with its own error line, not as a lost worker, and the others render."""
    from concurrent.futures import Future

    sent: list[int] = []

    class Sending:
        slots, description, retries = 2, "a test executor", 0

        def start(self, plan: batch.Plan) -> None:
            return None

        def submit(self, job: batch.Job) -> Future[batch.Outcome]:
            loader.load(job.episode, job.show)  # as DaskExecutor.submit does
            sent.append(job.index)
            done: Future[batch.Outcome] = Future()
            done.set_result(batch.Outcome(errors=("not rendered here",), exit_code=1))
            return done

        def progress(self) -> list[batch.Report]:
            return []

        def close(self) -> None:
            return None

    plan = batch.plan([show_dir], tmp_path / "dist")
    episodes[1].write_text("title: [broken\n")
    batch.run(plan, Sending(), keep_going=True)
    outcome = plan.items[1].outcome
    assert outcome is not None and not outcome.lost and outcome.exit_code == 2
    assert "ep2/episode.yaml:2: malformed YAML: " in outcome.errors[0]
    assert sorted(sent) == [0, 2, 3, 4, 5]
