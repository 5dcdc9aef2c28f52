#!/usr/bin/env bash
# LIN-PERM-003 check: no regular file under scan_root is writable by others.
set -euo pipefail
IFS= read -r -d '' scan_root || true
IFS= read -r -d '' list_limit || true
IFS= read -r -d '' state_dir || true
: "$state_dir"

writ_observe scan_root "$scan_root"
writ_expect_raw world_writable_count 0
if [[ ! $list_limit =~ ^[0-9]+$ ]]; then
  writ_result error "list_limit is not a whole number" BAD_PARAMETER
  exit 0
fi
if [[ -L $scan_root || ! -d $scan_root ]]; then
  writ_result error "the folder to scan does not exist or is a link" SCAN_ROOT_MISSING
  exit 0
fi

found=$(mktemp)
trap 'rm -f "$found"' EXIT
rc=0
find "$scan_root" -type f -perm -0002 -print0 >"$found" 2>/dev/null || rc=$?

# Count every hit; name at most list_limit of them, keeping the evidence short.
count=0
listed=0
paths=''
while IFS= read -r -d '' f; do
  count=$((count + 1))
  if [ "$listed" -lt "$list_limit" ] && [ "${#paths}" -lt 1500 ]; then
    paths+="${paths:+$'\n'}${f:0:300}"
    listed=$((listed + 1))
  fi
done <"$found"

writ_observe_raw world_writable_count "$count"
writ_observe world_writable_paths "$paths"
if [[ $rc -eq 0 ]]; then
  writ_observe_raw scan_complete true
else
  writ_observe_raw scan_complete false
fi
if [[ $count -gt 0 ]]; then
  writ_result fail "$count regular files under the scanned folder are writable by every user"
elif [[ $rc -ne 0 ]]; then
  writ_result error "some folders could not be searched, so hidden world-writable files cannot be ruled out" SCAN_INCOMPLETE
else
  writ_result pass "no regular file under the scanned folder is writable by every user"
fi
