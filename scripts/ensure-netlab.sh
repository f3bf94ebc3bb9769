#!/usr/bin/env bash
# Make sure the drill's network scenarios (partition: drill/netns.ts) can run: iproute2's `ip` (network namespaces,
# veth pairs). Used by `npm test` and the drill CLI next to ensure-postgres.sh. Idempotent: a no-op when `ip` exists.
# Network namespaces need root (CAP_NET_ADMIN); the drill runs as root here.
set -euo pipefail
if command -v ip >/dev/null 2>&1; then
  exit 0
fi
echo "ensure-netlab: ip (iproute2) missing; installing iproute2" >&2
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo -n)
  else
    echo "ensure-netlab: not root and sudo is not available; install iproute2 by hand" >&2
    exit 1
  fi
fi
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iproute2
command -v ip >/dev/null 2>&1 || { echo "ensure-netlab: ip still missing after install" >&2; exit 1; }
