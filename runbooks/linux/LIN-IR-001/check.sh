#!/usr/bin/env bash
# LIN-IR-001 check: a fresh authentication log and a running audit daemon; forensic tools and log
# rotation are reported without deciding the result.
set -euo pipefail
IFS= read -r -d '' auth_log_paths || true
IFS= read -r -d '' log_max_age_minutes || true
IFS= read -r -d '' forensic_tools || true
IFS= read -r -d '' min_forensic_tools || true
IFS= read -r -d '' logrotate_file || true
IFS= read -r -d '' rotation_days || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' state_dir || true
: "$rotation_days" "$apply_live" "$state_dir"

join_by() {
  local sep=$1 out='' x
  shift
  for x in "$@"; do out+="${out:+$sep}$x"; done
  printf '%s' "$out"
}
# Finds a program by name in PATH or the system folders (sbin is not in an ordinary user's PATH).
have_program() {
  local name=$1 d
  [[ $name =~ ^[A-Za-z0-9_+-][A-Za-z0-9._+-]{0,63}$ ]] || return 1
  command -v "$name" >/dev/null 2>&1 && return 0
  for d in /usr/sbin /sbin /usr/bin /bin; do
    [[ -x $d/$name ]] && return 0
  done
  return 1
}

if [[ ! $log_max_age_minutes =~ ^[1-9][0-9]{0,4}$ || ! $min_forensic_tools =~ ^[0-9]{1,2}$ ]]; then
  writ_result error "log_max_age_minutes or min_forensic_tools is not a whole number" BAD_PARAMETER
  exit 0
fi
writ_expect auth_log_age_minutes "<=$log_max_age_minutes"
writ_expect_raw auditd_running true
writ_expect forensic_tools_present ">=$min_forensic_tools"

problems=()
auth_log=''
mapfile -t candidates <<<"$auth_log_paths"
for p in "${candidates[@]}"; do
  if [[ -n $p && -f $p ]]; then
    auth_log=$p
    break
  fi
done
if [[ -z $auth_log ]]; then
  writ_observe auth_log none
  writ_observe_raw auth_log_age_minutes null
  problems+=("no authentication log exists")
else
  read -r mtime < <(stat -c %Y -- "$auth_log")
  now=$(date +%s)
  age=$(((now - mtime) / 60))
  [[ $age -lt 0 ]] && age=0
  writ_observe auth_log "$auth_log"
  writ_observe_raw auth_log_age_minutes "$age"
  if [ "$age" -gt "$log_max_age_minutes" ]; then
    problems+=("the authentication log was last written $age minutes ago")
  fi
fi

systemd=false
[[ -d /run/systemd/system ]] && systemd=true
writ_observe_raw systemd_running "$systemd"
auditd_installed=false
auditd_running=false
have_program auditd && auditd_installed=true
if command -v pgrep >/dev/null 2>&1 && pgrep -x auditd >/dev/null 2>&1; then
  auditd_running=true
fi
writ_observe_raw auditd_installed "$auditd_installed"
writ_observe_raw auditd_running "$auditd_running"
if [[ $auditd_installed == true && $auditd_running == false ]]; then
  problems+=("auditd is installed but not running")
fi

present=0
missing=()
mapfile -t tools <<<"$forensic_tools"
for t in "${tools[@]}"; do
  [[ -z $t ]] && continue
  if have_program "$t"; then
    present=$((present + 1))
  else
    missing+=("${t:0:64}")
  fi
done
writ_observe_raw forensic_tools_present "$present"
writ_observe forensic_tools_missing "$(join_by , "${missing[@]}")"

logrotate_installed=false
have_program logrotate && logrotate_installed=true
writ_observe_raw logrotate_installed "$logrotate_installed"
rotation=none
rotate_dir=$(dirname -- "$logrotate_file")
if [[ -n $auth_log && -d $rotate_dir ]]; then
  if [[ -f $logrotate_file ]] && grep -qF -- "$auth_log" "$logrotate_file"; then
    rotation=writ
  elif other=$(grep -rlF -- "$auth_log" "$rotate_dir" 2>/dev/null | head -n 1) && [[ -n $other ]]; then
    rotation=$(basename -- "$other")
  fi
fi
writ_observe auth_log_rotation "${rotation:0:200}"

if [[ -n ${problems[*]:-} ]]; then
  writ_result fail "not ready for an investigation: $(join_by '; ' "${problems[@]}")"
elif [[ $auditd_installed == false ]]; then
  writ_result error "auditd is not installed, so system calls and file access are not audited; install it through the site's package process" AUDITD_NOT_INSTALLED
else
  writ_result pass "the authentication log is current and auditd is running"
fi
