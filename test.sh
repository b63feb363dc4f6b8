#!/usr/bin/env bash
# Sets up what the tests need (Debian packages, venv) and runs the whole suite.
set -euo pipefail
source "$(dirname "$0")/scripts/bootstrap.sh"
apt_ensure "${APT_RUNTIME[@]}" "${APT_TEST[@]}"
venv_ensure test
cd "$POINTNUM_ROOT"
exec "$VENV/bin/python" -m pytest "$@"
