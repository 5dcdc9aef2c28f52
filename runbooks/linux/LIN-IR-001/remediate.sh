#!/usr/bin/env bash
# LIN-IR-001 remediate: keep authentication logs rotation_days days in a writ-owned logrotate file
# (only logs no other logrotate file names), and with apply_live enable and start auditd and
# rsyslog and prove the syslog path with a test line. Installs nothing. Records the prior logrotate
# file and service states once per incident. Idempotent.
set -euo pipefail
IFS= read -r -d '' auth_log_paths || true
IFS= read -r -d '' log_max_age_minutes || true
IFS= read -r -d '' forensic_tools || true
IFS= read -r -d '' min_forensic_tools || true
IFS= read -r -d '' logrotate_file || true
IFS= read -r -d '' rotation_days || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' state_dir || true
: "$forensic_tools" "$min_forensic_tools"

have_program() {
  local name=$1 d
  command -v "$name" >/dev/null 2>&1 && return 0
  for d in /usr/sbin /sbin /usr/bin /bin; do
    [[ -x $d/$name ]] && return 0
  done
  return 1
}

# Paths go into a logrotate file: plain characters only.
mapfile -t candidates <<<"$auth_log_paths"
for p in "${candidates[@]}"; do
  if [[ -n $p && ! $p =~ ^/[A-Za-z0-9._/-]+$ ]]; then
    writ_result error "an auth_log_paths entry holds characters that cannot go into a logrotate file; nothing was changed" BAD_PARAMETER
    exit 1
  fi
done
if [[ ! $logrotate_file =~ ^/[A-Za-z0-9._/-]+$ || ! $rotation_days =~ ^[1-9][0-9]{0,3}$ || ! $log_max_age_minutes =~ ^[1-9][0-9]{0,4}$ ]]; then
  writ_result error "logrotate_file, rotation_days or log_max_age_minutes is invalid; nothing was changed" BAD_PARAMETER
  exit 1
fi

# Preconditions for live changes, checked before anything changes.
units=()
if [[ $apply_live == true ]]; then
  if [[ ! -d /run/systemd/system ]]; then
    writ_result error "systemd is not running as PID 1, so auditd and rsyslog cannot be enabled; nothing was changed" NO_SYSTEMD
    exit 1
  fi
  if ! have_program auditd || ! systemctl cat auditd.service >/dev/null 2>&1; then
    writ_result error "auditd is not installed; install it through the site's package process; nothing was changed" AUDITD_NOT_INSTALLED
    exit 1
  fi
  units=(auditd.service)
  systemctl cat rsyslog.service >/dev/null 2>&1 && units+=(rsyslog.service)
fi

# Plan the logrotate file: existing auth logs that no other file in the folder names.
rotate_dir=$(dirname -- "$logrotate_file")
want_rotate=''
if [[ -d $rotate_dir ]]; then
  uncovered=()
  for p in "${candidates[@]}"; do
    [[ -n $p && -f $p ]] || continue
    if grep -rlF --exclude="$(basename -- "$logrotate_file")" -- "$p" "$rotate_dir" >/dev/null 2>&1; then
      continue
    fi
    uncovered+=("$p")
  done
  if [[ ${#uncovered[@]} -gt 0 ]]; then
    want_rotate=$(
      printf '# managed by writ LIN-IR-001: keeps authentication logs %s days; the whole file belongs to writ\n' "$rotation_days"
      printf '%s {\n\tdaily\n\trotate %s\n\tmissingok\n\tnotifempty\n\tcompress\n\tdelaycompress\n\tcopytruncate\n}\n' "${uncovered[*]}" "$rotation_days"
    )
  fi
fi
rotate_action='none'
if [[ -n $want_rotate ]]; then
  if [[ ! -f $logrotate_file || $(cat -- "$logrotate_file") != "$want_rotate" ]]; then
    rotate_action='write'
  fi
elif [[ -f $logrotate_file ]]; then
  # Another file now rotates these logs; two entries for one log make logrotate skip it.
  rotate_action='remove'
fi
fix_units=()
for u in "${units[@]}"; do
  if [[ $(systemctl is-active "$u" 2>/dev/null || true) != active || $(systemctl is-enabled "$u" 2>/dev/null || true) != enabled ]]; then
    fix_units+=("$u")
  fi
done
if [[ $rotate_action == none && ${#fix_units[@]} -eq 0 ]]; then
  writ_observe_raw changed false
  writ_result pass "log rotation and services are already as required; nothing was changed"
  exit 0
fi

# Record the prior state once per incident: keys already recorded keep their first value.
mkdir -p -- "$state_dir"
chmod 0700 -- "$state_dir"
record="$state_dir/LIN-IR-001.state"
rotate_copy="$state_dir/LIN-IR-001.logrotate"
record_once() {
  local key=$1 value=$2 tmp k
  if [[ -f $record ]]; then
    while IFS='=' read -r k _; do
      [[ $k == "$key" ]] && return
    done <"$record"
  fi
  tmp=$(mktemp "$state_dir/.LIN-IR-001.XXXXXX")
  [[ -f $record ]] && cat -- "$record" >"$tmp"
  printf '%s=%s\n' "$key" "$value" >>"$tmp"
  mv -f -- "$tmp" "$record"
}
if [[ $rotate_action != none ]]; then
  if [[ -f $logrotate_file ]]; then
    [[ -f $rotate_copy ]] || cp -p -- "$logrotate_file" "$rotate_copy"
    record_once logrotate present
  else
    record_once logrotate absent
  fi
fi
for u in "${fix_units[@]}"; do
  record_once "unit.$u" "$(systemctl is-enabled "$u" 2>/dev/null || true):$(systemctl is-active "$u" 2>/dev/null || true)"
done

case $rotate_action in
  write)
    tmp=$(mktemp "$rotate_dir/.writ-auth-logs.XXXXXX")
    printf '%s\n' "$want_rotate" >"$tmp"
    chmod 0644 -- "$tmp"
    mv -f -- "$tmp" "$logrotate_file"
    ;;
  remove) rm -f -- "$logrotate_file" ;;
esac
for u in "${fix_units[@]}"; do
  if ! systemctl enable --now "$u" >/dev/null 2>&1; then
    writ_result error "could not enable and start $u" SERVICE_FAILED
    exit 1
  fi
done
if [[ $apply_live == true ]] && command -v logger >/dev/null 2>&1; then
  logger -p authpriv.notice -t writ 'LIN-IR-001: authentication logging path verified' || true
fi
writ_observe logrotate_action "$rotate_action"
writ_observe services_started "$(IFS=,; printf '%s' "${fix_units[*]}")"
writ_observe_raw changed true
writ_result pass "authentication logs are rotated and kept, and the logging services run"
