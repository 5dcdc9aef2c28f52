#!/usr/bin/env bash
# LIN-PATCH-001 check: count pending security updates from the local package index (never changes
# or refreshes anything) and compare with max_security_updates.
set -euo pipefail
IFS= read -r -d '' package_manager || true
IFS= read -r -d '' max_security_updates || true
IFS= read -r -d '' max_list_age_hours || true
IFS= read -r -d '' apt_lists_dir || true
IFS= read -r -d '' security_marker || true
IFS= read -r -d '' reboot_required_file || true
IFS= read -r -d '' refresh_lists || true
IFS= read -r -d '' apply_live || true
: "${refresh_lists}" "${apply_live}"

if [[ ! $max_security_updates =~ ^[0-9]{1,6}$ || ! $max_list_age_hours =~ ^[0-9]{1,5}$ || -z $security_marker ]]; then
  writ_result error "a threshold is not a whole number or security_marker is empty" BAD_PARAMETER
  exit 0
fi
writ_expect security_updates "<= $max_security_updates"

# Reboot evidence first: it is useful whatever the package manager says.
reboot_pending=false reboot_packages=''
if [[ -e $reboot_required_file ]]; then
  reboot_pending=true
  if [[ -r $reboot_required_file.pkgs ]]; then
    n=0
    while IFS= read -r p && [[ $n -lt 20 ]]; do
      [[ -n $p ]] && reboot_packages+="${reboot_packages:+ }$p" && n=$((n + 1))
    done <"$reboot_required_file.pkgs"
  fi
fi
writ_observe_raw reboot_pending "$reboot_pending"
[[ -n $reboot_packages ]] && writ_observe reboot_packages "$reboot_packages"

manager=''
case $package_manager in
  auto)
    if command -v apt-get >/dev/null 2>&1; then manager=apt
    elif command -v dnf >/dev/null 2>&1; then manager=dnf
    elif command -v yum >/dev/null 2>&1; then manager=yum
    fi
    ;;
  apt) command -v apt-get >/dev/null 2>&1 && manager=apt ;;
  dnf) command -v dnf >/dev/null 2>&1 && manager=dnf ;;
  yum) command -v yum >/dev/null 2>&1 && manager=yum ;;
  *)
    writ_observe bad_parameter "$package_manager"
    writ_result error "package_manager must be auto, apt, dnf or yum" BAD_PARAMETER
    exit 0
    ;;
esac
if [[ -z $manager ]]; then
  writ_result not_applicable "no supported package manager ($package_manager) is installed" NO_PACKAGE_MANAGER
  exit 0
fi
writ_observe package_manager "$manager"

count=0 packages='' listed=0
if [[ $manager == apt ]]; then
  newest=0
  for f in "$apt_lists_dir"/*_Packages*; do
    [[ -f $f ]] || continue
    t=$(stat -c %Y -- "$f")
    if [[ $t =~ ^[0-9]+$ ]] && [ "$t" -gt "$newest" ]; then newest=$t; fi
  done
  if [ "$newest" -eq 0 ]; then
    writ_result error "there are no downloaded package lists, so pending updates are unknown (run apt-get update)" NO_PACKAGE_LISTS
    exit 0
  fi
  age=$(awk -v t="$newest" -v now="$(date +%s)" 'BEGIN { print int((now - t) / 3600) }')
  writ_observe_raw lists_age_hours "$age"
  writ_expect lists_age_hours "<= $max_list_age_hours"
  if [ "$age" -gt "$max_list_age_hours" ]; then
    writ_result error "the package lists are $age hours old, so new security fixes may be missing from them" STALE_PACKAGE_LISTS
    exit 0
  fi
  if ! sim=$(LC_ALL=C apt-get -s -q -o Debug::NoLocking=1 -o "Dir::State::Lists=$apt_lists_dir" dist-upgrade 2>&1); then
    writ_observe tool_error "$(grep -m1 -E '^(E|W):' <<<"$sim" || true)"
    writ_result error "apt-get could not simulate the upgrade" PACKAGE_MANAGER_FAILED
    exit 0
  fi
  marker=${security_marker,,}
  while IFS= read -r line; do
    [[ $line == Inst\ * ]] || continue
    listed=$((listed + 1))
    lower=${line,,}
    [[ $lower == *"$marker"* ]] || continue
    count=$((count + 1))
    read -r _ name _ <<<"$line"
    [[ $count -le 50 ]] && packages+="${packages:+ }$name"
  done <<<"$sim"
  writ_observe_raw all_updates "$listed"
else
  if [[ $manager == dnf ]]; then
    out=$(LC_ALL=C dnf -q -C updateinfo list --security --available 2>&1) || rc=$?
  else
    out=$(LC_ALL=C yum -q -C updateinfo list security 2>&1) || rc=$?
  fi
  if [[ ${rc:-0} -ne 0 ]]; then
    writ_observe tool_error "${out%%$'\n'*}"
    writ_result error "$manager could not list security advisories from its cache (refresh it with makecache)" PACKAGE_MANAGER_FAILED
    exit 0
  fi
  # Lines: ADVISORY SEVERITY/Sec. PACKAGE-NEVRA; count each package once.
  seen=$'\n'
  while read -r advisory _ nevra _; do
    [[ -n ${nevra:-} && $advisory =~ ^[A-Z]+-[0-9] ]] || continue
    [[ $seen == *$'\n'"$nevra"$'\n'* ]] && continue
    seen+="$nevra"$'\n'
    count=$((count + 1))
    [[ $count -le 50 ]] && packages+="${packages:+ }$nevra"
  done <<<"$out"
fi
writ_observe_raw security_updates "$count"
writ_observe security_packages "$packages"
if [ "$count" -gt "$max_security_updates" ]; then
  writ_result fail "$count security update(s) pending"
else
  writ_result pass "$count security update(s) pending (at most $max_security_updates allowed)"
fi
