"""`kit voices`: the installed TTS engines and their voices."""

from __future__ import annotations

from typing import Annotated

import typer

from broadcast_kit.tts import registry

SHOWN = 12


def voices(
    engine: Annotated[
        str | None, typer.Option("--engine", "-e", help="List every voice of this engine.")
    ] = None,
) -> None:
    """List the TTS engines installed and their voices."""
    names = [engine] if engine else registry.names()
    for name in names:
        found = registry.get(name)
        problem = found.available()
        if problem:
            typer.echo(f"{name}: not available: {problem}")
            continue
        listed = found.voices()
        shown = (
            listed
            if engine or len(listed) <= SHOWN
            else [*listed[:SHOWN], f"... {len(listed) - SHOWN} more (kit voices -e {name})"]
        )
        typer.echo(f"{name} ({found.version}), default voice {found.default_voice()}:")
        typer.echo("  " + ", ".join(shown))
