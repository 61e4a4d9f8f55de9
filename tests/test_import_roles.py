"""Who holds the programme, settled from the whole page (importer/roles.py): each pass on an
invented page, and the same page without the evidence the pass needs."""

from __future__ import annotations

import datetime as dt
import re

import pytest

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


_LONG = " ".join(["We sailed the old route every winter for years and years."] * 8)


@pytest.mark.parametrize(
    "page",
    [
        # welcomed: "Thanks for having me."
        CHAT.replace("I read half of it.", "Thanks for having me. I read half of it."),
        # answering at length
        CHAT.replace("I read half of it.", _LONG).replace("That's the real", _LONG + " The"),
        # thanked by name by the host
        CHAT.replace("Well, it's not.", "Tomas, thank you. Well, it's not."),
    ],
    ids=["welcomed", "answers-at-length", "thanked-by-name"],
)
def test_a_voice_shown_as_a_guest_stays_a_guest(page: str) -> None:
    got = kinds("Ferry Talk, Episode 41\n\n" + page)
    assert ("interview", "Tomas") in got


def test_a_voice_missing_from_the_hosts_the_page_names_stays_a_guest() -> None:
    billed = "Ferry Talk, with your hosts Priya Nair and Tomas Berg\n\n" + CHAT
    got = kinds(billed)
    assert ("interview", "Wen") in got


NEWS = """\
Harbour Morning - 14 March 2031

ANA ROSSI: Good morning. It's Friday, and this is Harbour Morning. I'm Ana Rossi.

HANDOVER

TEO MARSH: The harbour rowing club won the coastal cup on Saturday for the first time in
eleven years, beating the favourites from the north shore by a length, and the town turned
out on the quay to meet the crew as they came home with the cup.

ANA ROSSI: FOLLOWUP

TEO MARSH: The regatta is in May, and the club has never finished higher than sixth there.
"""


def test_a_voice_handed_over_to_by_name_reads_its_own_segment() -> None:
    got = kinds(NEWS.replace("HANDOVER", "Now sport with Teo Marsh.").replace("FOLLOWUP", "Go on."))
    assert ("host", "Teo Marsh") in got and ("interview", "Teo Marsh") not in got


def test_a_voice_introduced_as_a_guest_or_answering_stays_a_guest() -> None:
    joining = NEWS.replace("HANDOVER", "Joining us now is Teo Marsh.").replace("FOLLOWUP", "Go on.")
    assert ("interview", "Teo Marsh") in kinds(joining)
    asked = NEWS.replace("HANDOVER", "Now sport with Teo Marsh.")
    asked = asked.replace("FOLLOWUP", "And what comes next for them?")
    assert ("interview", "Teo Marsh") in kinds(asked)


QUIZ = """\
Quiz Harbour

NORA VALE: OPENING

OTTO KRAMM: From Radio Lakeside, this is Quiz Harbour. I'm Otto Kramm. Who's on the line?

LENA BOSCH: Hi, I'm Lena Bosch, calling from the lighthouse on the north point.

OTTO KRAMM: How many steps does your lighthouse have?

LENA BOSCH: Two hundred and twelve, and I count them every single morning.

OTTO KRAMM: Right answer. Thank you, Lena.
"""


def test_an_opening_notice_about_the_programme_is_the_announcers() -> None:
    got = kinds(QUIZ.replace("OPENING", "The following program was recorded before an audience."))
    assert got[0] == ("host", "Nora Vale")
    # a caller who says her name at the top answers the host's questions: a guest
    assert ("interview", "Lena Bosch") in got


def test_an_opening_in_the_first_person_or_a_voice_heard_again_is_no_notice() -> None:
    mine = QUIZ.replace("OPENING", "This program changed my life, and I listen every week.")
    assert kinds(mine)[0] == ("interview", "Nora Vale")
    again = QUIZ.replace("OPENING", "The following program was recorded before an audience.")
    again += "\nNORA VALE: The following program was a repeat.\n"
    assert kinds(again)[0] == ("interview", "Nora Vale")


TABLE = """\
The Tidy Desk

Ana: Welcome to The Tidy Desk, the podcast about paperwork. I'm Ana.

Ben: And I'm Ben. INTRO

Ana: Welcome, Cleo. What do you do first with a box of old papers?

Cleo: I tip it out on the floor and make three piles: keep, shred, and ask.

Ben: Which pile is the biggest?

Cleo: The ask pile, always, and that's where the stories are.

Ben: FOLLOWUP

Cleo: Every family keeps the same three things: letters, receipts and photographs.
"""


def test_a_voice_naming_itself_as_the_programme_opens_is_a_co_host() -> None:
    got = kinds(TABLE.replace("INTRO", "Today we have a guest.").replace("FOLLOWUP", "Go on."))
    assert ("host", "Ben") in got and ("interview", "Ben") not in got
    assert ("interview", "Cleo") in got


def test_a_voice_naming_itself_then_answering_or_thanked_stays_a_guest() -> None:
    interview = """\
The Tidy Desk

Ana: Welcome to The Tidy Desk, the podcast about paperwork. I'm Ana.

Ben: And I'm Ben. INTRO

Ana: What do you do first with a box of old papers?

Ben: I tip it out on the floor and make three piles: keep, shred, and ask.

Ana: CLOSE
"""
    answering = interview.replace("INTRO", "Hello.").replace("CLOSE", "And which is biggest?")
    answering += "\nBen: The ask pile, always.\n"
    assert ("interview", "Ben") in kinds(answering)
    thanked = interview.replace("INTRO", "Hello.").replace("CLOSE", "Ben, thank you.")
    assert ("interview", "Ben") in kinds(thanked)
    had = interview.replace("INTRO", "Thanks for having me.").replace("CLOSE", "Lovely.")
    assert ("interview", "Ben") in kinds(had)


def test_contestants_the_host_presents_are_guests() -> None:
    show = """\
Pick A Port

PAT: Good evening! On my left, it's Maria Ruiz! And on my right, it's Dev Okoro!

MARIA RUIZ: Hello, Pat!

DEV OKORO: Evening, everyone.

PAT: Maria, which port is the busiest in the world?

MARIA RUIZ: I'm going to say Shanghai.

PAT: Shanghai is right! We'll be back after the break.
"""
    got = kinds(show)
    assert ("interview", "Maria Ruiz") in got and ("interview", "Dev Okoro") in got


def test_voices_a_moderator_gives_the_floor_by_name_stay_guests() -> None:
    floor = CHAT.replace("Okay, we're recording.", "Tomas, you first. Wen?")
    got = kinds("Ferry Talk, Episode 41\n\n" + floor)
    assert ("interview", "Tomas") in got and ("interview", "Wen") in got


def test_a_voice_the_host_spoke_with_is_no_programme_voice() -> None:
    spoke = NEWS.replace("HANDOVER", "I spoke earlier with Teo Marsh.").replace(
        "FOLLOWUP", "Go on."
    )
    assert ("interview", "Teo Marsh") in kinds(spoke)
