"""`kit init`: a new show that renders at once with the voices installed here, asks nothing,
never overwrites, and whose commented examples are valid when uncommented."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadcast_kit import loader, starter
from broadcast_kit.cli import app
from broadcast_kit.tts import registry
from tests.conftest import ROOT, tone, write_wav

runner = CliRunner()


def kit(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The `kit` program as a producer runs it, in `cwd`, with its own speech cache."""
    env = {**os.environ, "BROADCAST_KIT_CACHE_DIR": str(cwd / ".cache")}
    return subprocess.run(
        [sys.executable, "-m", "broadcast_kit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_init_then_render_in_an_empty_folder(tmp_path: Path) -> None:
    made = kit(tmp_path, "init", "show")
    assert made.returncode == 0, made.stderr
    assert "next: kit render show/episode-1/episode.yaml" in made.stdout
    rendered = kit(tmp_path, "render", "show/episode-1/episode.yaml")
    assert rendered.returncode == 0, rendered.stderr
    assert "warning" not in rendered.stderr
    report = json.loads((tmp_path / "dist" / "episode-1.json").read_text())
    assert [c["title"] for c in report["chapters"]] == ["Welcome", "Goodbye"]
    assert {s["speaker"] for s in report["segments"] if s.get("speaker")} == {"Host", "Guest"}
    assert report["duration_ms"] > 10_000
    assert (tmp_path / "dist" / report["files"]["mp3"]).stat().st_size > 100_000
    vtt = (tmp_path / "dist" / "episode-1.vtt").read_text()
    assert "<v Guest>Thank you for having me." in vtt


def test_it_asks_nothing_and_takes_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app,
        [
            "init",
            "radio",
            "--title",
            "Night & Day: Talks",
            "--author",
            "Ann Lee",
            "--language",
            "ko",
            "--email",
            "ann@example.com",
        ],
        input="",
    )
    assert result.exit_code == 0, result.output
    production = loader.load(Path("radio/episode-1/episode.yaml"))
    show = production.show
    assert (show.title, show.author, show.language) == ("Night & Day: Talks", "Ann Lee", "ko")
    assert show.owner.email == "ann@example.com" and show.base_url is None
    assert production.episode.title == "Our first episode"
    assert not production.warnings  # nothing kit check would flag (the title style included)
    assert production.slug == "episode-1"
    assert [p.kind for p in production.parts][:2] == ["chapter", "host"]


def test_it_never_overwrites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init", "show"]).exit_code == 0
    show = tmp_path / "show" / "show.yaml"
    show.write_text(show.read_text() + "# mine\n")
    before = {p: p.read_bytes() for p in (tmp_path / "show").rglob("*") if p.is_file()}
    again = runner.invoke(app, ["init", "show", "--title", "Other"])
    assert again.exit_code == 2
    assert again.stderr.startswith(
        "error: show/cover.png, show/show.yaml, show/episode-1/episode.yaml already there;"
        " kit init never overwrites a file"
    )
    after = {p: p.read_bytes() for p in (tmp_path / "show").rglob("*") if p.is_file()}
    assert after == before
    (tmp_path / "other" / "episode-1").mkdir(parents=True)
    (tmp_path / "other" / "episode-1" / "episode.yaml").write_text("title: mine\n")
    partly = runner.invoke(app, ["init", "other"])
    assert partly.exit_code == 2 and "other/episode-1/episode.yaml already there" in partly.stderr
    assert sorted(p.name for p in (tmp_path / "other").rglob("*")) == ["episode-1", "episode.yaml"]


def test_a_bad_flag_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", "show", "--language", "English"])
    assert result.exit_code == 2
    assert "error: --language: 'English' is not an ISO 639 language code" in result.stderr
    assert not (tmp_path / "show").exists()
    bad = runner.invoke(app, ["init", "show", "--email", "nobody"])
    assert bad.exit_code == 2 and "owner.email: 'nobody' is not an e-mail address" in bad.stderr


def _only(monkeypatch: pytest.MonkeyPatch, *installed: str) -> None:
    """Make the engines not in `installed` look as they do on a machine without them."""
    for name in ("piper", "hibari", "kokoro", "espeak"):
        if name not in installed:
            engine = type(registry.get(name))
            monkeypatch.setattr(engine, "available", lambda self: "not installed (test)")


def test_a_plain_pip_install_gets_the_online_voice_and_is_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _only(monkeypatch)  # no extras, no espeak-ng: gTTS is the only voice left
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["init", "show"])
    assert result.exit_code == 0, result.output
    assert "  host: gtts en" in result.stdout and "  guest: gtts en (tld co.uk)" in result.stdout
    assert "note: no offline voice is installed here, so the show uses gtts" in result.stderr
    assert "rendering needs the network" in result.stderr
    production = loader.load(Path("show/episode-1/episode.yaml"), engines=True)
    assert {
        k: (v.engine, v.voice, v.tld) for k, v in production.voices.items() if k != "voxpop"
    } == {
        "host": ("gtts", "en", None),
        "guest": ("gtts", "en", "co.uk"),
    }


@pytest.mark.parametrize(("engine", "voice"), [("hibari", "heart"), ("piper", "joe")])
def test_one_installed_voice_speaks_both_parts_apart(
    monkeypatch: pytest.MonkeyPatch, engine: str, voice: str
) -> None:
    _only(monkeypatch, engine)
    host, guest, notes = starter.cast()
    assert (host.engine, host.voice, host.settings) == (engine, voice, {})
    assert (guest.engine, guest.voice, guest.settings) == (engine, voice, {"pitch": -2})
    assert f"only one voice is installed here ({engine} {voice})" in notes[0]


def test_the_commented_examples_are_valid_when_uncommented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init", "show"]).exit_code == 0
    show = tmp_path / "show" / "show.yaml"
    text = show.read_text()
    optional = text.split("# Optional (the defaults are shown):\n")[1]
    show.write_text(text.replace(optional, re.sub(r"^# ", "", optional, flags=re.M)))
    show.write_text(re.sub(r"^# base_url:", "base_url:", show.read_text(), flags=re.M))
    episode = tmp_path / "show" / "episode-1" / "episode.yaml"
    text = episode.read_text()
    more = text.split("  # More kinds of parts")[1].split("\n", 1)[1]
    episode.write_text(text.replace(more, re.sub(r"^  # ", "  ", more, flags=re.M)))
    shutil.copy(ROOT / "assets" / "theme.mp3", tmp_path / "show" / "theme.mp3")
    (tmp_path / "show" / "episode-1" / "clips").mkdir()
    write_wav(tmp_path / "show" / "episode-1" / "clips" / "guest.wav", tone(1.0))
    production = loader.load(episode)
    assert [p.kind for p in production.parts][-3:] == ["voxpop", "music", "interview"]
    assert production.show.base_url == "https://example.org/show/"
    assert production.show.pacing.chapter == 1.5 and "Nguyen" in production.show.pronunciations


def test_espeak_alone_gives_two_of_its_variants(monkeypatch: pytest.MonkeyPatch) -> None:
    _only(monkeypatch)
    espeak = type(registry.get("espeak"))
    monkeypatch.setattr(espeak, "available", lambda self: None)
    monkeypatch.setattr(espeak, "voices", lambda self: ["en-gb", "en-us"])
    host, guest, notes = starter.cast()
    assert (host.engine, host.voice, guest.engine, guest.voice) == (
        "espeak",
        "en-us",
        "espeak",
        "en-us+m3",
    )
    assert notes == []
