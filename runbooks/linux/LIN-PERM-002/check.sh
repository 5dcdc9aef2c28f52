#!/usr/bin/env bash
# LIN-PERM-002 check: the sshd configuration has an allowed mode and the expected owner and group.
set -euo pipefail
IFS= read -r -d '' sshd_config || true
IFS= read -r -d '' allowed_modes || true
IFS= read -r -d '' set_mode || true
IFS= read -r -d '' owner || true
IFS= read -r -d '' group || true
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
writ_expect mode_in "$allowed_text"
writ_expect owner "$owner"
writ_expect group "$group"
writ_observe path "$sshd_config"

if [[ ! -e $sshd_config && ! -L $sshd_config ]]; then
  writ_result not_applicable "there is no sshd configuration at the configured path" NO_SSHD_CONFIG
  exit 0
fi
if [[ -L $sshd_config || ! -f $sshd_config ]]; then
  writ_result error "the sshd configuration path is a link or not a regular file; review it by hand" NOT_REGULAR_FILE
  exit 0
fi
if ! want_uid=$(id -u -- "$owner" 2>/dev/null); then
  writ_result error "the expected owner account does not exist on this host" OWNER_UNKNOWN
  exit 0
fi
if ! group_entry=$(getent group "$group" 2>/dev/null); then
  writ_result error "the expected group does not exist on this host" GROUP_UNKNOWN
  exit 0
fi
IFS=: read -r _ _ want_gid _ <<<"$group_entry"
if ! read -r mode uid gid user grp < <(stat -c '%04a %u %g %U %G' -- "$sshd_config" 2>/dev/null); then
  writ_result error "the sshd configuration's mode and owner cannot be read" STAT_FAILED
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
[[ $gid == "$want_gid" ]] || problems+=("group is $grp, not $group")

if [[ -z ${problems[*]:-} ]]; then
  writ_result pass "the sshd configuration has mode $mode and belongs to $owner:$group"
else
  writ_result fail "the sshd configuration is exposed: $(join_by '; ' "${problems[@]}")"
fi
