"""The script text format: speaker lines, chapters and cues become the same parts as YAML, and
every mistake is reported at its script line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from broadcast_kit import loader, model, script
from broadcast_kit.errors import InputError
from broadcast_kit.render import estimate
from tests.conftest import write_episode

VOICES = textwrap.dedent("""\
    voices:
      shin: {engine: fake, voice: low, name: Shin Jeong-hwa}
      voxpop-2: {engine: fake, voice: high, pitch: -3}
    """)

SCRIPT = """\
[MUSIC intro: theme.mp3 overlap 4]
## Talks resume
HOST: Government officials from North Korea and Japan have wrapped up
their preliminary talks in Beijing.

Professor Shin explains why.

SHIN: North Korea and Japan have resumed their talks.

For that reason, I think Japan also needs to make some concession.

SHIN: [CLIP shin-01.mp3 from 1.5 to 9: Japan has insisted
on a complete solution.]
[PAUSE 1.5s]
[STING: sting.mp3]

## A concert
[MUSIC bed: bed.mp3 under 2 level -4 duck -18]
HOST: The concert hall was full.

VOXPOP(Concert visitor): I was impressed by accordion player Im.
VOXPOP-2(Concert visitor): I hope the two Koreas will help each other.
[NOTE the outro fades under the last line]
[MUSIC outro: theme.mp3 overlap 3 fade-out 2s]
"""

SEGMENTS = textwrap.dedent("""\
    segments:
      - music: theme.mp3
        role: intro
        overlap: 4
      - chapter: Talks resume
      - host: >-
          Government officials from North Korea and Japan have wrapped up
          their preliminary talks in Beijing.
      - host: Professor Shin explains why.
      - interview: North Korea and Japan have resumed their talks.
        speaker: shin
      - interview: For that reason, I think Japan also needs to make some concession.
        speaker: shin
      - interview:
        speaker: shin
        audio: shin-01.mp3
        start: 1.5
        end: 9
        transcript: Japan has insisted on a complete solution.
      - pause: 1.5
      - music: sting.mp3
        role: sting
      - chapter: A concert
      - music: bed.mp3
        role: bed
        under: 2
        level: -4
        duck: -18
      - host: The concert hall was full.
      - voxpop: I was impressed by accordion player Im.
        speaker: Concert visitor
      - voxpop: I hope the two Koreas will help each other.
        speaker: Concert visitor
        voice: voxpop-2
      - music: theme.mp3
        role: outro
        overlap: 3
        fade_out: 2
    """)

HEAD = textwrap.dedent("""\
    title: Talks resume
    date: 2012-09-06
    """)


def media(folder: Path) -> None:
    """Placeholder audio files: loading only checks that they exist."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("theme.mp3", "sting.mp3", "bed.mp3", "shin-01.mp3"):
        (folder / name).write_bytes(b"ID3")


def inline(script_text: str) -> str:
    return HEAD + VOICES + "script: |\n" + textwrap.indent(script_text, "  ")


def yaml_episode(show_dir: Path) -> Path:
    media(show_dir / "ep")
    return write_episode(show_dir, HEAD + VOICES + SEGMENTS, "ep")


def script_episode(show_dir: Path) -> Path:
    """The same episode as script text, next to the YAML one (same folder, same files)."""
    media(show_dir / "ep")
    path = show_dir / "ep" / "script.yaml"
    path.write_text(inline(SCRIPT), encoding="utf-8")
    return path


def parts(text: str) -> list[model.Part]:
    return [part for part, _ in script.parse(text, "s.txt")]


def test_speakers_paragraphs_and_lines() -> None:
    listed = script.parse(SCRIPT, "s.txt")
    lines = [line for _, line in listed]
    kinds = [model.kind_of(part) for part, _ in listed]
    assert kinds == [
        "music", "chapter", "host", "host", "interview", "interview", "interview", "pause",
        "music", "chapter", "music", "host", "voxpop", "voxpop", "music",
    ]  # fmt: skip
    assert lines == [1, 2, 3, 6, 8, 10, 12, 14, 15, 17, 18, 19, 21, 22, 24]
    host = listed[2][0]
    assert isinstance(host, model.HostPart)
    assert host.host == (
        "Government officials from North Korea and Japan have wrapped up their preliminary"
        " talks in Beijing."
    )


def test_cues_map_to_part_fields() -> None:
    found = parts(SCRIPT)
    intro, clip, pause, sting, bed, outro = (found[i] for i in (0, 6, 7, 8, 10, 14))
    assert intro == model.MusicPart(music=Path("theme.mp3"), role="intro", overlap=4)
    assert clip == model.InterviewPart(
        speaker="shin",
        audio=Path("shin-01.mp3"),
        start=1.5,
        end=9,
        transcript="Japan has insisted on a complete solution.",
    )
    assert pause == model.PausePart(pause=1.5)
    assert sting == model.MusicPart(music=Path("sting.mp3"), role="sting")
    assert bed == model.MusicPart(music=Path("bed.mp3"), role="bed", under=2, level=-4, duck=-18)
    assert outro == model.MusicPart(music=Path("theme.mp3"), role="outro", overlap=3, fade_out=2)


def test_voxpop_labels() -> None:
    first, second, third = parts("VOXPOP: One.\nVOXPOP(Concert visitor): Two.\nVOXPOP-2: Three.")
    assert first == model.VoxpopPart(voxpop="One.")
    assert second == model.VoxpopPart(voxpop="Two.", speaker="Concert visitor")
    assert third == model.VoxpopPart(voxpop="Three.", voice="voxpop-2")


def test_a_bare_clip_belongs_to_the_current_speaker_and_names_are_quoted() -> None:
    found = parts('SEO: Hello there.\n[CLIP "seo clip.mp3"]\n[PAUSE 2]')
    assert found[1] == model.InterviewPart(speaker="seo", audio=Path("seo clip.mp3"))
    assert found[2] == model.PausePart(pause=2)


def test_file_names_are_rebased_to_the_episode_folder() -> None:
    [(music, _)] = script.parse("[MUSIC bed: ../music/bed.mp3]", "s", folder=Path("scripts"))
    assert isinstance(music, model.MusicPart)
    assert music.music == Path("scripts/../music/bed.mp3")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("HOST: hi\n[SFX door.mp3]", "s.txt:2: unknown cue '[SFX door.mp3]'; cues are [MUSIC"),
        ("\nhello there", "s.txt:2: text before any speaker; start the paragraph with a speaker"),
        ("HOST: hi\n[MUSIC bed: b.mp3 volume 3]", "s.txt:2: MUSIC: unknown option 'volume';"),
        ("HOST: hi\n[MUSIC bed: b.mp3 under]", "s.txt:2: MUSIC: options come in pairs"),
        ("HOST: hi\n[MUSIC: b.mp3]", "s.txt:2: MUSIC needs a role and a file"),
        ("HOST: hi\n[MUSIC jingle: b.mp3]", "roles: intro, outro, bed, sting"),
        ("HOST: hi\n[MUSIC bed: b.mp3 level loud]", "s.txt:2: MUSIC level: 'loud' is not a number"),
        ("HOST: hi\n[MUSIC bed: b.mp3 level -90]", "s.txt:2: MUSIC: level: Input should be"),
        ("HOST: hi\n[STING sting.mp3]", "s.txt:2: write the sting as [STING: file.mp3]"),
        ("# Title\nHOST: hi", "s.txt:1: '# Title': a chapter heading is '## Title'"),
        ("HOST: hi\n\n[PAUSE two]", "s.txt:3: PAUSE: 'two' is not a number"),
        ("HOST: hi\n[PAUSE 0]", "s.txt:2: PAUSE: pause: Input should be greater than 0"),
        ("[CLIP a.mp3]", "s.txt:1: CLIP before any speaker"),
        ("SHIN: [CLIP a.mp3 from 3 to 2: words]", "s.txt:1: CLIP: end (2.0) must be after"),
        ("SHIN: [CLIP a.mp3 at 3]", "s.txt:1: CLIP: after the file only 'from SECONDS'"),
        ("HOST(Anna): hi", "s.txt:1: HOST(Anna): a description in brackets is only for VOXPOP"),
        ("HOST: hi\n[MUSIC bed: b.mp3\nunder 2", "s.txt:2: cue is not closed; end it with ']'"),
        ('HOST: hi\n[MUSIC bed: "b.mp3]', "s.txt:2: No closing quotation"),
        (
            "HOST: Welcome.\nSHIN: [NOTE warmly] Hi there.\nHOST: Bye now.",
            "s.txt:2: put the cue [NOTE warmly] on a line of its own",
        ),
        ("[PAUSE 1s] and then\nHOST: hi", "s.txt:1: put the cue [PAUSE 1s] on a line of its own"),
    ],
)
def test_errors_name_the_script_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        script.parse(text, "s.txt")
    assert message in str(raised.value)


def test_script_and_yaml_give_identical_parts(show_dir: Path) -> None:
    from_yaml = loader.load(yaml_episode(show_dir))
    from_script = loader.load(script_episode(show_dir))
    assert from_script.parts == from_yaml.parts
    assert estimate.describe_parts(from_script) == estimate.describe_parts(from_yaml)


def test_inline_script_lines_point_into_episode_yaml(show_dir: Path) -> None:
    production = loader.load(script_episode(show_dir))
    # HEAD (2 lines) + voices (3) + "script: |" on line 6: the script starts on line 7
    assert production.part_lines[0] == f"{loader.display(production.episode_path)}:7"
    assert production.part_lines[-1].endswith("script.yaml:30")
    media(show_dir / "bad")
    path = write_episode(show_dir, inline("HOST: hi\n\n[PAUSE never]\n"), "bad")
    with pytest.raises(InputError, match=r"bad/episode\.yaml:9: PAUSE: 'never' is not a number"):
        loader.load(path)


def test_unknown_voice_in_a_script_names_its_line(show_dir: Path) -> None:
    path = write_episode(show_dir, inline("HOST: hi\nBOB: hello\n"), "bob")
    with pytest.raises(InputError, match=r"bob/episode\.yaml:8: unknown voice 'bob'; defined"):
        loader.load(path)


def test_script_file_in_another_folder(show_dir: Path) -> None:
    media(show_dir / "ep" / "music")
    scripts = show_dir / "ep" / "scripts"
    scripts.mkdir()
    (scripts / "talks.txt").write_text(
        "HOST: Hello.\n\n[MUSIC bed: ../music/bed.mp3 under 1]\nHOST: Welcome back.\n",
        encoding="utf-8",
    )
    path = write_episode(show_dir, HEAD + "script_file: scripts/talks.txt\n", "ep")
    production = loader.load(path)
    assert production.part_lines[1].endswith("scripts/talks.txt:3")
    music = production.parts[1]
    assert (
        isinstance(music, model.MusicPart)
        and music.music.resolve() == (show_dir / "ep" / "music" / "bed.mp3").resolve()
    )
    assert estimate.describe_parts(production)[1]["file"] == "music/bed.mp3"

    (scripts / "talks.txt").write_text("HOST: Hello.\n[STING: missing.mp3]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"talks\.txt:2: music file .*missing\.mp3 does not exist"):
        loader.load(path)


def test_missing_script_file_and_empty_script(show_dir: Path) -> None:
    path = write_episode(show_dir, HEAD + "script_file: nope.txt\n", "none")
    with pytest.raises(InputError, match=r"episode\.yaml:3: script_file: .*nope\.txt does not"):
        loader.load(path)
    path = write_episode(show_dir, inline("## Only a chapter\n[PAUSE 1]\n"), "empty")
    with pytest.raises(InputError, match="the script has nothing to play"):
        loader.load(path)


def test_one_line_script_value(show_dir: Path) -> None:
    path = write_episode(show_dir, HEAD + "script: 'HOST: Good evening.'\n", "one")
    production = loader.load(path)
    assert production.parts == [model.HostPart(host="Good evening.")]
    assert production.part_lines == [f"{loader.display(path)}:3"]


def test_a_label_without_a_space_still_starts_a_speaker() -> None:
    parts = [p for p, _ in script.parse("HOST: Good evening.\nSHIN:Hello.", "s.txt")]
    assert [(model.kind_of(p), model.spoken_text(p)) for p in parts] == [
        ("host", "Good evening."),
        ("interview", "Hello."),
    ]


def test_folded_inline_script_is_refused(show_dir: Path) -> None:
    episode = write_episode(
        show_dir,
        "title: x\ndate: 2024-01-01\nscript: >\n  HOST: Good evening.\n  SHIN: Hello.\n",
    )
    with pytest.raises(InputError, match=r"episode.yaml:3: script: use 'script: \|'"):
        loader.load(episode)
