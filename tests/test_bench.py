"""scripts/bench's own code paths, run on a one-minute fake-engine episode: the benchmark is
no test, but an API change once broke its render baseline without anyone noticing until the
next quiet-machine run. These check that each figure is produced, not how fast."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_render_baseline(bench: ModuleType, tmp_path: Path) -> None:
    """The default suite's row: a warm render of a generated episode against a bare encode
    of the same audio."""
    result = bench.bench_warm(tmp_path, 1, 1)
    assert 0.5 < result["duration_min"] < 3, result
    assert result["render"]["wall"] > 0 and result["render"]["peak_mib"] > 0
    assert result["bare_encode"]["wall"] > 0 and result["bare_encode"]["audio_mib"] > 0
    assert result["ratio_wall"] == result["render"]["wall"] / result["bare_encode"]["wall"]
    assert {"synthesize", "mix_master_encode"} <= set(result["stages"]), result["stages"]
    assert (tmp_path / "bare.mp3").stat().st_size > 0


def test_startup(bench: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    """--startup: every figure against its target, and kit's bytecode compiled first."""
    bench.bench_startup(1, least=1)
    out = capsys.readouterr().out
    for figure, target in [("kit --version", 0.3), ("kit --help", 0.3),
                           ("kit check (one episode and its feed)", 0.5)]:  # fmt: skip
        row = re.search(
            rf"^{re.escape(figure)}\s+(\d+\.\d+) s\s+(\d+\.\d+) s\s+<= {target:g} s\s+(\w+)\s*$",
            out,
            re.MULTILINE,
        )
        assert row, out
        assert row[3] == ("meets" if float(row[1]) <= target else "MISSES"), row[0]
    assert "compiled to bytecode first" in out
    package = Path(bench.compile_kit())
    assert list((package / "check" / "__pycache__").glob("runner.*.pyc"))


def test_check_and_feed(bench: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    """--check N and --feed N: kit check and kit feed on N copies of a rendered episode, each
    against its baseline child."""
    bench.bench_check(2, 1)
    bench.bench_feed(2, 1)
    out = capsys.readouterr().out
    assert re.search(r"^  kit check: \d+\.\d+ s", out, re.MULTILINE), out
    assert re.search(r"ratio check / baseline: \d+\.\d+x wall", out), out
    assert "kit feed" in out, out
