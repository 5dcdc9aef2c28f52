#!/usr/bin/env bash
# LIN-IR-001 rollback: remove or restore the writ-owned logrotate file and, with apply_live, put
# auditd and rsyslog back to their recorded enablement and running state.
set -euo pipefail
IFS= read -r -d '' auth_log_paths || true
IFS= read -r -d '' log_max_age_minutes || true
IFS= read -r -d '' forensic_tools || true
IFS= read -r -d '' min_forensic_tools || true
IFS= read -r -d '' logrotate_file || true
IFS= read -r -d '' rotation_days || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' state_dir || true
: "$auth_log_paths" "$log_max_age_minutes" "$forensic_tools" "$min_forensic_tools" "$rotation_days"

record="$state_dir/LIN-IR-001.state"
rotate_copy="$state_dir/LIN-IR-001.logrotate"
if [[ ! -f $record ]]; then
  writ_result error "no recorded prior state to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
rotate=''
units=()
states=()
while IFS='=' read -r key value || [[ -n $key ]]; do
  case $key in
    logrotate) rotate=$value ;;
    unit.auditd.service | unit.rsyslog.service)
      units+=("${key#unit.}")
      states+=("$value")
      ;;
  esac
done <"$record"
if [[ -n $rotate && ! $rotate =~ ^(absent|present)$ ]] || [[ $rotate == present && ! -f $rotate_copy ]]; then
  writ_result error "the rollback record is damaged; nothing was changed" BAD_ROLLBACK_STATE
  exit 1
fi
if [[ ${#units[@]} -gt 0 && $apply_live == true && ! -d /run/systemd/system ]]; then
  writ_result error "systemd is not running as PID 1, so the services cannot be changed back; nothing was changed" NO_SYSTEMD
  exit 1
fi

case $rotate in
  absent) rm -f -- "$logrotate_file" ;;
  present)
    tmp=$(mktemp "$(dirname -- "$logrotate_file")/.writ-auth-logs.XXXXXX")
    cp -p -- "$rotate_copy" "$tmp"
    mv -f -- "$tmp" "$logrotate_file"
    ;;
esac
if [[ $apply_live == true ]]; then
  for i in "${!units[@]}"; do
    u=${units[i]}
    enabled=${states[i]%%:*}
    active=${states[i]#*:}
    [[ $active == active ]] || systemctl stop "$u" >/dev/null 2>&1 || true
    case $enabled in
      disabled) systemctl disable "$u" >/dev/null 2>&1 || true ;;
      masked) systemctl mask "$u" >/dev/null 2>&1 || true ;;
    esac
  done
fi
rm -f -- "$rotate_copy" "$record"
writ_result pass "the prior logrotate file and service states are restored"
