#!/usr/bin/env bash
# LIN-SSH-001 rollback: restore the sshd configuration saved before remediation, but only when the
# file is still exactly what remediation wrote. Otherwise (a later change, for example by
# LIN-SSH-002 or LIN-SSH-003, or no record of what was written) only this runbook's marker and
# line are removed, so the later change survives.
set -euo pipefail
IFS= read -r -d '' sshd_config || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' reload || true
IFS= read -r -d '' service_units || true

marker='# managed by writ LIN-SSH-001'
backup="$state_dir/LIN-SSH-001.sshd_config"
written="$state_dir/LIN-SSH-001.written"

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
if [[ ! -f $backup ]]; then
  writ_result error "no saved configuration to roll back to" NO_ROLLBACK_STATE
  exit 1
fi

# Reloads the running sshd: the first active unit of service_units under systemd, otherwise the
# sshd named by /run/sshd.pid. Sets reload_status.
reload_sshd() {
  local unit pid comm
  if [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1; then
    for unit in "${units[@]}"; do
      if [[ $(systemctl is-active -- "$unit" 2>/dev/null || true) == active ]]; then
        if systemctl reload -- "$unit" >/dev/null 2>&1; then reload_status="reloaded $unit"; return 0; fi
        reload_status="reload of $unit failed"
        return 1
      fi
    done
    reload_status='sshd not running; the change applies when it starts'
    return 0
  fi
  if [[ -r /run/sshd.pid ]]; then
    read -r pid </run/sshd.pid || true
    if [[ $pid =~ ^[0-9]+$ ]] && read -r comm <"/proc/$pid/comm" 2>/dev/null && [[ $comm == sshd ]]; then
      if kill -HUP "$pid" 2>/dev/null; then reload_status="sent SIGHUP to sshd $pid"; return 0; fi
    fi
  fi
  reload_status='no systemd and no running sshd found by /run/sshd.pid'
  return 1
}

tmp=$(mktemp "${sshd_config}.writ.XXXXXX")
trap 'rm -f "$tmp"' EXIT
if [[ ! -f $sshd_config ]] || { [[ -f $written ]] && cmp -s "$written" "$sshd_config"; }; then
  cp -p "$backup" "$tmp"
  mode='restored the saved copy'
else
  # The file changed after us (or we cannot tell): take out our two lines only.
  awk -v m="$marker" 'skip { skip = 0; next } $0 == m { skip = 1; next } { print }' "$sshd_config" >"$tmp"
  chmod --reference="$sshd_config" "$tmp"
  chown --reference="$sshd_config" "$tmp" 2>/dev/null || true
  mode='removed the writ lines; later changes kept'
fi
mv -f "$tmp" "$sshd_config"
trap - EXIT
rm -f "$backup" "$written"
writ_observe restore "$mode"

if [[ $reload == true ]]; then
  reload_status=''
  if ! reload_sshd; then
    writ_observe reload "$reload_status"
    writ_result error "sshd configuration restored, but sshd was not reloaded" RELOAD_FAILED
    exit 1
  fi
  writ_observe reload "$reload_status"
fi
writ_result pass "sshd configuration rolled back ($mode)"
