"""`kit import` picks the episode's title from the page's head (issue 24, round 4): the
headline among the site's lines (menus, cut link text, page counters, repository blurbs,
bylines as fields, letterheads, rows of facts), cleaned of what the site adds around it (a
file's code, "- full transcript", "Read online", the series and episode number), an episode
named by its date, and the date line when the page has nothing else; unsure titles say
`check:`, and a page with no title line keeps the file's name, marked `check:` too.

Every page here is invented; the golden cases (tests/data/import) hold one whole page for
each mechanism.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

from broadcast_kit import importer
from tests.conftest import IMPORT_TURNS, import_page

TURNS = IMPORT_TURNS
run = import_page


def title_line(result: importer.Imported) -> str:
    found = re.search(r"^title: .*$", result.yaml, re.M)
    assert found is not None
    return found.group(0)


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # a document viewer's page counter, in any language
        ("Você está na página 1 de 12\n\nHarbour Board Briefing", "Harbour Board Briefing"),
        ("Page 1 of 12\n\nTRANSCRIPT\n\nHARBOUR BOARD MEETING\n\nMarch 3, 2020",
         "HARBOUR BOARD MEETING"),
        # a repository's page: its name, its blurb (a sentence), "on GitHub"; "Q & A" is words
        ("tide-notes\n\nA tool that turns the board's captions into readable transcripts for"
         " everyone\n\nView the Project on GitHub ann/tide-notes\n\nQ & A", "Q & A"),
        # ...but a headline in sentence case is a headline
        ("Tide Talk\n\nHow one town saved its old mill from the river",
         "How one town saved its old mill from the river"),
        # a role given as a field is a byline; "Transcript needs checking" is its status
        ("Instructor: Prof. Ann Lee\n\nRecitation 2", "Recitation 2"),
        ("Transcript Needs checking\n\nThe Sluice Gate Puzzle", "The Sluice Gate Puzzle"),
        # links whose words the page lost ("View our"), a menu's "Browse by", "Subscribe to"
        ("Browse by Sport\n\nCoast Sports RSS Subscribe to RSS\n\nCoast Sports Media Kit View"
         " our\n\nThe Regatta Press Conference", "The Regatta Press Conference"),
        # a press office's furniture; a line naming what is transcribed beats an office's name
        ("For Immediate Release\n\nOffice of the Harbour Master\n\nRemarks by Harbour Master"
         " Ann Lee at the Quay Opening", "Remarks by Harbour Master Ann Lee at the Quay Opening"),
        # a site's motto is not the headline that its dateline sits under
        ("Menu\n\nSearch\n\nTide Talk — conversations about the sea\n\nThe Mill Turns Again\n\n"
         "March 3, 2020", "The Mill Turns Again"),
        ("Tide Talk with Ann\n\nThe Mill Turns Again\n\nMarch 3, 2020", "The Mill Turns Again"),
        ("The Mill Turns Again\n\nThe Rev. Dr. Ann Lee\n\nMarch 3, 2020", "The Mill Turns Again"),
        # an author's name (and the site's lines) between the headline and its date
        ("The Mill Turns Again\n\nHow a small town saved the mill that its grandparents built"
         " a century ago\n\nAnn Lee\n\nMar 3, 2020\n\nShare", "The Mill Turns Again"),
        ("March 3, 2020: Address on the Harbour\n\nAbout this speech\n\nAnn Lee\n\n"
         "March 03, 2020", "March 3, 2020: Address on the Harbour"),
        # a printed title block: a line after "BEFORE THE" goes on, capitals are no author
        ("THE MILL TURNS AGAIN\n\nHEARING\n\nBEFORE THE\n\nCOMMITTEE ON HARBOURS\n\nFIRST"
         " SESSION\n\nMARCH 3, 2020\n\nSerial No. 116-12", "THE MILL TURNS AGAIN"),
        # a programme's name with its byline, a blog's author, "Follow", a reading time
        ("The Mill Turns Again\n\nAM / By Ann Lee\n\nPosted Tue 3 Mar 2020 at 6:08am",
         "The Mill Turns Again"),
        ("The Mill Turns Again\n\nAnn Lee\n\nFollow\n\n5 min read\n\n·\n\nMar 3, 2020",
         "The Mill Turns Again"),
        # an episode's number written "#42"
        ("Tide Talk\n\n#42: The Mill Turns Again", "#42: The Mill Turns Again"),
        # a podcast platform's page title: the platform and the show go
        ("The Mill Turns Again – Tide Talk – Podcast on Spotify", "The Mill Turns Again"),
        ("The Mill Turns Again - Tide Talk (podcast) | Listen Notes", "The Mill Turns Again"),
        # a site's address after the headline; "- Transcript" before the site's name
        ("Tide Talk - The Mill Turns Again - tidescripts.co", "Tide Talk - The Mill Turns Again"),
        ("The Mill Turns Again - Transcript | Tide Scribe", "The Mill Turns Again"),
        # a show named after a person
        ("Tide Talk with Ann Lee\n\nEpisode 42: The Mill Turns Again",
         "Episode 42: The Mill Turns Again"),
        # a row of facts or tags
        ("Episode 123 · March 3, 2020 · 45 min\n\nThe Mill Turns Again", "The Mill Turns Again"),
        ("Politics • Harbour\n\nThe Mill Turns Again", "The Mill Turns Again"),
        # a letterhead: the office's name above its street, postcode and telephone
        ("COAST HARBOUR AUTHORITY\n\n12 Quay Street\n\nPort Ellis, ME 04101\n\n(207) 555-0142\n\n"
         "HARBOUR BOARD BRIEFING", "HARBOUR BOARD BRIEFING"),
        # a markdown heading, its marks gone
        ("# The Mill Turns Again", "The Mill Turns Again"),
        ("## Episode 12: The Mill Turns Again\n\n*Posted March 3, 2020*",
         "Episode 12: The Mill Turns Again"),
        # what a site adds around the headline
        ("Tide Country (2021–…): Season 1, Episode 3 - The Sluice Gate - full transcript",
         "The Sluice Gate"),
        ("Radio Plays Read online\n\nPARTWAY UP THE MAST", "Radio Plays"),
        ("The Mill Turns Again | Listen now", "The Mill Turns Again"),
        # ...but not a headline's own words
        ("Coast Radio\n\n100 Days on the Road", "100 Days on the Road"),
        ("Coast Radio\n\nScaling Search at Facebook with Ann Lee",
         "Scaling Search at Facebook with Ann Lee"),
        ("Coast Radio\n\nBooks You Should Read Now", "Books You Should Read Now"),
        ("The Mill Interview: Full Transcript", "The Mill Interview: Full Transcript"),
        ("Harbour Briefing 4/10/23 Transcript", "Harbour Briefing 4/10/23 Transcript"),
        # a section's name above the fuller headline that starts with it
        ("Press Briefing\n\nPress Briefing of Harbour Spokesperson Ann Lee\n\nEvent Press Briefing",
         "Press Briefing of Harbour Spokesperson Ann Lee"),
        # a bracket the page's link text left open and cut
        ("Coast Radio News 2030-01-14 (Listen onl", "Coast Radio News 2030-01-14"),
        # a script site's words after the episode's code
        ("Harbour Quiz (2031) s03e07 Episode Script", "Harbour Quiz (2031) s03e07"),
    ],
)  # fmt: skip
def test_the_title_is_the_headline_among_the_sites_lines(head: str, title: str) -> None:
    assert run(head + TURNS).transcript.title == title


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # a file's code glued to the programme's name, which the host names ("Welcome to")
        ("3.24.2020\n\nTIDE0324_Tide Talk Tonight\n\n24 March 2020\n\nThe Mill Turns Again After"
         " a Hundred Years", "The Mill Turns Again After a Hundred Years"),
        # the episode's number alone above its date: the episode is named by its date
        ("Late Tide With Ann Lee\n\nSeason 2 Episode 7\n\nMarch 3, 2020\n\nAired Tuesday 9:00 PM"
         " Mar 3, 2020", "March 3, 2020"),
        # ...not a title that ends in its number
        ("The Signal Box, Episode 3\n\nOctober 1, 2020", "The Signal Box, Episode 3"),
    ],
)  # fmt: skip
def test_dates_and_numbers_around_the_headline(head: str, title: str) -> None:
    page = head + TURNS.replace("Good evening and welcome", "Welcome to TIDE TALK TONIGHT")
    assert run(page).transcript.title == title


def test_the_programmes_line_is_not_its_date_again() -> None:
    result = run("Season 2 Episode 7\n\nMarch 3, 2020\n\nAired Tuesday 9:00 PM Mar 3, 2020" + TURNS)
    assert result.transcript.programme is None
    named = run("The Mill Turns Again\n\nMarch 3, 2020\n\nTide Talk" + TURNS).transcript
    assert (named.title, named.programme) == ("The Mill Turns Again", "Tide Talk")


def test_a_date_line_alone_titles_the_page_marked_check() -> None:
    result = run(
        "MARCH 4, 2020 (COAST TV)\n\nAnn Lee: Welcome, Joe. What keeps you sailing?\n\n"
        "Joe Roe: The quiet. Out past the point you hear nothing but the water.\n"
    )
    assert result.transcript.title == "MARCH 4, 2020 (COAST TV)"
    assert result.transcript.date == dt.date(2020, 3, 4)
    assert (
        title_line(result)
        == 'title: "MARCH 4, 2020 (COAST TV)"  # check: guessed from the page header'
    )


@pytest.mark.parametrize(
    "head",
    [
        "Category\n\n🎥\n\nShort filmTranscript",  # a field's value below its name
        "- 4 hours ago\n\nCategory\n\nShort film",
        "12 Quay Street\n\nPort Ellis, ME 04101",  # an address
    ],
)
def test_no_headline_keeps_the_files_name_marked_check(head: str) -> None:
    result = run(head + TURNS, "late-show-clip.txt")
    assert result.transcript.title is None
    assert (
        title_line(result)
        == 'title: "late-show-clip"  # check: no title found; this is the file name'
    )


def test_a_headline_after_the_sites_lines_is_sure_and_a_lone_name_is_checked() -> None:
    sure = run("home jobs contact us\n\nBrowse by Sport\n\nThe Regatta Press Conference" + TURNS)
    assert title_line(sure) == 'title: "The Regatta Press Conference"'
    name = run("Browse by Sport\n\nCoast Sports Media Kit View our\n\nMarch 4, 2020\n\nNora Vale"
               + TURNS)  # fmt: skip
    assert name.transcript.title == "Nora Vale"
    assert "# check:" in title_line(name)


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("Late Tide With Ann Lee\n\nThe Mill Turns Again", "The Mill Turns Again"),
        ("An Interview with Ann Lee", "An Interview with Ann Lee"),  # the event, not the show
        ("The Mill Turns Again\n\nLate Tide With Ann Lee", "The Mill Turns Again"),
    ],
)
def test_a_show_named_after_its_labelled_host_is_not_the_episodes_title(
    head: str, title: str
) -> None:
    page = (
        head + "\n\nANN LEE: Good evening, and welcome.\n\nJOE ROE: Hello, it is good to be here.\n"
    )
    assert run(page).transcript.title == title


def test_a_notice_naming_the_programme_and_date_titles_a_page_without_a_header() -> None:
    result = run(
        'This is a rush transcript from "Harbour Sunday" March 8, 2020. This copy may be'
        " updated." + TURNS
    )
    assert result.transcript.title == "Harbour Sunday, March 8, 2020"
    assert result.transcript.date == dt.date(2020, 3, 8)
    assert "# check:" in title_line(result)
    assert "rush transcript" not in " ".join(p.text for p in result.transcript.paragraphs)


def test_a_chapter_heading_naming_an_interview_is_not_preferred() -> None:
    """ "Ann Lee's Interview", one of a list of interviews, names no event of the page's own
    ("Interview with Ann Lee" would)."""
    page = "Coast Voices\n\nThe Race for the Harbour\n\nAnn Lee's Interview" + TURNS
    assert run(page).transcript.title != "Ann Lee's Interview"
    page = "Coast Voices\n\nThe Race for the Harbour\n\nAn Interview with Ann Lee" + TURNS
    assert run(page).transcript.title == "An Interview with Ann Lee"


def test_a_page_that_names_itself_a_transcript_beats_a_name_printed_twice() -> None:
    """ "Transcript for Episode 2: ..." at the top names the page, though a voice's name
    printed alone above its words twice looks more like a repeated headline."""
    page = (
        "Transcript for Episode 2: The Sluice Gate\n\nNotes at the end.\n\n"
        "Woman Passerby 1\nWhat I like is the river at night.\n\n"
        "Is it safe, though?\n\nWoman Passerby 1\nMostly. The lamps are new.\n"
    )
    assert run(page).transcript.title == "Transcript for Episode 2: The Sluice Gate"


@pytest.mark.parametrize(
    ("page", "title"),
    [
        # a markdown level used twice names sections: no title among them, the file's name
        ("# OPENING\n\nthank the volunteers, check the microphone\n\n# THE TIDE TABLES\n\n"
         "## Why they matter" + TURNS + "\n## Who reads the gauge\n\nHOST: Ann does.\n", None),
        # ...one heading at its level is the document's own
        ("# Tide Talk Notes\n\n## Why they matter" + TURNS + "\n## Who reads the gauge\n\n"
         "HOST: Ann does.\n", "Tide Talk Notes"),
    ],
)  # fmt: skip
def test_markdown_sections_are_not_the_title(page: str, title: str | None) -> None:
    result = run(page, "notes.md")
    assert result.transcript.title == title
    if title is None:
        assert title_line(result).endswith("# check: no title found; this is the file name")
    assert all("#" not in p.text for p in result.transcript.paragraphs)


def test_the_headline_printed_again_with_the_sites_crumbs_is_no_link_card() -> None:
    page = (
        "Apr 11, 2023\n\nHarbour Board Briefing 4/10/23 Transcript\n\n"
        "Harbour Board Briefing 4/10/23 Transcript\n"
        "CoastScribeBlogHarbour Board Briefing 4/10/23 Transcript" + TURNS
    )
    assert run(page).transcript.title == "Harbour Board Briefing 4/10/23 Transcript"


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # a blog's archive page above the post: the post's hashtag headline is the title
        ("Category Archives: TideTalk\n\n#TideTalk: Ann Lee on the Mill",
         "#TideTalk: Ann Lee on the Mill"),
        ("Tag Archives: harbour\n\nThe Mill Turns Again", "The Mill Turns Again"),
        # the show's name printed twice before the episode's own words: both go
        ("Harbour Notes: Harbour Notes - The Mill Turns Again", "The Mill Turns Again"),
        ("Tide Talk | Tide Talk: Episode 4", "Episode 4"),
        # ...a name said twice inside the title is the title's own
        ("Talk: Talk of the Town", "Talk: Talk of the Town"),
    ],
)  # fmt: skip
def test_archive_lines_hashtags_and_a_repeated_show_name(head: str, title: str) -> None:
    assert run(head + TURNS).transcript.title == title


def test_a_numbered_part_heading_is_not_the_title() -> None:
    """ "Caller 8" / ... / "Caller 2" / "Caller 7": lines numbered in a series head the
    page's parts; the first of them is no title (the file's name is, marked check:)."""
    page = "".join(
        f"Caller {n}\n\nWhat I like about the harbour is the light on the water, {n} times.\n\n"
        for n in (8, 2, 7)
    )
    result = run(page, "harbour-callers.txt")
    assert result.transcript.title is None
    assert title_line(result).startswith('title: "harbour-callers"  # check: no title found')


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # a newsletter's post: headline, standfirst, author, date (the standfirst is no title)
        ("Tide Notes\n\nSubscribe\n\nSign in\n\nThe Mill Turns Again\n\nA conversation with Ann"
         " Lee about the town that saved its mill\n\nAnn Lee\n\nMar 3, 2020\n\nShare",
         "The Mill Turns Again"),
        # a menu of three words; the byline below the headline was set aside as furniture
        ("COAST RADIO\n\nNEWS | SPORT | WEATHER\n\nThe Mill Turns Again\n\nBy Ann Lee | 3 March"
         " 2020", "The Mill Turns Again"),
        # a podcast platform's title: the platform and the show go
        ("The Mill Turns Again - Tide Talk - Apple Podcasts", "The Mill Turns Again"),
        # the site's name before a dash goes; a programme named with its date stays
        ("Coast Radio — The Mill Turns Again", "The Mill Turns Again"),
        ("Meet the Harbour Press - March 3, 2020", "Meet the Harbour Press - March 3, 2020"),
    ],
)  # fmt: skip
def test_newsletter_menu_platform_and_site_name_first(head: str, title: str) -> None:
    assert run(head + TURNS).transcript.title == title


def test_a_sentence_naming_the_transcript_after_the_date_gives_the_title() -> None:
    """ "date 2030-01-14 The full transcription of X's interview to Y.": the words after the
    date name the page; a line of several sentences (a question and its lead) is no title."""
    page = (
        "date 2030-01-14 The full transcription of Harbour Master Ann Lee's interview to Coast"
        " Radio.\n\n2029 was not a good year for the quay, floods twice. Are you confident the"
        " mill will open?" + TURNS
    )
    result = run(page)
    assert result.transcript.title == "Harbour Master Ann Lee's interview to Coast Radio"
    assert "# check: guessed from the page header" in title_line(result)


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # an outlet's name above the headline: the transcript speaks none of its words
        ("Riverbend Voices\n\nThe Programme Tonight", "The Programme Tonight"),
        ("Skip to content\n\nThe Lantern Almanac\n\nGood to Be Here", "Good to Be Here"),
        # ...a section's name too
        ("Arts & Culture\n\nThe Programme Tonight", "The Programme Tonight"),
    ],
)  # fmt: skip
def test_a_name_whose_words_the_transcript_never_speaks_is_the_sites(head: str, title: str) -> None:
    assert run(head + TURNS).transcript.title == title


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # the date above the headline, a line the transcript never speaks of above the date
        ("Monitor Your Servers Today\n\nMarch 3, 2020\n\nJoe Roe on the Programme Tonight",
         "Joe Roe on the Programme Tonight"),
        # ...the headline above the date stays the title when the transcript speaks of it
        ("The Programme Tonight\n\nMarch 3, 2020\n\nGood to Be Here With Joe Roe",
         "The Programme Tonight"),
    ],
)  # fmt: skip
def test_the_date_belongs_to_the_line_that_speaks_of_the_transcript(head: str, title: str) -> None:
    assert run(head + TURNS).transcript.title == title


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # a name after a dash or bar that the page uses nowhere else: the outlet's
        ("The Programme Tonight - Riverbend Voices", "The Programme Tonight"),
        ("The Programme Tonight | The Lantern", "The Programme Tonight"),
        ("The Programme Tonight - KQED 88.5 FM", "The Programme Tonight"),  # a station's
        # ...even when the headline ends in a word such as Radio
        ("Good to Be on the Radio | The Lantern", "Good to Be on the Radio"),
        # ...not a subtitle after a colon, nor a tail whose words the transcript speaks
        ("The Programme: Full Story", "The Programme: Full Story"),
        ("The Lantern - Good Evening", "The Lantern - Good Evening"),
    ],
)  # fmt: skip
def test_a_name_after_the_headline_that_the_page_never_uses_is_the_outlets(
    head: str, title: str
) -> None:
    assert run(head + TURNS).transcript.title == title


def test_a_possessive_line_above_the_date_is_the_headline_not_its_authors_name() -> None:
    """ "Joe Roe's Last Programme" between a name and the date: a line of capitalised words
    with a possessive names something of a person's, not the person (no author's line)."""
    page = "Riverbend Almanac\n\nJoe Roe's Last Programme\n\nMarch 3, 2020" + TURNS
    assert run(page).transcript.title == "Joe Roe's Last Programme"


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # a list under its heading: items of one shape (capitals, a comma), never the title
        ("March 3, 2020\n\nPanel:\n\nANN LEE, COAST RADIO\n\nMEI CHEN, HARBOUR GAZETTE",
         "March 3, 2020"),
        ("The Programme Tonight\n\nGuests:\n\nAnn Lee, historian\n\nMei Chen, harbour master",
         "The Programme Tonight"),
    ],
)  # fmt: skip
def test_lines_listed_under_a_heading_are_not_the_title(head: str, title: str) -> None:
    assert run(head + TURNS).transcript.title == title
