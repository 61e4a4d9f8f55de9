"""Timestamps in a transcript's text, in every common shape, leave it; times of day stay.

Issue 24: "no timecode spoken". Each shape is one a transcript service or a podcast page
prints (a player's `0:17.0`, `(00:12)`, `[12:40]`, a clock alone on a line, `Speaker 1  0:03`,
a caption range, a time glued to the first word, a stamp after a label or inside a line).
"""

from __future__ import annotations

import pytest

from broadcast_kit.importer.timecodes import without_timecodes


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("0:17.0\nHello there.\n0:21.5\nAnd again.", "\nHello there.\n\nAnd again."),
        ("(00:12) Good morning.\n(00:40) Then more.", "Good morning.\nThen more."),
        ("[12:40] We begin.", "We begin."),
        ("12:40\nWe begin.", "\nWe begin."),
        ("00:01:02.500 --> 00:01:04.000 Hello there.", "Hello there."),
        ("0:00:14Good evening.", "Good evening."),
        ("Jane Doe: [00:27] Yeah, we did.", "Jane Doe: Yeah, we did."),
        ("Jane Doe [01:02:03]: Hello.", "Jane Doe: Hello."),
        ("Speaker 1 (0:12)\nHello.", "Speaker 1:\nHello."),
        (
            "the old distillery [00:01:00] company, by the river.",
            "the old distillery company, by the river.",
        ),
        (
            "Speaker 1  0:03\nWelcome.\n\nSpeaker 2  0:09\nThanks.\n\nSpeaker 1  0:15\nSo.",
            "Speaker 1:\nWelcome.\n\nSpeaker 2:\nThanks.\n\nSpeaker 1:\nSo.",
        ),
        (
            "Jane (0:12): Hi.\nJohn (0:15): Hello.\nJane (0:20): Bye.",
            "Jane: Hi.\nJohn: Hello.\nJane: Bye.",
        ),
    ],
)
def test_every_common_timestamp_shape_leaves_the_text(text: str, want: str) -> None:
    assert without_timecodes(text) == want


def test_bare_clocks_go_only_where_the_page_puts_its_stamps() -> None:
    """On a page that stamps every turn, a bare `0:03` after the label is a stamp; the times
    of day in the speech stay, even one opening a turn."""
    page = (
        "Jane: 0:03 Hi.\nJohn: 0:05 Hello.\n"
        "Jane: 0:09 We met at 9:30 this morning.\nJohn: 0:12 9:30 a.m. was early."
    )
    assert without_timecodes(page) == (
        "Jane: Hi.\nJohn: Hello.\nJane: We met at 9:30 this morning.\nJohn: 9:30 a.m. was early."
    )


def test_a_list_of_names_with_times_is_a_chapter_list() -> None:
    text = "Chapters\nOpening (00:00)\nThe Harbour (12:30)\nLetters (31:05)\n\nHello."
    assert without_timecodes(text) == "Chapters\n\n\n\n\nHello."


@pytest.mark.parametrize(
    "text",
    [
        "HOST: We start at 9:30 this morning and end at 10:15.",
        "The score was 2:1 and the train left at 12:40.\nAt 12:40 we left.",
        "JANE: 10:30 is when the doors open.",  # one bare clock is no stamped page
        "Read John 3:16 aloud, then Psalm 23:4.",
    ],
)
def test_times_of_day_in_speech_stay(text: str) -> None:
    assert without_timecodes(text) == text


def test_a_diarizing_recognisers_srt_is_read_with_its_speakers() -> None:
    """WhisperX-style captions, each cue "[SPEAKER_00]: words": the tags are speakers
    (counted from 1, as people count), never spoken, and the import does not fail."""
    import datetime as dt

    from broadcast_kit import importer

    cues = [
        ("SPEAKER_00", "The ferry has crossed to the island every morning for forty years."),
        ("SPEAKER_00", "Everybody on the quay knows it."),
        ("SPEAKER_01", "So why would the board stop it now?"),
        ("SPEAKER_00", "Because the engine is older than most of the captains who sail it."),
    ]
    srt = "".join(
        f"{n}\n00:00:{2 * n:02d},000 --> 00:00:{2 * n + 1:02d},500\n[{who}]: {words}\n\n"
        for n, (who, words) in enumerate(cues, 1)
    )
    result = importer.import_transcript(srt, "ferry.srt", today=dt.date(2000, 1, 1))
    spoken = [p for s in result.transcript.stories for p in s.paragraphs if p.spoken]
    text = " ".join(p.text for p in spoken)
    assert "SPEAKER" not in text and "[" not in text and "-->" not in text
    assert "forty years" in text and "why would the board" in text
    assert '"Speaker 2"' in result.yaml
