#!/usr/bin/env bash
# `npm test`: every check the project has, in the order that fails fastest. It runs under
# scripts/bootstrap.sh (package.json), which has installed Node 22, the packages and the Debian
# packages when they were missing.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
start=$(date +%s)

step "build (contracts, typechain bindings, SDK ABIs)"
npm run build
step "lint (solhint, TypeScript)"
npm run lint
step "contract tests with coverage (TypeScript + Solidity fuzz)"
npm run coverage
step "client library tests"
npm run test:sdk
step "web app (type check, unit tests, Chromium flows against a local chain)"
npm run typecheck --workspace web && npm run test --workspace web
step "subgraph (ABIs, graph codegen, graph build, consistency and API schema tests)"
npm run test --workspace subgraph
# Last, since it repeats everything above once: the README's two commands on a fresh clone with
# only an old Node (scripts/fresh-clone-check.sh; skipped inside that clone's own npm test, and
# when CADUCEUS_SKIP_FRESH_CLONE=1 for a quicker local run).
step "fresh clone: npm start -- --check, then npm test, from nothing installed and Node 20 on PATH; git status stays clean"
if [ -n "${CADUCEUS_SKIP_FRESH_CLONE:-}" ]; then echo "skipped (CADUCEUS_SKIP_FRESH_CLONE is set)"; else bash scripts/fresh-clone-check.sh; fi

echo
echo "all tests passed in $(( $(date +%s) - start )) s"
