#!/usr/bin/env bash
# Make sure Debian's Chromium and the fonts the workbook preview uses (Latin and Hangul: the plan's items are Korean)
# are installed. Used by `npm test` and the integration tier; the browser test drives it with playwright-core, which
# downloads no browser of its own. Idempotent: when everything is present it only runs `test -e`.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=("chromium")
[ -d /usr/share/fonts/truetype/dejavu ] || missing+=("fonts-dejavu-core")
[ -d /usr/share/fonts/truetype/nanum ] || missing+=("fonts-nanum")
[ "${#missing[@]}" -eq 0 ] && exit 0

echo "ensure-chromium: installing ${missing[*]}" >&2
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=(sudo -n); else
    echo "ensure-chromium: not root and sudo is not available; install ${missing[*]} by hand" >&2
    exit 1
  fi
fi
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
[ -x /usr/bin/chromium ] || { echo "ensure-chromium: /usr/bin/chromium still missing" >&2; exit 1; }
echo "ensure-chromium: $(/usr/bin/chromium --version 2>/dev/null || echo chromium) ready" >&2
