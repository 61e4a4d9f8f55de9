"""`kit import` on label forms of publishers it has not seen: a long title before the name
("Deputy President of the Republic, Mr Tomas Varga:"), the surname alone after a first full
label, and the page's furniture worded in other ways. The evidence is the page's own: what
repeats, what sits above the first turn or below the last."""

from __future__ import annotations

import datetime as dt

import pytest

from broadcast_kit import importer
from broadcast_kit.importer.labels import title_case, without_long_titles
from broadcast_kit.importer.page import is_furniture

WORDS = importer.default_words()


def _import(text: str) -> importer.Transcript:
    result = importer.import_transcript(text, "page.txt", today=dt.date(2026, 1, 1), words=WORDS)
    return result.transcript


def _turns(transcript: importer.Transcript) -> list[tuple[str, str]]:
    return [
        (p.person.name if p.person else p.kind, p.text) for p in transcript.paragraphs if p.spoken
    ]


@pytest.mark.parametrize(
    ("line", "label"),
    [
        ("Deputy President of the Republic, Mr Tomas Varga:", "Mr Tomas Varga, Deputy President"),
        ("Minister for Health and Social Care Ines Duarte:", "Ines Duarte, Minister for Health"),
        ("CHIEF EXECUTIVE OF THE PORT, MR. VARGA:", "MR. VARGA, CHIEF EXECUTIVE OF THE PORT:"),
        ("Deputy Minister, Dr Ines Duarte:", "Dr Ines Duarte, Deputy Minister:"),
        ("Member of Parliament for the Northern District, Ines Duarte:", "Ines Duarte:"),
    ],
)
def test_a_long_title_before_a_name_the_page_labels_again_is_its_role(
    line: str, label: str
) -> None:
    page = f"{line} We will answer that.\nDUARTE: Thank you.\nVarga: Yes.\nDuarte: No.\n"
    rewritten = without_long_titles(page, WORDS).split("\n")[0]
    assert rewritten.startswith(label)
    assert rewritten.endswith(": We will answer that.")


@pytest.mark.parametrize(
    "line",
    [
        "On The Nation: Xmas Special",  # a headline whose last word is labelled elsewhere
        "Mary Ann Duarte: Good morning.",  # a name of three words, no title
        "And then I asked Duarte: why not?",  # a sentence
        "Deputy President of the Republic, Mr Kofi Mensah: Thank you.",  # never labelled again
    ],
)
def test_words_before_a_colon_that_are_no_title_and_name_stay(line: str) -> None:
    page = f"{line}\nDuarte: Thank you.\nNation: Yes.\nVarga: No.\n"
    assert without_long_titles(page, WORDS) == page


def test_a_full_name_once_with_its_title_then_the_surname_is_one_voice() -> None:
    transcript = _import(
        "Evening questions\n\n"
        "Presenter, Ruth Amsel: Good evening. With me is the deputy president.\n\n"
        "Deputy President of the Republic, Mr Tomas Varga: Good evening to you.\n\n"
        "Amsel: Did the grid hold this winter?\n\n"
        "Varga: It held, and no region lost power for more than an hour.\n\n"
        "Amsel: And next winter?\n\n"
        "Varga: Two new lines will be finished by then.\n"
    )
    turns = _turns(transcript)
    assert [who for who, _ in turns[1::2]] == ["Tomas Varga"] * 3
    assert turns[1][1] == "Good evening to you."
    assert not any("President" in text or "Amsel:" in text for _, text in turns)


TURNS = [
    "NELL: Good morning. The old quarry pond filled with swimmers again last summer, they say.",
    "DEV: It is the only cold, clean water for twenty miles, and the town pool closed years ago.",
    "NELL: The council says the ledges are dangerous. Are they wrong about that, do you think?",
    "DEV: They are right about the east side, but the shallow end is as safe as any beach.",
    "NELL: Dev, thank you for coming in this morning and talking to us about the pond.",
    "DEV: Thank you for having me, and I hope the pond stays open for the summer.",
]


@pytest.mark.parametrize(
    "tail",
    [
        ["Uploaded by studio2 on 3/2/2025 at 08:41"],  # a stamp
        ["Hear it again on Harbour Sounds", "Comments are closed."],  # a link, and below it
        ["Tweet", "Share", "Email this story"],  # most of a run of short lines: the page's
    ],
)
def test_short_lines_below_the_last_turn_shaped_as_the_pages_are_not_spoken(
    tail: list[str],
) -> None:
    transcript = _import("\n\n".join(["The Quarry Pond", *TURNS, *tail]) + "\n")
    spoken = " ".join(text for _, text in _turns(transcript))
    assert spoken.endswith("stays open for the summer.")
    assert all(line in {b.text for b in transcript.dropped} for line in tail)


@pytest.mark.parametrize(
    "tail",
    [
        ["However, looking at"],  # the transcript cut off mid-sentence
        ["Goodbye."],  # the last voice's last word
        ["And you?", "Me too.", "Bye then."],  # short sentences going on
    ],
)
def test_the_last_voices_short_words_and_a_cut_off_sentence_are_spoken(tail: list[str]) -> None:
    transcript = _import("\n\n".join(["The Quarry Pond", *TURNS, *tail]) + "\n")
    spoken = " ".join(text for _, text in _turns(transcript))
    assert spoken.endswith(tail[-1])


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Note: this transcript was checked against the broadcast.", True),
        ("NB - the audio of this part was lost.", True),
        ("Source: Harbour Gazette", True),
        ("Sources say the harbour master will retire.", False),  # a word that starts alike
        ("Noted historian Ada Brant spoke last.", False),
        ("Psychology tells us why the ferry matters.", False),
        ("Tagged as unsafe, the quay was closed.", False),
        ("Note the time on the clock.", False),  # no colon or dash after it: said
    ],
)
def test_a_furniture_prefix_is_a_word_of_its_own_with_its_mark(line: str, furniture: bool) -> None:
    assert is_furniture(line, WORDS) is furniture


def test_lines_opening_with_a_note_prefix_again_and_again_are_the_pages_text() -> None:
    entries = [
        "Note - the meeting opened at seven with eleven members present.",
        "Update - the chair said the budget vote moves to the June meeting.",
        "Note - two residents asked about the bus route and its closure.",
        "Update - officers will report back next month on the route.",
        "Note - the library hours stay the same for now, the chair said.",
    ]
    transcript = _import("\n\n".join(["Council notes", *entries]) + "\n")
    assert [text for _, text in _turns(transcript)] == entries
    once = _import("\n\n".join(["Council notes", *entries[1::2], entries[0]]) + "\n")
    assert entries[0] not in [text for _, text in _turns(once)]  # once: a note on the page


@pytest.mark.parametrize(
    ("written", "name"),
    [("JR", "JR"), ("TG", "TG"), ("MR SMITH", "Mr Smith"), ("AL", "Al"), ("JANE DOE", "Jane Doe")],
)
def test_initials_in_a_label_stay_capitals(written: str, name: str) -> None:
    assert title_case(written) == name


def test_a_voice_labelled_by_initials_keeps_them() -> None:
    transcript = _import(
        "Morning Call\n\n"
        "JANE: Good morning, it's seven o'clock and this is Morning Call.\n"
        "JR: And I'm here with the traffic and the weather for the valley.\n"
        "JANE: What does the road look like this morning?\n"
        "JR: The bridge is slow, so leave ten minutes early.\n"
    )
    assert {who for who, _ in _turns(transcript)[1::2]} == {"JR"}


@pytest.mark.parametrize(
    "labels",
    [
        ("Chairwoman HALVERSEN.", "Mr. OKONJO.", "Ms. PRATT."),  # a hearing's record
        ("The CHAIRMAN.", "Senator OKONJO.", "Dr. PRATT."),
        ("RUTH AMSEL, HOST.", "OKONJO.", "PRATT."),  # a name in capitals with its role
    ],
)
def test_a_surname_in_capitals_and_a_full_stop_again_and_again_is_a_label(
    labels: tuple[str, str, str],
) -> None:
    chair, member, witness = labels
    said = [
        (chair, "The committee will come to order. We hear from one witness today."),
        (member, "Thank you. I want to welcome our witness this morning."),
        (witness, "Thank you. In my county four homes in ten have no connection at all."),
        (member, "Why has the money not reached those homes, do you think?"),
        (witness, "The maps were wrong. They counted a whole block as served."),
        (chair, "Thank you. The gentleman's time has expired."),
    ]
    transcript = _import("Rural broadband\n\n" + "\n\n".join(f"{a} {b}" for a, b in said) + "\n")
    assert [text for _, text in _turns(transcript)] == [b for _, b in said]


@pytest.mark.parametrize(
    ("line", "left_out"),
    [
        ("Posted by admin at 9:14 PM", True),  # a stamp
        ("Listen on Valley Sounds Podcasts", True),  # a link's words
        ("Yeah", False),  # the voice above goes on
        ("So what happened next", False),
    ],
)
def test_a_link_or_stamp_between_two_labelled_turns_is_not_spoken(
    line: str, left_out: bool
) -> None:
    transcript = _import("\n\n".join(["The Quarry Pond", *TURNS[:3], line, *TURNS[3:]]) + "\n")
    assert any(line in text for _, text in _turns(transcript)) is not left_out
