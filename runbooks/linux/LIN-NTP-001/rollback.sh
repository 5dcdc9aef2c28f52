#!/usr/bin/env bash
# LIN-NTP-001 rollback: restore the chrony configuration saved before remediation and restart
# chronyd (apply_live). A clock step that already happened cannot be undone.
set -euo pipefail
IFS= read -r -d '' chrony_conf || true
IFS= read -r -d '' ntp_servers || true
IFS= read -r -d '' source_type || true
IFS= read -r -d '' makestep_threshold || true
IFS= read -r -d '' makestep_limit || true
IFS= read -r -d '' sync_wait_seconds || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' state_dir || true
: "$ntp_servers" "$source_type" "$makestep_threshold" "$makestep_limit" "$sync_wait_seconds"

backup="$state_dir/LIN-NTP-001.chrony.conf"
if [[ ! -f $backup ]]; then
  writ_result error "no saved chrony configuration to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
unit=''
if [[ $apply_live == true ]]; then
  if [[ ! -d /run/systemd/system ]]; then
    writ_result error "systemd is not running as PID 1, so chronyd cannot be restarted; nothing was changed" NO_SYSTEMD
    exit 1
  fi
  for candidate in chrony.service chronyd.service; do
    if systemctl cat "$candidate" >/dev/null 2>&1; then
      unit=$candidate
      break
    fi
  done
fi
dir=$(dirname -- "$chrony_conf")
tmp=$(mktemp "$dir/.chrony.conf.writ.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cp -p -- "$backup" "$tmp"
mv -f -- "$tmp" "$chrony_conf"
trap - EXIT
rm -f -- "$backup"
if [[ -n $unit ]] && ! systemctl restart "$unit" >/dev/null 2>&1; then
  writ_result error "the chrony configuration is restored but chronyd failed to restart" SERVICE_FAILED
  exit 1
fi
writ_result pass "the chrony configuration is restored from the saved copy"
