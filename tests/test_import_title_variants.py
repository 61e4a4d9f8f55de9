"""The title's generality test (scripts/import_title_variants.py) on the scorer's invented
page: each variant changes what stands around the headline and keeps every hand label's
words."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "import-eval"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


ev = _load("import_eval")
variants = _load("import_title_variants")
PAGE = ev.load_page(DATA / "pages" / "invented-morning.yaml")
TEXT = (DATA / "texts" / "invented-morning.txt").read_text(encoding="utf-8")
HEADLINE = "Harbour Ferry Returns After Ten Years"


def test_the_variants_change_only_the_lines_around_the_headline() -> None:
    made = dict(variants.variant_texts(PAGE, TEXT))
    assert made["original"] == TEXT
    # no header line below the headline to move it past: no moved variants
    assert "moved" not in made and "moved2" not in made
    for kind, text in made.items():
        assert ev.unmatched(PAGE, text) == [], kind  # every hand label still on the page
    lines = {
        kind: [line for line in text.split("\n") if line.strip()] for kind, text in made.items()
    }
    assert lines["outlet-suffix"][0].startswith(f"{HEADLINE} | ")
    assert lines["outlet-dash"][0].startswith(f"{HEADLINE} - ")
    assert lines["site-above"][1] == HEADLINE and lines["site-above"][0] in variants.OUTLETS
    assert lines["date-after"][0] == HEADLINE and lines["date-after"][1] in variants.DATES
    assert lines["byline-after"][1].startswith("By ")


def test_a_headline_not_on_a_line_of_its_own_makes_no_variants() -> None:
    text = TEXT.replace(f"{HEADLINE}\n", "")
    assert list(variants.variant_texts(PAGE, text)) == []


def test_the_command_scores_each_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert variants.main(["--corpus", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "original         1/1" in out
    assert "variants" in out
