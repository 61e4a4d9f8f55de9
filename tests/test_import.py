"""`kit import`: transcripts become reviewable episodes, and nothing is invented or lost.

Golden cases live in tests/data/import/ (its README describes the format): `<case>.txt`,
`.html`, `.srt` or `.vtt` (the transcript) and `<case>.expected.json` with the title, date and
programme,
`not_content` (whole lines of the page text that are not spoken: furniture, header,
headlines, labels and cues on lines of their own), `not_spoken` (pieces of lines that are not
spoken: labels and cues inside a line), `absent` (strings no part may contain) and `parts`
(kind, speaker, chapter and first words of every part, as `kit segment` describes them).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from broadcast_kit import importer, loader, model
from broadcast_kit.cli import app
from broadcast_kit.errors import InputError
from broadcast_kit.render import estimate, pipeline
from broadcast_kit.tts import casting, registry
from broadcast_kit.tts.cache import SpeechCache

DATA = Path(__file__).parent / "data" / "import"
CASES = sorted(p for p in DATA.iterdir() if p.suffix in (".txt", ".html", ".srt", ".vtt", ".sbv"))
SAMPLE = DATA / "kbs-2012-09-06-korea-today-and-tomorrow.txt"
runner = CliRunner()


def expected(case: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        case.with_name(case.stem + ".expected.json").read_text(encoding="utf-8")
    )
    return data


def imported(case: Path, show_dir: Path) -> tuple[importer.Imported, loader.Production]:
    """Import `case` with the fake engine into the show folder and load it as kit render does."""
    result = importer.import_transcript(
        case.read_text(encoding="utf-8"), case.name, engine="fake", today=dt.date(2000, 1, 1)
    )
    path = importer.write_episode(result.yaml, show_dir / case.stem / "episode.yaml")
    return result, loader.load(path)


def spoken(production: loader.Production) -> list[str]:
    return [t for p in production.parts if (t := model.spoken_text(p)) is not None]


def parts(production: loader.Production) -> list[dict[str, Any]]:
    """Every part as the golden cases list it (music and pauses have no speaker or words)."""
    return [
        {
            "kind": row["kind"],
            "speaker": row["speaker"],
            "chapter": row["chapter"],
            "first_words": " ".join((row["text"] or "").split()[:6]),
        }
        for row in estimate.describe_parts(production)
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_golden_parts(case: Path, show_dir: Path) -> None:
    want = expected(case)
    result, production = imported(case, show_dir)
    assert result.transcript.title == want["title"]
    title = want["title"] or case.stem  # no title: the file's name
    if production.episode.number is not None:  # "Episode 14: X": number 14, title X
        head = title.removesuffix(production.episode.title)
        assert head != title and str(production.episode.number) in head
    else:
        assert production.episode.title == title
    assert result.transcript.date == (dt.date.fromisoformat(want["date"]) if want["date"] else None)
    if want["date"] is None:  # never today's date in silence
        assert re.search(r"^date: 2000-01-01  # check: no date found", result.yaml, re.M)
        assert any("no date found" in note for note in result.notes)
    assert result.transcript.programme == want["programme"]
    assert parts(production) == want["parts"]


def page_words(case: Path, want: dict[str, Any], lines: bool = False) -> list[str]:
    """The words of the page that must be spoken: all but the golden case's not-spoken
    (with `lines`: the page's lines that keep words to speak)."""
    raw = case.read_text(encoding="utf-8")
    # plain text is its own reference; HTML and captions go through the page reader first
    text = raw if case.suffix == ".txt" else importer.page_text(raw, case.name).text
    page = [" ".join(line.split()) for line in text.splitlines()]
    content = [importer.ELLIPSIS.sub("", line) for line in page if line]
    skip = Counter(want["not_content"])  # each entry stands for one line of the page
    kept = []
    for line in content:
        if skip[line]:
            skip[line] -= 1
        else:
            kept.append(line)
    assert not +skip, f"not_content lines not on the page: {list(+skip)}"
    if lines:
        return kept
    joined = "\n".join(kept)
    for piece in want.get("not_spoken", []):
        assert piece in joined, f"not_spoken {piece!r} is not on the page"
        joined = joined.replace(piece, " ")
    return joined.split()


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_every_content_word_survives_in_order(case: Path, show_dir: Path) -> None:
    want = expected(case)
    _, production = imported(case, show_dir)
    assert " ".join(spoken(production)).split() == page_words(case, want)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_every_guessed_part_names_its_evidence(case: Path, show_dir: Path) -> None:
    """Every part not spoken by the host carries a comment naming its evidence: a label, or
    a `check:` for a hand-over cue, a quote attributed after it or a first-person voice."""
    result, _ = imported(case, show_dir)
    lines = result.yaml.split("\n")
    start = lines.index("segments:")
    notes: list[str] = []
    for line in lines[start + 1 :]:
        if line.startswith("  #"):
            notes.append(line)
        elif line.startswith("  - "):
            kind = line[4:].split(":")[0]
            if kind in ("interview", "voxpop", "music", "pause"):
                evidence = [
                    n
                    for n in notes
                    if re.search(
                        r"label|turn|cue|quote|first person|"
                        r"a quote opening",
                        n,
                    )
                ]
                assert evidence, f"{kind} part without its evidence: {line}"
                label = any("label" in n and "check:" not in n for n in evidence)
                assert label or any("# check:" in n for n in evidence), (line, evidence)
            notes = []


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_no_page_furniture_in_any_part(case: Path, show_dir: Path) -> None:
    want = expected(case)
    _, production = imported(case, show_dir)
    texts = spoken(production)
    for furniture in want["absent"]:
        assert not [t for t in texts if furniture in t], furniture
    # a line the page prints twice (a summary above a repeated title) is spoken once
    once = {line for line, n in Counter(want["not_content"]).items() if n == 1}
    assert not set(texts) & (once - set(page_words(case, want, lines=True)))


def test_sample_attribution_follows_the_cues(show_dir: Path) -> None:
    """The issue's ground truth: every paragraph after an explicit cue is the named person's."""
    result, _ = imported(SAMPLE, show_dir)
    paragraphs = [p for s in result.transcript.stories for p in s.paragraphs]

    def who(start: str) -> str | None:
        para = next(p for p in paragraphs if p.text.startswith(start))
        if para.kind == "voxpop":
            return "voxpop"
        return para.person.name if para.person else "host"

    assert who("North Korea and Japan have resumed") == "Shin Jeong-hwa"  # takes note that
    assert who("Japanese nationals were kidnapped") == "Shin Jeong-hwa"  # explains why.
    assert who("Some speculate that") == "Shin Jeong-hwa"  # "I think", after Professor Shin
    assert who("The concert, now in its sixth year") == "Seo Jin-seon"  # Here's ...
    assert who("I participated in a charity concert") == "Park Seong-jin"  # first person
    assert who("…I was impressed") == "voxpop"
    assert who("…I’ve realized") == "voxpop"
    assert who("Professor Shin says it’s hard") == "host"  # third person: narration
    assert result.speakers["shin"] == "Shin Jeong-hwa"
    assert result.transcript.stories[1].title == (
        "Concert Designed to Help N. Korean Teenage Defectors"
    )


def test_sample_yaml_marks_the_guesses(show_dir: Path) -> None:
    result, _ = imported(SAMPLE, show_dir)
    text = result.yaml
    assert "# programme: Korea, Today and Tomorrow" in text
    assert "date: 2012-09-06" in text

    def comment_before(start: str) -> str:
        index = text.index(start)
        item = text.rindex("\n  - ", 0, index)
        return text[text.rindex("\n  - ", 0, item) : item]

    assert "# check: answers the question above; Shin Jeong-hwa?" in comment_before(
        "Japan has insisted"
    )
    assert "# check: sounds like an interviewee" in comment_before("Two girl students")
    assert "# check: Seo Jin-seon: hand-over cue “Here’s" in comment_before("The concert, now in")
    for furniture in ("Menu Content", "Go Top", "Editor's Pick", "Close"):
        assert f": {furniture}\n" in text  # listed in the header comment, not spoken


def test_sample_voices_are_distinct_and_keep_full_names(show_dir: Path) -> None:
    result, production = imported(SAMPLE, show_dir)
    data = yaml.safe_load(result.yaml)
    voices = data["voices"]
    assert {k: v.get("name") for k, v in voices.items() if "name" in v} == {
        "shin": "Shin Jeong-hwa",
        "seo": "Seo Jin-seon",
        "park": "Park Seong-jin",
    }
    sounds = [(v["pitch"], v["speed"]) for v in voices.values()]
    assert len(set(sounds)) == len(sounds)
    assert {v["engine"] for v in voices.values()} == {"fake"}
    vox = [p for p in production.parts if isinstance(p, model.VoxpopPart)]
    assert [p.voice for p in vox] == ["voxpop-1", "voxpop-2"]


def test_without_an_engine_speakers_are_cast_distinct_native_voices(show_dir: Path) -> None:
    """No --engine: every speaker is described and cast when loaded, a different installed
    native voice each while there is one, and no pitch shift anywhere."""
    result = importer.import_transcript(
        SAMPLE.read_text(encoding="utf-8"), SAMPLE.name, today=dt.date(2000, 1, 1)
    )
    voices = yaml.safe_load(result.yaml)["voices"]
    assert all(v["voice"] == {"accent": "us"} and "pitch" not in v for v in voices.values())
    assert "# check: add gender: female or male" in result.yaml
    path = importer.write_episode(result.yaml, show_dir / "kbs" / "episode.yaml")
    production = loader.load(path)
    cast = [production.cast[key] for key in voices]
    native = [
        c
        for engine in registry.names()
        if engine != "fake" and registry.get(engine).available() is None
        for c in casting.candidates(model.Voice(), model.VoiceWanted(accent="us"))
        if c.engine == engine
    ]
    distinct = len({casting.identity(c.engine, c.info.name) for c in native})
    assert len(set(cast)) == min(len(cast), distinct)  # reused only when none is left
    assert all(production.voices[key].pitch == 0 for key in voices)
    if distinct >= len(cast):
        assert production.warnings == []


@pytest.mark.slow
def test_imported_sample_renders_without_edits(show_dir: Path, tmp_path: Path) -> None:
    _, production = imported(SAMPLE, show_dir)
    result = pipeline.render(
        production.episode_path, tmp_path / "out", cache=SpeechCache(tmp_path / "speech")
    )
    assert result.outputs["mp3"].stat().st_size > 0
    assert [c.title for c in result.timeline.chapters] == [
        "N. Korea, Japan Hold Governmental-level Talks",
        "Concert Designed to Help N. Korean Teenage Defectors",
    ]


# --- pieces -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "person"),
    [
        ("The talks resumed. Professor Shin Jeong-hwa of Dongseo University explains why.",
         "Shin Jeong-hwa"),
        ("The talks resumed. Here’s the group’s assistant administrator Seo Jin-seon.",
         "Seo Jin-seon"),
        ("The talks resumed. Here is Professor Choi Mi-kyung of Korea University.",
         "Choi Mi-kyung"),
        ("The talks resumed. Lee Hyun-woo, a senior researcher, told KBS.", "Lee Hyun-woo"),
        ("The talks resumed. Kim Min-ji says:", "Kim Min-ji"),
        ("The talks resumed. This is what analyst Jane Moore said.", "Jane Moore"),
        ("The class was started by engineer Yoon Ji-ho, who says:", "Yoon Ji-ho"),
        ("Leaders were optimistic, according to Kang Dong-hoon, a company vice president.",
         "Kang Dong-hoon"),
        ("Professor Park Tae-ho takes note that the two sides met for the first time in years.",
         "Park Tae-ho"),
        ("Let’s hear from Dr. Maria Lopez.", "Maria Lopez"),
    ],
)  # fmt: skip
def test_cue_phrasings(paragraph: str, person: str) -> None:
    cue = importer.find_cue(paragraph, importer.People(), None)
    assert cue is not None and cue.person is not None
    assert cue.person.name == person


@pytest.mark.parametrize(
    "paragraph",
    [
        "Japan’s chief cabinet secretary Osamu Fujimura also says that Japan explained it.",
        "Professor Shin says it’s hard to predict. North Korea claims the issue is settled.",
        "The figures are up, according to the Korea International Trade Association.",
        "A support package will be announced later this month, officials said.",
        "Attention also turns to what the two sides will discuss in the prospective talks.",
    ],
)
def test_reported_speech_is_not_a_cue(paragraph: str) -> None:
    assert importer.find_cue(paragraph, importer.People(), None) is None


def test_short_references_resolve_to_the_full_name() -> None:
    people = importer.People()
    [shin] = people.named_in("Professor Shin Jeong-hwa of Dongseo University spoke.")
    shin.interviewee = True
    people.named_in("Former leader Kim Jong-il said so.")
    cue = importer.find_cue("It was hard. Professor Shin explains why.", people, None)
    assert cue is not None and cue.person is shin
    assert importer.mentions("As a scholar, Shin attended the talks.", shin)
    assert not importer.mentions("The talks resumed.", shin)


def test_a_voxpop_cue_hands_over_to_a_voxpop() -> None:
    paragraph = "Every seat was taken. One visitor from Busan said."
    cue = importer.find_cue(paragraph, importer.People(), None)
    assert cue is not None and cue.voxpop == "Visitor" and cue.person is None


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2012-09-06", dt.date(2012, 9, 6)),
        ("Posted on : 2012.10.05 10:30", dt.date(2012, 10, 5)),
        ("September 14, 2012", dt.date(2012, 9, 14)),
        ("Date: 6 Sept 2012", dt.date(2012, 9, 6)),
        ("no date here", None),
    ],
)
def test_dates(text: str, date: dt.date | None) -> None:
    assert importer.find_date(text) == date


def test_html_keeps_paragraphs_and_drops_scripts_and_navigation() -> None:
    page = importer.page_text(
        "<html><head><title>T | Site</title><script>var x = 1;</script></head><body>"
        "<nav><a>Home</a></nav><h1>A Title</h1><p>First &amp; <b>bold</b> paragraph.</p>"
        "<div class='share'><a>Facebook</a></div><p>Second paragraph.</p></body></html>"
    )
    assert page.h1 == "A Title"
    assert page.page_title == "T | Site"
    assert page.text.split("\n\n") == ["A Title", "First & bold paragraph.", "Second paragraph.\n"]


def test_hard_wrapped_lines_join_into_paragraphs() -> None:
    text = "Title: A\n\n" + "word " * 15 + "\n" + "more words here." + "\n\nNext one.\n"
    assert [b.text for b in importer.blocks(text)] == [
        "Title: A",
        "word " * 14 + "word more words here.",
        "Next one.",
    ]


@pytest.mark.parametrize(
    "text",
    ['He said: "yes" # not a comment', "- a dash", "yes", "a: b", "tab\there", "  spaced  "],
)
def test_yaml_scalars_read_back_exactly(text: str) -> None:
    assert yaml.safe_load(importer.quote(text)) == text
    assert yaml.safe_load(importer.block("k", text, 2)) == {"k": text}


def test_folded_paragraph_reads_back_exactly() -> None:
    text = "Governmental-level talks resumed “today”: #1 priority; " * 6 + "end."
    dumped = importer.block("p", text, 2)
    assert dumped.startswith("p: >-\n")
    assert yaml.safe_load(dumped) == {"p": text.strip()}


def test_same_surname_gets_distinct_voice_keys(show_dir: Path) -> None:
    raw = (
        "Title: Two Kims\nDate: 2020-01-02\n\n"
        "The talks went on for two days in the capital. Here’s Kim Min-ji.\n\n"
        "I was there on both days and it was a long meeting.\n\n"
        "The second day was calmer, observers said. Here’s Kim Tae-ho.\n\n"
        "I think the result is good for both sides of the table.\n"
    )
    result = importer.import_transcript(raw, "kims.txt", engine="fake")
    assert result.speakers == {"kim": "Kim Min-ji", "kim-tae-ho": "Kim Tae-ho"}
    loader.load(importer.write_episode(result.yaml, show_dir / "kims" / "episode.yaml"))


def test_text_without_paragraphs_is_refused() -> None:
    with pytest.raises(InputError, match="no transcript paragraphs found"):
        importer.import_transcript("Menu\nGo Top\nHome\n", "empty.txt")


def test_missing_date_is_marked_for_review() -> None:
    raw = "A Title Line Here\n\n" + "This is a long enough first paragraph of the story. " * 2
    result = importer.import_transcript(raw, "x.txt", today=dt.date(2021, 5, 4))
    assert "date: 2021-05-04  # check: no date found" in result.yaml


def test_write_is_atomic_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "episodes" / "x" / "episode.yaml"
    importer.write_episode("a: 1\n", path)
    with pytest.raises(InputError, match="already exists; pass --force"):
        importer.write_episode("a: 2\n", path)
    importer.write_episode("a: 3\n", path, force=True)
    assert path.read_text() == "a: 3\n"
    assert [p.name for p in path.parent.iterdir()] == ["episode.yaml"]


# --- the command --------------------------------------------------------------------------


def test_kit_import_writes_the_episode(show_dir: Path) -> None:
    out = show_dir / "kbs-2012-09-06" / "episode.yaml"
    result = runner.invoke(app, ["import", str(SAMPLE), "-o", str(out), "--engine", "fake"])
    assert result.exit_code == 0, result.stderr
    assert "2 chapters, 21 parts (14 host, 5 interview, 2 voxpop), 5 voices" in result.stderr
    assert yaml.safe_load(out.read_text(encoding="utf-8"))["date"] == dt.date(2012, 9, 6)
    again = runner.invoke(app, ["import", str(SAMPLE), "-o", str(out)])
    assert again.exit_code == 2
    assert re.search(r"^error: .*already exists; pass --force", again.stderr, re.M)
    forced = runner.invoke(app, ["import", str(SAMPLE), "-o", str(out), "--force"])
    assert forced.exit_code == 0, forced.stderr


def test_kit_import_prints_without_out() -> None:
    result = runner.invoke(app, ["import", str(DATA / "heavy-boilerplate.html")])
    assert result.exit_code == 0, result.stderr
    assert yaml.safe_load(result.stdout)["title"] == (
        "Jazz Festival Brings Musicians from Both Koreas Together"
    )


def test_kit_import_reports_bad_input(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["import", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 2
    assert "nope.txt: no such file" in missing.stderr
    latin = tmp_path / "latin.txt"  # 0x81 and 0x8d: no Windows-1252 text either
    latin.write_bytes(b"caf\xe9 \x81\x8d au lait")
    bad = runner.invoke(app, ["import", str(latin)])
    assert bad.exit_code == 2
    assert "not UTF-8 text" in bad.stderr


def test_unknown_engine_lists_the_installed_ones() -> None:
    with pytest.raises(InputError, match="unknown engine 'festival' for --engine; installed"):
        importer.import_transcript(SAMPLE.read_text(encoding="utf-8"), "s.txt", engine="festival")


def test_html_line_breaks_keep_every_word() -> None:
    page = importer.page_text(
        "<html><body><p>The capital city of the<br>region was full of people for the"
        " whole day<br/>long.</p><p>Next one.<br><br>A new paragraph.</p></body></html>"
    )
    assert [b.text for b in importer.blocks(page.text)] == [  # a sentence a <br> broke is one
        "The capital city of the region was full of people for the whole day long.",
        "Next one.",
        "A new paragraph.",
    ]
    assert "Next one.\n\nA new paragraph." in page.text


def test_korean_dates() -> None:
    assert importer.find_date("2012년 9월 6일") == dt.date(2012, 9, 6)
    assert importer.find_date("2012.09.06") == dt.date(2012, 9, 6)


def test_one_paragraph_per_line_without_blank_lines() -> None:
    text = (
        "Here is the director of the centre, Kim Min-ji.\n"
        "We have helped more than two hundred families settle in the city this year.\n"
        "The centre opened in 2009 and now has a staff of twelve people in two offices.\n"
    )
    assert [b.text for b in importer.blocks(text)] == text.strip().split("\n")


def test_timecodes_leave_the_text_and_captions_become_paragraphs() -> None:
    """Issue 24: timecoded lines lose their times; an SRT/VTT file is read as captions."""
    text = (
        "Speaker 1 (00:12):\n\nGood morning, everyone.\n\n00:00:31-00:00:50 (20 sec)\n"
        "[00:01:02] HOST: We begin in the valley. [inaudible 00:01:09] It rained all night.\n"
    )
    plain = importer.page_text(text, "page.txt").text
    assert "Speaker 1:" in plain and "HOST: We begin" in plain and "[inaudible]" in plain
    assert not re.search(r"\d:\d\d", plain)
    srt = (
        "1\n00:00:01,000 --> 00:00:02,000\nThe ferry\n\n"
        "2\n00:00:02,100 --> 00:00:04,000\nruns again.\n"
    )
    page = importer.page_text(srt, "ferry.srt")
    assert page.captions and page.text == "The ferry runs again.\n"


def test_kit_import_reads_srt_and_vtt(tmp_path: Path) -> None:
    for case in ("ferry-captions.srt", "orchard-captions.vtt"):
        out = tmp_path / case.split(".")[0] / "episode.yaml"
        args = ["import", str(DATA / case), "-o", str(out), "--engine", "fake"]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        written = out.read_text(encoding="utf-8")
        assert "-->" not in written and "00:00" not in written
        assert "# check: read from captions" in written
