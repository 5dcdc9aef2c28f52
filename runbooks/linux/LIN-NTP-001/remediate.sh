#!/usr/bin/env bash
# LIN-NTP-001 remediate: put the ntp_servers sources (and a makestep line when the file has none)
# in one writ-managed block of chrony's configuration, keeping every other line, then restart
# chronyd (apply_live), which may step the clock. Records the prior configuration once per
# incident. Idempotent: the block is rewritten in place, never appended twice.
set -euo pipefail
IFS= read -r -d '' chrony_conf || true
IFS= read -r -d '' ntp_servers || true
IFS= read -r -d '' source_type || true
IFS= read -r -d '' makestep_threshold || true
IFS= read -r -d '' makestep_limit || true
IFS= read -r -d '' sync_wait_seconds || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' state_dir || true
: "$sync_wait_seconds"

begin='# BEGIN writ LIN-NTP-001: managed by writ; change the rule parameters, not these lines'
end='# END writ LIN-NTP-001'
begin_key='# BEGIN writ LIN-NTP-001'

# Parameters are checked again here: they end up in a configuration file.
mapfile -t servers <<<"$ntp_servers"
valid=()
for s in "${servers[@]}"; do
  [[ -z $s ]] && continue
  if [[ ! $s =~ ^[A-Za-z0-9][A-Za-z0-9.:-]{0,252}$ ]]; then
    writ_result error "an ntp_servers entry is not a host name or address; nothing was changed" BAD_PARAMETER
    exit 1
  fi
  valid+=("$s")
done
if [[ ${#valid[@]} -eq 0 || ! $source_type =~ ^(pool|server)$ || ! $makestep_threshold =~ ^[0-9]{1,5}(\.[0-9]{1,6})?$ || ! $makestep_limit =~ ^-?[0-9]{1,3}$ ]]; then
  writ_result error "the NTP parameters are out of range; nothing was changed" BAD_PARAMETER
  exit 1
fi
if [[ -L $chrony_conf || ! -f $chrony_conf ]]; then
  writ_result error "chrony is not installed (no configuration at the configured path); install it through the site's package process; nothing was changed" CHRONY_NOT_INSTALLED
  exit 1
fi
unit=''
if [[ $apply_live == true ]]; then
  if [[ ! -d /run/systemd/system ]]; then
    writ_result error "systemd is not running as PID 1, so chronyd cannot be restarted; nothing was changed" NO_SYSTEMD
    exit 1
  fi
  for candidate in chrony.service chronyd.service; do
    if systemctl cat "$candidate" >/dev/null 2>&1; then
      unit=$candidate
      break
    fi
  done
  if [[ -z $unit ]] || ! command -v chronyc >/dev/null 2>&1; then
    writ_result error "chronyd's service or chronyc is missing; install chrony through the site's package process; nothing was changed" CHRONY_NOT_INSTALLED
    exit 1
  fi
fi

# Pass 1: the lines outside any writ block, where the block was, and whether a makestep exists.
mapfile -t lines <"$chrony_conf"
ends_with_newline=true
if [[ -s $chrony_conf && -n $(tail -c 1 -- "$chrony_conf") ]]; then
  ends_with_newline=false
fi
kept=()
position=-1
in_block=false
has_makestep=false
for line in "${lines[@]}"; do
  if [[ $in_block == true ]]; then
    [[ $line == "$end" ]] && in_block=false
    continue
  fi
  if [[ $line == "$begin_key"* ]]; then
    in_block=true
    [[ $position -lt 0 ]] && position=${#kept[@]}
    continue
  fi
  [[ $line =~ ^[[:space:]]*makestep([[:space:]]|$) ]] && has_makestep=true
  kept+=("$line")
done
if [[ $in_block == true ]]; then
  writ_result error "the writ block in the chrony configuration has no end line; fix it by hand; nothing was changed" BLOCK_DAMAGED
  exit 1
fi

block=("$begin")
for s in "${valid[@]}"; do block+=("$source_type $s iburst"); done
[[ $has_makestep == false ]] && block+=("makestep $makestep_threshold $makestep_limit")
block+=("$end")
if [[ $position -lt 0 ]]; then
  position=${#kept[@]}
  ends_with_newline=true
fi
result=("${kept[@]:0:position}" "${block[@]}" "${kept[@]:position}")

dir=$(dirname -- "$chrony_conf")
tmp=$(mktemp "$dir/.chrony.conf.writ.XXXXXX")
trap 'rm -f "$tmp"' EXIT
printf '%s\n' "${result[@]}" >"$tmp"
# A last line without a newline stays without one.
[[ $ends_with_newline == true ]] || truncate -s -1 -- "$tmp"

config_changed=false
if ! cmp -s -- "$tmp" "$chrony_conf"; then
  config_changed=true
fi
synced=false
if [[ $apply_live == true ]] && chronyc -n tracking 2>/dev/null | grep -q '^Leap status *: *Normal'; then
  synced=true
fi
writ_observe_raw writ_managed_sources "${#valid[@]}"
if [[ $config_changed == false && ($apply_live != true || $synced == true) ]]; then
  writ_observe_raw changed false
  writ_result pass "chrony already has the writ-managed sources; nothing was changed"
  exit 0
fi

if [[ $config_changed == true ]]; then
  chmod --reference="$chrony_conf" -- "$tmp"
  if ! chown --reference="$chrony_conf" -- "$tmp" 2>/dev/null; then
    writ_result error "could not keep the owner of the chrony configuration (chown refused); nothing was changed" CHOWN_FAILED
    exit 1
  fi
  # Record the prior state once per incident: an existing record is the original, not our change.
  mkdir -p -- "$state_dir"
  chmod 0700 -- "$state_dir"
  backup="$state_dir/LIN-NTP-001.chrony.conf"
  [[ -f $backup ]] || cp -p -- "$chrony_conf" "$backup"
  mv -f -- "$tmp" "$chrony_conf"
fi
trap - EXIT
rm -f -- "$tmp"

if [[ $apply_live == true ]]; then
  if ! systemctl restart "$unit" >/dev/null 2>&1; then
    writ_result error "the chrony configuration is updated but chronyd failed to restart" SERVICE_FAILED
    exit 1
  fi
  writ_observe_raw changed true
  writ_result pass "chrony uses the writ-managed sources and was restarted; it steps the clock if it is off by more than the makestep threshold"
else
  writ_observe_raw changed true
  writ_result pass "chrony's configuration has the writ-managed sources; chronyd was not restarted (apply_live is false)"
fi
