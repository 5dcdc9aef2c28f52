#!/usr/bin/env bash
# LIN-MAC-001 rollback: restore the recorded SELinux boot configuration and live mode, or the
# apparmor service's enablement (profiles it loaded stay loaded until the next reboot).
set -euo pipefail
IFS= read -r -d '' selinuxfs || true
IFS= read -r -d '' selinux_config || true
IFS= read -r -d '' apparmor_enabled_file || true
IFS= read -r -d '' apparmor_profiles_file || true
IFS= read -r -d '' min_enforced_profiles || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' state_dir || true
: "$apparmor_enabled_file" "$apparmor_profiles_file" "$min_enforced_profiles"

record="$state_dir/LIN-MAC-001.state"
config_copy="$state_dir/LIN-MAC-001.selinux-config"
if [[ ! -f $record ]]; then
  writ_result error "no recorded prior state to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
framework='' enforce='' unit=''
while IFS='=' read -r key value || [[ -n $key ]]; do
  case $key in
    framework) framework=$value ;;
    enforce) enforce=$value ;;
    unit) unit=$value ;;
  esac
done <"$record"

case $framework in
  selinux)
    if [[ ! $enforce =~ ^[01]$ || ! -f $config_copy ]]; then
      writ_result error "the rollback record is damaged; nothing was changed" BAD_ROLLBACK_STATE
      exit 1
    fi
    tmp=$(mktemp "$(dirname -- "$selinux_config")/.selinux-config.writ.XXXXXX")
    trap 'rm -f "$tmp"' EXIT
    cp -p -- "$config_copy" "$tmp"
    mv -f -- "$tmp" "$selinux_config"
    trap - EXIT
    if [[ $apply_live == true && -e $selinuxfs/enforce ]]; then
      current=$(head -c 1 -- "$selinuxfs/enforce" 2>/dev/null || true)
      if [[ $current != "$enforce" ]] && ! printf '%s' "$enforce" >"$selinuxfs/enforce" 2>/dev/null; then
        writ_result error "the boot configuration is restored, but the live mode could not be set back" SETENFORCE_FAILED
        exit 1
      fi
    fi
    rm -f -- "$config_copy" "$record"
    writ_result pass "SELinux's prior boot configuration and live mode are restored"
    ;;
  apparmor)
    if [[ ! -d /run/systemd/system ]]; then
      writ_result error "systemd is not running as PID 1, so the apparmor service cannot be changed back" NO_SYSTEMD
      exit 1
    fi
    case $unit in
      disabled | masked)
        systemctl disable apparmor.service >/dev/null 2>&1 || true
        [[ $unit == masked ]] && systemctl mask apparmor.service >/dev/null 2>&1
        ;;
    esac
    rm -f -- "$record"
    writ_result pass "the apparmor service's prior enablement ($unit) is restored; loaded profiles stay until the next reboot"
    ;;
  *)
    writ_result error "the rollback record is damaged; nothing was changed" BAD_ROLLBACK_STATE
    exit 1
    ;;
esac
