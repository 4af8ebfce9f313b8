#!/usr/bin/env bash
# What `make bench` needs beyond `scripts/ensure-tools.sh test`: GNU time (peak memory of the
# builds) and the peers, pinned in bench/package-lock.json (npm ci --prefix bench; kept out of the
# root package.json so `make test` never installs them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
say() { printf '[bench/setup] %s\n' "$*" >&2; }

if [[ ! -x /usr/bin/time ]]; then
  if [[ "$(id -u)" == 0 ]]; then
    say "apt-get install -y time"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends time >/dev/null
  else
    say "GNU time is required: sudo apt-get install -y time"
    exit 1
  fi
fi

stamp=node_modules/.bench-deps
if [[ ! -f $stamp || package.json -nt $stamp || package-lock.json -nt $stamp ]]; then
  say "npm ci --prefix bench"
  npm ci --prefix . --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
say "ok: $(/usr/bin/time --version 2>&1 | head -n1), peers installed"
