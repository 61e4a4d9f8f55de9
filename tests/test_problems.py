"""Loading reports every problem of the episode, its show and their voices in one run, in
order of file and line, each with its line and what to do: a misspelled key, a key that
belongs elsewhere, a file name close to one that is there, and YAML syntax errors in plain
words."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from broadcast_kit import loader
from broadcast_kit.cli import app
from broadcast_kit.errors import ConfigError
from tests.conftest import ROOT, write_episode

runner = CliRunner()


def errors(episode: Path, *extra: str) -> list[str]:
    result = runner.invoke(app, ["render", str(episode), "--out", "dist", *extra])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    assert not Path("dist").exists()
    return [line.removeprefix("error: ") for line in result.stderr.splitlines()]


@pytest.fixture
def shared(show_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The show folder as the working folder, with the sample's theme in assets/."""
    monkeypatch.chdir(show_dir)
    (show_dir / "assets").mkdir()
    shutil.copy(ROOT / "assets" / "theme.mp3", show_dir / "assets" / "theme.mp3")
    return show_dir


def test_five_mistakes_across_episode_show_and_voices_in_one_run(shared: Path) -> None:
    show = shared / "show.yaml"
    show.write_text(
        show.read_text()
        .replace("author: Test Author", "autor: Test Author")
        .replace("voxpop: {engine: fake, voice: high}", "voxpop: {engine: fake, voice: hihg}")
        + "  guest: {engine: fak, voice: low}\n"
    )
    episode = write_episode(
        shared,
        """\
        title: Five mistakes
        date: 2024-01-02
        segments:
          - music: ../assets/thme.mp3
            role: intro
          - host: Good evening.
            speed: 1.1
          - interview: Hello there.
            speakr: guest
          - musc: ../assets/theme.mp3
          - voxpop: Lovely.
        """,
    )
    found = errors(episode)
    # other tests may register engines of their own: the list of installed ones varies
    assert found[-1].startswith("show.yaml:12: voices.guest.engine: unknown engine 'fak';")
    assert found[-1].endswith("; did you mean 'fake'?")
    assert found[:-1] == [
        "ep1/episode.yaml:4: music file assets/thme.mp3 does not exist; did you mean"
        " ../assets/theme.mp3 (in the same folder)?",
        "ep1/episode.yaml:7: segments[1].speed: unknown field; 'speed' is a voice setting: it"
        " goes under voices: in the episode or show.yaml (host: {speed: ...})",
        "ep1/episode.yaml:9: segments[2].speakr: unknown field; did you mean 'speaker'?",
        "ep1/episode.yaml:10: segments[3]: 'musc' is not a kind of segment; did you mean 'music'?",
        "show.yaml:3: autor: unknown field; did you mean 'author'?",
        "show.yaml:11: voices.voxpop: unknown fake voice 'hihg'; voices: low, mid, high",
    ]


def test_a_broken_voice_is_checked_for_what_else_is_wrong_with_it(shared: Path) -> None:
    episode = write_episode(
        shared,
        """\
        title: x
        date: 2024-01-02
        voices:
          shin: {engine: festivl, pich: 2}
        segments:
          - interview: Hello.
            speaker: shin
        """,
    )
    found = errors(episode)
    assert found[0] == "ep1/episode.yaml:4: voices.shin.pich: unknown field; did you mean 'pitch'?"
    assert found[1].startswith("ep1/episode.yaml:4: voices.shin.engine: unknown engine 'festivl'")
    assert len(found) == 2  # its key stays defined: no "unknown voice 'shin'"


def test_a_malformed_episode_still_has_its_show_checked(shared: Path) -> None:
    show = shared / "show.yaml"
    show.write_text(show.read_text().replace("language: en", "langauge: en"))
    episode = write_episode(
        shared, "title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n   x: 1\n"
    )
    found = errors(episode)
    assert found[0].startswith("ep1/episode.yaml:5: malformed YAML: line 5")
    assert found[1] == "show.yaml:5: langauge: unknown field; did you mean 'language'?"


@pytest.mark.parametrize(
    ("field", "segment", "hint"),
    [
        ("speed: 1.1", "interview: Hi.\n    speaker: guest", "'speed' is a voice setting"),
        ("role: intro", "host: Hi.", "'role' belongs to music segments (- music: ...)"),
        ("speaker: Ann", "host: Hi.", "'speaker' belongs to interview and voxpop segments"),
        ("date: 2024-01-01", "host: Hi.", "'date' goes at the top of the episode file"),
        ("pitch: 2", "host: Hi.", "(host: {pitch: ...})"),
        ("voice: joe", "interview: Hi.\n    speaker: guest", "(guest: {voice: ...})"),
    ],
)
def test_a_key_in_the_wrong_place_says_where_it_goes(
    shared: Path, field: str, segment: str, hint: str
) -> None:
    body = f"title: x\ndate: 2024-01-02\nsegments:\n  - {segment}\n    {field}\n"
    (found,) = errors(write_episode(shared, body))
    assert "unknown field; " + hint in found or hint in found, found


@pytest.mark.parametrize(
    ("file", "line", "hint"),
    [
        ("episode", "author: Ann", "'author' is a show setting: it goes in show.yaml"),
        ("episode", "speed: 1.2", "'speed' is a voice setting"),
        ("show", "date: 2024-01-01", "'date' belongs in each episode's episode.yaml"),
        ("show", "segments: []", "'segments' belongs in each episode's episode.yaml"),
    ],
)
def test_a_top_level_key_in_the_wrong_file_says_which_file(
    shared: Path, file: str, line: str, hint: str
) -> None:
    body = "title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n"
    if file == "episode":
        body += line + "\n"
    else:
        show = shared / "show.yaml"
        show.write_text(show.read_text() + line + "\n")
    (found,) = errors(write_episode(shared, body))
    assert hint in found


def test_a_misspelled_segments_key_is_the_only_problem(shared: Path) -> None:
    (found,) = errors(write_episode(shared, "title: x\ndate: 2024-01-02\nsegment:\n  - host: hi\n"))
    assert found == "ep1/episode.yaml:3: segment: unknown field; did you mean 'segments'?"


def test_missing_files_point_at_the_name_that_is_there(shared: Path) -> None:
    body = """\
        title: x
        date: 2024-01-02
        segments:
          - music: ../asets/theme.mp3
          - music: ../assets/THEME.mp3
          - music: ../nowhere/theme.mp3
          - host: hi
        """
    found = errors(write_episode(shared, body))
    assert found[0].endswith("does not exist; did you mean ../assets/theme.mp3?")
    assert found[1].endswith(
        "does not exist; did you mean ../assets/theme.mp3 (in the same folder)?"
    )
    assert found[2].endswith("does not exist (there is no folder nowhere)")
    show = shared / "show.yaml"
    show.write_text(show.read_text().replace("cover: cover.jpg", "cover: covr.jpg"))
    assert errors(write_episode(shared, body))[-1] == (
        "show.yaml:7: cover file covr.jpg does not exist; did you mean cover.jpg (in the same"
        " folder)?"
    )


def test_problems_are_ordered_by_file_then_line(shared: Path) -> None:
    show = shared / "show.yaml"
    show.write_text(show.read_text().replace("language: en", "languag: en") + "bogus: 1\n")
    body = "title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n    vioce: host\n  - hots: x\n"
    episode = write_episode(shared, body)
    with pytest.raises(ConfigError) as raised:
        loader.load(episode)
    assert [p.split(": ")[0] for p in raised.value.problems] == [
        "ep1/episode.yaml:5",
        "ep1/episode.yaml:6",
        "show.yaml:5",
        "show.yaml:12",
    ]
    assert str(raised.value) == raised.value.problems[0]


def test_render_needs_no_base_url(shared: Path, tmp_path: Path) -> None:
    show = shared / "show.yaml"
    show.write_text(show.read_text().replace("base_url: https://example.org/test/\n", ""))
    episode = write_episode(shared, "title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n")
    result = runner.invoke(app, ["render", str(episode), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


def _source(text: str) -> str:
    return textwrap.dedent(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a key between two columns: PyYAML says "expected <block end>, but found '<block
            # mapping start>'"
            "title: x\nsegments:\n  - interview: hi\n   speaker: shin\n",
            "4: malformed YAML: line 4 ('speaker: shin') is indented 3 spaces, which lines up"
            " with nothing above it ('interview' on line 3 is at 4, 'segments' on line 2 is at"
            " 0): indent it 4 spaces to go with 'interview', or 0 to go with 'segments'",
        ),
        (  # a key at the column of the item's '-': PyYAML says "... but found '?'"
            "title: x\nsegments:\n  - interview: hi\n  speaker: shin\n",
            "4: malformed YAML: line 4 ('speaker: shin') is indented 2 spaces, as far as the"
            " '-' on line 3, which starts a list item; its keys line up with 'interview' (4"
            " spaces): indent it like them if it belongs to that item",
        ),
        (
            "title: x\nvoices:\n  shin:\n    engine: piper\n   speed: 1\n",
            "5: malformed YAML: line 5 ('speed: 1') is indented 3 spaces, which lines up with"
            " nothing above it ('engine' on line 4 is at 4, 'shin' on line 3 is at 2): indent"
            " it 4 spaces to go with 'engine', or 2 to go with 'shin'",
        ),
        (
            "title: x\n date: 2024-01-02\n",
            "2: malformed YAML: line 2 ('date: 2024-01-02') is indented 1 space, deeper than"
            " 'title' on line 1, which already has a value",
        ),
        (
            "title: x\nsegments:\n  - host: Note: this is it\n",
            "3: malformed YAML: line 3 has a second ': ' in the value of 'host'; quote a value"
            ' that contains ": ": - host: "Note: this is it"',
        ),
        ("title: x\nsegments:\n\t- host: hi\n", "3: malformed YAML: line 3 has a tab"),
        ('title: "x\nsegments: []\n', "1: malformed YAML: the quote opened on line 1 is never"),
        (
            "title: x\nsegments:\n  - host: hi there\n  and more words\n",
            "4: malformed YAML: line 4 ('and more words') is not a 'key: value' line",
        ),
        ('title: "x" and more\n', "1: malformed YAML: line 1 has more text after a closing"),
        ("title: @home\n", "1: malformed YAML: line 1: '@' is reserved in YAML"),
    ],
)
def test_yaml_syntax_errors_in_plain_words(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "episode.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as raised:
        loader.parse_yaml(path)
    message = str(raised.value)
    assert message == f"{path}:{expected}" or message.startswith(f"{path}:{expected}"), message
    assert "<block" not in message and "'?'" not in message
