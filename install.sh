#!/usr/bin/env bash
# Installs the kiosk on a Debian 12 appliance: packages, the 'pointnum' user,
# the venv under /opt/pointnum, the site file, systemd units, tmpfiles, udev.
# Run as root from a checkout. Idempotent: run it again to upgrade.
#   sudo ./install.sh [--site prefecture|sous-prefecture|france-services|mairie|FILE] [--demo]
#                     [--training] [--no-enable]
#   --site: a template of config/sites/ by name, or a site file; --demo: the demo's
#   (bundled mock backend, simulated devices)
#   ./install.sh --dest DIR   stages the same files under DIR (an image, a test):
#                             no packages, no user, no systemctl; root not needed
set -euo pipefail

SITE_TEMPLATE=config/sites/prefecture.toml
TRAINING=0
ENABLE=1
DEST=""

while [ $# -gt 0 ]; do
    case "$1" in
        --site) SITE_TEMPLATE="$2"; shift 2 ;;
        --training) TRAINING=1; shift ;;
        --no-enable) ENABLE=0; shift ;;
        --dest) DEST="$(realpath -m "$2")"; shift 2 ;;
        --demo) SITE_TEMPLATE=config/sites/demo.toml; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

[ -n "$DEST" ] || [ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo ./install.sh)" >&2; exit 1; }
CHECKOUT="$(cd "$(dirname "$0")" && pwd)"
cd "$CHECKOUT"
case "$SITE_TEMPLATE" in
    */*|*.toml) ;;
    *) SITE_TEMPLATE="config/sites/$SITE_TEMPLATE.toml" ;;  # a template by its name
esac
if [ ! -f "$SITE_TEMPLATE" ]; then
    TEMPLATES=""
    for template in config/sites/*.toml; do TEMPLATES="$TEMPLATES $(basename "$template" .toml)"; done
    echo "install.sh: no site file $SITE_TEMPLATE (templates:$TEMPLATES)" >&2
    exit 1
fi
SITE_TEMPLATE="$(realpath "$SITE_TEMPLATE")"

PREFIX="$DEST/opt/pointnum"
ETC="$DEST/etc/pointnum"
UNITS="$DEST/etc/systemd/system"

# The checkout is read, never written. pip builds a project in its source folder
# (setuptools writes build/ and pointnum.egg-info there) and Python writes __pycache__
# beside the modules it imports, so building or checking from a user's checkout, as
# root, would leave root-owned files in it. Everything runs from a copy instead.
BUILD="$(mktemp -d)"
trap 'rm -rf "$BUILD"' EXIT
tar -C "$CHECKOUT" -cf - --exclude=./.git --exclude=./.venv --exclude=./build --exclude='*.egg-info' \
    --exclude=__pycache__ --exclude=./.pytest_cache --exclude=./.hypothesis . | tar -C "$BUILD" -xf - --no-same-owner
cd "$BUILD"

export POINTNUM_VENV="$PREFIX/venv"
# shellcheck source=scripts/bootstrap.sh
source scripts/bootstrap.sh

if [ -z "$DEST" ]; then
    apt_ensure "${APT_RUNTIME[@]}" cage xwayland
    getent group scanner >/dev/null || groupadd --system scanner
    getent passwd pointnum >/dev/null || useradd --system --create-home --home-dir /var/lib/pointnum-home \
        --shell /usr/sbin/nologin --user-group pointnum
    usermod -a -G video,input,render,scanner,lp pointnum 2>/dev/null || usermod -a -G video,input,scanner,lp pointnum
fi

install -d -m 0755 "$PREFIX"
install -m 0644 README.md "$PREFIX/README.md"  # the installer's ownership and mode, not the checkout's
rm -f "$POINTNUM_VENV/.installed-base"  # an upgrade installs the checkout's code even when pyproject.toml is unchanged
venv_ensure "" --installed

install -d -m 0755 "$ETC"
if [ ! -f "$ETC/kiosk.toml" ]; then
    install -m 0644 "$SITE_TEMPLATE" "$ETC/kiosk.toml"
    echo "==> $ETC/kiosk.toml created from $SITE_TEMPLATE: fill in the site's name and devices."
fi
# The installed package reads the site file: from /, isolated (-I), so that neither
# the checkout nor the copy can stand in for what was installed.
(cd / && "$PREFIX/venv/bin/python" -I -c '
import sys
import config
if not config.__file__.startswith(sys.prefix + "/"):
    sys.exit(f"install.sh: config imported from {config.__file__}, not from the venv {sys.prefix}")
problem = config.load_settings(sys.argv[1]).backend_error([sys.argv[1]])
if problem is not None:
    print(f"==> To do before the kiosk can serve: {problem}")
' "$ETC/kiosk.toml")

install -d -m 0755 "$UNITS" "$DEST/etc/tmpfiles.d" "$DEST/etc/udev/rules.d"
install -m 0644 systemd/pointnum-kiosk.service systemd/pointnum-ants-mock.service "$UNITS/"
# The site bus: the broker's unit and config (enabled on the one machine that runs it:
# systemctl enable --now pointnum-broker pointnum-console); its logins: README, Site bus.
install -m 0644 systemd/pointnum-broker.service systemd/pointnum-console.service "$UNITS/"
install -d -m 0755 "$ETC/mosquitto"
[ -f "$ETC/mosquitto/pointnum.conf" ] || install -m 0644 config/mosquitto/pointnum.conf "$ETC/mosquitto/pointnum.conf"
install -m 0644 systemd/tmpfiles.d/pointnum.conf "$DEST/etc/tmpfiles.d/pointnum.conf"
install -m 0644 systemd/udev/70-pointnum.rules "$DEST/etc/udev/rules.d/70-pointnum.rules"
install -d -m 0755 "$DEST/etc/systemd/journald.conf.d"
install -m 0644 systemd/journald.conf.d/pointnum.conf "$DEST/etc/systemd/journald.conf.d/pointnum.conf"

# Earlier versions purged from a unit of their own, once a boot and in another folder
# than the kiosk's: the kiosk's unit now purges before each start.
OLD_PURGE="$UNITS/pointnum-purge.service"
if [ -f "$OLD_PURGE" ]; then
    [ -z "$DEST" ] && [ -d /run/systemd/system ] && systemctl disable pointnum-purge.service
    rm -f "$OLD_PURGE"
fi

if [ -n "$DEST" ]; then
    echo "==> Staged under $DEST: units not enabled."
elif [ -d /run/systemd/system ]; then
    systemd-tmpfiles --create /etc/tmpfiles.d/pointnum.conf
    udevadm control --reload-rules || true
    systemctl restart systemd-journald || true  # the journal's storage from its drop-in
    systemctl daemon-reload
    if [ "$ENABLE" -eq 1 ]; then
        systemctl enable pointnum-kiosk.service
        [ "$TRAINING" -eq 1 ] && systemctl enable --now pointnum-ants-mock.service
    fi
else
    echo "==> systemd is not running here: units installed, not enabled."
fi
echo "==> Installed. Check the kiosk (devices, backend, system), as its user:"
echo "    sudo -u pointnum $PREFIX/venv/bin/kioskctl doctor"
echo "==> Try the printers with a whole session (nothing is sent to ANTS):"
echo "    sudo -u pointnum $PREFIX/venv/bin/kioskctl simulate --procedure permis-releve --sessions 1"
