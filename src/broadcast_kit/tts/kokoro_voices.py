"""Kokoro's 28 English voice packs: fetched once from the npm registry, checked, kept in the
user's data folder (`kit voices install kokoro-en`).

No Python package ships them; the npm package `kokoro-js` 1.2.1 (Apache-2.0, by hexgrad,
the Kokoro authors, and Xenova) does, as `voices/<name>.bin`: raw float32 style vectors,
510 x 1 x 256. The ordinary npm client fetches the pinned version (`npm pack`); its sha512
is checked against the published integrity before the archive is opened, then only the
English files are read, each checked for its size and against the sha256 list committed
here (`data/kokoro-en.sha256`). They are written to a temporary folder beside the
destination, with the licence and the attribution, and moved into place in one rename, so a
failed install leaves nothing behind. Renders never download: a missing voice is an error
naming the command above.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from platformdirs import user_data_dir

from broadcast_kit.errors import EngineError, InputError, NotInstalled
from broadcast_kit.tts.base import Gender

SET = "kokoro-en"
COMMAND = f"kit voices install {SET}"
PACKAGE = "kokoro-js"
VERSION = "1.2.1"
#: npm's published integrity of kokoro-js-1.2.1.tgz (`npm view kokoro-js@1.2.1 dist.integrity`)
INTEGRITY = (
    "sha512-oq0HZJWis3t8lERkMJh84WLU86dpYD0EuBPtqYnLlQzyFP1OkyBRDcweAqCfhNOpltyN9j"
    "/azp1H6uuC47gShw=="
)
SIZE = 510 * 1 * 256 * 4  # 522,240 bytes: 510 float32 style vectors of 256
ENV = "BROADCAST_KIT_DATA_DIR"
MANIFEST = "installed.json"
NPM_TIMEOUT = 900  # seconds: the archive is 27 MB
#: Kokoro's own grades of its English voices (kokoro-js's VOICES table): casting order
GRADES = {
    "af_heart": "A",
    "af_bella": "A-",
    "af_nicole": "B-",
    "af_aoede": "C+",
    "af_kore": "C+",
    "af_sarah": "C+",
    "af_alloy": "C",
    "af_nova": "C",
    "af_sky": "C-",
    "af_jessica": "D",
    "af_river": "D",
    "am_fenrir": "C+",
    "am_michael": "C+",
    "am_puck": "C+",
    "am_echo": "D",
    "am_eric": "D",
    "am_liam": "D",
    "am_onyx": "D",
    "am_santa": "D-",
    "am_adam": "F+",
    "bf_emma": "B-",
    "bf_isabella": "C",
    "bf_alice": "D",
    "bf_lily": "D",
    "bm_fable": "C",
    "bm_george": "C",
    "bm_lewis": "D+",
    "bm_daniel": "D",
}
ATTRIBUTION = """\
Kokoro English voice packs (Kokoro-82M v1.0 voices), installed by broadcast-kit.

Made by hexgrad, the authors of Kokoro (https://github.com/hexgrad/kokoro), and published
under the Apache License 2.0 (the file LICENSE beside this one) in the npm package
{package} {version} (contributors: Xenova), from which these files were taken unchanged.
npm integrity of the package: {integrity}
"""


def gender(name: str) -> Gender:
    """Kokoro's names say it: the second letter is f (female) or m (male)."""
    return "female" if name[1] == "f" else "male"


def accent(name: str) -> str:
    """a_ voices speak American English (us), b_ voices British English (gb)."""
    return "gb" if name.startswith("b") else "us"


def british(name: str) -> bool:
    """Whether the voice reads with British G2P rules (bf_/bm_)."""
    return accent(name) == "gb"


@dataclass(frozen=True)
class Pinned:
    """What is installed and how it is checked: the npm package spec, its integrity, and
    each voice file's sha256 (file name -> hex digest)."""

    spec: str
    integrity: str
    sha256: dict[str, str] = field(default_factory=dict)
    size: int = SIZE

    @property
    def voices(self) -> list[str]:
        return [name.removesuffix(".bin") for name in self.sha256]


def _committed_sha256() -> dict[str, str]:
    text = (files("broadcast_kit") / "data" / f"{SET}.sha256").read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split()
            found[name] = digest
    return found


def pinned() -> Pinned:
    return Pinned(f"{PACKAGE}@{VERSION}", INTEGRITY, _committed_sha256())


#: the English voices, best graded first (the order casting tries them in)
def _rank(name: str) -> tuple[str, int, str]:
    grade = GRADES[name]
    return name[:2], "ABCDF".index(grade[0]) * 3 + "+ -".index(grade[1:] or " "), name


NAMES = sorted(GRADES, key=_rank)


def folder() -> Path:
    """Where the English voices live: the user's data folder (or BROADCAST_KIT_DATA_DIR)."""
    return Path(os.environ.get(ENV) or user_data_dir("broadcast-kit")) / "voices" / SET


def installed_path(name: str, where: Path | None = None) -> Path | None:
    """The voice's file when `kit voices install kokoro-en` put it there, else None."""
    where = where or folder()
    path = where / f"{name}.bin"
    if (where / MANIFEST).is_file() and path.is_file() and path.stat().st_size == SIZE:
        return path
    return None


def not_installed(name: str) -> InputError:
    return InputError(
        f"kokoro voice '{name}' is not installed (Kokoro's English voices are fetched once from"
        f" the npm registry, never during a render); install them with: {COMMAND}"
        " (./scripts/kit does this when it installs the kokoro extra)"
    )


def _sri(path: Path) -> str:
    digest = hashlib.sha512()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha512-" + base64.b64encode(digest.digest()).decode("ascii")


def _npm_pack(npm: str, spec: str, into: Path) -> Path:
    """The package archive, fetched by npm into `into`."""
    command = [npm, "pack", spec, "--json", "--ignore-scripts", "--pack-destination", str(into)]
    try:
        done = subprocess.run(
            command, cwd=into, capture_output=True, text=True, timeout=NPM_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise EngineError(
            f"npm did not fetch {spec} within {NPM_TIMEOUT} s; check the connection to the npm"
            f" registry (npm config get registry) and run again: {COMMAND}"
        ) from exc
    except OSError as exc:
        raise EngineError(f"npm ({npm}) could not be run: {exc}") from exc
    if done.returncode != 0:
        last = " / ".join(line.strip() for line in done.stderr.strip().splitlines()[-3:])
        raise EngineError(
            f"npm could not fetch {spec} (exit {done.returncode}: {last or 'no message'});"
            f" check the connection to the npm registry (npm config get registry) and run"
            f" again: {COMMAND}"
        )
    archives = sorted(into.glob("*.tgz"))
    if len(archives) != 1:
        raise EngineError(f"npm pack {spec} left {len(archives)} archives, expected one")
    return archives[0]


def _read_voices(archive: Path, pin: Pinned) -> tuple[dict[str, bytes], bytes]:
    """Each English voice file's bytes (size and sha256 checked) and the package's LICENSE."""
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for file_name, digest in pin.sha256.items():
                try:
                    member = tar.getmember(f"package/voices/{file_name}")
                except KeyError:
                    raise EngineError(
                        f"{archive.name} has no voices/{file_name}; refused, nothing installed"
                    ) from None
                if not member.isfile() or member.size != pin.size:
                    raise EngineError(
                        f"{archive.name}: voices/{file_name} is {member.size:,} bytes, not"
                        f" {pin.size:,}; refused, nothing installed"
                    )
                handle = tar.extractfile(member)
                data = handle.read() if handle is not None else b""
                if len(data) != pin.size:
                    raise EngineError(
                        f"{archive.name}: voices/{file_name} is truncated; refused, nothing"
                        " installed"
                    )
                if not hmac.compare_digest(hashlib.sha256(data).hexdigest(), digest):
                    raise EngineError(
                        f"{archive.name}: voices/{file_name} does not match its sha256 in"
                        f" broadcast-kit's list; refused, nothing installed"
                    )
                found[file_name] = data
            licence = tar.extractfile(tar.getmember("package/LICENSE"))
            licence_text = licence.read() if licence is not None else b""
    except (tarfile.TarError, EOFError, OSError, KeyError) as exc:
        raise EngineError(
            f"{archive.name} could not be read ({exc}); refused, nothing installed"
        ) from exc
    return found, licence_text


def install(
    pin: Pinned | None = None,
    where: Path | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> Path:
    """Fetch, check and install the English voices; returns their folder. All or nothing."""
    pin = pin or pinned()
    where = where or folder()
    npm = shutil.which("npm")
    if npm is None:
        raise NotInstalled(
            "npm is not installed: Kokoro's English voices come from the npm registry and"
            " kit fetches them with npm. Install Node.js with npm (https://nodejs.org/, or"
            f" `apt-get install npm`), then run: {COMMAND}"
        )
    where.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{SET}-", dir=where.parent) as work:
        download = Path(work) / "download"
        download.mkdir()
        say(f"fetching {pin.spec} with npm ...")
        archive = _npm_pack(npm, pin.spec, download)
        got = _sri(archive)
        if not hmac.compare_digest(got, pin.integrity):
            raise EngineError(
                f"{archive.name} does not match {pin.spec}'s published integrity ({pin.integrity},"
                f" got {got}); refused, nothing installed. If this repeats, clear npm's cache"
                f" (npm cache clean --force) and run: {COMMAND}"
            )
        say(f"integrity checked ({pin.integrity[:19]}...); reading the English voices")
        voices, licence = _read_voices(archive, pin)
        staged = Path(work) / SET
        staged.mkdir()
        for file_name, data in voices.items():
            (staged / file_name).write_bytes(data)
        (staged / "LICENSE").write_bytes(licence)
        (staged / "ATTRIBUTION.txt").write_text(
            ATTRIBUTION.format(
                package=PACKAGE, version=pin.spec.rpartition("@")[2], integrity=pin.integrity
            ),
            encoding="utf-8",
        )
        manifest = {"package": pin.spec, "integrity": pin.integrity, "sha256": pin.sha256}
        (staged / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        old = Path(work) / "old"
        if where.exists():
            os.replace(where, old)
        os.replace(staged, where)
    say(f"installed {len(voices)} voices in {where}")
    return where


def missing(pin: Pinned | None = None, where: Path | None = None) -> list[str]:
    """The English voices not installed (all of them when another version is installed)."""
    pin = pin or pinned()
    where = where or folder()
    try:
        manifest = json.loads((where / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return pin.voices
    if manifest.get("integrity") != pin.integrity:
        return pin.voices
    return [name for name in pin.voices if installed_path(name, where) is None]


def _set_up() -> int:
    """`python -m broadcast_kit.tts.kokoro_voices`: what scripts/_venv.sh runs after it
    installs the kokoro extra; installs the voices when any is missing. A failure is a
    warning (the other engines still work), with the command to run later."""
    import sys

    if not missing():
        return 0
    try:
        install(say=lambda line: print(line, file=sys.stderr))
    except (EngineError, NotInstalled) as exc:
        print(f"warning: Kokoro's English voices were not installed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(_set_up())
