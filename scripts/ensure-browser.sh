#!/usr/bin/env bash
# Browser tests drive Debian's Chromium through Playwright; Playwright must never download its own browser.
set -euo pipefail
bash "$(dirname "$0")/ensure-pdf.sh"
command -v chromium >/dev/null 2>&1 && exit 0
echo "Installing chromium for the browser tests..."
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
sudo_apt() { $sudo apt-get install -y -qq chromium >/dev/null 2>&1; }
sudo_apt || { $sudo apt-get update -qq >/dev/null 2>&1 && $sudo apt-get install -y -qq chromium >/dev/null; }
