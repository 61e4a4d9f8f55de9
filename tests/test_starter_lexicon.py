"""The commented starter lexicon `kit import` adds: comments only (the episode still loads),
and uncommented it is a valid `pronunciations:` block that changes nothing until edited."""

from __future__ import annotations

import yaml

from broadcast_kit.model import Episode
from broadcast_kit.starter_lexicon import block

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
