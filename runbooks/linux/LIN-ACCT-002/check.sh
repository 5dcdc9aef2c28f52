#!/usr/bin/env bash
# LIN-ACCT-002 check: the effective PASS_MAX_DAYS in login.defs is between 1 and max_days.
set -euo pipefail
IFS= read -r -d '' login_defs || true
IFS= read -r -d '' max_days || true
IFS= read -r -d '' state_dir || true
: "$state_dir"

writ_observe applies_to new_accounts_only
if [[ ! $max_days =~ ^[1-9][0-9]{0,3}$ ]]; then
  writ_result error "max_days is not a whole number of days" BAD_PARAMETER
  exit 0
fi
writ_expect pass_max_days "1-$max_days"
if [[ ! -e $login_defs ]]; then
  writ_result error "there is no login.defs at the configured path" LOGIN_DEFS_MISSING
  exit 0
fi
if [[ ! -f $login_defs || ! -r $login_defs ]]; then
  writ_result error "login.defs is not a readable regular file" LOGIN_DEFS_UNREADABLE
  exit 0
fi

# The last active PASS_MAX_DAYS line wins, as in shadow-utils.
key_re='^[[:space:]]*PASS_MAX_DAYS[[:space:]]+([^[:space:]]+)'
value=''
while IFS= read -r line || [[ -n $line ]]; do
  if [[ $line =~ $key_re ]]; then
    value=${BASH_REMATCH[1]}
  fi
done <"$login_defs"

if [[ -z $value ]]; then
  writ_observe pass_max_days unset
  writ_result fail "PASS_MAX_DAYS is not set, so new accounts' passwords never expire"
  exit 0
fi
writ_observe pass_max_days "${value:0:100}"
if [[ $value =~ ^[0-9]{1,9}$ ]] && [ "$value" -ge 1 ] && [ "$value" -le "$max_days" ]; then
  writ_result pass "new accounts' passwords expire after $value days (at most $max_days allowed)"
else
  writ_result fail "PASS_MAX_DAYS is ${value:0:100}, not between 1 and $max_days, for new accounts"
fi
