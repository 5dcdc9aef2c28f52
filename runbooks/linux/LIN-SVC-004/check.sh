#!/usr/bin/env bash
# LIN-SVC-004 check: nothing serves telnet: no listener on telnet_port, no active inetd or xinetd
# telnet entry and, where systemd runs, no active or enabled telnet unit.
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
: "${inetd_units}" "${remove_packages}" "${state_dir}" "${apply_live}"

writ_expect_raw listeners 0
writ_expect_raw inetd_entries 0
writ_expect xinetd_files ''
writ_expect active_units ''
writ_expect enabled_units ''

if [[ ! $telnet_port =~ ^[1-9][0-9]{0,4}$ ]] || [ "$telnet_port" -gt 65535 ]; then
  writ_observe bad_parameter "$telnet_port"
  writ_result error "telnet_port is not a TCP port number" BAD_PARAMETER
  exit 0
fi
units=() packages=()
mapfile -t lines <<<"$telnet_units"
for u in "${lines[@]}"; do
  [[ -z $u ]] && continue
  if [[ ! $u =~ ^[A-Za-z0-9][A-Za-z0-9@._:-]{0,254}$ ]]; then
    writ_observe bad_parameter "$u"
    writ_result error "a unit name is not a plain unit name" BAD_PARAMETER
    exit 0
  fi
  units+=("$u")
done
mapfile -t lines <<<"$telnet_packages"
for p in "${lines[@]}"; do
  [[ -z $p ]] && continue
  if [[ ! $p =~ ^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$ ]]; then
    writ_observe bad_parameter "$p"
    writ_result error "a package name is not a plain package name" BAD_PARAMETER
    exit 0
  fi
  packages+=("$p")
done

# 1. Listening sockets on the telnet port, from the kernel's tables (state 0A is LISTEN).
want=$(printf '%04X' "$telnet_port")
tables=0 listeners=0
for table in tcp tcp6; do
  [[ -r $proc_net_dir/$table ]] || continue
  tables=$((tables + 1))
  while read -r _ laddr _ st _; do
    [[ $st == 0A && ${laddr##*:} == "$want" ]] && listeners=$((listeners + 1))
  done <"$proc_net_dir/$table"
done
if [[ $tables -eq 0 ]]; then
  writ_result error "the kernel's TCP socket tables are not readable, so listeners cannot be checked" NO_SOCKET_TABLE
  exit 0
fi
writ_observe_raw listeners "$listeners"

# 2. inetd: uncommented lines whose service is telnet or whose server is a telnetd.
inetd_entries=0
if [[ -f $inetd_conf ]]; then
  if [[ ! -r $inetd_conf ]]; then
    writ_result error "the inetd configuration file is not readable" CONFIG_UNREADABLE
    exit 0
  fi
  inetd_entries=$(awk '/^[[:space:]]*#/ { next } NF && ($1 == "telnet" || $0 ~ /telnetd/) { n++ } END { print n + 0 }' "$inetd_conf")
fi
writ_observe_raw inetd_entries "$inetd_entries"

# 3. xinetd: service files for telnet without `disable = yes`.
xinetd_files=''
if [[ -d $xinetd_dir ]]; then
  for f in "$xinetd_dir"/*; do
    [[ -f $f && -r $f ]] || continue
    state=$(awk '
      /^[[:space:]]*#/ { next }
      /^[[:space:]]*service[[:space:]]+telnet([[:space:]]|$)/ { t = 1 }
      /^[[:space:]]*server[[:space:]]*=.*telnetd/ { t = 1 }
      /^[[:space:]]*disable[[:space:]]*=[[:space:]]*yes/ { d = 1 }
      END { if (t && !d) print "enabled" }' "$f")
    [[ $state == enabled ]] && xinetd_files+="${xinetd_files:+ }${f##*/}"
  done
fi
writ_observe xinetd_files "$xinetd_files"

# 4. systemd units, where systemd runs.
active_units='' enabled_units='' systemd=false
if [[ -d $systemd_run_dir ]] && command -v systemctl >/dev/null 2>&1; then
  systemd=true
  for u in "${units[@]}"; do
    if ! out=$(systemctl show -p LoadState -p ActiveState -p UnitFileState -- "$u" 2>&1); then
      writ_observe systemctl_error "${out%%$'\n'*}"
      writ_result error "systemctl could not report the telnet units" SYSTEMCTL_FAILED
      exit 0
    fi
    load='' active='' file=''
    while IFS= read -r line; do
      case $line in
        LoadState=*) load=${line#*=} ;;
        ActiveState=*) active=${line#*=} ;;
        UnitFileState=*) file=${line#*=} ;;
      esac
    done <<<"$out"
    [[ $load == loaded ]] || continue
    [[ $active == active || $active == activating || $active == reloading ]] && active_units+="${active_units:+ }$u"
    [[ $file == enabled || $file == enabled-runtime ]] && enabled_units+="${enabled_units:+ }$u"
  done
fi
writ_observe_raw systemd "$systemd"
writ_observe active_units "$active_units"
writ_observe enabled_units "$enabled_units"

# 5. Installed telnet server packages (evidence only).
installed=''
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    [[ $(dpkg-query -W -f="\${Status}" "$p" 2>/dev/null || true) == 'install ok installed' ]] && installed+="${installed:+ }$p"
  done
elif command -v rpm >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    rpm -q --quiet "$p" 2>/dev/null && installed+="${installed:+ }$p"
  done
fi
writ_observe installed_packages "$installed"

found=()
[ "$listeners" -gt 0 ] && found+=("$listeners listener(s) on port $telnet_port")
[ "$inetd_entries" -gt 0 ] && found+=("$inetd_entries inetd entr(y/ies)")
[[ -n $xinetd_files ]] && found+=("xinetd service $xinetd_files")
[[ -n $active_units ]] && found+=("active unit $active_units")
[[ -n $enabled_units ]] && found+=("enabled unit $enabled_units")
if [ "${#found[@]}" -gt 0 ]; then
  summary=''
  for x in "${found[@]}"; do summary+="${summary:+, }$x"; done
  writ_result fail "a telnet server is configured or running: $summary"
elif [[ $systemd == true ]]; then
  writ_result pass "no telnet server listens, is configured in inetd or xinetd, or is an active or enabled unit"
else
  writ_result pass "no telnet server listens or is configured in inetd or xinetd (systemd is not PID 1, so there are no units to check)"
fi
