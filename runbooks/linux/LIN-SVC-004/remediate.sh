#!/usr/bin/env bash
# LIN-SVC-004 remediate: turn telnet off wherever it is configured: comment out inetd entries
# (Debian's "#<off># " prefix), set `disable = yes` in xinetd telnet files, and with apply_live stop
# and disable telnet units, reload inetd/xinetd and remove telnet server packages. Records what it
# changes (saved files, stopped units, removed packages) once per incident. Idempotent.
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
: "${telnet_port}" "${proc_net_dir}"

record="$state_dir/LIN-SVC-004.d"
name_ok() { [[ $1 =~ ^[A-Za-z0-9][A-Za-z0-9@._:+-]{0,254}$ ]]; }
units=() super_units=() packages=()
mapfile -t lines <<<"$telnet_units"
for x in "${lines[@]}"; do [[ -n $x ]] && units+=("$x"); done
mapfile -t lines <<<"$inetd_units"
for x in "${lines[@]}"; do [[ -n $x ]] && super_units+=("$x"); done
mapfile -t lines <<<"$telnet_packages"
for x in "${lines[@]}"; do [[ -n $x ]] && packages+=("$x"); done
for x in "${units[@]}" "${super_units[@]}" "${packages[@]}"; do
  if ! name_ok "$x"; then
    writ_observe bad_parameter "$x"
    writ_result error "a unit or package name is not a plain name; nothing was changed" BAD_PARAMETER
    exit 1
  fi
done
systemd=false
[[ -d $systemd_run_dir ]] && command -v systemctl >/dev/null 2>&1 && systemd=true
if [[ $systemd == true ]] && ! out=$(systemctl show -p Version 2>&1); then
  writ_observe systemctl_error "${out%%$'\n'*}"
  writ_result error "systemctl cannot answer, so telnet units cannot be handled; nothing was changed" SYSTEMCTL_FAILED
  exit 1
fi

# Record keeping: a directory with file.N/path.N pairs (a saved file and where it belongs) and
# lists of units and packages. Items already recorded in this incident are kept as they are.
ensure_record() {
  mkdir -p "$record"
  chmod 0700 "$state_dir" "$record"
}
save_file() {
  local f=$1 n=0
  ensure_record
  while [[ -f $record/path.$n ]]; do
    [[ $(<"$record/path.$n") == "$f" ]] && return 0
    n=$((n + 1))
  done
  cp -p "$f" "$record/file.$n"
  printf '%s' "$f" >"$record/path.$n"
}
note() { # note LIST ITEM: add ITEM to the record list once
  ensure_record
  touch "$record/$1"
  grep -qxF -- "$2" "$record/$1" || printf '%s\n' "$2" >>"$record/$1"
}
# Replaces FILE with the content of TMP (keeping mode and owner) after saving the original.
replace_file() {
  local f=$1 tmp=$2
  if cmp -s "$tmp" "$f"; then
    rm -f "$tmp"
    return 1
  fi
  save_file "$f"
  chmod --reference="$f" "$tmp"
  chown --reference="$f" "$tmp" 2>/dev/null || true
  mv -f "$tmp" "$f"
}

changed_files=''
tmp=''
trap 'rm -f "$tmp"' EXIT

# 1. inetd entries.
if [[ -f $inetd_conf ]]; then
  tmp=$(mktemp "$inetd_conf.writ.XXXXXX")
  awk '/^[[:space:]]*#/ { print; next } NF && ($1 == "telnet" || $0 ~ /telnetd/) { print "#<off># " $0; next } { print }' "$inetd_conf" >"$tmp"
  if replace_file "$inetd_conf" "$tmp"; then changed_files+="${changed_files:+ }$inetd_conf"; fi
  tmp=''
fi

# 2. xinetd telnet services.
if [[ -d $xinetd_dir ]]; then
  for f in "$xinetd_dir"/*; do
    [[ -f $f ]] || continue
    [[ $f == *.writ.* ]] && continue
    state=$(awk '
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*service[[:space:]]+telnet([[:space:]]|$)/ { t = 1 }
      /^[[:space:]]*server[[:space:]]*=.*telnetd/ { t = 1 }
      /^[[:space:]]*disable[[:space:]]*=/ { h = 1 }
      /^[[:space:]]*disable[[:space:]]*=[[:space:]]*yes/ { d = 1 }
      END { if (t && !d) print (h ? "replace" : "insert") }' "$f")
    [[ -z $state ]] && continue
    tmp=$(mktemp "$f.writ.XXXXXX")
    awk -v mode="$state" '
      mode == "replace" && /^[[:space:]]*disable[[:space:]]*=/ && !/^[[:space:]]*#/ { print "\tdisable\t\t= yes"; next }
      { print }
      mode == "insert" && !done && /\{/ { print "\tdisable\t\t= yes"; done = 1 }' "$f" >"$tmp"
    if replace_file "$f" "$tmp"; then changed_files+="${changed_files:+ }$f"; fi
    tmp=''
  done
fi
trap - EXIT

# 3. Live steps: each an argument list, run as is (never a string parsed by a shell).
plan=()
failed=''
step() {
  plan+=("$*")
  if [[ $apply_live == true && -z $failed ]] && ! "$@" >/dev/null 2>&1; then
    failed="$*"
  fi
  return 0
}
if [[ $systemd == true ]]; then
  for u in "${units[@]}"; do
    if ! out=$(systemctl show -p LoadState -p ActiveState -p UnitFileState -- "$u" 2>&1); then
      failed="systemctl show -- $u"
      break
    fi
    [[ $out == *LoadState=loaded* ]] || continue
    if [[ $out == *ActiveState=active* ]]; then
      [[ $apply_live == true ]] && note units.stopped "$u"
      step systemctl stop -- "$u"
    fi
    if [[ $out == *UnitFileState=enabled* ]]; then
      [[ $apply_live == true ]] && note units.disabled "$u"
      step systemctl disable -- "$u"
    fi
  done
  if [[ -n $changed_files ]]; then
    for u in "${super_units[@]}"; do
      [[ $(systemctl is-active -- "$u" 2>/dev/null || true) == active ]] && step systemctl try-reload-or-restart -- "$u"
    done
  fi
fi
if [[ $remove_packages == true ]]; then
  installed=()
  if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${packages[@]}"; do
      [[ $(dpkg-query -W -f="\${Status}" "$p" 2>/dev/null || true) == 'install ok installed' ]] && installed+=("$p")
    done
    if [[ ${#installed[@]} -gt 0 ]]; then
      if [[ $apply_live == true ]]; then for p in "${installed[@]}"; do note packages.removed "$p"; done; fi
      step env DEBIAN_FRONTEND=noninteractive apt-get remove -y "${installed[@]}"
    fi
  elif command -v rpm >/dev/null 2>&1; then
    for p in "${packages[@]}"; do
      rpm -q --quiet "$p" 2>/dev/null && installed+=("$p")
    done
    if [[ ${#installed[@]} -gt 0 ]]; then
      if [[ $apply_live == true ]]; then for p in "${installed[@]}"; do note packages.removed "$p"; done; fi
      if command -v dnf >/dev/null 2>&1; then step dnf remove -y "${installed[@]}"; else step yum remove -y "${installed[@]}"; fi
    fi
  fi
fi

plan_text=''
for p in "${plan[@]}"; do plan_text+="${plan_text:+; }$p"; done
writ_observe changed_files "$changed_files"
writ_observe_raw systemd "$systemd"
if [[ $apply_live == true ]]; then
  writ_observe live_steps "$plan_text"
else
  writ_observe skipped_live_steps "$plan_text"
fi
if [[ -n $changed_files && $systemd == false ]]; then
  writ_observe reload "inetd/xinetd not reloaded (no systemd); the change applies when it restarts"
fi
if [[ -n $failed ]]; then
  writ_observe failed_step "$failed"
  writ_result error "a live step failed; the files were changed as listed" LIVE_STEP_FAILED
  exit 1
fi
if [[ -z $changed_files && ${#plan[@]} -eq 0 ]]; then
  writ_observe_raw changed false
  writ_result pass "no telnet configuration or unit to turn off; nothing changed"
elif [[ $apply_live != true && -z $changed_files ]]; then
  writ_observe_raw changed false
  writ_result not_applicable "dry run (apply_live false): only live steps were needed; nothing changed" DRY_RUN
else
  writ_observe_raw changed "$([[ -n $changed_files || $apply_live == true ]] && echo true || echo false)"
  writ_result pass "telnet turned off where it was configured"
fi
