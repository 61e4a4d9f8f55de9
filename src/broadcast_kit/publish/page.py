"""The show page, `index.html`: one static file for listeners without a podcast app.

It shows the cover, the show's title and description, a subscribe link to the feed (and the
feed's URL to copy), and every episode with an HTML5 player, its show notes, its chapters as
links that seek the player, and its transcript, read here from the episode's own WebVTT file:
one element per cue with `data-start`/`data-end`, highlighted as it is spoken, a click (or
Enter/Space) seeking there. CSS and JS are inline and every URL is relative, so the page
works from any static host, from `kit serve` and from file:// without a network. Everything
a producer typed is HTML-escaped, and a Content-Security-Policy allows only the page's own
inline script and style, so even a missed escape could not run a script. The output is a
function of its inputs: the same show and episodes give the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import re
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

from broadcast_kit import __version__, loader
from broadcast_kit.errors import InputError
from broadcast_kit.formats import vtt
from broadcast_kit.formats.vtt import Cue
from broadcast_kit.model import Show
from broadcast_kit.publish.feed import Item, clean, disclosure, notes_html, timestamp

MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
MONTHS += ("August", "September", "October", "November", "December")
RTL_LANGUAGES = {"ar", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"}
# the newest episodes get their transcript written into the page and their player's metadata
# loaded; older ones link to their VTT and load on play, so a long-running show's page stays
# light (1,000 inline transcripts would be tens of MB of HTML)
INLINE_TRANSCRIPTS = 20
MAX_VTT_BYTES = 16 << 20  # a 6-hour episode's transcript is well under 1 MB


def parse_vtt(text: str, where: str) -> list[Cue]:
    """The cues of a WebVTT file (as `kit render` writes it): times, `<v Name>` speaker and
    the text with its tags removed and its character references decoded."""
    if not vtt.HEADER.fullmatch(vtt.split_lines(text)[0]):
        raise InputError(
            f"{where}:1: not a WebVTT file (it must start with WEBVTT); render the episode again"
        )
    cues: list[Cue] = []
    for block in vtt.blocks(text):
        if "-->" not in block.timing:
            continue  # cue identifiers alone, NOTE and STYLE blocks
        if block.times is None:
            raise InputError(
                f"{where}:{block.line}: expected 'HH:MM:SS.mmm --> HH:MM:SS.mmm', got"
                f" {block.timing.strip()!r}; render the episode again"
            )
        start, end = block.times
        if end < start:
            raise InputError(
                f"{where}:{block.line}: the cue ends before it starts; render the episode again"
            )
        speaker, words = vtt.speaker_and_text(block.lines)
        if words:
            cues.append(Cue(start, end, speaker, words))
    return cues


def read_transcript(path: Path) -> list[Cue]:
    where = loader.display(path)
    try:
        if path.stat().st_size > MAX_VTT_BYTES:
            raise InputError(
                f"{where}: larger than {MAX_VTT_BYTES:,} bytes; render the episode again"
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{where}: cannot read the transcript ({exc}); render the episode again"
        ) from None
    return parse_vtt(text, where)


def _e(text: str) -> str:
    """Producer text as HTML text or attribute value (quotes escaped too)."""
    return html.escape(clean(text), quote=True)


def _url(name: str) -> str:
    """A file in the folder as an escaped relative URL."""
    return html.escape(quote(name), quote=True)


def _seconds(ms: int) -> str:
    return f"{ms // 1000}.{ms % 1000:03d}"


def _date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _duration(ms: int) -> str:
    seconds = round(ms / 1000)
    if seconds < 60:
        return f"{seconds} s"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1000:.0f} kB"


def _paragraphs(text: str) -> str:
    return "".join(
        f'<p dir="auto">{_e(p.strip()).replace(chr(10), "<br>")}</p>'
        for p in re.split(r"\n\s*\n", text.strip())
        if p.strip()
    )


def _anchor(slug: str, taken: set[str]) -> str:
    base = "ep-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", slug).strip("-") or "episode")
    anchor, n = base, 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    taken.add(anchor)
    return anchor


def _transcript(cues: list[Cue], chapter_starts: set[int]) -> str:
    """Cues grouped into paragraphs, one per speaker turn (and per chapter)."""
    out: list[str] = []
    speaker: str | None = None
    last_end = -1
    for cue in cues:
        new_chapter = any(last_end <= start <= cue.start_ms for start in chapter_starts)
        if not out or cue.speaker != speaker or new_chapter:
            if out:
                out.append("</p>")
            speaker = cue.speaker
            who = f'<strong class="who">{_e(speaker)}</strong> ' if speaker else ""
            out.append(f'<p class="turn" dir="auto">{who}')
        out.append(
            f'<span class="cue" role="button" tabindex="0" data-start="{_seconds(cue.start_ms)}"'
            f' data-end="{_seconds(cue.end_ms)}">{_e(cue.text)}</span> '
        )
        last_end = cue.end_ms
    if out:
        out.append("</p>")
    return "".join(out)


def _episode(item: Item, anchor: str, inline: bool, sentence: str | None) -> str:
    entry = item.entry
    mp3 = _url(entry.mp3.name)
    title = _e(entry.title)
    meta = [f'<time datetime="{entry.date.isoformat()}">{_date(entry.date)}</time>']
    if entry.episode_type != "full":
        meta.append(_e(entry.episode_type.capitalize()))
    if entry.season is not None:
        meta.append(f"Season {entry.season}")
    if entry.number is not None:
        meta.append(f"Episode {entry.number}")
    meta.append(_duration(entry.duration_ms))
    if entry.explicit:
        meta.append("Explicit")
    files = [f'<a href="{mp3}" download>MP3, {_size(entry.size)}</a>']
    if "vtt" in entry.sidecars:
        files.append(f'<a href="{_url(entry.sidecars["vtt"].name)}">Transcript (WebVTT)</a>')
    parts = [
        f'<article class="episode" id="{anchor}" aria-labelledby="{anchor}-title">',
        f'<h3 id="{anchor}-title" dir="auto">{title}</h3>',
        f'<p class="meta">{" · ".join(meta)}</p>',
        f'<audio controls preload="{"metadata" if inline else "none"}" src="{mp3}"'
        f' aria-label="Play: {title}">'
        f'<a href="{mp3}">Download the MP3</a></audio>',
        f'<p class="files">{" · ".join(files)}</p>',
    ]
    # the chapters get their own list below
    notes = notes_html(replace(entry, chapters=()), sentence)
    if notes:
        parts.append(f'<div class="notes" dir="auto">{notes}</div>')
    if entry.chapters:
        links = "".join(
            f'<li><a class="chapter" href="{mp3}#t={_seconds(c.start_ms)}"'
            f' data-start="{_seconds(c.start_ms)}"><span class="at">{timestamp(c.start_ms)}</span>'
            f' <span dir="auto">{_e(c.title)}</span></a></li>'
            for c in entry.chapters
        )
        parts.append(
            f'<section class="chapters" aria-labelledby="{anchor}-chapters">'
            f'<h4 id="{anchor}-chapters">Chapters</h4><ol>{links}</ol></section>'
        )
    if inline and "vtt" in entry.sidecars:
        cues = read_transcript(entry.sidecars["vtt"])
        if cues:
            body = _transcript(cues, {c.start_ms for c in entry.chapters})
            parts.append(
                '<details class="transcript"><summary>Transcript'
                f' <span class="count">({len(cues)} lines; select one to play from'
                f' there)</span></summary><div class="cues">{body}</div></details>'
            )
    parts.append("</article>")
    return "\n".join(parts)


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode()).digest()).decode() + "'"


def render(
    show: Show,
    items: list[Item],
    cover_name: str,
    feed_name: str,
    feed_url: str | None = None,
    inline_transcripts: int = INLINE_TRANSCRIPTS,
) -> str:
    """The page's HTML for `items` (already chosen and ordered newest first); `feed_url`, the
    feed's public address, is shown for pasting into a podcast app; the first
    `inline_transcripts` episodes have their transcripts on the page."""
    language = show.language
    direction = "rtl" if language.split("-")[0].lower() in RTL_LANGUAGES else "ltr"
    taken: set[str] = set()
    episodes = "\n".join(
        _episode(
            item,
            _anchor(item.entry.slug, taken),
            n < inline_transcripts,
            disclosure(show, item.entry),
        )
        for n, item in enumerate(items)
    )
    if not items:
        episodes = "<p>No episodes yet.</p>"
    feed = _url(feed_name)
    # only the page's own inline script and style may run: a missed escape could not inject
    policy = (
        f"script-src {_hash(SCRIPT)}; style-src {_hash(STYLE)}; object-src 'none';"
        " base-uri 'none'; form-action 'none'"
    )
    copy = ""
    if feed_url:
        copy = (
            '<p class="copy"><label for="feed-url">Feed URL for your podcast app</label>'
            f' <input id="feed-url" type="text" readonly value="{_e(feed_url)}">'
            ' <button type="button" id="copy-feed" hidden>Copy</button>'
            ' <span id="copy-status" role="status"></span></p>'
        )
    description = _paragraphs(show.description)
    website = f'<p><a href="{_e(show.link)}">Website</a></p>' if show.link else ""
    cover = (
        f'<img class="cover" src="{_url(cover_name)}" alt="Cover art of {_e(show.title)}"'
        ' width="176" height="176">'
    )
    subscribe = (
        f'<p class="subscribe"><a class="button" href="{feed}" type="application/rss+xml">'
        "Subscribe (RSS feed)</a></p>"
    )
    return f"""<!doctype html>
<html lang="{_e(language)}" dir="{direction}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{policy}">
<meta name="generator" content="broadcast-kit {__version__}">
<meta name="description" content="{_e(show.description or show.title)}">
<title>{_e(show.title)}</title>
<link rel="icon" href="{_url(cover_name)}">
<link rel="alternate" type="application/rss+xml" title="{_e(show.title)}" href="{feed}">
<style>{STYLE}</style>
</head>
<body>
<a class="skip" href="#episodes">Skip to the episodes</a>
<header class="show">
{cover}
<div class="name">
<h1 dir="auto">{_e(show.title)}</h1>
<p class="author" dir="auto">{_e(show.author)}</p>
</div>
<div class="about">
<div class="description">{description}</div>
{website}
{subscribe}
{copy}
</div>
</header>
<main id="episodes">
<h2>Episodes</h2>
{episodes}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""


STYLE = """
:root{color-scheme:light dark;--fg:#1b1b1f;--muted:#55575d;--bg:#fff;--card:#f5f5f7;
--line:#d6d6db;--accent:#0b57d0;--now:#ffe27a;--focus:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#ececf1;--muted:#b4b6bd;--bg:#121316;
--card:#1d1f24;--line:#383b42;--accent:#8ab4f8;--now:#5a4a00;--focus:#8ab4f8}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:50rem;padding:1rem 1.25rem 3rem;background:var(--bg);
color:var(--fg);font:1.0625rem/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px;border-radius:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:var(--bg);
padding:.5rem}
.show{display:grid;grid-template-columns:11rem 1fr;grid-template-rows:auto 1fr;
grid-template-areas:"cover name" "cover about";column-gap:1.5rem;align-items:start;
padding:1rem 0 1.5rem;border-bottom:1px solid var(--line)}
.cover{grid-area:cover;width:100%;height:auto;aspect-ratio:1;border-radius:.5rem;
object-fit:cover}
.name{grid-area:name}.about{grid-area:about}
h1{font-size:1.9rem;line-height:1.2;margin:0 0 .25rem}
h2{font-size:1.3rem;margin:1.5rem 0 .5rem}
h3{font-size:1.3rem;line-height:1.3;margin:0 0 .25rem;overflow-wrap:anywhere}
h4{font-size:1rem;margin:1rem 0 .25rem}
.author,.meta,.files,.count{color:var(--muted)}.author{margin:0 0 .75rem}
.meta,.files{font-size:.95rem;margin:.25rem 0}
.description p,.notes p{margin:.5rem 0}
.button{display:inline-block;background:var(--accent);color:var(--bg);font-weight:600;
padding:.55rem 1rem;border-radius:.4rem;text-decoration:none}
.copy{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;font-size:.95rem}
.copy label{flex-basis:100%;color:var(--muted)}
.copy input{flex:1 1 14rem;min-width:0;font:inherit;padding:.35rem .5rem;color:var(--fg);
background:var(--card);border:1px solid var(--line);border-radius:.3rem}
button{font:inherit;padding:.35rem .8rem;border-radius:.3rem;border:1px solid var(--line);
background:var(--card);color:var(--fg);cursor:pointer}
.episode{background:var(--card);border-radius:.6rem;padding:1rem 1.25rem;margin:1rem 0}
audio{display:block;width:100%;margin:.75rem 0 .25rem}
.notes{overflow-wrap:anywhere}
.chapters ol{list-style:none;padding:0;margin:0}
.chapters li{margin:.15rem 0}
.chapter{display:inline-flex;gap:.75em;padding:.15rem .25rem;text-decoration:none;
border-radius:.25rem}
.chapter .at{font-variant-numeric:tabular-nums;flex:none;min-width:3.6em;color:var(--muted)}
.chapter:hover span:last-child{text-decoration:underline}
.chapter[aria-current]{font-weight:700}
summary{cursor:pointer;font-weight:600;margin:1rem 0 .25rem;padding:.25rem 0}
summary .count{font-weight:400;font-size:.9rem}
.cues{max-height:24rem;overflow-y:auto;padding:0 .5rem 0 0;border-top:1px solid var(--line)}
.turn{margin:.75rem 0}
.who{display:block;font-size:.9rem;color:var(--muted)}
.cue{cursor:pointer;border-radius:.2rem;padding:.05rem 0}
.cue:hover{text-decoration:underline}
.cue.now{background:var(--now)}
@media (max-width:40rem){body{padding:.75rem .75rem 2rem}
.show{grid-template-columns:6.5rem 1fr;grid-template-rows:auto auto;
grid-template-areas:"cover name" "about about";column-gap:1rem}h1{font-size:1.45rem}
.episode{padding:.85rem .9rem;margin:.75rem -.25rem}h3{font-size:1.15rem}}
"""

SCRIPT = """
"use strict";
(function () {
  function player(el) {
    var episode = el.closest(".episode");
    return episode ? episode.querySelector("audio") : null;
  }
  function play(audio) {
    var started = audio.play();
    if (started && started.catch) started.catch(function () {});
  }
  function seek(audio, seconds) {
    if (audio.readyState >= 1) {
      audio.currentTime = seconds;
    } else {
      audio.addEventListener("loadedmetadata", function () {
        audio.currentTime = seconds;
      }, { once: true });
    }
    play(audio);
  }
  function marks(episode, selector) {
    var key = "_" + selector;
    if (!episode[key]) {
      episode[key] = Array.prototype.map.call(episode.querySelectorAll(selector), function (el) {
        return { el: el, start: parseFloat(el.dataset.start),
                 end: el.dataset.end ? parseFloat(el.dataset.end) : Infinity };
      });
    }
    return episode[key];
  }
  function at(list, t, open) {
    var lo = 0, hi = list.length - 1, found = -1;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      if (list[mid].start <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    if (found < 0) return null;
    if (open) return list[found];
    return t < list[found].end ? list[found] : null;
  }
  function follow(box, el) {
    if (!box || box.closest("details:not([open])") || Date.now() - (box._touched || 0) < 4000) {
      return;
    }
    var b = box.getBoundingClientRect(), r = el.getBoundingClientRect();
    if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += r.top - b.top - b.height / 3;
  }
  function update(audio) {
    var episode = audio.closest(".episode"), t = audio.currentTime;
    var cue = at(marks(episode, ".cue"), t, false);
    var old = episode.querySelector(".cue.now");
    if (old && (!cue || old !== cue.el)) {
      old.classList.remove("now");
      old.removeAttribute("aria-current");
    }
    if (cue && old !== cue.el) {
      cue.el.classList.add("now");
      cue.el.setAttribute("aria-current", "true");
      follow(cue.el.closest(".cues"), cue.el);
    }
    var chapter = at(marks(episode, ".chapter"), t, true);
    episode.querySelectorAll(".chapter[aria-current]").forEach(function (el) {
      if (!chapter || el !== chapter.el) el.removeAttribute("aria-current");
    });
    if (chapter) chapter.el.setAttribute("aria-current", "true");
  }
  document.querySelectorAll(".episode audio").forEach(function (audio) {
    audio.addEventListener("timeupdate", function () { update(audio); });
    audio.addEventListener("seeked", function () { update(audio); });
    audio.addEventListener("play", function () {
      document.querySelectorAll("audio").forEach(function (other) {
        if (other !== audio) other.pause();
      });
    });
  });
  document.querySelectorAll(".cues").forEach(function (box) {
    function touched() { box._touched = Date.now(); }
    box.addEventListener("wheel", touched, { passive: true });
    box.addEventListener("touchmove", touched, { passive: true });
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest(".chapter, .cue");
    if (!el || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var audio = player(el);
    if (!audio) return;
    event.preventDefault();
    seek(audio, parseFloat(el.dataset.start));
  });
  document.addEventListener("keydown", function (event) {
    var el = event.target;
    if (!el.classList || !el.classList.contains("cue")) return;
    if (event.key !== "Enter" && event.key !== " ") return;
    var audio = player(el);
    if (!audio) return;
    event.preventDefault();
    seek(audio, parseFloat(el.dataset.start));
  });
  var copy = document.getElementById("copy-feed");
  if (copy) {
    var input = document.getElementById("feed-url");
    var status = document.getElementById("copy-status");
    copy.hidden = false;
    copy.addEventListener("click", function () {
      input.select();
      function done() { status.textContent = "Copied"; }
      function fallback() {
        try { if (document.execCommand("copy")) done(); } catch (e) { /* selected: copy by hand */ }
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, fallback);
      } else {
        fallback();
      }
    });
    input.addEventListener("focus", function () { input.select(); });
  }
})();
"""
