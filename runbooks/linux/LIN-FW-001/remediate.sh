#!/usr/bin/env bash
# LIN-FW-001 remediate: with ufw (Debian family) or firewalld (RHEL family), installed here when no
# firewall tool exists: allow allow_ports FIRST, then default-deny incoming, then turn filtering
# on, so SSH is never cut. Records the prior state once per incident. Idempotent. nftables or
# iptables hosts and unknown distributions get an error, never a silent no-op.
set -euo pipefail
IFS= read -r -d '' backends || true
IFS= read -r -d '' allow_ports || true
IFS= read -r -d '' install_package || true
IFS= read -r -d '' ufw_package || true
IFS= read -r -d '' firewalld_package || true
IFS= read -r -d '' os_release || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' apply_live || true

record="$state_dir/LIN-FW-001.state"
ports=()
mapfile -t lines <<<"$allow_ports"
for p in "${lines[@]}"; do
  [[ -z $p ]] && continue
  if [[ ! $p =~ ^[0-9]{1,5}/(tcp|udp)$ ]]; then
    writ_observe bad_parameter "$p"
    writ_result error "an allowed port is not PORT/tcp or PORT/udp; nothing was changed" BAD_PARAMETER
    exit 1
  fi
  ports+=("$p")
done
if [[ ${#ports[@]} -eq 0 || ! $ufw_package =~ ^[a-z0-9][a-z0-9+.-]{0,127}$ || ! $firewalld_package =~ ^[A-Za-z0-9][A-Za-z0-9+._-]{0,127}$ ]]; then
  writ_result error "allow_ports is empty or a package name is not a plain name; nothing was changed" BAD_PARAMETER
  exit 1
fi

find_tool() {
  local found
  found=$(command -v "$1" 2>/dev/null || true)
  [[ -z $found && -x /usr/sbin/$1 ]] && found=/usr/sbin/$1
  [[ -z $found && -x /sbin/$1 ]] && found=/sbin/$1
  printf '%s' "$found"
}
# Prints debian, rhel or unknown from ID and ID_LIKE of the os-release file.
os_id=''
os_family() {
  local line key value word words
  [[ -r $os_release ]] || { echo unknown; return 0; }
  while IFS= read -r line || [[ -n $line ]]; do
    key=${line%%=*}
    value=${line#*=}
    value=${value//\"/}
    value=${value//\'/}
    [[ $key == ID || $key == ID_LIKE ]] || continue
    read -ra words <<<"$value"
    for word in "${words[@]}"; do
      case $word in
        debian | ubuntu) echo debian; return 0 ;;
        rhel | fedora | centos | rocky | almalinux | ol | amzn) echo rhel; return 0 ;;
      esac
    done
  done <"$os_release"
  echo unknown
}

# 1. Which firewall: the first installed tool of backends, as the check sees it.
tool='' tool_path=''
allowed_backends=()
mapfile -t wanted <<<"$backends"
for b in "${wanted[@]}"; do
  case $b in
    ufw) tool_path=$(find_tool ufw) ;;
    firewalld) tool_path=$(find_tool firewall-cmd) ;;
    nftables) tool_path=$(find_tool nft) ;;
    iptables) tool_path=$(find_tool iptables) ;;
    '') continue ;;
    *)
      writ_observe bad_parameter "$b"
      writ_result error "unknown firewall backend; nothing was changed" BAD_PARAMETER
      exit 1
      ;;
  esac
  allowed_backends+=("$b")
  if [[ -n $tool_path ]]; then
    tool=$b
    break
  fi
done
installed_package=''
if [[ -z $tool ]]; then
  if [[ $install_package != true ]]; then
    writ_observe firewall_tool none
    writ_result error "no firewall tool is installed and install_package is false; nothing was changed" NO_FIREWALL_TOOL
    exit 1
  fi
  family=$(os_family)
  if [[ -r $os_release ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      [[ $line == ID=* ]] && os_id=${line#ID=}
      os_id=${os_id//\"/}
    done <"$os_release"
  fi
  writ_observe os_id "${os_id:-unknown}"
  writ_observe os_family "$family"
  case $family in
    debian) tool=ufw installed_package=$ufw_package ;;
    rhel) tool=firewalld installed_package=$firewalld_package ;;
    *)
      writ_result error "unknown distribution family (not Debian- or RHEL-like): writ does not guess a firewall here; nothing was changed" UNSUPPORTED_DISTRO
      exit 1
      ;;
  esac
  if [[ " ${allowed_backends[*]} " != *" $tool "* ]]; then
    writ_result error "this distribution's firewall ($tool) is not in backends; nothing was changed" NO_SUPPORTED_BACKEND
    exit 1
  fi
fi
writ_observe firewall_tool "$tool"
if [[ $tool == nftables || $tool == iptables ]]; then
  writ_result error "the host filters with $tool; writ does not rewrite hand-made rule sets, so a person must act; nothing was changed" NO_SUPPORTED_BACKEND
  exit 1
fi
if [[ $apply_live == true && $(id -u) -ne 0 ]]; then
  writ_result error "changing the firewall needs root; nothing was changed" NEEDS_ROOT
  exit 1
fi

# 2. The plan: each step an argument list, run as is (never a string parsed by a shell). After a
# failed step the later ones are only listed (so filtering is never enabled without the allows).
plan=()
failed=''
step() {
  plan+=("$*")
  if [[ $apply_live == true && -z $failed ]] && ! "$@" >/dev/null 2>&1; then
    failed="$*"
  fi
  return 0
}
was_active=false prior_incoming='' added=''
record_prior() {
  [[ $apply_live == true ]] || return 0
  mkdir -p "$state_dir"
  chmod 0700 "$state_dir"
  [[ -f $record ]] && return 0
  printf 'tool=%s\nwas_active=%s\nprior_incoming=%s\nadded_ports=%s\ninstalled_package=%s\n' \
    "$tool" "$was_active" "$prior_incoming" "$added" "$installed_package" >"$record"
}

if [[ -n $installed_package ]]; then
  # Record before the install: nothing was active, every port will be added by writ.
  for p in "${ports[@]}"; do added+="${added:+ }$p"; done
  record_prior
  if [[ $tool == ufw ]]; then
    step env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$installed_package"
  elif command -v dnf >/dev/null 2>&1 || [[ $apply_live != true ]]; then
    step dnf install -y "$installed_package"
  else
    step yum install -y "$installed_package"
  fi
  if [[ $apply_live == true && -z $failed ]]; then
    if [[ $tool == ufw ]]; then tool_path=$(find_tool ufw); else tool_path=$(find_tool firewall-cmd); fi
  fi
fi

if [[ $tool == ufw ]]; then
  existing='' active=false incoming=''
  if [[ -n $tool_path && -z $installed_package ]]; then
    out=$("$tool_path" status verbose 2>&1) || true
    [[ $out =~ (^|$'\n')Status:\ active ]] && active=true
    [[ $out =~ Default:\ ([a-z]+)\ \(incoming\) ]] && incoming=${BASH_REMATCH[1]}
    existing=$("$tool_path" show added 2>/dev/null | awk '$1 == "ufw" && $2 == "allow" && NF == 3 { print $3 }') || true
    if [[ -z $incoming && -r /etc/default/ufw ]]; then
      case $(awk -F= '$1 == "DEFAULT_INPUT_POLICY" { gsub(/"/, "", $2); print $2 }' /etc/default/ufw) in
        DROP) incoming=deny ;;
        REJECT) incoming=reject ;;
        ACCEPT) incoming=allow ;;
      esac
    fi
  fi
  was_active=$active prior_incoming=$incoming
  to_allow=()
  for p in "${ports[@]}"; do
    if ! grep -qxF -e "$p" -e "${p%/*}" <<<"$existing"; then to_allow+=("$p"); fi
  done
  if [[ -z $installed_package ]]; then
    added=''
    for p in "${to_allow[@]}"; do added+="${added:+ }$p"; done
  fi
  if [[ ${#to_allow[@]} -gt 0 || ($incoming != deny && $incoming != reject) || $active != true || -n $installed_package ]]; then
    record_prior
  fi
  ufw=${tool_path:-ufw}
  for p in "${to_allow[@]}"; do step "$ufw" allow "$p"; done
  if [[ $incoming != deny && $incoming != reject ]]; then
    step "$ufw" default deny incoming
    step "$ufw" default allow outgoing
  fi
  if [[ $active != true ]]; then step "$ufw" --force enable; fi
else
  running=false
  if [[ -n $tool_path && -z $installed_package ]]; then
    [[ $("$tool_path" --state 2>/dev/null || true) == running ]] && running=true
  fi
  was_active=$running
  offline=$(find_tool firewall-offline-cmd)
  if [[ $running == true ]]; then
    existing=$("$tool_path" --list-ports 2>/dev/null || true)
  elif [[ -n $offline && -z $installed_package ]]; then
    existing=$("$offline" --list-ports 2>/dev/null || true)
  else
    existing=''
  fi
  to_allow=()
  for p in "${ports[@]}"; do
    [[ " $existing " == *" $p "* ]] || to_allow+=("$p")
  done
  if [[ -z $installed_package ]]; then
    added=''
    for p in "${to_allow[@]}"; do added+="${added:+ }$p"; done
  fi
  if [[ ${#to_allow[@]} -gt 0 || $running != true || -n $installed_package ]]; then record_prior; fi
  if [[ $running == true ]]; then
    for p in "${to_allow[@]}"; do
      step "$tool_path" --permanent --add-port="$p"
      step "$tool_path" --add-port="$p"
    done
  else
    # firewalld is stopped: open the ports in its permanent configuration before starting it.
    if [[ -z $offline ]]; then offline=firewall-offline-cmd; fi
    for p in "${to_allow[@]}"; do step "$offline" --add-port="$p"; done
    step systemctl enable --now firewalld
  fi
fi

plan_text=''
for p in "${plan[@]}"; do plan_text+="${plan_text:+; }$p"; done
writ_observe plan "$plan_text"
if [[ ${#plan[@]} -eq 0 ]]; then
  writ_observe_raw changed false
  writ_result pass "$tool already filters inbound traffic and allows ${ports[*]}; nothing changed"
elif [[ $apply_live != true ]]; then
  writ_observe_raw changed false
  writ_result not_applicable "dry run (apply_live false): nothing changed" DRY_RUN
elif [[ -n $failed ]]; then
  writ_observe failed_step "$failed"
  writ_result error "a firewall step failed; later steps were not run" FIREWALL_STEP_FAILED
  exit 1
else
  writ_observe_raw changed true
  writ_result pass "$tool filters inbound traffic; ${ports[*]} allowed"
fi
