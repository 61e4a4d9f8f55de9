"""The speech cache under damage and pressure: checked reads, repair by the render, `kit cache`
info / verify / clear, and the least-recently-used size bound."""

from __future__ import annotations

import json
import os
import random
import re
import struct
import threading
import time
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from broadcast_kit import loader
from broadcast_kit.audio import AudioSegment
from broadcast_kit.cli import app
from broadcast_kit.cli.cache import _size
from broadcast_kit.errors import InputError
from broadcast_kit.model import Voice
from broadcast_kit.render import pipeline, tags
from broadcast_kit.testing import FakeEngine
from broadcast_kit.tts import cache as cache_mod
from broadcast_kit.tts import synth
from broadcast_kit.tts.base import VoiceRequest
from broadcast_kit.tts.cache import DamagedEntry, SpeechCache
from broadcast_kit.tts.voices import resolve
from tests.conftest import write_episode
from tests.test_render import EPISODE

HOST = resolve(Voice(engine="fake", voice="mid"))
TEXTS = [
    "One small step.",
    "Two birds on a wire.",
    "Three quick brown foxes jumped.",
    "Four seasons in one day.",
    "Five golden rings were sold today.",
    "Six of one.",
]


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _junk(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(path.stat().st_size))


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _flip_sample(path: Path) -> None:
    blob = bytearray(path.read_bytes())
    blob[-101] ^= 0x10  # a bit deep in the samples: the format still parses
    path.write_bytes(bytes(blob))


def _flip_rate(path: Path) -> None:
    blob = bytearray(path.read_bytes())
    blob[24:28] = struct.pack("<I", 44100)  # the fmt chunk's sample rate: twice as fast
    path.write_bytes(bytes(blob))


def _append(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"\0" * 64)


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "truncated": (_truncate, "truncated: "),
    "junk": (_junk, "not a speech cache entry"),
    "empty": (_empty, "empty file"),
    "sample": (_flip_sample, "checksum mismatch"),
    "rate": (_flip_rate, "checksum mismatch"),
    "appended": (_append, "64 bytes of junk after the end"),
}


def warm(cache: SpeechCache, texts: list[str] = TEXTS) -> dict[str, Path]:
    """Synthesize `texts` into `cache`; each text's entry file."""
    synth.synthesize_all([synth.Utterance(t, "host", HOST) for t in texts], cache)
    return {t: cache.path(synth.cache_key(t, HOST)[0]) for t in texts}


def sizes(cache: SpeechCache) -> int:
    return sum(e.size for e in cache.entries())


# --- the entry format -----------------------------------------------------------------------


def test_entry_is_a_playable_wav_that_reads_back_identical(cache: SpeechCache) -> None:
    audio = FakeEngine().synthesize("one two three", VoiceRequest("mid"))
    cache.put("ab" * 32, audio, engine="fake", version="fake 1")
    assert cache.load("ab" * 32) == audio
    with wave.open(str(cache.path("ab" * 32))) as wav:  # any player can open it
        assert wav.getframerate() == audio.frame_rate and wav.getnchannels() == 1
        assert wav.readframes(wav.getnframes()) == audio.raw_data
    assert cache_mod.read_meta(cache.path("ab" * 32)) == {"engine": "fake", "version": "fake 1"}


def test_odd_length_8_bit_audio_round_trips(cache: SpeechCache) -> None:
    audio = AudioSegment(bytes(range(101)), sample_width=1, frame_rate=8000, channels=1)
    cache.put("cd" * 32, audio, engine="fake", version="1")
    assert cache.load("cd" * 32) == audio


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_every_kind_of_damage_is_caught(cache: SpeechCache, kind: str) -> None:
    damage, reason = DAMAGE[kind]
    path = warm(cache, ["Hello there, listeners."])["Hello there, listeners."]
    damage(path)
    with pytest.raises(DamagedEntry, match=reason):
        cache_mod.decode(path.read_bytes())
    key = path.stem
    assert cache.get(key) is None
    with pytest.raises(DamagedEntry):
        cache.load(key)


def test_missing_entry_is_a_plain_miss(cache: SpeechCache) -> None:
    assert cache.load("ef" * 32) is None and cache.get("ef" * 32) is None


def test_a_bad_bound_is_an_input_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("BROADCAST_KIT_CACHE_MAX_MB", "lots")
    with pytest.raises(InputError, match=r"BROADCAST_KIT_CACHE_MAX_MB='lots': .* positive"):
        SpeechCache(tmp_path)
    monkeypatch.setenv("BROADCAST_KIT_CACHE_MAX_MB", "0.25")
    assert SpeechCache(tmp_path).max_bytes == 250_000
    monkeypatch.delenv("BROADCAST_KIT_CACHE_MAX_MB")
    assert SpeechCache(tmp_path).max_bytes == 2000 * 1_000_000


# --- a render over a damaged cache ----------------------------------------------------------


@pytest.fixture
def episode(show_dir: Path, music_dir: Path) -> Path:
    return write_episode(show_dir, EPISODE.replace("{music_dir}", str(music_dir)))


def _render(episode: Path, out: Path) -> tuple[dict[str, Any], str, Path]:
    """`kit render` through the CLI: the report, stderr and the MP3 the report names."""
    result = CliRunner().invoke(app, ["render", str(episode), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    report = json.loads((out / "ep1.json").read_text())
    return report, result.stderr, out / report["files"]["mp3"]


def test_render_repairs_damaged_entries_and_sounds_the_same(episode: Path, tmp_path: Path) -> None:
    clean, _, clean_mp3 = _render(episode, tmp_path / "clean")
    assert len(FakeEngine.spoken) == 8
    cache = SpeechCache()  # the folder the CLI used (BROADCAST_KIT_CACHE_DIR)
    entries = {
        u.text: cache.path(synth.cache_key(u.text, u.voice)[0])
        for group in pipeline.utterances(loader.load(episode))
        for u in group
    }
    texts = list(entries)
    damaged = {texts[0]: _truncate, texts[3]: _junk, texts[6]: _empty}
    for text, damage in damaged.items():
        damage(entries[text])

    FakeEngine.spoken.clear()
    report, stderr, mp3 = _render(episode, tmp_path / "again")
    assert sorted(FakeEngine.spoken) == sorted(damaged)  # only the damaged ones
    assert report["synthesis"] == {
        "sentences": 8,
        "cached": 5,
        "synthesized": 3,
        "repaired": 3,
        "engines": {"fake": "fake 1"},
    }
    warnings = [line for line in stderr.splitlines() if "damaged speech cache" in line]
    assert warnings == [
        "warning: repaired 3 damaged speech cache entries: synthesized again and replaced"
        " (`kit cache verify` checks the whole cache)"
    ]
    assert report["duration_ms"] == clean["duration_ms"]
    assert tags.read(mp3).duration == tags.read(clean_mp3).duration
    assert report["audio"]["sha256"] == clean["audio"]["sha256"]  # the fake engine repeats itself
    assert cache.verify().damaged == []  # replaced in place

    FakeEngine.spoken.clear()
    third, stderr, _ = _render(episode, tmp_path / "third")
    assert FakeEngine.spoken == [] and "damaged" not in stderr
    assert third["synthesis"]["cached"] == 8


def test_dry_run_counts_a_damaged_entry_as_a_miss(episode: Path, tmp_path: Path) -> None:
    _render(episode, tmp_path / "a")
    cache = SpeechCache()
    for entry in list(cache.entries())[:2]:
        _truncate(entry.path)
    FakeEngine.spoken.clear()
    result = CliRunner().invoke(app, ["render", str(episode), "--dry-run"])
    assert result.exit_code == 0, result.stderr
    assert FakeEngine.spoken == []
    assert (
        "warning: 2 speech cache entries are damaged; a render synthesizes them again"
        " (`kit cache verify --remove` deletes them now)"
    ) in result.stderr.splitlines()


# --- kit cache ------------------------------------------------------------------------------


def kit(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["cache", *args])
    return result.exit_code, result.stdout + result.stderr


def test_verify_finds_exactly_the_damaged_entries_and_removes_them() -> None:
    cache = SpeechCache()
    entries = warm(cache)
    (cache.root / "notes.txt").write_text("not an entry; left alone")
    broken = {TEXTS[1]: "truncated", TEXTS[2]: "junk", TEXTS[4]: "empty", TEXTS[5]: "sample"}
    for text, kind in broken.items():
        DAMAGE[kind][0](entries[text])

    code, out = kit("verify")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == f"checked 6 entries in {cache.root}: 4 damaged"
    listed = {line.split(":")[0].strip() for line in lines[1:-1]}
    assert listed == {str(entries[t].relative_to(cache.root)) for t in broken}
    for text, kind in broken.items():
        line = next(x for x in lines if entries[text].name in x)
        assert DAMAGE[kind][1] in line
    assert lines[-1] == "`kit cache verify --remove` deletes them (a render also replaces them)"
    assert all(p.exists() for p in entries.values())  # verify alone removes nothing

    code, out = kit("verify", "--remove")
    assert code == 0, out
    assert "removed 4; a render synthesizes their sentences again" in out
    assert sorted(p.name for p in entries.values() if p.exists()) == sorted(
        entries[t].name for t in (TEXTS[0], TEXTS[3])
    )
    code, out = kit("verify")
    assert (code, out) == (0, f"checked 2 entries in {cache.root}: all good\n")


def test_info_counts_entries_bytes_and_engines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADCAST_KIT_CACHE_MAX_MB", "50")
    cache = SpeechCache()
    entries = warm(cache)
    other = FakeEngine().synthesize("elsewhere entirely", VoiceRequest("low"))
    cache.put("0f" * 32, other, engine="other", version="2.1")
    _junk(entries[TEXTS[0]])
    old = cache.root.parent / "speech-v1" / "ab"
    old.mkdir(parents=True)
    (old / "x.wav").write_bytes(b"\0" * 300_000)

    def size(*paths: Path) -> str:
        return _size(sum(p.stat().st_size for p in paths))

    code, out = kit("info")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == f"folder: {cache.root}"
    every = [*entries.values(), cache.path("0f" * 32)]
    assert lines[1] == (
        f"entries: 7 entries, {size(*every)} (bound 50 MB, set by BROADCAST_KIT_CACHE_MAX_MB)"
    )
    assert re.fullmatch(r"last used: [\d-]+ [\d:]+ to [\d-]+ [\d:]+", lines[2])
    assert lines[3:6] == [
        f"  fake (fake 1): 5 entries, {size(*(entries[t] for t in TEXTS[1:]))}",
        f"  other (2.1): 1 entry, {size(cache.path('0f' * 32))}",
        f"  unreadable: 1 entry, {size(entries[TEXTS[0]])}",
    ]
    assert lines[6:] == [f"earlier layout: {old.parent} (0.3 MB); `kit cache clear` removes it"]


def test_clear_empties_the_cache_or_only_what_is_unused() -> None:
    cache = SpeechCache()
    entries = warm(cache)
    month_ago = time.time() - 31 * 86400
    for text in TEXTS[:2]:
        os.utime(entries[text], (month_ago, month_ago))
    cache.load(synth.cache_key(TEXTS[1], HOST)[0])  # a hit counts as a use

    unused = entries[TEXTS[0]].stat().st_size
    code, out = kit("clear", "--older-than", "30")
    assert code == 0, out
    assert (
        out == f"removed 1 entry unused for 30 days ({_size(unused)}) from {cache.root}; 5 kept\n"
    )
    assert sorted(p.name for p in entries.values() if p.exists()) == sorted(
        entries[t].name for t in TEXTS[1:]
    )

    rest = sum(entries[t].stat().st_size for t in TEXTS[1:])
    old = cache.root.parent / "speech-v1"
    old.mkdir()
    (old / "entry.wav").write_bytes(b"x" * 10)
    code, out = kit("clear")
    assert code == 0, out
    assert out.splitlines() == [
        f"removed 5 entries ({_size(rest)}) from {cache.root}",
        f"removed the earlier layout {old} (10 bytes)",
    ]
    assert list(cache.entries()) == [] and not old.exists()
    assert not list(cache.root.rglob("*.wav"))
    code, out = kit("info")
    assert "entries: 0 entries, 0 bytes" in out


def test_cache_commands_on_a_missing_folder_and_a_bad_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert kit("info")[0] == 0 and kit("verify") == (
        0,
        f"checked 0 entries in {SpeechCache().root}: all good\n",
    )
    assert kit("clear")[0] == 0
    monkeypatch.setenv("BROADCAST_KIT_CACHE_MAX_MB", "-5")
    code, out = kit("info")
    assert code == 2 and out.startswith("error: BROADCAST_KIT_CACHE_MAX_MB='-5': ")


# --- the size bound -------------------------------------------------------------------------


def test_eviction_keeps_the_cache_under_a_tiny_bound_least_recently_used_first(
    tmp_path: Path,
) -> None:
    texts = [f"{word} one two." for word in ("Alpha", "Bravo", "Charlie", "Delta", "Echo")]
    probe = SpeechCache(tmp_path / "probe")
    largest = max(p.stat().st_size for p in warm(probe, texts).values())
    bound = 3 * largest + largest // 2  # room for three entries, not four
    cache = SpeechCache(tmp_path / "c", max_bytes=bound)
    entries = warm(cache, texts[:3])
    assert len(list(cache.entries())) == 3
    base = time.time() - 1000
    for n, text in enumerate(texts[:3]):  # used oldest first: 0, 1, 2
        os.utime(entries[text], (base + n, base + n))
    cache.load(synth.cache_key(texts[0], HOST)[0])  # a hit: 0 is the most recently used now

    _, stats = synth.synthesize_all([synth.Utterance(t, "host", HOST) for t in texts[3:]], cache)
    assert stats.evicted == 2
    assert sizes(cache) <= bound
    kept = {e.path for e in cache.entries()}
    assert kept == {
        entries[texts[0]],
        *(cache.path(synth.cache_key(t, HOST)[0]) for t in texts[3:]),
    }


def test_a_render_under_a_tiny_bound_stays_under_it(
    episode: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BROADCAST_KIT_CACHE_MAX_MB", "0.2")
    _render(episode, tmp_path / "a")
    cache = SpeechCache()
    assert 0 < sizes(cache) <= 200_000
    assert 0 < len(list(cache.entries())) < 8


def test_renders_and_clears_at_once_never_crash(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path / "c", max_bytes=120_000)
    utts = [synth.Utterance(t, "host", HOST) for t in TEXTS]
    expected, _ = synth.synthesize_all(utts, SpeechCache(tmp_path / "undisturbed"))
    errors: list[BaseException] = []
    stop = threading.Event()

    def clearing() -> None:
        try:
            while not stop.is_set():
                SpeechCache(cache.root).clear()
                SpeechCache(cache.root).verify()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    thread = threading.Thread(target=clearing)
    thread.start()
    try:
        for _ in range(15):
            audio, _ = synth.synthesize_all(utts, cache)
            assert audio == expected
    finally:
        stop.set()
        thread.join()
    assert errors == []


# --- claims, and entries carried to another machine's cache ---------------------------------


@pytest.mark.skipif(os.name != "posix", reason="claims are file locks (fcntl): POSIX only")
def test_a_claimed_sentence_is_claimed_once_until_its_entry_is_written(
    cache: SpeechCache,
) -> None:
    key = "ef" * 32
    held = cache.claim(key)
    assert held is not None
    assert cache.claim(key) is None  # another render: it goes on with other sentences
    got: list[Any] = []
    waiter = threading.Thread(target=lambda: got.append(cache.claim(key, wait=True)))
    waiter.start()
    time.sleep(0.2)
    assert waiter.is_alive()  # waits for the entry...
    audio = FakeEngine().synthesize("claimed", VoiceRequest("mid"))
    cache.put(key, audio, engine="fake", version="fake 1")
    held.release()
    waiter.join(timeout=10)
    assert got[0] is not None and cache.get(key) == audio  # ...and finds it written
    got[0].release()
    assert not list(cache.root.rglob(".*.lock"))


def test_an_entry_travels_to_another_cache_checked(cache: SpeechCache, tmp_path: Path) -> None:
    audio = FakeEngine().synthesize("carried over", VoiceRequest("mid"))
    cache.put("12" * 32, audio, engine="fake", version="fake 1")
    blob = cache.entry("12" * 32)
    assert blob is not None and cache.entry("34" * 32) is None
    other = SpeechCache(tmp_path / "worker" / "speech")
    other.put_entry("12" * 32, blob)
    assert other.load("12" * 32) == audio
    other.put_entry("56" * 32, blob[:-10])  # damaged on the way: not stored
    assert not other.path("56" * 32).exists()
