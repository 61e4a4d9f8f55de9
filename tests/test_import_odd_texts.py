"""`kit import` never refuses text with words to speak: notes, lists, a table export, stamps
of a shape no list names all become an episode, with `# check:` where it is unsure. Only a
text with nothing to say (no words; only furniture, cues or bare labels) is refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from broadcast_kit import importer, loader
from broadcast_kit.errors import InputError
from broadcast_kit.importer.labels import without_delimited_rows
from broadcast_kit.importer.timecodes import without_timecodes


def run(text: str, name: str = "page.txt") -> importer.Imported:
    return importer.import_transcript(text, name, engine="fake", today=dt.date(2000, 1, 1))


def spoken(result: importer.Imported) -> list[str]:
    return [p.text for p in result.transcript.paragraphs if p.spoken]


def test_a_few_short_lines_in_lower_case_import_with_a_check(show_dir: Path) -> None:
    result = run("hello there\nsee you all next week\n")
    assert " ".join(spoken(result)) == "hello there see you all next week"
    assert "# check: no sentences or speaker labels found" in result.yaml
    loader.load(importer.write_episode(result.yaml, show_dir / "short" / "episode.yaml"))


def test_markdown_headings_become_chapters_and_bullets_the_hosts_words() -> None:
    result = run("# Bees\n\n## Spring\n\n- Count the hives\n- Feed them\n\n## Summer\n\n* Rest\n")
    stories = [(s.title, [p.text for p in s.paragraphs]) for s in result.transcript.stories]
    assert result.transcript.title == "Bees"
    assert stories == [("Spring", ["Count the hives", "Feed them"]), ("Summer", ["Rest"])]


@pytest.mark.parametrize("mark", ["- ", "* ", "• ", "1. "])
def test_a_list_without_a_heading_is_all_spoken_its_first_item_no_title(mark: str) -> None:
    items = ["Hello there everyone", "Today we talk about bees", "And honey too", "See you"]
    result = run("".join(f"{mark}{item}\n" for item in items))
    assert spoken(result) == items


@pytest.mark.parametrize(
    "text",
    ["", "\n\n  \n", "12:00\n13:00\n---\n", "(MUSIC)\n", "JANE DOE:\n", "Menu\nGo Top\nHome\n"],
)
def test_a_text_with_nothing_to_say_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="no transcript paragraphs found"):
        run(text)


EXPORT = """\
Speaker\tStart\tEnd\tText
Ana Ruiz\t0.0\t4.2\tWelcome back to the workshop, where today we are fixing chairs.
Tom Ede\t4.2\t8.0\tThanks, Ana. I brought the one with the wobbly leg.
Ana Ruiz\t8.0\t11.5\tWhat happened to it in the first place?
Tom Ede\t11.5\t16.0\tMy son used it as a ladder to reach the biscuits, I am afraid.
"""


@pytest.mark.parametrize("delimiter", ["\t", ",", ";"])
def test_a_table_export_is_read_by_its_columns(delimiter: str) -> None:
    rows = [line.split("\t") for line in EXPORT.splitlines()]
    text = "\n".join(delimiter.join(f'"{c}"' if delimiter in c else c for c in row) for row in rows)
    result = run(text + "\n", "export.csv")
    paragraphs = result.transcript.paragraphs
    assert [p.text for p in paragraphs] == [row[3] for row in rows[1:]]
    assert [p.person.name if p.person else "host" for p in paragraphs][1::2] == ["Tom Ede"] * 2


def test_prose_with_a_comma_on_every_line_is_no_table() -> None:
    prose = (
        "The river rose, and the town waited.\nBy noon, the bridge was closed.\n"
        "At dusk, the water began to fall.\nBy morning, the shops opened again.\n"
    )
    assert without_delimited_rows(prose) == prose


def test_stamps_of_an_unknown_shape_are_taken_out_when_they_rise_line_after_line() -> None:
    turns = [
        "@0m01s Ana Ruiz ~ Welcome back to the workshop, where today we are fixing chairs.",
        "@0m05s Tom Ede ~ Thanks, Ana. I brought the one with the wobbly leg.",
        "@0m09s Ana Ruiz ~ What happened to it in the first place?",
        "@0m14s Tom Ede ~ My son used it as a ladder to reach the biscuits, I am afraid.",
    ]
    result = run("Fixing Chairs\n\n" + "\n\n".join(turns) + "\n")
    assert [p.text for p in result.transcript.paragraphs] == [t.split(" ~ ")[1] for t in turns]
    assert [p.person.name for p in result.transcript.paragraphs if p.person] == ["Tom Ede"] * 2


def test_years_opening_lines_are_words_not_stamps() -> None:
    """One number is no stamp ("2019 was wet"), nor are numbers that do not rise."""
    years = "2019 was a wet year.\n2020 was dry.\n2021 was wet again.\n2022 was dry.\n"
    assert without_timecodes(years) == years
    scores = "3-1 to the home side.\n2-2 in the cup.\n1-0 away.\n0-3 at home.\n"
    assert without_timecodes(scores) == scores


def test_scores_and_dates_opening_lines_are_words_even_when_they_rise() -> None:
    scores = "1-0 after ten minutes.\n2-0 before the break.\n2-1 just after it.\n3-1 at the end.\n"
    assert without_timecodes(scores) == scores
    dates = "12/03 the nets came in.\n14/03 rain all day.\n20/03 the boat was mended.\n"
    assert without_timecodes(dates) == dates


def test_a_line_too_long_for_a_table_cell_is_no_table() -> None:
    """csv refuses a cell over 128 KiB: the text is then no table, not an error."""
    text = '"' + "word, " * 30_000 + "\n"
    assert without_delimited_rows(text) == text


def test_a_table_rows_words_are_kept_when_a_row_has_another_shape() -> None:
    """A cell's words on a second line (a quoted cell with a line break) and a cell with the
    delimiter unquoted in its words are words of the table, never dropped."""
    rows = [line.split("\t") for line in EXPORT.splitlines()]
    rows += rows[1:] + rows[1:]  # (a table of ten rows, two of another shape)
    lines = [",".join(f'"{c}"' if "," in c else c for c in row) for row in rows]
    lines[2] = ",".join(rows[2][:3]) + ',"Thanks, Ana. I brought the one'
    lines.insert(3, 'with the wobbly leg."')
    lines[-1] = ",".join(rows[-1])  # "... the biscuits, I am afraid." unquoted
    result = run("Fixing Chairs, Episode 4\n\n" + "\n".join(lines) + "\n", "export.csv")
    assert result.transcript.title == "Fixing Chairs, Episode 4"  # (a line above the table)
    assert " ".join(p.text for p in result.transcript.paragraphs) == " ".join(
        row[3] for row in rows[1:]
    )
