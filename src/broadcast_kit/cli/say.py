"""`kit say`: speak a line with one voice, as a show casts it, to hear a name before a render."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from broadcast_kit import audition


def say(
    text: Annotated[str, typer.Argument(help="The line to speak.", show_default=False)],
    voice: Annotated[
        str,
        typer.Option(
            "--voice",
            "-v",
            help="A voice of the show (host, a guest's key), ENGINE:VOICE, or a voice name"
            " from `kit voices` (af_bella, joe).",
        ),
    ],
    show: Annotated[
        Path | None,
        typer.Option(
            "--show",
            help="show.yaml (its voices and pronunciations), or an episode.yaml (its voices as"
            " cast, its pronunciations over the show's).",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="The clip to write (.wav or .mp3).")
    ] = None,
) -> None:
    """Speak TEXT with a voice as the show casts it (pronunciations applied) into a clip."""
    target = out or Path(f"say-{voice.replace(':', '-')}.wav")
    cast = audition.say(text, voice, target, show)
    typer.echo(f"wrote {target} ({cast.described})")
