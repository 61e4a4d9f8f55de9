"""The derived files a Piper voice needs (its fingerprint, its seeded copy) are made once and
shared by every process that loads the voice."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

from broadcast_kit.tts import piper


def _voice(tmp_path: Path, data: bytes = b"not really an onnx model") -> Path:
    model = tmp_path / "voice.onnx"
    model.write_bytes(data)
    return model


def test_a_voice_is_hashed_once_then_known_by_its_file(tmp_path: Path) -> None:
    model = _voice(tmp_path)
    truth = hashlib.sha256(model.read_bytes()).hexdigest()[:16]
    piper._fingerprint.cache_clear()
    assert piper._fingerprint(model) == truth
    memos = list(piper._models().glob("*.fingerprint"))
    assert len(memos) == 1
    # a new process reads the memo rather than the file: a planted digest shows it was used
    stamp = memos[0].read_text().rsplit(" ", 1)[0]
    memos[0].write_text(f"{stamp} {'0' * 16}")
    piper._fingerprint.cache_clear()
    assert piper._fingerprint(model) == "0" * 16


def test_a_changed_voice_file_is_hashed_again(tmp_path: Path) -> None:
    model = _voice(tmp_path)
    piper._fingerprint.cache_clear()
    first = piper._fingerprint(model)
    model.write_bytes(b"another voice altogether, longer")
    piper._fingerprint.cache_clear()
    second = piper._fingerprint(model)
    assert second != first
    assert second == hashlib.sha256(model.read_bytes()).hexdigest()[:16]
    # the same size and time, but another file in its place (renamed over it)
    replacement = tmp_path / "other.onnx"
    replacement.write_bytes(b"another voice altogether, LONGER")
    info = model.stat()
    os.utime(replacement, ns=(info.st_atime_ns, info.st_mtime_ns))
    os.replace(replacement, model)
    piper._fingerprint.cache_clear()
    assert piper._fingerprint(model) == hashlib.sha256(model.read_bytes()).hexdigest()[:16]


def test_a_damaged_memo_is_ignored(tmp_path: Path) -> None:
    model = _voice(tmp_path)
    piper._fingerprint.cache_clear()
    truth = piper._fingerprint(model)
    for memo in piper._models().glob("*.fingerprint"):
        memo.write_text("garbage")
    piper._fingerprint.cache_clear()
    assert piper._fingerprint(model) == truth


def test_the_seeded_voice_is_made_by_one_process_while_the_others_wait(tmp_path: Path) -> None:
    """While one process rewrites the voice, another asking for it waits and then takes the
    finished file (the voice here is not a model: rewriting it again would fail)."""
    model = _voice(tmp_path)
    piper._fingerprint.cache_clear()
    target = piper._models() / f"{piper._fingerprint(model)}-seeded-1.onnx"
    got: list[Path | bytes] = []
    with piper._only_one(target.with_suffix(".lock")):
        waiter = threading.Thread(target=lambda: got.append(piper._seeded_file(model)))
        waiter.start()
        time.sleep(0.3)
        assert waiter.is_alive() and not got  # waiting for the lock
        target.write_bytes(b"seeded")  # what the first process leaves
    waiter.join(10)
    assert got == [target]


def test_the_lock_is_exclusive_across_threads(tmp_path: Path) -> None:
    lock = tmp_path / "x.lock"
    inside: list[str] = []

    def hold(name: str) -> None:
        with piper._only_one(lock):
            inside.append(f"{name} in")
            time.sleep(0.2)
            inside.append(f"{name} out")

    threads = [threading.Thread(target=hold, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert inside[0][0] == inside[1][0] and inside[2][0] == inside[3][0]
