#!/usr/bin/env bash
# LIN-PERM-001 check: the shadow file has an allowed mode and the expected owner and group.
set -euo pipefail
IFS= read -r -d '' shadow_file || true
IFS= read -r -d '' allowed_modes || true
IFS= read -r -d '' set_mode || true
IFS= read -r -d '' owner || true
IFS= read -r -d '' group || true
IFS= read -r -d '' fallback_group || true
IFS= read -r -d '' state_dir || true
: "$set_mode" "$state_dir"

join_by() {
  local sep=$1 out='' x
  shift
  for x in "$@"; do out+="${out:+$sep}$x"; done
  printf '%s' "$out"
}

# Prints a mode of one to four octal digits as four digits (0 → 0000); fails on anything else.
norm_mode() {
  local m=$1
  [[ $m =~ ^[0-7]{1,4}$ ]] || return 1
  while [[ ${#m} -lt 4 ]]; do m="0$m"; done
  printf '%s' "$m"
}

allowed=()
mapfile -t items <<<"$allowed_modes"
for item in "${items[@]}"; do
  [[ -z $item ]] && continue
  if ! m=$(norm_mode "$item"); then
    writ_result error "allowed_modes holds a value that is not an octal mode" BAD_PARAMETER
    exit 0
  fi
  allowed+=("$m")
done
allowed_text=$(join_by , "${allowed[@]}")

# The group that must own the file: the configured one when it exists, else the fallback.
expected_group=$group
if ! getent group "$group" >/dev/null 2>&1; then
  expected_group=$fallback_group
fi
writ_expect mode_in "$allowed_text"
writ_expect owner "$owner"
writ_expect group "$expected_group"
writ_observe path "$shadow_file"

if [[ -L $shadow_file ]]; then
  writ_result error "the shadow file path is a symbolic link; review it by hand" NOT_REGULAR_FILE
  exit 0
fi
if [[ ! -e $shadow_file ]]; then
  writ_result error "there is no shadow file at the configured path" SHADOW_MISSING
  exit 0
fi
if [[ ! -f $shadow_file ]]; then
  writ_result error "the shadow file path is not a regular file" NOT_REGULAR_FILE
  exit 0
fi
if ! want_uid=$(id -u -- "$owner" 2>/dev/null); then
  writ_result error "the expected owner account does not exist on this host" OWNER_UNKNOWN
  exit 0
fi
if ! group_entry=$(getent group "$expected_group" 2>/dev/null); then
  writ_result error "neither the expected group nor the fallback group exists on this host" GROUP_UNKNOWN
  exit 0
fi
IFS=: read -r _ _ want_gid _ <<<"$group_entry"

if ! read -r mode uid gid user grp < <(stat -c '%04a %u %g %U %G' -- "$shadow_file" 2>/dev/null); then
  writ_result error "the shadow file's mode and owner cannot be read" STAT_FAILED
  exit 0
fi
writ_observe mode "$mode"
writ_observe owner "$user"
writ_observe group "$grp"

problems=()
mode_ok=false
for m in "${allowed[@]}"; do
  [[ $m == "$mode" ]] && mode_ok=true
done
[[ $mode_ok == true ]] || problems+=("mode $mode is not one of $allowed_text")
[[ $uid == "$want_uid" ]] || problems+=("owner is $user, not $owner")
[[ $gid == "$want_gid" ]] || problems+=("group is $grp, not $expected_group")

if [[ -z ${problems[*]:-} ]]; then
  writ_result pass "the shadow file has mode $mode and belongs to $owner:$expected_group"
else
  writ_result fail "the shadow file is exposed: $(join_by '; ' "${problems[@]}")"
fi
