"""`kit import`: who is the host, who is a guest and who else speaks, decided from evidence
read on the page (issue 24, round 7). Invented pages; the golden cases in data/import/
(announcer-opens, welcome-your-host, host-welcomes-guest, caption-stage-handover,
played-clips, caption-video-playback, quoted-soundbites, moderator-hands-over,
run-in-label-host-word) check every part of a whole page."""

from __future__ import annotations

import pytest

from broadcast_kit import importer

from .conftest import import_page


def speakers(result: importer.Imported) -> list[tuple[str, str]]:
    """(kind, who) of every spoken paragraph: the host as "host", else the person's name or
    a voxpop's description."""
    rows = []
    for para in result.transcript.paragraphs:
        if para.spoken:
            who = para.person.name if para.person else para.description or "host"
            rows.append((para.kind, who))
    return rows


@pytest.mark.parametrize(
    "handover",
    [
        "Please welcome your host, Nadia Okafor!",
        "Ladies and gentlemen, let's have a big welcome for Nadia Okafor!",
        "And now, here's your host, Nadia Okafor!",
        "Please give a warm welcome to Nadia Okafor.",
        "Put your hands together for Nadia Okafor!",
        "Would you please welcome the one and only Nadia Okafor!",
    ],
)
def test_an_opening_that_hands_over_by_name_is_an_announcers(handover: str) -> None:
    page = (
        "Title: Saturday Songbook\nDate: 2023-04-01\n\n"
        f"Live from the Harbour Hall, it's Saturday Songbook! {handover}\n\n"
        "Thank you, thank you. What a crowd we have tonight.\n\n"
        "Our first song was written on a ferry, and it sounds like one.\n"
    )
    assert speakers(import_page(page)) == [
        ("host", "Announcer"),
        ("host", "host"),
        ("host", "host"),
    ]


@pytest.mark.parametrize(
    "handover",
    [
        "Please welcome my guest, Nadia Okafor!",  # billed as a guest
        "I am so glad to say it: please welcome Nadia Okafor!",  # the host speaking
    ],
)
def test_a_host_welcoming_a_guest_is_no_announcer(handover: str) -> None:
    page = (
        "Title: Saturday Songbook\nDate: 2023-04-01\n\n"
        f"Good evening. {handover}\n\n"
        "Thank you for having me. I wrote my first song on a ferry.\n"
    )
    rows = speakers(import_page(page))
    assert rows[0] == ("host", "host")
    assert rows[1] == ("interview", "Nadia Okafor")


def test_it_is_name_with_an_exclamation_presents_someone_it_is_no_self_introduction() -> None:
    page = (
        "Title: Quiz Hour\nDate: 2023-04-01\n\n"
        "On the red team tonight, it's Bram Visser! On the blue team, it's Eva Lindgren!\n\n"
        "Our first question is about lighthouses.\n"
    )
    result = import_page(page)
    assert result.transcript.people.host is None
    assert speakers(result) == [("host", "host"), ("host", "host")]


def test_a_clip_marked_on_its_own_lines_speaks_with_its_own_voice() -> None:
    page = (
        "Title: Market Report\nDate: 2023-04-01\n\n"
        "ANNA BERG, HOST: Prices rose again this week. Here is what traders said.\n\n"
        "[VIDEO CLIP]\n\n"
        "Nobody buys the small apples any more.\n\n"
        "[END CLIP]\n\n"
        "So the small apples go to the juice press.\n"
    )
    rows = speakers(import_page(page))
    assert rows == [("host", "host"), ("voxpop", "Clip"), ("host", "host")]


def test_a_numbered_caller_heard_twice_is_one_voice_and_a_bare_caller_label_is_not() -> None:
    """'Caller 2' coming back is the same caller (one voice); 'CALLER:' twice may be two."""
    numbered = import_page(
        "HOST: Lines are open. First caller, go ahead.\n\n"
        "CALLER 2: I have lived by the quay all my life and I love the light.\n\n"
        "CALLER 7: The fish market on a Saturday is what I would miss most.\n\n"
        "CALLER 2: And the ferry, which I take even when I do not need to go anywhere.\n\n"
        "HOST: Thank you both for calling in tonight.\n"
    )
    voices = [p.voice for p in numbered.transcript.paragraphs if p.kind == "voxpop"]
    assert len(voices) == 3 and voices[0] == voices[2] != voices[1], voices
    bare = import_page(
        "HOST: Lines are open. First caller, go ahead.\n\n"
        "CALLER: I have lived by the quay all my life and I love the light.\n\n"
        "CALLER: The fish market on a Saturday is what I would miss most.\n\n"
        "HOST: Thank you both for calling in tonight.\n"
    )
    voices = [p.voice for p in bare.transcript.paragraphs if p.kind == "voxpop"]
    assert len(voices) == 2 and voices[0] != voices[1], voices
