#!/usr/bin/env bash
# LIN-FW-001 check: the first installed firewall tool of `backends` filters inbound traffic.
set -euo pipefail
IFS= read -r -d '' backends || true
IFS= read -r -d '' allow_ports || true
IFS= read -r -d '' install_package || true
IFS= read -r -d '' ufw_package || true
IFS= read -r -d '' firewalld_package || true
IFS= read -r -d '' os_release || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' apply_live || true
: "${allow_ports}" "${install_package}" "${ufw_package}" "${firewalld_package}" "${os_release}" "${state_dir}" "${apply_live}"

writ_expect_raw active true
# Prints the path of an installed tool (PATH first, then the sbin folders a non-root PATH lacks).
find_tool() {
  local found
  found=$(command -v "$1" 2>/dev/null || true)
  [[ -z $found && -x /usr/sbin/$1 ]] && found=/usr/sbin/$1
  [[ -z $found && -x /sbin/$1 ]] && found=/sbin/$1
  printf '%s' "$found"
}
tool='' tool_path=''
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
      writ_result error "unknown firewall backend" BAD_PARAMETER
      exit 0
      ;;
  esac
  if [[ -n $tool_path ]]; then
    tool=$b
    break
  fi
done
if [[ -z $tool ]]; then
  writ_observe firewall_tool none
  writ_result error "no supported firewall tool (${wanted[*]}) is installed, so nothing shows whether inbound traffic is filtered" NO_FIREWALL_TOOL
  exit 0
fi
writ_observe firewall_tool "$tool"
if [[ $tool != firewalld && $(id -u) -ne 0 ]]; then
  writ_result error "reading the $tool state needs root" NEEDS_ROOT
  exit 0
fi

case $tool in
  ufw)
    if ! out=$("$tool_path" status verbose 2>&1); then
      writ_observe tool_error "${out%%$'\n'*}"
      writ_result error "ufw could not report its state" TOOL_FAILED
      exit 0
    fi
    active=false incoming=''
    [[ $out =~ (^|$'\n')Status:\ active ]] && active=true
    [[ $out =~ Default:\ ([a-z]+)\ \(incoming\) ]] && incoming=${BASH_REMATCH[1]}
    writ_observe_raw active "$active"
    writ_observe default_incoming "${incoming:-unknown}"
    writ_expect default_incoming 'deny or reject'
    if [[ $active == true && ($incoming == deny || $incoming == reject) ]]; then
      writ_result pass "ufw is active and denies incoming traffic by default"
    elif [[ $active == true ]]; then
      writ_result fail "ufw is active but allows incoming traffic by default"
    else
      writ_result fail "ufw is installed but not active"
    fi
    ;;
  firewalld)
    out=$("$tool_path" --state 2>&1) || true
    case $out in
      running)
        writ_observe_raw active true
        writ_observe default_incoming 'zone default'
        writ_result pass "firewalld is running"
        ;;
      'not running')
        writ_observe_raw active false
        writ_result fail "firewalld is installed but not running"
        ;;
      *)
        writ_observe tool_error "${out%%$'\n'*}"
        writ_result error "firewall-cmd could not report the firewalld state" TOOL_FAILED
        ;;
    esac
    ;;
  nftables)
    if ! out=$("$tool_path" list ruleset 2>&1); then
      writ_observe tool_error "${out%%$'\n'*}"
      writ_result error "nft could not list the rule set" TOOL_FAILED
      exit 0
    fi
    # A base chain on the input hook whose policy is drop.
    active=false
    if awk '/hook[[:space:]]+input/ && /policy[[:space:]]+drop/ { found = 1 } END { exit !found }' <<<"$out"; then active=true; fi
    writ_observe_raw active "$active"
    writ_observe default_incoming "$([[ $active == true ]] && echo drop || echo 'no input chain with policy drop')"
    if [[ $active == true ]]; then
      writ_result pass "nftables drops inbound traffic by default"
    else
      writ_result fail "no nftables input chain drops traffic by default"
    fi
    ;;
  iptables)
    if ! out=$("$tool_path" -S INPUT 2>&1); then
      writ_observe tool_error "${out%%$'\n'*}"
      writ_result error "iptables could not list the INPUT chain" TOOL_FAILED
      exit 0
    fi
    policy=$(awk '$1 == "-P" && $2 == "INPUT" { print $3 }' <<<"$out")
    last=$(awk '$1 == "-A" && $2 == "INPUT" { line = $0 } END { print line }' <<<"$out")
    active=false
    [[ $policy == DROP || $policy == REJECT ]] && active=true
    [[ $last =~ ^-A\ INPUT\ -j\ (DROP|REJECT) ]] && active=true
    writ_observe_raw active "$active"
    writ_observe default_incoming "${policy:-unknown}"
    if [[ $active == true ]]; then
      writ_result pass "iptables drops inbound traffic that no rule allows"
    else
      writ_result fail "iptables accepts inbound traffic by default"
    fi
    ;;
esac
