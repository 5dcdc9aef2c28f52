#!/usr/bin/env bash
# LIN-AUDIT-002 check: every authentication log of watched_files that exists is watched for the wanted permissions
# by a persistent audit rule (rules_dir/*.rules, as augenrules loads them) and, when check_live, by
# the rules loaded in the kernel now (auditctl -l, needs root).
set -euo pipefail
IFS= read -r -d '' watched_files || true
IFS= read -r -d '' permissions || true
IFS= read -r -d '' audit_key || true
IFS= read -r -d '' rules_dir || true
IFS= read -r -d '' rules_file || true
IFS= read -r -d '' check_live || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' apply_live || true
: "${audit_key}" "${state_dir}" "${apply_live}"

if [[ ! $permissions =~ ^[rwxa]{1,4}$ ]]; then
  writ_observe bad_parameter "$permissions"
  writ_result error "permissions must be letters from rwxa" BAD_PARAMETER
  exit 0
fi
files=()
mapfile -t lines <<<"$watched_files"
for f in "${lines[@]}"; do
  [[ -z $f ]] && continue
  if [[ ! $f =~ ^/[^[:space:]]+$ ]]; then
    writ_observe bad_parameter "$f"
    writ_result error "a watched file is not an absolute path without spaces" BAD_PARAMETER
    exit 0
  fi
  files+=("$f")
done
writ_expect missing_persistent ''
[[ $check_live == true ]] && writ_expect missing_live ''

if [[ ! -d $rules_dir ]]; then
  writ_result not_applicable "no audit rules folder at the configured path: the audit system is not installed" AUDIT_NOT_INSTALLED
  exit 0
fi
# --- targets: the candidate logs that exist on this host ---
if [[ ${#files[@]} -eq 0 ]]; then
  writ_result error "no file to watch was given" BAD_PARAMETER
  exit 0
fi
targets=() absent=''
for f in "${files[@]}"; do
  if [[ -e $f ]]; then targets+=("$f"); else absent+="${absent:+ }$f"; fi
done
writ_observe absent "$absent"
if [[ ${#targets[@]} -eq 0 ]]; then
  writ_result not_applicable "none of the candidate authentication logs exists on this host" NO_AUTH_LOG
  exit 0
fi
# --- end targets ---
writ_observe watched "${targets[*]}"

# Appends the file watches found in audit rule text on stdin to r_path/r_perm:
#   -w PATH [-p PERM] ...            and   -a always,exit ... -F path=PATH|dir=PATH [-F perm=PERM]
# Deletion and `never` rules are skipped; a watch without a permission filter covers rwxa.
r_path=() r_perm=()
collect_watches() {
  local line path perm skip i t next
  local -a tok
  while IFS= read -r line || [[ -n $line ]]; do
    [[ $line =~ ^[[:space:]]*(#|$) ]] && continue
    read -ra tok <<<"$line"
    path='' perm='' skip=0
    for ((i = 0; i < ${#tok[@]}; i++)); do
      t=${tok[i]}
      next=${tok[i + 1]:-}
      case $t in
        -w) path=$next; i=$((i + 1)) ;;
        -p) perm=$next; i=$((i + 1)) ;;
        -F)
          case $next in
            path=* | dir=*) path=${next#*=} ;;
            perm=*) perm=${next#perm=} ;;
          esac
          i=$((i + 1))
          ;;
        -a | -A) [[ $next == *never* ]] && skip=1; i=$((i + 1)) ;;
        -W | -d | -D) skip=1 ;;
      esac
    done
    [[ $skip -eq 1 || -z $path ]] && continue
    r_path+=("$path")
    r_perm+=("${perm:-rwxa}")
  done
}
# True when a collected watch covers FILE for every letter of permissions (same path, or a
# watched folder above it).
covered() {
  local file=$1 i p dir rest ok
  for ((i = 0; i < ${#r_path[@]}; i++)); do
    p=${r_path[i]}
    dir=${p%/}/
    [[ $p == "$file" || $file == "$dir"* ]] || continue
    ok=1
    rest=$permissions
    while [[ -n $rest ]]; do
      [[ ${r_perm[i]} == *"${rest:0:1}"* ]] || ok=0
      rest=${rest:1}
    done
    [[ $ok -eq 1 ]] && return 0
  done
  return 1
}

sources=()
for f in "$rules_dir"/*.rules; do
  [[ -f $f ]] && sources+=("$f")
done
if [[ -f $rules_file && ! " ${sources[*]} " == *" $rules_file "* ]]; then sources+=("$rules_file"); fi
for f in "${sources[@]}"; do
  if [[ ! -r $f ]]; then
    writ_observe unreadable "$f"
    writ_result error "an audit rules file is not readable" CONFIG_UNREADABLE
    exit 0
  fi
  collect_watches <"$f"
done
missing_persistent=''
for t in "${targets[@]}"; do
  covered "$t" || missing_persistent+="${missing_persistent:+ }$t"
done
writ_observe missing_persistent "$missing_persistent"

missing_live=''
if [[ $check_live == true ]]; then
  auditctl=$(command -v auditctl || true)
  for candidate in /sbin/auditctl /usr/sbin/auditctl; do
    [[ -z $auditctl && -x $candidate ]] && auditctl=$candidate
  done
  if [[ -z $auditctl ]]; then
    writ_result not_applicable "auditctl is not installed, so the loaded audit rules cannot be read" AUDIT_NOT_INSTALLED
    exit 0
  fi
  if [[ $(id -u) -ne 0 ]]; then
    writ_result error "reading the loaded audit rules needs root (auditctl -l)" NEEDS_ROOT
    exit 0
  fi
  if ! live=$("$auditctl" -l 2>&1); then
    writ_observe auditctl_error "${live%%$'\n'*}"
    writ_result error "auditctl could not list the loaded rules" AUDITCTL_FAILED
    exit 0
  fi
  r_path=() r_perm=()
  collect_watches <<<"$live"
  for t in "${targets[@]}"; do
    covered "$t" || missing_live+="${missing_live:+ }$t"
  done
  writ_observe missing_live "$missing_live"
fi
writ_observe_raw live_checked "$check_live"

if [[ -n $missing_persistent || -n $missing_live ]]; then
  writ_result fail "some files are not watched by the audit system${missing_persistent:+ (persistent: $missing_persistent)}${missing_live:+ (loaded: $missing_live)}"
elif [[ $check_live == true ]]; then
  writ_result pass "every file is watched by persistent and loaded audit rules"
else
  writ_result pass "every file is watched by persistent audit rules (loaded rules not checked: check_live false)"
fi
