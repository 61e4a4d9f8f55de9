"""Bad input: one `error:` line naming the file, line or field and the fix; exit 2 for bad
input, 1 for failures; no traceback; nothing written to the output folder (new or holding
earlier renders) or the cache. Unknown fields are errors in every model of the two files."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError
from typer.testing import CliRunner

from broadcast_kit import model
from broadcast_kit.cli import app
from broadcast_kit.errors import OutputError
from broadcast_kit.render import pipeline
from broadcast_kit.testing import FakeEngine
from tests.conftest import write_episode

runner = CliRunner()

GOOD = """\
    title: Episode
    date: 2024-01-02
    segments:
      - host: Good evening.
    """


def render(episode: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["render", str(episode), "--out", str(out), *extra])
    return result.exit_code, result.stdout, result.stderr


def assert_clean(out: Path, cache_root: Path) -> None:
    """Nothing half-written: no output folder (these tests never had one), no cache temps."""
    assert not out.exists()
    temps = [p for p in cache_root.rglob("*.tmp")] if cache_root.exists() else []
    assert temps == []


def one_error(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("title: [unclosed\n", "the '[' opened on line 1 is not closed"),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n   bad: indent\n",
            "episode.yaml:5: malformed YAML",
        ),
        (
            "title: x\ndate: 2024-01-02\ndescriptoin: typo\nsegments:\n  - host: hi\n",
            "episode.yaml:3: descriptoin: unknown field; did you mean 'description'?",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n"
            "  - interview: hello\n    speakr: a\n",
            "episode.yaml:6: segments[1].speakr: unknown field; did you mean 'speaker'?",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - hots: hi\n",
            "episode.yaml:4: segments[0]: 'hots' is not a kind of segment; did you mean 'host'?",
        ),
        ("title: x\ndate: not-a-date\nsegments:\n  - host: hi\n", "episode.yaml:2: date:"),
        ("date: 2024-01-02\nsegments:\n  - host: hi\n", "episode.yaml:1: title: required field"),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - host: '   '\n",
            "episode.yaml:4: host: nothing to say; write the words",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - interview: hello\n    speaker: shin\n",
            "episode.yaml:4: unknown voice 'shin'; defined voices: host, voxpop",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - music: nowhere.mp3\n  - host: hi\n",
            "episode.yaml:4: music file ep1/nowhere.mp3 does not exist",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - interview:\n    speaker: s\n"
            "    audio: gone.wav\n  - host: hi\n",
            "episode.yaml:4: audio file",
        ),
        (
            "title: x\ndate: 2024-01-02\nvoices:\n  shin: {engine: festival}\nsegments:\n"
            "  - host: hi\n",
            "episode.yaml:4: voices.shin.engine: unknown engine 'festival'; installed engines:",
        ),
        (
            "title: x\ndate: 2024-01-02\nvoices:\n  shin: {engine: fake, voice: deep}\n"
            "segments:\n  - interview: hi\n    speaker: shin\n",
            "voices.shin: unknown fake voice 'deep'; voices: low, mid, high",
        ),
        (
            "title: x\ndate: 2024-13-45\nsegments:\n  - host: hi\n",
            "episode.yaml:2: date: cannot read '2024-13-45' (month must be in 1..12)",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n  - host: '...'\n",
            "episode.yaml:5: host: nothing to say",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n  - chapter: '  '\n",
            "episode.yaml:5: chapter: empty title",
        ),
        (
            "title: x\ndate: 2024-01-02\nsegments:\n  - music: .\n  - host: hi\n",
            "episode.yaml:4: music file ep1 is a folder; name a file in it",
        ),
        (
            "title: x\ndate: 2024-01-02\nvoices:\n  shin: {engine: fake, pitch: 40}\n"
            "segments:\n  - host: hi\n",
            "episode.yaml:4: voices.shin.pitch:",
        ),
        (
            "title: x\ndate: 2024-01-02\nvoices:\n  shin:\n    engine: fake\n    pich: 2\n"
            "segments:\n  - host: hi\n",
            "episode.yaml:6: voices.shin.pich: unknown field; did you mean 'pitch'?",
        ),
    ],
)
def test_bad_episode_is_one_clear_error(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, expected: str
) -> None:
    monkeypatch.chdir(show_dir)
    episode = write_episode(show_dir, body)
    code, _, stderr = render(episode, tmp_path / "dist")
    assert code == 2
    assert expected in one_error(stderr)
    assert_clean(tmp_path / "dist", tmp_path / "cache")


def test_missing_episode_file(tmp_path: Path) -> None:
    code, _, stderr = render(tmp_path / "nope.yaml", tmp_path / "dist")
    assert code == 2
    assert "nope.yaml: no such file" in one_error(stderr)


def test_no_show_file(tmp_path: Path) -> None:
    episode = tmp_path / "lonely" / "episode.yaml"
    episode.parent.mkdir()
    episode.write_text("title: x\ndate: 2024-01-02\nsegments:\n  - host: hi\n")
    code, _, stderr = render(episode, tmp_path / "dist")
    assert code == 2
    assert "no show.yaml in its folder or any parent folder; create one (kit init" in (
        one_error(stderr)
    )


def test_show_errors_name_the_show_file(show_dir: Path, tmp_path: Path) -> None:
    show = show_dir / "show.yaml"
    show.write_text(show.read_text().replace("cover: cover.jpg", "cover: missing.png"))
    code, _, stderr = render(write_episode(show_dir, GOOD), tmp_path / "dist")
    assert code == 2
    assert "show.yaml:7: cover file" in one_error(stderr)
    show.write_text(
        show.read_text()
        .replace("missing.png", "cover.jpg")
        .replace("email: owner@example.org", "email: nobody")
    )
    code, _, stderr = render(write_episode(show_dir, GOOD), tmp_path / "dist")
    assert "show.yaml:4: owner.email: 'nobody' is not an e-mail address" in one_error(stderr)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("language: en", "langauge: en", "show.yaml:5: langauge: unknown field; did you mean"),
        (
            "voxpop: {engine: fake, voice: high}",
            "voxpop: {engine: fake, voice: high, accent: co.uk}",
            "show.yaml:11: voices.voxpop.accent: unknown field; 'accent' describes the voice"
            " wanted: write voice: {accent: ...} (gTTS takes its accent as tld:)",
        ),
    ],
    ids=["top level", "voices entry"],
)
def test_show_file_rejects_unknown_fields(
    show_dir: Path, tmp_path: Path, old: str, new: str, expected: str
) -> None:
    show = show_dir / "show.yaml"
    show.write_text(show.read_text().replace(old, new))
    code, _, stderr = render(write_episode(show_dir, GOOD), tmp_path / "dist")
    assert code == 2
    assert expected in one_error(stderr)
    assert_clean(tmp_path / "dist", tmp_path / "cache")


def _models_in(annotation: object) -> Iterator[type[BaseModel]]:
    """The pydantic models a field annotation can hold (through unions, lists, dicts)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


def test_every_strict_model_forbids_unknown_fields() -> None:
    """Every subclass of the strict base, however deep, and every model a show or episode
    file can reach: a misspelled field is an error, never a silent default."""
    found: set[type[BaseModel]] = set()
    todo: list[type[BaseModel]] = [model.Strict, model.Show, model.Episode]
    while todo:
        cls = todo.pop()
        if cls in found:
            continue
        found.add(cls)
        todo += cls.__subclasses__()
        for info in cls.model_fields.values():
            todo += _models_in(info.annotation)
    assert {model.Voice, model.Owner, model.MusicPart, model.Episode} < found  # the walk works
    for cls in found:
        with pytest.raises(ValidationError) as caught:
            cls.model_validate({"zz_unknown_field": 1})
        assert ("extra_forbidden", ("zz_unknown_field",)) in {
            (e["type"], e["loc"]) for e in caught.value.errors()
        }, f"{cls.__name__} accepts unknown fields; subclass model.Strict"


def test_music_that_is_not_audio(show_dir: Path, tmp_path: Path) -> None:
    (show_dir / "ep1").mkdir()
    (show_dir / "ep1" / "notes.mp3").write_text("this is not audio")
    episode = write_episode(
        show_dir, "title: x\ndate: 2024-01-02\nsegments:\n  - music: notes.mp3\n  - host: hi\n"
    )
    code, _, stderr = render(episode, tmp_path / "dist")
    assert code == 2
    line = one_error(stderr)
    assert "episode.yaml:4:" in line and "notes.mp3" in line and "is it an audio file?" in line
    assert_clean(tmp_path / "dist", tmp_path / "cache")


def test_output_folder_not_writable(show_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the output folder should be")
    code, _, stderr = render(write_episode(show_dir, GOOD), blocker / "dist")
    assert code == 1
    assert "output folder" in one_error(stderr) and "--out" in stderr
    assert FakeEngine.spoken == []  # checked before any synthesis


def test_engine_failure_leaves_nothing(show_dir: Path, tmp_path: Path) -> None:
    FakeEngine.fail_with = "the fake engine is broken today"
    code, _, stderr = render(write_episode(show_dir, GOOD), tmp_path / "dist")
    assert code == 1
    assert one_error(stderr) == "error: the fake engine is broken today"
    assert_clean(tmp_path / "dist", tmp_path / "cache")


@pytest.mark.parametrize("stage", ["synthesis", "tagging"])
def test_failed_render_into_an_existing_folder_leaves_it_as_it_was(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    """A re-render that fails, early or with its MP3 already encoded, leaves the previous
    render's files untouched and no staging folder behind."""
    out = tmp_path / "dist"
    episode = write_episode(show_dir, GOOD)
    assert render(episode, out)[0] == 0  # the previous render
    (out / "other.mp3").write_bytes(b"x")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    episode.write_text(episode.read_text().replace("Good evening.", "Good evening, all."))
    if stage == "synthesis":
        FakeEngine.fail_with = "the fake engine is broken today"
    else:

        def fail(path: Path, episode_tags: object) -> None:
            assert path.stat().st_size > 1000  # the new MP3 is encoded, in the staging folder
            raise OutputError(f"cannot tag {path.name}")

        monkeypatch.setattr(pipeline.tags, "write", fail)
    code, _, stderr = render(episode, out)
    assert code == 1
    assert one_error(stderr).startswith(("error: the fake engine", "error: cannot tag ep1"))
    assert sorted(p.name for p in out.iterdir()) == sorted(before)  # no .render-* folder
    assert {name: (out / name).read_bytes() for name in before} == before


def test_debug_shows_the_traceback(show_dir: Path, tmp_path: Path) -> None:
    FakeEngine.fail_with = "boom"
    episode = write_episode(show_dir, GOOD)
    result = runner.invoke(app, ["--debug", "render", str(episode), "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert result.exception is not None and "boom" in str(result.exception)


def test_gtts_unreachable_names_offline_engines(
    show_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gtts import gTTS, gTTSError

    def offline(self: gTTS, fp: object) -> None:
        raise gTTSError("Failed to connect. Probable cause: Unknown")

    monkeypatch.setattr(gTTS, "write_to_fp", offline)
    episode = write_episode(
        show_dir,
        GOOD.replace(
            "segments:", "voices:\n      host: {engine: gtts, voice: en, tld: co.uk}\n    segments:"
        ),
    )
    code, _, stderr = render(episode, tmp_path / "dist")
    assert code == 1
    line = one_error(stderr)
    assert "could not reach Google's text-to-speech service" in line
    assert "engine: piper" in line and "espeak" in line
    assert_clean(tmp_path / "dist", tmp_path / "cache")


def test_voice_errors_name_where_the_voice_is_defined(show_dir: Path, tmp_path: Path) -> None:
    episode = write_episode(
        show_dir,
        "title: x\ndate: 2024-01-02\nvoices:\n  shin: {engine: piper, voice: /nope.onnx}\n"
        "segments:\n  - interview: hi\n    speaker: shin\n",
    )
    code, _, stderr = render(episode, tmp_path / "dist")
    assert code == 2
    assert "episode.yaml:4: voices.shin: piper voice file /nope.onnx does not exist" in (
        one_error(stderr)
    )


def test_too_many_chapters_is_caught_before_any_work(show_dir: Path, tmp_path: Path) -> None:
    body = "title: x\ndate: 2024-01-02\nsegments:\n" + "".join(
        f"  - chapter: c{n}\n  - host: Part {n}.\n" for n in range(256)
    )
    code, _, stderr = render(write_episode(show_dir, body), tmp_path / "dist")
    assert code == 2
    assert "episode.yaml:514: chapter: more than 255 chapters" in one_error(stderr)
    assert FakeEngine.spoken == []


def test_folder_name_must_make_a_safe_file_name(show_dir: Path, tmp_path: Path) -> None:
    episode = write_episode(show_dir, GOOD, slug="Weird Name ü")
    code, _, stderr = render(episode, tmp_path / "dist")
    assert code == 2
    assert "the folder name 'Weird Name ü' is not a usable file name" in one_error(stderr)
    assert "add slug: weird-name" in stderr
    episode.write_text(episode.read_text() + "slug: weird-name\n")
    code, _, stderr = render(episode, tmp_path / "dist")
    assert code == 0, stderr
    assert len(list((tmp_path / "dist").glob("weird-name-*.mp3"))) == 1


def test_cover_is_checked_when_the_show_loads(show_dir: Path, tmp_path: Path) -> None:
    (show_dir / "cover.jpg").write_bytes(b"GIF89a not what we want")
    code, _, stderr = render(write_episode(show_dir, GOOD), tmp_path / "dist")
    assert code == 2
    line = one_error(stderr)
    assert "show.yaml:7: cover " in line and "cover.jpg is not a JPEG or PNG image" in line
    assert FakeEngine.spoken == []


def test_a_small_cover_is_a_warning(show_dir: Path, tmp_path: Path) -> None:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20, 10, 8, 2, 0, 0, 0))
    (show_dir / "cover.png").write_bytes(png + chunk(b"IEND", b""))
    show = show_dir / "show.yaml"
    show.write_text(show.read_text().replace("cover.jpg", "cover.png"))
    code, _, stderr = render(write_episode(show_dir, GOOD), tmp_path / "dist")
    assert code == 0
    assert "warning: " in stderr and "is 20x10 px, not square" in stderr
