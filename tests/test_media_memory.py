"""A batch worker decodes a season's music once: the samples it remembers are those ffmpeg
gives, an edited file is decoded again, the bound holds, and a single render keeps nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from broadcast_kit import ffmpeg
from broadcast_kit.render import media
from tests.conftest import RATE, tone, write_wav


@pytest.fixture
def decodes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Path]]:
    """The files ffmpeg really decoded (the real decoder, counted), with memory on."""
    seen: list[Path] = []
    real = ffmpeg.decode

    def counted(path: Path, *args: object) -> np.ndarray:
        seen.append(path)
        return real(path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ffmpeg, "decode", counted)
    media.remember()
    try:
        yield seen
    finally:
        media.remember(0)


def test_a_file_decoded_twice_is_decoded_once(decodes: list[Path], music_dir: Path) -> None:
    theme = music_dir / "theme.wav"
    first = media.decode(theme, RATE, 2)
    again = media.decode(theme, RATE, 2)
    assert decodes == [theme]
    assert again is first and not again.flags.writeable
    np.testing.assert_array_equal(again, ffmpeg.decode(theme, RATE, 2))
    # another rate, layout or trim is another decode
    media.decode(theme, RATE, 1)
    media.decode(theme, RATE, 2, 0.5, 1.5)
    assert len(decodes) == 4  # 3 by media, and the reference above


def test_an_edited_file_is_decoded_again(decodes: list[Path], tmp_path: Path) -> None:
    music = write_wav(tmp_path / "bed.wav", tone(1.0, 220.0))
    before = media.decode(music, RATE, 2)
    write_wav(music, tone(1.0, 330.0))  # same name, same length, other sound
    after = media.decode(music, RATE, 2)
    assert decodes == [music, music]
    assert not np.array_equal(before, after)


def test_the_bound_holds(decodes: list[Path], music_dir: Path) -> None:
    theme, bed = music_dir / "theme.wav", music_dir / "bed.wav"
    size = media.decode(theme, RATE, 2).nbytes
    media.remember(size)  # room for the theme alone: the bed pushes it out
    media.decode(bed, RATE, 2)
    media.decode(theme, RATE, 2)
    assert decodes == [theme, bed, theme]


def test_a_missing_file_fails_as_before(decodes: list[Path], tmp_path: Path) -> None:
    with pytest.raises(Exception) as remembered:
        media.decode(tmp_path / "gone.mp3", RATE, 2)
    media.remember(0)
    with pytest.raises(Exception) as plain:
        ffmpeg.decode(tmp_path / "gone.mp3", RATE, 2)
    assert type(remembered.value) is type(plain.value)
    gone = str(tmp_path / "gone.mp3")
    for message in (str(remembered.value), str(plain.value)):
        assert message.startswith(f"{gone}: ffmpeg failed") and "No such file" in message


def test_a_single_render_remembers_nothing(music_dir: Path) -> None:
    theme = music_dir / "theme.wav"
    assert media.decode(theme, RATE, 2) is not media.decode(theme, RATE, 2)
