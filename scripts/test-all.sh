#!/usr/bin/env bash
# `npm test`: every check the project has, in the order that fails fastest.
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

echo
echo "all tests passed in $(( $(date +%s) - start )) s"
