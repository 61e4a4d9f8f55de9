"""The commented starter lexicon `kit import` writes into a new episode: every proper name it
found, ready to be given a pronunciation. All lines are comments, so the episode loads as is;
each entry says the name as written until its respelling is edited, so uncommenting the block
changes nothing by itself."""

from __future__ import annotations

from collections.abc import Iterable

import yaml

HEADER = (
    "# How to say the names below: uncomment 'pronunciations:' and the names the voices get",
    "# wrong, and write how each sounds, as a respelling every engine reads",
    "# (Seo Jin-seon: Saw Jin-sun) or as phonemes for the engines that read them",
    '# ({say: Saw Jin-sun, phonemes: {piper: "sˈʌ dʒˈinsʌn", kokoro: "sˈʌ ʤˈinsʌn"}}).',
    "# An entry with a capital matches that spelling only; transcripts keep the spelling.",
)


def _entry(name: str) -> str:
    """`name: name`, quoted where YAML needs it: a no-op until the respelling is written."""
    dumped: str = yaml.safe_dump({name: name}, allow_unicode=True, width=10_000)
    return dumped.strip()


def block(names: Iterable[str]) -> str:
    """The commented `pronunciations:` block for `names` (each once, in the order given);
    an empty string when there are none."""
    seen: list[str] = []
    for name in names:
        name = " ".join(name.split())
        if name and name not in seen:
            seen.append(name)
    if not seen:
        return ""
    lines = [*HEADER, "# pronunciations:"]
    lines += [f"#   {_entry(name)}" for name in seen]
    return "\n".join(lines) + "\n"
