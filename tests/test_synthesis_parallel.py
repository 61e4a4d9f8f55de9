"""Parallel synthesis on a cold cache: an engine that asks for worker processes gets them
(the rendering process synthesizes beside them), each loads its engine (and model) once,
every sentence is synthesized once, and progress still counts sentences."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from broadcast_kit.render import pipeline
from broadcast_kit.testing import FakeEngine
from broadcast_kit.tts import registry
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
    assert result.report["synthesis"]["synthesized"] == 12  # type: ignore[index]
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
