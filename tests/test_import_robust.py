"""`kit import`: a transcript as users really hand it over (saved by Notepad as "Unicode",
by an old Windows tool as Windows-1252, pasted from a web page with invisible characters)
imports as the same transcript, and a file that is no text is refused saying what to do
(issue 24: "bad input gets a clear error and loses nothing"). The golden cases in
data/import/ are the transcripts; each test changes only how the same text is stored."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from broadcast_kit import importer, loader
from broadcast_kit.cli import app
from broadcast_kit.errors import InputError
from broadcast_kit.render import estimate

DATA = Path(__file__).parent / "data" / "import"
QUOTES = DATA / "quotes-after.txt"  # curly quotes, all in Windows-1252
LABELS = DATA / "npr-style-labels.txt"
runner = CliRunner()


def parts(path: Path, show_dir: Path) -> list[dict[str, Any]]:
    """Import the file at `path` into the show as `kit import` does; its parts as `kit
    segment --json` lists them."""
    out = show_dir / f"{path.parent.name}-{path.stem}" / "episode.yaml"
    importer.import_file(path, out, engine="fake", today=dt.date(2000, 1, 1))
    return estimate.describe_parts(loader.load(out))


def stored(tmp_path: Path, case: Path, data: bytes, name: str | None = None) -> Path:
    """`data` saved under the case's name (or `name`) in a folder of its own."""
    folder = tmp_path / f"stored{len(list(tmp_path.glob('stored*')))}"
    folder.mkdir()
    path = folder / (name or case.name)
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "encoding", ["utf-16", "utf-16-le", "utf-16-be"], ids=["bom", "le-no-bom", "be-no-bom"]
)
def test_utf16_as_notepad_saves_unicode_is_the_same_transcript(
    encoding: str, show_dir: Path, tmp_path: Path
) -> None:
    text = LABELS.read_text(encoding="utf-8")
    copy = stored(tmp_path, LABELS, text.encode(encoding))
    assert parts(copy, show_dir) == parts(LABELS, show_dir)


def test_windows_1252_is_read_with_its_curly_quotes_and_a_note(
    show_dir: Path, tmp_path: Path
) -> None:
    text = QUOTES.read_text(encoding="utf-8")
    data = text.encode("cp1252")
    assert b"\x93" in data and b"\x94" in data  # the curly quotes as Windows stores them
    copy = stored(tmp_path, QUOTES, data)
    assert parts(copy, show_dir) == parts(QUOTES, show_dir)
    out = tmp_path / "cli" / "episode.yaml"
    result = runner.invoke(app, ["import", str(copy), "-o", str(out), "--engine", "fake"])
    assert result.exit_code == 0, result.stderr
    assert "“" in out.read_text(encoding="utf-8")
    assert (
        "note: quotes-after.txt is not UTF-8: it was read as Windows-1252; check its quotes and"
        " accents" in result.stderr
    )


def test_bytes_no_encoding_reads_are_refused_naming_the_fix(tmp_path: Path) -> None:
    bad = stored(tmp_path, QUOTES, b"caf\xe9 \x81\x8d au lait")
    with pytest.raises(InputError, match=r"not UTF-8 text \(byte 3\), nor Windows-1252; save"):
        importer.read_transcript(bad)


@pytest.mark.parametrize(
    ("start", "fix"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "a Word document or other zip file; save it as plain"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "a PDF; copy its text into a .txt file"),
        (b"\x00\x00\x00\x18ftypmp42", "not a text file (it holds zero bytes)"),
    ],
    ids=["docx", "pdf", "binary"],
)
def test_a_file_that_is_no_text_is_refused_with_what_to_do(
    start: bytes, fix: str, tmp_path: Path
) -> None:
    doc = stored(tmp_path, QUOTES, start + QUOTES.read_bytes(), "interview.txt")
    result = runner.invoke(app, ["import", str(doc)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {doc}: ")
    assert fix in result.stderr


@pytest.mark.parametrize(
    ("invisible", "where"),
    [
        ("\u200b", "zero-width space"),
        ("\u2060", "word joiner"),
        ("\ufeff", "byte-order mark inside the text"),
        ("\u00ad", "soft hyphen"),
    ],
    ids=["zwsp", "word-joiner", "inner-bom", "soft-hyphen"],
)
def test_invisible_characters_from_a_paste_change_nothing(
    invisible: str, where: str, show_dir: Path, tmp_path: Path
) -> None:
    """A web page's text pasted with a zero-width space (or the like) at each line's start
    and after some words: the same parts, the same speakers, the same words."""
    text = LABELS.read_text(encoding="utf-8")
    pasted = re.sub(r"(?m)^(?=\S)", invisible, text)
    pasted = re.sub(r"(\w{6,}) ", rf"\1{invisible} ", pasted)
    copy = stored(tmp_path, LABELS, pasted.encode("utf-8"))
    assert parts(copy, show_dir) == parts(LABELS, show_dir), where


@pytest.mark.parametrize(
    ("line_end", "name"),
    [("\u2028", "line separator"), ("\x0b", "Word line break"), ("\x85", "NEL")],
    ids=["u2028", "vt", "nel"],
)
def test_other_line_ends_are_line_ends(
    line_end: str, name: str, show_dir: Path, tmp_path: Path
) -> None:
    text = LABELS.read_text(encoding="utf-8")
    copy = stored(tmp_path, LABELS, text.replace("\n", line_end).encode("utf-8"))
    assert parts(copy, show_dir) == parts(LABELS, show_dir), name


def test_pdf_page_breaks_are_no_words(show_dir: Path, tmp_path: Path) -> None:
    """Text out of a PDF (pdftotext) starts each page with a form feed."""
    text = LABELS.read_text(encoding="utf-8")
    lines = text.split("\n")
    paged = "\n".join(f"\x0c{line}" if i and i % 9 == 0 else line for i, line in enumerate(lines))
    copy = stored(tmp_path, LABELS, paged.encode("utf-8"))
    assert parts(copy, show_dir) == parts(LABELS, show_dir)


def test_control_characters_never_reach_the_episode(show_dir: Path, tmp_path: Path) -> None:
    """A stray control character (an escape from a terminal, a DEL) is no word, and YAML
    cannot hold it: the episode still loads, with every word."""
    text = QUOTES.read_text(encoding="utf-8")
    damaged = text.replace(" said", " \x1bsaid", 1).replace(".", ".\x7f", 1)
    copy = stored(tmp_path, QUOTES, damaged.encode("utf-8"))
    assert parts(copy, show_dir) == parts(QUOTES, show_dir)


def test_entities_for_invisible_characters_in_html_change_nothing(show_dir: Path) -> None:
    html = (
        "<html><body><h1>Harbour&#8203; Lights</h1><p>JANE DOE, HOST:&#8203; The ferry came"
        " back to the harbour this morning after&shy;wards, for the first time in a year.</p>"
        "<p>JOHN ROE:&#x200B; It was a long wait for every one of us on the island.</p>"
        "</body></html>"
    )
    clean = re.sub(r"&#8203;|&#x200B;|&shy;", "", html)
    got = importer.import_transcript(html, "page.html", engine="fake")
    want = importer.import_transcript(clean, "page.html", engine="fake")
    assert got.yaml == want.yaml
    assert "\u200b" not in got.yaml and "\u00ad" not in got.yaml


@pytest.mark.parametrize(
    "case", ["oral-history-one-line.txt", "speaker-numbers-and-times.txt", "npr-style-labels.txt"]
)
@pytest.mark.parametrize(
    "space", ["\u00a0", "\u202f", "\u2009"], ids=["nbsp", "narrow-nbsp", "thin-space"]
)
def test_no_break_spaces_are_spaces(case: str, space: str, show_dir: Path, tmp_path: Path) -> None:
    """Text copied out of a web page or word processor with no-break spaces (all of them, as
    some editors paste): the same labels, speakers and parts."""
    text = (DATA / case).read_text(encoding="utf-8")
    copy = stored(tmp_path, DATA / case, text.replace(" ", space).encode("utf-8"))
    assert parts(copy, show_dir) == parts(DATA / case, show_dir)


@pytest.mark.parametrize("indent", ["\t", "    ", " \t"], ids=["tab", "spaces", "mixed"])
def test_indented_lines_are_the_same_transcript(
    indent: str, show_dir: Path, tmp_path: Path
) -> None:
    """Every line indented (a word processor's first-line indent, saved as text): the label
    after a page's line number is still a label and no words are taken for the header."""
    case = DATA / "oral-history-one-line.txt"
    text = case.read_text(encoding="utf-8")
    copy = stored(tmp_path, case, re.sub(r"(?m)^(?=\S)", indent, text).encode("utf-8"))
    assert parts(copy, show_dir) == parts(case, show_dir)


def as_html(text: str) -> str:
    """The text as a page that writes each paragraph as a <p> and breaks its lines with <br>
    (as a blog or CMS shows a transcript pasted into it), with entities."""
    paragraphs = re.split(r"\n\s*\n", text.strip("\n"))
    body = "\n".join(
        "<p>" + "<br>\n".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
    return f"<!DOCTYPE html>\n<html><body>\n{body}\n</body></html>\n"


@pytest.mark.parametrize(
    "case",
    [
        "full-name-then-surname.txt",
        "second-host-opens-own-show.txt",
        "tagged-stamps.txt",
        "names-take-turns.txt",
        "script-table.txt",
    ],
)
def test_a_page_breaking_turns_with_br_reads_as_its_text(
    case: str, show_dir: Path, tmp_path: Path
) -> None:
    """Turns on lines of their own inside one <p>, each ended by <br>: the same speakers,
    turns and words as the plain text (a <br> used to be taken for a wrapped line, so the
    turns ran together into one host part; timecodes and table cells are read as in text)."""
    text = (DATA / case).read_text(encoding="utf-8")
    page = stored(tmp_path, DATA / case, as_html(text).encode("utf-8"), case[:-4] + ".html")
    want = [(r["kind"], r["speaker"], r["text"]) for r in parts(DATA / case, show_dir)]
    got = [(r["kind"], r["speaker"], r["text"]) for r in parts(page, show_dir)]
    assert got == want


def test_a_hard_wrapped_page_imports_as_its_unwrapped_text(show_dir: Path, tmp_path: Path) -> None:
    case = DATA / "wrapped-note-and-title.txt"
    text = case.read_text(encoding="utf-8")
    assert max(len(line) for line in text.splitlines()) <= 72
    unwrapped = "\n\n".join(" ".join(p.split()) for p in text.split("\n\n"))
    copy = stored(tmp_path, case, unwrapped.encode("utf-8"))
    assert parts(case, show_dir) == parts(copy, show_dir)
    wrapped = importer.import_transcript(text, case.name, engine="fake", today=dt.date(2000, 1, 1))
    assert wrapped.transcript.title is not None and wrapped.transcript.title.endswith("2025")
    assert not any("page may differ" in p.text for p in wrapped.transcript.paragraphs)


def test_a_blank_line_after_every_line_imports_as_the_single_spaced_text(
    show_dir: Path, tmp_path: Path
) -> None:
    case = DATA / "docx-blank-lines.txt"
    text = case.read_text(encoding="utf-8")
    lines = text.split("\n")
    assert all(not line for line in lines[1::2])  # a word processor's blank after every line
    head = text.index("RUTH OKAFOR:")  # the head's lines stand apart in both
    single = text[:head] + "\n".join(line for line in text[head:].split("\n") if line) + "\n"
    copy = stored(tmp_path, case, single.encode("utf-8"))
    imported = parts(case, show_dir)
    assert imported == parts(copy, show_dir)
    assert len(imported) == 4  # one part per turn, not one per line
