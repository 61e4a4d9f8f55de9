"""`kit import` on transcripts from any broadcaster: one test per pattern of issue 10, the
show around an imported episode (its music, or a starter show in a new folder) and the word
lists that users extend without editing code. The golden cases (test_import.py) check every
part of each invented transcript; these tests name the behaviour each pattern needs.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from broadcast_kit import cover, importer, loader, model
from broadcast_kit.cli import app
from broadcast_kit.errors import InputError
from broadcast_kit.render import estimate

from .conftest import make_show

DATA = Path(__file__).parent / "data" / "import"
runner = CliRunner()


def run(text: str, **kwargs: object) -> importer.Imported:
    return importer.import_transcript(
        textwrap.dedent(text), "page.txt", engine="fake", today=dt.date(2000, 1, 1), **kwargs
    )  # type: ignore[arg-type]


def who(result: importer.Imported) -> list[tuple[str, str]]:
    """(kind, speaker) of every part: the host, a programme voice's or a person's name, a
    voxpop's description."""
    rows = []
    for para in result.transcript.paragraphs:
        name = para.person.name if para.person else para.description or para.role or ""
        rows.append((para.kind, name if para.kind != "host" or para.person else "host"))
    return rows


def notes_before(result: importer.Imported, start: str) -> list[str]:
    """The comment lines just above the part whose text starts with `start`."""
    lines = result.yaml.split("\n")
    index = next(i for i, line in enumerate(lines) if start in line)
    while not lines[index].startswith("  - "):
        index -= 1
    notes = []
    for line in reversed(lines[:index]):
        if not line.startswith("  #"):
            break
        notes.insert(0, line.strip())
    return notes


# --- 1. explicit labels ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "speakers"),
    [
        (
            "JANE DOE, HOST: Good morning and welcome.\n\nJOHN ROE: Thanks for having me here.\n\n"
            "It is good to be back in the studio.\n\nDOE: And we are glad you are.\n",
            [("host", "host"), ("interview", "John Roe"), ("interview", "John Roe"),
             ("host", "host")],
        ),
        (
            'Mr. JOHN DOE (Author, "Some Book"): It took me ten years to write it.\n\n'
            "TERRY SMITH, host: Ten years is a long time for one book.\n",
            [("interview", "John Doe"), ("host", "host")],
        ),
        (
            "[Anchor Lead]\nThe rain has stopped at last across the whole country.\n[Reporter]\n"
            "Farmers are counting the damage in the fields today.\n"
            '[Soundbite] Kim Min-ji (Farmer) : "We lost half of the crop this year."\n'
            "The government has promised help for the farmers by next month.\n",
            [("host", "host"), ("host", "Reporter"), ("interview", "Kim Min-ji"),
             ("host", "Reporter")],
        ),
        (
            "The market reopened on Monday after the long repairs were finished.\n"
            "Lee Ji-won/ Shop Owner\n"
            '"Business is slowly coming back, and the regulars have returned."\n'
            "The city says more markets will be repaired next year as well.\n",
            [("host", "host"), ("interview", "Lee Ji-won"), ("host", "host")],
        ),
    ],
)  # fmt: skip
def test_1_labels_give_the_words_to_their_speaker_and_are_not_spoken(
    page: str, speakers: list[tuple[str, str]]
) -> None:
    result = run(page)
    assert who(result) == speakers
    spoken = " ".join(p.text for p in result.transcript.paragraphs)
    for label in ("HOST:", "JOHN ROE:", "DOE:", "(Author", "host:", "[Anchor", "[Reporter]",
                  "[Soundbite]", "(Farmer) :", "/ Shop Owner"):  # fmt: skip
        assert label not in spoken
    assert result.transcript.title is None  # a label is never the title


def test_1_a_label_is_evidence_enough_and_says_so() -> None:
    result = run("JANE DOE, HOST: Hello.\n\nJOHN ROE: I have been a fisherman for forty years.\n")
    assert notes_before(result, "I have been a fisherman") == [
        "# John Roe: label “JOHN ROE:” (line 3)"
    ]


# --- 2. non-people are never speakers ---------------------------------------------------------


def test_2_programmes_places_and_the_host_are_not_interviewees() -> None:
    result = run(
        """\
        Morning English Square
        Lesson 3: At the Station
        2020-02-02

        Welcome to Morning English Square. I'm Jenny Park, and today we are at Seoul Station.

        I take the train from here every week. My favourite seat is by the window.

        Our guest is the station master, Oh Dong-min, who has worked here for thirty years.

        I started here when I was twenty. Every morning I still check the first train myself.
        """
    )
    assert who(result) == [
        ("host", "host"), ("host", "host"), ("host", "host"), ("interview", "Oh Dong-min")
    ]  # fmt: skip
    assert result.transcript.people.host is not None
    assert result.transcript.people.host.name == "Jenny Park"
    assert result.transcript.programme == "Morning English Square"
    assert set(result.speakers.values()) == {"Oh Dong-min"}
    assert "# host: Jenny Park (spoken with the show's host voice)" in result.yaml


def test_2_the_person_talked_about_is_not_the_one_who_speaks() -> None:
    result = run((DATA / "composer-hometown.txt").read_text(encoding="utf-8"))
    speaker = [p.person.name for p in result.transcript.paragraphs if p.person]
    assert speaker == ["Kim Ha-eun"]  # not Yun Sang-ho, who died in 1995


# --- 3. quotes attributed after the quote -----------------------------------------------------


def test_3_a_quote_goes_to_the_person_named_before_or_after_it() -> None:
    result = run((DATA / "quotes-after.txt").read_text(encoding="utf-8"))
    quotes = [(p.text.split()[0], p.person.name) for p in result.transcript.paragraphs if p.person]
    assert quotes == [
        ("“People", "Helen Brandt"),  # “...,” she said. (named before)
        ("“It's", "Oliver Kent"),  # “...,” said Oliver Kent, ... (named after)
        ("“But", "Oliver Kent"),  # the quote goes on after the attribution
        ("“The", "Oliver Kent"),  # “...,” he explained.
    ]
    hosts = [p.text for p in result.transcript.paragraphs if p.kind == "host"]
    assert "she said." in hosts and "he explained." in hosts  # the narrator says who said it
    assert "# check: Helen Brandt: quote attributed after it (“she said.”)" in notes_before(
        result, "People have spoken"
    )


# --- 4. every spoken word survives, however the text is broken ------------------------------


def test_4_hard_wrapped_text_keeps_both_halves_of_every_sentence() -> None:
    paragraph = (
        "The ferry left the harbour at dawn with forty passengers on board. Most of them were "
        "farmers taking vegetables to the market on the mainland. Captain Ruth Okafor told us."
    )
    answer = "I have made this crossing every day for twenty years and I still enjoy it."
    page = "Title: Ferry\nDate: 2020-01-01\n\n" + "\n".join(
        textwrap.wrap(paragraph, 70) + textwrap.wrap(answer, 70)
    )
    result = run(page)
    words = " ".join(p.text for p in result.transcript.paragraphs).split()
    assert words == (paragraph + " " + answer).split()
    assert who(result) == [("host", "host"), ("interview", "Ruth Okafor")]


def test_4_a_transcript_on_one_line_is_split_where_the_speaker_changes() -> None:
    result = run((DATA / "one-line-narration.txt").read_text(encoding="utf-8"))
    assert who(result) == [("host", "host"), ("interview", "Jang Min-seo"), ("host", "host")]
    assert notes_before(result, "We were surprised")[0] == (
        "# check: paragraph break guessed (the transcript has no line breaks)"
    )


def test_4_a_cut_off_last_sentence_is_kept_and_flagged() -> None:
    result = run((DATA / "cut-off.txt").read_text(encoding="utf-8"))
    assert result.transcript.paragraphs[-1].text == "The province will decide next year whether to"
    assert "# check: the transcript ends mid-sentence here; was it cut off?" in notes_before(
        result, "The province will decide"
    )
    assert any("ends mid-sentence" in note for note in result.notes)


# --- 5. headers ----------------------------------------------------------------------------


def test_5_the_title_is_never_a_label_and_numbered_titles_are_chapters() -> None:
    tv = run((DATA / "kbs-tv-news.txt").read_text(encoding="utf-8"))
    assert tv.transcript.title == "Record Heat Drives Up Vegetable Prices"
    numbered = run((DATA / "numbered-stories.txt").read_text(encoding="utf-8"))
    assert [s.title for s in numbered.transcript.stories] == [
        "Heat Wave Grips the South",
        "Concert Accidents",
        "Subway Line Nine Extended",
    ]
    assert numbered.transcript.title == "Friday News in Brief"


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("July 25,2013", dt.date(2013, 7, 25)),
        ("2017.08.08", dt.date(2017, 8, 8)),
        ("입력 2017.08.08 (15:02)", dt.date(2017, 8, 8)),
        ("Posted on : 2012.10.05 10:30", dt.date(2012, 10, 5)),
        ("25 July, 2013", dt.date(2013, 7, 25)),
    ],
)
def test_5_date_lines_are_read(line: str, date: dt.date) -> None:
    result = run(f"A Title for the Story\n{line}\n\n" + "This is the first paragraph of it. " * 3)
    assert result.transcript.date == date
    assert f"date: {date.isoformat()}\n" in result.yaml


def test_5_no_readable_date_is_said_never_silently_today() -> None:
    result = run((DATA / "no-date.txt").read_text(encoding="utf-8"))
    assert result.transcript.date is None
    assert "date: 2000-01-01  # check: no date found on the page" in result.yaml
    assert result.notes[0].startswith("no date found on the page")


# --- 6. not spoken, and music cues ------------------------------------------------------------


def test_6_disclaimers_repeated_titles_and_navigation_are_not_spoken() -> None:
    result = run((DATA / "disclaimer-repeated-title.txt").read_text(encoding="utf-8"))
    spoken = [p.text for p in result.transcript.paragraphs]
    assert not [t for t in spoken if "may differ" in t or t in ("Prev", "Next", "List")]
    summary = "Seoul's subway will run until two in the morning on Fridays"
    assert len([t for t in spoken if t.startswith(summary)]) == 1
    assert [s.title for s in result.transcript.stories] == [result.transcript.title]


def music_show(folder: Path, music_dir: Path) -> Path:
    """A show whose one episode plays a theme as intro and outro and a sting."""
    show = make_show(folder)
    for name in ("theme.wav", "sting.wav"):
        shutil.copy(music_dir / name, show / name)
    episode = show / "ep1" / "episode.yaml"
    episode.parent.mkdir()
    episode.write_text(
        textwrap.dedent("""\
        title: First
        date: 2020-01-01
        segments:
          - music: ../theme.wav
            role: intro
          - host: Hello.
          - music: ../sting.wav
            role: sting
          - host: Goodbye.
          - music: ../theme.wav
            role: outro
        """),
        encoding="utf-8",
    )
    return show


def test_6_music_cues_play_the_shows_music_for_their_role(tmp_path: Path, music_dir: Path) -> None:
    show = music_show(tmp_path / "show", music_dir)
    out = show / "songs" / "episode.yaml"
    done = importer.import_file(DATA / "music-cues.txt", out, engine="fake")
    production = loader.load(out)
    music = [(p.role, p.music.name) for p in production.parts if isinstance(p, model.MusicPart)]
    assert music == [
        ("intro", "theme.wav"),  # [MUSIC] before anything is said
        ("sting", "sting.wav"),  # (SOUNDBITE OF MUSIC) between parts
        ("sting", "sting.wav"),
        ("outro", "theme.wav"),  # (MUSIC) after the last words
    ]
    assert '  - music: "../theme.wav"\n    role: intro' in done.imported.yaml
    assert done.show is None  # the show was there: no starter show


def test_6_music_cues_without_show_music_are_checked_pauses(show_dir: Path) -> None:
    out = show_dir / "songs" / "episode.yaml"
    done = importer.import_file(DATA / "music-cues.txt", out, engine="fake")
    rows = estimate.describe_parts(loader.load(out))
    assert [r["kind"] for r in rows] == ["pause", "host", "pause", "host", "pause", "host", "pause"]
    assert done.imported.yaml.count("the show has no") == 4
    assert "# check: label “(SOUNDBITE OF MUSIC)” (line 9): the show has no sting music" in (
        done.imported.yaml
    )


# --- 7. an episode imported into a new folder -------------------------------------------------


def test_7_import_into_a_new_folder_then_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`kit import X -o NEWDIR/episode.yaml` then `kit render NEWDIR/episode.yaml`, in an
    empty folder (the fake engine: the starter show takes the --engine of the import)."""
    monkeypatch.chdir(tmp_path)
    source = DATA / "npr-style-labels.txt"
    imported = runner.invoke(
        app, ["import", str(source), "-o", "new/episode.yaml", "--engine", "fake"]
    )
    assert imported.exit_code == 0, imported.stderr
    assert "wrote a starter show new/show.yaml and a placeholder cover new/cover.png" in (
        imported.stderr
    )
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == [
        "cover.png", "episode.yaml", "show.yaml"
    ]  # fmt: skip
    show = yaml.safe_load((tmp_path / "new" / "show.yaml").read_text(encoding="utf-8"))
    assert show["title"] == "Dawn Report"  # the page's programme
    assert show["author"] == "NPR"  # the page's broadcaster
    assert show["voices"]["host"] == {"engine": "fake", "name": "Margaret Lindqvist"}
    segmented = runner.invoke(app, ["segment", "new/episode.yaml"])
    assert segmented.exit_code == 0, segmented.stderr
    rendered = runner.invoke(app, ["render", "new/episode.yaml"])
    assert rendered.exit_code == 0, rendered.stderr
    report = json.loads((tmp_path / "dist" / "new.json").read_text(encoding="utf-8"))
    assert (tmp_path / "dist" / report["files"]["mp3"]).stat().st_size > 10_000


@pytest.mark.slow
def test_7_import_then_render_with_the_default_piper_voices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exactly as a new user types it: no --engine, so the starter show speaks with Piper."""
    monkeypatch.chdir(tmp_path)
    imported = runner.invoke(
        app, ["import", str(DATA / "slash-role.txt"), "-o", "new/episode.yaml"]
    )
    assert imported.exit_code == 0, imported.stderr
    rendered = runner.invoke(app, ["render", "new/episode.yaml"])
    assert rendered.exit_code == 0, rendered.stderr
    report = json.loads((tmp_path / "dist" / "new.json").read_text(encoding="utf-8"))
    assert (tmp_path / "dist" / report["files"]["mp3"]).stat().st_size > 10_000


def test_7_the_starter_show_takes_the_programme_the_host_names_and_the_number_leaves_the_title(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page with no `Programme:` line whose host opens "This is Valley Voices. I'm ...":
    the starter show is "Valley Voices" (not the episode's title, which `kit render` would
    warn repeats the show's name), and "Episode 14: ..." gives number: 14 and the rest as the
    title (apps show the number), so the render loads without a title warning."""
    monkeypatch.chdir(tmp_path)
    page = tmp_path / "valley.txt"
    page.write_text(
        "Valley Voices | Home | Episodes\n\nEpisode 14: The Last Ferry\n\n"
        "Published 3 November 2026\n\n"
        "RUTH OKONKWO (HOST): This is Valley Voices. I'm Ruth Okonkwo. The ferry stops next"
        " month.\n\nAGNES PIPER: My mother took this boat to the mill every day.\n\n"
        "RUTH OKONKWO (HOST): That's all for this week.\n",
        encoding="utf-8",
    )
    done = runner.invoke(app, ["import", str(page), "-o", "new/episode.yaml", "--engine", "fake"])
    assert done.exit_code == 0, done.stderr
    show = yaml.safe_load((tmp_path / "new" / "show.yaml").read_text(encoding="utf-8"))
    episode = yaml.safe_load((tmp_path / "new" / "episode.yaml").read_text(encoding="utf-8"))
    assert show["title"] == "Valley Voices"
    assert (episode["title"], episode["number"]) == ("The Last Ferry", 14)
    assert loader.load(tmp_path / "new" / "episode.yaml").warnings == []


def test_7_a_welcome_names_the_programme_and_its_station_and_the_host_voice_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Good evening and welcome to Coastal Lives on Harbour Light Radio.": the starter show
    is "Coastal Lives" by "Harbour Light Radio"; the host's voice takes the gender the page
    gives the host, and with none says so with a check: (never a silent guess)."""
    monkeypatch.chdir(tmp_path)
    opening = (
        "TOM FELD: Good evening and welcome to Coastal Lives on Harbour Light Radio. I'm Tom"
        " Feld.\n\nMARA QUILL: Hello, Tom.\n\nFELD: How did you start?\n\n"
        "QUILL: My father kept the light.\n"
    )
    cases: list[tuple[str, str]] = [
        (opening, "{gender: female, accent: us}  # check: the page does not say the host's"),
        (
            opening + "\nFELD: Thank you.\n\nQUILL: Thank you, Mr Feld.\n",
            "{gender: male, accent: us}  # check: male from",
        ),
    ]
    for n, (page, voice) in enumerate(cases):
        source = tmp_path / f"quill{n}.txt"
        source.write_text(page, encoding="utf-8")
        out = f"new{n}/episode.yaml"
        done = runner.invoke(app, ["import", str(source), "-o", out])
        assert done.exit_code == 0, done.stderr
        text = (tmp_path / f"new{n}" / "show.yaml").read_text(encoding="utf-8")
        show = yaml.safe_load(text)
        assert (show["title"], show["author"]) == ("Coastal Lives", "Harbour Light Radio")
        assert voice in text.split("  host:\n", 1)[1].splitlines()[0]


@pytest.mark.parametrize(
    ("head", "title", "number"),
    [
        ("Episode 14: The Last Ferry", "The Last Ferry", 14),
        ("#331: Meet the Developer in Residence", "Meet the Developer in Residence", 331),
        ("No. 10 - Downing Street Briefing", "No. 10 - Downing Street Briefing", None),
    ],
)  # fmt: skip
def test_7_a_title_opening_with_the_episode_number_gives_number(
    head: str, title: str, number: int | None
) -> None:
    result = importer.import_transcript(
        f"{head}\n\nHOST: Good evening and welcome.\n\nGUEST: Thank you for having me.\n",
        "page.txt", engine="fake", today=dt.date(2000, 1, 1),
    )  # fmt: skip
    episode = yaml.safe_load(result.yaml)
    assert (episode["title"], episode.get("number")) == (title, number)


def test_7_a_person_the_host_names_is_no_programme() -> None:
    """ "This is Ruth Okonkwo." names the host, not the show."""
    result = importer.import_transcript(
        "RUTH OKONKWO: This is Ruth Okonkwo. Good evening.\n\n"
        "AGNES PIPER: Thank you for having me on the programme.\n",
        "page.txt", engine="fake", today=dt.date(2000, 1, 1),
    )  # fmt: skip
    from broadcast_kit.importer.show import spoken_programme

    assert spoken_programme(result.transcript) == (None, None)


def test_7_the_starter_cover_passes_the_show_checks() -> None:
    image = cover.inspect(cover.placeholder("Dawn Report"))
    assert image is not None and image.mime == "image/png" and image.color == "rgb"
    assert (image.width, image.height) == (1400, 1400) and not image.problems()


def test_7_nothing_is_written_when_the_episode_exists(tmp_path: Path) -> None:
    out = tmp_path / "new" / "episode.yaml"
    out.parent.mkdir()
    out.write_text("title: mine\n", encoding="utf-8")
    with pytest.raises(InputError, match="already exists; pass --force"):
        importer.import_file(DATA / "slash-role.txt", out, engine="fake")
    assert [p.name for p in out.parent.iterdir()] == ["episode.yaml"]
    assert out.read_text(encoding="utf-8") == "title: mine\n"


def test_7_an_existing_show_is_used_not_replaced(show_dir: Path) -> None:
    out = show_dir / "deep" / "er" / "episode.yaml"
    done = importer.import_file(DATA / "slash-role.txt", out, engine="fake")
    assert done.show is None and not (out.parent / "show.yaml").exists()
    assert loader.load(out).show_path == show_dir / "show.yaml"


# --- word lists users extend -----------------------------------------------------------------

PLACE_PAGE = """\
Title: Valley Life
Date: 2020-03-03

The spring fair opened in the valley town of Willow Creek on Saturday morning.

I have lived here all my life and I have never seen so many visitors at the fair.

The broadcaster's listeners voted it the best fair of the year. Mayor Tom Green told
Radio Harbour.

We will hold it again next year, and it will be even bigger than this one.
"""


def test_words_files_extend_the_lists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = run(PLACE_PAGE)
    assert ("interview", "Willow Creek") in who(before)  # a town taken for a person
    assert [k for k, _ in who(before)][-1] == "host"  # "told Radio Harbour." is no cue
    extra = tmp_path / "valley.yaml"
    extra.write_text("places: [Willow Creek]\nbroadcasters: [Radio Harbour]\n", encoding="utf-8")
    words = importer.load_words([extra])
    after = run(PLACE_PAGE, words=words)
    assert who(after)[1] == ("host", "host")  # a place is never a speaker
    assert after.transcript.paragraphs[-1].kind == "interview"  # "X told Radio Harbour."
    monkeypatch.setenv(importer.ENV, str(extra))  # the same through the environment
    assert who(run(PLACE_PAGE)) == who(after)


def test_a_words_file_adds_site_lines_that_are_never_the_title(tmp_path: Path) -> None:
    page = "Tide Talk Extra Special\n\nThe Mill Turns Again" + TURNS
    assert run(page).transcript.title == "Tide Talk Extra Special"  # the first headline
    extra = tmp_path / "site.yaml"
    extra.write_text("site_chrome: ['^Tide Talk Extra']\n", encoding="utf-8")
    assert run(page, words=importer.load_words([extra])).transcript.title == "The Mill Turns Again"


def test_kit_import_words_option(tmp_path: Path) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PLACE_PAGE, encoding="utf-8")
    extra = tmp_path / "valley.yaml"
    extra.write_text("places: [Willow Creek]\n", encoding="utf-8")
    plain = runner.invoke(app, ["import", str(page), "--engine", "fake"])
    extended = runner.invoke(app, ["import", str(page), "--engine", "fake", "--words", str(extra)])
    assert plain.exit_code == extended.exit_code == 0, extended.stderr
    assert 'name: "Willow Creek"' in plain.stdout
    assert 'Willow Creek"' not in extended.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("placez: [Somewhere]\n", r"valley.yaml:1: placez: unknown field; did you mean 'places'"),
        ("date_words: [on, at]\n", r"valley.yaml:1: date_words\[0\]: YAML read this word as"),
        ("places: Somewhere\n", r"valley.yaml:1: places: Input should be a valid list"),
        ("site_chrome: ['(unclosed']\n", r"site_chrome: '\(unclosed' is not a regular expression"),
    ],
)
def test_bad_words_files_name_the_line_and_the_fix(tmp_path: Path, text: str, message: str) -> None:
    extra = tmp_path / "valley.yaml"
    extra.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        importer.load_words([extra])
    result = runner.invoke(app, ["import", str(DATA / "slash-role.txt"), "--words", str(extra)])
    assert result.exit_code == 2 and result.stderr.startswith("error: ")


def test_missing_words_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such word-list file"):
        importer.load_words([tmp_path / "nope.yaml"])


def test_package_word_lists_are_data_files() -> None:
    words = importer.default_words()
    assert "Tongyeong" in words.places and "Seoul" in words.places  # korea.yaml
    assert "KBS" in words.broadcasters  # broadcasters.yaml: "told KBS" is a cue
    assert "menu content" in words.navigation
    assert words.disclaimers.search("The text below may differ from the actual broadcast.")


@pytest.mark.parametrize("page", ["(MUSIC)\n", "JANE DOE:\n", "Menu\n\n(LAUGHTER)\n"])
def test_a_page_with_nothing_to_say_is_refused(page: str) -> None:
    with pytest.raises(InputError, match="no transcript paragraphs found"):
        run(page)


# --- issue 24: real transcripts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "speakers"),
    [
        (  # a role word in the label; a hand-over names the correspondent
            "JANE DOE, CITY ANCHOR: Good evening. The bridge reopened today. Correspondent"
            " Ray Kim was there.\n\nRAY KIM: Traffic moved again by noon, after six months.\n\n"
            "ANN LEE: I drive over it every day, so I am glad.\n\nDOE: Thank you both.\n",
            [("host", "host"), ("host", "Ray Kim"), ("interview", "Ann Lee"), ("host", "host")],
        ),
        (  # no host label: who opens, introduces themselves and asks is the host
            "MARK OLSEN: Hello, I'm Mark Olsen and this is the Late Desk. Why now?\n\n"
            "ROSA DIAZ: Because the money ran out in March, and nobody noticed.\n\n"
            "OLSEN: Who should have noticed?\n\nDIAZ: The board, for a start.\n",
            [("host", "host"), ("interview", "Rosa Diaz"), ("host", "host"),
             ("interview", "Rosa Diaz")],
        ),
        (  # a reporter signing off with their name is a programme voice
            "HOST: The harvest came in early this year.\n\nLENA VOSS: The fields were dry by"
            " August. For the Farm Hour, I'm Lena Voss.\n\nHOST: Thank you, Lena.\n",
            [("host", "host"), ("host", "Lena Voss"), ("host", "host")],
        ),
    ],
)  # fmt: skip
def test_24_programme_voices_are_host_side_each_with_a_voice(
    page: str, speakers: list[tuple[str, str]]
) -> None:
    result = run(page)
    assert who(result) == speakers
    paragraphs = result.transcript.paragraphs
    reporters = {p.person.name for p in paragraphs if p.person and p.kind == "host"}
    for name in reporters:  # a voice of its own, credited as a programme role
        key = next(k for k, v in result.speakers.items() if v == name)
        voice = yaml.safe_load(result.yaml)["voices"][key]
        assert voice["role"] in ("reporter", "co-host", "narrator", "announcer")
    assert re.search(r"# check: [\w ]+ taken as (the host|reporter): \w", result.yaml)


@pytest.mark.parametrize(
    ("page", "speakers"),
    [
        (  # role-only labels; the questioner at a press event is a guest
            "JOURNALIST: Will the port close?\n\nPM: No, it stays open all winter.\n\n"
            "JOURNALIST: And the jobs?\n\nPM: Every one of them is safe.\n",
            [("interview", "Journalist"), ("host", "host"), ("interview", "Journalist"),
             ("host", "host")],
        ),
        (  # Q:/A: the questioner is the host
            "Q: How long did you keep the light?\n\nA: Twenty-six years in all.\n\n"
            "Q: And now?\n\nA: Now I rest at last.\n",
            [("host", "host"), ("interview", "Interviewee"), ("host", "host"),
             ("interview", "Interviewee")],
        ),
        (  # the White House's "Q" without a colon; a label without a space after it
            "MR. EARNEST:Good afternoon, everybody.\n\nQ    Thank you.\n\n"
            "MR. EARNEST: Let me start with the weather today.\n",
            [("host", "host"), ("interview", "Journalist"), ("host", "host")],
        ),
        (  # a numbered speaker with a time in its label; a name alone above its words
            "Speaker 1 (00:02):\n\nWelcome back to the show, everyone.\n\n"
            "Ada Moss\n\nThank you, it is good to be here.\n\nAda Moss\n\nReally good.\n",
            [("host", "host"), ("interview", "Ada Moss"), ("interview", "Ada Moss")],
        ),
        (  # "NAME - words": a dash instead of a colon, on a page that does it again
            "INTERVIEWER - Hello and welcome to the market.\n\nMARCUS - Hello to you.\n\n"
            "INTERVIEWER - Is that your real name?\n\nMARCUS - It is not.\n",
            [("host", "host"), ("interview", "Marcus"), ("host", "host"), ("interview", "Marcus")],
        ),
        (  # a role-only label means the person labelled with that role before
            "HOST: Good morning.\n\nJANE ROE, PRIME MINISTER: Good morning to you.\n\n"
            "HOST: Did you watch the game?\n\nPRIME MINISTER: I did, from the hotel.\n",
            [("host", "host"), ("interview", "Jane Roe"), ("host", "host"),
             ("interview", "Jane Roe")],
        ),
    ],
)  # fmt: skip
def test_24_label_grammar(page: str, speakers: list[tuple[str, str]]) -> None:
    result = run(page)
    assert who(result) == speakers
    spoken = " ".join(p.text for p in result.transcript.paragraphs)
    assert not re.search(r"\b(?:PM|Q|A|JOURNALIST|Speaker 1|MINISTER|EARNEST):|00:02", spoken)


@pytest.mark.parametrize(
    "page",
    [
        "Listener Questions\n\nQ: Is the bridge safe?\n\nA: It is, and it was checked in May.\n\n"
        "Q: When does it open?\n\nA: On Monday.\n",
        "AUDIENCE Q: Is the bridge safe?\n\nA: It is, and it was checked in May.\n\n"
        "Q: When does it open?\n\nA: On Monday.\n",
    ],
)
def test_24_questions_from_the_audience_are_answered_by_the_host(page: str) -> None:
    result = run(page)
    assert who(result) == [("voxpop", "Audience member"), ("host", "host")] * 2


def test_24_a_time_in_a_numbered_list_is_not_spoken() -> None:
    result = run("Q&A\n\n1. [00:21] - Q: Why now?\n\n2. [01:58] - Q: And the money?\n")
    assert [p.text for p in result.transcript.paragraphs] == ["Why now?", "And the money?"]


def test_24_a_name_that_speaks_once_is_a_label_on_a_page_of_name_labels() -> None:
    result = run(
        "Ben: Quiet now, we are on.\n\nAda: Say something about the soup, Cal.\n\n"
        "Cal: Soup is hot.\n\nBen: Not clever.\n\nAda: Leave him be.\n\n"
        "Tim Reyes: I am the producer.\n\nTG: Thank you, Tim.\n\nTR: You are welcome.\n\n"
        "TG: Bye.\n"
    )
    spoken = " ".join(p.text for p in result.transcript.paragraphs)
    assert not re.search(r"\b(?:Cal|Tim Reyes|TR):", spoken)
    names = [p.person.name if p.person else "host" for p in result.transcript.paragraphs]
    assert names[2] == "Cal" and names[5] == names[-2] == "Tim Reyes"


def test_24_hundreds_of_one_off_name_labels_are_not_a_cast() -> None:
    """A page of hundreds of "Name Name:" lines, each once, beside two recurring voices:
    not a cast of hundreds (and the import stays fast)."""
    names = [f"Ab{chr(97 + i % 26)}{chr(97 + i // 26)} Cd{chr(97 + i % 7)}" for i in range(200)]
    page = "".join(f"Ann Lee: Hi.\n\nTom Hart: Yes.\n\n{n}: Words here.\n\n" for n in names)
    result = run(page)
    assert len(result.transcript.people.known) <= 4


def test_24_a_remark_on_a_page_of_name_labels_is_not_a_label() -> None:
    result = run("Ben: Quiet now.\n\nAda: Hush.\n\nBen: Fine.\n\nAda: Good.\n\nRemember: soup.\n")
    assert result.transcript.paragraphs[-1].text == "Remember: soup."


@pytest.mark.parametrize(
    "cue", ["[SFX: A door slams far away]", "(GRAMS: Rain on the roof)", "F/X - A door slams."]
)
def test_24_a_cue_line_in_brackets_is_a_cue(cue: str) -> None:
    result = run(f"NARRATOR: It was late.\n\n{cue}\n\nNARRATOR: Nobody came.\n")
    assert [p.text for p in result.transcript.paragraphs] == ["It was late.", "Nobody came."]


def test_24_a_surname_that_is_a_title_word_labels_its_person() -> None:
    result = run(
        "HOST: Good evening.\n\nHOWARD DEAN, PARTY CHAIR: Good evening to you.\n\n"
        "HOST: Why?\n\nDEAN: Because we worked.\n"
    )
    assert who(result) == [("host", "host"), ("interview", "Howard Dean")] * 2
    assert "DEAN:" not in " ".join(p.text for p in result.transcript.paragraphs)


@pytest.mark.parametrize(
    ("said", "spoken"),
    [("Tonight: the mayor speaks.", "Tonight, the mayor speaks."), ("Coming up:", "Coming up.")],
)
def test_24_a_teaser_word_with_a_colon_is_spoken_not_a_label(said: str, spoken: str) -> None:
    result = run(f"HOST: Good evening.\n\nHOST: {said}\n\nJOE ROE: Hello.\n")
    assert result.transcript.paragraphs[1].text == spoken
    assert who(result)[1] == ("host", "host")


def test_24_a_dash_after_a_sound_word_in_a_sentence_is_words() -> None:
    result = run("NARRATOR: It was late.\n\nNoise - that is what kept me awake all night.\n")
    assert result.transcript.paragraphs[-1].text.startswith("Noise - that is")


def test_24_the_summary_above_a_transcript_heading_is_not_spoken() -> None:
    result = run(
        "The Night Ferry\n\nWe ride the last ferry of the night with its crew of six.\n\n"
        "Transcript\n\nWelcome aboard. Tonight we cross in the fog.\n\n"
        "The crew have done this crossing every night for eleven years.\n\n"
        "That is all for this week, and next week the lighthouse.\n"
    )
    assert result.transcript.paragraphs[0].text == "Welcome aboard. Tonight we cross in the fog."
    assert "1 paragraph(s) of sentences above the “Transcript” heading" in result.yaml


def test_24_a_recorded_clip_and_its_in_and_out_words_are_not_read() -> None:
    result = run(
        "HOST: The bridge closes in May.\n\nCLIP: 00:19\n\nIt will be closed (audio begin)\n\n"
        "… again in September (tape ends)\n\nHOST: Ferries will run.\n"
    )
    assert [p.text for p in result.transcript.paragraphs] == [
        "The bridge closes in May.",
        "Ferries will run.",
    ]


def test_24_a_questioner_who_welcomes_the_guest_is_the_host() -> None:
    result = run(
        "JOURNALIST: Minister, good morning and welcome to the show.\n\n"
        "MINISTER: Good morning.\n\nJOURNALIST: Will the port close?\n\n"
        "MINISTER: No, and you are welcome to visit it.\n"
    )
    assert who(result) == [("host", "host"), ("interview", "Minister")] * 2


def test_24_a_headline_saying_who_interviews_whom_decides_it() -> None:
    result = run(
        "Ann Lee Talks To Ray Kim\n\nRAY KIM, ANCHOR: Tonight I am the guest.\n\n"
        "ANN LEE, ANCHOR: Welcome, Ray.\n\nKIM: Thank you, Ann.\n"
    )
    assert who(result) == [("interview", "Ray Kim"), ("host", "host"), ("interview", "Ray Kim")]
    assert "# check: Ann Lee interviews Ray Kim: the headline" in result.yaml


def test_24_srt_saved_as_text_is_captions_and_mixed_case_names_start_turns() -> None:
    cues = [("Jane Roe: Good afternoon.", ""), ("Let me hand over", "to Tom."),
            ("Tom Hart: Thank you,", "Jane."), ("The boats run", "all winter."),
            ("They stop in", "spring.")]  # fmt: skip
    srt = "Subtitles\n\n" + "\n".join(
        f"{n}\n00:00:{2 * n:02},000 --> 00:00:{2 * n + 1:02},500\n{a}\n{b}\n"
        for n, (a, b) in enumerate(cues, start=1)
    )
    result = run(srt)
    assert result.transcript.captions
    assert [p.text.split()[0] for p in result.transcript.paragraphs] == ["Good", "Thank"]
    assert who(result) == [("host", "host"), ("interview", "Tom Hart")]


def test_24_mixed_case_and_initials_labels_inside_a_line_that_lost_its_breaks() -> None:
    result = run(
        "Ann Lee: Welcome. Where were you born? Tom Hart: In the port, in AL: And then?"
        " TH: Then the city. AL: Why? TH: Work. AL: Thank you, Tom. TH: Thank you, Ann.\n"
    )
    names = [p.person.name if p.person else "host" for p in result.transcript.paragraphs]
    assert names == ["host", "Tom Hart"] * 4
    assert not re.search(
        r"\b(?:AL|TH|Tom Hart):", " ".join(p.text for p in result.transcript.paragraphs)
    )


def test_24_a_sentence_going_on_after_a_blank_line_is_one_paragraph() -> None:
    result = run(
        "ANNOUNCER: Welcome to the play. For the next\n\n    half hour we sit in a storm.\n\n"
        "KEEPER: Nobody comes.\n\nthe end of it, in lower case, is its own paragraph.\n"
    )
    texts = [p.text for p in result.transcript.paragraphs]
    assert texts[0] == "Welcome to the play. For the next half hour we sit in a storm."
    assert len(texts) == 3


def test_24_hosts_introducing_themselves_above_the_first_label_are_spoken() -> None:
    result = run(
        "Hi, I'm Ann DeWitt.\n\nAnd I'm Ray Kim.\n\nDEWITT: This is the show.\n\n"
        "KIM: Tonight, the ferry.\n\nJOE ROE: I took it every night for years and years.\n"
    )
    assert who(result) == [
        ("host", "host"),
        ("host", "Ray Kim"),
        ("host", "host"),
        ("host", "Ray Kim"),
        ("interview", "Joe Roe"),
    ]


def test_24_unpunctuated_captions_keep_their_speaker_marks() -> None:
    vtt = (
        "WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nGood evening, and welcome to the late show"
        " from the harbour.\n\n00:00:01.000 --> 00:00:03.000\n>> Welcome back, it is good"
        " to see you all\n\n00:00:03.500 --> 00:00:05.000\n>> thanks for having me, it is a"
        " real pleasure to be here.\n"
    )
    result = importer.import_transcript(vtt, "a.vtt", engine="fake", today=dt.date(2000, 1, 1))
    texts = [p.text for p in result.transcript.paragraphs]
    assert len(texts) == 3 and texts[2].startswith("thanks for having me")


@pytest.mark.parametrize("cue", ["(upbeat music)", "[gentle music plays]", "(Musical interlude)"])
def test_24_a_bracketed_cue_naming_music_is_music(cue: str) -> None:
    result = run(f"{cue}\n\nHi.\n\nHOST: Welcome back to the show, everyone, it is good.\n")
    assert result.transcript.paragraphs[0].kind == "music"
    assert result.transcript.paragraphs[1].text == "Hi."


def test_24_a_label_whose_name_was_lost_opens_a_turn_to_check() -> None:
    result = run(": Good morning.\n\nJANE ROE: Morning.\n\nHOST: Tea?\n\nJANE ROE: Please.\n")
    assert result.transcript.paragraphs[0].text == "Good morning."
    assert "# check: its label has no name on the page" in result.yaml


def test_24_cue_lines_are_cues_never_speakers_or_words() -> None:
    result = run(
        "NARRATOR: The night was wet.\n\nSOUND: Rain on a roof.\n\nSFX: A door slams.\n\n"
        "MUSIC: Sting.\n\n[Phone rings]\n\nNB: recorded in 1998.\n\n"
        "ALBERT PENN: Who is there at this hour?\n"
    )
    paragraphs = result.transcript.paragraphs
    spoken = " ".join(p.text for p in paragraphs if p.spoken)
    assert spoken == "The night was wet. Who is there at this hour?"
    assert [p.kind for p in paragraphs] == ["host", "music", "host"]
    assert "Sound" not in result.speakers.values() and "Music" not in result.speakers.values()
    assert paragraphs[-1].person is not None and paragraphs[-1].person.programme == "voice actor"


def test_24_page_furniture_is_not_spoken_and_a_wrapped_label_is_one_label() -> None:
    result = run(
        "Radio Harbour\n• Politics\n• Weather\n\nWinter Ferry Boats Cut\n\nBy Nina Sorel\n\n"
        "HOST: The ferry timetable is cut. Here is Nina Sorel.\n\nNINA SOREL, CITY\n"
        "CORRESPONDENT: The early boat will\nPage 2 of 3\nrun on weekdays only.\n\n"
        "HOST: Thank you. Page 3 of 3 That was Nina.\n\nJOE ROE: I will miss the boat.\n\n"
        "« Previous episode | Next episode »\n"
    )
    texts = [p.text for p in result.transcript.paragraphs]
    assert texts == [
        "The ferry timetable is cut. Here is Nina Sorel.",
        "The early boat will run on weekdays only.",
        "Thank you. That was Nina.",
        "I will miss the boat.",
    ]
    assert result.transcript.title == "Winter Ferry Boats Cut"  # not the publisher above it
    assert who(result)[1] == ("host", "Nina Sorel")


def test_24_labels_alone_above_short_lines_hold_the_whole_turn() -> None:
    """A podcast app's transcript: `Name (00:12):` alone, then the turn in short lines."""
    result = run(
        "Episode Transcript\nJane Wells (00:00):\nIt's Friday, the\n21st of March.\n"
        "Announcer (00:04):\nThe last word in\npodcasting news.\nTom Reyes (00:09):\n"
        "Thanks, Jane.\nGood to be\nback.\nJane Wells (00:15):\nWelcome back, Tom.\n"
    )
    texts = [p.text for p in result.transcript.paragraphs]
    assert texts == [
        "It's Friday, the 21st of March.",
        "The last word in podcasting news.",
        "Thanks, Jane. Good to be back.",
        "Welcome back, Tom.",
    ]
    assert who(result)[1] == ("host", "Announcer")


def test_24_characters_in_capitals_are_a_drama_cast() -> None:
    result = run(
        "THE LIBRARIAN: Hello there! Come in, come in.\n\nTHE DIRECTOR: Sit down, please.\n\n"
        "THE LIBRARIAN: Thank you, I will.\n"
    )
    assert who(result) == [("host", "host"), ("host", "The Director"), ("host", "host")]
    director = result.transcript.paragraphs[1].person
    assert director is not None and director.programme == "voice actor"
    assert "THE" not in " ".join(p.text for p in result.transcript.paragraphs)


def test_24_a_labelled_page_starts_at_its_first_label_and_says_what_it_left_out() -> None:
    result = run(
        "Tonight: the mayor answers questions about the new bridge and its budget.\n\n"
        "The council votes on the budget for the bridge next week, after the hearing.\n\n"
        "MAYOR: Good afternoon.\n\nQUESTION: When will the bridge open, Mayor?\n"
    )
    spoken = [p.text for p in result.transcript.paragraphs]
    assert spoken == ["Good afternoon.", "When will the bridge open, Mayor?"]
    assert "# check: 2 paragraph(s) of sentences above the first speaker label" in result.yaml


def test_24_the_page_summary_above_the_labels_is_the_description() -> None:
    summary = (
        "Mara Quill kept lighthouses on three coasts. Presenter Tom Feld met her at Gull Point."
    )
    page = (
        f"Keeping the Lights\n\n{summary}\n\nTOM FELD: Good evening, I'm Tom Feld.\n\n"
        "MARA QUILL: Hello, Tom.\n\nFELD: How did you start?\n\nQUILL: My father kept a light.\n"
    )
    episode = yaml.safe_load(run(page).yaml)
    assert episode["description"] == summary
    assert "# check: the page's summary above the transcript" in run(page).yaml
    long = " ".join(f"Sentence number {n} of the show notes is here." for n in range(40))
    episode = yaml.safe_load(run(page.replace(summary, long)).yaml)
    assert episode["description"].startswith("Sentence number 0 of")
    assert 300 < len(episode["description"]) <= 600 and episode["description"].endswith(".")
    # no summary: the first sentence the programme says
    episode = yaml.safe_load(run(page.replace(f"{summary}\n\n", "")).yaml)
    assert episode["description"] == "Good evening, I'm Tom Feld."


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("Radio Harbour\n\nThe Night Ferry Returns\n\nHOST: Good evening.\n\nJOE ROE: Hello.\n",
         "The Night Ferry Returns"),
        ("Home\n\n500: Five Hundred Shows!\n\nHOST: Good evening.\n\nJOE ROE: Hello.\n",
         "Five Hundred Shows!"),
        ("Sermon Preached by\n\n\"David and the Giant: Part 2\"\n\nSermon Preached by\n\n"
         "HOST: Good evening.\n\nJOE ROE: Hello.\n", "David and the Giant: Part 2"),
        ("back to index\n\nMaking the Podcast: We found a guest!\n\n"
         "HOST: Good evening.\n\nJOE ROE: Hello.\n", "Making the Podcast: We found a guest!"),
        ("• Politics\n• Weather\n\nCouncil Votes on the Ferry | Harbour News\n\n"
         "HOST: Good evening.\n\nJOE ROE: Hello.\n", "Council Votes on the Ferry"),
    ],
)  # fmt: skip
def test_24_the_title_is_the_headline(page: str, title: str) -> None:
    result = run(page)
    assert result.transcript.title == title
    assert result.yaml.count(title.strip('"')) >= 1


TURNS = "\n\nHOST: Good evening.\n\nJOE ROE: Hello.\n"


@pytest.mark.parametrize(
    ("page", "title"),
    [
        # the site's lines above the headline: links, a motto, a logo's alt text, ratings
        ("Return to Transcripts main page\n\nWatch Coast News\n\nThe Web Powered by Tidelink\n\n"
         "Coast Radio ~ Voices of the Sea\n\nCoast Radio Logo\n\n4.2 1.3K Ratings\n\n"
         "Home - Shows - Podcasts - Contact\n\n2 days ago\n\nThe Tide Mill Turns Again" + TURNS,
         "The Tide Mill Turns Again"),
        ("Home > Shows > Tide Talk\n\nListen · 4:32\n\n33 minutes\n\nGetty Images\n\n"
         "Tide Talk\n\nThe Tide Mill Turns Again\n\nBy Ann Lee, Coast Radio" + TURNS,
         "The Tide Mill Turns Again"),
        ("Tide Talk\n\nBy the Numbers: Ferry Fares" + TURNS, "By the Numbers: Ferry Fares"),
        ("Read the full transcript below\n\nPlay Episode\n\nFiled under Tides\n\nShow Notes\n\n"
         "The Mill Turns Again" + TURNS, "The Mill Turns Again"),
        # the headline with its dateline below it, not the news links above it
        ("Gulls return to the old pier after ten years\n\nLarry Dean Live\n\n"
         "The Tide Mill Turns Again\n\nAired May 2, 2007 - 9:00 p.m. ET" + TURNS,
         "The Tide Mill Turns Again"),
        ("Coast Chronicle\n\nThe Tide Mill Turns Again\n\nHow one small town on the coast saved"
         " its old tide mill\n\nMarch 3, 2020" + TURNS, "The Tide Mill Turns Again"),  # standfirst
        ("Tide Talk\n\nMarch 3, 2020\n\nThe Tide Mill Turns Again" + TURNS,
         "The Tide Mill Turns Again"),  # the show's name above the date, the headline below
        ("PBS Airdate: May 2, 2007\n\nThe Tide Mill Turns Again" + TURNS,
         "The Tide Mill Turns Again"),
        # a byline's name is not the title; the headline printed twice is; quotes go
        ("Sunday, May 6, 2007\n\n'The Tide Mill'\n\nSermon Preached by\n\nThe Rev. Ann Lee\n\n"
         "Listen to the Tide Mill sermon\n\n\"The Tide Mill\"" + TURNS, "The Tide Mill"),
        # the headline the page's summary names, not the course or the credits around it
        ("Coast Wordplay ~ Listen and Enjoy\n\nWriting Course - University of the Coast 2011\n\n"
         "This winter we produced two of the course's scripts for radio, The Lamp and The Other"
         " Shore, with a cast of six.\n\nThe Lamp\n\nPRODUCTION TEAM" + TURNS, "The Lamp"),
        # a site's name ("X News", "... Transcripts") or a field ("Hosts:", "ID: 42")
        ("Tidewater Transcripts\n\nHarbour News\n\n- Harbour News\n\nTranscript ID: 4021\n\n"
         "Radio interview with Coast FM" + TURNS, "Radio interview with Coast FM"),
        ("The Tide Mill Turns Again\n\nHosts: Ann Lee and Joe Roe" + TURNS,
         "The Tide Mill Turns Again"),
        # a "Transcript:" label and the site's name around the headline
        ("The Tide Mill Turns Again | Tide Talk | Coast Radio" + TURNS,
         "The Tide Mill Turns Again"),
        ("Transcript: The Tide Mill Turns Again | Coast Weekly" + TURNS,
         "The Tide Mill Turns Again"),
        # a media file's name
        ("Subtitles for clip: File:Tide Mill Meeting.webm" + TURNS, "Tide Mill Meeting"),
        # the programme's name ("Welcome to ..."), a site's address or name above the headline
        ("Tide Talk with Ann Lee\n\nThe Mill Turns Again\n\nHOST: Welcome to Tide Talk with Ann"
         " Lee. Good evening.\n\nJOE ROE: Hello.\n", "The Mill Turns Again"),
        ("Tide Talk with Ann Lee\n\nThe Mill Turns Again\n\nHOST: Welcome to Tide Talk. Good"
         " evening.\n\nJOE ROE: Hello.\n", "The Mill Turns Again"),
        ("coastradio.org\n\nThe Coast Review\n\nThe Mill Turns Again" + TURNS,
         "The Mill Turns Again"),
        ("Tide Talk\n\nThe Mill Turns Again\n\nTide Talk\n\nMarch 3, 2020" + TURNS,
         "The Mill Turns Again"),  # the show's name around the episode's
        ("We use cookies to give you the best experience on our site\n\nThe Mill Turns Again"
         + TURNS, "The Mill Turns Again"),
        # "Headline : Site" with the site's name on a line of its own; a date with a duration
        ("Harbour Public Radio\n\nThe Mill That Would Not Stop : Harbour Public Radio\n\n"
         "March 3, 2020 · 5:00 AM ET" + TURNS, "The Mill That Would Not Stop"),
        ("Tide Talk\n\nThe Mill Turns Again\n\nMar 3, 2020 • 45 min" + TURNS,
         "The Mill Turns Again"),
        # a site's name after the headline, or a broadcaster's programme before it, goes...
        ("The Tide Mill Turns Again - Harbour Gazette" + TURNS, "The Tide Mill Turns Again"),
        ("Tidewater\n\nThe Tide Mill Turns Again – Tidewater" + TURNS, "The Tide Mill Turns Again"),
        ("Late Comedy from BBC Radio 4 - Tide Talk - 5. The Mill Turns" + TURNS,
         "Tide Talk - 5. The Mill Turns"),
        ("The Tide Mill Turns Again - Coast Wire Service" + TURNS[:-1] + "\n\n© 2020 Coast Wire"
         " Service\n", "The Tide Mill Turns Again"),
        # ...but not a station's frequency, an episode's number, a guest's name or an outcry
        ("Interview - Ann Lee\n\nHOST: Good evening, Ann Lee.\n\nANN LEE: Hello.\n",
         "Interview - Ann Lee"),
        ("Interview with Ann and Joe - Coast FM 101.7" + TURNS,
         "Interview with Ann and Joe - Coast FM 101.7"),
        ("Tide Mill Stories - Part 11" + TURNS, "Tide Mill Stories - Part 11"),
        ("Tide Mill Episode 1 - Flooded!" + TURNS, "Tide Mill Episode 1 - Flooded!"),
        # a headline carrying its date beats the programme's name and a clock line below it
        ("Harbour Board Briefing - March 8, 2021\n\nAnn Lee\n\nHarbour Board Briefing\n\n"
         "Harbour Town, CA\n\nMarch 8, 2021\n\n2:46 p.m. EST" + TURNS,
         "Harbour Board Briefing - March 8, 2021"),
        ("Search form\n\nThe Coast House\n\nOffice of the Harbour Master\n\nFor Immediate"
         " Release\n\nDaily Briefing by Harbour Master Ann Lee, 6/4/2015\n\nThe Briefing Room"
         "\n\n12:40 P.M. EDT" + TURNS, "Daily Briefing by Harbour Master Ann Lee, 6/4/2015"),
        # the episode's number and the ratings around its title; a field naming the episode
        ("Skip to content\n\nTide Mill S11 • Episode 5\n\nThe Sluice Gate Puzzle\n\n"
         "2.49/ 5 491 votes" + TURNS, "The Sluice Gate Puzzle"),
        ("The Coast Group\n\nIssues: Year End Awards Part Two\n\nAnn Lee, Host\n\n"
         "Taped: Friday, January 1, 2016" + TURNS, "Year End Awards Part Two"),
        # a breadcrumb's last item names the page; "... transcript starts at" is not its title
        ("Coast Radio Homepage World Service\n\nYou are in: Events: Tide Talk" + TURNS,
         "Tide Talk"),
        ("You are here: Home\n\nThe Mill Turns Again" + TURNS, "The Mill Turns Again"),
        ("Tide Talk Breakfast Show transcript starts at 11:29" + TURNS,
         "Tide Talk Breakfast Show"),
        # a transcript's label or an episode's number before the headline
        ("Full Transcript: The Mill Turns Again" + TURNS, "The Mill Turns Again"),
        ("Read the transcript: The Mill Turns Again" + TURNS, "The Mill Turns Again"),
        ("Episode 12 | The Mill Turns Again | Tide Talk" + TURNS, "The Mill Turns Again"),
        ("Coast Radio | The Mill Turns Again" + TURNS, "The Mill Turns Again"),  # the site first
        # a line whose address was lost ("Email the show at") is no headline; "At" may end one
        ("Email the show at\n\nThe Mill Turns Again" + TURNS, "The Mill Turns Again"),
        ("Coast Radio\n\nWhere It's At" + TURNS, "Where It's At"),
        # the author's name and outlet between the headline and its date
        ("Sign in\n\nThe Mill Turns Again: How a Town Saved Its Mill\n\nAnn Lee, Coast Radio\n\n"
         "March 3, 2020" + TURNS, "The Mill Turns Again: How a Town Saved Its Mill"),
    ],
)  # fmt: skip
def test_24_the_title_is_the_headline_not_the_sites_lines(page: str, title: str) -> None:
    result = run(page)
    assert result.transcript.title == title
    assert re.search(rf"^title: \"?{re.escape(title)}\"?$", result.yaml, re.M)  # sure: no check


def test_24_caption_files_title_is_their_header_or_bracketed_first_line() -> None:
    vtt = importer.import_transcript(
        "WEBVTT - The Tide Mill Turns Again\n\n00:00:01.000 --> 00:00:04.000\n"
        "The mill has turned every day this spring.\n",
        "mill.vtt",
        today=dt.date(2000, 1, 1),
    )
    assert vtt.transcript.title == "The Tide Mill Turns Again"
    bracketed = run(
        "[Tide Mill Hearing]\n[00:00:05]\nGood morning, and welcome to the hearing on the mill.\n"
        "The board will hear the engineer's report on the sluice gates first.\n"
    )
    assert bracketed.transcript.title == "Tide Mill Hearing"
    assert '"Tide Mill Hearing"  # check:' in bracketed.yaml
    for cue in ("[Applause]", "[MUSIC PLAYING]", "[Door slams]"):
        assert run(
            f"{cue}\nGood morning, and welcome to the hearing on the mill.\n"
        ).transcript.title != (cue.strip("[]"))
    plain = importer.import_transcript(
        "1\n00:00:01,000 --> 00:00:04,000\nThe mill has turned every day this spring.\n",
        "tide-mill.srt",
        today=dt.date(2000, 1, 1),
    )
    assert 'title: "tide-mill"  # check: no title found; this is the file name' in plain.yaml


def test_24_a_header_of_thousands_of_lines_is_weighed_in_seconds() -> None:
    """Only the first lines are weighed as the title (each against the others): 2,500 header
    lines took 75 s when all were; the test's time limit catches that."""
    # (spelled in letters: lines numbered in a series are part headings, never the title)
    names = ("".join("abcdefghij"[int(d)] for d in str(i)) for i in range(2500))
    header = "\n\n".join(f"Harbour Line {name.title()} Goes Here" for name in names)
    result = run(header + TURNS)
    assert result.transcript.title == "Harbour Line A Goes Here"


def test_24_a_saved_page_whose_heading_is_the_sites_name_is_titled_by_its_headline() -> None:
    html = (
        "<html><head><title>The Tide Mill Turns Again | Coast Radio</title></head><body>"
        "<h1>Coast Radio</h1><p>Tide Talk with Ann Lee</p><p>The Tide Mill Turns Again</p>"
        "<p>HOST: Good evening.</p><p>JOE ROE: Hello.</p></body></html>"
    )
    result = importer.import_transcript(html, "page.html", today=dt.date(2000, 1, 1))
    assert result.transcript.title == "The Tide Mill Turns Again"  # named by the <title>
    assert 'title: "The Tide Mill Turns Again"\n' in result.yaml
    labelled = html.replace("<h1>Coast Radio</h1>", "<h1>Transcript: The Mill | Coast Radio</h1>")
    assert importer.import_transcript(labelled, "page.html").transcript.title == "The Mill"


@pytest.mark.parametrize(
    ("page", "title"),
    [
        # a word alone (the show's name printed above and below it is not the title)
        ("Newscast\n\nTannoyed\n\nNewscast" + TURNS, "Tannoyed"),
        # a line of a list of short lines (a menu of a member's extras)
        ("Members get more\n\nPodcast Extras\n\nListen Ad-Free\n\nVideo Extras" + TURNS, None),
        # no header: the heading between the page's introduction and its first labelled turn
        ("The council has decided that the night ferry will stop running next month, sadly.\n\n"
         "Our night ferry\n\nAnn Lee: Will it stop?\n\nJoe Roe: It will.\n\nAnn Lee: Really?\n\n"
         "Joe Roe: Yes.\n", "Our night ferry"),
        # two headlines as good as each other
        ("Harbour Weekly Review\n\nThe Tide Mill Turns Again\n\nThe Ferry Comes Back" + TURNS,
         "The Tide Mill Turns Again"),
    ],
)  # fmt: skip
def test_24_a_title_the_import_is_unsure_of_is_marked_check(page: str, title: str | None) -> None:
    result = run(page)
    assert re.search(r"^title: .*  # check: guessed from the page header$", result.yaml, re.M)
    assert title is None or result.transcript.title == title


def test_24_initials_labels_and_the_person_whose_briefing_it_is() -> None:
    initials = run(
        "CAROL OFFER: Hello, I'm Carol Offer.\n\nJEFF DUNN: And I'm Jeff Dunn.\n\n"
        "CO: Tonight, the river.\n\nJD: And the bridge.\n\nCO: First, the river.\n\n"
        "JD: Then the bridge.\n"
    )
    assert [n for _, n in who(initials)] == ["host", "Jeff Dunn"] * 3
    briefing = run(
        "Press Briefing by Press Secretary Ann Vale\n\nSpeaker 3: Hi there.\n\n"
        "Ann Vale: Good afternoon. Let me start with the weather.\n\n"
        "Speaker 3: Will the storm hit the capital?\n\nAnn Vale: It will, tonight.\n"
    )
    assert who(briefing) == [
        ("interview", "Speaker 3"),
        ("host", "host"),
        ("interview", "Speaker 3"),
        ("host", "host"),
    ]
    assert briefing.transcript.people.host is not None
    assert briefing.transcript.people.host.name == "Ann Vale"


def test_24_presenters_who_take_turns_asking_one_guest_are_co_hosts() -> None:
    result = run(
        "NAT: Our guest this morning is the Minister, Jane Roe. Good morning, Minister.\n\n"
        "SHAUN: Did you watch the game last night?\n\n"
        "JANE ROE: I did, and what a game it was, a win by twenty-nine points on the road,"
        " the best of the whole season for the club and for the fans who travelled.\n\n"
        "SHAUN: Will you go to the final?\n\n"
        "JANE ROE: If the diary allows it, I will be there with my family and half the town,"
        " as I was the last time they made it that far, many years ago now.\n"
    )
    assert who(result) == [
        ("host", "host"),
        ("host", "Shaun"),
        ("interview", "Jane Roe"),
        ("host", "Shaun"),
        ("interview", "Jane Roe"),
    ]


def test_24_initials_after_full_names_and_sound_effects_make_a_sketch_cast() -> None:
    result = run(
        "Gary Kell: From the city, a show about the city.\n\nTina Gray: Hi. How are you?\n\n"
        "Sam Sun: Not bad at all, thank you.\n\nTG: Is that your name? (HORN, BRAKES)\n\n"
        "SS: No. (TRUCK PASSING)\n\nTG: Oh. Okay. (STREET NOISE, SHOUTS)\n\nSS: Right.\n\n"
        "GK: That is the city for you.\n\nTG: Is it?\n\nGK: Good night.\n"
    )
    names = [p.person.name if p.person else "host" for p in result.transcript.paragraphs]
    assert names == ["host", *["Tina Gray", "Sam Sun"] * 3, "host", "Tina Gray", "host"]
    assert result.transcript.people.host is not None
    assert result.transcript.people.host.name == "Gary Kell"
    assert {p.kind for p in result.transcript.paragraphs} == {"host"}  # a cast, all host-side
    assert "HORN" not in " ".join(p.text for p in result.transcript.paragraphs)


def test_24_caption_speaker_tags_are_labels_and_a_narrator_alone_is_no_drama() -> None:
    vtt = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n[ music ]\n\n"
        "00:00:02.000 --> 00:00:04.000\n<v Narrator>You want these people.\n\n"
        "00:00:04.100 --> 00:00:06.000\nThey order your products.\n\n"
        "00:00:07.000 --> 00:00:09.000\n[Terrill] It is important for designers\n\n"
        "00:00:09.100 --> 00:00:11.000\nto see what others see.\n"
    )
    result = importer.import_transcript(
        vtt, "explainer.vtt", engine="fake", today=dt.date(2000, 1, 1)
    )
    assert who(result) == [("music", "intro"), ("host", "host"), ("interview", "Terrill")]
    assert [p.text for p in result.transcript.paragraphs][1:] == [
        "You want these people. They order your products.",
        "It is important for designers to see what others see.",
    ]


@pytest.mark.parametrize(
    "opening",
    [
        # two co-hosts introduce themselves in one turn, labelled as one of them
        "Ben Ortiz: I'm Kay Mills, the editor of Field Notes, and I'm Ben Ortiz.\n\n",
        # the announcer bills the programme's voices
        "Announcer: This is Field Notes with Kay Mills and Ben Ortiz.\n\n",
    ],
)
def test_24_voices_named_as_the_programme_opens_are_co_hosts(opening: str) -> None:
    result = run(
        "Kay Mills: It's Monday, the 3rd of May.\n\n"
        + opening
        + "Tom Reyes: I just think the tax was a mistake from day one, frankly.\n\n"
        "Kay Mills: That's Tom Reyes. He's on later. Ben, the council voted last night.\n\n"
        "Ben Ortiz: It did, and the vote was close, nine to eight.\n\n"
        "Tom Reyes: And I still think so.\n\n"
        "Ben Ortiz: Close indeed.\n"
    )
    rows = who(result)
    assert ("interview", "Tom Reyes") in rows
    assert all(kind == "host" for kind, name in rows if name != "Tom Reyes")
    assert "co-host: named as the programme opens" in result.yaml


def test_24_captions_that_never_mark_a_speaker_keep_first_person_with_the_host() -> None:
    def srt(lines: list[str]) -> str:
        cues = []
        for n, line in enumerate(lines):  # a pause of four seconds after each line
            start, end = 5 * n, 5 * n + 1
            cues.append(f"{n + 1}\n00:00:{start:02},000 --> 00:00:{end:02},500\n{line}\n")
        return "\n".join(cues)

    lines = [
        "Welcome to Board Games Weekly, episode nine.",
        "And now, the man who never loses, Mr. Carl Penn.",
        "I'm tired. You're tired? I lost twice this week.",
        "Oh, the honeymoon is over then.",
    ]
    unmarked = importer.import_transcript(
        srt(lines), "ep9.srt", engine="fake", today=dt.date(2000, 1, 1)
    )
    assert {kind for kind, _ in who(unmarked)} == {"host"}  # who speaks is not told
    assert "the captions never mark who speaks" in unmarked.yaml
    lines[2] = "- I'm tired. You're tired? I lost twice this week."
    marked = importer.import_transcript(
        srt(lines), "ep9.srt", engine="fake", today=dt.date(2000, 1, 1)
    )
    assert ("interview", "Carl Penn") in who(marked)  # a marked turn: the one just named


# --- 23. the speakers' genders, from the transcript's own words -------------------------------


GENDERS = """\
    ALEX HOLM, HOST: Good evening. Tonight, four guests on the new river park.

    The idea came from Nadia Vance, who runs the town's rowing club. She explains why.

    NADIA VANCE: The river was the town's back yard. Now it can be its front garden.

    HOLM: Not everyone agrees. Tomas Brell farms the fields beside the water with his sons.

    TOMAS BRELL: Flooding worries me. Nobody has asked the farmers what they think.

    HOLM: Mrs. Okafor sits on the planning board.

    CHIDI OKAFOR: We have asked. We will keep asking until the plans are final.

    HOLM: Finally, Robin Sato, a landscape architect.

    ROBIN SATO: The park is designed to flood. That is the whole point of it.
"""


def test_23_import_infers_gender_from_pronouns_and_honorifics() -> None:
    """A pronoun after the name in the host's words or an honorific before it gives the
    speaker's gender, named in a check: comment; no evidence leaves the gender to choose.
    Without an engine, voices are described and cast when the episode loads."""
    result = importer.import_transcript(
        textwrap.dedent(GENDERS), "page.txt", today=dt.date(2000, 1, 1)
    )
    voices = yaml.safe_load(result.yaml)["voices"]
    wanted = {v["name"]: v["voice"] for v in voices.values()}
    assert wanted == {
        "Nadia Vance": {"gender": "female", "accent": "us"},
        "Tomas Brell": {"gender": "male", "accent": "us"},
        "Chidi Okafor": {"gender": "female", "accent": "us"},
        "Robin Sato": {"accent": "us"},
    }
    assert '# check: female from "She" after "Nadia Vance"' in result.yaml
    assert '# check: male from "his" after "Tomas Brell"' in result.yaml
    assert '# check: female from "Mrs. Okafor"' in result.yaml
    assert "# check: add gender: female or male" in result.yaml  # Robin Sato


@pytest.mark.parametrize(
    ("text", "gender"),
    [
        # a pronoun after someone else's name is theirs, not the speaker's
        ("Kim Ha-eun plays music by Yun Sang-ho. He died in 1995.", None),
        # both genders said of one speaker: no guess
        ("Kim Ha-eun has played for decades. She began at six. Later Kim moved. He says so.", None),
        # a role noun in apposition, and before the name
        ("Kim Ha-eun, a mother of three, runs the shop.", "female"),
        ("Today, congressman Kim Ha-eun visits the shop.", "male"),
        # a father in a relative clause is not the speaker
        ("Kim Ha-eun, a baker whose father ran the shop, stayed on.", None),
    ],
)
def test_23_import_infers_gender_only_from_evidence_about_the_speaker(
    text: str, gender: str | None
) -> None:
    page = f"JO PARK, HOST: {text}\n\nKIM HA-EUN: I have worked here all my life.\n"
    result = importer.import_transcript(page, "page.txt", today=dt.date(2000, 1, 1))
    voice = yaml.safe_load(result.yaml)["voices"]["kim"]["voice"]
    assert voice.get("gender") == gender


def test_24_a_summary_left_out_above_a_transcript_heading_keeps_the_headline() -> None:
    """Two rules together: the page's summary above its "Transcript" heading is left out, but
    a headline above an "Episode Date:" line is still the title, and the lines below the
    heading (a jingle, a player's line) are the programme's, never the title."""
    summary = (
        "The harbour board met on Tuesday to decide the ferry's future, and the captains came "
        "to say what the crossing means to the island. We hear from both sides of the quay."
    )
    body = "\n\n".join(
        [
            "Transcript",
            "Click on a timestamp to play from that location",
            "0:00.0",
            "Harbour Sounds Radio",
            "0:05.0",
            "Good evening, and welcome to the programme about the island and its ferry.",
            "0:11.0",
            "Tonight the harbour board decides whether the old ferry sails again this year.",
            "0:17.0",
            "We went down to the quay to ask the captains what they think of the plan.",
        ]
    )
    headline = "Island Hour - 4. Will the Old Ferry Sail Again This Summer on the Crossing?"
    dated = run(f"{headline}\nEpisode Date: March 3, 2020{summary}\n{body}\n")
    assert dated.transcript.title == headline
    single = run(f"Island Hour\n\nFerries\n\n{summary}\n\n{body}\n")
    assert single.transcript.title != "Harbour Sounds Radio"
    spoken = [p.text for s in single.transcript.stories for p in s.paragraphs if p.spoken]
    assert spoken and not any("board met on Tuesday" in text for text in spoken)
    assert not any("0:" in text for text in spoken)


@pytest.mark.parametrize(
    "line",
    [
        "**Ada Moss:** Thank you, it is good to be here.",
        "**Ada Moss**: Thank you, it is good to be here.",
        "__Ada Moss:__ Thank you, it is good to be here.",
        "- **Ada Moss:** Thank you, it is good to be here.",
        "    • Ada Moss: Thank you, it is good to be here.",
        "> Ada Moss: Thank you, it is good to be here.",
    ],
)
def test_24_a_label_in_markdown_or_after_a_bullet_is_a_label(line: str) -> None:
    result = run(
        f"Kay Mills: Welcome back to Field Notes.\n\n{line}\n\n"
        "Kay Mills: Was the road long?\n\nAda Moss: \\[laughs\\] Very long, and muddy.\n"
    )
    assert who(result) == [
        ("host", "host"), ("interview", "Ada Moss"), ("host", "host"), ("interview", "Ada Moss")
    ]  # fmt: skip
    spoken = " ".join(p.text for p in result.transcript.paragraphs)
    assert not re.search(r"\*|_|•|>|Moss:|\\|laughs", spoken)


def test_24_bold_words_that_are_no_label_keep_their_text() -> None:
    page = "**Note:** the **harbour** was closed for a week, and nobody minded at all.\n"
    assert importer.page_text(page).text.startswith("Note: the **harbour** was")


def test_24_a_line_all_in_bold_is_a_headings_words() -> None:
    assert (
        importer.page_text("**Harbour Board**\n\n**Ferries\n").text == "Harbour Board\n\nFerries\n"
    )
    result = run(
        "Good afternoon, I will start with the harbour and then take questions.\n\n"
        "**Harbour Board\n\nThe harbour board meets today to decide on the ferry.\n"
    )
    assert [s.title for s in result.transcript.stories][-1] == "Harbour Board"


def test_24_the_opening_and_the_title_bill_the_programme_voices() -> None:
    body = (
        "Tom Reyes: Hello, all, and thank you for having me on.\n\n"
        "Ben Ortiz: It did, and the vote was close, nine to eight.\n\n"
        "Tom Reyes: I still think the tax was a mistake from day one.\n\n"
        "Kay Mills: Thank you, Tom.\n\n"
        "Ben Ortiz: Thank you.\n"
    )
    billing = (
        "Kay Mills: Your hosts today are Kay Mills and Ben Ortiz, and our guest is Tom Reyes.\n\n"
    )
    # the opening bills its voices and its guest, whoever speaks first
    first, rest = body.split("\n\n", 1)
    for page in (billing + body, f"{first}\n\n{billing}{rest}"):
        rows = who(run(page))
        assert ("interview", "Tom Reyes") in rows
        assert all(kind == "host" for kind, name in rows if name != "Tom Reyes"), rows
    # the programme's name says whose show it is ("... with NAME"); an interview's does not
    rows = who(run(f"Late Supper with Kay Mills\n\n{body}Kay Mills: Goodbye.\n"))
    assert ("host", "host") in rows and ("interview", "Tom Reyes") in rows
    summary = "We sat down with Kay Mills."  # a summary's sentence bills no one
    assert who(run(f"Late Supper\n\n{summary}\n\n{body}Kay Mills: Goodbye.\n")) == who(
        run(f"Late Supper\n\n{body}Kay Mills: Goodbye.\n")
    )
    unbilled = who(run(f"Late Supper\n\n{body}Kay Mills: Goodbye.\n"))
    assert ("interview", "Kay Mills") in unbilled
    assert who(run(f"Interview with Tom Reyes\n\n{body}Kay Mills: Goodbye.\n")) == unbilled


def test_24_mixed_case_labels_with_a_title_an_honorific_or_an_initial() -> None:
    result = run(
        "Mr Aldo F. Brennan (Moderator): Prime Minister, were you pleased?\n\n"
        "PM Tavita Okafor: We were pleased.\n\nModerator: And the ferry?\n\n"
        "PM Okafor: It sails on.\n\nModerator: Thank you.\n\nPM Okafor: Thank you.\n"
    )
    assert who(result) == [
        ("host", "host"), ("interview", "Tavita Okafor"), ("host", "host"),
        ("interview", "Tavita Okafor"), ("host", "host"), ("interview", "Tavita Okafor"),
    ]  # fmt: skip
    assert result.transcript.people.host is not None
    assert result.transcript.people.host.name == "Aldo F. Brennan"


def test_24_voices_heard_once_may_be_as_many_as_the_turns_of_those_who_recur() -> None:
    once = "".join(
        f"{name}: I was there in {year}, and it was cold.\n\nAnn Lee: Thank you.\n\n"
        f"Jo Park: Next.\n\n"
        for name, year in (("Ted Roe", 1950), ("Bo Quill", 1951), ("Alma Minter", 1952),
                           ("Cy Dorn", 1953), ("Ed Fenn", 1954))
    )  # fmt: skip
    result = run("Ann Lee: Welcome, all of you, to the reunion.\n\nJo Park: Welcome.\n\n" + once)
    spoken = " ".join(p.text for p in result.transcript.paragraphs)
    assert not re.search(r"[A-Z][a-z]+ [A-Z][a-z]+:", spoken)
    assert ("interview", "Cy Dorn") in who(result)


def test_24_a_numbered_voice_that_says_its_name_is_that_person() -> None:
    result = run(
        "SPEAKER 1: Good evening, and welcome. I'm Ada Moss.\n\n"
        "SPEAKER 2: This is Tom Hart, who sailed the strait alone. Tom?\n\n"
        "SPEAKER 3: Thank you, Ada.\n\nSPEAKER 1: How long did it take?\n\n"
        "SPEAKER 3: Nine days, more or less.\n"
    )
    names = [p.person.name if p.person else None for p in result.transcript.paragraphs]
    # the first voice is Ada Moss, the host; "This is Tom Hart" names someone else
    assert result.transcript.people.host is not None
    assert result.transcript.people.host.name == "Ada Moss"
    assert "Tom Hart" not in names and "Speaker 2" in names
    assert "Speaker 1 says their name: Ada Moss" in result.yaml


def test_24_a_numbered_voice_is_named_by_how_the_turn_before_addresses_it() -> None:
    """An Otter-style export ("Speaker 1  0:00" on its own line): the voice the host welcomes
    and thanks by name just before it speaks is that person; addresses naming two people
    name no one."""
    otter = (
        "Speaker 1  0:00\nWelcome back to The Small Kitchen. I'm Priya Raman. Lena, welcome to"
        " the show.\n\nSpeaker 2  0:14\nThanks for having me, Priya.\n\n"
        "Speaker 1  0:20\nWhen did the garage become a bakery?\n\n"
        "Speaker 2  0:24\nIn the winter of 2021.\n\n"
        "Speaker 1  1:17\nLena Hart, thank you so much.\n\nSpeaker 2  1:19\nThank you, Priya.\n"
    )
    result = run(otter)
    names = [p.person.name if p.person else None for p in result.transcript.paragraphs]
    assert names[1::2] == ["Lena Hart"] * 3
    assert "Speaker 2 is addressed by name: Lena Hart" in result.yaml
    other = run(otter.replace("Lena Hart, thank you", "Mona Hart, thank you"))
    assert "Speaker 2" in [p.person.name for p in other.transcript.paragraphs if p.person]
    assert "addressed by name" not in other.yaml


def test_24_a_short_line_holding_a_web_address_and_no_sentence_is_not_spoken() -> None:
    """A recogniser's credit under the last turn ("Transcribed by https://otter.ai") and a
    bare address are furniture; a sentence that reads an address out is spoken."""
    page = (
        "Speaker 1  0:00\nWelcome to the show. I'm Priya Raman.\n\n"
        "Speaker 2  0:05\nThanks, Priya. Visit https://example.org/bakery for the recipe.\n\n"
        "Speaker 1  0:09\nThat's all for this week.\n\nwww.example.org/shows\n\n"
        "Transcribed by https://otter.ai\n"
    )
    result = run(page)
    spoken = " ".join(p.text for p in result.transcript.paragraphs if p.spoken)
    assert "otter.ai" not in spoken and "www.example.org/shows" not in spoken
    assert "Visit https://example.org/bakery for the recipe." in spoken
    assert "Transcribed by https://otter.ai" in result.yaml  # listed as left out


def test_24_cue_words_without_a_colon_are_cues_when_the_page_repeats_them() -> None:
    script = (
        "Ada: Is that the ferry?\n\nSFX a horn, twice\n\nTom: It is.\n\n"
        "SD he waves\n\nAda: Wave back, then.\n\nSFX gulls\n\nSD she waves\n\n"
        "Ada: Goodbye!\n"
    )
    result = run(script)
    spoken = " ".join(p.text for p in result.transcript.paragraphs if p.spoken)
    assert not re.search(r"SFX|SD|horn|gulls|waves", spoken)
    # once only, the capitals are words: "SD he waves" on its own is kept
    once = run("Ada: Is that the ferry?\n\nSD he waves\n\nTom: It is.\n\nAda: Good.\n\nTom: Yes.\n")
    assert any("SD he waves" in p.text for p in once.transcript.paragraphs)


def test_24_a_scripts_characters_may_be_roles_and_speak_once() -> None:
    result = run(
        "MUSIC: Theme.\n\nAda: Is that the ferry?\n\nSOUND: A horn.\n\n"
        "Radio Officer: Message from the ferry, madam.\n\nCaptain (on deck): Let her in.\n\n"
        "Ada: At last.\n"
    )
    assert [p.person.name for p in result.transcript.paragraphs if p.person] == [
        "Radio Officer", "Captain"
    ]  # fmt: skip
    assert not any(":" in p.text for p in result.transcript.paragraphs if p.spoken)
    assert all(p.kind == "host" for p in result.transcript.paragraphs if p.spoken)
    # without cue lines a role once ("Radio Officer:") is no label
    plain = run("Ada: Is that the ferry?\n\nRadio Officer: Message for you.\n\nAda: Good.\n")
    assert any(p.text.startswith("Radio Officer:") for p in plain.transcript.paragraphs)


def test_24_at_a_press_call_the_office_holder_is_the_host_and_reporters_ask() -> None:
    result = run(
        "Operator: First question, from the Courier.\n\n"
        "Reporter: Governor, how many homes are without power?\n\n"
        "Governor Ines Calloway: About four thousand.\n\n"
        "Operator: Next question.\n\nReporter: Will the schools open?\n\n"
        "Governor Ines Calloway: They will.\n"
    )
    assert who(result) == [
        ("host", "Operator"), ("interview", "Reporter"), ("host", "host"),
        ("host", "Operator"), ("interview", "Reporter"), ("host", "host"),
    ]  # fmt: skip
    assert result.transcript.people.host is not None
    assert result.transcript.people.host.name == "Ines Calloway"
    # a reporter who files a report is the programme's, even asking in a vox pop
    for said in ("The water fell a foot.", "How high did it come?"):
        report = run(
            f"HOST: The floods are receding.\n\nREPORTER: {said}\n\n"
            "HOST: Thank you.\n\nREPORTER: And did the sandbags hold?\n"
        )
        assert ("host", "Reporter") in who(report)


def test_24_after_name_reports_the_narration_is_the_reporters_and_a_quote_its_speakers() -> None:
    result = run(
        "The keepers met in Portnell today for the last time.\n\nOdile Marsh reports.\n\n"
        "(Click here to listen to the full report)\n\n"
        "There were eleven of them in the old harbour hall that afternoon.\n\n"
        "But Senator Tobias Wren says the stairs were never the hard part of the job.\n\n"
        '"I count them on the way up and on the way down, every single time."\n\n'
        "The keepers are now writing down what they remember of the lights.\n"
    )
    assert who(result) == [
        ("host", "host"), ("host", "host"), ("host", "Odile Marsh"), ("host", "Odile Marsh"),
        ("interview", "Tobias Wren"), ("host", "Odile Marsh"),
    ]  # fmt: skip
    assert "Click" not in " ".join(p.text for p in result.transcript.paragraphs)


def test_24_a_title_after_a_function_word_still_marks_a_name() -> None:
    people = importer.People()
    assert [p.name for p in people.named_in("But Senator Xenophon says so.")] == ["Xenophon"]


def test_24_a_report_handed_over_inside_a_paragraph_gets_its_own() -> None:
    result = run(
        "The storm closed every road on the coast overnight, and eleven ferries stayed in port"
        " Our correspondent on the coast, Odile Marsh, reports. The wind began at midnight and"
        " it has not stopped since.\n"
    )
    paragraphs = [p for p in result.transcript.paragraphs if p.spoken]
    assert paragraphs[-1].text == "The wind began at midnight and it has not stopped since."
    assert paragraphs[-1].person is not None and paragraphs[-1].person.name == "Odile Marsh"
    assert paragraphs[0].person is None and paragraphs[0].text.endswith("reports.")


def test_24_hi_its_name_introduces_the_host() -> None:
    result = run(
        "Harbour Hour\n\nHi, it's Ada Moss, and today I have something a little different.\n\n"
        "Tom Hart came to the studio last week.\n\nI have wanted to meet him for years.\n"
    )
    assert result.transcript.people.host is not None
    assert result.transcript.people.host.name == "Ada Moss"
    assert "the host introduces themselves: Ada Moss" in result.yaml


@pytest.mark.parametrize(
    ("reply", "kind"),
    [("It has rained for nine days now.", "host"), ("Thanks for having me, Ada.", "interview")],
)
def test_24_numbered_voices_are_all_the_programmes_unless_a_guest_is_heard(
    reply: str, kind: str
) -> None:
    result = run(
        "Speaker 1: Good evening, this is the late shift, and it is raining again.\n\n"
        f"Speaker 2: {reply}\n\nSpeaker 1: The ferry is running, at least.\n\n"
        "Speaker 2: It is, and the tide is in by six.\n"
    )
    assert [k for k, name in who(result) if name == "Speaker 2"] == [kind, kind]


def test_24_a_numbered_list_keeps_its_numbers_and_court_style_lines_lose_them() -> None:
    listed = "".join(f"{n} Item number {n} of the list.\n" for n in (1, 2, 3, 4))
    assert importer.page_text(listed).text == listed
    court = "\n\n".join(f"{n} words of line {n} of the page go on" for n in range(1, 16))
    text = importer.page_text(court + "\n").text
    assert not re.search(r"^\d", text, re.M) and "words of line 15" in text


def test_24_narration_naming_someone_after_a_clip_is_the_anchors_again() -> None:
    result = run(
        "ANN LEE, NEWS ANCHOR: The harbour master, Ilse Voss, spoke on Tuesday.\n\n"
        "VOSS: The old pier is not safe.\n\n"
        "Harbour Secretary Jo Pike hinted at a new pier by the spring.\n\n"
        "PIKE: We will build it, and we will build it on time.\n\n"
        "Voss asked for the money before the winter.\n\n"
        "VOSS: We cannot wait.\n\nAnd we will not wait, either.\n"
    )
    assert [(kind, name) for kind, name in who(result)] == [
        ("host", "host"), ("interview", "Voss"), ("host", "host"), ("interview", "Pike"),
        ("host", "host"), ("interview", "Voss"), ("interview", "Voss"),
    ]  # fmt: skip


def test_24_a_label_glued_to_the_page_text_and_a_role_in_two_parts() -> None:
    result = run(
        "Support our station and learn moreabout sponsorshipANN LEE: Good evening.\n"
        "Tonight, the harbour plans for more storms.\n"
        "JO PIKE, Senior Harbour Planner, Dunmore: In the future, this will happen monthly.\n"
        "ANN LEE: Thank you.\n"
    )
    spoken = " ".join(p.text for p in result.transcript.paragraphs if p.spoken)
    assert "LEE:" not in spoken and "PIKE" not in spoken and "Planner" not in spoken
    assert ("interview", "Jo Pike") in who(result)
    assert result.transcript.paragraphs[0].text == "Good evening."


def test_24_a_name_after_the_is_no_person() -> None:
    result = run(
        "I'm Nell Garvey and we are coming to you from the Dunmore Fringe.\n\n"
        "I have not seen this much rain since the ferry sank.\n"
    )
    assert who(result) == [("host", "host"), ("host", "host")]
    assert all(p.name != "Dunmore Fringe" for p in result.transcript.people.known)


def test_24_a_voice_that_answers_the_hosts_questions_is_no_reporter_signing_off() -> None:
    result = run((DATA / "guest-says-name-then-answers.txt").read_text(encoding="utf-8"))
    assert [kind for kind, name in who(result) if name == "Ada Lind"] == ["interview"] * 4
    assert "signs off" not in result.yaml


def test_24_a_second_voice_opening_its_own_programme_takes_the_floor() -> None:
    result = run((DATA / "second-host-opens-own-show.txt").read_text(encoding="utf-8"))
    rows = who(result)
    start = next(
        i for i, p in enumerate(result.transcript.paragraphs) if p.text == "This is Tide Talk."
    )
    assert rows[start:] == [("host", "Tom Hart")] * (len(rows) - start)
    assert rows[:start] == [("host", "host")] * start
    assert result.transcript.people.host is not None
    assert result.transcript.people.host.name == "Ada Moss"


def test_24_a_guest_saying_their_name_without_a_programme_opener_opens_nothing() -> None:
    result = run(
        "Hi, it's Ada Moss.\n\nI went down to the docks to meet a fisherman.\n\n"
        "I'm Tom Hart. I have fished here for forty years.\n\nThe nets are empty now.\n"
    )
    assert all(p.programme is None for p in result.transcript.people.known)


def test_24_a_panelist_asking_back_in_a_big_panel_stays_a_guest() -> None:
    result = run((DATA / "panel-guest-asks-back.txt").read_text(encoding="utf-8"))
    assert {kind for kind, name in who(result) if name == "Hale"} == {"interview"}
    assert result.transcript.people.host is not None
    assert result.transcript.people.host.name == "Quill"


@pytest.mark.parametrize(
    ("handover", "reader"),
    [("First, the news.", "Newsreader"), ("Now the news, with Ruth Okafor.", "Ruth Okafor")],
)
def test_24_a_hand_over_to_the_news_gives_the_bulletin_to_its_reader(
    handover: str, reader: str
) -> None:
    result = run(
        f"Good morning, and a year of storms ahead. {handover}\n\n"
        "Heavy snow has closed every road into Dunmore overnight.\n\n"
        "The ferry is cancelled until Tuesday.\n"
    )
    assert who(result) == [("host", "host"), ("host", reader), ("host", reader)]
    assert f"check: {reader} (newsreader): after “{handover}”" in result.yaml


_FERRIES = "Dunmore Ferries sail to the islands every day of the week."


@pytest.mark.parametrize(
    ("opening", "announced"),
    [
        (f"This message comes from Dunmore Ferries and the harbour board.\n\n{_FERRIES}", 2),
        (_FERRIES, 0),
    ],
)
def test_24_a_network_ident_before_the_programme_opens_is_the_announcers(
    opening: str, announced: int
) -> None:
    result = run(
        f"Harbour Hour\n\n{opening}\n\n"
        "Welcome to Harbour Hour, the show that reads the tide tables for you.\n\n"
        "I'm Nell Garvey and this week the ferry has stopped again.\n"
    )
    assert [name for _, name in who(result)].count("Announcer") == announced
    assert who(result)[-2:] == [("host", "host"), ("host", "host")]


def test_24_its_name_who_introduces_someone_else() -> None:
    result = run((DATA / "its-name-who-introduces-someone.txt").read_text(encoding="utf-8"))
    assert result.transcript.people.host is None
    assert who(result)[-1] == ("interview", "Ada Lind")


@pytest.mark.parametrize(("source", "kind"), [("[From “Wet Feet”] ", "host"), ("", "interview")])
def test_24_a_clip_that_names_its_source_ends_with_its_words(source: str, kind: str) -> None:
    result = run(
        "NELL GARVEY, HOST: The show began in a shed by the harbour, twenty years ago.\n\n"
        f"JO PIKE: {source}The first thing you notice out there is the cold.\n\n"
        "The early shows grew out of the books I was writing in the shed.\n"
    )
    assert who(result)[-1][0] == kind


def test_24_a_briefing_with_bare_q_and_a_is_held_by_whoever_answers() -> None:
    """A page headed as a press conference, with bare "Q:" and "A:": the spokesperson
    answering holds it (the host); the journalists asking are guests, not the host."""
    result = run(
        "Port Office Spokesperson Ben Ode's Press Briefing on June 3, 2030\n\n"
        "Q: Is the bridge safe?\n\nA: It is, and it was checked in May.\n\n"
        "Q: When does it open?\n\nA: On Monday.\n"
    )
    assert who(result) == [("interview", "Journalist"), ("host", "host")] * 2
    # the same bare labels under an interview's headline: the one asking is the host
    result = run(
        "An Interview with Ben Ode\n\nQ: Is the bridge safe?\n\nA: It is, and it was checked.\n"
    )
    assert who(result)[0][0] == "host"


def test_24_a_voice_labelled_only_under_bare_questions_answers_them() -> None:
    """An interview that labels only the answers, each under a question printed bare: the
    labelled voice is the guest and the bare questions are the host's, though it opens the
    page and speaks most."""
    result = run(
        "Was the harbour year a good one? What comes next?\n\n"
        "ANN LEE: It was a fine year. The new quay opened and the ferries ran.\n\n"
        "We rebuilt the lighthouse too, and the pilots trained four new crews.\n\n"
        "But the strike cost you a month. Is that not a failure?\n\n"
        "ANN LEE: A month, yes, and we learnt from it. The talks go on.\n\n"
        "Nobody lost pay in the end.\n"
    )
    assert who(result) == [
        ("interview", "Ann Lee"),
        ("interview", "Ann Lee"),
        ("host", "host"),
        ("interview", "Ann Lee"),
        ("interview", "Ann Lee"),
    ]


def test_24_a_reporter_whose_question_runs_on_is_a_journalist_asking() -> None:
    """ "Reporter:" turns at a media session, one question cut off after its "?" ("... And
    secondly, about ..."), one a bare "Yes.": still a journalist asking, so a guest, and the
    official answering holds the session."""
    result = run(
        "Reporter: Will the quay reopen this week? And secondly, about the ferries ...\n\n"
        "Ann Lee: The quay opens on Friday.\n\n"
        "Reporter: No, I mean the north quay.\n\n"
        "Ann Lee: The north quay too.\n\n"
        "Reporter: Are you sure about Friday?\n\n"
        "Ann Lee: Quite sure.\n\n"
        "Reporter: And the lighthouse, when does it open?\n\n"
        "Ann Lee: In July.\n\n"
        "Reporter: Yes.\n\n"
        "Ann Lee: Thank you all.\n"
    )
    kinds = [kind for kind, _ in who(result)]
    assert kinds == ["interview", "host"] * 5
