"""Measure how fast each installed voice speaks, for `kit render --dry-run`'s estimates.

Synthesizes the spoken sentences of reference transcripts (through the render's own path:
trimmed as a render trims them, kept in the speech cache) with every installed offline
voice at speed 1, and fits each voice's seconds of speech per letter and per sentence
(least squares, the per-sentence part kept at 0 or more). Prints the fit and its error per
sentence and on the whole text; with --write, stores the table in
src/broadcast_kit/data/speech_rates.yaml, which `render/estimate.py` reads.

    python scripts/calibrate.py [--write] [--sentences N] [--only ENGINE[:VOICE]] [TRANSCRIPT...]

Default transcripts: those of tests/data/import/ other than the sample's and the two
episodes the estimates are checked on (several-interviewees, npr-style-labels), so the
table is not fitted on what it is judged by.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from broadcast_kit import importer  # noqa: E402
from broadcast_kit.model import Voice  # noqa: E402
from broadcast_kit.render import estimate  # noqa: E402
from broadcast_kit.render.sentences import sentences  # noqa: E402
from broadcast_kit.tts import registry  # noqa: E402
from broadcast_kit.tts.cache import SpeechCache  # noqa: E402
from broadcast_kit.tts.synth import Utterance, synthesize_all  # noqa: E402
from broadcast_kit.tts.voices import resolve  # noqa: E402

HELD_OUT = ("kbs-2012-09-06", "several-interviewees", "npr-style-labels")
OFFLINE = ("piper", "hibari", "kokoro", "espeak")


def corpus(paths: list[Path]) -> list[str]:
    found: list[str] = []
    for path in paths:
        imported = importer.import_transcript(importer.read_transcript(path), path.name)
        for paragraph in imported.transcript.paragraphs:
            if paragraph.spoken:
                found += sentences(paragraph.text)
    return list(dict.fromkeys(found))


def fit(units: np.ndarray, seconds: np.ndarray) -> tuple[float, float]:
    """Seconds per letter and per sentence, the latter at least 0."""
    both = np.linalg.lstsq(np.vstack([units, np.ones_like(units)]).T, seconds, rcond=None)[0]
    if both[1] >= 0:
        return float(both[0]), float(both[1])
    return float(seconds.sum() / units.sum()), 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("transcripts", nargs="*", type=Path)
    parser.add_argument("--sentences", type=int, default=60, help="per voice (default 60)")
    parser.add_argument("--write", action="store_true", help="store the table")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="ENGINE[:VOICE]",
        help="measure these voices only (repeatable); the table keeps the others",
    )
    args = parser.parse_args()
    paths = args.transcripts or sorted(
        p
        for p in (ROOT / "tests" / "data" / "import").glob("*.txt")
        if not p.name.startswith(HELD_OUT)
    )
    texts = corpus(paths)
    step = max(1, len(texts) // args.sentences)
    chosen = texts[::step][: args.sentences]
    units = np.array([estimate.letters(t) for t in chosen], dtype=float)
    print(f"{len(chosen)} sentences, {int(units.sum())} letters, from {len(paths)} transcripts")
    cache = SpeechCache()
    table: dict[str, dict[str, dict[str, float]]] = {}
    for name in OFFLINE:
        engine = registry.get(name)
        if engine.available() is not None:
            print(f"{name}: {engine.available()}")
            continue
        for info in engine.voice_info():
            if info.missing or not info.castable or "/" in info.name:
                continue
            if args.only and not {name, f"{name}:{info.name}"} & set(args.only):
                continue
            voice = resolve(Voice(engine=name, voice=info.name))
            audio, _ = synthesize_all([Utterance(t, "x", voice) for t in chosen], cache)
            seconds = np.array([len(a) / 1000 for a in audio])
            per_letter, per_sentence = fit(units, seconds)
            guess = units * per_letter + per_sentence
            error = np.abs(guess - seconds) / seconds
            total = abs(guess.sum() - seconds.sum()) / seconds.sum()
            print(
                f"{name} {info.name}: {per_letter:.4f} s/letter + {per_sentence:.3f} s/sentence;"
                f" error per sentence {error.mean():.1%} (mean), whole text {total:.1%};"
                f" {seconds.sum():.0f} s of speech"
            )
            table.setdefault(name, {})[info.name] = {
                "letter": round(per_letter, 5),
                "sentence": round(per_sentence, 3),
            }
    if args.write:
        estimate.write_table(table, len(chosen))
        print(f"wrote {estimate.TABLE}")


if __name__ == "__main__":
    main()
