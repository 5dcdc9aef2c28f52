#!/usr/bin/env bash
# LIN-SSH-001 remediate: put one writ-managed "PermitRootLogin no" line (after a marker comment) at
# the top of the main sshd configuration (first value wins), keeping every other line.
# Idempotent: when the managed line is already there and nothing above it can set PermitRootLogin
# first, the file is left as it is (also when another writ runbook put its own lines above it).
set -euo pipefail
IFS= read -r -d '' sshd_config || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' reload || true
IFS= read -r -d '' service_units || true

marker='# managed by writ LIN-SSH-001'
setting='PermitRootLogin no'
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
if [[ ! -f $sshd_config ]]; then
  writ_result error "no sshd configuration file at the configured path; nothing was changed" NO_SSHD_CONFIG
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

writ_observe permit_root_login no
# The managed pair already wins when the file holds exactly one, it carries the setting, and no line
# above it sets PermitRootLogin, includes a file or opens a Match block. Then nothing is rewritten,
# so a second run (or a run after LIN-SSH-002/003 put their lines on top) changes nothing.
if awk -v m="$marker" -v s="$setting" '
  after { after = 0; pairs++; if ($0 == s && !shadowed) good = 1; else bad = 1; next }
  $0 == m { after = 1; next }
  !pairs {
    line = $0; sub(/#.*/, "", line); sub(/^[ \t]+/, "", line); split(line, w, /[ \t=]+/)
    k = tolower(w[1])
    if (k == "permitrootlogin" || k == "include" || k == "match") shadowed = 1
  }
  END { exit !(good && !bad && !after && pairs == 1) }' "$sshd_config"; then
  writ_observe_raw changed false
  writ_result pass "PermitRootLogin is already set to no by writ; nothing changed"
  exit 0
fi

tmp=$(mktemp "${sshd_config}.writ.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
  printf '%s\n%s\n' "$marker" "$setting"
  # Drop an earlier writ-managed pair (the marker and the line after it); keep everything else.
  awk -v m="$marker" 'skip { skip = 0; next } $0 == m { skip = 1; next } { print }' "$sshd_config"
} >"$tmp"
chmod --reference="$sshd_config" "$tmp"
chown --reference="$sshd_config" "$tmp" 2>/dev/null || true

if [[ $reload == true ]]; then
  sshd_bin=$(command -v sshd || true)
  [[ -z $sshd_bin && -x /usr/sbin/sshd ]] && sshd_bin=/usr/sbin/sshd
  if [[ -z $sshd_bin ]]; then
    writ_result error "sshd is not installed, so the changed configuration cannot be tested; nothing was changed" SSHD_NOT_FOUND
    exit 1
  fi
  if ! test_out=$("$sshd_bin" -t -f "$tmp" 2>&1); then
    writ_observe sshd_test "${test_out%%$'\n'*}"
    writ_result error "sshd rejects the changed configuration; nothing was changed" SSHD_CONFIG_INVALID
    exit 1
  fi
fi

# Record the prior state once per incident: a backup that exists is the original, not our change.
# The written copy lets rollback tell whether the file is still exactly ours. When a backup exists
# and the file changed since our last write (someone else's edit in between), restoring the whole
# backup would lose that edit, so the written copy is dropped and rollback removes our lines only.
mkdir -p "$state_dir"
chmod 0700 "$state_dir"
keep_written=true
if [[ ! -f $backup ]]; then
  cp -p "$sshd_config" "$backup"
elif [[ ! -f $written ]] || ! cmp -s "$written" "$sshd_config"; then
  keep_written=false
fi
mv -f "$tmp" "$sshd_config"
trap - EXIT
if [[ $keep_written == true ]]; then
  cp -p "$sshd_config" "$written"
else
  rm -f "$written"
fi
writ_observe_raw changed true

if [[ $reload == true ]]; then
  reload_status=''
  if ! reload_sshd; then
    writ_observe reload "$reload_status"
    writ_result error "PermitRootLogin set to no, but sshd was not reloaded" RELOAD_FAILED
    exit 1
  fi
  writ_observe reload "$reload_status"
else
  writ_observe reload 'skipped (reload false)'
fi
writ_result pass "PermitRootLogin set to no"
