"""`kit check`: validate rendered MP3s, their sidecar files and the feed against STANDARDS
(docs/standards.md: rule n is cited as "STANDARDS n" here and in the rules' texts).

`rules` names every rule (its stable id, severity and reason), `mpeg` reads MPEG audio
frames, `mp3`, `sidecars` and `feed` check one kind of file each, `runner` finds the files
and runs the checks (`runner.run`), and `report` prints the findings as text, JSON or JUnit
XML. Nothing here writes to the files it checks. This module imports nothing, so that the
show model can read the rule ids without importing the checkers.
"""
