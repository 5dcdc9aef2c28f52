#!/usr/bin/env bash
# LIN-PATCH-001 remediate: install the pending security updates only: apt (refresh the index, then
# `apt-get install --only-upgrade` of exactly the packages whose candidate comes from a security
# origin, keeping changed configuration files) or dnf/yum (`upgrade --security`). Never reboots;
# reports whether a reboot is pending. No rollback (downgrades are not reliable).
set -euo pipefail
IFS= read -r -d '' package_manager || true
IFS= read -r -d '' max_security_updates || true
IFS= read -r -d '' max_list_age_hours || true
IFS= read -r -d '' apt_lists_dir || true
IFS= read -r -d '' security_marker || true
IFS= read -r -d '' reboot_required_file || true
IFS= read -r -d '' refresh_lists || true
IFS= read -r -d '' apply_live || true
: "${max_security_updates}" "${max_list_age_hours}"

if [[ -z $security_marker ]]; then
  writ_result error "security_marker is empty; nothing was changed" BAD_PARAMETER
  exit 1
fi
manager=''
case $package_manager in
  auto)
    if command -v apt-get >/dev/null 2>&1; then manager=apt
    elif command -v dnf >/dev/null 2>&1; then manager=dnf
    elif command -v yum >/dev/null 2>&1; then manager=yum
    fi
    ;;
  apt) command -v apt-get >/dev/null 2>&1 && manager=apt ;;
  dnf) command -v dnf >/dev/null 2>&1 && manager=dnf ;;
  yum) command -v yum >/dev/null 2>&1 && manager=yum ;;
  *)
    writ_result error "package_manager must be auto, apt, dnf or yum; nothing was changed" BAD_PARAMETER
    exit 1
    ;;
esac
if [[ -z $manager ]]; then
  writ_result not_applicable "no supported package manager ($package_manager) is installed; nothing was changed" NO_PACKAGE_MANAGER
  exit 1
fi
writ_observe package_manager "$manager"
if [[ $apply_live == true && $(id -u) -ne 0 ]]; then
  writ_result error "installing updates needs root; nothing was changed" NEEDS_ROOT
  exit 1
fi

plan=()
failed=''
# Each step is an argument list, run as is (never a string parsed by a shell); its output is kept
# for the message of a failure.
step() {
  local out
  plan+=("$*")
  if [[ $apply_live == true && -z $failed ]] && ! out=$("$@" 2>&1); then
    failed="$*"
    step_error=$(grep -m1 -E '^(E|Error):' <<<"$out" || printf '%s' "${out##*$'\n'}")
  fi
  return 0
}
step_error=''
lists_opt="Dir::State::Lists=$apt_lists_dir"
packages=()
if [[ $manager == apt ]]; then
  if [[ $refresh_lists == true ]]; then step apt-get -q -o "$lists_opt" update; fi
  if [[ -z $failed ]]; then
    if ! sim=$(LC_ALL=C apt-get -s -q -o Debug::NoLocking=1 -o "$lists_opt" dist-upgrade 2>&1); then
      writ_observe tool_error "$(grep -m1 -E '^(E|W):' <<<"$sim" || true)"
      writ_result error "apt-get could not simulate the upgrade; nothing was installed" PACKAGE_MANAGER_FAILED
      exit 1
    fi
    marker=${security_marker,,}
    while IFS= read -r line; do
      [[ $line == Inst\ * ]] || continue
      lower=${line,,}
      [[ $lower == *"$marker"* ]] || continue
      read -r _ name _ <<<"$line"
      [[ $name =~ ^[a-z0-9][a-z0-9+.:-]*$ ]] && packages+=("$name")
    done <<<"$sim"
    if [[ ${#packages[@]} -gt 0 ]]; then
      step env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o "$lists_opt" \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        install --only-upgrade "${packages[@]}"
    fi
  fi
elif [[ $manager == dnf ]]; then
  if [[ $refresh_lists == true ]]; then step dnf -y --refresh upgrade --security; else step dnf -y upgrade --security; fi
else
  step yum -y update --security
fi

reboot_pending=false
[[ -e $reboot_required_file ]] && reboot_pending=true
writ_observe_raw reboot_pending "$reboot_pending"
plan_text=''
for p in "${plan[@]}"; do plan_text+="${plan_text:+; }$p"; done
writ_observe plan "$plan_text"
if [[ $manager == apt ]]; then
  writ_observe_raw security_updates "${#packages[@]}"
fi
if [[ -n $failed ]]; then
  writ_observe failed_step "$failed"
  writ_observe tool_error "$step_error"
  writ_result error "an update step failed" PACKAGE_MANAGER_FAILED
  exit 1
elif [[ $apply_live != true ]]; then
  writ_result not_applicable "dry run (apply_live false): nothing changed" DRY_RUN
elif [[ $manager == apt && ${#packages[@]} -eq 0 ]]; then
  writ_result pass "no security update pending; nothing installed"
elif [[ $reboot_pending == true ]]; then
  writ_result pass "security updates installed; a reboot is pending"
else
  writ_result pass "security updates installed"
fi
