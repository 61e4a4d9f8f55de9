"""`kit voices`: the installed TTS engines and their voices, with gender and accent."""

from __future__ import annotations

from typing import Annotated

import typer

from broadcast_kit.tts import registry
from broadcast_kit.tts.base import VoiceInfo, voice_infos

SHOWN = 12


def _table(infos: list[VoiceInfo]) -> list[str]:
    width = max(len(info.name) for info in infos)
    rows = []
    for info in infos:
        if info.note and not (info.gender or info.accent):
            rows.append(f"  {info.name:<{width}}  {info.note}")
            continue
        row = f"  {info.name:<{width}}  {info.gender or '-':<6}  {info.accent or '-':<2}"
        if info.note:
            row += f"  {info.note}"
        if info.missing:
            row += f"  {info.missing}: refused offline"
        rows.append(row.rstrip())
    return rows


def voices(
    engine: Annotated[
        str | None, typer.Option("--engine", "-e", help="List every voice of this engine.")
    ] = None,
) -> None:
    """List the TTS engines installed and their voices (gender, accent of their English)."""
    names = [engine] if engine else registry.names()
    for name in names:
        found = registry.get(name)
        problem = found.available()
        if problem:
            typer.echo(f"{name}: not available: {problem}")
            continue
        infos = voice_infos(found)
        typer.echo(f"{name} ({found.version}), default voice {found.default_voice()}:")
        if any(info.gender or info.accent or info.missing for info in infos):
            typer.echo("\n".join(_table(infos)))
            continue
        listed = [info.name for info in infos]
        shown = (
            listed
            if engine or len(listed) <= SHOWN
            else [*listed[:SHOWN], f"... {len(listed) - SHOWN} more (kit voices -e {name})"]
        )
        typer.echo("  " + ", ".join(shown))
