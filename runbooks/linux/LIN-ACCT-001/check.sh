#!/usr/bin/env bash
# LIN-ACCT-001 check: no account other than the allowed ones has user id 0. Detect-only.
set -euo pipefail
IFS= read -r -d '' passwd_file || true
IFS= read -r -d '' allowed_uid0_accounts || true

join_by() {
  local sep=$1 out='' x
  shift
  for x in "$@"; do out+="${out:+$sep}$x"; done
  printf '%s' "$out"
}

declare -A allowed=()
mapfile -t names <<<"$allowed_uid0_accounts"
for n in "${names[@]}"; do
  [[ -n $n ]] && allowed["$n"]=1
done
writ_expect unexpected_uid0_accounts ''
writ_expect_raw unexpected_uid0_count 0

if [[ ! -e $passwd_file ]]; then
  writ_result error "there is no account file at the configured path" PASSWD_MISSING
  exit 0
fi
if [[ ! -f $passwd_file || ! -r $passwd_file ]]; then
  writ_result error "the account file is not a readable regular file" PASSWD_UNREADABLE
  exit 0
fi

uid0=()
unexpected=()
malformed=0
while IFS= read -r line || [[ -n $line ]]; do
  [[ -z $line || $line == '#'* ]] && continue
  IFS=: read -r name _ uid _ <<<"$line" || true
  if [[ -z ${name:-} || ! ${uid:-} =~ ^[0-9]+$ ]]; then
    malformed=$((malformed + 1))
    continue
  fi
  [[ $uid =~ ^0+$ ]] || continue
  uid0+=("${name:0:64}")
  [[ -n ${allowed["$name"]:-} ]] || unexpected+=("${name:0:64}")
done <"$passwd_file"

writ_observe uid0_accounts "$(join_by , "${uid0[@]}")"
writ_observe_raw unexpected_uid0_count "${#unexpected[@]}"
writ_observe unexpected_uid0_accounts "$(join_by , "${unexpected[@]}")"
writ_observe_raw malformed_lines "$malformed"
if [[ ${#unexpected[@]} -gt 0 ]]; then
  writ_result fail "${#unexpected[@]} accounts other than the allowed ones have user id 0; a person must review them"
else
  writ_result pass "only allowed accounts have user id 0"
fi
