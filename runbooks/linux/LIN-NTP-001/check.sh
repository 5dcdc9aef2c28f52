#!/usr/bin/env bash
# LIN-NTP-001 check: the clock is synchronised by chrony, ntpd or systemd-timesyncd.
set -euo pipefail
IFS= read -r -d '' chrony_conf || true
IFS= read -r -d '' ntp_servers || true
IFS= read -r -d '' source_type || true
IFS= read -r -d '' makestep_threshold || true
IFS= read -r -d '' makestep_limit || true
IFS= read -r -d '' sync_wait_seconds || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' state_dir || true
: "$ntp_servers" "$source_type" "$makestep_threshold" "$makestep_limit" "$sync_wait_seconds" "$apply_live" "$state_dir"

# Observes how chrony_conf is set up and decides whether the clock is synchronised.
evaluate() {
  local begin='# BEGIN writ LIN-NTP-001' end='# END writ LIN-NTP-001'
  local source_re='^[[:space:]]*(server|pool|peer)[[:space:]]'
  local line in_block=false sources=0 managed=0 systemd=false out leap
  if [[ -f $chrony_conf && -r $chrony_conf ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      if [[ $line == "$begin"* ]]; then
        in_block=true
      elif [[ $line == "$end" ]]; then
        in_block=false
      elif [[ $line =~ $source_re ]]; then
        sources=$((sources + 1))
        [[ $in_block == true ]] && managed=$((managed + 1))
      fi
    done <"$chrony_conf"
  fi
  writ_observe_raw configured_sources "$sources"
  writ_observe_raw writ_managed_sources "$managed"
  [[ -d /run/systemd/system ]] && systemd=true
  writ_observe_raw systemd_running "$systemd"
  writ_expect_raw synchronised true

  if command -v chronyc >/dev/null 2>&1; then
    writ_observe time_service chrony
    if ! out=$(chronyc -n tracking 2>&1); then
      writ_observe_raw synchronised false
      writ_result fail "chrony is installed but chronyd does not answer, so the clock is not being synchronised"
      return
    fi
    leap=$(printf '%s\n' "$out" | sed -n 's/^Leap status *: *//p' | head -n 1)
    writ_observe leap_status "${leap:-unknown}"
    if [[ $leap == Normal ]]; then
      writ_observe_raw synchronised true
      writ_result pass "chrony keeps the clock synchronised (leap status Normal)"
    else
      writ_observe_raw synchronised false
      writ_result fail "chrony is not synchronised (leap status ${leap:-unknown})"
    fi
    return
  fi
  if command -v ntpq >/dev/null 2>&1; then
    writ_observe time_service ntpd
    if out=$(ntpq -pn 2>/dev/null) && printf '%s\n' "$out" | grep -q '^\*'; then
      writ_observe_raw synchronised true
      writ_result pass "ntpd has selected a peer and keeps the clock synchronised"
    else
      writ_observe_raw synchronised false
      writ_result fail "ntpd has no selected peer or does not answer"
    fi
    return
  fi
  if [[ $systemd == false ]]; then
    writ_observe time_service none
    writ_result error "no chronyd or ntpd is installed and systemd is not running as PID 1, so systemd-timesyncd cannot be asked" NO_SYSTEMD
    return
  fi
  if command -v timedatectl >/dev/null 2>&1 && out=$(timedatectl show -p NTPSynchronized --value 2>/dev/null); then
    writ_observe time_service systemd-timesyncd
    if [[ $out == yes ]]; then
      writ_observe_raw synchronised true
      writ_result pass "systemd reports the clock as NTP-synchronised"
    else
      writ_observe_raw synchronised false
      writ_result fail "systemd reports the clock as not NTP-synchronised"
    fi
    return
  fi
  writ_observe time_service none
  writ_result error "no time synchronisation service (chrony, ntpd, systemd-timesyncd) could be queried" NO_TIME_SYNC_SERVICE
}

evaluate
