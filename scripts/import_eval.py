"""Score `kit import` on the development corpus of real transcripts (issue 24).

Each page is `corpus/import/pages/<id>.yaml` (where the page is found, its headline and the
hand labels: one per paragraph that matters, in text order) and, when present,
`corpus/import/texts/<id>.txt` (the page text as found; git-ignored). Pages whose text is
absent are skipped with a note. The importer runs through the same call `kit import` uses
(`importer.import_transcript`), and each page is scored on:

- paragraph accuracy: a label is right when the importer's paragraph holding its match text
  has the right kind (host; guest = interview or voxpop; cue and drop = not spoken) and, for
  host and guest, the importer's speaker maps to the label's speaker (each importer speaker
  is mapped to the label speaker most of its paragraphs have; the rest are wrong);
- title: the importer's title against the page's headline, compared normalized;
- labels and timecodes read aloud: spoken paragraphs that start with a `NAME:` label (or
  hold an all-capitals one mid-text), or hold a `00:01:02` / `[00:12]` timecode or `-->`;
- furniture spoken: drop labels whose match text is in a spoken paragraph.

Held pages (`split: held`, chosen once by outlet: see corpus/import/README.md) are scored
only with `--split held` or `--split all`, at the end of the work, never while tuning.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import textwrap
import urllib.parse
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus" / "import"
KINDS = ("host", "guest", "cue", "drop")
FORMATS = (
    "radio-news",
    "tv-news",
    "long-interview",
    "panel",
    "documentary",
    "drama",
    "podcast-timestamps",
    "subtitles-srt",
    "subtitles-vtt",
    "qa-interview",
    "press-office",
    "non-us-broadcaster",
    "other",
)
PAGE_FIELDS = {
    "id", "outlet", "format", "url", "find_again", "title", "split", "labels", "notes", "text_file"
}  # fmt: skip
# a speaker label left at the start of a spoken paragraph: "AMY GOODMAN:", "Judy Woodruff:",
# "NAME, CNN ANCHOR:", "Q:", "PRESENTER (V/O):"
LEADING_LABEL = re.compile(
    r"^\s*(?:[A-Z][\w.'’\-]*(?:[ ,]+(?:[A-Z][\w.'’\-]*|\d+)){0,5}|Q|A)\s*"
    r"(?:\([^)]{1,30}\))?\s*:(?:\s|$)"
)
# a paragraph that is only a label with a time or role: "easter helper (01:00):"
LABEL_ONLY = re.compile(r"^\s*\w[\w.'’\-]*(?:\s+[\w.'’\-]+){0,3}\s*\([^)]{1,30}\)\s*:\s*$")
# an all-capitals label in the middle of a paragraph that lost its breaks: "... . JOHN SMITH:"
INNER_LABEL = re.compile(r"(?<=[.?!\"”’]\s)[A-Z][A-Z.'’\-]+(?:[ ,]+[A-Z][A-Z.'’\-]+){0,4}:\s")
TIMECODE = re.compile(
    r"\b\d{1,2}:\d{2}:\d{2}(?:[.,]\d{1,3})?\b|\[\s*\d{1,2}:\d{2}(?::\d{2})?\s*\]"
    r"|\(\s*\d{1,2}:\d{2}(?::\d{2})?\s*\)|-->"
    r"|(?<![\w:]):\d{2}:\d{2}\.\s*>"  # subtitle pages' ":00:11. > :00:16."
    r"|(?<![\w:.])\d{1,2}:\d{2}[.,]\d(?![\d:])"  # a podcast player's "0:17.0"
    r"|^\s*\d{1,2}:\d{2}\s*$"  # a paragraph that is a clock alone
)
_WORD = re.compile(r"[^\W\d_]+|\d+", re.UNICODE)  # "0:00:14Good" -> 0 00 14 good


def words(text: str) -> list[str]:
    """The text as lower-case words: what matching compares (punctuation, quotes and line
    breaks differ between the page and the importer's paragraphs)."""
    return [w.lower() for w in _WORD.findall(text.replace("’", "'").replace("'", ""))]


def normalized(text: str) -> str:
    return " ".join(words(text))


class PageError(Exception):
    """A page file that does not follow the format."""


@dataclass(frozen=True)
class Label:
    match: str
    kind: str
    speaker: str | None = None


@dataclass(frozen=True)
class CorpusPage:
    id: str
    outlet: str
    format: str
    url: str
    title: str
    split: str
    labels: tuple[Label, ...]
    path: Path
    text_file: str = ""  # the text's name in texts/ (a caption file keeps .srt or .vtt)

    @property
    def text_name(self) -> str:
        return self.text_file or f"{self.id}.txt"

    @property
    def source_name(self) -> str:
        """The name the producer's file has: a transcript or caption file's own name from
        its address (`kit import transcript.srt` falls back on "transcript" for a title),
        else the saved text's name."""
        name = urllib.parse.unquote(urllib.parse.urlsplit(self.url).path.rsplit("/", 1)[-1])
        if Path(name).suffix.lower() in (".srt", ".vtt", ".txt", ".md"):
            return name
        return self.text_name


def load_page(path: Path) -> CorpusPage:
    """Read and check one page file; PageError names the file and field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PageError(f"{path}: not YAML ({exc})") from None
    if not isinstance(data, dict):
        raise PageError(f"{path}: expected a mapping of id, outlet, format, url, ...")
    unknown = set(data) - PAGE_FIELDS
    if unknown:
        raise PageError(f"{path}: unknown fields {sorted(unknown)}; known: {sorted(PAGE_FIELDS)}")
    for key in ("id", "outlet", "format", "url", "find_again", "title", "split", "labels"):
        if not data.get(key):
            raise PageError(f"{path}: {key}: missing")
    if data["id"] != path.stem:
        raise PageError(f"{path}: id: {data['id']!r} is not the file name {path.stem!r}")
    if data["format"] not in FORMATS:
        raise PageError(f"{path}: format: {data['format']!r}; one of {', '.join(FORMATS)}")
    if data["split"] not in ("tune", "held"):
        raise PageError(f"{path}: split: {data['split']!r}; tune or held")
    if data["split"] != split_of(data["outlet"]):
        raise PageError(
            f"{path}: split: {data['split']} but the outlet rule gives {split_of(data['outlet'])}"
        )
    labels = []
    for n, item in enumerate(data["labels"]):
        where = f"{path}: labels[{n}]"
        if not isinstance(item, dict) or set(item) - {"match", "kind", "speaker"}:
            raise PageError(f"{where}: expected {{match, kind, speaker}}")
        kind = item.get("kind")
        if kind not in KINDS:
            raise PageError(f"{where}: kind: {kind!r}; one of {', '.join(KINDS)}")
        match = str(item.get("match") or "")
        if len(words(match)) < (1 if kind == "cue" else 2):
            raise PageError(f"{where}: match: {match!r} is too short to find (6-10 words)")
        speaker = item.get("speaker")
        if kind in ("host", "guest") and not speaker:
            raise PageError(f"{where}: speaker: missing for a {kind} paragraph")
        labels.append(Label(match, kind, str(speaker) if speaker else None))
    return CorpusPage(
        data["id"],
        data["outlet"],
        data["format"],
        data["url"],
        data["title"],
        data["split"],
        tuple(labels),
        path,
        str(data.get("text_file") or ""),
    )


# -- the split: by outlet, once per round ---------------------------------------------------

# Round 1 held the outlets whose sha256 started below 86; its held pages were scored once
# (73%) and then joined the tuning part. Round 2 holds exactly the outlets listed in
# corpus/import/held-outlets.txt: outlets new to the corpus, whose pages were added after
# round 1 and are never scored while tuning. Every other outlet is tune.
HELD_OUTLETS = Path(__file__).resolve().parent.parent / "corpus" / "import" / "held-outlets.txt"


def held_outlets() -> frozenset[str]:
    if not HELD_OUTLETS.exists():
        return frozenset()
    lines = HELD_OUTLETS.read_text("utf-8").splitlines()
    return frozenset(
        normalized(line) for line in lines if line.strip() and not line.startswith("#")
    )


def split_of(outlet: str) -> str:
    return "held" if normalized(outlet) in held_outlets() else "tune"


# -- scoring ----------------------------------------------------------------------------------


@dataclass
class Part:
    """One paragraph of the importer's output, as the scorer sees it."""

    words: list[str]
    text: str
    kind: str  # host, guest, cue (not spoken)
    speaker: str | None


@dataclass
class LabelResult:
    label: Label
    found: str  # host, guest, cue (found, not spoken), none (nowhere in the output)
    speaker: str | None
    right: bool = False
    why: str = ""


@dataclass
class Score:
    id: str
    outlet: str
    format: str
    split: str
    labels: int = 0
    right: int = 0
    spoken_labels: int = 0
    spoken_right: int = 0
    title_right: bool = False
    title_got: str = ""
    labels_spoken: int = 0
    timecodes_spoken: int = 0
    furniture_spoken: int = 0
    error: str | None = None
    details: list[dict[str, Any]] = field(default_factory=list)
    read_aloud: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.labels if self.labels else 0.0

    @property
    def spoken_accuracy(self) -> float:
        return self.spoken_right / self.spoken_labels if self.spoken_labels else 0.0


def _find(needle: list[str], parts: Sequence[Part], start: int) -> int | None:
    """The index of the first part at or after `start` (then from the top) holding `needle`."""
    n = len(needle)
    order = list(range(start, len(parts))) + list(range(0, start))
    for i in order:
        hay = parts[i].words
        for j in range(len(hay) - n + 1):
            if hay[j : j + n] == needle:
                return i
    return None


def score_parts(
    labels: Sequence[Label], parts: Sequence[Part], extra_text: Sequence[str] = ()
) -> list[LabelResult]:
    """Score the labels against the importer's parts (in order). `extra_text`: what the
    importer kept but does not speak (dropped blocks, titles), for telling a lost paragraph
    from a set-aside one."""
    results: list[LabelResult] = []
    kept = [Part(words(t), t, "cue", None) for t in extra_text]
    at = 0
    for label in labels:
        needle = words(label.match)
        i = _find(needle, parts, at)
        if i is not None:
            at = i
            part = parts[i]
            results.append(LabelResult(label, part.kind, part.speaker))
        elif _find(needle, kept, 0) is not None:
            results.append(LabelResult(label, "cue", None))
        else:
            results.append(LabelResult(label, "none", None))
    # each importer speaker stands for the label speaker most of its right-kind paragraphs have
    votes: dict[tuple[str, str], Counter[str]] = {}
    for r in results:
        if r.label.kind in ("host", "guest") and r.found == r.label.kind and r.speaker:
            votes.setdefault((r.found, r.speaker), Counter())[r.label.speaker or ""] += 1
    mapping = {key: c.most_common(1)[0][0] for key, c in votes.items()}
    for r in results:
        want = r.label.kind
        if want in ("cue", "drop"):
            r.right = r.found in ("cue", "none")
            r.why = "" if r.right else f"spoken as {r.found}"
        elif r.found == "none":
            r.why = "not found in the output (words lost or changed)"
        elif r.found != want:
            r.why = f"{want} became {r.found}" + (f" ({r.speaker})" if r.speaker else "")
        elif mapping.get((r.found, r.speaker or "")) != r.label.speaker:
            mapped = mapping.get((r.found, r.speaker or ""))
            r.why = f"speaker {r.speaker!r} stands for {mapped!r}, not {r.label.speaker!r}"
        else:
            r.right = True
    return results


def read_aloud(parts: Sequence[Part]) -> tuple[list[str], list[str]]:
    """Spoken parts with a speaker label, and those with a timecode."""
    labelled, timed = [], []
    for part in parts:
        if part.kind == "cue":
            continue
        if any(p.search(part.text) for p in (LEADING_LABEL, LABEL_ONLY, INNER_LABEL)):
            labelled.append(part.text)
        if TIMECODE.search(part.text):
            timed.append(part.text)
    return labelled, timed


def title_matches(got: str | None, want: str) -> bool:
    return bool(got) and normalized(got or "") == normalized(want)


def import_parts(text: str, source_name: str) -> tuple[list[Part], list[str], str | None]:
    """Run the importer as `kit import` does; its paragraphs as parts, the text it set aside
    (chapter titles, dropped blocks) and its title."""
    from broadcast_kit import importer

    result = importer.import_transcript(
        text, source_name, today=dt.date(2026, 1, 1), words=importer.load_words()
    )
    transcript = result.transcript
    parts = []
    for para in transcript.paragraphs:
        if not para.spoken:
            parts.append(Part(words(para.text or para.cue or ""), para.text, "cue", None))
            continue
        kind = "host" if para.kind == "host" else "guest"
        if para.person is not None:
            speaker = para.person.name
        elif para.kind == "voxpop":
            speaker = para.description or para.voice or "(voxpop)"
        else:
            speaker = f"({para.kind})"
        parts.append(Part(words(para.text), para.text, kind, speaker))
    aside = [s.title for s in transcript.stories if s.title]
    aside += [b.text for b in transcript.dropped]
    if transcript.title:
        aside.append(transcript.title)
    title = transcript.title or Path(source_name).stem
    return parts, aside, title


def score_page(page: CorpusPage, text: str) -> Score:
    score = Score(page.id, page.outlet, page.format, page.split, labels=len(page.labels))
    score.spoken_labels = sum(1 for lab in page.labels if lab.kind in ("host", "guest"))
    try:
        parts, aside, title = import_parts(text, page.source_name)
    except Exception as exc:  # the importer's failure is a score, not a crash of the eval
        score.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
        return score
    results = score_parts(page.labels, parts, aside)
    score.right = sum(r.right for r in results)
    score.spoken_right = sum(r.right for r in results if r.label.kind in ("host", "guest"))
    score.title_got = title or ""
    score.title_right = title_matches(title, page.title)
    labelled, timed = read_aloud(parts)
    score.labels_spoken, score.timecodes_spoken = len(labelled), len(timed)
    score.read_aloud = [t[:80] for t in labelled + timed]
    score.furniture_spoken = sum(
        1 for r in results if r.label.kind == "drop" and r.found in ("host", "guest")
    )
    score.details = [
        {
            "match": r.label.match,
            "kind": r.label.kind,
            "speaker": r.label.speaker,
            "found": r.found,
            "found_speaker": r.speaker,
            "right": r.right,
            "why": r.why,
        }
        for r in results
    ]
    return score


def unmatched(page: CorpusPage, text: str) -> list[tuple[int, Label]]:
    """Labels whose match words are not in the page text (in text order, after the previous
    label's; a label may share the previous one's line): mistakes in the labels themselves.
    A caption file's markup, cue numbers and timing lines are not words of the page."""
    text = re.sub(r"</?(?:font|v|i|b|u|c|lang|ruby|rt)\b[^>]*>", " ", text)
    text = re.sub(r"(?m)^\s*(?:\d+|.*-->.*)\s*$", " ", text)
    hay = words(text)
    at, missing = 0, []
    for n, label in enumerate(page.labels):
        needle = words(label.match)
        found = next(
            (
                i
                for i in range(at, len(hay) - len(needle) + 1)
                if hay[i : i + len(needle)] == needle
            ),
            None,
        )
        if found is None:
            missing.append((n, label))
        else:
            at = found
    return missing


# -- variants: the same page stored in another text shape ------------------------------------

WRAP = 72  # columns: the width an email client or an old text export wraps at


def _wrapped(text: str) -> str:
    """Each line hard-wrapped at WRAP columns (blank lines kept), as email and old exports do."""
    out = []
    for line in text.split("\n"):
        wrapped = textwrap.wrap(line, WRAP, break_long_words=False, break_on_hyphens=False)
        out.append("\n".join(wrapped))
    return "\n".join(out)


def _blank_lines(text: str) -> str:
    """A blank line after every line, as a word processor's export puts them."""
    return "\n\n".join(line for line in text.split("\n") if line.strip()) + "\n"


def _one_line(text: str) -> str:
    """The whole text on one line, as a paste that lost every line break."""
    return " ".join(text.split()) + "\n"


VARIANTS = {"wrap": _wrapped, "blank": _blank_lines, "oneline": _one_line}
NAME_VARIANTS = ("names", "bare")  # speakers renamed: scripts/import_variants.py


def variant(name: str, page: CorpusPage, text: str) -> str | None:
    """The page's text in the variant's shape; None for a caption file (its lines are cues,
    not a shape the producer chose) or an HTML page (its tags say where lines end)."""
    if page.text_name.endswith((".srt", ".vtt")) or re.search(r"(?m)^\s*\S.*-->", text):
        return None
    if re.search(r"(?i)<(?:html|body|p|div)\b", text[:5000]):
        return None
    return VARIANTS[name](text)


def _variants_table(pages: list[CorpusPage], corpus: Path, names: list[str]) -> str:
    """Each variant's mean beside the same pages' original mean, and the pages it loses on."""
    lines = []
    for name in names:
        base, moved, lost = [], [], []
        for page in pages:
            path = corpus / "texts" / page.text_name
            if not path.exists():
                continue
            text = path.read_text(encoding="utf-8-sig")
            shaped = variant(name, page, text)
            if shaped is None:
                continue
            a, b = score_page(page, text), score_page(page, shaped)
            base.append(a)
            moved.append(b)
            if b.right < a.right or (a.title_right and not b.title_right):
                lost.append(
                    f"  {page.id}: {a.right}/{a.labels} -> {b.right}/{b.labels}"
                    f"{'' if b.title_right or not a.title_right else ', title lost'}"
                    f"{f' ({b.error})' if b.error else ''}"
                )
        m, v = summary(base), summary(moved)
        lines.append(
            f"{name}: {v['pages']} pages, as stored {m['accuracy']:.0%} /"
            f" {m['spoken_accuracy']:.0%} spoken, titles {m['titles_right']};"
            f" {name} {v['accuracy']:.0%} /"
            f" {v['spoken_accuracy']:.0%} spoken, titles {v['titles_right']},"
            f" labels {v['labels_spoken']}, timecodes {v['timecodes_spoken']},"
            f" furniture {v['furniture_spoken']}; {len(lost)} page(s) lose"
        )
        lines += lost
    return "\n".join(lines)


# -- the command ------------------------------------------------------------------------------


def load_corpus(folder: Path) -> list[CorpusPage]:
    pages = [load_page(p) for p in sorted((folder / "pages").glob("*.yaml"))]
    return pages


def _table(scores: list[Score]) -> str:
    head = (
        f"{'page':34} {'split':5} {'format':18} {'lab':>4} {'acc':>5} {'spkn':>5}"
        f" {'title':5} {'lbl':>3} {'tc':>3} {'furn':>4}"
    )
    lines = [head, "-" * len(head)]
    for s in scores:
        if s.error:
            lines.append(f"{s.id[:34]:34} {s.split:5} {s.format[:18]:18} error: {s.error}")
            continue
        lines.append(
            f"{s.id[:34]:34} {s.split:5} {s.format[:18]:18} {s.labels:>4}"
            f" {s.accuracy:>5.0%} {s.spoken_accuracy:>5.0%} {'yes' if s.title_right else 'NO':5}"
            f" {s.labels_spoken:>3} {s.timecodes_spoken:>3} {s.furniture_spoken:>4}"
        )
    if scores:
        m = summary(scores)
        lines.append("-" * len(head))
        lines.append(
            f"{'mean of ' + str(m['pages']) + ' pages':34} {'':5} {'':18} {'':>4}"
            f" {m['accuracy']:>5.0%} {m['spoken_accuracy']:>5.0%}"
            f" {m['titles_right']:>2}/{m['pages']:<2} {m['labels_spoken']:>3}"
            f" {m['timecodes_spoken']:>3} {m['furniture_spoken']:>4}"
        )
    return "\n".join(lines)


def summary(scores: list[Score]) -> dict[str, Any]:
    n = len(scores)
    return {
        "pages": n,
        "outlets": len({s.outlet for s in scores}),
        "formats": len({s.format for s in scores}),
        "accuracy": sum(s.accuracy for s in scores) / n if n else 0.0,
        "spoken_accuracy": sum(s.spoken_accuracy for s in scores) / n if n else 0.0,
        "titles_right": sum(s.title_right for s in scores),
        "labels_spoken": sum(s.labels_spoken for s in scores),
        "timecodes_spoken": sum(s.timecodes_spoken for s in scores),
        "furniture_spoken": sum(s.furniture_spoken for s in scores),
        "errors": sum(1 for s in scores if s.error),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/import-eval", description=__doc__.split("\n")[0])
    parser.add_argument("--split", choices=("tune", "held", "all"), default="tune")
    parser.add_argument("--page", action="append", default=[], help="only this page id")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", help="each wrong label")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--check", action="store_true", help="only check the page files (no scores, any split)"
    )
    parser.add_argument(
        "--variants",
        default="",
        help="also score perturbed variants of each page (comma list): speakers renamed"
        " (names), and their labels' role words dropped too (bare; see"
        f" scripts/import_variants.py); or stored in other shapes: {', '.join(VARIANTS)}",
    )
    parser.add_argument("--seeds", type=int, default=2, help="name variants per page (default 2)")
    args = parser.parse_args(argv)
    variants = [v for v in args.variants.split(",") if v]
    known = (*NAME_VARIANTS, *VARIANTS)
    if unknown_variants := set(variants) - set(known):
        print(
            f"error: --variants: no variant {', '.join(sorted(unknown_variants))};"
            f" known: {', '.join(known)}",
            file=sys.stderr,
        )
        return 2
    named = [v for v in variants if v in NAME_VARIANTS]
    if len(named) > 1:
        print("error: --variants: names or bare, not both", file=sys.stderr)
        return 2
    shapes = [v for v in variants if v in VARIANTS]
    try:
        pages = load_corpus(args.corpus)
    except PageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        present = [p for p in pages if (args.corpus / "texts" / p.text_name).exists()]
        problems = [
            f"{p.id}: label {n} ({lab.kind}): {lab.match!r} is not in the text"
            for p in present
            for n, lab in unmatched(p, (args.corpus / "texts" / p.text_name).read_text("utf-8"))
        ]
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        held = sum(p.split == "held" for p in pages)
        print(
            f"{len(pages)} pages ({len(present)} with text), {len({p.outlet for p in pages})}"
            f" outlets, {len({p.format for p in pages})} formats;"
            f" {len(pages) - held} tune, {held} held"
        )
        return 1 if problems else 0
    if args.page:
        unknown = set(args.page) - {p.id for p in pages}
        if unknown:
            print(f"error: --page: no page {', '.join(sorted(unknown))}", file=sys.stderr)
            return 2
        pages = [p for p in pages if p.id in args.page]
    elif args.split != "all":
        pages = [p for p in pages if p.split == args.split]
    if shapes:
        print(_variants_table(pages, args.corpus, shapes))
        if not named:
            return 0
    scores, skipped = [], []
    for page in pages:
        text_path = args.corpus / "texts" / page.text_name
        if not text_path.exists():
            skipped.append(page.id)
            continue
        scores.append(score_page(page, text_path.read_text(encoding="utf-8-sig")))
    if named:
        return _score_variants(args, named[0], pages, scores, skipped)
    if args.json:
        out = {
            "split": args.split,
            "summary": summary(scores),
            "pages": [
                {**asdict(s), "accuracy": s.accuracy, "spoken_accuracy": s.spoken_accuracy}
                | ({} if args.verbose else {"details": [d for d in s.details if not d["right"]]})
                for s in scores
            ],
            "skipped": skipped,
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    print(_table(scores))
    if args.verbose:
        for s in scores:
            wrong = [d for d in s.details if not d["right"]]
            if not (wrong or not s.title_right or s.read_aloud):
                continue
            print(f"\n== {s.id}")
            if not s.title_right:
                want = next(p.title for p in pages if p.id == s.id)
                print(f"  title: got {s.title_got!r}, want {want!r}")
            for d in wrong:
                print(f"  [{d['kind']}/{d['speaker']}] {d['match']!r}: {d['why']}")
            for t in s.read_aloud:
                print(f"  read aloud: {t!r}")
    if skipped:
        print(
            f"note: {len(skipped)} page(s) skipped, no text in {args.corpus / 'texts'}:"
            f" {', '.join(skipped)}",
            file=sys.stderr,
        )
    return 0


def _score_variants(
    args: argparse.Namespace,
    kind: str,
    pages: list[CorpusPage],
    scores: list[Score],
    skipped: list[str],
) -> int:
    """Each page beside its variants: the originals' mean, the variants' mean, and the pages
    whose variants lose most (what the importer keyed on was the page's names)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import import_variants

    originals = {s.id: s for s in scores}
    variants: dict[str, list[Score]] = {}
    lost_labels = 0
    for page in pages:
        if page.id in skipped:
            continue
        text = (args.corpus / "texts" / page.text_name).read_text(encoding="utf-8-sig")
        for seed in range(1, args.seeds + 1):
            vpage, vtext, _ = import_variants.variant(page, text, seed, drop_roles=kind == "bare")
            lost_labels += len(unmatched(vpage, vtext))
            variants.setdefault(page.id, []).append(score_page(vpage, vtext))
    flat = [v for vs in variants.values() for v in vs]
    if args.json:
        out = {
            "variants": kind,
            "seeds": args.seeds,
            "originals": summary(scores),
            "summary": summary(flat),
            "pages": {
                pid: {
                    "original": originals[pid].accuracy,
                    "variants": [v.accuracy for v in vs],
                    "wrong": [[d for d in v.details if not d["right"]] for v in vs],
                }
                for pid, vs in variants.items()
            },
        }
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    head = f"{'page':40} {'orig':>5} {'vars':>5} {'diff':>5}  variants"
    lines = [head, "-" * len(head)]
    for pid, vs in variants.items():
        mean = sum(v.accuracy for v in vs) / len(vs)
        orig = originals[pid].accuracy
        each = " ".join(f"{v.accuracy:.0%}" for v in vs)
        lines.append(f"{pid[:40]:40} {orig:>5.0%} {mean:>5.0%} {mean - orig:>+5.0%}  {each}")
    print("\n".join(lines))
    if args.verbose:
        for vs in variants.values():
            for v in vs:
                wrong = [d for d in v.details if not d["right"]]
                if not wrong:
                    continue
                print(f"\n== {v.id}")
                for d in wrong:
                    print(f"  [{d['kind']}/{d['speaker']}] {d['match']!r}: {d['why']}")
    o, m = summary(scores), summary(flat)
    print(
        f"\noriginals: {o['accuracy']:.0%} / {o['spoken_accuracy']:.0%} spoken, titles"
        f" {o['titles_right']}/{o['pages']}, {o['labels_spoken']} labels"
        f"\n{kind} variants ({args.seeds} per page): {m['accuracy']:.0%} /"
        f" {m['spoken_accuracy']:.0%} spoken, titles {m['titles_right']}/{m['pages']},"
        f" {m['labels_spoken']} labels; {lost_labels} label(s) not findable in a variant"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
