#!/usr/bin/env bash
# LIN-ACCT-002 rollback: restore the login.defs saved before remediation.
set -euo pipefail
IFS= read -r -d '' login_defs || true
IFS= read -r -d '' max_days || true
IFS= read -r -d '' state_dir || true
: "$max_days"

backup="$state_dir/LIN-ACCT-002.login.defs"
if [[ ! -f $backup ]]; then
  writ_result error "no saved login.defs to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
dir=$(dirname -- "$login_defs")
tmp=$(mktemp "$dir/.login.defs.writ.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp -p -- "$backup" "$tmp"
mv -f -- "$tmp" "$login_defs"
trap - EXIT
rm -f -- "$backup"
writ_result pass "login.defs restored from the saved copy"
