"""The files a render writes beside its MP3, each written and read through one module: the
render report (`report`). Render writes them, publish and check read them back through the
same models, so a field changed in one place changes everywhere. Nothing is imported here."""
