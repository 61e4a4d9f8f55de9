"""The corpus scorer (scripts/import_eval.py) on invented parts and an invented page: what it
counts right and wrong, what it calls read aloud, and the page format it refuses."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "import-eval"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "import_eval", ROOT / "scripts" / "import_eval.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_eval"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


ev = _load()


def part(text: str, kind: str, speaker: str | None = None) -> object:
    return ev.Part(ev.words(text), text, kind, speaker)


def test_kinds_and_speaker_mapping_by_majority() -> None:
    labels = [
        ev.Label("good morning from the harbour desk", "host", "Ann"),
        ev.Label("the ferry sails again from pier four", "host", "Ann"),
        ev.Label("it feels like the town got its voice", "guest", "Bo"),
        ev.Label("we kept the engine in a shed", "guest", "Cy"),
        ev.Label("every winter we turned it by hand", "guest", "Bo"),
        ev.Label("the timetable starts on monday at seven", "host", "Ann"),
        ev.Label("copyright invented radio all rights reserved", "drop"),
        ev.Label("soundbite of a foghorn at the quay", "cue"),
        ev.Label("words the importer lost along the way", "guest", "Bo"),
    ]
    parts = [
        part("Good morning from the harbour desk.", "host", "(host)"),
        part("After years, the ferry sails again from Pier Four.", "host", "(host)"),
        part("It feels like the town got its voice back.", "guest", "Bo"),
        # Bo and Cy merged into one importer speaker: the minority (Cy) is wrong
        part("We kept the engine in a shed. Every winter we turned it by hand.", "guest", "Bo"),
        part("And the timetable starts on Monday at seven.", "guest", "Ann"),
        part("Copyright Invented Radio, all rights reserved.", "host", "(host)"),
        part("(SOUNDBITE OF A FOGHORN AT THE QUAY)", "cue"),
    ]
    results = ev.score_parts(labels, parts)
    assert [r.right for r in results] == [True, True, True, False, True, False, False, True, False]
    assert "stands for 'Bo', not 'Cy'" in results[3].why
    assert results[5].why == "host became guest (Ann)"
    assert results[6].why == "spoken as host"
    assert results[8].found == "none"


def test_set_aside_text_is_not_lost() -> None:
    labels = [ev.Label("Page 3 of 7 transcript", "drop"), ev.Label("a heading spoken", "host", "A")]
    results = ev.score_parts(labels, [], ["Page 3 of 7 Transcript", "A heading spoken"])
    assert [r.found for r in results] == ["cue", "cue"]
    assert [r.right for r in results] == [True, False]


def test_labels_and_timecodes_read_aloud() -> None:
    parts = [
        part("AMY GOODMAN: Welcome to the show.", "host", "x"),
        part("JANE DOE, CNN ANCHOR: Good evening.", "host", "x"),
        part("Q: What happened next?", "host", "x"),
        part("It went well. JOHN SMITH: It did not.", "guest", "y"),
        part("[00:12] So we began.", "host", "x"),
        part("00:01:02,500 --> 00:01:04,000 hello", "host", "x"),
        part("We met at 10:30 and talked: it was late.", "host", "x"),
        part("Look, the answer is simple.", "guest", "y"),
        part(":00:11. > :00:16.This will be a year of elections.", "host", "x"),
        part("Speaker 7 (00:00):", "host", "x"),
        part("easter helper (01:00):", "host", "x"),
        part("Here's what he said:", "host", "x"),
        part("MUSIC: theme", "cue"),  # not spoken: never counted
    ]
    labelled, timed = ev.read_aloud(parts)
    assert len(labelled) == 6
    assert len(timed) == 5


def test_title_compare_ignores_case_and_punctuation() -> None:
    assert ev.title_matches(
        "Harbour ferry returns - after ten years", "Harbour Ferry Returns After Ten Years"
    )
    assert not ev.title_matches("Invented Radio", "Harbour Ferry Returns After Ten Years")
    assert not ev.title_matches(None, "Harbour Ferry")


def test_split_is_by_outlet_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert ev.split_of("Invented Radio") == "tune"
    assert ev.split_of("invented   RADIO") == "tune"  # normalized name
    held = tmp_path / "held-outlets.txt"
    held.write_text("# a comment\nInvented  Radio\n")
    monkeypatch.setattr(ev, "HELD_OUTLETS", held)
    assert ev.split_of("invented radio") == "held"
    assert ev.split_of("Other Radio") == "tune"
    monkeypatch.undo()
    text = (DATA / "pages" / "invented-morning.yaml").read_text()
    bad = tmp_path / "invented-morning.yaml"
    bad.write_text(text.replace("split: tune", "split: held"))
    with pytest.raises(ev.PageError, match="split: held but the outlet rule gives tune"):
        ev.load_page(bad)
    bad.write_text(text.replace("kind: drop", "kind: furniture"))
    with pytest.raises(ev.PageError, match=r"labels\[6\]: kind: 'furniture'"):
        ev.load_page(bad)


def test_scores_a_page_with_the_real_importer(capsys: pytest.CaptureFixture[str]) -> None:
    assert ev.main(["--corpus", str(DATA), "--split", "all", "--json", "-v"]) == 0
    out = json.loads(capsys.readouterr().out)
    (page,) = out["pages"]
    assert page["id"] == "invented-morning" and page["error"] is None
    assert page["labels"] == 7 and len(page["details"]) == 7
    assert page["right"] == sum(d["right"] for d in page["details"])
    # every spoken paragraph was found in the importer's output: no words lost
    assert all(d["found"] != "none" for d in page["details"] if d["kind"] != "drop")
    assert out["summary"]["pages"] == 1 and out["skipped"] == []


def test_absent_texts_are_skipped_with_a_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "invented-morning.yaml").write_text(
        (DATA / "pages" / "invented-morning.yaml").read_text()
    )
    assert ev.main(["--corpus", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "1 page(s) skipped" in captured.err and "invented-morning" in captured.err


def test_check_finds_labels_that_are_not_in_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    page = ev.load_page(DATA / "pages" / "invented-morning.yaml")
    text = (DATA / "texts" / "invented-morning.txt").read_text()
    assert ev.unmatched(page, text) == []
    assert [n for n, _ in ev.unmatched(page, text.replace("Pier Four", "Pier Five"))] == [1]
    # a time glued to the words still lets them be found: "0:00:14Good afternoon"
    assert ev.words("0:00:14Good afternoon") == ["0", "00", "14", "good", "afternoon"]
    assert ev.main(["--corpus", str(DATA), "--check"]) == 0
    assert "1 pages (1 with text), 1 outlets" in capsys.readouterr().out


def _load_variants() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "import_variants", ROOT / "scripts" / "import_variants.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_variants"] = module
    spec.loader.exec_module(module)
    return module


def test_name_variant_renames_every_form_and_keeps_labels_findable() -> None:
    va = _load_variants()
    text = (
        "Harbour Hour with Will Okafor\n\n"
        "WILL OKAFOR, HOST: Good evening. Will the ferry run? I asked Dana Reyes.\n\n"
        "DANA REYES (skipper): It will, Will. Okafor's question is fair.\n\n"
        "OKAFOR: Thank you, Dana. REPORTER: And the tide?\n\n"
        "WO: Quite so. DR: High at nine.\n"
    )
    labels = (
        ev.Label("Good evening. Will the ferry run? I asked Dana Reyes", "host", "Will Okafor"),
        ev.Label("It will, Will. Okafor's question is fair", "guest", "Dana Reyes"),
        ev.Label("Thank you, Dana", "host", "Will Okafor"),
        ev.Label("And the tide", "guest", "Reporter"),
    )
    page = ev.CorpusPage(
        "harbour", "Invented", "radio-news", "https://x.invalid/h", "Harbour Hour with Will"
        " Okafor", "tune", labels, Path("harbour.yaml"),
    )  # fmt: skip
    vpage, vtext, ren = va.variant(page, text, 3)
    assert set(ren.words) == {"Will", "Okafor", "Dana", "Reyes"}
    new = {k: ren.words[k] for k in ren.words}
    # every form: capitals, possessive, first name alone; "Will" opening a question and
    # "It will" stay words; a role label is not a name
    assert f"{new['Will'].upper()} {new['Okafor'].upper()}, HOST:" in vtext
    assert f"{new['Okafor']}'s question" in vtext
    assert f"Thank you, {new['Dana']}." in vtext
    assert "Will the ferry run?" in vtext and "It will," in vtext
    assert "REPORTER:" in vtext and "Okafor" not in vtext and "Reyes" not in vtext
    assert vpage.title == f"Harbour Hour with {new['Will']} {new['Okafor']}"
    assert [lab.speaker for lab in vpage.labels][:2] == [
        f"{new['Will']} {new['Okafor']}",
        f"{new['Dana']} {new['Reyes']}",
    ]
    # initials as labels ("WO:") follow the new names
    initials = new["Will"][0] + new["Okafor"][0] + ": Quite so. " + new["Dana"][0] + new["Reyes"][0]
    assert initials + ": High" in vtext
    assert ev.unmatched(vpage, vtext) == []
    # the same seed gives the same variant; bare drops the renamed labels' role words
    assert va.variant(page, text, 3)[1] == vtext
    bare = va.variant(page, text, 3, drop_roles=True)[1]
    assert f"{new['Will'].upper()} {new['Okafor'].upper()}: Good" in bare
    assert f"{new['Dana'].upper()} {new['Reyes'].upper()}: It will" in bare


def test_variants_store_the_page_in_other_shapes() -> None:
    page = ev.CorpusPage("p", "Invented Radio", "other", "https://x.test/p", "T", "tune", (), ROOT)
    text = "HOST: " + "the ferry sails again from pier four " * 4 + "\nGUEST: Yes.\n"
    wrapped = ev.variant("wrap", page, text)
    assert wrapped is not None
    assert max(len(line) for line in wrapped.splitlines()) <= ev.WRAP
    assert ev.words(wrapped) == ev.words(text) and len(wrapped.splitlines()) > 2
    assert ev.variant("blank", page, text) == f"{text.splitlines()[0]}\n\nGUEST: Yes.\n"
    assert ev.variant("oneline", page, text) == " ".join(text.split()) + "\n"
    captions = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n"
    assert ev.variant("wrap", page, captions) is None  # a caption file's lines are cues
    assert ev.main(["--variants", "wrapped"]) == 2
