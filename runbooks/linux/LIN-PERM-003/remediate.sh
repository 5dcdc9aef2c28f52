#!/usr/bin/env bash
# LIN-PERM-003 remediate: remove the others-write bit from every regular file under scan_root that
# has it. Records each changed file (prior mode, new mode, path; NUL-separated) before changing it;
# files already recorded keep their first prior mode. Idempotent: without hits nothing is written.
set -euo pipefail
IFS= read -r -d '' scan_root || true
IFS= read -r -d '' list_limit || true
IFS= read -r -d '' state_dir || true
: "$list_limit"

if [[ -L $scan_root || ! -d $scan_root ]]; then
  writ_result error "the folder to scan does not exist or is a link; nothing was changed" SCAN_ROOT_MISSING
  exit 1
fi
found=$(mktemp)
tmp=''
trap 'rm -f "$found" ${tmp:+"$tmp"}' EXIT
rc=0
find "$scan_root" -type f -perm -0002 -print0 >"$found" 2>/dev/null || rc=$?
mapfile -d '' hits <"$found"

record="$state_dir/LIN-PERM-003.modes"
declare -A recorded=()
if [[ -f $record ]]; then
  while IFS= read -r -d '' _prior && IFS= read -r -d '' _new && IFS= read -r -d '' p; do
    recorded["$p"]=1
  done <"$record"
fi

# Plan: prior and new mode per file, skipping anything that stopped being a plain regular file.
targets=()
entries=()
for f in "${hits[@]}"; do
  [[ -L $f || ! -f $f ]] && continue
  read -r prior < <(stat -c '%04a' -- "$f") || continue
  [[ $prior =~ ^[0-7]{4}$ ]] || continue
  new=$(printf '%04o' "$((8#$prior & ~8#0002))")
  targets+=("$f")
  [[ -n ${recorded["$f"]:-} ]] || entries+=("$prior" "$new" "$f")
done

if [[ ${#targets[@]} -eq 0 ]]; then
  writ_observe_raw changed_count 0
  if [[ $rc -ne 0 ]]; then
    writ_result error "no world-writable file found, but some folders could not be searched" SCAN_INCOMPLETE
    exit 1
  fi
  writ_result pass "no regular file is writable by every user; nothing was changed"
  exit 0
fi

# Record before changing anything: existing entries first, then files not recorded yet.
if [[ ${#entries[@]} -gt 0 ]]; then
  mkdir -p -- "$state_dir"
  chmod 0700 -- "$state_dir"
  tmp=$(mktemp "$state_dir/.LIN-PERM-003.XXXXXX")
  [[ -f $record ]] && cat -- "$record" >"$tmp"
  printf '%s\0' "${entries[@]}" >>"$tmp"
  mv -f -- "$tmp" "$record"
  tmp=''
fi

changed=0
failed=0
for f in "${targets[@]}"; do
  if chmod o-w -- "$f" 2>/dev/null; then
    changed=$((changed + 1))
  else
    failed=$((failed + 1))
  fi
done
writ_observe_raw changed_count "$changed"
writ_observe_raw failed_count "$failed"
if [[ $failed -gt 0 ]]; then
  writ_result error "removed others-write from $changed files; $failed could not be changed (chmod refused)" CHMOD_FAILED
  exit 1
fi
if [[ $rc -ne 0 ]]; then
  writ_result error "removed others-write from $changed files, but some folders could not be searched" SCAN_INCOMPLETE
  exit 1
fi
writ_result pass "removed others-write from $changed files"
