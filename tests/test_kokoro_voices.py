"""Installing Kokoro's English voices: a fake npm on PATH hands over a small archive made
here (no network); the installer checks its integrity before opening it, each voice's size
and sha256, and installs all or nothing."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
import tarfile
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from broadcast_kit.cli import app
from broadcast_kit.errors import EngineError, NotInstalled
from broadcast_kit.tts import kokoro_voices
from broadcast_kit.tts.kokoro_voices import Pinned

NAMES = ("af_test.bin", "bm_test.bin")


def _voice(seed: int, size: int = kokoro_voices.SIZE) -> bytes:
    rng = np.random.default_rng(seed)
    return rng.standard_normal(size // 4).astype("<f4").tobytes()[:size]


def _archive(path: Path, voices: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        entries = {"package/LICENSE": b"Apache License\nVersion 2.0, January 2004\n"}
        entries |= {f"package/voices/{name}": data for name, data in voices.items()}
        entries["package/voices/jf_other.bin"] = _voice(9)  # not English: never installed
        for name, data in entries.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _sri(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def _pin(archive: Path, voices: dict[str, bytes]) -> Pinned:
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in voices.items()}
    return Pinned("kokoro-js@1.2.1", _sri(archive), digests)


@pytest.fixture
def fake_npm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake `npm` first on PATH: `npm pack SPEC ... --pack-destination DIR` copies the
    archive at $FAKE_NPM_ARCHIVE into DIR and logs its arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    npm = bin_dir / "npm"
    npm.write_text(
        "#!/bin/sh\n"
        'echo "$@" >> "$FAKE_NPM_LOG"\n'
        'dest=""\n'
        'while [ $# -gt 0 ]; do [ "$1" = "--pack-destination" ] && dest="$2"; shift; done\n'
        'cp "$FAKE_NPM_ARCHIVE" "$dest/kokoro-js-1.2.1.tgz"\n'
        "echo '[]'\n"
    )
    npm.chmod(npm.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_NPM_LOG", str(tmp_path / "npm.log"))
    monkeypatch.setenv("BROADCAST_KIT_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "npm.log"


def _use(monkeypatch: pytest.MonkeyPatch, archive: Path) -> None:
    monkeypatch.setenv("FAKE_NPM_ARCHIVE", str(archive))


def _left_behind(tmp_path: Path) -> list[str]:
    voices = tmp_path / "data" / "voices"
    return sorted(p.name for p in voices.rglob("*")) if voices.exists() else []


def test_installs_the_english_voices_with_licence_and_attribution(
    tmp_path: Path, fake_npm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    voices = {name: _voice(i) for i, name in enumerate(NAMES)}
    archive = _archive(tmp_path / "good.tgz", voices)
    _use(monkeypatch, archive)
    assert kokoro_voices.missing(_pin(archive, voices)) == ["af_test", "bm_test"]
    where = kokoro_voices.install(_pin(archive, voices))
    assert kokoro_voices.missing(_pin(archive, voices)) == []
    assert where == tmp_path / "data" / "voices" / "kokoro-en"
    assert sorted(p.name for p in where.iterdir()) == [
        "ATTRIBUTION.txt",
        "LICENSE",
        "af_test.bin",
        "bm_test.bin",
        "installed.json",
    ]
    assert (where / "af_test.bin").read_bytes() == voices["af_test.bin"]
    assert "Apache License" in (where / "LICENSE").read_text()
    assert "hexgrad" in (where / "ATTRIBUTION.txt").read_text()
    assert kokoro_voices.installed_path("bm_test") == where / "bm_test.bin"
    assert "pack kokoro-js@1.2.1" in fake_npm.read_text()  # the pinned version, by npm


def test_a_tampered_archive_is_refused_and_nothing_is_installed(
    tmp_path: Path, fake_npm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    voices = {name: _voice(i) for i, name in enumerate(NAMES)}
    good = _archive(tmp_path / "good.tgz", voices)
    pin = _pin(good, voices)
    tampered = _archive(tmp_path / "tampered.tgz", {**voices, "af_test.bin": _voice(7)})
    _use(monkeypatch, tampered)
    with pytest.raises(
        EngineError, match=r"does not match kokoro-js@1\.2\.1.s published integrity"
    ):
        kokoro_voices.install(pin)
    assert _left_behind(tmp_path) == []
    # the real pin refuses the fake archive the same way: its integrity is checked first
    _use(monkeypatch, good)
    with pytest.raises(EngineError, match="refused, nothing installed"):
        kokoro_voices.install()
    assert _left_behind(tmp_path) == []


def test_a_truncated_archive_is_refused(
    tmp_path: Path, fake_npm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    voices = {name: _voice(i) for i, name in enumerate(NAMES)}
    good = _archive(tmp_path / "good.tgz", voices)
    truncated = tmp_path / "truncated.tgz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    _use(monkeypatch, truncated)
    # even with its own integrity pinned (as if npm's metadata were wrong), it cannot be read
    with pytest.raises(EngineError, match=r"could not be read.*refused, nothing installed"):
        kokoro_voices.install(Pinned("kokoro-js@1.2.1", _sri(truncated), _pin(good, voices).sha256))
    assert _left_behind(tmp_path) == []


def test_a_voice_file_of_the_wrong_size_is_refused(
    tmp_path: Path, fake_npm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    voices = {"af_test.bin": _voice(0), "bm_test.bin": _voice(1, kokoro_voices.SIZE - 1024)}
    archive = _archive(tmp_path / "short.tgz", voices)
    _use(monkeypatch, archive)
    with pytest.raises(EngineError, match=r"voices/bm_test.bin is 521,216 bytes, not 522,240"):
        kokoro_voices.install(_pin(archive, voices))
    assert _left_behind(tmp_path) == []


def test_a_voice_that_differs_from_the_committed_sha256_is_refused(
    tmp_path: Path, fake_npm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    voices = {name: _voice(i) for i, name in enumerate(NAMES)}
    archive = _archive(tmp_path / "good.tgz", voices)
    pin = _pin(archive, voices)
    pin.sha256["bm_test.bin"] = "0" * 64
    _use(monkeypatch, archive)
    with pytest.raises(EngineError, match=r"bm_test\.bin does not match its sha256"):
        kokoro_voices.install(pin)
    assert _left_behind(tmp_path) == []


def test_a_failed_reinstall_keeps_the_voices_already_installed(
    tmp_path: Path, fake_npm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    voices = {name: _voice(i) for i, name in enumerate(NAMES)}
    archive = _archive(tmp_path / "good.tgz", voices)
    _use(monkeypatch, archive)
    where = kokoro_voices.install(_pin(archive, voices))
    before = {p.name: p.read_bytes() for p in where.iterdir()}
    _use(monkeypatch, _archive(tmp_path / "other.tgz", {**voices, "af_test.bin": _voice(5)}))
    with pytest.raises(EngineError):
        kokoro_voices.install(_pin(archive, voices))
    assert {p.name: p.read_bytes() for p in where.iterdir()} == before
    assert sorted(p.name for p in where.parent.iterdir()) == ["kokoro-en"]


def test_no_npm_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("BROADCAST_KIT_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(NotInstalled, match=r"npm is not installed.*Node.js.*kit voices install"):
        kokoro_voices.install()
    result = CliRunner().invoke(app, ["voices", "install", "kokoro-en"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: npm is not installed")
    assert _left_behind(tmp_path) == []


def test_cli_refuses_a_tampered_download(
    tmp_path: Path, fake_npm: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    voices = {name: _voice(i) for i, name in enumerate(NAMES)}
    _use(monkeypatch, _archive(tmp_path / "fake.tgz", voices))
    result = CliRunner().invoke(app, ["voices", "install", "kokoro-en"])
    assert result.exit_code == 1, result.output
    assert "published integrity" in result.stderr and "refused, nothing installed" in result.stderr
    assert _left_behind(tmp_path) == []


def test_cli_names_the_voice_sets(fake_npm: Path) -> None:
    result = CliRunner().invoke(app, ["voices", "install", "kokoro"])
    assert result.exit_code == 2
    assert "unknown voice set 'kokoro'; voice sets: kokoro-en" in result.stderr


def test_the_committed_list_is_the_28_english_voices() -> None:
    pin = kokoro_voices.pinned()
    assert len(pin.voices) == 28 and set(pin.voices) == set(kokoro_voices.GRADES)
    counts = {p: sum(n.startswith(p) for n in pin.voices) for p in ("af", "am", "bf", "bm")}
    assert counts == {"af": 11, "am": 9, "bf": 4, "bm": 4}
    assert all(len(digest) == 64 for digest in pin.sha256.values())
