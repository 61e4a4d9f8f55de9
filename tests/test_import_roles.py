"""Who holds the programme, settled from the whole page (importer/roles.py): each pass on an
invented page, and the same page without the evidence the pass needs."""

from __future__ import annotations

import datetime as dt
import re

from broadcast_kit import importer

QA = """\
1/ How do you rate your chances on Saturday?

We respect them a lot. They beat us twice this season, and we have learned from both games.

2/ Is the captain fit to start?

She trained fully this morning. We will decide tomorrow, but I am confident she will play.

What would winning the cup mean for the town?

Everything. People here have waited a long time for a day like this one.
"""


def kinds(text: str) -> list[tuple[str, str | None]]:
    result = importer.import_transcript(text, "page.txt", today=dt.date(2000, 1, 1))
    return [
        (p.kind, p.person.name if p.person else None)
        for p in result.transcript.paragraphs
        if p.spoken
    ]


def test_bare_questions_at_a_press_event_are_the_journalists() -> None:
    got = kinds("What Coach Ilse Varga told the media before the final\n\n" + QA)
    assert got == [("interview", "Journalist"), ("host", None)] * 3


def test_bare_questions_elsewhere_are_left_to_attribution() -> None:
    got = kinds("A morning at the Northgate ground with Coach Ilse Varga\n\n" + QA)
    assert ("interview", "Journalist") not in got


CHAT = """\
Priya:

Okay, we're recording. Did you both read the new timetable?

Tomas:

I read half of it. The half with the morning sailings.

Wen:

I didn't read it at all, to be honest.

Priya:

That's the problem, nobody reads it. The last sailing moved to half past nine.

Tomas:

Wait, half past nine? It used to be ten.

Wen:

It was ten for as long as I can remember.

Priya:

Well, it's not. And the café on deck two closes at eight now.

Tomas:

That's the real scandal, if you ask me.

Wen:

Agreed. Next week, paper tickets.
"""


def test_a_named_voice_talking_with_the_host_as_an_equal_is_a_co_host() -> None:
    got = kinds("Ferry Talk, Episode 41\n\n" + CHAT)
    assert {kind for kind, _ in got} == {"host"}
    assert ("host", "Tomas") in got and ("host", "Wen") in got


def test_two_voices_alone_are_an_interview() -> None:
    two = re.sub(r"Wen:\n\n.*\n\n?", "", CHAT)
    assert "Wen" not in two
    got = kinds("Ferry Talk, Episode 41\n\n" + two)
    assert ("interview", "Tomas") in got


def test_a_welcomed_voice_stays_a_guest() -> None:
    welcomed = CHAT.replace("I read half of it.", "Thanks for having me. I read half of it.")
    got = kinds("Ferry Talk, Episode 41\n\n" + welcomed)
    assert ("interview", "Tomas") in got


def test_a_voice_answering_at_length_stays_a_guest() -> None:
    long = " ".join(["We sailed the old route every winter for years and years."] * 8)
    answers = CHAT.replace("I read half of it.", long).replace("That's the real", long + " The")
    got = kinds("Ferry Talk, Episode 41\n\n" + answers)
    assert ("interview", "Tomas") in got


def test_a_voice_the_host_thanks_by_name_stays_a_guest() -> None:
    thanked = CHAT.replace("Well, it's not.", "Tomas, thank you. Well, it's not.")
    got = kinds("Ferry Talk, Episode 41\n\n" + thanked)
    assert ("interview", "Tomas") in got


def test_a_voice_missing_from_the_hosts_the_page_names_stays_a_guest() -> None:
    billed = "Ferry Talk, with your hosts Priya Nair and Tomas Berg\n\n" + CHAT
    got = kinds(billed)
    assert ("interview", "Wen") in got
