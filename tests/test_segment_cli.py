"""`kit segment`: the parts as a table or JSON, identical for YAML segments and script text."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from broadcast_kit.cli import app
from tests.conftest import write_episode
from tests.test_script import inline, script_episode, yaml_episode

runner = CliRunner()


def segment(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["segment", *args])
    return result.exit_code, result.stdout, result.stderr


def test_script_and_yaml_print_identical_json(show_dir: Path) -> None:
    code, from_yaml, err = segment(str(yaml_episode(show_dir)), "--json")
    assert code == 0, err
    code, from_script, err = segment(str(script_episode(show_dir)), "--json")
    assert code == 0, err
    assert from_script == from_yaml
    rows = json.loads(from_yaml)
    assert [r["kind"] for r in rows] == [
        "music", "host", "host", "interview", "interview", "interview", "pause", "music",
        "music", "host", "voxpop", "voxpop", "music",
    ]  # fmt: skip
    assert [r["index"] for r in rows] == list(range(1, 14))
    intro, host, shin = rows[0], rows[1], rows[3]
    assert intro == {
        "index": 1,
        "kind": "music",
        "speaker": None,
        "voice": None,
        "chapter": None,
        "text": None,
        "words": 0,
        "estimated_seconds": None,
        "file": "theme.mp3",
        "role": "intro",
    }
    assert host["chapter"] == "Talks resume" and host["speaker"] == "Host"
    assert host["words"] == 15 and host["estimated_seconds"] == round(15 / 2.6, 1)
    assert shin["speaker"] == "Shin Jeong-hwa" and shin["voice"] == "shin"
    assert shin["text"] == "North Korea and Japan have resumed their talks."
    clip, pause = rows[5], rows[6]
    assert clip["file"] == "shin-01.mp3" and clip["estimated_seconds"] == 7.5
    assert clip["text"] == "Japan has insisted on a complete solution."
    assert pause["seconds"] == 1.5 and pause["estimated_seconds"] == 1.5
    assert rows[10]["speaker"] == "Concert visitor" and rows[10]["chapter"] == "A concert"
    assert rows[-1]["role"] == "outro"


def test_table(show_dir: Path) -> None:
    code, out, err = segment(str(script_episode(show_dir)))
    assert code == 0, err
    header = out.splitlines()[0].split()
    assert header == ["#", "kind", "speaker", "chapter", "words", "est.", "text", "or", "file"]
    assert "music:intro" in out and "theme.mp3" in out
    assert "Shin Jeong-hwa" in out and "Concert visitor" in out
    assert out.rstrip().splitlines()[-1].startswith("13 parts, 2 chapters, 67 words")


def test_bad_script_exits_2_with_the_line(show_dir: Path) -> None:
    path = write_episode(show_dir, inline("HOST: Hello.\n[SFX door.mp3]\n"), "bad")
    code, out, err = segment(str(path), "--json")
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert "bad/episode.yaml:8: unknown cue '[SFX door.mp3]'; cues are" in err
    assert "Traceback" not in err


def test_missing_episode(tmp_path: Path) -> None:
    code, _, err = segment(str(tmp_path / "nope.yaml"))
    assert code == 2
    assert "nope.yaml: no such file" in err
