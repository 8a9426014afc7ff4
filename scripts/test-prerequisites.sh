#!/usr/bin/env bash
# The system packages the tests run against (real services, no mocks): Chromium for the
# end-to-end tests, a real Secret Service (gnome-keyring on D-Bus) for the keychain tests,
# Redis and a Python venv (Milvus Lite) for the service tests, PostgreSQL 15 for the
# pg_dump/pg_restore backup test (the embedded PostgreSQL 18 ships no pg_dump).
#
# `npm test` runs this first. What is missing is installed with apt-get when that is possible
# (root, or passwordless sudo); otherwise it stops and prints the one command to run.
# REPO_OPS_SKIP_PREREQUISITES=1 skips the check (e.g. a machine set up some other way).
set -euo pipefail

[ "${REPO_OPS_SKIP_PREREQUISITES:-}" = "1" ] && exit 0

PACKAGES=(chromium gnome-keyring dbus libsecret-tools redis-server python3-venv ca-certificates postgresql-15)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${PACKAGES[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" = "install ok installed" ] || missing+=("$p")
  done
else
  # Not Debian: check the programs themselves and name them.
  for bin in chromium gnome-keyring-daemon dbus-run-session secret-tool redis-server python3 /usr/lib/postgresql/15/bin/pg_dump; do
    command -v "$bin" >/dev/null 2>&1 || [ -x "$bin" ] || missing+=("$bin")
  done
  if ((${#missing[@]})); then
    echo "repo-ops tests: missing ${missing[*]}." >&2
    echo "Install the equivalents of the Debian packages: ${PACKAGES[*]}" >&2
    exit 1
  fi
  exit 0
fi

((${#missing[@]})) || exit 0

install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
  else
    echo "repo-ops tests need these Debian packages: ${missing[*]}" >&2
    echo "Install them once (needs root), then run npm test again:" >&2
    echo "  sudo sh -c 'mkdir -p /etc/postgresql-common/createcluster.d && echo create_main_cluster=false > /etc/postgresql-common/createcluster.d/repo-ops.conf && $install_cmd'" >&2
    exit 1
  fi
fi

echo "repo-ops tests: installing the Debian packages they need: ${missing[*]}" >&2
# The tests start their own PostgreSQL clusters: no system-wide "main" cluster, no service.
$SUDO mkdir -p /etc/postgresql-common/createcluster.d
if [ ! -e /etc/postgresql-common/createcluster.d/repo-ops.conf ]; then
  echo "create_main_cluster = false" | $SUDO tee /etc/postgresql-common/createcluster.d/repo-ops.conf >/dev/null
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "repo-ops tests: installed ${missing[*]}" >&2
