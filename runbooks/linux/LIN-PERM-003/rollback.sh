#!/usr/bin/env bash
# LIN-PERM-003 rollback: give each recorded file its prior mode back, but only while its mode is
# still the one remediation set (a file changed since is left alone). Then removes the record.
set -euo pipefail
IFS= read -r -d '' scan_root || true
IFS= read -r -d '' list_limit || true
IFS= read -r -d '' state_dir || true
: "$scan_root" "$list_limit"

record="$state_dir/LIN-PERM-003.modes"
if [[ ! -f $record ]]; then
  writ_result error "no recorded prior state to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
restored=0
skipped=0
failed=0
while IFS= read -r -d '' prior && IFS= read -r -d '' new && IFS= read -r -d '' f; do
  if [[ ! $prior =~ ^[0-7]{4}$ || ! $new =~ ^[0-7]{4}$ || -L $f || ! -f $f ]]; then
    skipped=$((skipped + 1))
    continue
  fi
  read -r current < <(stat -c '%04a' -- "$f") || current=''
  if [[ $current != "$new" ]]; then
    skipped=$((skipped + 1))
    continue
  fi
  if chmod -- "$prior" "$f" 2>/dev/null; then
    restored=$((restored + 1))
  else
    failed=$((failed + 1))
  fi
done <"$record"
writ_observe_raw restored_count "$restored"
writ_observe_raw skipped_count "$skipped"
if [[ $failed -gt 0 ]]; then
  writ_result error "restored $restored files; $failed could not be changed (chmod refused); the record is kept" CHMOD_FAILED
  exit 1
fi
rm -f -- "$record"
writ_result pass "restored the prior mode of $restored files; left $skipped changed or missing files alone"
