"""The files a render writes beside its MP3, each written and read through one module: the
render report (`report`), WebVTT (`vtt`), SRT (`srt`), chapters JSON (`chapters`) and the
JSON transcript (`transcript`). Render writes them; publish and check read them back through
the same modules, so a change to a format is made in one place. Nothing is imported here."""
