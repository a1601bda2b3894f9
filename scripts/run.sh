#!/usr/bin/env bash
# The first README command: install what is missing, build, and start ArrowQuant on the built-in
# demo model. With a display, the desktop application opens; without one, the command-line tool
# quantizes the demo model and prints its per-tensor table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
if [ -x build/bin/arrowquant ] && { [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; }; then
  exec build/bin/arrowquant --demo "$@"
fi
echo "No display found: running the headless command-line tool on the demo model instead."
echo "(To see the desktop application, run this on a desktop session, or: xvfb-run build/bin/arrowquant --demo)"
demo=$(build/bin/arrowquant-cli demo)
mkdir -p out
exec build/bin/arrowquant-cli quantize "$demo" -o out/demo-int4.safetensors --bits 4 --report out/demo-int4.json "$@"
