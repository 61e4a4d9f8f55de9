"""Find and run ffmpeg: decoding any input to samples, filters, MP3 encoding, measurement.

The binary is `BROADCAST_KIT_FFMPEG` when set, else `ffmpeg` on PATH, else the one shipped by
imageio-ffmpeg, so a plain `pip install` needs nothing else. Every failure names the input
and ffmpeg's last stderr lines. Samples cross this boundary as float32 arrays shaped
(frames, channels).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import IO, TYPE_CHECKING

from broadcast_kit.errors import FfmpegError, InputError

if TYPE_CHECKING:  # numpy is imported by the functions that handle samples: kit check
    import numpy as np  # measures loudness with ffmpeg alone, in an install without numpy

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
    except ModuleNotFoundError:  # the light install for kit check leaves it out
        raise FfmpegError(
            "no ffmpeg found: install it with: pip install imageio-ffmpeg (it ships one), or"
            f" put ffmpeg on PATH (e.g. apt-get install ffmpeg), or set {ENV} to one"
        ) from None
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except Exception as exc:  # imageio-ffmpeg raises RuntimeError when it has no binary
        raise FfmpegError(
            f"no ffmpeg found: imageio-ffmpeg has none for this machine ({exc}); put ffmpeg on"
            f" PATH (e.g. apt-get install ffmpeg) or set {ENV} to one"
        ) from exc


@cache
def version() -> str:
    """The first line of `ffmpeg -version` ("ffmpeg version n9.0.2 ..."): cluster workers
    must run the same build as this machine for their MP3s to be byte-identical."""
    proc = subprocess.run([executable(), "-version"], capture_output=True, check=False)
    first = proc.stdout.decode("utf-8", "replace").partition("\n")[0].strip()
    return re.sub(r" Copyright.*", "", first) or f"unknown (exit {proc.returncode})"


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
    import numpy as np

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
    import numpy as np

    raw = run(
        ["-i", "pipe:0", "-f", "f32le", "-ac", "1", "-ar", str(rate), "-"], stdin=data, what=what
    )
    return np.frombuffer(raw, dtype="<f4").reshape(-1, 1)


def filter_mono(samples: np.ndarray, rate: int, graph: str, what: str) -> np.ndarray:
    """Run an audio filter graph over mono int16 samples; returns int16 at the same rate."""
    import numpy as np

    pcm = ["-f", "s16le", "-ar", str(rate), "-ac", "1"]
    raw = run(
        [*pcm, "-i", "pipe:0", "-af", graph, *pcm, "-"],
        stdin=np.ascontiguousarray(samples, dtype="<i2").tobytes(),
        what=what,
    )
    return np.frombuffer(raw, dtype="<i2").copy()


def encode(samples: np.ndarray, rate: int, out: Path, codec: list[str]) -> None:
    """Write float32 (frames, channels) to the file `out` with ffmpeg's `codec` arguments."""
    import numpy as np

    run(
        ["-y", "-f", "f32le", "-ar", str(rate), "-ac", str(samples.shape[1]), "-i", "pipe:0",
         *codec, str(out)],
        stdin=np.ascontiguousarray(samples, dtype="<f4").data.cast("B"),  # a view, no copy
        what=str(out),
    )  # fmt: skip


MP3_CODEC = ["-c:a", "libmp3lame"]
# what the LAME tag in the file tells a decoder to skip: LAME's encoder delay (576) plus the
# MP3 decoder's own (529); a stream without that tag decodes with them in front
LAME_DELAY = 576 + 529
# the meter of the encoded frames runs beside LAME at a lower priority: LAME is the render's
# critical path, the meter only has to finish when it does
METER_NICE = 5
METER = "ebur128=peak=true:framelog=verbose"  # per-frame lines only at -v verbose
# the meter's decoded samples leave its filter graph a second at a time, not in MP3 frames of
# 1152: each frame crosses several of ffmpeg's threads, and batching them takes a third off
# the meter's CPU (measured: 3.8 -> 2.6 s for 32 minutes of audio); p=0 pads nothing on
BATCH = "asetnsamples=n={frames}:p=0"


def measure(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of a file, by ffmpeg's EBU R128 meter."""
    cmd = [executable(), "-hide_banner", "-nostdin", "-nostats", "-i", str(path), "-af",
           METER, "-f", "null", "-"]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, check=False)
    if proc.returncode != 0:
        raise FfmpegError(f"{path}: ffmpeg could not measure it: {_tail(proc.stderr)}")
    return _summary(proc.stderr, path)


def _summary(stderr: bytes, path: Path) -> tuple[float, float]:
    loud = _integrated(stderr, path)
    summary = stderr.decode("utf-8", "replace")
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary[summary.rfind("Summary:") :])
    if not peak:
        raise FfmpegError(f"{path}: ffmpeg's ebur128 printed no true peak")
    return loud, float(peak.group(1))


def _integrated(stderr: bytes, path: Path) -> float:
    """The integrated loudness (LUFS) in ebur128's summary."""
    text = stderr.decode("utf-8", "replace")
    loud = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", text[text.rfind("Summary:") :])
    if not loud:
        raise FfmpegError(f"{path}: ffmpeg's ebur128 printed no summary")
    return float(loud.group(1))


class Mp3Encoder:
    """LAME fed block by block through a pipe, writing the MP3 *file* `out` (so it can write
    its Info header) and, through ffmpeg's tee muxer, the same frames to a second ffmpeg
    that decodes them while they are encoded: it measures their integrated loudness (EBU
    R128) and hands the decoded samples to `listen` (in a thread of its own, a second of
    audio at a time), which measures their true peak where it can matter (ffmpeg's own
    true-peak meter oversamples every frame, which cost a third of an encode). The check of
    the encoded audio costs no pass of its own. The meter skips the encoder delay the file's
    LAME tag hides and stops at the last fed frame, so it hears exactly what a decoder of
    the file does."""

    ENCODING = "encoding.mp3"  # the tee muxer's slave syntax reserves [ ] | : in file names

    def __init__(
        self,
        out: Path,
        rate: int,
        channels: int,
        kbps: int,
        frames: int,
        listen: Callable[[np.ndarray], None],
    ) -> None:
        self.out, self.channels, self.rate = out, channels, rate
        exe = executable()
        slaves = f"[f=mp3:write_xing=1:id3v2_version=0]{self.ENCODING}|[f=mp3]pipe:1"
        self.encoder = _popen(
            [exe, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", "-f", "f32le",
             "-ar", str(rate), "-ac", str(channels), "-i", "pipe:0", *MP3_CODEC,
             "-b:a", f"{kbps}k", "-map", "0:a", "-f", "tee", slaves],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, what=str(out), cwd=out.parent,
        )  # fmt: skip
        assert self.encoder.stdout is not None and self.encoder.stdin is not None
        self.stdin: IO[bytes] = self.encoder.stdin
        _widen(self.encoder.stdout)  # a minute of MP3: the meter may lag, LAME never waits
        self.meter = _popen(
            [exe, "-hide_banner", "-nostdin", "-nostats", "-f", "mp3", "-i", "pipe:0",
             "-af", f"atrim=start_sample={LAME_DELAY}:end_sample={LAME_DELAY + frames},"
             f"ebur128=framelog=verbose,{BATCH.format(frames=rate)}", "-f", "f32le",
             "-ac", str(channels), "pipe:1"],
            stdin=self.encoder.stdout, stdout=subprocess.PIPE, what=str(out), nice=METER_NICE,
        )  # fmt: skip
        self.encoder.stdout.close()  # the meter holds the read end now
        assert self.meter.stdout is not None
        for pipe in (self.stdin, self.meter.stdout):
            _widen(pipe)
        self.errors: dict[str, bytes] = {}
        self.listen = listen
        self.failure: BaseException | None = None
        self.readers = [
            threading.Thread(target=self._drain, args=(name, proc), daemon=True)
            for name, proc in (("encoder", self.encoder), ("meter", self.meter))
        ]
        self.readers.append(threading.Thread(target=self._decoded, daemon=True))
        for reader in self.readers:
            reader.start()

    def _drain(self, name: str, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stderr is not None
        with proc.stderr:
            self.errors[name] = proc.stderr.read()

    def _decoded(self) -> None:
        """Hand the meter's decoded samples to `listen`, a second at a time (in a buffer
        that the next second overwrites: `listen` copies what it keeps); after a failure
        there, read on (so the meter never blocks) and keep the error for finish()."""
        import numpy as np

        assert self.meter.stdout is not None
        # one buffer, filled again and again: nothing is allocated per second of audio
        buffer = np.empty((self.rate, self.channels), dtype="<f4")
        raw = buffer.data.cast("B")
        frame = self.channels * 4
        stream = self.meter.stdout
        assert isinstance(stream, io.BufferedReader)  # Popen's default buffering
        with stream:
            while count := stream.readinto(raw):
                if self.failure is not None:
                    continue
                try:
                    self.listen(buffer[: count // frame])
                except BaseException as exc:  # re-raised by finish()
                    self.failure = exc

    def write(self, samples: np.ndarray) -> None:
        import numpy as np

        try:
            self.stdin.write(np.ascontiguousarray(samples, dtype="<f4").data.cast("B"))
        except BrokenPipeError:
            self.close()
            raise FfmpegError(f"{self.out}: ffmpeg stopped encoding: {self._why()}") from None

    def _why(self) -> str:
        return _tail(self.errors.get("encoder", b"") + self.errors.get("meter", b""))

    def __enter__(self) -> Mp3Encoder:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is not None:  # a failure while feeding it: stop both processes
            self.close()

    def close(self) -> None:
        """Stop both processes (after a failure elsewhere); safe to call twice."""
        with contextlib.suppress(OSError):
            self.stdin.close()
        for proc in (self.encoder, self.meter):
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        for reader in self.readers:
            reader.join()

    def finish(self) -> float:
        """Close the input, wait for both; the integrated loudness (LUFS) of the MP3 (its
        samples have all reached `listen` by then)."""
        with contextlib.suppress(BrokenPipeError):  # the encoder failed: its message says why
            self.stdin.close()
        self.encoder.wait()
        self.meter.wait()
        for reader in self.readers:
            reader.join()
        if self.encoder.returncode != 0 or self.meter.returncode != 0:
            raise FfmpegError(f"{self.out}: ffmpeg failed: {self._why()}")
        if self.failure is not None:
            raise self.failure
        os.replace(self.out.parent / self.ENCODING, self.out)
        return _integrated(self.errors["meter"], self.out)


PIPE_BYTES = 1 << 20  # Linux's largest pipe for an unprivileged process (the default is 64 KiB)


def _widen(pipe: IO[bytes]) -> None:
    """Give a pipe a 1 MiB buffer where the system allows it: a second of audio crosses in
    a few system calls instead of dozens of switches between the two processes."""
    with contextlib.suppress(OSError, AttributeError, ImportError):  # not Linux, a lower limit
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


@cache
def _nice_program() -> str | None:
    return shutil.which("nice")


def _popen(
    args: list[str],
    *,
    stdin: int | IO[bytes],
    stdout: int,
    what: str,
    cwd: Path | None = None,
    nice: int = 0,
) -> subprocess.Popen[bytes]:
    """Start ffmpeg; `nice` lowers its priority, through the `nice` program where there is
    one (then all of ffmpeg's threads have it from the start; preexec_fn is not safe in a
    process with threads, as a render is)."""
    lower = _nice_program() if nice else None
    if lower is not None:
        args = [lower, "-n", str(nice), *args]
    try:
        return subprocess.Popen(args, stdin=stdin, stdout=stdout, stderr=subprocess.PIPE, cwd=cwd)
    except OSError as exc:
        raise FfmpegError(f"{what}: cannot run ffmpeg ({exc})") from exc
