#!/usr/bin/env bash
# LIN-SVC-004 rollback: restore the saved inetd/xinetd files byte for byte and, with apply_live,
# reinstall removed packages, re-enable and restart stopped units and reload inetd/xinetd. Live
# parts it could not do (apply_live false) stay in the record.
set -euo pipefail
IFS= read -r -d '' telnet_port || true
IFS= read -r -d '' proc_net_dir || true
IFS= read -r -d '' inetd_conf || true
IFS= read -r -d '' xinetd_dir || true
IFS= read -r -d '' telnet_units || true
IFS= read -r -d '' inetd_units || true
IFS= read -r -d '' telnet_packages || true
IFS= read -r -d '' remove_packages || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' apply_live || true
IFS= read -r -d '' systemd_run_dir || true
: "${telnet_port}" "${proc_net_dir}" "${inetd_conf}" "${xinetd_dir}" "${telnet_units}" "${telnet_packages}" "${remove_packages}"

record="$state_dir/LIN-SVC-004.d"
if [[ ! -d $record ]]; then
  writ_result error "no saved state to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
name_ok() { [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9@._:+-]{0,254}$ ]]; }
# Reads a record list into the named array, refusing anything that is not a plain name.
read_list() {
  local -n into=$1
  local item
  into=()
  [[ -f $record/$2 ]] || return 0
  while IFS= read -r item || [[ -n $item ]]; do
    [[ -z $item ]] && continue
    name_ok "$item" || return 1
    into+=("$item")
  done <"$record/$2"
}
stopped=() disabled=() removed=() super_units=()
if ! read_list stopped units.stopped || ! read_list disabled units.disabled || ! read_list removed packages.removed; then
  writ_result error "the saved state is damaged; nothing was changed" BAD_ROLLBACK_STATE
  exit 1
fi
mapfile -t lines <<<"$inetd_units"
for x in "${lines[@]}"; do
  [[ -z $x ]] && continue
  if ! name_ok "$x"; then
    writ_result error "an inetd unit name is not a plain name; nothing was changed" BAD_PARAMETER
    exit 1
  fi
  super_units+=("$x")
done
for pathfile in "$record"/path.*; do
  [[ -e $pathfile ]] || continue
  target=$(<"$pathfile")
  if [[ $target != /* || $target == *$'\n'* || ! -f $record/file.${pathfile##*.} ]]; then
    writ_result error "the saved state is damaged; nothing was changed" BAD_ROLLBACK_STATE
    exit 1
  fi
done

systemd=false
[[ -d $systemd_run_dir ]] && command -v systemctl >/dev/null 2>&1 && systemd=true
if [[ $systemd == true && ( ${#stopped[@]} -gt 0 || ${#disabled[@]} -gt 0 ) ]] && ! out=$(systemctl show -p Version 2>&1); then
  writ_observe systemctl_error "${out%%$'\n'*}"
  writ_result error "systemctl cannot answer, so the stopped units cannot be restored; nothing was changed" SYSTEMCTL_FAILED
  exit 1
fi

# 1. Files, byte for byte (mode and owner from the saved copy).
restored=''
for pathfile in "$record"/path.*; do
  [[ -e $pathfile ]] || continue
  n=${pathfile##*.}
  target=$(<"$pathfile")
  tmp=$(mktemp "$target.writ.XXXXXX")
  cp -p "$record/file.$n" "$tmp"
  mv -f "$tmp" "$target"
  rm -f "$record/file.$n" "$pathfile"
  restored+="${restored:+ }$target"
done
writ_observe restored_files "$restored"

# 2. Live parts.
plan=()
failed=''
step() {
  plan+=("$*")
  if [[ $apply_live == true && -z $failed ]] && ! "$@" >/dev/null 2>&1; then
    failed="$*"
  fi
  return 0
}
if [[ ${#removed[@]} -gt 0 ]]; then
  if command -v apt-get >/dev/null 2>&1; then
    step env DEBIAN_FRONTEND=noninteractive apt-get install -y "${removed[@]}"
  elif command -v dnf >/dev/null 2>&1; then
    step dnf install -y "${removed[@]}"
  elif command -v yum >/dev/null 2>&1; then
    step yum install -y "${removed[@]}"
  else
    failed='no package manager to reinstall the removed packages'
  fi
fi
if [[ ${#disabled[@]} -gt 0 || ${#stopped[@]} -gt 0 ]] && [[ $systemd != true ]]; then
  failed='units were stopped or disabled, but systemd is not running to start them again'
fi
for u in "${disabled[@]}"; do step systemctl enable -- "$u"; done
for u in "${stopped[@]}"; do step systemctl start -- "$u"; done
if [[ -n $restored && $systemd == true ]]; then
  for u in "${super_units[@]}"; do
    [[ $(systemctl is-active -- "$u" 2>/dev/null || true) == active ]] && step systemctl try-reload-or-restart -- "$u"
  done
fi

plan_text=''
for p in "${plan[@]}"; do plan_text+="${plan_text:+; }$p"; done
if [[ -n $failed ]]; then
  writ_observe live_steps "$plan_text"
  writ_observe failed_step "$failed"
  writ_result error "files restored, but a live step failed; the rest of the record is kept" ROLLBACK_FAILED
  exit 1
fi
if [[ $apply_live != true && ( ${#removed[@]} -gt 0 || ${#disabled[@]} -gt 0 || ${#stopped[@]} -gt 0 ) ]]; then
  writ_observe skipped_live_steps "$plan_text"
  writ_result pass "files restored; live steps skipped (apply_live false) and kept in the record"
  exit 0
fi
writ_observe live_steps "$plan_text"
rm -f "$record/units.stopped" "$record/units.disabled" "$record/packages.removed"
rmdir "$record" 2>/dev/null || true
writ_result pass "telnet configuration put back to its recorded state"
