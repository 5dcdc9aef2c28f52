#!/usr/bin/env bash
# LIN-MAC-001 remediate: SELinux permissive → enforcing (live when apply_live, and SELINUX=enforcing
# in the boot configuration, changing only that line or adding it once); AppArmor → enable and
# start the apparmor service (needs systemd and apply_live). Records the prior state once per
# incident. Disruptive: confined applications may stop working. Idempotent.
set -euo pipefail
IFS= read -r -d '' selinuxfs || true
IFS= read -r -d '' selinux_config || true
IFS= read -r -d '' apparmor_enabled_file || true
IFS= read -r -d '' apparmor_profiles_file || true
IFS= read -r -d '' min_enforced_profiles || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' state_dir || true

if [[ ! $min_enforced_profiles =~ ^[1-9][0-9]{0,4}$ ]]; then
  writ_result error "min_enforced_profiles is not a whole number; nothing was changed" BAD_PARAMETER
  exit 1
fi
record="$state_dir/LIN-MAC-001.state"
config_copy="$state_dir/LIN-MAC-001.selinux-config"
boot_re='^(SELINUX=[[:space:]]*)([^[:space:]#]*)(.*)$'

# Writes the SELinux boot configuration with its first SELINUX= line set to enforcing (or one
# such line appended when there is none) to the file named by $1. Every other byte stays.
write_enforcing_config() {
  local out=$1 line="" set_line=false
  {
    while IFS= read -r line; do
      if [[ $set_line == false && $line =~ $boot_re ]]; then
        set_line=true
        printf '%senforcing%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[3]}"
      else
        printf '%s\n' "$line"
      fi
    done
    if [[ -n $line ]]; then
      if [[ $set_line == false && $line =~ $boot_re ]]; then
        set_line=true
        printf '%senforcing%s' "${BASH_REMATCH[1]}" "${BASH_REMATCH[3]}"
      else
        printf '%s' "$line"
      fi
    fi
    if [[ $set_line == false ]]; then
      [[ -n $line ]] && printf '\n'
      printf 'SELINUX=enforcing\n'
    fi
  } <"$selinux_config" >"$out"
}

prepare_state_dir() {
  mkdir -p -- "$state_dir"
  chmod 0700 -- "$state_dir"
}

if [[ -e $selinuxfs/enforce ]]; then
  writ_observe mac_framework selinux
  if ! live=$(head -c 1 -- "$selinuxfs/enforce" 2>/dev/null) || [[ ! $live =~ ^[01]$ ]]; then
    writ_result error "the live SELinux mode cannot be read; nothing was changed" MAC_STATE_UNREADABLE
    exit 1
  fi
  if [[ -L $selinux_config || ! -f $selinux_config ]]; then
    writ_result error "SELinux has no boot configuration file at the configured path; a person must set it up; nothing was changed" SELINUX_CONFIG_MISSING
    exit 1
  fi
  tmp=$(mktemp "$(dirname -- "$selinux_config")/.selinux-config.writ.XXXXXX")
  trap 'rm -f "$tmp"' EXIT
  write_enforcing_config "$tmp"
  config_changes=true
  cmp -s -- "$tmp" "$selinux_config" && config_changes=false
  live_changes=false
  [[ $live != 1 && $apply_live == true ]] && live_changes=true

  if [[ $config_changes == false && $live_changes == false ]]; then
    writ_observe_raw changed false
    if [[ $live != 1 ]]; then
      writ_observe selinux_mode permissive
      writ_result pass "SELinux is configured to enforce at boot; the live mode was left permissive because apply_live is false"
    else
      writ_observe selinux_mode enforcing
      writ_result pass "SELinux already enforces, now and at boot; nothing was changed"
    fi
    exit 0
  fi

  if [[ $config_changes == true ]]; then
    chmod --reference="$selinux_config" -- "$tmp"
    if ! chown --reference="$selinux_config" -- "$tmp" 2>/dev/null; then
      writ_result error "could not keep the owner of the SELinux configuration (chown refused); nothing was changed" CHOWN_FAILED
      exit 1
    fi
  fi
  # Record the prior state once per incident: an existing record is the original, not our change.
  if [[ ! -f $record ]]; then
    prepare_state_dir
    cp -p -- "$selinux_config" "$config_copy"
    printf 'framework=selinux\nenforce=%s\n' "$live" >"$record.tmp"
    mv -f -- "$record.tmp" "$record"
  fi
  [[ $config_changes == true ]] && mv -f -- "$tmp" "$selinux_config"
  trap - EXIT
  rm -f -- "$tmp"
  mode=permissive
  if [[ $live == 1 ]]; then
    mode=enforcing
  elif [[ $live_changes == true ]]; then
    if ! printf '1' >"$selinuxfs/enforce" 2>/dev/null; then
      writ_result error "the boot configuration now enforces, but switching the live mode to enforcing was refused" SETENFORCE_FAILED
      exit 1
    fi
    mode=enforcing
  fi
  writ_observe selinux_mode "$mode"
  writ_observe selinux_config_mode enforcing
  writ_observe_raw changed true
  if [[ $mode == enforcing ]]; then
    writ_result pass "SELinux enforces now and at boot"
  else
    writ_result pass "SELinux will enforce from the next boot; the live mode stays permissive because apply_live is false"
  fi
  exit 0
fi

apparmor_flag=''
[[ -r $apparmor_enabled_file ]] && apparmor_flag=$(head -c 1 -- "$apparmor_enabled_file" 2>/dev/null || true)
if [[ $apparmor_flag == Y || -e $apparmor_profiles_file ]]; then
  writ_observe mac_framework apparmor
  count_enforced() {
    local n=0 line
    while IFS= read -r line || [[ -n $line ]]; do
      case $line in *' (enforce)' | *' (kill)') n=$((n + 1)) ;; esac
    done <"$apparmor_profiles_file"
    printf '%s' "$n"
  }
  if [[ ! -r $apparmor_profiles_file ]]; then
    writ_result error "AppArmor's loaded profiles cannot be read; nothing was changed" MAC_STATE_UNREADABLE
    exit 1
  fi
  enforced=$(count_enforced)
  if [ "$enforced" -ge "$min_enforced_profiles" ]; then
    writ_observe_raw apparmor_enforced_profiles "$enforced"
    writ_observe_raw changed false
    writ_result pass "AppArmor already enforces $enforced profiles; nothing was changed"
    exit 0
  fi
  if [[ $apply_live != true ]]; then
    writ_result error "AppArmor profiles can only be loaded live, and apply_live is false; nothing was changed" LIVE_CHANGE_DISABLED
    exit 1
  fi
  if [[ ! -d /run/systemd/system ]]; then
    writ_result error "systemd is not running as PID 1, so the apparmor service cannot be started; nothing was changed" NO_SYSTEMD
    exit 1
  fi
  if ! unit_state=$(systemctl is-enabled apparmor.service 2>/dev/null) && [[ -z $unit_state ]]; then
    writ_result error "the apparmor service is not installed; install the distribution's apparmor package first; nothing was changed" PACKAGE_MISSING
    exit 1
  fi
  if [[ ! -f $record ]]; then
    prepare_state_dir
    printf 'framework=apparmor\nunit=%s\n' "$unit_state" >"$record.tmp"
    mv -f -- "$record.tmp" "$record"
  fi
  systemctl enable apparmor.service >/dev/null 2>&1 || true
  if ! systemctl reload-or-restart apparmor.service >/dev/null 2>&1; then
    writ_result error "the apparmor service failed to start" SERVICE_FAILED
    exit 1
  fi
  enforced=$(count_enforced)
  writ_observe_raw apparmor_enforced_profiles "$enforced"
  writ_observe_raw changed true
  if [ "$enforced" -lt "$min_enforced_profiles" ]; then
    writ_result error "the apparmor service runs but enforces only $enforced profiles; a person must choose and install profiles" NO_ENFORCED_PROFILES
    exit 1
  fi
  writ_result pass "AppArmor now enforces $enforced profiles"
  exit 0
fi

if [[ -f $selinux_config ]]; then
  writ_observe mac_framework selinux
  writ_result error "SELinux is disabled in the running kernel; enabling it needs a full relabel and a reboot that a person schedules; nothing was changed" SELINUX_DISABLED
  exit 1
fi
writ_observe mac_framework none
writ_result error "neither SELinux nor AppArmor is available in the running kernel; nothing was changed" NO_MAC_FRAMEWORK
exit 1
