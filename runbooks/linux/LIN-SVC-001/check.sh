#!/usr/bin/env bash
# LIN-SVC-001 check: the first SSH server unit systemd knows (ssh or sshd) is active and, when
# require_enabled, starts at boot (enabled, static or socket-activated).
set -euo pipefail
IFS= read -r -d '' service_units || true
IFS= read -r -d '' require_enabled || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' systemd_run_dir || true
: "${apply_live}"

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
  writ_result error "none of the candidate SSH server units exists (is openssh-server installed?)" UNIT_NOT_FOUND
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
if [[ $enabled == false && $unit == *.service ]]; then
  prop "${unit%.service}.socket" UnitFileState || fail_systemctl
  socket_state=$REPLY
  if [[ $socket_state == enabled || $socket_state == enabled-runtime ]]; then
    enabled=true
    writ_observe socket_unit "${unit%.service}.socket"
  fi
fi
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
elif [[ $enabled == true ]]; then
  writ_result pass "$unit is running and starts at boot"
else
  writ_result pass "$unit is running"
fi
