#!/usr/bin/env bash
# Installs the Debian packages a command needs, when they are missing (called by scripts/bootstrap.sh):
# chromium (the web app's browser tests, screenshots) and age (the benchmark's reference tool).
# Needs root or passwordless sudo and apt-get; otherwise says in one sentence what to run, and fails.
#
#   bash scripts/system-deps.sh [--for "npm test"] chromium age
#
# For the bootstrap's own tests only: CADUCEUS_TEST_MISSING_DEBS="chromium age" treats those
# packages as missing (so the refusal can be shown on a machine that has them).
set -euo pipefail
for_what="the command"
if [ "${1:-}" = "--for" ]; then for_what=$2; shift 2; fi
[ $# -eq 0 ] && set -- chromium age

missing=()
for pkg in "$@"; do
  if [[ " ${CADUCEUS_TEST_MISSING_DEBS:-} " == *" $pkg "* ]] || ! command -v "$pkg" >/dev/null 2>&1; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

list="${missing[*]}"
fix="sudo apt-get update && sudo apt-get install -y $list"
if ! command -v apt-get >/dev/null 2>&1; then
  printf '\nbootstrap: %s (needed by `%s`) is missing and this machine has no apt-get: install %s with its package manager, then run `%s` again.\n' \
    "$list" "$for_what" "$list" "$for_what" >&2
  exit 1
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
  else
    printf '\nbootstrap: %s (needed by `%s`) is missing and installing it needs root: run `%s`, then `%s` again.\n' \
      "$list" "$for_what" "$fix" "$for_what" >&2
    exit 1
  fi
fi
echo "bootstrap: installing the Debian packages $list (apt-get; about a minute)" >&2
log=$(mktemp "${TMPDIR:-/tmp}/caduceus-apt.XXXXXX")
set +e
{ $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"; } 2>&1 | tee "$log" |
  grep --line-buffered -E '^(Get:|Unpacking|Setting up)' | sed -u 's/^/bootstrap:   /' >&2
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
  tail -n 15 "$log" >&2
  printf '\nbootstrap: apt-get could not install %s (its output above, full log: %s): fix what it says (or run `%s` yourself), then run `%s` again.\n' \
    "$list" "$log" "$fix" "$for_what" >&2
  exit 1
fi
rm -f "$log"
