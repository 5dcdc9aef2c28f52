#!/usr/bin/env bash
# LIN-SVC-001 remediate: start the SSH server unit (the first of service_units systemd knows) and,
# when require_enabled, enable it at boot. Idempotent: a running, enabled unit is left alone.
set -euo pipefail
IFS= read -r -d '' service_units || true
IFS= read -r -d '' require_enabled || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' systemd_run_dir || true

units=()
mapfile -t unit_lines <<<"$service_units"
for u in "${unit_lines[@]}"; do
  [[ -z $u ]] && continue
  if [[ ! $u =~ ^[A-Za-z0-9][A-Za-z0-9@._:-]{0,254}$ ]]; then
    writ_observe bad_unit "$u"
    writ_result error "a service unit name is not a plain unit name; nothing was changed" BAD_PARAMETER
    exit 1
  fi
  units+=("$u")
done
if [[ ${#units[@]} -eq 0 ]]; then
  writ_result error "no candidate service unit given; nothing was changed" BAD_PARAMETER
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
  writ_result error "none of the candidate SSH server units exists; install openssh-server first" UNIT_NOT_FOUND
  exit 1
fi
writ_observe unit "$unit"
if [[ $load_state == masked ]]; then
  writ_result error "$unit is masked; writ does not unmask a unit someone masked on purpose" UNIT_MASKED
  exit 1
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
  [[ $socket_state == enabled || $socket_state == enabled-runtime ]] && enabled=true
fi

# Each step is an argument list, run as is (never a string parsed by a shell). After a failed
# step the later ones are only listed.
plan=()
failed=''
step() {
  plan+=("$*")
  if [[ $apply_live == true && -z $failed ]] && ! "$@" >/dev/null 2>&1; then
    failed="$*"
  fi
  return 0
}
if [[ $active_state != active ]]; then step systemctl start -- "$unit"; fi
if [[ $require_enabled == true && $enabled != true ]]; then step systemctl enable -- "$unit"; fi

plan_text=''
for p in "${plan[@]}"; do plan_text+="${plan_text:+; }$p"; done
writ_observe plan "$plan_text"
if [[ ${#plan[@]} -eq 0 ]]; then
  writ_observe_raw changed false
  writ_result pass "$unit is already running and enabled; nothing changed"
elif [[ $apply_live != true ]]; then
  writ_observe_raw changed false
  writ_result not_applicable "dry run (apply_live false): nothing changed" DRY_RUN
elif [[ -n $failed ]]; then
  writ_observe failed_step "$failed"
  writ_result error "could not bring $unit up" START_FAILED
  exit 1
else
  writ_observe_raw changed true
  writ_result pass "$unit started and enabled as needed"
fi
