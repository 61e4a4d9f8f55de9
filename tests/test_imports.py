"""The package's imports, read from its source (ast): no import cycles, and no import that
runs from a lower layer back up to a higher one.

Every import counts: at module level, inside functions (an import deferred to dodge a cycle
is still a cycle) and under TYPE_CHECKING. The layers, lowest first (a module may import its
own layer and those below; STYLE.md's layout, with what it leaves implicit made explicit):

1. foundation: errors, limits, files, text, progress, audio, ffmpeg, install, workers,
   yamltree, yamlerrors, cover, loudness, rule_table, options, render.sentences (plain
   text), data
2. the model: model, problems
3. engines: tts.*
4. the episode: loader, script, fingerprint
5. the files a render writes: formats.*
6. the render: render.*
7. the subsystems: importer.*, publish.*, check.*, batch, cluster, starter
8. the commands: cli.*, entry, __main__, testing (the shipped fake engine)
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "broadcast_kit"

LAYERS: list[tuple[str, ...]] = [
    (
        "broadcast_kit", "errors", "limits", "files", "text", "progress", "audio", "ffmpeg",
        "install", "workers", "yamltree", "yamlerrors", "cover", "loudness", "rule_table",
        "options", "render.sentences", "data", "data.presets",
    ),
    ("model", "problems"),
    ("tts",),
    ("loader", "script", "fingerprint"),
    ("formats",),
    ("render",),
    ("importer", "publish", "check", "batch", "cluster", "starter", "audition"),
    ("cli", "entry", "__main__", "testing"),
]  # fmt: skip

#: known cycles outside this change's area, each with why it is allowed for now
ALLOWED_CYCLES: set[frozenset[str]] = set()  # none: keep it so


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that `name` imports (a package's module where the import names
    one, else the deepest package or module it names)."""

    def deepest(dotted: str) -> str:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        return dotted

    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name if path.name == "__init__.py" else name.rpartition(".")[0]
                for _ in range(node.level - 1):
                    package = package.rpartition(".")[0]
                base = ".".join(p for p in ("broadcast_kit", package, base) if p)
            targets = [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            if target == "broadcast_kit" or target.startswith("broadcast_kit."):
                inner = target.removeprefix("broadcast_kit").removeprefix(".") or "broadcast_kit"
                found.add(inner if inner in known else deepest(inner.rpartition(".")[0]))
    found.discard(name)
    found.discard("")
    return found


def layer(name: str) -> int:
    best = None
    for n, members in enumerate(LAYERS):
        for member in members:
            inside = name == member or name.startswith(member + ".")
            if inside and (best is None or len(member) > len(best[1])):
                best = (n, member)
    assert best is not None, f"{name} is in no layer: add it to LAYERS in {__file__}"
    return best[0]


def graph() -> dict[str, set[str]]:
    known = modules()
    known_names = {("broadcast_kit" if n == "" else n): p for n, p in known.items()}
    return {n: imports(n, p, known_names) for n, p in known_names.items()}


def cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(group)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_every_module_has_a_layer() -> None:
    for name in graph():
        layer(name)


def test_no_import_cycles() -> None:
    found = [c for c in cycles(graph()) if frozenset(c) not in ALLOWED_CYCLES]
    assert found == [], f"import cycles: {found}"


def test_no_upward_imports() -> None:
    upward = sorted(
        f"{name} (layer {layer(name) + 1}) imports {target} (layer {layer(target) + 1})"
        for name, targets in graph().items()
        for target in targets
        if layer(target) > layer(name)
    )
    assert upward == [], "imports from a lower layer up to a higher one:\n" + "\n".join(upward)


def test_the_checker_finds_what_it_looks_for(tmp_path: Path) -> None:
    """The graph sees deferred and relative imports, and the cycle finder finds a cycle."""
    known = {"a": tmp_path / "a.py", "b": tmp_path / "b.py", "b.c": tmp_path / "c.py"}
    known["a"].write_text("def f():\n    from broadcast_kit.b import c\n")
    known["b"].write_text("from . import a\n")
    known["b.c"].write_text("import os\n")
    edges = {n: imports(n, p, known) for n, p in known.items()}
    assert edges == {"a": {"b.c"}, "b": {"a"}, "b.c": set()}
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [{"a", "b"}]


def scipy_importers(paths: dict[str, Path]) -> set[str]:
    """The modules among `paths` with an import of scipy or one of its submodules."""
    found = set()
    for name, path in paths.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                named = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                named = [node.module or ""]
            else:
                continue
            if any(n == "scipy" or n.startswith("scipy.") for n in named):
                found.add(name)
    return found


def test_only_audio_imports_scipy(tmp_path: Path) -> None:
    """scipy is imported under audio.load_scipy's lock (two threads importing it at once see
    it half-initialized): everywhere else gets it from there."""
    assert scipy_importers(modules()) == {"audio"}
    # the checker sees every spelling, at module level and inside functions
    spellings = ["import scipy", "import scipy.signal as s", "from scipy import ndimage",
                 "def f():\n    from scipy.signal import sosfilt", "import scipyx"]  # fmt: skip
    paths = {}
    for n, text in enumerate(spellings):
        paths[str(n)] = tmp_path / f"m{n}.py"
        paths[str(n)].write_text(text + "\n")
    assert scipy_importers(paths) == {"0", "1", "2", "3"}
