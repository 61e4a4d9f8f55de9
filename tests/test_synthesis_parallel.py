"""Parallel synthesis on a cold cache: an engine that asks for worker processes gets them
(the rendering process synthesizes beside them), each loads its engine (and model) once,
every sentence is synthesized once, and progress still counts sentences."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from broadcast_kit.render import pipeline
from broadcast_kit.testing import FakeEngine
from broadcast_kit.tts import registry, synth
from broadcast_kit.tts.base import VoiceRequest
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import write_episode

LOG = "BROADCAST_KIT_TEST_ENGINE_LOG"


class ProcessEngine(FakeEngine):
    """The fake voice, synthesized in worker processes; logs each load and sentence."""

    name = "process-fake"
    processes = True
    workers = 2

    def __init__(self) -> None:
        self._log(f"load {os.getpid()}")

    def _log(self, line: str) -> None:
        with open(os.environ[LOG], "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def synthesize(self, text: str, voice: VoiceRequest):  # type: ignore[no-untyped-def]
        self._log(f"say {os.getpid()} {text}")
        return super().synthesize(text, voice)


def _episode(
    engine: type[ProcessEngine],
    sentences: list[str],
    show_dir: Path,
    log: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Path:
    """An episode of `sentences` for the host, spoken by `engine`, which logs to `log`."""
    monkeypatch.setenv(LOG, str(log))
    monkeypatch.setattr(registry, "_instances", {})
    monkeypatch.setitem(registry._extra, engine.name, engine)
    return write_episode(
        show_dir,
        f"title: Parallel\ndate: 2024-01-01\nvoices:\n  host: {{engine: {engine.name}}}\n"
        "segments:\n" + "".join(f"  - host: {s}\n" for s in sentences),
    )


def test_a_cold_cache_is_synthesized_in_worker_processes(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "engine.log"
    sentences = [f"Sentence number {n} of the story." for n in range(12)]
    episode = _episode(ProcessEngine, sentences, show_dir, log, monkeypatch)
    calls: list[tuple[int, int, str]] = []
    cache = SpeechCache(tmp_path / "speech")
    result = pipeline.render(
        episode, tmp_path / "dist", cache=cache, progress=lambda *a: calls.append(a)
    )
    assert result.report.as_dict()["synthesis"]["synthesized"] == 12
    lines = log.read_text().splitlines()
    said = [line.split(" ", 2) for line in lines if line.startswith("say ")]
    assert sorted(text for _, _, text in said) == sorted(sentences)  # each exactly once
    loads = [line.split()[1] for line in lines if line.startswith("load ")]
    # one engine per process: this one's own (it checks voices, makes keys and synthesizes
    # in one slot) and one per worker process, 2 slots in all for this engine at most
    assert len(loads) == len(set(loads)) == min(2, os.cpu_count() or 1)
    assert str(os.getpid()) in loads
    assert {pid for _, pid, _ in said} <= set(loads)
    assert [(done, total) for done, total, _ in calls] == [(n, 12) for n in range(1, 13)]
    assert sorted(text for *_, text in calls) == sorted(sentences)

    log.write_text("")
    again = pipeline.render(episode, tmp_path / "again", cache=cache)
    assert "say" not in log.read_text()
    assert again.outputs["mp3"].read_bytes() == result.outputs["mp3"].read_bytes()


class OneSlotEngine(ProcessEngine):
    name = "one-slot-fake"
    processes = False
    workers = 1


def test_the_longest_sentences_are_synthesized_first(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slots take the longest sentences first, so that they end together on short ones."""
    log = tmp_path / "engine.log"
    sentences = [
        "Short one.",
        "A sentence of middling length here.",
        "Tiny.",
        "The longest sentence of them all, by a good many words, comes last.",
    ]
    episode = _episode(OneSlotEngine, sentences, show_dir, log, monkeypatch)
    result = pipeline.render(episode, tmp_path / "dist", cache=SpeechCache(tmp_path / "speech"))
    said = [line.split(" ", 2)[2] for line in log.read_text().splitlines() if line[:4] == "say "]
    assert said == sorted(sentences, key=len, reverse=True)
    spoken = [cue.text for cue in result.timeline.items if cue.text]
    assert spoken == sentences  # placed in the script's order all the same


class SlowEngine(OneSlotEngine):
    """A voice slow enough (0.3 s a sentence) for two renders to meet on a sentence."""

    name = "slow-fake"

    def synthesize(self, text: str, voice: VoiceRequest):  # type: ignore[no-untyped-def]
        audio = super().synthesize(text, voice)
        time.sleep(0.3)
        return audio


def _render_when_told(episode: str, out: str, cache: str, log: str, go: Any) -> None:
    """A render in a process of its own (a batch's worker), started with the others."""
    os.environ[LOG] = log
    registry.register(SlowEngine.name, SlowEngine)
    go.wait(60)
    pipeline.render(Path(episode), Path(out), cache=SpeechCache(Path(cache)))


def test_renders_at_once_never_synthesize_one_sentence_twice(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two renders (processes) start together on episodes that share three sentences: one
    synthesizes each shared sentence while the other goes on with what it can and then takes
    the cache entry (issue 26: a batch never synthesizes the same sentence twice at once)."""
    log = tmp_path / "engine.log"
    shared = [
        "Welcome back to the programme that everybody shares.",
        "Here is the weather for the whole of the region.",
        "Thank you for listening and goodbye.",
    ]
    first = _episode(SlowEngine, [*shared, "Only the first says this."], show_dir, log, monkeypatch)
    second = write_episode(
        show_dir,
        first.read_text().replace("Only the first says this.", "The second says this."),
        "ep2",
    )
    context = multiprocessing.get_context("spawn")
    go = context.Event()
    renders = [
        context.Process(
            target=_render_when_told,
            args=(str(path), str(tmp_path / f"out{n}"), str(tmp_path / "speech"), str(log), go),
        )
        for n, path in enumerate([first, second])
    ]
    for render in renders:
        render.start()
    go.set()
    for render in renders:
        render.join(timeout=120)
        assert render.exitcode == 0
    said = [line.split(" ", 2) for line in log.read_text().splitlines() if line[:4] == "say "]
    texts = sorted(text for _, _, text in said)
    assert texts == sorted([*shared, "Only the first says this.", "The second says this."])
    assert len({pid for _, pid, _ in said}) == 2  # both synthesized, neither twice
    assert not list((tmp_path / "speech").rglob(".*.lock"))  # claims leave nothing behind


def test_a_batch_worker_synthesizes_in_its_own_process_within_its_share(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch worker given one core (two renders at once on two cores) starts no synthesis
    processes for its episode, whose engine would load its model again in each: it
    synthesizes in its own process, with its engine's threads set to its share."""
    log = tmp_path / "engine.log"
    sentences = [f"Sentence number {n} of the batch." for n in range(6)]
    episode = _episode(ProcessEngine, sentences, show_dir, log, monkeypatch)
    monkeypatch.setattr(synth, "_share", None)
    synth.set_share(1)
    ProcessEngine.threads = None  # type: ignore[attr-defined]
    try:
        pipeline.render(episode, tmp_path / "dist", cache=SpeechCache(tmp_path / "speech"))
    finally:
        synth.set_share(None)
    loads = [line.split()[1] for line in log.read_text().splitlines() if line[:5] == "load "]
    assert loads == [str(os.getpid())]
    assert registry.get(ProcessEngine.name).threads == 1  # type: ignore[attr-defined]


class BusyEngine(FakeEngine):
    """A voice computed here in threads, 0.2 s a sentence, noting how many are under way."""

    name = "busy-fake"
    workers = 2
    under_way = 0
    most = 0
    guard = threading.Lock()

    def synthesize(self, text: str, voice: VoiceRequest):  # type: ignore[no-untyped-def]
        cls = BusyEngine
        with cls.guard:
            cls.under_way += 1
            cls.most = max(cls.most, cls.under_way)
        try:
            time.sleep(0.2)
            return super().synthesize(text, voice)
        finally:
            with cls.guard:
                cls.under_way -= 1


class OtherBusyEngine(BusyEngine):
    name = "busy-fake-2"


def test_engines_together_synthesize_no_more_sentences_at_once_than_cores(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two engines of two slots each, on a share of two cores: never more than two
    sentences at once, and two at once all the same (the cores are used)."""
    monkeypatch.setattr(registry, "_instances", {})
    for engine in (BusyEngine, OtherBusyEngine):
        monkeypatch.setitem(registry._extra, engine.name, engine)
    monkeypatch.setattr(BusyEngine, "most", 0)
    monkeypatch.setattr(synth, "_share", 2)
    lines = [
        f"  - host: Sentence {n} from the host.\n"
        f"  - interview: Sentence {n} from the guest.\n    speaker: guest\n"
        for n in range(4)
    ]
    episode = write_episode(
        show_dir,
        "title: Busy\ndate: 2024-01-01\nvoices:\n"
        f"  host: {{engine: {BusyEngine.name}}}\n  guest: {{engine: {OtherBusyEngine.name}}}\n"
        "segments:\n" + "".join(lines),
    )
    result = pipeline.render(episode, tmp_path / "dist", cache=SpeechCache(tmp_path / "speech"))
    assert result.report.as_dict()["synthesis"]["synthesized"] == 8
    assert BusyEngine.most == 2
