#!/usr/bin/env bash
# shellcheck disable=SC2034  # the APT_* arrays are used by the scripts that source this file
# Shared set-up for demo.sh and test.sh: Debian packages, then the venv.
# Idempotent: installs only what is missing. Sourced, not run.

POINTNUM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${POINTNUM_VENV:-$POINTNUM_ROOT/.venv}"

# What the kiosk needs at run time (Kivy's GL, SANE, the simulated devices' fonts).
APT_RUNTIME=(python3 python3-venv python3-dev python3-gi libgl1 libgl1-mesa-dri libegl1 libmtdev1
             sane-utils libsane1 fonts-dejavu-core fonts-noto-core espeak-ng
             cups cups-client cups-filters libcups2-dev gcc
             tesseract-ocr tesseract-ocr-fra
             mosquitto mosquitto-clients
             gir1.2-webkit2-4.1)
# What the tests add: a virtual screen, udev simulation, system-file checks, the
# kiosk unit's compositor (cage, through Xwayland); the fleet tools' checks (promtool
# from prometheus, ansible-playbook and ansible-lint; xwd and xwininfo capture cage's frame;
# debootstrap makes the fresh Debian 12 that install.sh is tried in).
APT_TEST=(xvfb xauth xdotool umockdev gir1.2-umockdev-1.0 systemd shellcheck poppler-utils gettext
          cups cups-client cups-filters libcups2-dev cage xwayland fonts-ocr-b
          chromium
          prometheus ansible-core ansible-lint x11-apps x11-utils debootstrap)

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Root is needed only to install what is missing: as root, or a user who may use
# sudo (asked for their password once). Otherwise one line says what to do.
# `sudo true`, not `sudo -v`: -v asks a password whenever one of the user's sudoers
# entries wants one, even where a NOPASSWD entry lets them run any command.
root_or_sudo() {
    [ "$(id -u)" -eq 0 ] && return 0
    local user; user="$(id -un 2>/dev/null || id -u)"
    if ! command -v sudo >/dev/null 2>&1; then
        echo "$(basename "$0"): installing Debian packages needs root, and sudo is not installed: run it as root, or, as root, install sudo and add $user to the sudo group (apt-get install sudo; adduser $user sudo), then log in again." >&2
        return 1
    fi
    if ! sudo true; then
        echo "$(basename "$0"): installing Debian packages needs root, and $user may not use sudo: run it as root, or, as root, add $user to the sudo group (adduser $user sudo), then log in again." >&2
        return 1
    fi
}

apt_ensure() {
    local missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "==> Debian packages: ${missing[*]}"
        root_or_sudo || return 1
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
    fi
}

pick_python() {
    for py in python3.11 /usr/bin/python3.11 python3; do
        if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
            command -v "$py"; return 0
        fi
    done
    echo "Python 3.11 is required (Debian 12's python3)." >&2
    return 1
}

# venv_ensure EXTRAS [--installed]: editable from the checkout (development),
# or a regular install (an appliance's /opt/pointnum/venv).
venv_ensure() {
    local extras="$1" mode="${2:-}"
    local py; py="$(pick_python)" || return 1
    if [ ! -x "$VENV/bin/python" ]; then
        echo "==> venv in $VENV"
        "$py" -m venv "$VENV"
    fi
    local stamp="$VENV/.installed-${extras:-base}"
    if [ ! -f "$stamp" ] || [ "$POINTNUM_ROOT/pyproject.toml" -nt "$stamp" ]; then
        echo "==> Python packages${extras:+ ($extras)}"
        "$VENV/bin/pip" install -q --upgrade pip >/dev/null 2>&1 || true
        local target="${POINTNUM_ROOT}"
        [ -n "$extras" ] && target="${POINTNUM_ROOT}[${extras}]"
        if [ "$mode" = "--installed" ]; then
            "$VENV/bin/pip" install -q "$target" 2>&1 | grep -v "^WARNING: Location" || true
        else
            "$VENV/bin/pip" install -q -e "$target" 2>&1 | grep -v "^WARNING: Location" || true
        fi
        "$VENV/bin/python" -c "import kivy, escpos, pyinsane2, fastapi" >/dev/null 2>&1 || {
            echo "The Python packages did not install: see the messages above." >&2; return 1; }
        touch "$stamp"
    fi
    # umockdev's Python bindings come from Debian (gi); the venv sees them through a link.
    local site; site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    if [ -d /usr/lib/python3/dist-packages/gi ] && [ ! -e "$site/gi" ]; then
        ln -s /usr/lib/python3/dist-packages/gi "$site/gi"
    fi
}
