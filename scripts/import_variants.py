"""Perturbed variants of the import corpus's tuning pages (issue 24, round 9).

Tuning-page scores are inflated: the importer has been tuned on those pages, and a rule
that keys on one page's names ("Larry King", "CAROL OFF") scores there and nowhere else. A
variant keeps a page's hand labels valid but changes what such a rule keys on:

- `names`: every named speaker of the hand labels gets another plausible name, the same one
  wherever the page prints it (full name, surname alone, first name alone, in capitals or
  not, possessive), in the text, the headline, the labels' match words and speakers;
- `bare`: as `names`, and the role words of the renamed speakers' labels are dropped too
  (`NAME, HOST:` and `NAME (host):` become `NAME:`), so only the page's evidence is left.

Roles given as labels ("Reporter", "Speaker 1", "Q") are not names and stay. A name word
that the page also uses as a common word in lower case ("Off", "Key", "Will") is renamed
only where it cannot start a sentence or is a label (`WILL:`). Variants are made in memory
from a seed, so the same seed gives the same variant; `scripts/import-eval --variants
names` scores them beside the originals.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections.abc import Sequence

FIRST_NAMES = (
    "Alma", "Bruno", "Celine", "Dmitri", "Esther", "Farid", "Greta", "Hamish", "Ines",
    "Jovan", "Keiko", "Lorenzo", "Marisol", "Nikhil", "Odile", "Pavel", "Quinn", "Rosalind",
    "Soren", "Tamsin", "Ulrich", "Vesna", "Wendell", "Ximena", "Yusuf", "Zora", "Anselm",
    "Brigid", "Cormac", "Dagny", "Emeka", "Fenella", "Gideon", "Hilde", "Idris", "Jolene",
    "Kwame", "Leocadia", "Mirela", "Norbert", "Oona", "Piers", "Rafaela", "Stellan", "Thea",
    "Valentin", "Wilhelmina", "Yara", "Zeno", "Agathe",
)  # fmt: skip
SURNAMES = (
    "Abernathy", "Brandtner", "Castellanos", "Dunleavy", "Eskildsen", "Fairweather",
    "Gallardo", "Halvorsen", "Ismailov", "Jaramillo", "Kowalczyk", "Lindqvist", "Mbeki",
    "Nakashima", "Okonkwo", "Pettersen", "Quaresma", "Rasmussen", "Szabo", "Thorsby",
    "Urquhart", "Vasquez", "Whitcombe", "Yamamura", "Zielinski", "Achterberg", "Bellweather",
    "Cavanagh", "Delacroix", "Eberhardt", "Fitzwilliam", "Grzelak", "Hargreave", "Iwasaki",
    "Jablonski", "Kettleborough", "Larouche", "Montgomery", "Novakovic", "Ostrander",
    "Pemberton", "Radcliffe", "Sandoval", "Tremblay", "Vanterpool", "Wojcik", "Ekwueme",
    "Haddad", "Marchetti", "Oyelaran",
)  # fmt: skip

# label speakers that are roles, not names: their words are never renamed
_ROLES = """reporter reporters question questioner presenter announcer speaker moderator
    interviewer interviewee journalist host narrator q a pm mpc newsreader operator audience
    congregation pastor preacher lecturer homilist professor voice extra boy project man
    woman panellist panelist intro archive clip continuity financial secretary spokesperson
    the doctor director librarian male female interview old sailor radio officer mystery
    guest staff video bbc one news minister prime deputy president governor sir usec datuk
    mr mrs ms dr chancellor senator judge captain general"""
ROLE_WORDS = frozenset(_ROLES.split())
_TOKEN_CHARS = r"[^\W\d_][\w'’\-]*"


def _name_tokens(speaker: str) -> list[str]:
    """The words of a speaker's name that a variant renames: not roles, titles or initials."""
    if re.search(r"[\d_]", speaker):
        return []
    tokens = []
    for raw in speaker.split():
        token = raw.strip(".,()")
        if not re.fullmatch(_TOKEN_CHARS, token) or len(token) < 3:
            continue
        if token.lower() in ROLE_WORDS:
            continue
        tokens.append(token)
    return tokens


@dataclasses.dataclass(frozen=True)
class Renaming:
    """The name words a variant replaces (original word -> new word) and its options."""

    words: dict[str, str]
    common: frozenset[str]  # words the page also uses in lower case
    drop_roles: bool = False
    initials: dict[str, str] = dataclasses.field(default_factory=dict)  # "SH" -> "GJ"

    def _pattern(self) -> re.Pattern[str]:
        alts = "|".join(re.escape(w) for w in sorted(self.words, key=len, reverse=True))
        return re.compile(rf"(?<![\w'’\-])({alts})(?![\w\-])", re.IGNORECASE)

    def apply(self, text: str, name: bool = False) -> str:
        """The text renamed; `name`: the text is a speaker's name, every word of it a name."""
        if not self.words:
            return text
        lower = {k.lower(): v for k, v in self.words.items()}
        common = {w.lower() for w in self.common}

        def swap(m: re.Match[str]) -> str:
            found = m.group(1)
            new = lower[found.lower()]
            upper = found.isupper() or (len(found) > 3 and found[2:].isupper())
            if not upper and not found[0].isupper():
                return found  # a lower-case word, not the name
            if found.lower() in common and not upper and not name:
                before = text[max(0, m.start() - 3) : m.start()]
                after = text[m.end() : m.end() + 2]
                sentence_start = not before.strip() or re.search(r"[.?!\"“”:]\s*$", before)
                if sentence_start and not after.startswith(":"):
                    return found
            return new.upper() if upper else new

        text = self._pattern().sub(swap, text)
        for old, new in self.initials.items():  # "SH:" labels of "Sandra Stewart Holyoak"
            text = re.sub(rf"(?<![\w'’.-]){old}(?=\.?\s*:)", new, text)
        return text


def renaming(
    speakers: Sequence[str], text: str, seed: int | str, drop_roles: bool = False
) -> Renaming:
    """A new name for every name word of the speakers: first words from FIRST_NAMES, later
    words from SURNAMES, none already on the page."""
    rng = random.Random(seed)
    firsts = [n for n in FIRST_NAMES if not re.search(rf"\b{n}\b", text, re.IGNORECASE)]
    lasts = [n for n in SURNAMES if not re.search(rf"\b{n}\b", text, re.IGNORECASE)]
    rng.shuffle(firsts)
    rng.shuffle(lasts)
    words: dict[str, str] = {}
    seen: set[str] = set()
    for speaker in speakers:
        tokens = _name_tokens(speaker)
        for i, token in enumerate(tokens):
            if token.lower() in seen:
                continue
            seen.add(token.lower())
            first = (i == 0 and len(tokens) > 1) or (len(tokens) == 1 and rng.random() < 0.5)
            pool = firsts if first and firsts else lasts
            words[token] = pool.pop()
    common = frozenset(w for w in words if re.search(rf"(?<![\w'’]){w.lower()}(?!\w)", text))
    initials: dict[str, str] = {}
    for speaker in speakers:
        tokens = _name_tokens(speaker)
        if len(tokens) < 2:
            continue
        new = [words[t] for t in tokens if t in words]
        for old_form, new_form in (
            ("".join(t[0] for t in tokens), "".join(t[0] for t in new)),
            (tokens[0][0] + tokens[-1][0], new[0][0] + new[-1][0]),
        ):
            initials.setdefault(old_form.upper(), new_form.upper())
    return Renaming(words, common, drop_roles, initials)


def drop_label_roles(text: str, names: Sequence[str]) -> str:
    """`NAME, ROLE:` and `NAME (role):` labels of the given names become `NAME:`."""
    if not names:
        return text
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    label = re.compile(
        rf"(?mi)^(\s*(?:\*\*|<b>|<strong>)?(?:{alts})(?:\s+(?:{alts}))*)"
        r"(?:\s*,\s*[^:\n,]{1,40}|\s*\([^)\n]{1,40}\))(\s*(?:\*\*|</b>|</strong>)?\s*:)"
    )
    return label.sub(r"\1\2", text)


def variant(page, text: str, seed: int, drop_roles: bool = False):  # type: ignore[no-untyped-def]
    """The page (a scripts/import_eval.py CorpusPage) and its text with its speakers
    renamed; labels whose renamed match words are not in the new text keep their old ones
    (a name at a sentence start the renaming left alone)."""
    speakers = list(dict.fromkeys(lab.speaker for lab in page.labels if lab.speaker))
    ren = renaming(speakers, text, f"{page.id}:{seed}", drop_roles)
    new_text = ren.apply(text)
    if drop_roles:
        new_text = drop_label_roles(new_text, list(ren.words.values()))
    labels = []
    for lab in page.labels:
        match = ren.apply(lab.match)
        speaker = ren.apply(lab.speaker, name=True) if lab.speaker else lab.speaker
        labels.append(dataclasses.replace(lab, match=match, speaker=speaker))
    new_page = dataclasses.replace(
        page, id=f"{page.id}~{seed}", title=ren.apply(page.title), labels=tuple(labels)
    )
    return new_page, new_text, ren
