"""The per-file collector of findings, and the rules `kit check` applies (declared in
`broadcast_kit.rule_table`, below the show model that validates `check: disable:`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from broadcast_kit.rule_table import RULES as RULES
from broadcast_kit.rule_table import Kind as Kind
from broadcast_kit.rule_table import Rule as Rule
from broadcast_kit.rule_table import Severity as Severity
from broadcast_kit.rule_table import rules_for as rules_for

MAX_PER_RULE = 5  # findings kept per rule and file; the rest are counted in one more line


@dataclass(frozen=True)
class Cause:
    """The field a finding's fix belongs in: of the show file, or of the episode file that
    `mp3` (default: the MP3 the checked file belongs to) was rendered from. `kit check`
    looks up its line once the files are checked (`sources.Sources`)."""

    scope: Literal["show", "episode"]
    loc: tuple[str | int, ...] = ()
    mp3: Path | None = None


@dataclass(frozen=True)
class Place:
    """A line of an episode or show file: where a finding's cause lies, when it is known."""

    file: str  # as displayed
    line: int


@dataclass(frozen=True)
class Finding:
    file: str
    rule: str
    severity: Severity
    message: str
    cause: Cause | None = None
    at: Place | None = None  # the cause's line, once looked up


@dataclass
class FileResult:
    """The findings for one file, and which of its rules ran, were skipped or turned off."""

    file: str
    kind: Kind
    enabled: frozenset[str]
    off: frozenset[str] = frozenset()  # turned off by the show's check: disable list
    #: the slug of the episode whose render made the file (from its render report), if any:
    #: reports group files by it, as it stays the same when the episode is rendered again
    episode: str | None = None
    findings: list[Finding] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # rule -> why it did not run
    _counts: dict[str, int] = field(default_factory=dict)

    def ran(self, rule: str) -> bool:
        """Mark `rule` as checked; False when the show turned it off (then do not check)."""
        assert rule in RULES, rule
        if rule not in self.enabled:
            return False
        if rule not in self.checked:
            self.checked.append(rule)
        return True

    def add(
        self,
        rule: str,
        message: str,
        severity: Severity | None = None,
        *,
        cause: Cause | None = None,
    ) -> None:
        if not self.ran(rule):
            return
        n = self._counts[rule] = self._counts.get(rule, 0) + 1
        if n > MAX_PER_RULE:
            return
        self.findings.append(
            Finding(self.file, rule, severity or RULES[rule].severity, clean(message), cause)
        )

    def skip(self, rules: list[str], why: str) -> None:
        """Rules that cannot run (e.g. tag rules when there is no tag)."""
        for rule in rules:
            if rule in self.enabled and rule not in self.checked:
                self.skipped.setdefault(rule, why)

    def finish(self) -> None:
        """Count what was left out, and list the rules that never ran as skipped."""
        for rule, n in self._counts.items():
            if n > MAX_PER_RULE:
                self.findings.append(
                    Finding(
                        self.file,
                        rule,
                        RULES[rule].severity,
                        f"... and {n - MAX_PER_RULE} more like these",
                    )
                )
        for known in rules_for(self.kind):
            if known.id in self.off:
                self.skipped[known.id] = "turned off by check: disable in show.yaml"
            elif known.id in self.enabled and known.id not in self.checked:
                self.skipped.setdefault(known.id, "not applicable to this file")


def clean(text: str, limit: int = 600) -> str:
    """One line, no control characters (they are invalid in XML reports), bounded length."""
    text = "".join(c if c.isprintable() else " " for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(text: str, limit: int = 60) -> str:
    """User text inside a message: quoted, shortened."""
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
