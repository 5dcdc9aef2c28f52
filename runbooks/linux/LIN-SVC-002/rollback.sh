#!/usr/bin/env bash
# LIN-SVC-002 rollback: put auditd back the way the record says it was (stopped, disabled) and
# remove the package only when remediation installed it; then remove the record.
set -euo pipefail
IFS= read -r -d '' service_units || true
IFS= read -r -d '' require_enabled || true
IFS= read -r -d '' install_package || true
IFS= read -r -d '' apt_package || true
IFS= read -r -d '' rpm_package || true
IFS= read -r -d '' os_release || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' systemd_run_dir || true
: "${require_enabled}" "${install_package}" "${apt_package}" "${rpm_package}"

record="$state_dir/LIN-SVC-002.state"
units=()
mapfile -t unit_lines <<<"$service_units"
for u in "${unit_lines[@]}"; do
  [[ -z $u ]] && continue
  if [[ ! $u =~ ^[A-Za-z0-9][A-Za-z0-9@._:-]{0,254}$ ]]; then
    writ_result error "a service unit name is not a plain unit name; nothing was changed" BAD_PARAMETER
    exit 1
  fi
  units+=("$u")
done
if [[ ! -f $record ]]; then
  writ_result error "no saved state to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
# The record is data: only known keys with checked values are taken from it.
was_active='' was_enabled='' installed_package=''
while IFS= read -r line || [[ -n $line ]]; do
  case ${line%%=*} in
    was_active) was_active=${line#*=} ;;
    was_enabled) was_enabled=${line#*=} ;;
    installed_package) installed_package=${line#*=} ;;
  esac
done <"$record"
if [[ ! $was_active =~ ^(true|false)$ || ! $was_enabled =~ ^(true|false)$ || ! $installed_package =~ ^([A-Za-z0-9][A-Za-z0-9+._-]{0,127})?$ ]]; then
  writ_result error "the saved state is damaged; nothing was changed" BAD_ROLLBACK_STATE
  exit 1
fi
if [[ ! -d $systemd_run_dir ]] || ! command -v systemctl >/dev/null 2>&1; then
  writ_observe_raw systemd false
  writ_result not_applicable "systemd is not running as PID 1; nothing was changed" NO_SYSTEMD
  exit 1
fi

systemctl_error=''
# Sets REPLY to one property of a unit; fails (with the first line of systemctl's message in
# systemctl_error) when systemctl cannot answer.
prop() {
  if ! REPLY=$(systemctl show -p "$2" --value -- "$1" 2>&1); then
    systemctl_error=${REPLY%%$'\n'*}
    return 1
  fi
}
fail_systemctl() {
  writ_observe systemctl_error "$systemctl_error"
  writ_result error "systemctl could not report the unit state; nothing was changed" SYSTEMCTL_FAILED
  exit 1
}
os_family() {
  local line key value word words
  [[ -r $os_release ]] || { echo unknown; return 0; }
  while IFS= read -r line || [[ -n $line ]]; do
    key=${line%%=*}
    value=${line#*=}
    value=${value//\"/}
    value=${value//\'/}
    [[ $key == ID || $key == ID_LIKE ]] || continue
    read -ra words <<<"$value"
    for word in "${words[@]}"; do
      case $word in
        debian | ubuntu) echo debian; return 0 ;;
        rhel | fedora | centos | rocky | almalinux | ol | amzn) echo rhel; return 0 ;;
      esac
    done
  done <"$os_release"
  echo unknown
}

unit='' active_state='' file_state=''
for u in "${units[@]}"; do
  prop "$u" LoadState || fail_systemctl
  load_state=$REPLY
  if [[ $load_state != not-found && -n $load_state ]]; then
    unit=$u
    break
  fi
done
if [[ -n $unit ]]; then
  prop "$unit" ActiveState || fail_systemctl
  active_state=$REPLY
  prop "$unit" UnitFileState || fail_systemctl
  file_state=$REPLY
fi

plan=()
failed=''
step() {
  plan+=("$*")
  if [[ $apply_live == true && -z $failed ]] && ! "$@" >/dev/null 2>&1; then
    failed="$*"
  fi
  return 0
}
# Stops the unit; auditd refuses `systemctl stop` on RHEL (RefuseManualStop), where the SysV-style
# service wrapper is the documented way.
stop_unit() {
  plan+=("systemctl stop -- $unit")
  [[ $apply_live == true && -z $failed ]] || return 0
  systemctl stop -- "$unit" >/dev/null 2>&1 && return 0
  if command -v service >/dev/null 2>&1; then
    step service "${unit%.service}" stop
  else
    failed="systemctl stop -- $unit"
  fi
}
if [[ -n $unit && $was_active == false && $active_state == active ]]; then stop_unit; fi
if [[ -n $unit && $was_enabled == false && $file_state == enabled ]]; then step systemctl disable -- "$unit"; fi
if [[ -n $installed_package ]]; then
  case $(os_family) in
    debian) step env DEBIAN_FRONTEND=noninteractive apt-get remove -y "$installed_package" ;;
    rhel)
      if command -v dnf >/dev/null 2>&1 || [[ $apply_live != true ]]; then
        step dnf remove -y "$installed_package"
      else
        step yum remove -y "$installed_package"
      fi
      ;;
    *)
      writ_result error "unknown distribution family; $installed_package was left installed" UNSUPPORTED_DISTRO
      exit 1
      ;;
  esac
fi

plan_text=''
for p in "${plan[@]}"; do plan_text+="${plan_text:+; }$p"; done
writ_observe plan "$plan_text"
if [[ $apply_live != true ]]; then
  writ_result not_applicable "dry run (apply_live false): nothing changed, the record is kept" DRY_RUN
elif [[ -n $failed ]]; then
  writ_observe failed_step "$failed"
  writ_result error "rollback step failed; the record is kept" ROLLBACK_FAILED
  exit 1
else
  rm -f "$record"
  writ_result pass "audit daemon put back to its recorded state"
fi
