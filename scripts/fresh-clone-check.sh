#!/usr/bin/env bash
# The proof that the README's two commands are the whole set-up: clones this repository (its last
# commit) into a temporary folder, puts a Node older than 22 first on PATH with no Node 22 anywhere
# on it, an empty npm cache and no variables from the calling npm, and runs there
#   npm start -- --check   (the first run installs Node 22 into .toolchain/, the packages, and brings the stack up)
#   npm test               (every test; its own fresh-clone step is skipped: no recursion)
# then requires `git status` to be clean (generated files committed byte-identical, lockfile unchanged).
# It is the last step of `npm test` (scripts/test-all.sh), so CI, which runs `npm test` from a fresh
# clone, proves it on every change.
#
#   bash scripts/fresh-clone-check.sh           the check above
#   bash scripts/fresh-clone-check.sh --bench   instead: times `npm start -- --check` on the fresh
#        clone, again once installed, and the bootstrap's check with nothing missing, and writes
#        them to bench/results.json (freshMachine)
#
# Uses ports 8545, 8180 and 5173 (`npm start`'s) while it runs. CADUCEUS_FRESH_CLONE_KEEP=1 keeps the clone.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
mode=${1:-check}

if [ -n "${CADUCEUS_FRESH_CLONE_CHECK:-}" ]; then
  echo "fresh-clone check: skipped (this is the fresh clone's own npm test)"
  exit 0
fi

# A Node older than 22, so that the bootstrap has to bring Node 22 (a machine with only Node 20).
old_node=${CADUCEUS_OLD_NODE:-}
if [ -z "$old_node" ]; then
  for candidate in /usr/bin/node /usr/local/bin/node $(type -aP node); do
    [ -x "$candidate" ] || continue
    major=$("$candidate" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    if [ "$major" -ge 18 ] && [ "$major" -lt 22 ]; then old_node=$candidate; break; fi
  done
fi
if [ -z "$old_node" ]; then
  echo "fresh-clone check: no Node 18–21 on this machine to start from (set CADUCEUS_OLD_NODE=/path/to/node)" >&2
  exit 1
fi
npm_cli=$(type -P npm)

work=$(mktemp -d "${TMPDIR:-/tmp}/caduceus-fresh.XXXXXX")
cleanup() { [ -n "${CADUCEUS_FRESH_CLONE_KEEP:-}" ] && echo "fresh-clone check: kept $work" || rm -rf "$work"; }
trap cleanup EXIT
mkdir "$work/bin" "$work/npm-cache"
ln -s "$old_node" "$work/bin/node"
ln -s "$npm_cli" "$work/bin/npm"
# PATH: the old Node first, then the system folders without any folder that holds a Node >= 22, a
# .toolchain/ or a node_modules/.bin.
path="$work/bin"
IFS=: read -ra dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  case "$d" in */.toolchain/* | */node_modules/.bin | "" | "$work/bin") continue ;; esac
  if [ -x "$d/node" ]; then
    major=$("$d/node" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
    [ "$major" -ge 22 ] && continue
  fi
  case ":$path:" in *":$d:"*) ;; *) path="$path:$d" ;; esac
done

if [ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no)" ]; then
  echo "fresh-clone check: note: the clone has the last commit, not the uncommitted changes in $ROOT"
fi
git clone -q "$ROOT" "$work/caduceus"
# The seed and the tests read the synthetic FHIR fixtures from ../shared/fixtures/ next to the
# checkout (they are not in the repository): give the clone the same neighbour.
shared=${CADUCEUS_SHARED_DIR:-$ROOT/../shared}
if [ -d "$shared/fixtures" ]; then
  ln -s "$(cd "$shared" && pwd)" "$work/shared"
else
  echo "fresh-clone check: no fixtures at $shared/fixtures (set CADUCEUS_SHARED_DIR): npm start's seed needs them" >&2
  exit 1
fi
cd "$work/caduceus"
echo "fresh-clone check: $(git log -1 --format='%h %s' | cut -c1-80) in $work/caduceus, with $("$old_node" --version) first on PATH"

# A clean environment: nothing from the npm that runs us (npm_*, NODE, our bootstrap's marker).
fresh() {
  env -i PATH="$path" HOME="$HOME" LANG="${LANG:-C.UTF-8}" TERM="${TERM:-dumb}" TMPDIR="${TMPDIR:-/tmp}" \
    ${CI:+CI="$CI"} ${http_proxy:+http_proxy="$http_proxy"} ${https_proxy:+https_proxy="$https_proxy"} \
    ${no_proxy:+no_proxy="$no_proxy"} ${npm_config_registry:+npm_config_registry="$npm_config_registry"} \
    npm_config_cache="$work/npm-cache" CADUCEUS_FRESH_CLONE_CHECK=1 "$@"
}
timed() {
  local t0=$EPOCHREALTIME
  "$@"
  elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
}

if [ "$mode" = "--bench" ]; then
  echo "fresh-clone check: first npm start -- --check (installs everything)"
  timed fresh npm start -- --check > >(tee "$work/first-start.log") 2>&1
  first=$elapsed
  install=$(sed -nE 's/^bootstrap: ready: .*everything installed \(([0-9]+) s in all\)$/\1/p' "$work/first-start.log")
  echo "fresh-clone check: second npm start -- --check"
  timed fresh npm start -- --check
  second=$elapsed
  # The bootstrap's own check with nothing missing (best of five).
  check=$(for _ in 1 2 3 4 5; do
    t0=$EPOCHREALTIME
    fresh bash scripts/bootstrap.sh true
    awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f\n", b - a }'
  done | sort -n | head -1)
  toolchain_mb=$(du -sm .toolchain | cut -f1)
  modules_mb=$(du -smc node_modules */node_modules 2>/dev/null | tail -1 | cut -f1)
  echo "fresh-clone check: fresh start ${first} s, second start ${second} s, bootstrap check ${check} s"
  cd "$ROOT"
  node --import tsx -e "
    import { cpus, loadavg } from 'node:os';
    import { mergeResults } from './sdk/bench/results.ts';
    const file = await mergeResults({ freshMachine: {
      startSeconds: ${first}, installSeconds: ${install:-null}, secondStartSeconds: ${second}, bootstrapCheckSeconds: ${check},
      what: 'scripts/fresh-clone-check.sh --bench: git clone into /tmp, $("$old_node" --version) first on PATH, empty npm cache; startSeconds is the first npm start -- --check (Node 22 into .toolchain/, npm install, compile, stack up, checked, stopped), installSeconds its bootstrap part, secondStartSeconds the next one, bootstrapCheckSeconds the bootstrap with nothing missing',
      installedMiB: { toolchain: ${toolchain_mb}, nodeModules: ${modules_mb} },
      date: new Date().toISOString(),
      machine: { cores: cpus().length, node: '$("$old_node" --version) then v22.23.3', loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100) },
    } });
    console.log('written to ' + file + ' (freshMachine)');
  "
  exit 0
fi

echo "fresh-clone check: npm start -- --check"
timed fresh npm start -- --check
echo "fresh-clone check: npm start -- --check passed in ${elapsed} s (everything installed by it); now npm test"
timed fresh npm test
echo "fresh-clone check: npm test passed in ${elapsed} s"
status=$(git status --porcelain)
if [ -n "$status" ]; then
  echo "fresh-clone check: npm test left the clone's git status dirty (generated files must come out byte-identical):" >&2
  echo "$status" >&2
  git diff --stat >&2
  exit 1
fi
echo "fresh-clone check: passed, git status clean"
