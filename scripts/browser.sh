#!/usr/bin/env bash
# The browser tests drive Debian's Chromium through Playwright (never a downloaded browser):
# install it when missing. Called by `make test`.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then exit 0; fi
if ! command -v apt-get >/dev/null; then
  echo "error: $CHROMIUM is missing; install Chromium (Debian: apt-get install chromium) or set CHROMIUM" >&2
  exit 1
fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing Debian's chromium for the browser tests"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
