"""Who holds the programme, settled from the whole page (importer/roles.py): each pass on an
invented page, and the same page without the evidence the pass needs."""

from __future__ import annotations

import datetime as dt

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
