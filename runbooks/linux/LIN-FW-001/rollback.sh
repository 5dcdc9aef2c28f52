#!/usr/bin/env bash
# LIN-FW-001 rollback: turn filtering off FIRST when it was off before (so removing allow rules
# cannot cut anyone off), restore the prior incoming policy, and delete only the allow rules writ
# added. A package writ installed stays installed (disabled). Removes the record when done.
set -euo pipefail
IFS= read -r -d '' backends || true
IFS= read -r -d '' allow_ports || true
IFS= read -r -d '' install_package || true
IFS= read -r -d '' ufw_package || true
IFS= read -r -d '' firewalld_package || true
IFS= read -r -d '' os_release || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' apply_live || true
: "${backends}" "${allow_ports}" "${install_package}" "${ufw_package}" "${firewalld_package}" "${os_release}"

record="$state_dir/LIN-FW-001.state"
if [[ ! -f $record ]]; then
  writ_result error "no saved state to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
# The record is data: only known keys with checked values are taken from it.
tool='' was_active='' prior_incoming='' added_ports='' installed_package=''
while IFS= read -r line || [[ -n $line ]]; do
  value=${line#*=}
  case ${line%%=*} in
    tool) tool=$value ;;
    was_active) was_active=$value ;;
    prior_incoming) prior_incoming=$value ;;
    added_ports) added_ports=$value ;;
    installed_package) installed_package=$value ;;
  esac
done <"$record"
ports=()
read -ra ports <<<"$added_ports"
bad=false
[[ $tool == ufw || $tool == firewalld ]] || bad=true
[[ $was_active == true || $was_active == false ]] || bad=true
[[ $prior_incoming =~ ^(deny|reject|allow)?$ ]] || bad=true
[[ $installed_package =~ ^([A-Za-z0-9][A-Za-z0-9+._-]{0,127})?$ ]] || bad=true
for p in "${ports[@]}"; do [[ $p =~ ^[0-9]{1,5}/(tcp|udp)$ ]] || bad=true; done
if [[ $bad == true ]]; then
  writ_result error "the saved state is damaged; nothing was changed" BAD_ROLLBACK_STATE
  exit 1
fi
if [[ $apply_live == true && $(id -u) -ne 0 ]]; then
  writ_result error "changing the firewall needs root; nothing was changed" NEEDS_ROOT
  exit 1
fi
find_tool() {
  local found
  found=$(command -v "$1" 2>/dev/null || true)
  [[ -z $found && -x /usr/sbin/$1 ]] && found=/usr/sbin/$1
  [[ -z $found && -x /sbin/$1 ]] && found=/sbin/$1
  printf '%s' "$found"
}

plan=()
failed=''
step() {
  plan+=("$*")
  if [[ $apply_live == true && -z $failed ]] && ! "$@" >/dev/null 2>&1; then
    failed="$*"
  fi
  return 0
}
if [[ $tool == ufw ]]; then
  ufw=$(find_tool ufw)
  ufw=${ufw:-ufw}
  if [[ $was_active == false ]]; then step "$ufw" --force disable; fi
  if [[ $prior_incoming == allow || $prior_incoming == reject ]]; then step "$ufw" default "$prior_incoming" incoming; fi
  for p in "${ports[@]}"; do step "$ufw" delete allow "$p"; done
else
  if [[ $was_active == false ]]; then
    step systemctl disable --now firewalld
    offline=$(find_tool firewall-offline-cmd)
    for p in "${ports[@]}"; do step "${offline:-firewall-offline-cmd}" --remove-port="$p"; done
  else
    cmd=$(find_tool firewall-cmd)
    for p in "${ports[@]}"; do
      step "${cmd:-firewall-cmd}" --permanent --remove-port="$p"
      step "${cmd:-firewall-cmd}" --remove-port="$p"
    done
  fi
fi
[[ -n $installed_package ]] && writ_observe package_left_installed "$installed_package"

plan_text=''
for p in "${plan[@]}"; do plan_text+="${plan_text:+; }$p"; done
writ_observe plan "$plan_text"
if [[ $apply_live != true ]]; then
  writ_result not_applicable "dry run (apply_live false): nothing changed, the record is kept" DRY_RUN
elif [[ -n $failed ]]; then
  writ_observe failed_step "$failed"
  writ_result error "a rollback step failed; the record is kept" ROLLBACK_FAILED
  exit 1
else
  rm -f "$record"
  writ_result pass "firewall put back to its recorded state"
fi
