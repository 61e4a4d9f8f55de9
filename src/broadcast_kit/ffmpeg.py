"""Find and run ffmpeg: decoding any input to samples, filters, MP3 encoding, measurement.

The binary is `BROADCAST_KIT_FFMPEG` when set, else `ffmpeg` on PATH, else the one shipped by
imageio-ffmpeg, so a plain `pip install` needs nothing else. Every failure names the input
and ffmpeg's last stderr lines. Samples cross this boundary as float32 arrays shaped
(frames, channels).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import numpy as np

from broadcast_kit.errors import FfmpegError, InputError

ENV = "BROADCAST_KIT_FFMPEG"


@cache
def executable() -> str:
    forced = os.environ.get(ENV)
    if forced:
        if not (shutil.which(forced) or Path(forced).is_file()):
            raise FfmpegError(f"{ENV}={forced} does not exist; unset it or point it at ffmpeg")
        return forced
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception as exc:  # imageio-ffmpeg raises RuntimeError when it has no binary
        raise FfmpegError(
            f"no ffmpeg found: install ffmpeg, reinstall imageio-ffmpeg, or set {ENV} ({exc})"
        ) from exc


def _tail(stderr: bytes, lines: int = 3) -> str:
    text = stderr.decode("utf-8", "replace").strip().splitlines()
    return " | ".join(line.strip() for line in text[-lines:]) or "no message"


def run(args: list[str], *, stdin: bytes | memoryview | None = None, what: str) -> bytes:
    """Run ffmpeg with `args`; return stdout. `what` names the input for error messages."""
    cmd = [executable(), "-hide_banner", "-nostdin", "-loglevel", "error", *args]
    try:
        proc = subprocess.run(cmd, input=stdin, capture_output=True, check=False)
    except OSError as exc:
        raise FfmpegError(f"{what}: cannot run ffmpeg ({exc})") from exc
    if proc.returncode != 0:
        raise FfmpegError(f"{what}: ffmpeg failed: {_tail(proc.stderr)}")
    return proc.stdout


def decode(
    path: Path, rate: int, channels: int, start: float | None = None, end: float | None = None
) -> np.ndarray:
    """Any audio file -> float32 (frames, channels) at `rate`. Bad files are input errors."""
    trim: list[str] = []
    if start is not None:
        trim += ["-ss", f"{start:.3f}"]
    if end is not None:
        trim += ["-to", f"{end:.3f}"]
    try:
        raw = run(
            [
                *trim,
                "-i",
                str(path),
                "-vn",
                "-f",
                "f32le",
                "-ac",
                str(channels),
                "-ar",
                str(rate),
                "-",
            ],
            what=str(path),
        )
    except FfmpegError as exc:
        raise InputError(f"{exc} (is it an audio file?)") from None
    samples = np.frombuffer(raw, dtype="<f4").reshape(-1, channels)
    if samples.shape[0] == 0:
        raise InputError(f"{path}: no audio in it (empty, or trimmed to nothing)")
    return samples


def decode_bytes(data: bytes, rate: int, what: str) -> np.ndarray:
    """Encoded audio in memory (e.g. MP3 from gTTS) -> mono float32 (frames, 1)."""
    raw = run(
        ["-i", "pipe:0", "-f", "f32le", "-ac", "1", "-ar", str(rate), "-"], stdin=data, what=what
    )
    return np.frombuffer(raw, dtype="<f4").reshape(-1, 1)


def filter_mono(samples: np.ndarray, rate: int, graph: str, what: str) -> np.ndarray:
    """Run an audio filter graph over mono int16 samples; returns int16 at the same rate."""
    raw = run(
        [
            "-f",
            "s16le",
            "-ar",
            str(rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-af",
            graph,
            "-f",
            "s16le",
            "-ar",
            str(rate),
            "-ac",
            "1",
            "-",
        ],
        stdin=np.ascontiguousarray(samples, dtype="<i2").tobytes(),
        what=what,
    )
    return np.frombuffer(raw, dtype="<i2").copy()


def encode(samples: np.ndarray, rate: int, out: Path, codec: list[str]) -> None:
    """Write float32 (frames, channels) to the file `out` with ffmpeg's `codec` arguments."""
    run(
        ["-y", "-f", "f32le", "-ar", str(rate), "-ac", str(samples.shape[1]), "-i", "pipe:0",
         *codec, str(out)],
        stdin=np.ascontiguousarray(samples, dtype="<f4").data.cast("B"),  # a view, no copy
        what=str(out),
    )  # fmt: skip


def encode_mp3(samples: np.ndarray, rate: int, kbps: int, out: Path) -> None:
    """Encode to a CBR MP3 *file* (LAME writes its Info header only when it can seek)."""
    encode(samples, rate, out, ["-c:a", "libmp3lame", "-b:a", f"{kbps}k", "-write_xing", "1",
                                "-id3v2_version", "0", "-f", "mp3"])  # fmt: skip


def measure(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of a file, by ffmpeg's EBU R128 meter."""
    cmd = [
        executable(),
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-i",
        str(path),
        "-af",
        "ebur128=peak=true",
        "-f",
        "null",
        "-",
    ]
    proc = subprocess.run(cmd, capture_output=True, check=False)
    text = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise FfmpegError(f"{path}: ffmpeg could not measure it: {_tail(proc.stderr)}")
    summary = text[text.rfind("Summary:") :]
    loud = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    if not loud or not peak:
        raise FfmpegError(f"{path}: ffmpeg's ebur128 printed no summary")
    return float(loud.group(1)), float(peak.group(1))
