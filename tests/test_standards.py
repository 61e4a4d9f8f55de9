"""Every "STANDARDS n" the code and the rule texts cite is rule n of docs/standards.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_cited_standard_is_in_docs_standards() -> None:
    rules = {
        int(n) for n in re.findall(r"^(\d+)\. ", (ROOT / "docs" / "standards.md").read_text(), re.M)
    }
    assert rules == set(range(1, max(rules) + 1))  # numbered without gaps
    cited: dict[int, str] = {}
    for path in sorted((ROOT / "src" / "broadcast_kit").rglob("*.py")):
        for first, last in re.findall(r"STANDARDS (\d+)(?:-(\d+))?", path.read_text()):
            for n in range(int(first), int(last or first) + 1):
                cited.setdefault(n, path.name)
    assert len(cited) > 20  # the search finds the citations
    missing = {n: where for n, where in cited.items() if n not in rules}
    assert missing == {}, f"cited but not in docs/standards.md: {missing}"
