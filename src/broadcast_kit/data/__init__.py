"""The package's data files (Apple's categories, the Podcast Taxonomy, speech rates, the
loudness presets) and `load`, which reads one.

They are the package's own YAML, so `load` parses them with libyaml's C loader where PyYAML
has it: the pure-Python loader took a third of `kit check`'s own run time on Apple's
category list alone. Users' files (show.yaml, episode.yaml) go through `loader`, whose
messages and line numbers come from the pure-Python parser.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import yaml

# safe loaders only; without libyaml, the pure-Python one reads the same data
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(name: str, package: str = __name__) -> Any:
    """The data of the YAML file `name` in `package` (default: this one)."""
    text = files(package).joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=_LOADER)
