#!/usr/bin/env bash
# Debian's chromium for the web page's browser test (Playwright drives it; no browser download).
# Skips when chromium is already there; warns (and the browser test skips) when it cannot install.
set -uo pipefail
if command -v chromium >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
        && exit 0
fi
echo "warning: could not install chromium; the browser test will be skipped" >&2
exit 0
