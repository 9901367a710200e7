#!/usr/bin/env bash
# Installs what capbench itself needs and builds it. Idempotent: a second run only rebuilds.
# The datastores are installed and started by `capbench services up` (targets/*), not here.
set -euo pipefail
cd "$(dirname "$0")/.."

need_major=20; need_minor=19
if ! command -v node >/dev/null 2>&1; then
  echo "capbench needs Node.js >= ${need_major}.${need_minor}: install it (e.g. apt-get install nodejs) and run this again." >&2; exit 2
fi
read -r major minor < <(node -p 'process.versions.node.split(".").slice(0,2).join(" ")')
if (( major < need_major || (major == need_major && minor < need_minor) )); then
  echo "capbench needs Node.js >= ${need_major}.${need_minor}; this is $(node --version). Install a newer Node.js and run this again." >&2; exit 2
fi

# npm ci only when the lockfile changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
echo "building (report assets, tsc)" >&2
node reports/assets/inline.mjs   # the HTML report's CSS and browser script, as a TS module
npx tsc -p tsconfig.json
chmod +x dist/cli/main.js
