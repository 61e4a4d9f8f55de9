"""`kit check [PATHS...]`: validate MP3s, their sidecars and feeds; text, JSON or JUnit."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from broadcast_kit.check import report, runner
from broadcast_kit.errors import InputError, OutputError
from broadcast_kit.files import atomic_open


class Format(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"


def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Folders, MP3 files or feed.xml files (default: dist/).", show_default=False
        ),
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", "-f", help="text, json, or junit (JUnit XML for CI).")
    ] = Format.text,
    strict: Annotated[bool, typer.Option("--strict", help="Count warnings as errors.")] = False,
    loudness: Annotated[
        bool,
        typer.Option("--loudness", help="Also decode and measure loudness and true peak (slower)."),
    ] = False,
    show: Annotated[
        Path | None,
        typer.Option(
            help="The show file (default: show.yaml in the first path's folder or above)."
        ),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            help="URL the feed's folder is published at (default: the folder of itunes:image).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the report to this file; the text report still prints."
        ),
    ] = None,
) -> None:
    """Check episodes and feeds against the podcast standards; exit 1 when a rule fails."""
    options = runner.Options(loudness=loudness, strict=strict, base_url=base_url, show=show)
    result = runner.run(paths or [Path("dist")], options)
    if output is not None and result.reads(output):
        raise InputError(
            f"--output {output}: that is a file kit check reads; write the report to a file"
            " of its own (e.g. --output check-report.xml)"
        )
    rendered = report.FORMATS[output_format.value](result)
    if output is None:
        typer.echo(rendered, nl=False)
    else:
        try:
            with atomic_open(output, "w") as handle:
                handle.write(rendered)
        except OSError as exc:
            raise OutputError(f"{output}: cannot write the report ({exc.strerror})") from exc
        typer.echo(report.text(result), nl=False)
    if not result.passed:
        raise typer.Exit(1)
