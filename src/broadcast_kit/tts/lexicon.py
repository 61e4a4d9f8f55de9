"""The pronunciation lexicon: words and phrases rewritten in the text an engine is sent.

Entries come from `pronunciations:` in show.yaml and the episode (the episode's win). A match
is a whole word or phrase (no letter or digit on either side; any run of spaces inside a
phrase); an entry written with a capital letter matches that spelling only ("Park", not
"park"), an all-lowercase entry matches in any case. Longer entries win over the words inside
them. Each engine gets the form it can read: its own phonemes where the entry has some in the
engine's alphabet (inline, in the engine's markup), else the respelling, else the words as
written. Only the text sent to the engine changes; transcripts keep the written form, and a
sentence's cache key changes exactly when its text for that engine does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from broadcast_kit.errors import BroadcastKitError
from broadcast_kit.model import Pronunciation
from broadcast_kit.tts import registry
from broadcast_kit.tts.base import Engine


def _alphabet_of(name: str) -> str | None:
    try:
        return registry.get(name).alphabet
    except BroadcastKitError:  # an engine of a missing extra: its phonemes serve no one here
        return None


class Lexicon:
    """Entries compiled into one pattern; `say(text, engine)` is the text for that engine."""

    def __init__(self, entries: Mapping[str, str | Pronunciation] | None = None) -> None:
        self.entries: dict[str, Pronunciation] = {
            word.strip(): Pronunciation(say=value) if isinstance(value, str) else value
            for word, value in (entries or {}).items()
        }
        self._words = sorted(self.entries, key=lambda w: (-len(w), w))
        alternatives = []
        for n, word in enumerate(self._words):
            body = r"\s+".join(re.escape(part) for part in word.split())
            exact = any(c.isupper() for c in word)
            alternatives.append(f"(?P<w{n}>{body if exact else f'(?i:{body})'})")
        self._pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)")
            if alternatives
            else None
        )
        self._forms: dict[str, list[Callable[[str], str] | None]] = {}

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __getstate__(self) -> dict[str, object]:
        """Without the per-engine memo (it holds engines): sent to a cluster worker, a
        lexicon works its forms out again there, with that worker's engines."""
        return {**self.__dict__, "_forms": {}}

    def matches(self, text: str) -> list[str]:
        """The entries found in `text`, in order of appearance."""
        if self._pattern is None:
            return []
        return [self._words[int(str(m.lastgroup)[1:])] for m in self._pattern.finditer(text)]

    def _form(self, entry: Pronunciation, engine: Engine) -> Callable[[str], str] | None:
        """How `engine` says one entry: a function of the matched words, or None (as written)."""
        own = engine.alphabet
        phonemes = entry.phonemes.get(engine.name)
        if phonemes is None and own is not None:
            phonemes = next(
                (p for name, p in entry.phonemes.items() if _alphabet_of(name) == own), None
            )
        if phonemes is not None and own is not None:
            return lambda written: engine.phonemes(written, phonemes)
        say = entry.say
        if say is None:
            return None
        return lambda written: say[:1].upper() + say[1:] if written[:1].isupper() else say

    def say(self, text: str, engine: Engine) -> str:
        """`text` as `engine` should be sent it."""
        if self._pattern is None:
            return text
        if engine.name not in self._forms:
            self._forms[engine.name] = [self._form(self.entries[w], engine) for w in self._words]
        forms = self._forms[engine.name]

        def replace(match: re.Match[str]) -> str:
            form = forms[int(str(match.lastgroup)[1:])]
            return form(match.group()) if form is not None else match.group()

        return self._pattern.sub(replace, text)


EMPTY = Lexicon()
