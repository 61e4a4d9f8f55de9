"""Hostile and careless input, round two (issue 22): a damaged render report in the output
folder, a cache folder that is a file, an import of two million one-letter lines or into a
path under a file, an oversized cover. Each gets one `error:` line and its documented exit
code, in bounded time (the damaged report: and --force renders over it)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadcast_kit import limits
from broadcast_kit.cli import app
from broadcast_kit.render import pipeline
from broadcast_kit.tts.cache import SpeechCache
from tests.conftest import ROOT, write_episode

runner = CliRunner()
EPISODE = (
    "title: Damaged\ndate: 2024-01-02\ndescription: One story.\nsegments:\n  - host: Good"
    " evening. The talks resumed"
    " today after four years of silence, and both sides say they will meet again in May.\n"
)


def kit(*args: str) -> tuple[int, list[str]]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output and "unexpected" not in result.stderr, result.stderr
    return result.exit_code, result.stderr.splitlines()


@pytest.mark.parametrize(
    "damage",
    ["[" * 100_000, "[" * 40 + "]" * 40, '{"audio": 1}', "\xff", " " * (limits.MAX_FILE_BYTES + 1)],
    ids=["deep", "nested-40", "no-file", "not-utf8", "over-10-MiB"],
)
def test_a_damaged_render_report_in_the_output_folder_is_named_and_force_renders_over_it(
    show_dir: Path, tmp_path: Path, damage: str
) -> None:
    """No render made the file (none can be read from it), so the render does not replace
    it unasked: one error naming it and --force, which then renders over it (it was
    "unexpected RecursionError" and no way on but deleting the file by hand)."""
    episode = write_episode(show_dir, EPISODE)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "ep1.json").write_text(damage, encoding="latin-1")
    code, said = kit("render", str(episode), "--out", str(out))
    errors = [line for line in said if line.startswith("error")]
    assert code == 2 and len(errors) == 1 and "ep1.json would be replaced" in errors[0], said
    assert "--force" in errors[0]
    code, said = kit("render", str(episode), "--out", str(out), "--force")
    assert code == 0 and not [line for line in said if line.startswith(("error", "warning"))]
    report = json.loads((out / "ep1.json").read_text())
    assert (out / report["audio"]["file"]).is_file()


def test_a_batch_renders_over_a_damaged_report_when_forced(show_dir: Path, tmp_path: Path) -> None:
    write_episode(show_dir, EPISODE)
    out = tmp_path / "dist"
    out.mkdir()
    (out / "ep1.json").write_text("[" * 100_000)
    code, said = kit("render", str(show_dir), "--out", str(out), "--jobs", "1")
    assert code == 1 and "1 render report unreadable" in said[0], said
    code, said = kit("render", str(show_dir), "--out", str(out), "--jobs", "1", "--force")
    assert code == 0 and any(line.startswith("[1/1] ep1: rendered in ") for line in said), said
    assert not [line for line in said if line.startswith(("error", "warning"))], said
    assert json.loads((out / "ep1.json").read_text())["slug"] == "ep1"


@pytest.mark.parametrize("command", [["info"], ["verify"], ["verify", "--remove"], ["clear"]])
def test_a_cache_folder_that_is_a_file_is_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    monkeypatch.setenv("BROADCAST_KIT_CACHE_DIR", str(afile))
    code, errors = kit("cache", *command)
    root = afile / "speech-v2"
    assert (code, errors) == (
        2,
        [
            f"error: the speech cache folder {root} (from BROADCAST_KIT_CACHE_DIR) cannot be used:"
            f" {afile} is a file, not a folder; set BROADCAST_KIT_CACHE_DIR to a folder"
        ],
    )
    assert afile.read_text() == "not a folder"


def test_an_empty_cache_folder_is_still_all_good(tmp_path: Path) -> None:
    cache = SpeechCache(tmp_path / "nothing-yet" / "speech-v2")
    assert cache.verify().checked == 0 and cache.info().entries == 0


@pytest.mark.timeout(15)  # reading each line took a tenth of a millisecond: 58 s for these
def test_two_million_one_letter_lines_are_refused_at_once(tmp_path: Path) -> None:
    transcript = tmp_path / "lines.txt"
    transcript.write_text("a\n" * 2_000_000)
    assert transcript.stat().st_size < limits.MAX_TRANSCRIPT_BYTES  # under the size limit
    code, errors = kit("import", str(transcript))
    assert (code, errors) == (
        2,
        [
            f"error: lines.txt:{limits.MAX_TRANSCRIPT_LINES + 1}: more than 50,000 lines of text"
            " (the limit for transcripts; a three-hour programme has about 3,000); import one"
            " programme at a time"
        ],
    )


def test_blank_lines_do_not_count_against_the_line_limit(tmp_path: Path) -> None:
    transcript = tmp_path / "spaced.txt"
    body = "HOST: Good evening, and welcome to a programme about the harbour and its people.\n"
    transcript.write_text(body + "\n" * (limits.MAX_TRANSCRIPT_LINES + 10) + body)
    code, errors = kit("import", str(transcript))
    assert code == 0, errors


def test_import_into_a_path_under_a_file_says_which_file(tmp_path: Path) -> None:
    transcript = tmp_path / "t.txt"
    shutil.copy(ROOT / "tests" / "data" / "import" / "english-dialogue.txt", transcript)
    afile = tmp_path / "afile"
    afile.write_text("mine")
    target = afile / "episode.yaml"
    code, errors = kit("import", str(transcript), "-o", str(target))
    assert (code, errors) == (
        2,
        [
            f"error: -o {target}: {afile} is a file, not a folder, so nothing can be written"
            " below it; choose another -o"
        ],
    )
    assert afile.read_text() == "mine" and sorted(p.name for p in tmp_path.iterdir()) == [
        "afile",
        "t.txt",
    ]


def test_render_refuses_a_cover_over_the_limit(show_dir: Path, tmp_path: Path) -> None:
    art = (show_dir / "cover.jpg").read_bytes()
    (show_dir / "cover.jpg").write_bytes(art + b"\0" * (limits.MAX_COVER_BYTES + 1 - len(art)))
    episode = write_episode(show_dir, EPISODE)
    code, errors = kit("render", str(episode), "--out", str(tmp_path / "dist"))
    size = limits.MAX_COVER_BYTES + 1
    assert (code, errors) == (
        2,
        [
            f"error: {show_dir / 'show.yaml'}:7: cover {show_dir / 'cover.jpg'} is 5 MiB"
            f" ({size:,} bytes), over the 5 MiB limit for cover art, which every MP3 embeds;"
            " save it as a JPEG of 3000 px or less (1-2 MB)"
        ],
    )
    assert not (tmp_path / "dist").exists()


def test_a_cover_at_the_limit_renders(show_dir: Path, tmp_path: Path) -> None:
    art = (show_dir / "cover.jpg").read_bytes()
    (show_dir / "cover.jpg").write_bytes(art + b"\0" * (limits.MAX_COVER_BYTES - len(art)))
    result = pipeline.render(write_episode(show_dir, EPISODE), tmp_path / "dist")
    assert result.outputs["mp3"].stat().st_size > limits.MAX_COVER_BYTES
