"""`kit segment EPISODE.yaml`: the parts of an episode as a table, or as JSON with --json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from broadcast_kit import loader
from broadcast_kit.render import estimate
from broadcast_kit.text import count

PREVIEW = 48


def _seconds(value: float | None) -> str:
    if value is None:
        return ""
    m, s = divmod(value, 60)
    return f"{int(m)}:{s:04.1f}"


def _what(row: dict[str, Any]) -> str:
    if row["kind"] in ("music", "pause"):
        return str(row.get("file", ""))
    text = row["text"] or row.get("file") or ""
    return text[:PREVIEW] + ("…" if len(text) > PREVIEW else "")


def segment(
    episode: Annotated[Path, typer.Argument(help="The episode (episode.yaml).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON array of the parts instead of a table.")
    ] = False,
    show: Annotated[
        Path | None,
        typer.Option(help="The show file (default: show.yaml in the episode's folder or above)."),
    ] = None,
) -> None:
    """Print the parts of EPISODE (from segments: or script text): kind, speaker, chapter."""
    rows = estimate.describe_parts(loader.load(episode, show))
    if as_json:
        typer.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table("#", "kind", "speaker", "chapter", "words", "est.", "text or file", box=None)
    for row in rows:
        kind = f"music:{row['role']}" if row["kind"] == "music" else row["kind"]
        table.add_row(
            str(row["index"]),
            kind,
            row["speaker"] or "",
            row["chapter"] or "",
            str(row["words"]) if row["words"] else "",
            _seconds(row["estimated_seconds"]),
            _what(row),
        )
    Console(width=160).print(table)
    words = sum(row["words"] for row in rows)
    known = sum(row["estimated_seconds"] or 0 for row in rows)
    chapters = len({row["chapter"] for row in rows if row["chapter"]})
    typer.echo(
        f"{count(len(rows), 'part')}, {count(chapters, 'chapter')}, {count(words, 'word')},"
        f" about {_seconds(known)} of speech and pauses (music not counted)"
    )
