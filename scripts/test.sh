#!/usr/bin/env bash
# The test command (`npm test`): install and build, install the test-only Debian packages,
# start all five datastores (and build k6 and k6-sql) on loopback, then run every test against them.
# Idempotent; downloads and builds are cached under ~/.cache/capbench between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh

# Headless Chromium for the report's real-browser test (Debian package; see docs/testing.md).
if ! command -v chromium >/dev/null 2>&1; then
  echo "installing chromium (apt-get) for the report browser test" >&2
  apt_prefix=(); [ "$(id -u)" -ne 0 ] && apt_prefix=(sudo)
  "${apt_prefix[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${apt_prefix[@]}" apt-get install -y -qq chromium >/dev/null
fi

start=$(date +%s)
node dist/cli/main.js services up
echo "services up took $(( $(date +%s) - start )) s" >&2

mapfile -t files < <(find dist/test -name '*.test.js' | sort)
node --test --test-concurrency=1 "${files[@]}"
