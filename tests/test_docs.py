"""The docs' examples, run: every console block marked `<!-- checked -->` in README.md and
docs/*.md is run as a producer would type it, and its output compared with the page.

Markers (HTML comments, invisible on the page), on the line before a fenced block:

- `<!-- file: PATH -->`: the block is a file; it is written to PATH in the page's folder.
- `<!-- checked -->`: a `console` block whose `$ ` lines are run, in order, in the page's
  folder (a temp folder, one per page, shared by its blocks in page order, with a speech
  cache of its own), with `kit` on PATH; the output, stdout and stderr together, must
  match the lines that follow each command.
- `<!-- checked: repo -->`: the same, run in a copy of the repository's `episodes/` and
  `assets/`, for examples on the sample episode.

In the expected output, a line that is only `...` stands for any number of lines, and `...`
inside a line for any text on that line (a time, a hash). The `... more` of a long listing
is written the same way.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKER = re.compile(r"^<!-- (checked(?:: repo)?|file: \S+) -->\n```[a-z]*\n(.*?)^```$", re.M | re.S)


@dataclass
class Block:
    page: Path
    line: int
    marker: str
    body: str


def blocks(page: Path) -> list[Block]:
    text = page.read_text(encoding="utf-8")
    return [
        Block(page, text.count("\n", 0, match.start()) + 1, match[1], match[2])
        for match in MARKER.finditer(text)
    ]


def checked_pages() -> list[Path]:
    return [page for page in PAGES if any(b.marker.startswith("checked") for b in blocks(page))]


def pattern(expected: list[str]) -> re.Pattern[str]:
    """Expected lines as a regex: `...` alone is any lines, `...` in a line any text."""
    parts = []
    for line in expected:
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(piece) for piece in line.split("...")) + r"\n")
    return re.compile("".join(parts))


def run_block(block: Block, folder: Path, env: dict[str, str]) -> None:
    commands = [line[2:] for line in block.body.splitlines() if line.startswith("$ ")]
    assert commands, f"{block.page.name}:{block.line}: a checked block without a $ command"
    script = "".join(f"printf '%s\\n' {shlex.quote('$ ' + c)}\n{c}\n" for c in commands)
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=240,
        check=False,
    )
    expected = [line.rstrip() for line in block.body.splitlines()]
    # trailing spaces (rich pads its panels) and blank lines at the end are not compared
    printed = "".join(line.rstrip() + "\n" for line in done.stdout.rstrip().splitlines())
    assert pattern(expected).fullmatch(printed), (
        f"{block.page.relative_to(ROOT)}:{block.line}: the example's output has changed;"
        f" the page shows:\n{block.body}\nkit printed:\n{printed}"
    )


def environment(folder: Path) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
        "BROADCAST_KIT_CACHE_DIR": str(folder / "speech-cache"),
        "BROADCAST_KIT_PROGRESS_EVERY": "3600",  # no timed progress lines in the output
        "PYTHONUNBUFFERED": "1",  # stdout and stderr in the order they were written
        "COLUMNS": "100",
        "NO_COLOR": "1",
        "TERM": "dumb",
    }


@pytest.mark.slow
@pytest.mark.parametrize("page", checked_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_checked_examples_print_what_the_page_shows(page: Path, tmp_path: Path) -> None:
    work, repo = tmp_path / "work", tmp_path / "repo"
    work.mkdir()
    if any(block.marker == "checked: repo" for block in blocks(page)):
        for name in ("episodes", "assets"):
            shutil.copytree(ROOT / name, repo / name)
    env = environment(tmp_path)
    for block in blocks(page):
        if block.marker.startswith("file: "):
            target = work / block.marker.removeprefix("file: ")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.body, encoding="utf-8")
        else:
            run_block(block, repo if block.marker.endswith("repo") else work, env)


def test_the_pattern_allows_marked_elisions_only() -> None:
    shown = ["rendered 'x' (0:01.000) in ... s", "...", "  dist/x-....mp3"]
    assert pattern(shown).fullmatch("rendered 'x' (0:01.000) in 4.2 s\na\nb\n  dist/x-ab12.mp3\n")
    assert pattern(shown).fullmatch("rendered 'x' (0:01.000) in 4.2 s\n  dist/x-ab12.mp3\n")
    assert not pattern(shown).fullmatch("rendered 'x' (0:02.000) in 4.2 s\n  dist/x-ab12.mp3\n")
    assert not pattern(["a", "b"]).fullmatch("a\nb\nc\n")


def test_every_marked_block_is_found() -> None:
    """A marker the pattern misses (a typo, a space) would leave its example unchecked."""
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        markers = re.findall(r"^<!-- *(?:checked|file)", text, re.M)
        assert len(markers) == len(blocks(page)), page
    assert sum(b.marker.startswith("checked") for page in PAGES for b in blocks(page)) >= 10


def test_the_readmes_links_name_files_that_are_there() -> None:
    """The README is not part of the site, so mkdocs does not check its links: this does."""
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", (ROOT / "README.md").read_text())
    assert len(links) >= 10
    missing = [link for link in links if "://" not in link and not (ROOT / link).is_file()]
    assert not missing


def test_the_site_builds_in_strict_mode_and_a_broken_anchor_fails_it(tmp_path: Path) -> None:
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")]
    built = subprocess.run(
        [*mkdocs, "-f", str(ROOT / "mkdocs.yml")], capture_output=True, text=True, check=False
    )
    assert built.returncode == 0, built.stderr
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with (tmp_path / "docs" / "guide.md").open("a") as page:
        page.write("\nSee [the voices](voices.md#no-such-section).\n")
    broken = subprocess.run(
        [*mkdocs, "-f", str(tmp_path / "mkdocs.yml")], capture_output=True, text=True, check=False
    )
    assert broken.returncode == 1
    assert "does not contain an anchor '#no-such-section'" in broken.stderr
