#!/usr/bin/env bash
# LIN-PERM-002 remediate: give the sshd configuration set_mode (only when its mode is not allowed)
# and the expected owner and group (only when they differ). Records the prior mode and numeric
# owner once per incident. Idempotent: a compliant file is not touched.
set -euo pipefail
IFS= read -r -d '' sshd_config || true
IFS= read -r -d '' allowed_modes || true
IFS= read -r -d '' set_mode || true
IFS= read -r -d '' owner || true
IFS= read -r -d '' group || true
IFS= read -r -d '' state_dir || true

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
    writ_result error "allowed_modes holds a value that is not an octal mode; nothing was changed" BAD_PARAMETER
    exit 1
  fi
  allowed+=("$m")
done
want_mode=$(norm_mode "$set_mode") || want_mode=''
target_mode=''
for m in "${allowed[@]}"; do
  [[ -n $want_mode && $m == "$want_mode" ]] && target_mode=$m
done
if [[ -z $target_mode ]]; then
  writ_result error "set_mode is not one of allowed_modes; nothing was changed" BAD_PARAMETER
  exit 1
fi
if [[ -L $sshd_config || ! -f $sshd_config ]]; then
  writ_result error "there is no regular sshd configuration at the configured path; nothing was changed" NO_SSHD_CONFIG
  exit 1
fi
if ! want_uid=$(id -u -- "$owner" 2>/dev/null) || ! group_entry=$(getent group "$group" 2>/dev/null); then
  writ_result error "the expected owner or group does not exist on this host; nothing was changed" OWNER_UNKNOWN
  exit 1
fi
IFS=: read -r _ _ want_gid _ <<<"$group_entry"
read -r mode uid gid < <(stat -c '%04a %u %g' -- "$sshd_config")

mode_ok=false
for m in "${allowed[@]}"; do
  [[ $m == "$mode" ]] && mode_ok=true
done
own_ok=false
[[ $uid == "$want_uid" && $gid == "$want_gid" ]] && own_ok=true
if [[ $mode_ok == true && $own_ok == true ]]; then
  writ_observe mode "$mode"
  writ_observe_raw changed false
  writ_result pass "the sshd configuration is already compliant; nothing was changed"
  exit 0
fi

# Record the prior state once per incident: an existing record is the original, not our change.
mkdir -p -- "$state_dir"
chmod 0700 -- "$state_dir"
record="$state_dir/LIN-PERM-002.state"
new_record=false
if [[ ! -f $record ]]; then
  tmp=$(mktemp "$state_dir/.LIN-PERM-002.XXXXXX")
  printf '%s %s %s\n' "$mode" "$uid" "$gid" >"$tmp"
  mv -f -- "$tmp" "$record"
  new_record=true
fi

if [[ $own_ok != true ]]; then
  if ! err=$(chown -- "$want_uid:$want_gid" "$sshd_config" 2>&1); then
    [[ $new_record == true ]] && rm -f -- "$record"
    writ_observe chown_error "$err"
    writ_result error "could not give the sshd configuration to $owner:$group (chown refused); nothing was changed" CHOWN_FAILED
    exit 1
  fi
fi
if [[ $mode_ok != true ]]; then
  chmod -- "$target_mode" "$sshd_config"
fi
read -r mode < <(stat -c '%04a' -- "$sshd_config")
writ_observe mode "$mode"
writ_observe_raw changed true
writ_result pass "the sshd configuration now has mode $mode and belongs to $owner:$group"
