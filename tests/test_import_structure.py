"""`kit import` reads the page's structure (issue 24, round 5): which lines are the header
(a headline with its byline or dateline below it, a programme's fields such as "Host: Ann
Lee"), which are the transcript, and where captions without labels change speaker.

Every page here is invented; the golden cases (tests/data/import) hold one whole page for
each mechanism.
"""

from __future__ import annotations

import datetime as dt

import pytest

from broadcast_kit import importer
from broadcast_kit.importer.page import blocks

TURNS = (
    "\n\nHOST: Good evening and welcome to the programme tonight.\n\n"
    "JOE ROE: Hello, it is good to be here.\n"
)


def run(page: str, name: str = "page.txt") -> importer.Imported:
    return importer.import_transcript(page, name, engine="fake", today=dt.date(2000, 1, 1))


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("The Lantern Road (1938)\nby Ann Lee", "The Lantern Road (1938)"),
        (
            "Remarks at the Guild Supper\ndelivered 3 March 2020, Wexmoor",
            "Remarks at the Guild Supper",
        ),
    ],
)
def test_a_lower_case_byline_or_dateline_is_not_part_of_the_headline(head: str, title: str) -> None:
    result = run(head + TURNS)
    assert result.transcript.title == title
    assert head.split("\n")[1] not in " ".join(p.text for p in result.transcript.paragraphs)


def test_a_sentence_broken_after_capitalised_words_still_joins() -> None:
    """Only a byline ("by Name") or a line holding a date stays apart from a headline-shaped
    line: the rest of a broken sentence in lower case joins it."""
    text = "We met The Harbour Master of Port Elms\nand walked with him along the quay.\n"
    assert [b.text for b in blocks(text)] == [
        "We met The Harbour Master of Port Elms and walked with him along the quay."
    ]


@pytest.mark.parametrize("field", ["Host: Ann Lee", "Anchor: Dr. Ann Lee", "PRESENTER: Ann Lee"])
def test_a_host_field_above_the_headline_does_not_start_the_transcript(field: str) -> None:
    result = run(f"{field}\n\nThe Salt Marsh Comes Back\n\nApril 9, 2019{TURNS}")
    assert result.transcript.title == "The Salt Marsh Comes Back"
    assert [s.title for s in result.transcript.stories] == ["The Salt Marsh Comes Back"]
    assert "Ann Lee" not in " ".join(p.text for p in result.transcript.paragraphs)


def test_a_host_label_with_a_sentence_still_opens_the_transcript() -> None:
    """Only a name alone is a field: "Host: Ann Lee here, good evening." is the first turn."""
    result = run("Host: Ann Lee here, with the news tonight.\n\nJOE ROE: Thank you, Ann.\n")
    assert result.transcript.paragraphs[0].text == "Ann Lee here, with the news tonight."
