"""The show page, `index.html`: a placeholder until the full page lands."""

from __future__ import annotations

import html

from broadcast_kit.model import Show
from broadcast_kit.publish.feed import Item


def render(show: Show, items: list[Item], cover_name: str, feed_name: str) -> str:
    rows = "".join(
        f'<li><a href="{html.escape(i.entry.mp3.name)}">{html.escape(i.entry.title)}</a></li>'
        for i in items
    )
    return (
        f"<!doctype html><html><head><meta charset=utf-8><title>{html.escape(show.title)}"
        f'</title></head><body><h1>{html.escape(show.title)}</h1><a href="{feed_name}">Feed</a>'
        f"<ul>{rows}</ul></body></html>\n"
    )
