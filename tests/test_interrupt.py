"""Ctrl-C, as a terminal sends it: SIGINT to a real `kit` process group (kit, its batch
workers and their synthesis workers), at several moments of a batch of two with two jobs and
of a single cold render with parallel synthesis workers. Each time: exit 130, one `error:`
line, no traceback from any process, no process left behind, and nothing half-written
(every MP3 in the folder has its report and sidecars, no temp files, no staging folders).

The engine is a plugin found through the engines' entry point group, as a third-party one
would be, so that every worker process spawned finds it too; it sleeps a little per
sentence so that the renders are under way when the signal comes."""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import make_show

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to a process group"),
    pytest.mark.timeout(120),
]

ENGINE = """
import time
from broadcast_kit.testing import FakeEngine


class SlowEngine(FakeEngine):
    name = "slow"
    processes = True  # synthesized in worker processes, as Piper is
    workers = 2

    def synthesize(self, text, voice):
        time.sleep(0.15)
        return super().synthesize(text, voice)
"""


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for PYTHONPATH holding the engine and its entry point."""
    folder = tmp_path_factory.mktemp("plugin")
    (folder / "slow_engine.py").write_text(ENGINE)
    info = folder / "slow_engine-1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: slow-engine\nVersion: 1\n")
    (info / "entry_points.txt").write_text(
        "[broadcast_kit.engines]\nslow = slow_engine:SlowEngine\n"
    )
    return folder


@pytest.fixture
def show(tmp_path: Path) -> Path:
    folder = make_show(tmp_path / "show")
    text = (folder / "show.yaml").read_text().replace("engine: fake", "engine: slow")
    (folder / "show.yaml").write_text(text)
    for slug in ("a", "b"):
        (folder / slug).mkdir()
        lines = "".join(
            f"  - host: Sentence number {n} of episode {slug} is spoken slowly here.\n"
            for n in range(30)
        )
        (folder / slug / "episode.yaml").write_text(
            f"title: Episode {slug}\ndate: 2024-01-01\ndescription: x.\nsegments:\n{lines}"
        )
    return folder


def interrupt(
    args: list[str],
    show: Path,
    plugin: Path,
    tmp_path: Path,
    after: bytes,
    wait: float,
    disposition: signal.Handlers = signal.SIG_DFL,
) -> tuple[int, str]:
    """Run `kit ARGS` in a process group of its own; once stderr has shown `after` and
    `wait` seconds more have passed, send SIGINT to the group. Exit code and stderr.

    kit starts with SIGINT's `disposition` set, whatever this process has: the default, as
    a terminal's foreground job has it (a test run started in the background by a script
    ignores SIGINT, and that is inherited), or ignored, as a script's background job."""
    env = dict(os.environ, PYTHONPATH=str(plugin), BROADCAST_KIT_CACHE_DIR=str(tmp_path / "c"))
    kit = Path(sys.executable).with_name("kit")
    process = subprocess.Popen(
        [str(kit), *args], cwd=show, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, disposition),
    )  # fmt: skip
    assert process.stderr is not None and process.stdout is not None
    seen = b""
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stderr, selectors.EVENT_READ)
            deadline = time.monotonic() + 60
            while after not in seen and time.monotonic() < deadline:
                if selector.select(1):
                    chunk = os.read(process.stderr.fileno(), 4096)
                    if not chunk:
                        break
                    seen += chunk
        assert after in seen, seen
        time.sleep(wait)
        os.killpg(process.pid, signal.SIGINT)
        _, rest = process.communicate(timeout=60)
        # every process of the group has ended: none is left waiting for work
        deadline = time.monotonic() + 10
        while running_in_group(process.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert running_in_group(process.pid) == []
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    return process.returncode, (seen + rest).decode()


def running_in_group(group: int) -> list[str]:
    """The processes of a process group that have not ended (zombies have: an orphan waits
    for its reaper), from /proc; [] where there is no /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        state, pgrp = fields[0], int(fields[2])
        if pgrp == group and state not in ("Z", "X"):
            found.append(stat.parent.name)
    return found


def assert_nothing_half_written(out: Path) -> None:
    if not out.exists():
        return
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.startswith(".")], names  # no staging folder, temp file
    reports = [n for n in names if n.endswith(".json") and n.count(".") == 1]
    listed = set()
    for name in reports:
        files = json.loads((out / name).read_text())["files"]
        listed |= {name, *files.values()}
        assert all((out / f).is_file() for f in files.values()), files
    assert set(names) == listed, names  # no MP3 or sidecar without the report vouching for it


@pytest.mark.parametrize("wait", [0.0, 1.0, 3.0])
def test_ctrl_c_during_a_batch_with_two_jobs(
    show: Path, plugin: Path, tmp_path: Path, wait: float
) -> None:
    out = tmp_path / "dist"
    code, err = interrupt(
        ["render", "a/episode.yaml", "b/episode.yaml", "--jobs", "2", "--out", str(out)],
        show, plugin, tmp_path, b"rendering 2 episodes", wait,
    )  # fmt: skip
    assert code == 130, err
    assert "Traceback" not in err and "Exception" not in err, err
    assert err.splitlines()[-1].startswith("error: interrupted; "), err
    assert_nothing_half_written(out)


def test_a_kit_that_ignores_ctrl_c_renders_the_batch_to_the_end(
    show: Path, plugin: Path, tmp_path: Path
) -> None:
    """A script's background job ignores SIGINT (so does a `nohup kit ...`): the terminal's
    Ctrl-C is not for it. Its workers, started after and during the signal, ignore it too:
    none stops the episode it renders while kit goes on and waits for it."""
    out = tmp_path / "dist"
    code, err = interrupt(
        ["render", "a/episode.yaml", "b/episode.yaml", "--jobs", "2", "--out", str(out)],
        show, plugin, tmp_path, b"rendering 2 episodes", 1.0, signal.SIG_IGN,
    )  # fmt: skip
    assert code == 0, err
    assert "error" not in err and "[2/2] " in err, err
    assert_nothing_half_written(out)
    assert len(list(out.glob("*.mp3"))) == 2, err


@pytest.mark.parametrize(
    ("after", "wait"), [(b"", 0.3), (b"synthesizing", 0.5), (b"synthesizing", 2.0)]
)
def test_ctrl_c_during_a_cold_render_with_synthesis_workers(
    show: Path, plugin: Path, tmp_path: Path, after: bytes, wait: float
) -> None:
    """From kit's own start-up (before its error boundary exists) to synthesis under way in
    worker processes."""
    out = tmp_path / "dist"
    code, err = interrupt(
        ["render", "a/episode.yaml", "--out", str(out)], show, plugin, tmp_path, after, wait
    )
    assert code == 130, err
    assert "Traceback" not in err and "Exception" not in err, err
    assert err.splitlines()[-1] == "error: interrupted; nothing was written", err
    assert_nothing_half_written(out)
    cache = tmp_path / "c"
    assert not [p for p in cache.rglob(".*") if p.is_file()] if cache.exists() else True


def test_ctrl_c_while_typer_parses_the_command_line_is_reported(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """typer turns a KeyboardInterrupt during argument parsing (before the command's
    boundary) into a silent exit 130, as `Exit(130) from` it: the entry point says it."""
    import click

    from broadcast_kit import cli, entry

    def typer_like() -> None:
        try:
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as interrupt:
                raise click.exceptions.Exit(130) from interrupt
        except click.exceptions.Exit as exit_:
            sys.exit(exit_.exit_code)

    monkeypatch.setattr(cli, "main", typer_like)
    with pytest.raises(SystemExit) as ended:
        entry.main()
    assert ended.value.code == 130
    assert capsys.readouterr().err == "error: interrupted; nothing was written\n"


def test_an_exit_130_the_boundary_reported_is_not_reported_twice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import click

    from broadcast_kit import cli, entry

    def reported() -> None:
        try:
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt:
                sys.stderr.write("error: interrupted; nothing was written\n")
                raise click.exceptions.Exit(130) from None
        except click.exceptions.Exit as exit_:
            sys.exit(exit_.exit_code)

    monkeypatch.setattr(cli, "main", reported)
    with pytest.raises(SystemExit):
        entry.main()
    assert capsys.readouterr().err == "error: interrupted; nothing was written\n"
