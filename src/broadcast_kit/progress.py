"""How the core tells how far a long stage of a render has got; `cli/` draws it (a bar in a
terminal, a line every few seconds in a log)."""

from __future__ import annotations

from typing import Protocol


class Advance(Protocol):
    """`done` of `total` things counted (`what`: "sentences synthesized", "s of audio
    encoded"); `fraction`, when given, is the share of the stage's work done, for the time
    left when the things differ in size (long sentences are synthesized first)."""

    def __call__(
        self, done: int, total: int, what: str, fraction: float | None = None, /
    ) -> None: ...
