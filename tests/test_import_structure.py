"""`kit import` reads the page's structure (issue 24, round 5): which lines are the header
(a headline with its byline or dateline below it, a programme's fields such as "Host: Ann
Lee"), which are the transcript, and where captions without labels change speaker.

Every page here is invented; the golden cases (tests/data/import) hold one whole page for
each mechanism.
"""

from __future__ import annotations

import datetime as dt

import pytest

from broadcast_kit.importer.labels import LabelReader
from broadcast_kit.importer.page import blocks
from broadcast_kit.importer.timecodes import captions_text, is_captions
from broadcast_kit.importer.words import default_words
from tests.conftest import IMPORT_TURNS, import_page

TURNS = IMPORT_TURNS
run = import_page


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


def _cues(*bodies: str) -> str:
    return "".join(
        f"{n}\n00:00:{2 * n:02d},000 --> 00:00:{2 * n + 1:02d},500\n{body}\n\n"
        for n, body in enumerate(bodies, start=1)
    )


def _read(text: str) -> tuple[str, tuple[str, ...], bool]:
    captioned = captions_text(text)
    return captioned.text, captioned.speakers, captioned.marked


def test_a_dash_on_a_cues_second_line_is_a_new_speaker() -> None:
    text, _, marked = _read(
        _cues("- Did you see the boats come in?\n- Not yet, I was at the market.", ">>And you?")
    )
    assert marked
    assert text.split("\n\n") == [
        "Did you see the boats come in?",
        "Not yet, I was at the market.",
        "And you?\n",
    ]


def test_a_bracketed_name_twice_is_a_voice_and_a_sound_is_not() -> None:
    text, speakers, _ = _read(
        _cues(
            "(MARA) The tide is late.",
            "(LAUGHS) It always is.",
            "(TOBIAS) Then we wait.",
            "(MARA) (LAUGHS) We do.",
            "(TOBIAS) Look there.",
            "(CROWD CHEERING) Here they come.",
            "(CROWD CHEERING) At last.",
        )
    )
    assert speakers == ("Mara", "Tobias")
    assert text.split("\n\n") == [
        "Mara: The tide is late. (LAUGHS) It always is.",
        "Tobias: Then we wait.",
        "Mara: (LAUGHS) We do.",
        "Tobias: Look there. (CROWD CHEERING) Here they come. (CROWD CHEERING) At last.\n",
    ]


def test_a_caption_that_is_a_name_alone_labels_the_next() -> None:
    text, _, marked = _read(
        _cues("The tide is late tonight.", "HARBOURMASTER:", "Nobody goes out on the pier.")
    )
    assert marked
    assert text.split("\n\n")[-1] == "HARBOURMASTER: Nobody goes out on the pier.\n"


@pytest.mark.parametrize(
    ("label", "kind", "name"),
    [
        ("HOST 1:", "host", "Host 1"),
        ("Host 2:", "host", "Host 2"),
        ("PRESENTER TWO:", "host", "Presenter Two"),
        ("GUEST 2:", "speaker", "Guest 2"),
        ("REPORTER 1:", "speaker", "Reporter 1"),
    ],
)
def test_a_numbered_role_alone_on_its_line_is_a_label(label: str, kind: str, name: str) -> None:
    """A programme with two hosts numbers them ("HOST 1:" / "HOST 2:"): each is a voice of
    its own, so the short opening below the label is spoken, not taken for a headline."""
    found, rest = LabelReader(default_words()).split(label)
    assert found is not None and (found.kind, found.name, rest) == (kind, name, "")
    page = (
        f"{label}\nWelcome to Tide Talk. I'm Ann Lee.\n\nJOE ROE:\nHello, it is good to be here.\n"
    )
    result = run(page)
    assert result.transcript.paragraphs[0].text == "Welcome to Tide Talk. I'm Ann Lee."
    assert label not in " ".join(p.text for p in result.transcript.paragraphs)


def test_voices_the_page_counts_are_labels_and_its_chapters_are_not() -> None:
    page = (
        "MAN 1: Hello.\nMAN 2: Hi.\nSpeaker A: Yes.\nSpeaker B: No.\nChapter 1: Go\nChapter 2: On\n"
    )
    reader = LabelReader(default_words(), page)
    assert [reader.split(x)[0] is not None for x in ("MAN 2:", "Speaker B:", "Chapter 2: On")] == [
        True,
        True,
        False,
    ]
    assert reader.split("GIRL 3:")[0] is None  # only the stems the page numbers twice or more


def test_a_line_of_capitals_and_its_colon_twice_alone_is_a_label() -> None:
    """ "MAN A:" alone on its line, twice, with a short question below the first: the question
    is the first turn, never the page's headline, and the label lines are not spoken."""
    page = (
        "MAN A:\nIs this the last boat?\n\nWOMAN B:\nIt is, until the morning.\n\n"
        "MAN A:\nThen I will wait here on the quay for it.\n"
    )
    result = run(page)
    texts = [p.text for p in result.transcript.paragraphs]
    assert texts[0] == "Is this the last boat?"
    assert not any(t.endswith(":") for t in texts)
    notes = LabelReader(default_words(), "NOTE:\nx\nNOTE:\ny\n")
    assert notes.split("NOTE:")[0] is None  # a field name, however often


@pytest.mark.parametrize(
    "line", ["a conversation with Bram Tolver", "with Ann Lee and Bram Tolver", "read by Ann Lee"]
)
def test_a_lower_case_line_naming_who_speaks_is_not_the_headlines_tail(line: str) -> None:
    result = run(f"The Salt Marsh Returns\n{line}\n\nApril 9, 2019{TURNS}")
    assert result.transcript.title == "The Salt Marsh Returns"


def test_fields_on_one_line_above_the_headline_are_not_spoken() -> None:
    page = f"THE SALT MARSH RETURNS\n\nHost: Ann Lee | Guest: Bram Tolver\n\nApril 9, 2019{TURNS}"
    result = run(page)
    assert result.transcript.date == dt.date(2019, 4, 9)
    assert "Bram Tolver" not in " ".join(p.text for p in result.transcript.paragraphs)


def test_a_bracketed_name_alone_labels_the_next_caption_and_a_sound_does_not() -> None:
    text, speakers, _ = _read(
        _cues("[Ann Lee]", "Where were you?", "[VIDEO PLAYBACK]", "[Applause]", "[Applause]")
    )
    assert speakers == ("Ann Lee",)
    assert text.split("\n\n") == ["Ann Lee: Where were you?", "[VIDEO PLAYBACK]", "[Applause]\n"]


def test_a_label_in_capitals_on_a_cues_second_line_starts_a_turn() -> None:
    text, _, _ = _read(_cues("Thank you, Joe.\nJOE ROE: My pleasure."))
    assert text.split("\n\n") == ["Thank you, Joe.", "JOE ROE: My pleasure.\n"]


def _timed(*cues: tuple[float, str]) -> str:
    """SRT cues, each starting at its time and lasting one and a half seconds."""
    out = []
    for n, (start, body) in enumerate(cues, start=1):
        a, b = int(start * 1000), int((start + 1.5) * 1000)
        clock = [f"00:{ms // 60000:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}" for ms in (a, b)]
        out.append(f"{n}\n{clock[0]} --> {clock[1]}\n{body}\n\n")
    return "".join(out)


def test_captions_marking_no_speaker_have_turns_told_by_questions_and_thanks() -> None:
    told = captions_text(
        _timed(
            (0.0, "Tonight I'm joined by Ines from the lifeboat crew."),
            (1.5, "Ines, thank you for coming in."),
            (4.0, "Thank you, Rafe. Glad to be here."),  # a welcome answered
            (6.0, "How many call-outs this year?"),  # asked after a pause: the host again
            (8.5, "Forty-one so far."),  # a question, a pause, then the answer
            (10.0, "Most of them in August."),
            (12.5, "And the worst of them?"),
            (15.0, "The night of the March gale."),
            (17.5, "Thank you, Ines."),  # thanks to the one who spoke, by name
        )
    )
    assert told.marked and told.speakers == ("Rafe", "Ines")
    assert told.text.split("\n\n") == [
        "Rafe: Tonight I'm joined by Ines from the lifeboat crew. Ines, thank you for coming in.",
        "Ines: Thank you, Rafe. Glad to be here.",
        "Rafe: How many call-outs this year?",
        "Ines: Forty-one so far. Most of them in August.",
        "Rafe: And the worst of them?",
        "Ines: The night of the March gale.",
        "Rafe: Thank you, Ines.\n",
    ]
    assert [why.split("; ")[1] for _, why in told.told] == [
        "the first turn of the two voices told apart",
        "a turn told by a welcome answered with thanks",
        "a turn told by a new question after the answer",
        "a turn told by a question, a pause, then the answer",
        "a turn told by a new question after the answer",
        "a turn told by a question, a pause, then the answer",
        "a turn told by thanks to the one who spoke before, by name",
    ]


def test_turns_told_without_names_are_numbered_voices() -> None:
    told = captions_text(
        _timed((0.0, "Did the ferry run today?"), (2.5, "Only the morning one."), (4.0, "Why?"))
    )
    assert told.speakers == ("Speaker 1", "Speaker 2")
    assert told.text.startswith("Speaker 1: Did the ferry run today?\n\nSpeaker 2: Only")


@pytest.mark.parametrize(
    "cues",
    [
        # questions the speaker answers at once, with no pause: a talk's own questions
        ((0.0, "Who here has lost a glove?"), (1.5, "All of you."), (3.0, "Where do they go?")),
        # a tag question, a pause, and the same voice going on
        ((0.0, "It's been a long winter, hasn't it?"), (2.5, "The quay froze twice.")),
        # a pause after a statement shows nothing
        ((0.0, "The quay froze twice."), (5.0, "The ferry stopped."), (9.0, "We walked.")),
    ],
    ids=["asked-and-answered-at-once", "tag-question", "pauses-only"],
)
def test_captions_whose_words_show_no_change_stay_one_voice(
    cues: tuple[tuple[float, str], ...],
) -> None:
    told = captions_text(_timed(*cues))
    assert not told.marked and told.speakers == () and told.told == ()
    assert ":" not in told.text


def test_chevron_marks_naming_no_one_are_two_voices_taking_turns() -> None:
    told = captions_text(
        _cues(
            ">> Here is Mara Lind at the lock. Mara?",
            ">> Thanks, Joe. The gates are open again.",
            ">> And the queue of boats?\n>> Gone by noon.",
        )
    )
    assert told.speakers == ("Joe", "Mara")  # who is thanked, who is addressed
    assert told.text.split("\n\n") == [
        "Joe: Here is Mara Lind at the lock. Mara?",
        "Mara: Thanks, Joe. The gates are open again.",
        "Joe: And the queue of boats?",
        "Mara: Gone by noon.\n",
    ]
    # a cue that names its speaker: the captions' own labels, no turns told
    named = captions_text(_cues(">> JOE: Here we are.", ">> Thanks, Joe.", ">> Look there."))
    assert named.told == () and "JOE: Here we are." in named.text


def test_sounds_and_songs_inside_a_captions_words_are_cues_of_their_own() -> None:
    told = captions_text(
        _cues(
            "It was cold, (coughs) very cold.",
            "♪ Row along the quay ♪ And that was the choir.",
            "(MARA) (SIGHS) We go on.",  # a voice's tag and a sound opening the turn stay
            "(MARA) Look.",
        )
    )
    assert told.text.split("\n\n") == [
        "It was cold,",
        "(coughs)",
        "very cold.",
        "(MUSIC)",
        "And that was the choir.",
        "Mara: (SIGHS) We go on. Look.\n",
    ]


def test_youtube_sbv_timings_are_captions_even_saved_as_text() -> None:
    sbv = "".join(
        f"0:00:{2 * n:02d}.000,0:00:{2 * n + 1:02d}.500\nLine {n} of the captions.\n\n"
        for n in range(6)
    )
    assert is_captions(sbv, "captions.txt") and is_captions("", "captions.sbv")
    told = captions_text(sbv)
    assert "0:00" not in told.text and ",0" not in told.text
    assert told.text.startswith("Line 0 of the captions.")
