#!/usr/bin/env bash
# LIN-MAC-001 check: SELinux enforcing (live and at boot), or AppArmor with enough enforced profiles.
set -euo pipefail
IFS= read -r -d '' selinuxfs || true
IFS= read -r -d '' selinux_config || true
IFS= read -r -d '' apparmor_enabled_file || true
IFS= read -r -d '' apparmor_profiles_file || true
IFS= read -r -d '' min_enforced_profiles || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' state_dir || true
: "$apply_live" "$state_dir"

if [[ ! $min_enforced_profiles =~ ^[1-9][0-9]{0,4}$ ]]; then
  writ_result error "min_enforced_profiles is not a whole number" BAD_PARAMETER
  exit 0
fi

# Prints the boot mode as libselinux reads it: the first line starting with "SELINUX=" wins.
# "unset" without such a line, "absent" without the file.
config_mode() {
  local line re='^SELINUX=[[:space:]]*([^[:space:]#]*)'
  if [[ ! -f $selinux_config ]]; then
    printf 'absent'
    return
  fi
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line =~ $re ]]; then
      printf '%s' "${BASH_REMATCH[1]:0:100}"
      return
    fi
  done <"$selinux_config"
  printf 'unset'
}

if [[ -e $selinuxfs/enforce ]]; then
  writ_observe mac_framework selinux
  writ_expect selinux_mode enforcing
  writ_expect selinux_config_mode enforcing
  if ! live=$(head -c 1 -- "$selinuxfs/enforce" 2>/dev/null) || [[ ! $live =~ ^[01]$ ]]; then
    writ_result error "the live SELinux mode cannot be read" MAC_STATE_UNREADABLE
    exit 0
  fi
  mode=permissive
  [[ $live == 1 ]] && mode=enforcing
  boot=$(config_mode)
  writ_observe selinux_mode "$mode"
  writ_observe selinux_config_mode "$boot"
  if [[ $mode == enforcing && ${boot,,} == enforcing ]]; then
    writ_result pass "SELinux is enforcing and is configured to enforce at boot"
  elif [[ $mode == enforcing ]]; then
    writ_result fail "SELinux is enforcing now but the boot configuration says $boot"
  else
    writ_result fail "SELinux is permissive: policy violations are logged but not blocked"
  fi
  exit 0
fi

apparmor_flag=''
[[ -r $apparmor_enabled_file ]] && apparmor_flag=$(head -c 1 -- "$apparmor_enabled_file" 2>/dev/null || true)
if [[ $apparmor_flag == Y || -e $apparmor_profiles_file ]]; then
  writ_observe mac_framework apparmor
  writ_expect apparmor_enforced_profiles ">=$min_enforced_profiles"
  if [[ ! -r $apparmor_profiles_file ]]; then
    writ_result error "AppArmor is enabled but its loaded profiles cannot be read (securityfs not mounted or no permission)" MAC_STATE_UNREADABLE
    exit 0
  fi
  enforced=0
  complain=0
  while IFS= read -r line || [[ -n $line ]]; do
    case $line in
      *' (enforce)' | *' (kill)') enforced=$((enforced + 1)) ;;
      *' (complain)') complain=$((complain + 1)) ;;
    esac
  done <"$apparmor_profiles_file"
  writ_observe_raw apparmor_enforced_profiles "$enforced"
  writ_observe_raw apparmor_complain_profiles "$complain"
  if [ "$enforced" -ge "$min_enforced_profiles" ]; then
    writ_result pass "AppArmor enforces $enforced profiles"
  else
    writ_result fail "AppArmor enforces $enforced profiles, fewer than $min_enforced_profiles"
  fi
  exit 0
fi

boot=$(config_mode)
if [[ $boot != absent ]]; then
  writ_observe mac_framework selinux
  writ_observe selinux_mode disabled
  writ_observe selinux_config_mode "$boot"
  writ_expect selinux_mode enforcing
  writ_result fail "SELinux is installed but disabled in the running kernel"
  exit 0
fi
writ_observe mac_framework none
writ_result error "neither SELinux nor AppArmor is available in the running kernel; enabling one needs packages and a reboot that a person plans" NO_MAC_FRAMEWORK
