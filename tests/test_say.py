"""`kit say` (a line with one voice, as the show casts it, lexicon applied) and
`kit voices --sample` (a clip per voice and a page to compare them)."""

from __future__ import annotations

import html.parser
import importlib.util
import wave
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadcast_kit import audition
from broadcast_kit.cli import app
from broadcast_kit.testing import FakeEngine
from tests.conftest import write_episode

runner = CliRunner()


def _seconds(path: Path) -> float:
    with wave.open(str(path)) as clip:
        return clip.getnframes() / clip.getframerate()


def test_say_speaks_with_the_shows_voice_and_its_lexicon(show_dir: Path, tmp_path: Path) -> None:
    show = show_dir / "show.yaml"
    show.write_text(show.read_text() + "pronunciations:\n  Pyongyang: Pyong-yang\n")
    out = tmp_path / "clips" / "host.wav"
    result = runner.invoke(
        app, ["say", "We flew to Pyongyang. It was cold.", "--voice", "host", "--show", str(show),
              "-o", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out} (fake mid (female us))\n"
    # the lexicon applied, one sentence at a time (synthesis may finish them in either order)
    assert sorted(FakeEngine.spoken) == ["It was cold.", "We flew to Pyong-yang."]
    assert 0.5 < _seconds(out) < 10
    assert [p.name for p in out.parent.iterdir()] == ["host.wav"]  # no temp file left


def test_say_takes_an_engine_voice_without_a_show(tmp_path: Path) -> None:
    out = tmp_path / "low.wav"
    result = runner.invoke(app, ["say", "Hello.", "--voice", "fake:low", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "fake low (male us)" in result.stdout and _seconds(out) > 0.05


def test_say_names_the_voices_it_knows(show_dir: Path) -> None:
    result = runner.invoke(
        app, ["say", "Hi.", "--voice", "hots", "--show", str(show_dir / "show.yaml")]
    )
    assert result.exit_code == 2
    assert (
        result.stderr
        == (
            "error: --voice hots: show/show.yaml has no voice 'hots' (its voices: host, voxpop) and"
            " no engine has a voice of that name (kit voices)\n"
        )
        or "has no voice 'hots' (its voices: host, voxpop)" in result.stderr
    )


def test_a_description_in_the_show_is_cast_for_say(show_dir: Path, tmp_path: Path) -> None:
    show = show_dir / "show.yaml"
    show.write_text(
        show.read_text().replace("voxpop: {engine: fake, voice: high}",
                                 "voxpop: {engine: fake, voice: {gender: male}}")
    )  # fmt: skip
    cast = audition.say("Hello.", "voxpop", tmp_path / "v.wav", show)
    assert (cast.voice.engine, cast.voice.name) == ("fake", "low")


@pytest.mark.skipif(importlib.util.find_spec("hibari") is None, reason="needs hibari-tts")
def test_voices_sample_writes_a_clip_per_voice_and_a_page(tmp_path: Path) -> None:
    out = tmp_path / "samples"
    result = runner.invoke(app, ["voices", "--sample", str(out), "-e", "hibari"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote 1 clips and {out / 'index.html'}\n"
    assert sorted(p.name for p in out.iterdir()) == ["hibari-heart.mp3", "index.html"]

    found: list[str] = []

    class Sources(html.parser.HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "audio":
                found.append(dict(attrs)["src"] or "")

    Sources().feed((out / "index.html").read_text())
    assert found == ["hibari-heart.mp3"]
    text = (out / "index.html").read_text()
    assert "female, American" in text and "Content-Security-Policy" in text
    assert (out / "hibari-heart.mp3").stat().st_size > 5000


def test_say_takes_an_episodes_voices_and_pronunciations(show_dir: Path, tmp_path: Path) -> None:
    episode = write_episode(
        show_dir,
        """\
        title: T
        date: 2024-01-01
        description: D.
        voices:
          guest: {engine: fake, voice: {gender: male}, name: Guest}
        pronunciations:
          Seo: Saw
        segments:
          - host: Hello.
          - interview: Hi.
            speaker: guest
        """,
    )
    cast = audition.say("Seo is here.", "guest", tmp_path / "g.wav", episode)
    assert cast.described == "fake low (male us)"
    assert FakeEngine.spoken == ["Saw is here."]
