#!/usr/bin/env bash
# LIN-SVC-002 remediate: install the audit package when no candidate unit exists (Debian- or
# RHEL-family only), then start the unit and, when require_enabled, enable it. Records the prior
# state once per incident. Idempotent: a running, enabled auditd is left alone.
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

record="$state_dir/LIN-SVC-002.state"
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
if [[ ${#units[@]} -eq 0 || ! $apt_package =~ ^[a-z0-9][a-z0-9+.-]{0,127}$ || ! $rpm_package =~ ^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$ ]]; then
  writ_result error "a unit or package parameter is empty or not a plain name; nothing was changed" BAD_PARAMETER
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
  writ_result error "systemctl could not report the unit state; nothing more was changed" SYSTEMCTL_FAILED
  exit 1
}
# Sets unit, load_state, active_state, enabled for the first candidate unit systemd knows.
resolve_unit() {
  local u
  unit='' load_state='' active_state='' file_state='' enabled=false
  for u in "${units[@]}"; do
    prop "$u" LoadState || fail_systemctl
    load_state=$REPLY
    if [[ $load_state != not-found && -n $load_state ]]; then
      unit=$u
      break
    fi
  done
  [[ -z $unit ]] && return 0
  prop "$unit" ActiveState || fail_systemctl
  active_state=$REPLY
  prop "$unit" UnitFileState || fail_systemctl
  file_state=$REPLY
  case $file_state in
    enabled | enabled-runtime | static | indirect | generated | alias) enabled=true ;;
  esac
}
# Prints debian, rhel or unknown from ID and ID_LIKE of the os-release file.
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

plan=()
failed=''
# Each step is an argument list, run as is (never a string parsed by a shell). After a failed
# step the later ones are only listed.
step() {
  plan+=("$*")
  if [[ $apply_live == true && -z $failed ]] && ! "$@" >/dev/null 2>&1; then
    failed="$*"
  fi
  return 0
}
record_prior() {
  [[ $apply_live == true ]] || return 0
  mkdir -p "$state_dir"
  chmod 0700 "$state_dir"
  [[ -f $record ]] && return 0
  printf 'was_active=%s\nwas_enabled=%s\ninstalled_package=%s\n' "$1" "$2" "$3" >"$record"
}

resolve_unit
installed_package=''
if [[ -z $unit ]]; then
  if [[ $install_package != true ]]; then
    writ_observe_raw installed false
    writ_result error "auditd is not installed and install_package is false; nothing was changed" PACKAGE_MISSING
    exit 1
  fi
  family=$(os_family)
  writ_observe os_family "$family"
  case $family in
    debian) installed_package=$apt_package ;;
    rhel) installed_package=$rpm_package ;;
    *)
      writ_result error "unknown distribution family (not Debian- or RHEL-like); writ does not guess a package manager; nothing was changed" UNSUPPORTED_DISTRO
      exit 1
      ;;
  esac
  record_prior false false "$installed_package"
  if [[ $family == debian ]]; then
    step env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$installed_package"
  elif command -v dnf >/dev/null 2>&1 || [[ $apply_live != true ]]; then
    step dnf install -y "$installed_package"
  else
    step yum install -y "$installed_package"
  fi
  if [[ $apply_live == true && -z $failed ]]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
    resolve_unit
    if [[ -z $unit ]]; then
      writ_result error "$installed_package was installed but no candidate unit appeared" UNIT_NOT_FOUND
      exit 1
    fi
  else
    unit=${units[0]} load_state=loaded active_state=inactive enabled=false
  fi
fi
writ_observe unit "$unit"
if [[ $load_state == masked ]]; then
  writ_result error "$unit is masked; writ does not unmask a unit someone masked on purpose" UNIT_MASKED
  exit 1
fi
needs_start=false needs_enable=false
[[ $active_state != active ]] && needs_start=true
[[ $require_enabled == true && $enabled != true ]] && needs_enable=true
if [[ $needs_start == true || $needs_enable == true ]]; then
  was_active=true
  [[ $active_state != active ]] && was_active=false
  record_prior "$was_active" "$enabled" ''
fi
if [[ $needs_start == true ]]; then step systemctl start -- "$unit"; fi
if [[ $needs_enable == true ]]; then step systemctl enable -- "$unit"; fi

plan_text=''
for p in "${plan[@]}"; do plan_text+="${plan_text:+; }$p"; done
writ_observe plan "$plan_text"
if [[ ${#plan[@]} -eq 0 ]]; then
  writ_observe_raw changed false
  writ_result pass "$unit is already installed, running and enabled; nothing changed"
elif [[ $apply_live != true ]]; then
  writ_observe_raw changed false
  writ_result not_applicable "dry run (apply_live false): nothing changed" DRY_RUN
elif [[ -n $failed ]]; then
  writ_observe failed_step "$failed"
  writ_result error "could not bring the audit daemon up" START_FAILED
  exit 1
else
  writ_observe_raw changed true
  writ_result pass "audit daemon installed, started and enabled as needed"
fi
