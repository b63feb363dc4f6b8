#!/usr/bin/env bash
# Installs the kiosk on a Debian 12 appliance: packages, the 'pointnum' user,
# the venv under /opt/pointnum, the site file, systemd units, tmpfiles, udev.
# Run as root from a checkout. Idempotent: run it again to upgrade.
#   sudo ./install.sh [--site config/sites/prefecture.toml] [--training] [--no-enable]
set -euo pipefail

PREFIX=/opt/pointnum
ETC=/etc/pointnum
SITE_TEMPLATE=config/sites/prefecture.toml
TRAINING=0
ENABLE=1

while [ $# -gt 0 ]; do
    case "$1" in
        --site) SITE_TEMPLATE="$2"; shift 2 ;;
        --training) TRAINING=1; shift ;;
        --no-enable) ENABLE=0; shift ;;
        -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

[ "$(id -u)" -eq 0 ] || { echo "install.sh: run as root (sudo ./install.sh)" >&2; exit 1; }
cd "$(dirname "$0")"
[ -f "$SITE_TEMPLATE" ] || { echo "install.sh: no site file $SITE_TEMPLATE" >&2; exit 1; }

export POINTNUM_VENV="$PREFIX/venv"
# shellcheck source=scripts/bootstrap.sh
source scripts/bootstrap.sh
apt_ensure "${APT_RUNTIME[@]}" cage xwayland

getent group scanner >/dev/null || groupadd --system scanner
getent passwd pointnum >/dev/null || useradd --system --create-home --home-dir /var/lib/pointnum-home \
    --shell /usr/sbin/nologin --user-group pointnum
usermod -a -G video,input,render,scanner,lp pointnum 2>/dev/null || usermod -a -G video,input,scanner,lp pointnum

install -d -m 0755 "$PREFIX"
cp -a README.md "$PREFIX/" 2>/dev/null || true
venv_ensure "" --installed

install -d -m 0755 "$ETC"
if [ ! -f "$ETC/kiosk.toml" ]; then
    install -m 0644 "$SITE_TEMPLATE" "$ETC/kiosk.toml"
    echo "==> $ETC/kiosk.toml created from $SITE_TEMPLATE: fill in the site's name and devices."
fi
"$PREFIX/venv/bin/python" -c "from config import load_settings; load_settings('$ETC/kiosk.toml')"

install -m 0644 systemd/pointnum-kiosk.service systemd/pointnum-purge.service \
    systemd/pointnum-ants-mock.service /etc/systemd/system/
install -m 0644 systemd/tmpfiles.d/pointnum.conf /etc/tmpfiles.d/pointnum.conf
install -m 0644 systemd/udev/70-pointnum.rules /etc/udev/rules.d/70-pointnum.rules

if [ -d /run/systemd/system ]; then
    systemd-tmpfiles --create /etc/tmpfiles.d/pointnum.conf
    udevadm control --reload-rules || true
    systemctl daemon-reload
    if [ "$ENABLE" -eq 1 ]; then
        systemctl enable pointnum-purge.service pointnum-kiosk.service
        [ "$TRAINING" -eq 1 ] && systemctl enable --now pointnum-ants-mock.service
    fi
else
    echo "==> systemd is not running here: units installed, not enabled."
fi
echo "==> Installed. Check the devices with: $PREFIX/venv/bin/kioskctl simulate --sessions 1"
