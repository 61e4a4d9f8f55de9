"""`kit import` time grows linearly with the transcript: a big generated input against one a
quarter of its size, compared by the ratio of their CPU times (never a wall-clock limit, which
a loaded machine would break). A part that rescans the page per person, or splits all the text
before each name, grows with the square of the size: sixteen times, not four."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

import pytest

from broadcast_kit.importer import import_transcript

_FIRST = "Anna Ben Carla David Elena Frank Grace Hugo Irene James Karen Liam Maria Nathan Olga"
_LAST = "Smith Jones Brown Taylor Wilson Davies Evans Thomas Johnson Roberts Walker Wright White"
_WORDS = (  # common words, no names
    "the of and to in that was he for it with as his on be at by had are but from or have an"
    " they which one you were her all she there would their we him been has when who will more"
    " no if out so said what up its about into than them can only other new some could time"
    " these two may then do first any my now such like our over even most made after also did"
    " many before must through back years where much your way well down should because each"
)


def _names(count: int) -> list[str]:
    first, last = _FIRST.split(), _LAST.split()
    return [f"{first[i % len(first)]} {last[i // len(first) % len(last)]}" for i in range(count)]


def _sentence(rng: random.Random, words: int) -> str:
    said = [rng.choice(_WORDS.split()) for _ in range(words)]
    return " ".join([said[0].capitalize(), *said[1:]]) + "."


def _panel(size: int) -> str:
    """A panel's labelled turns ("Name Surname: words"), forty speakers."""
    rng, people = random.Random(size), _names(40)
    turns = [f"{people[i % len(people)]}: {_sentence(rng, 20)}" for i in range(100 * size)]
    return "A long panel\n\n6 December 2026\n\n" + "\n\n".join(turns) + "\n"


def _one_line(size: int) -> str:
    """A text that lost its line breaks: sentences in one line, some naming people."""
    rng, people = random.Random(size), _names(40)
    said = [
        _sentence(rng, 15) if i % 10 else f"{rng.choice(people)} said {_sentence(rng, 8)}"
        for i in range(400 * size)
    ]
    return " ".join(said)


def _export(size: int) -> str:
    """A recogniser's CSV export: speaker, start, end, text, a blank line between rows."""
    rng, people = random.Random(size), _names(12)
    rows = ["speaker,start,end,text"]
    for i in range(250 * size):
        start = f"00:{i * 3 // 60 % 60:02}:{i * 3 % 60:02}.000"
        end = f"00:{i * 3 // 60 % 60:02}:{i * 3 % 60:02}.900"
        rows.append(f'{people[i // 2 % len(people)]},{start},{end},"{_sentence(rng, 15)}"')
    return "\n\n".join(rows) + "\n"


def _cpu_seconds(text: str) -> float:
    """The least CPU time of two imports of `text` (the least is the least disturbed)."""
    times = []
    for _ in range(2):
        start = time.process_time()
        import_transcript(text, "generated.txt", today=dt.date(2026, 12, 6))
        times.append(time.process_time() - start)
    return min(times)


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("make", [_panel, _one_line, _export], ids=["panel", "one-line", "csv"])
def test_import_time_grows_linearly(make: Callable[[int], str]) -> None:
    import_transcript(make(1), "warm-up.txt")  # the word lists loaded, the patterns compiled
    small, big = _cpu_seconds(make(4)), _cpu_seconds(make(16))
    # four times the input: about four times the time (linear), sixteen if quadratic
    ratio = big / small
    assert ratio < 7, f"4x the input took {ratio:.1f}x the time ({small:.2f}s, {big:.2f}s)"
