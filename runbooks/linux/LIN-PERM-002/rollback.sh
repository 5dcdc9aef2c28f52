#!/usr/bin/env bash
# LIN-PERM-002 rollback: restore the sshd configuration's recorded mode and numeric owner and group.
set -euo pipefail
IFS= read -r -d '' sshd_config || true
IFS= read -r -d '' allowed_modes || true
IFS= read -r -d '' set_mode || true
IFS= read -r -d '' owner || true
IFS= read -r -d '' group || true
IFS= read -r -d '' state_dir || true
: "$allowed_modes" "$set_mode" "$owner" "$group"

record="$state_dir/LIN-PERM-002.state"
if [[ ! -f $record ]]; then
  writ_result error "no recorded prior state to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
read -r mode uid gid <"$record" || true
if [[ ! ${mode:-} =~ ^[0-7]{4}$ || ! ${uid:-} =~ ^[0-9]+$ || ! ${gid:-} =~ ^[0-9]+$ ]]; then
  writ_result error "the rollback record is damaged; nothing was changed" BAD_ROLLBACK_STATE
  exit 1
fi
if [[ -L $sshd_config || ! -f $sshd_config ]]; then
  writ_result error "there is no regular sshd configuration at the configured path; nothing was changed" NO_SSHD_CONFIG
  exit 1
fi
read -r cur_uid cur_gid < <(stat -c '%u %g' -- "$sshd_config")
if [[ $cur_uid != "$uid" || $cur_gid != "$gid" ]]; then
  if ! chown -- "$uid:$gid" "$sshd_config" 2>/dev/null; then
    writ_result error "could not restore the sshd configuration's owner (chown refused)" CHOWN_FAILED
    exit 1
  fi
fi
chmod -- "$mode" "$sshd_config"
rm -f -- "$record"
writ_observe mode "$mode"
writ_result pass "the sshd configuration's prior mode and ownership are restored"
