"""Every command's exit code in its failure modes, as documented in `cli/_boundary.py`:
0 success, 1 failure (engine, ffmpeg, output, findings, a failed episode in a batch), 2 bad
input (files, options), 130 interrupted (tests/test_interrupt.py). Fast (fake engine): a
wrong code here is a wrong code in a CI script, so none of this waits for the slow tests.
Each row also asserts no traceback and, for bad input and failed renders, an `error:` line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadcast_kit.cli import app
from broadcast_kit.testing import FakeEngine
from tests.conftest import ROOT, write_episode

runner = CliRunner()
SPEECH = "  - host: Good evening. The talks resumed today after four years of silence.\n"
EPISODE = "title: Episode {n}\ndate: 2024-01-0{n}\nsegments:\n" + SPEECH
TRANSCRIPT = ROOT / "tests" / "data" / "import" / "english-dialogue.txt"

Setup = Callable[[Path, Path], list[str]]  # (show folder, scratch folder) -> kit arguments


def _episodes(show: Path, n: int = 2) -> list[Path]:
    return [write_episode(show, EPISODE.format(n=k), slug=f"ep{k}") for k in range(1, n + 1)]


def render_ok(show: Path, tmp: Path) -> list[str]:
    return ["render", str(_episodes(show, 1)[0]), "--out", str(tmp / "d")]


def render_bad_yaml(show: Path, tmp: Path) -> list[str]:
    episode = _episodes(show, 1)[0]
    episode.write_text("title: [unclosed\n")
    return ["render", str(episode), "--out", str(tmp / "d")]


def render_missing_file(show: Path, tmp: Path) -> list[str]:
    return ["render", str(show / "nowhere" / "episode.yaml"), "--out", str(tmp / "d")]


def render_engine_fails(show: Path, tmp: Path) -> list[str]:
    FakeEngine.fail_with = "the fake voice is hoarse"
    return ["render", str(_episodes(show, 1)[0]), "--out", str(tmp / "d")]


def render_out_is_a_file(show: Path, tmp: Path) -> list[str]:
    (tmp / "afile").write_text("x")
    return ["render", str(_episodes(show, 1)[0]), "--out", str(tmp / "afile" / "d")]


def render_bad_option(show: Path, tmp: Path) -> list[str]:
    return ["render", str(_episodes(show, 1)[0]), "--max-duration", "forever"]


def batch_ok(show: Path, tmp: Path) -> list[str]:
    _episodes(show)
    return ["render", str(show), "--jobs", "1", "--out", str(tmp / "d")]


def batch_unloadable(show: Path, tmp: Path) -> list[str]:
    _episodes(show)[1].write_text("title: x\ndate: 2024-13-01\nsegments:\n" + SPEECH)
    return ["render", str(show), "--jobs", "1", "--out", str(tmp / "d")]


def batch_unloadable_keep_going(show: Path, tmp: Path) -> list[str]:
    return [*batch_unloadable(show, tmp), "--keep-going"]


def batch_render_fails_keep_going(show: Path, tmp: Path) -> list[str]:
    episodes = _episodes(show)
    (episodes[1].parent / "noise.wav").write_bytes(b"RIFF, but not really a WAV file")
    episodes[1].write_text(episodes[1].read_text() + "  - music: noise.wav\n")
    return ["render", str(show), "--jobs", "1", "--keep-going", "--out", str(tmp / "d")]


def check_ok(show: Path, tmp: Path) -> list[str]:
    assert runner.invoke(app, render_ok(show, tmp)).exit_code == 0
    return ["check", str(tmp / "d")]


def check_findings(show: Path, tmp: Path) -> list[str]:
    args = check_ok(show, tmp)
    vtt = next((tmp / "d").glob("*.vtt"))
    vtt.write_text("not a transcript\n")
    return args


def check_no_such_path(show: Path, tmp: Path) -> list[str]:
    return ["check", str(tmp / "nothing")]


def check_bad_format(show: Path, tmp: Path) -> list[str]:
    return [*check_ok(show, tmp), "--format", "yaml"]


def feed_ok(show: Path, tmp: Path) -> list[str]:
    assert runner.invoke(app, render_ok(show, tmp)).exit_code == 0
    return ["feed", "--out", str(tmp / "d"), "--show", str(show / "show.yaml")]


def feed_no_renders(show: Path, tmp: Path) -> list[str]:
    (tmp / "empty").mkdir()
    return ["feed", "--out", str(tmp / "empty"), "--show", str(show / "show.yaml")]


def feed_bad_show(show: Path, tmp: Path) -> list[str]:
    args = feed_ok(show, tmp)
    (show / "show.yaml").write_text("title: [\n")
    return args


def import_ok(show: Path, tmp: Path) -> list[str]:
    return ["import", str(TRANSCRIPT), "-o", str(tmp / "new" / "episode.yaml")]


def import_missing(show: Path, tmp: Path) -> list[str]:
    return ["import", str(tmp / "missing.txt")]


def import_exists(show: Path, tmp: Path) -> list[str]:
    (tmp / "episode.yaml").write_text("mine\n")
    return ["import", str(TRANSCRIPT), "-o", str(tmp / "episode.yaml")]


def cache_damaged(show: Path, tmp: Path) -> list[str]:
    assert runner.invoke(app, render_ok(show, tmp)).exit_code == 0
    entry = next((tmp / "cache").rglob("*.wav"))
    entry.write_bytes(entry.read_bytes()[:-10] + b"0123456789")
    return ["cache", "verify"]


def cache_damaged_removed(show: Path, tmp: Path) -> list[str]:
    return [*cache_damaged(show, tmp), "--remove"]


def serve_missing(show: Path, tmp: Path) -> list[str]:
    return ["serve", str(tmp / "nothing")]


def voices_ok(show: Path, tmp: Path) -> list[str]:
    return ["voices", "--engine", "fake"]


def voices_unknown_engine(show: Path, tmp: Path) -> list[str]:
    return ["voices", "--engine", "festival"]


def segment_ok(show: Path, tmp: Path) -> list[str]:
    return ["segment", str(_episodes(show, 1)[0])]


def segment_missing(show: Path, tmp: Path) -> list[str]:
    return ["segment", str(tmp / "missing.yaml")]


def unknown_command(show: Path, tmp: Path) -> list[str]:
    return ["publish"]


CASES: list[tuple[Setup, int]] = [
    (render_ok, 0),
    (render_bad_yaml, 2),
    (render_missing_file, 2),
    (render_engine_fails, 1),
    (render_out_is_a_file, 1),
    (render_bad_option, 2),
    (batch_ok, 0),
    (batch_unloadable, 1),
    (batch_unloadable_keep_going, 1),
    (batch_render_fails_keep_going, 1),
    (check_ok, 0),
    (check_findings, 1),
    (check_no_such_path, 2),
    (check_bad_format, 2),
    (feed_ok, 0),
    (feed_no_renders, 2),
    (feed_bad_show, 2),
    (import_ok, 0),
    (import_missing, 2),
    (import_exists, 2),
    (cache_damaged, 1),
    (cache_damaged_removed, 0),
    (serve_missing, 2),
    (voices_ok, 0),
    (voices_unknown_engine, 2),
    (segment_ok, 0),
    (segment_missing, 2),
    (unknown_command, 2),
]


@pytest.mark.parametrize(("setup", "code"), CASES, ids=[c[0].__name__ for c in CASES])
def test_exit_code(
    setup: Setup, code: int, show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    args = setup(show_dir, tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == code, (args, result.output)
    assert "Traceback" not in result.output and "unexpected" not in result.output
    # bad input and failed renders say why on an error line (cache verify lists on stdout)
    says_why = code == 2 or (code == 1 and setup.__name__.startswith(("render_", "batch_")))
    if says_why:
        assert [line for line in result.stderr.splitlines() if "error" in line.lower()], (
            result.stderr
        )


def test_the_documented_codes_are_the_ones_tested() -> None:
    documented = (ROOT / "src" / "broadcast_kit" / "cli" / "_boundary.py").read_text()
    assert "0 success, 1 failure" in documented and "2 bad input" in documented
    assert "130 interrupted" in documented
    assert {code for _, code in CASES} == {0, 1, 2}  # 130: tests/test_interrupt.py


def test_a_keep_going_batch_still_renders_the_good_episodes(show_dir: Path, tmp_path: Path) -> None:
    args = batch_render_fails_keep_going(show_dir, tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stdout.startswith("2 episodes: 1 rendered, 0 up to date, 1 failed;")
    assert result.stdout.endswith("  failed: " + str(show_dir / "ep2" / "episode.yaml") + "\n")
    shutil.rmtree(tmp_path / "d")
