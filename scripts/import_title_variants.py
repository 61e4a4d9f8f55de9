"""Score `kit import`'s episode title on perturbed tuning pages (issue 24).

Tuning pages flatter the importer: it has seen them. This script changes what a
page-specific rule would key on around each page's headline, keeps the hand title valid,
and scores the title on every variant. A page takes part only when its headline stands on
a line of its own above the first hand label (else there is nothing to move). Variants,
made in memory (nothing is written):

- site-above: the outlet's name on a line above the headline
- nav-above: a row of links above it; nav-lines: a menu, one link a line
- outlet-suffix: " | Outlet" after the headline; outlet-dash: " - Outlet"
- date-before, date-after: a date line above or below it
- moved: the headline one header line further down; moved2: two
- section-above: a section's name ("Politics") above it
- byline-after: "By Ann Lee" below it

The outlet, section and byline names are picked per page from small lists, so that no
rule can learn one name. Usage: scripts/import-title-variants [-v] [--kind KIND] [--page ID]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from import_eval import (
    CORPUS,
    CorpusPage,
    import_parts,
    load_corpus,
    normalized,
    title_matches,
    words,
)

OUTLETS = (
    "Northfield Public Radio",
    "The Lantern",
    "Riverbend Voices",
    "Meridian Broadcasting",
    "Tidewater Post",
    "Coastline",
    "KVXR 91.5 FM",
    "The Weekly Almanac",
)
SECTIONS = ("Politics", "Arts & Culture", "Podcasts", "World", "Opinion", "Science")
BYLINES = ("By Ann Lee", "By Tomas Ferreira and Mei Chen", "By Grace O'Neill, Senior Editor")
DATES = ("March 3, 2019", "12 October 2021", "Tuesday, June 7, 2016", "2020-11-05")
NAV_ROWS = (
    "Home | News | Podcasts | About | Contact",
    "Home · Shows · Schedule · Donate",
    "Listen Live   Programs   Podcasts   Support Us",
)
MENUS = (
    ["Home", "Shows", "Podcasts", "About Us", "Donate"],
    ["News", "Sport", "Weather", "Listen"],
)


def _pick(options: tuple[str, ...] | tuple[list[str], ...], page: CorpusPage, salt: str) -> object:
    digest = hashlib.sha256(f"{page.id}/{salt}".encode()).digest()
    return options[digest[0] % len(options)]


def headline_at(page: CorpusPage, lines: list[str]) -> tuple[int, int] | None:
    """(index of the headline's line, index of the first hand label's line), or None when the
    headline is not a line of its own above the first spoken hand label."""
    want = normalized(page.title)
    spoken = [lab for lab in page.labels if lab.kind in ("host", "guest")]
    first = words(spoken[0].match) if spoken else []
    body = len(lines)
    for at, line in enumerate(lines):
        got = words(line)
        if first and any(got[i : i + len(first)] == first for i in range(len(got))):
            body = at
            break
    for at, line in enumerate(lines[:body]):
        if normalized(line) == want:
            return at, body
    return None


def _insert(lines: list[str], at: int, new: list[str]) -> list[str]:
    block = [x for line in new for x in (line, "")]
    return [*lines[:at], *block, *lines[at:]]


def _moved(lines: list[str], at: int, body: int, steps: int) -> list[str] | None:
    """The headline moved past the next `steps` non-blank header lines."""
    rest = [i for i in range(at + 1, body) if lines[i].strip()]
    if len(rest) < steps:
        return None
    target = rest[steps - 1]
    moved = [*lines[:at], *lines[at + 1 : target + 1], lines[at], *lines[target + 1 :]]
    return moved


Variant = Callable[[CorpusPage, list[str], int, int], list[str] | None]


def _variants() -> dict[str, Variant]:
    def outlet(p: CorpusPage) -> str:
        return str(_pick(OUTLETS, p, "outlet"))

    return {
        "original": lambda p, lines, at, body: lines,
        "site-above": lambda p, lines, at, body: _insert(lines, at, [outlet(p)]),
        "nav-above": lambda p, lines, at, body: _insert(lines, at, [str(_pick(NAV_ROWS, p, "n"))]),
        "nav-lines": lambda p, lines, at, body: _insert(lines, at, list(_pick(MENUS, p, "m"))),  # type: ignore[call-overload]
        "outlet-suffix": lambda p, lines, at, body: [
            *lines[:at],
            f"{lines[at].rstrip()} | {outlet(p)}",
            *lines[at + 1 :],
        ],
        "outlet-dash": lambda p, lines, at, body: [
            *lines[:at],
            f"{lines[at].rstrip()} - {outlet(p)}",
            *lines[at + 1 :],
        ],
        "date-before": lambda p, lines, at, body: _insert(lines, at, [str(_pick(DATES, p, "d"))]),
        "date-after": lambda p, lines, at, body: _insert(
            lines, at + 1, [str(_pick(DATES, p, "d"))]
        ),
        "moved": lambda p, lines, at, body: _moved(lines, at, body, 1),
        "moved2": lambda p, lines, at, body: _moved(lines, at, body, 2),
        "section-above": lambda p, lines, at, body: _insert(
            lines, at, [str(_pick(SECTIONS, p, "s"))]
        ),
        "byline-after": lambda p, lines, at, body: _insert(
            lines, at + 1, [str(_pick(BYLINES, p, "b"))]
        ),
    }


def variant_texts(page: CorpusPage, text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) of every variant of the page that can be made."""
    lines = text.split("\n")
    found = headline_at(page, lines)
    if found is None:
        return
    at, body = found
    for kind, make in _variants().items():
        made = make(page, lines, at, body)
        if made is not None:
            yield kind, "\n".join(made)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/import-title-variants", description=__doc__)
    parser.add_argument("--page", action="append", default=[])
    parser.add_argument("--kind", action="append", default=[])
    parser.add_argument("-v", "--verbose", action="store_true", help="each wrong title")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    pages = [p for p in load_corpus(args.corpus) if p.split == "tune"]
    if args.page:
        pages = [p for p in pages if p.id in args.page]
    totals: dict[str, list[int]] = {}
    wrong: list[str] = []
    for page in pages:
        path = args.corpus / "texts" / page.text_name
        if not path.exists() or path.suffix in (".srt", ".vtt"):
            continue
        for kind, text in variant_texts(page, path.read_text(encoding="utf-8-sig")):
            if args.kind and kind not in args.kind:
                continue
            _, _, title = import_parts(text, page.source_name)
            right = title_matches(title, page.title)
            total = totals.setdefault(kind, [0, 0])
            total[0] += right
            total[1] += 1
            if not right:
                wrong.append(f"{kind:14} {page.id}: got {title!r}, want {page.title!r}")
    for kind, (right, count) in totals.items():
        print(f"{kind:14} {right:>3}/{count}")
    variants = [t for k, t in totals.items() if k != "original"]
    print(f"{'variants':14} {sum(t[0] for t in variants):>3}/{sum(t[1] for t in variants)}")
    if args.verbose:
        print("\n".join(wrong))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
