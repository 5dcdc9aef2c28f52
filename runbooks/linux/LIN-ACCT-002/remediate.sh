#!/usr/bin/env bash
# LIN-ACCT-002 remediate: set PASS_MAX_DAYS to max_days in login.defs. Rewrites only the value of
# out-of-range PASS_MAX_DAYS lines (spacing kept) or appends one line when there is none; every
# other byte stays. Affects accounts created from now on only. Idempotent.
set -euo pipefail
IFS= read -r -d '' login_defs || true
IFS= read -r -d '' max_days || true
IFS= read -r -d '' state_dir || true

writ_observe applies_to new_accounts_only
if [[ ! $max_days =~ ^[1-9][0-9]{0,3}$ ]]; then
  writ_result error "max_days is not a whole number of days; nothing was changed" BAD_PARAMETER
  exit 1
fi
if [[ -L $login_defs || ! -f $login_defs ]]; then
  writ_result error "there is no regular login.defs at the configured path; nothing was changed" LOGIN_DEFS_MISSING
  exit 1
fi

line_re='^([[:space:]]*PASS_MAX_DAYS[[:space:]]+)([^[:space:]]+)(.*)$'
in_range() {
  [[ $1 =~ ^[0-9]{1,9}$ ]] && [ "$1" -ge 1 ] && [ "$1" -le "$max_days" ]
}
# Prints one line, with its value replaced when it is an out-of-range PASS_MAX_DAYS line.
emit() {
  if [[ $1 =~ $line_re ]]; then
    local head=${BASH_REMATCH[1]} value=${BASH_REMATCH[2]} tail=${BASH_REMATCH[3]}
    if ! in_range "$value"; then
      printf '%s%s%s' "$head" "$max_days" "$tail"
      return
    fi
  fi
  printf '%s' "$1"
}

dir=$(dirname -- "$login_defs")
tmp=$(mktemp "$dir/.login.defs.writ.XXXXXX")
trap 'rm -f "$tmp"' EXIT
found=false
{
  line=''
  while IFS= read -r line; do
    [[ $line =~ $line_re ]] && found=true
    emit "$line"
    printf '\n'
  done
  # A last line without a newline stays without one.
  if [[ -n $line ]]; then
    [[ $line =~ $line_re ]] && found=true
    emit "$line"
  fi
  if [[ $found == false ]]; then
    [[ -n $line ]] && printf '\n'
    printf 'PASS_MAX_DAYS\t%s\n' "$max_days"
  fi
} <"$login_defs" >"$tmp"

if cmp -s -- "$tmp" "$login_defs"; then
  writ_observe pass_max_days "$max_days"
  writ_observe_raw changed false
  writ_result pass "PASS_MAX_DAYS is already within 1-$max_days; nothing was changed (new accounts only)"
  exit 0
fi

chmod --reference="$login_defs" -- "$tmp"
if ! chown --reference="$login_defs" -- "$tmp" 2>/dev/null; then
  writ_result error "could not give the new login.defs the old owner (chown refused); nothing was changed" CHOWN_FAILED
  exit 1
fi
# Record the prior state once per incident: an existing record is the original, not our change.
mkdir -p -- "$state_dir"
chmod 0700 -- "$state_dir"
backup="$state_dir/LIN-ACCT-002.login.defs"
[[ -f $backup ]] || cp -p -- "$login_defs" "$backup"
mv -f -- "$tmp" "$login_defs"
trap - EXIT
writ_observe pass_max_days "$max_days"
writ_observe_raw changed true
writ_result pass "PASS_MAX_DAYS set to $max_days; this applies to accounts created from now on, existing accounts keep their own maximum (chage -M)"
