#!/usr/bin/env bash
# The main job on a fresh machine: install what is missing, start Redis and PostgreSQL on
# loopback, run the viral-like-spike scenario, and leave results.json and report.html.
# Extra arguments go to `capbench run` (e.g. --path likes.redis-hash, --stages ...).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
node dist/cli/main.js services up redis postgres
out="results/viral-like-spike-$(date -u +%Y%m%dT%H%M%SZ)"
set +e
node dist/cli/main.js run viral-like-spike --out "$out" "$@"
code=$?
set -e
if [ -f "$out/report.html" ]; then echo "open $out/report.html in a browser"; fi
exit $code
