"""The commented starter lexicon `kit import` adds: comments only (the episode still loads),
and uncommented it is a valid `pronunciations:` block that changes nothing until edited."""

from __future__ import annotations

from pathlib import Path

import yaml

from broadcast_kit.importer.lexicon import block
from broadcast_kit.model import Episode

NAMES = [
    "Seo Jin-seon",
    "Park Seong-jin",
    "Shin Jeong-hwa",
    "Park Seong-jin",  # twice: listed once
    "Yes",  # YAML would read a bare Yes as true
    "Im Yu-gyeong: the accordionist",  # a colon needs quotes
    "  Keiichi   Ono ",
]


def test_the_block_is_comments_that_uncomment_into_pronunciations() -> None:
    text = block(NAMES)
    lines = text.splitlines()
    assert all(line.startswith("#") for line in lines)
    assert yaml.safe_load(text) is None  # nothing but comments: the episode is unchanged
    assert "# pronunciations:" in lines
    start = lines.index("# pronunciations:")
    uncommented = "\n".join(line[2:] for line in lines[start:])
    entries = yaml.safe_load(uncommented)["pronunciations"]
    assert list(entries) == [
        "Seo Jin-seon",
        "Park Seong-jin",
        "Shin Jeong-hwa",
        "Yes",
        "Im Yu-gyeong: the accordionist",
        "Keiichi Ono",
    ]
    assert all(entries[name] == name for name in entries)  # said as written until edited
    episode = Episode.model_validate(
        {"title": "T", "date": "2024-01-01", "pronunciations": entries, "script": "HOST: Hi."}
    )
    assert set(episode.pronunciations) == set(entries)


def test_no_names_no_block() -> None:
    assert block([]) == "" and block(["  "]) == ""


def test_kit_import_writes_the_starter_lexicon() -> None:
    from broadcast_kit import importer

    sample = (
        Path(__file__).parent / "data" / "import" / "kbs-2012-09-06-korea-today-and-tomorrow.txt"
    )
    result = importer.import_transcript(sample.read_text(), sample.name, engine="fake")
    lines = result.yaml.splitlines()
    start = lines.index("# pronunciations:")
    listed = [line for line in lines[start + 1 :] if line.startswith("#   ")]
    assert "#   Shin Jeong-hwa: Shin Jeong-hwa" in listed
    assert "#   Seo Jin-seon: Seo Jin-seon" in listed
    assert lines.index("segments:") > start  # before the parts, all of it comments
