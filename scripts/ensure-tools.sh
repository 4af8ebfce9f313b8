#!/usr/bin/env bash
# Install whatever the build / tests need and is missing. Idempotent and fast when all is present.
#
#   scripts/ensure-tools.sh build   # wasm32 target, wasm-bindgen-cli (= Cargo.lock), npm deps (wasm-opt)
#   scripts/ensure-tools.sh test    # build + Debian chromium (+ a CJK font for readable screenshots)
#
# Works on a fresh Debian machine that has only rustup, Node/npm and apt. Never downloads browsers
# through playwright (not reachable): the e2e tests drive Debian's /usr/bin/chromium.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

what="${1:-build}"
case "$what" in
  build | test) ;;
  *)
    echo "usage: $0 [build|test]" >&2
    exit 2
    ;;
esac

say() { printf '[ensure-tools] %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

export PATH="$HOME/.cargo/bin:$PATH"

# --- Rust: wasm target -----------------------------------------------------------------------
if ! have cargo || ! have rustup; then
  say "cargo/rustup not found: install rustup first (https://rustup.rs is not reachable here; use the machine's toolchain)"
  exit 1
fi
if ! rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
  say "adding rustup target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if [[ "$what" == test ]]; then
  for comp in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$comp"; then
      say "adding rustup component $comp"
      rustup component add "$comp"
    fi
  done
fi

# --- wasm-bindgen-cli at exactly the version in Cargo.lock -----------------------------------
if [[ ! -f Cargo.lock ]]; then
  say "no Cargo.lock yet: generating it (cargo generate-lockfile)"
  cargo generate-lockfile
fi
wb_version="$(awk '
  /^\[\[package\]\]/ { inpkg = 0 }
  /^name = "wasm-bindgen"$/ { inpkg = 1; next }
  inpkg && /^version = / { gsub(/"/, "", $3); print $3; exit }
' Cargo.lock)"
if [[ -z "$wb_version" ]]; then
  say "could not find the wasm-bindgen version in Cargo.lock"
  exit 1
fi
installed_wb="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
if [[ "$installed_wb" != "$wb_version" ]]; then
  say "installing wasm-bindgen-cli $wb_version (found: ${installed_wb:-none}); this takes a few minutes"
  # No --locked: one of the CLI's locked dependency versions is missing from the registry mirror.
  cargo install wasm-bindgen-cli --version "$wb_version" --force
  installed_wb="$(wasm-bindgen --version | awk '{print $2}')"
  if [[ "$installed_wb" != "$wb_version" ]]; then
    say "wasm-bindgen --version reports $installed_wb, expected $wb_version (is another wasm-bindgen earlier in PATH?)"
    exit 1
  fi
fi

# --- npm deps: playwright-core, binaryen (wasm-opt), axe-core, typescript, esbuild --------------------
if ! have node || ! have npm; then
  say "node/npm not found"
  exit 1
fi
npm_stamp=node_modules/.zh-search-deps
need_npm=0
if [[ ! -x node_modules/.bin/wasm-opt || ! -d node_modules/playwright-core || ! -d node_modules/axe-core ||
  ! -d node_modules/typescript || ! -x node_modules/.bin/esbuild || ! -f "$npm_stamp" ]]; then
  need_npm=1
elif [[ package.json -nt "$npm_stamp" || (-f package-lock.json && package-lock.json -nt "$npm_stamp") ]]; then
  need_npm=1
fi
if [[ "$need_npm" == 1 ]]; then
  if [[ -f package-lock.json ]]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  else
    say "npm install (no package-lock.json)"
    npm install --no-audit --no-fund --loglevel=error
  fi
  touch "$npm_stamp"
fi
if ! node_modules/.bin/wasm-opt --version >/dev/null 2>&1; then
  say "node_modules/.bin/wasm-opt does not run"
  exit 1
fi

# --- Browser for the e2e tests ---------------------------------------------------------------
if [[ "$what" == test ]]; then
  pkgs=()
  [[ -x /usr/bin/chromium ]] || pkgs+=(chromium)
  # A CJK font makes screenshots readable; the tests pass without it.
  if have fc-list && [[ -z "$(fc-list :lang=zh 2>/dev/null | head -n1)" ]]; then
    pkgs+=(fonts-wqy-microhei)
  fi
  if ((${#pkgs[@]})); then
    if [[ "$(id -u)" == 0 ]]; then
      say "apt-get install -y ${pkgs[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
    elif [[ ! -x /usr/bin/chromium ]]; then
      say "Debian chromium is required for the browser tests. Install it with:"
      say "  sudo apt-get update && sudo apt-get install -y chromium fonts-wqy-microhei"
      exit 1
    else
      say "note: no CJK font installed (sudo apt-get install -y fonts-wqy-microhei for readable screenshots)"
    fi
  fi
  if [[ ! -x /usr/bin/chromium ]]; then
    say "/usr/bin/chromium is still missing"
    exit 1
  fi
fi

say "ok ($what): wasm-bindgen $wb_version, $(node_modules/.bin/wasm-opt --version | head -n1)"
