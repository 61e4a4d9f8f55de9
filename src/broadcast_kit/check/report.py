"""`kit check`'s findings as text (grouped by file, one summary line), JSON, or JUnit XML
(one test case per rule per file, as GitHub Actions, GitLab and Jenkins read it).

Messages were cleaned of control characters when they were made, so whatever a hostile file
put in its tags, the XML written here parses.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable

from broadcast_kit.check.rules import FileResult
from broadcast_kit.check.runner import Report


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def summary(report: Report) -> str:
    checks = sum(len(r.checked) for r in report.results)
    kinds: dict[str, int] = {}
    for result in report.results:
        kinds[result.kind] = kinds.get(result.kind, 0) + 1
    files = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
    head = f"{_plural(len(report.results), 'file')} ({files}), {_plural(checks, 'rule check')}"
    if not report.findings:
        return f"{head}: all pass"
    failing = sum(bool(r.findings) for r in report.results)
    strict = " (--strict: warnings count as errors)" if report.strict else ""
    return (
        f"{head}: {_plural(report.errors, 'error')}, {_plural(report.warnings, 'warning')}"
        f" in {failing} of them{strict}"
    )


def text(report: Report) -> str:
    width = max((len(f.rule) for f in report.findings), default=0)
    lines = []
    for result in report.results:
        if not result.findings:
            continue
        lines.append(result.file)
        for finding in result.findings:
            lines.append(f"  {finding.severity:<7}  {finding.rule:<{width}}  {finding.message}")
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
            {"file": f.file, "rule": f.rule, "severity": f.severity, "message": f.message}
            for f in report.findings
        ],
        "files": [
            {
                "file": r.file,
                "kind": r.kind,
                "checked": r.checked,
                "failed": sorted({f.rule for f in r.findings}),
                "skipped": r.skipped,
            }
            for r in report.results
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _suite(result: FileResult) -> ET.Element:
    suite = ET.Element("testsuite", name=result.file)
    failures = skipped = 0
    for rule in [*result.checked, *result.skipped]:
        case = ET.SubElement(suite, "testcase", classname=result.file, name=rule)
        case.set("file", result.file)
        if rule in result.skipped:
            ET.SubElement(case, "skipped", message=result.skipped[rule])
            skipped += 1
            continue
        found = [f for f in result.findings if f.rule == rule]
        errors = [f for f in found if f.severity == "error"]
        if errors:
            failure = ET.SubElement(case, "failure", message=errors[0].message, type=rule)
            failure.text = "\n".join(f"{result.file}: {rule}: {f.message}" for f in errors)
            failures += 1
        warnings = [f for f in found if f.severity == "warning"]
        if warnings:
            out = ET.SubElement(case, "system-out")
            out.text = "\n".join(f"warning: {f.message}" for f in warnings)
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    return suite


def junit(report: Report) -> str:
    root = ET.Element("testsuites", name="kit check")
    suites = [_suite(r) for r in report.results]
    root.extend(suites)
    for key in ("tests", "failures", "skipped"):
        root.set(key, str(sum(int(s.get(key, "0")) for s in suites)))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


FORMATS: dict[str, Callable[[Report], str]] = {"text": text, "json": as_json, "junit": junit}
