"""The show around an imported episode: the music its other episodes play, or a starter show.

Music cues in a transcript become the show's music for that role: the file the show's other
episodes use most for it. An episode imported into a folder with no show.yaml above it gets
a starter show.yaml beside it, filled from the page's programme, broadcaster and host, with
a generated placeholder cover (the show model requires one), so that `kit segment` and
`kit render` work at once; the placeholders are marked `check:`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from broadcast_kit import loader, model
from broadcast_kit.errors import BroadcastKitError
from broadcast_kit.importer.document import Transcript
from broadcast_kit.importer.gender import infer
from broadcast_kit.importer.writer import quote

COVER_FILE = "cover.png"
MAX_EPISODES = 200  # other episodes read for the show's music


def find_show(episode_path: Path) -> Path | None:
    """The show.yaml that `kit render` would use for an episode at `episode_path`."""
    return loader.show_above(episode_path.resolve().parent)


def show_music(show_path: Path, episode_path: Path) -> dict[str, str]:
    """role -> the music file the show's episodes use most for it, written relative to the
    folder of `episode_path` (episodes that do not load are skipped)."""
    counts: Counter[tuple[str, Path]] = Counter()
    target = episode_path.resolve()
    found = sorted(show_path.parent.rglob("episode.yaml"))[:MAX_EPISODES]
    for other in found:
        if other.resolve() == target or any(p.startswith(".") for p in other.parts):
            continue
        try:
            production = loader.load(other, show_path)
        except BroadcastKitError:
            continue
        for part in production.parts:
            if isinstance(part, model.MusicPart):
                counts[(part.role, part.music.resolve())] += 1
    result: dict[str, str] = {}
    for (role, path), _ in counts.most_common():
        if role not in result:
            relative = os.path.relpath(path, episode_path.resolve().parent)
            result[role] = Path(relative).as_posix()
    return result


# the host naming the programme as it opens: "This is Valley Voices.", "Welcome to Tide Talk!"
# "Good evening and welcome to Coastal Lives on Harbour Light Radio."
_SAYS_PROGRAMME = re.compile(
    r"(?:^|[.!?]\s+|(?:,|\band)\s+)"
    r"(?i:this\s+is|welcome\s+(?:back\s+)?to|you(?:'|’|\s+a)re\s+listening\s+to)"
    r"\s+(?P<name>[A-Z][\w’'&-]*(?:\s+(?:of|and|the|for|&|[A-Z0-9][\w’'&-]*)){0,5})"
    r"(?:\s+(?:on|from)\s+(?P<on>[A-Z][\w’'&-]*(?:\s+[A-Z0-9][\w’'&-]*){0,4}))?\s*[.!,]"
)


def spoken_programme(transcript: Transcript) -> tuple[str | None, str | None]:
    """The programme and the station the first spoken paragraph names, when it names no one
    on the page ("This is Valley Voices. I'm Ruth Okonkwo.", "welcome to Coastal Lives on
    Harbour Light Radio."), each None when it names none: a page without a `Programme:`
    line still names its show, and the episode's title is no show name."""
    first = next((p for p in transcript.paragraphs if p.spoken), None)
    if first is None or (found := _SAYS_PROGRAMME.search(first.text)) is None:
        return None, None
    name = re.sub(r"(?:\s+(?:of|and|the|for|&))+$", "", found.group("name"))
    people = {w.lower() for p in transcript.people.known for w in p.name.split()}
    if name.split()[0].lower() in {"the", "a", "an"} and len(name.split()) == 1:
        return None, None
    if {w.lower() for w in name.split()} & people or len(name.split()) > 5:
        return None, None  # "This is Ruth Okonkwo": a person, not the programme
    station = found.group("on")
    if station and {w.lower() for w in station.split()} & people:
        station = None
    return name, station


def _host_voice(transcript: Transcript) -> str:
    """The starter show's host voice: of the gender the transcript gives the host, else a
    female voice marked for checking."""
    host = transcript.people.host
    found = infer(host, transcript, transcript.people.words) if host else None
    if found is None:
        return (
            "    voice: {gender: female, accent: us}  # check: the page does not say the host's"
            " gender"
        )
    gender = found.gender
    return f"    voice: {{gender: {gender}, accent: us}}  # check: {gender} from {found.evidence}"


def starter_show(transcript: Transcript, engine: str | None, episode_path: Path) -> str:
    """The text of a starter show.yaml for an episode imported into a folder without one."""
    spoken, station = spoken_programme(transcript)
    programme = transcript.programme or spoken
    title = programme or transcript.title or "My show"
    author = transcript.broadcaster or station or programme or "The show's author"
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "show"
    host = transcript.people.host
    hangul = len(re.findall(r"[\uac00-\ud7a3]", " ".join(p.text for p in transcript.paragraphs)))
    language = "ko" if hangul > 0.3 * sum(len(p.text) for p in transcript.paragraphs) else "en"
    where = "programme" if programme else "title"
    return "\n".join(
        [
            f"# A starter show, written by `kit import` because no {loader.SHOW_FILE} was found",
            f"# above {episode_path.name}. Every episode below this folder uses it. The lines",
            "# marked 'check:' are placeholders: replace them before you publish.",
            f"title: {quote(title)}  # check: the page's {where}",
            f"description: {quote(f'{title}, imported from a transcript.')}  # check: describe"
            " the show",
            f"author: {quote(author)}  # check: the broadcaster or producer",
            "owner:",
            f"  name: {quote(author)}  # check: who owns the feed",
            "  email: owner@example.org  # check: directories write to this address",
            f"language: {language}",
            "category: News  # check: one of Apple Podcasts' categories",
            "explicit: false",
            f"cover: {COVER_FILE}  # check: a generated placeholder; use a square 1400-3000 px"
            " JPEG or PNG",
            f"base_url: https://example.org/{slug}/  # check: where the episodes will be published",
            "voices:",
            "  host:",
            f"    engine: {engine}" if engine else _host_voice(transcript),
            f"    name: {quote(host.name if host else 'Host')}",
            "  voxpop:",
            f"    engine: {engine}" if engine else "    voice: {accent: us}",
            *(["    pitch: 3.0"] if engine else []),
            "    speed: 1.08",
            "",
        ]
    )
