#!/usr/bin/env bash
# Sets everything up and runs the kiosk in demo mode: the bundled mock ANTS
# backend, the simulated scanner (sample documents), a capture printer.
# With no screen, the demo runs offscreen and says where its screenshots are.
set -euo pipefail
source "$(dirname "$0")/scripts/bootstrap.sh"
apt_ensure "${APT_RUNTIME[@]}"
venv_ensure test
cd "$POINTNUM_ROOT"
exec "$VENV/bin/kiosk" --demo "$@"
