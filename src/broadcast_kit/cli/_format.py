"""Small text helpers shared by the commands."""

from __future__ import annotations


def count(n: int, noun: str) -> str:
    """'1 chapter', '2 chapters'."""
    return f"{n} {noun}" + ("" if n == 1 else "s")
