"""`kit import` reads the page's own label syntax: a shape of short prefix (a name in
brackets, before a dash, an arrow or a gap, in capitals before the words, alone on its line)
that opens paragraph after paragraph, two names or more taking turns, is a label however it
is punctuated; a shape the page uses once, or that is not followed by talk, is words."""

from __future__ import annotations

import datetime as dt

import pytest

from broadcast_kit import importer
from broadcast_kit.importer.labels import with_page_label_syntax

TURNS = [
    ("Lena Morgan", "Good evening and welcome, tonight we talk about the old canal and its boats."),
    ("Sami Okafor", "Thank you for having me, it is a pleasure to be here with you tonight."),
    ("Lena Morgan", "How did the canal change over the last ten years in your town?"),
    ("Sami Okafor", "It silted up every summer, and the barges stopped coming in the end."),
    ("Lena Morgan", "What did the boatyards along the banks do about it at the time?"),
    ("Sami Okafor", "They dredged their own stretch, which moved the mud to everyone else."),
    ("Lena Morgan", "Sami Okafor, thank you very much for talking to us this evening."),
    ("Sami Okafor", "Thank you, it was good to talk."),
]
FORMS = {
    "em dash": "{n} — {t}",
    "hyphen": "{n} - {t}",
    "capitals and a dash": "{N} -- {t}",
    "brackets": "[{n}] {t}",
    "brackets in capitals": "[{N}] {t}",
    "parentheses": "({n}) {t}",
    "angle brackets": "<{n}> {t}",
    "arrow": "{n} > {t}",
    "bar": "{n} | {t}",
    "tab": "{N}\t{t}",
    "gap of spaces": "{N}    {t}",
    "capitals straight before the words": "{N} {t}",
    "capitals and a full stop": "{N}. {t}",
    "double colon": "{n}:: {t}",
    "full-width colon": "{n}： {t}",
    "bold without a colon": "**{n}** {t}",
    "semicolon": "{n}; {t}",
    "equals sign": "{n} = {t}",
    "name alone on its line": "{n}\n{t}",
    "capitals alone on their line": "{N}\n{t}",
    "brackets alone on their line": "[{N}]\n{t}",
    "name and a role in brackets": "{n} (studio) — {t}",
    "capitals, a role and a dash": "{N}, STUDIO — {t}",
    "a script's indented name above the words": "                    {N}\n          {t}",
    "a script's name, how it is said, the words": "          {N}\n     (quietly)\n  {t}",
}


def dialogue(form: str) -> str:
    turns = [FORMS[form].format(n=n, N=n.upper(), t=t) for n, t in TURNS]
    return "Canals in Trouble\n\nMarch 3, 2024\n\n" + "\n\n".join(turns) + "\n"


@pytest.mark.parametrize("form", FORMS)
def test_a_label_form_the_page_repeats_is_read_as_labels(form: str) -> None:
    result = importer.import_transcript(dialogue(form), "canal.txt", today=dt.date(2000, 1, 1))
    paragraphs = [p for p in result.transcript.paragraphs if p.spoken]
    assert [p.text for p in paragraphs] == [t for _, t in TURNS]  # no label read aloud
    voices = [p.person.name if p.person else "host" for p in paragraphs]
    assert len(set(voices[0::2])) == 1 and len(set(voices[1::2])) == 1  # turns kept apart
    assert voices[0] != voices[1]
    assert voices[1] == "Sami Okafor"


PROSE = """\
Canals in Trouble

Note: this programme was recorded before the council meeting.

Yes — the canal is lower than it has been for a century, and the boatmen know it.

UN officials said on Monday that the valley needs a new plan for its water.

US engineers have offered to help measure the flow every month this year.

UN experts will visit the valley in the spring to see the locks for themselves.

US money will pay for part of the work, the embassy said in a statement.

Weekdays - the council meets in the town hall at seven in the evening.

Weekends - the boatmen meet in the school to talk about the locks.

The water is the town's future, and the UN and the US both say so.
"""


def test_shapes_the_page_uses_once_or_words_it_uses_in_sentences_are_words() -> None:
    """ "Note:" and "Yes —" once, capitals the text also uses mid-sentence ("UN", "US"), two
    list items with a dash: no labels, the text is left as it is."""
    assert with_page_label_syntax(PROSE, importer.default_words()) == PROSE


def test_names_stacked_above_a_rating_are_not_taken_for_labels() -> None:
    """A page's layout that puts a name, then a rating, alone on lines above each quote: which
    line is the label is not told by shape, so neither is rewritten."""
    rows = [
        f"{name}\n\n{rating}\n\n“{said}”"
        for (name, said), rating in zip(TURNS, ["Neutral", "Very Positive"] * 4, strict=True)
    ]
    text = "\n\n".join(rows) + "\n"
    assert with_page_label_syntax(text, importer.default_words()) == text


def test_a_line_going_on_from_the_one_above_is_no_label() -> None:
    """ "This is" above "Harbour Radio" above a cue: a sentence and a programme, not a label."""
    text = dialogue("capitals alone on their line").replace(
        "Canals in Trouble\n", "Canals in Trouble\n\nThis is\nHarbour Radio\n[Phone ringing]\n"
    )
    rewritten = with_page_label_syntax(text, importer.default_words())
    assert "\nHarbour Radio\n" in rewritten and "LENA MORGAN:" in rewritten


NEWS = """\
Harbour Week

MARTA SILVA, HOST: Good evening. The ferry strike enters its third day tonight.

DEV ANAND — We will not go back until the rota is fair, and that is all we ask.

SILVA — The operator says the rota was agreed with the union two years ago.

RUTH KEMP — It was agreed for a summer timetable, not for the whole year round.

SILVA — Commuters, meanwhile, are sleeping in their offices on the far shore.

OWEN PRICE — I have not seen my children since Monday, and I live four miles away.

SILVA — Talks resume tomorrow morning at the harbour master's office.
"""


def test_an_anchor_between_voices_heard_once_is_a_dialogue() -> None:
    """One name comes back between others, each heard once; the anchor's first label is
    written the usual way ("NAME, HOST:"): the dashes are the page's labels."""
    result = importer.import_transcript(NEWS, "harbour.txt", today=dt.date(2000, 1, 1))
    paragraphs = result.transcript.paragraphs
    assert all("—" not in p.text for p in paragraphs)
    voices = [p.person.name if p.person else "host" for p in paragraphs]
    assert voices[1::2] == ["Dev Anand", "Ruth Kemp", "Owen Price"]
    assert len(set(voices[0::2])) == 1


ACCENTED = [
    ("Chloé Dubois", "Good evening and welcome, tonight we talk about the old canal."),
    ("Łukasz Nowak", "Thank you for having me, it is a pleasure to be here tonight."),
    ("Chloé Dubois", "How did the canal change over the last ten years in your town?"),
    ("Łukasz Nowak", "It silted up every summer, and the barges stopped coming."),
    ("Chloé Dubois", "And the boats that used to come up from the coast each year?"),
    ("Łukasz Nowak", "They come no more, and the boatyard closed two winters ago."),
]


@pytest.mark.parametrize("form", ["{n}: {t}", "{N}: {t}", "{n} — {t}", "{N}\n{t}", "[{n}] {t}"])
def test_names_with_accents_are_labels_and_keep_their_spelling(form: str) -> None:
    """ "Chloé", "ŁUKASZ": a letter with a diacritic is a letter of a name (the label
    patterns read A-Z, the page is read with its letters folded), spelt as on the page."""
    turns = [form.format(n=n, N=n.upper(), t=t) for n, t in ACCENTED]
    text = "Canals\n\nMarch 3, 2024\n\n" + "\n\n".join(turns) + "\n"
    result = importer.import_transcript(text, "canal.txt", today=dt.date(2000, 1, 1))
    paragraphs = result.transcript.paragraphs
    assert [p.text for p in paragraphs] == [t for _, t in ACCENTED]
    assert {p.person.name for p in paragraphs if p.person} == {"Łukasz Nowak"}
    assert "Chloé Dubois (the host)" in result.yaml


@pytest.mark.parametrize("form", ["{N}: {t}", "{N} — {t}", "{N}\n{t}", "{n}: {t}"])
def test_a_sharp_s_in_a_name_in_capitals_is_a_letter_of_the_label(form: str) -> None:
    """ "GROßMANN" (ß has no capital of its own): a label in capitals, spelt as written."""
    names = {"Chloé Dubois": ("Jana Großmann", "JANA GROßMANN")}  # (str.upper writes "SS")
    spelt = [names.get(n, (n, n.upper())) for n, _ in ACCENTED]
    turns = [
        form.format(n=n, N=caps, t=t) for (n, caps), (_, t) in zip(spelt, ACCENTED, strict=True)
    ]
    text = "Canals\n\nMarch 3, 2024\n\n" + "\n\n".join(turns) + "\n"
    result = importer.import_transcript(text, "canal.txt", today=dt.date(2000, 1, 1))
    assert [p.text for p in result.transcript.paragraphs] == [t for _, t in ACCENTED]
    assert "Jana Großmann (the host)" in result.yaml
    assert "SS" not in result.yaml


def test_the_text_below_a_transcript_heading_is_spoken_on_a_page_of_labels() -> None:
    """A "Video transcript" heading says where the programme starts, even where the labels
    of its clips ("SIR JOHN KEMP" alone above his words) make it a page of labels."""
    text = (
        "From the Editor\n\nThe series editor looks back on a year of science films.\n\n"
        "Video transcript\n\n"
        "For something that has been on air this long, it always has to change and grow.\n\n"
        "We tried a drama this year, with actors playing the scientists themselves.\n\n"
        "SIR JOHN KEMP\nCan someone tell me what the two of them are up to downstairs?\n\n"
        "ANNA REYES\nThey're building a model of the molecule out of wire and card.\n\n"
        "SIR JOHN KEMP\nI don't like it, they should be getting on with their own work.\n\n"
        "ANNA REYES\nIt's one of their hunches, and the hunches are usually right.\n\n"
        "That scene was the one people wrote to us about most, by a long way.\n"
    )
    result = importer.import_transcript(text, "editor.txt", today=dt.date(2000, 1, 1))
    spoken = [p.text for p in result.transcript.paragraphs if p.spoken]
    assert spoken[0].startswith("For something that has been on air")
    assert not any("SIR JOHN KEMP" in t or "ANNA REYES" in t for t in spoken)


@pytest.mark.parametrize(
    ("first", "second", "guest"),
    [
        # as a recogniser writes them; "Sami Okafor, thank you ..." before it names speaker 2
        ("speaker 1: {t}", "speaker 2: {t}", "Sami Okafor"),
        ("Host (Lena Morgan): {t}", "Guest (Sami Okafor): {t}", "Sami Okafor"),
        ("HOST (LENA MORGAN): {t}", "GUEST (SAMI OKAFOR): {t}", "Sami Okafor"),
    ],
)
def test_numbered_voices_in_lower_case_and_a_role_before_the_name(
    first: str, second: str, guest: str
) -> None:
    turns = [(first if i % 2 == 0 else second).format(t=t) for i, (_, t) in enumerate(TURNS)]
    text = "Canals in Trouble\n\nMarch 3, 2024\n\n" + "\n\n".join(turns) + "\n"
    result = importer.import_transcript(text, "canal.txt", today=dt.date(2000, 1, 1))
    paragraphs = result.transcript.paragraphs
    assert [p.text for p in paragraphs] == [t for _, t in TURNS]
    assert {p.person.name for p in paragraphs[1::2] if p.person} == {guest}


@pytest.mark.parametrize(
    "form",
    ["{j}. {n}: {t}", "{j}) {N}: {t}", "{j}. {n} — {t}", "{n} · 00:0{j}:12\n{t}"],
)
def test_turns_numbered_as_rows_or_stamped_after_a_dot(form: str) -> None:
    """ "1. Jane Doe: ...": a row number before each label goes when the numbers rise;
    "Jane Doe · 00:01:12" above the words is a label and a stamp."""
    turns = [form.format(j=i + 1, n=n, N=n.upper(), t=t) for i, (n, t) in enumerate(TURNS)]
    text = "Canals in Trouble\n\nMarch 3, 2024\n\n" + "\n\n".join(turns) + "\n"
    result = importer.import_transcript(text, "canal.txt", today=dt.date(2000, 1, 1))
    paragraphs = result.transcript.paragraphs
    assert [p.text for p in paragraphs] == [t for _, t in TURNS]
    assert {p.person.name for p in paragraphs[1::2] if p.person} == {"Sami Okafor"}


def test_a_numbered_list_of_points_keeps_its_numbers() -> None:
    text = "Plan\n\n1. Share the water\n2. Measure it every month\n3. Report\n4. Repeat\n"
    assert with_page_label_syntax(text, importer.default_words()) == text


def test_capitals_straight_before_the_words_an_anchor_between_voices_heard_once() -> None:
    """The weakest shape (no punctuation at all): one full name coming back between voices
    heard once is enough."""
    lines = [line for line in NEWS.splitlines() if " — " in line]
    turns = ["MARTA SILVA Good evening. The ferry strike enters its third day tonight."]
    turns += [line.replace("SILVA — ", "MARTA SILVA ").replace(" — ", " ") for line in lines]
    text = "Harbour Week\n\n" + "\n\n".join(turns) + "\n"
    result = importer.import_transcript(text, "harbour.txt", today=dt.date(2000, 1, 1))
    paragraphs = result.transcript.paragraphs
    assert not any(p.text.startswith(("MARTA", "DEV", "RUTH", "OWEN")) for p in paragraphs)
    voices = [p.person.name if p.person else "host" for p in paragraphs]
    assert voices[1::2] == ["Dev Anand", "Ruth Kemp", "Owen Price"]
    assert len(set(voices[0::2])) == 1
