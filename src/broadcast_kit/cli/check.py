"""`kit check [PATHS...]`: validate MP3s, their sidecars and feeds; text, JSON, JUnit, GitHub
Actions annotations or a Markdown summary."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from broadcast_kit.check import report, runner
from broadcast_kit.errors import ExitStatus, InputError, OutputError
from broadcast_kit.files import atomic_open


class Format(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"
    markdown = "markdown"


def _write(path: Path, text: str, append: bool = False) -> None:
    try:
        if append:  # a CI job's summary file collects what every step adds
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as handle:
                handle.write(text)
        else:
            with atomic_open(path, "w") as handle:
                handle.write(text)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the report ({exc.strerror})") from exc


def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Folders, MP3 files or feed.xml files (default: dist/).", show_default=False
        ),
    ] = None,
    output_format: Annotated[
        Format,
        typer.Option(
            "--format",
            "-f",
            help="text, json, junit (JUnit XML), github (GitHub Actions annotations) or"
            " markdown (a short summary).",
        ),
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
    junit: Annotated[
        Path | None,
        typer.Option(
            "--junit",
            metavar="FILE",
            help="Also write the JUnit XML report to FILE (for CI test reports).",
        ),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary",
            metavar="FILE",
            help="Also append a Markdown summary to FILE (e.g. $GITHUB_STEP_SUMMARY).",
        ),
    ] = None,
) -> None:
    """Check episodes and feeds against the podcast standards; exit 1 when a rule fails."""
    options = runner.Options(loudness=loudness, strict=strict, base_url=base_url, show=show)
    result = runner.run(paths or [Path("dist")], options)
    for name, path in (("--output", output), ("--junit", junit), ("--summary", summary)):
        if path is not None and result.reads(path):
            raise InputError(
                f"{name} {path}: that is a file kit check reads; write the report to a file"
                " of its own (e.g. --output check-report.xml)"
            )
    if junit is not None:
        _write(junit, report.junit(result))
    if summary is not None:
        _write(summary, report.markdown(result), append=True)
    rendered = report.FORMATS[output_format.value](result)
    if output is None:
        typer.echo(rendered, nl=False)
    else:
        _write(output, rendered)
        typer.echo(report.text(result), nl=False)
    if not result.passed:
        raise typer.Exit(ExitStatus.FAILURE)
