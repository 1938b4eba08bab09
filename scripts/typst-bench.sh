#!/bin/sh
# Measures Typst on the résumés as `make bench` measures cvpdf (scripts/typst-bench.mjs):
# installs Typst's npm package @myriaddreamin/typst-ts-node-compiler under build/typst the
# first time (Node.js and npm from Debian, or the machine's), then runs the measurement.
# Usage: scripts/typst-bench.sh [RUNS]   (from the repository root)
set -eu
if [ ! -d build/typst/node_modules/@myriaddreamin/typst-ts-node-compiler ]; then
  mkdir -p build/typst
  [ -f build/typst/package.json ] || echo '{"private": true}' > build/typst/package.json
  npm install --prefix build/typst --no-audit --no-fund @myriaddreamin/typst-ts-node-compiler >/dev/null
fi
exec node scripts/typst-bench.mjs "${1:-7}"
