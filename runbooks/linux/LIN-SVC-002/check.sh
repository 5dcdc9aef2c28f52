#!/usr/bin/env bash
# LIN-SVC-002 check: auditd is installed, active and (when require_enabled) starts at boot.
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
: "${install_package}" "${apt_package}" "${rpm_package}" "${os_release}" "${state_dir}" "${apply_live}"

writ_expect_raw installed true
writ_expect active_state active
[[ $require_enabled == true ]] && writ_expect_raw enabled true

units=()
mapfile -t unit_lines <<<"$service_units"
for u in "${unit_lines[@]}"; do
  [[ -z $u ]] && continue
  if [[ ! $u =~ ^[A-Za-z0-9][A-Za-z0-9@._:-]{0,254}$ ]]; then
    writ_observe bad_unit "$u"
    writ_result error "a service unit name is not a plain unit name" BAD_PARAMETER
    exit 0
  fi
  units+=("$u")
done
if [[ ${#units[@]} -eq 0 ]]; then
  writ_result error "no candidate service unit given" BAD_PARAMETER
  exit 0
fi
writ_observe candidate_units "${units[*]}"

if [[ ! -d $systemd_run_dir ]] || ! command -v systemctl >/dev/null 2>&1; then
  writ_observe_raw systemd false
  writ_result not_applicable "systemd is not running as PID 1, so there is no service unit to check" NO_SYSTEMD
  exit 0
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
  writ_result error "systemctl could not report the unit state" SYSTEMCTL_FAILED
  exit 0
}

unit='' load_state=''
for u in "${units[@]}"; do
  prop "$u" LoadState || fail_systemctl
  load_state=$REPLY
  if [[ $load_state != not-found && -n $load_state ]]; then
    unit=$u
    break
  fi
done
if [[ -z $unit ]]; then
  writ_observe_raw installed false
  writ_result fail "the audit daemon is not installed (no candidate unit exists)"
  exit 0
fi
prop "$unit" ActiveState || fail_systemctl
active_state=$REPLY
prop "$unit" UnitFileState || fail_systemctl
file_state=$REPLY
enabled=false
case $file_state in
  enabled | enabled-runtime | static | indirect | generated | alias) enabled=true ;;
esac
writ_observe_raw installed true
writ_observe unit "$unit"
writ_observe load_state "$load_state"
writ_observe active_state "$active_state"
writ_observe unit_file_state "$file_state"
writ_observe_raw enabled "$enabled"

if [[ $load_state == masked ]]; then
  writ_result fail "$unit is masked and cannot start"
elif [[ $active_state != active ]]; then
  writ_result fail "$unit is $active_state"
elif [[ $require_enabled == true && $enabled != true ]]; then
  writ_result fail "$unit is running but does not start at boot"
else
  writ_result pass "$unit is running$([[ $enabled == true ]] && printf ' and starts at boot')"
fi
