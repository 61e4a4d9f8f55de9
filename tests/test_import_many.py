"""`kit import` with several transcripts or a folder: one episode folder each, every file
tried, and a summary of what needs checking."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from broadcast_kit import importer, loader
from broadcast_kit.cli import app
from tests.conftest import make_show

DATA = Path(__file__).parent / "data" / "import"
runner = CliRunner()


def transcripts(folder: Path) -> list[Path]:
    """Every fifth golden case's transcript (each is imported on its own by the golden
    tests; a folder needs a variety, not all 80+) copied into `folder`, every .html and
    caption file among them, plus one in a subfolder."""
    folder.mkdir()
    cases = [
        p
        for p in sorted(DATA.iterdir())
        if p.suffix in (".txt", ".html", ".srt", ".vtt", ".sbv") and p.stem != "no-interview"
    ]
    chosen = [p for n, p in enumerate(cases) if n % 5 == 0 or p.suffix != ".txt"]
    copies = [Path(shutil.copy(p, folder)) for p in chosen]
    (folder / "older").mkdir()
    copies.append(Path(shutil.copy(DATA / "no-interview.txt", folder / "older")))
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "draft.txt").write_text("not a transcript to import\n")
    (folder / "notes.md").write_text("not a transcript either\n")
    return copies


@pytest.mark.timeout(120)  # imports twenty-odd golden cases twice: near 10 s under load
def test_a_folder_becomes_one_episode_folder_each(show_dir: Path, tmp_path: Path) -> None:
    copies = transcripts(tmp_path / "archive")
    (tmp_path / "archive" / "Bad Encoding.TXT").write_bytes(b"caf\xe9 \x81\x8d")
    result = runner.invoke(
        app, ["import", str(tmp_path / "archive"), "-o", str(show_dir), "--engine", "fake"]
    )
    assert result.exit_code == 1
    written = sorted(p.parent.name for p in show_dir.glob("*/episode.yaml"))
    assert written == sorted(p.stem for p in copies)
    for name in written:  # each is what `kit import FILE -o ...` writes, and it loads
        source = next(p for p in copies if p.stem == name)
        one = importer.import_transcript(source.read_text(), source.name, engine="fake")
        path = show_dir / name / "episode.yaml"
        text = path.read_text(encoding="utf-8")
        assert yaml.safe_load(text) == yaml.safe_load(one.yaml)
        assert loader.load(path).slug == name
    lines = result.stdout.splitlines()
    checks = {
        name: (show_dir / name / "episode.yaml").read_text().count("# check:") for name in written
    }
    n = len(copies)
    assert lines[0] == (
        f"imported {n} of {n + 1} transcripts into {show_dir}:"
        f" {sum(checks.values())} lines marked 'check:' to review"
    )
    listed = {line.split("/")[-2]: line.rsplit(": ", 1)[1] for line in lines[1 : n + 1]}
    assert listed == {name: f"{n or 'nothing'} to check" for name, n in checks.items()}
    assert lines[n + 1 :] == [f"  failed: {tmp_path / 'archive' / 'Bad Encoding.TXT'}"]
    assert "error: " in result.stderr and "Bad Encoding.TXT: not UTF-8 text" in result.stderr
    assert result.stderr.count("wrote ") == n

    again = runner.invoke(app, ["import", *map(str, copies[:2]), "-o", str(show_dir)])
    assert again.exit_code == 1
    assert again.stderr.count("already exists; pass --force to overwrite it") == 2
    forced = runner.invoke(
        app, ["import", *map(str, copies[:2]), "-o", str(show_dir), "--force", "-e", "fake"]
    )
    assert forced.exit_code == 0, forced.stderr
    assert forced.stdout.startswith("imported 2 of 2 transcripts into")


def test_two_transcripts_for_one_folder_and_no_out(tmp_path: Path) -> None:
    first = Path(shutil.copy(DATA / "no-interview.txt", tmp_path / "Same Name.txt"))
    (tmp_path / "b").mkdir()
    second = Path(shutil.copy(DATA / "no-interview.txt", tmp_path / "b" / "same-name.txt"))
    out = tmp_path / "episodes"
    result = runner.invoke(app, ["import", str(first), str(second), "-o", str(out), "-e", "fake"])
    assert result.exit_code == 1
    assert [p.parent.name for p in out.glob("*/episode.yaml")] == ["same-name"]
    assert f"error: {second}: {first} also becomes" in result.stderr
    assert "rename one of them" in result.stderr
    missing = runner.invoke(app, ["import", str(first), str(second)])
    assert missing.exit_code == 2 and "--out names the folder" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = runner.invoke(app, ["import", str(empty), "-o", str(out)])
    assert nothing.exit_code == 2 and "has no transcripts" in nothing.stderr


@pytest.mark.parametrize(
    ("out", "written"),
    [
        ("shows/harbour/ep.yaml", "shows/harbour/ep.yaml"),  # a file, as named
        ("shows/harbour", "shows/harbour/late-tide/episode.yaml"),  # holds show.yaml
        ("shows/harbour/night-ferry", "shows/harbour/night-ferry/episode.yaml"),  # a folder
        ("shows/empty", "shows/empty/episode.yaml"),  # a folder that exists
    ],
)
def test_out_for_one_transcript_is_a_file_or_a_folder(
    tmp_path: Path, out: str, written: str
) -> None:
    """-o names the episode file, its folder, or the show's folder (which gets a folder
    named after the transcript, as with several): never a file without .yaml, nor a
    folder to overwrite with --force."""
    (tmp_path / "shows").mkdir()
    show = make_show(tmp_path / "shows" / "harbour") / "show.yaml"
    before = show.read_text()
    (tmp_path / "shows" / "empty").mkdir()
    source = Path(shutil.copy(DATA / "no-interview.txt", tmp_path / "Late Tide.txt"))
    result = runner.invoke(app, ["import", str(source), "-o", str(tmp_path / out), "-e", "fake"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / written).is_file()
    assert f"wrote {tmp_path / written}" in result.stderr
    assert show.read_text() == before
