"""`kit cache info|verify|clear`: look after the speech cache without finding its folder.

`verify` exits 1 while damaged entries remain (none found, or all removed with `--remove`:
exit 0), so scripts can run it before a batch of renders.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from broadcast_kit.errors import ExitStatus
from broadcast_kit.tts.cache import MAX_ENV, MB, SpeechCache

app = typer.Typer(
    name="cache",
    help="The speech cache: where it is, how big, check it, clear it.",
    no_args_is_help=True,
)


def _entries(n: int) -> str:
    return f"{n:,} entry" if n == 1 else f"{n:,} entries"


def _size(n: int) -> str:
    if n < 1000:
        return f"{n} bytes"
    return f"{n / MB:,.1f} MB" if n >= MB / 10 else f"{n / 1000:,.1f} kB"


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


@app.command()
def info() -> None:
    """Print the cache folder, its entries and size, and the engines that made them."""
    found = SpeechCache().info()
    typer.echo(f"folder: {found.root}")
    typer.echo(
        f"entries: {_entries(found.entries)}, {_size(found.bytes)}"
        f" (bound {found.max_bytes / MB:,.0f} MB, set by {MAX_ENV})"
    )
    if found.oldest_use is not None and found.newest_use is not None:
        typer.echo(f"last used: {_when(found.oldest_use)} to {_when(found.newest_use)}")
    for engine, usage in sorted(found.engines.items()):
        typer.echo(f"  {engine}: {_entries(usage.entries)}, {_size(usage.bytes)}")
    for folder, size in found.old_layouts.items():
        typer.echo(f"earlier layout: {folder} ({_size(size)}); `kit cache clear` removes it")


@app.command()
def verify(
    remove: Annotated[bool, typer.Option("--remove", help="Delete the damaged entries.")] = False,
) -> None:
    """Read and check every entry; exit 1 while damaged ones remain."""
    cache = SpeechCache()
    result = cache.verify(remove=remove)
    damaged = len(result.damaged)
    summary = f"{damaged} damaged" if damaged else "all good"
    typer.echo(f"checked {_entries(result.checked)} in {cache.root}: {summary}")
    for path, reason in result.damaged:
        typer.echo(f"  {path.relative_to(cache.root)}: {reason}")
    if remove and result.removed:
        typer.echo(f"removed {result.removed}; a render synthesizes their sentences again")
    if result.remaining:
        if not remove:
            typer.echo("`kit cache verify --remove` deletes them (a render also replaces them)")
        raise typer.Exit(ExitStatus.FAILURE)


@app.command()
def clear(
    older_than: Annotated[
        float | None,
        typer.Option(
            "--older-than",
            min=0,
            metavar="DAYS",
            help="Only entries no render has used for this many days.",
        ),
    ] = None,
) -> None:
    """Remove every entry (and earlier cache layouts), or only those unused for DAYS."""
    cache = SpeechCache()
    removed = cache.clear(older_than)
    which = "" if older_than is None else f" unused for {older_than:g} days"
    typer.echo(
        f"removed {_entries(removed.entries)}{which}"
        f" ({_size(removed.bytes)}) from {cache.root}"
        + (f"; {removed.kept:,} kept" if older_than is not None else "")
    )
    for folder, size in removed.old_layouts.items():
        typer.echo(f"removed the earlier layout {folder} ({_size(size)})")
