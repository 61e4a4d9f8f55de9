"""Write big generated transcripts for timing `kit import`: labelled turns of 300 speakers,
an SRT of 5,000 cues, a VTT with `<v Name>` tags, CSV and TSV exports (speaker, start, end,
text) and a 1 MB text without line breaks.

Usage: python scripts/import_inputs.py FOLDER [SCALE]   (SCALE 0.25: a quarter of each)
Then time each, e.g. `time ./scripts/kit import FOLDER/export.csv > /dev/null`.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

FIRST = "Anna Ben Carla David Elena Frank Grace Hugo Irene James Karen Liam Maria Nathan Olga"
FIRST += " Peter Quinn Rosa Samuel Tina"
LAST = "Smith Jones Brown Taylor Wilson Davies Evans Thomas Johnson Roberts Walker Wright"
LAST += " Robinson Thompson White"
WORDS = (
    "the of and to a in that is was he for it with as his on be at by had are but from or have"
    " an they which one you were her all she there would their we him been has when who will"
    " more no if out so said what up its about into than them can only other new some could"
    " time these two may then do first any my now such like our over man me even most made"
    " after also did many before must through back years where much your way well down should"
)


def names(count: int) -> list[str]:
    first, last = FIRST.split(), LAST.split()
    return [f"{first[i % len(first)]} {last[i // len(first) % len(last)]}" for i in range(count)]


def sentence(rng: random.Random, words: int = 20) -> str:
    said = [rng.choice(WORDS.split()) for _ in range(words)]
    return " ".join([said[0].capitalize(), *said[1:]]) + "."


def stamp(ms: int, comma: bool = True) -> str:
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    seconds, ms = divmod(ms, 1000)
    return f"{hours:02}:{minutes:02}:{seconds:02}{',' if comma else '.'}{ms:03}"


def labelled(turns: int, speakers: int) -> str:
    rng, people = random.Random(1), names(speakers)
    lines = ["A long panel", "", "6 December 2026", ""]
    for i in range(turns):
        lines += [f"{people[i % speakers]}: {sentence(rng)} {sentence(rng)}", ""]
    return "\n".join(lines)


def srt(cues: int) -> str:
    rng, blocks = random.Random(2), []
    for i in range(cues):
        timing = f"{stamp(i * 2000)} --> {stamp(i * 2000 + 1900)}"
        blocks.append(f"{i + 1}\n{timing}\n{sentence(rng, 8)}\n")
    return "\n".join(blocks)


def vtt(cues: int, speakers: int = 12) -> str:
    rng, people, blocks = random.Random(3), names(speakers), ["WEBVTT\n"]
    for i in range(cues):
        timing = f"{stamp(i * 2000, False)} --> {stamp(i * 2000 + 1900, False)}"
        blocks.append(f"{timing}\n<v {people[i // 3 % speakers]}>{sentence(rng, 8)}\n")
    return "\n".join(blocks)


def table(turns: int, delimiter: str, speakers: int = 40) -> str:
    rng, people = random.Random(4), names(speakers)
    rows = [delimiter.join(["speaker", "start", "end", "text"])]
    for i in range(turns):
        text = sentence(rng, 15)
        cells = [people[i // 2 % speakers], stamp(i * 3000, False), stamp(i * 3000 + 2900, False)]
        rows += [delimiter.join([*cells, f'"{text}"' if delimiter == "," else text]), ""]
    return "\n".join(rows)


def one_line(size: int) -> str:
    rng, said, length = random.Random(5), [], 0
    while length < size:
        said.append(sentence(rng))
        length += len(said[-1]) + 1
    return " ".join(said)


def main() -> None:
    folder, scale = Path(sys.argv[1]), float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "labelled.txt": labelled(int(3000 * scale), 300),
        "captions.srt": srt(int(5000 * scale)),
        "voices.vtt": vtt(int(5000 * scale)),
        "export.csv": table(int(24000 * scale), ","),
        "export.tsv": table(int(24000 * scale), "\t"),
        "one-line.txt": one_line(int(1_000_000 * scale)),
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
        print(f"{folder / name}: {len(text):,} characters, {text.count(chr(10)) + 1:,} lines")


if __name__ == "__main__":
    main()
