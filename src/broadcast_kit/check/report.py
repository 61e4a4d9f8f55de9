"""`kit check`'s findings as text (grouped by file, one summary line), JSON, JUnit XML (as
GitHub Actions, GitLab and Jenkins read it), GitHub Actions annotations, or a short Markdown
summary for a CI job's page.

JUnit: one test suite per episode, named by its slug (from its render report), so a CI
dashboard's history of a suite survives a re-render that renames the MP3; files no render
report names, and feeds, are suites of their own, named by their path. One test case per
rule per file; a failing case's `file` and `line` point at the episode or show file line
where the cause lies, when it is known, else at the checked file.

Messages were cleaned of control characters when they were made, so whatever a hostile file
put in its tags, the XML written here parses.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from broadcast_kit.check.rules import FileResult, Finding, Place
from broadcast_kit.check.runner import Report
from broadcast_kit.text import count

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

MARKDOWN_ROWS = 30  # findings listed in the Markdown summary; the rest are counted


def summary(report: Report) -> str:
    checks = sum(len(r.checked) for r in report.results)
    kinds: dict[str, int] = {}
    for result in report.results:
        kinds[result.kind] = kinds.get(result.kind, 0) + 1
    files = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    head = f"{count(len(report.results), 'file')} ({files}), {count(checks, 'rule check')}"
    if not report.findings:
        return f"{head}: all pass"
    failing = sum(bool(r.findings) for r in report.results)
    strict = " (--strict: warnings count as errors)" if report.strict else ""
    return (
        f"{head}: {count(report.errors, 'error')}, {count(report.warnings, 'warning')}"
        f" in {failing} of them{strict}"
    )


def _where(place: Place | None) -> str:
    return f"{place.file}:{place.line}" if place else ""


def text(report: Report) -> str:
    width = max((len(f.rule) for f in report.findings), default=0)
    lines = []
    for result in report.results:
        if not result.findings:
            continue
        lines.append(result.file)
        for finding in result.findings:
            at = f" [{_where(finding.at)}]" if finding.at else ""
            lines.append(f"  {finding.severity:<7}  {finding.rule:<{width}}  {finding.message}{at}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def as_json(report: Report) -> str:
    data = {
        "passed": report.passed,
        "errors": report.errors,
        "warnings": report.warnings,
        "strict": report.strict,
        "show": str(report.show) if report.show else None,
        "findings": [
            {
                "file": f.file,
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "cause": {"file": f.at.file, "line": f.at.line} if f.at else None,
            }
            for f in report.findings
        ],
        "files": [
            {
                "file": r.file,
                "kind": r.kind,
                "episode": r.episode,
                "checked": r.checked,
                "failed": sorted({f.rule for f in r.findings}),
                "skipped": r.skipped,
            }
            for r in report.results
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def suites(report: Report) -> dict[str, list[FileResult]]:
    """The JUnit suites: an episode's files under its slug, any other file on its own."""
    found: dict[str, list[FileResult]] = {}
    for result in report.results:
        found.setdefault(result.episode or result.file, []).append(result)
    return found


def _classname(result: FileResult, suite: list[FileResult]) -> str:
    """`<slug>.<kind>` for an episode's file (stable across renders), else its path; the
    path too when an episode has two files of a kind (an older render left beside it)."""
    if result.episode is None or sum(r.kind == result.kind for r in suite) > 1:
        return result.file
    return f"{result.episode}.{result.kind}"


def _suite(name: str, results: list[FileResult]) -> ET.Element:
    import xml.etree.ElementTree as ET

    suite = ET.Element("testsuite", name=name)
    failures = skipped = 0
    for result in results:
        classname = _classname(result, results)
        for rule in [*result.checked, *result.skipped]:
            case = ET.SubElement(suite, "testcase", classname=classname, name=rule)
            found = [f for f in result.findings if f.rule == rule]
            errors = [f for f in found if f.severity == "error"]
            place = next((f.at for f in [*errors, *found] if f.at), None)
            case.set("file", place.file if place else result.file)
            if place:
                case.set("line", str(place.line))
            if rule in result.skipped:
                ET.SubElement(case, "skipped", message=result.skipped[rule])
                skipped += 1
                continue
            if errors:
                failure = ET.SubElement(case, "failure", message=errors[0].message, type=rule)
                failure.text = "\n".join(_line(result, f) for f in errors)
                failures += 1
            warnings = [f for f in found if f.severity == "warning"]
            if warnings:
                out = ET.SubElement(case, "system-out")
                out.text = "\n".join(f"warning: {_line(result, f)}" for f in warnings)
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    return suite


def _line(result: FileResult, finding: Finding) -> str:
    at = f" ({_where(finding.at)})" if finding.at else ""
    return f"{result.file}: {finding.rule}: {finding.message}{at}"


def junit(report: Report) -> str:
    import xml.etree.ElementTree as ET  # only for JUnit: not every check's start-up

    root = ET.Element("testsuites", name="kit check")
    made = [_suite(name, results) for name, results in suites(report).items()]
    root.extend(made)
    for key in ("tests", "failures", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in made)))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _escape(value: str, prop: bool = False) -> str:
    """A workflow command's data (or property value): % and line breaks (and : and ,)
    percent-encoded, as GitHub Actions reads them."""
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def github(report: Report) -> str:
    """One GitHub Actions annotation per finding (`::error file=...,line=...::message`), at
    the episode or show file line of its cause when known, then the summary line."""
    lines = []
    for result in report.results:
        for finding in result.findings:
            place = finding.at
            where = f"file={_escape(place.file if place else result.file, True)}"
            if place:
                where += f",line={place.line}"
            title = _escape(f"kit check: {finding.rule}", True)
            message = finding.message if place is None else f"{result.file}: {finding.message}"
            lines.append(f"::{finding.severity} {where},title={title}::{_escape(message)}")
    lines.append(f"kit check: {summary(report)}")
    return "\n".join(lines) + "\n"


def _md(value: str) -> str:
    """Text in a Markdown table cell: no HTML, no emphasis, no column breaks."""
    return re.sub(r"([\\`*_\[\]|])", r"\\\1", html.escape(value, quote=False))


def markdown(report: Report) -> str:
    """A short summary for a CI job's page (e.g. $GITHUB_STEP_SUMMARY): the verdict, the
    summary line and a table of the findings (the first MARKDOWN_ROWS)."""
    verdict = "passed" if report.passed else "failed"
    lines = [f"### kit check {verdict}", "", _md(summary(report))]
    findings = [(r, f) for r in report.results for f in r.findings]
    if findings:
        lines += ["", "| | rule | file | cause | message |", "|---|---|---|---|---|"]
        for result, finding in findings[:MARKDOWN_ROWS]:
            lines.append(
                f"| {finding.severity} | `{finding.rule}` | {_md(result.file)} |"
                f" {_md(_where(finding.at))} | {_md(finding.message)} |"
            )
        if len(findings) > MARKDOWN_ROWS:
            lines += ["", f"... and {len(findings) - MARKDOWN_ROWS} more in kit check's output."]
    return "\n".join(lines) + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {
    "text": text,
    "json": as_json,
    "junit": junit,
    "github": github,
    "markdown": markdown,
}
