#!/usr/bin/env bash
# LIN-AUDIT-002 remediate: keep one writ-owned rules file (rules_file) whose whole content is
# rewritten: a `-w FILE -p PERMS -k KEY` line for each watched file that no other rules file in
# rules_dir already watches (so augenrules never loads a duplicate). With apply_live, also add the
# watches missing from the loaded kernel rules with auditctl. Idempotent: no appended duplicates.
set -euo pipefail
IFS= read -r -d '' watched_files || true
IFS= read -r -d '' permissions || true
IFS= read -r -d '' audit_key || true
IFS= read -r -d '' rules_dir || true
IFS= read -r -d '' rules_file || true
IFS= read -r -d '' check_live || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' apply_live || true
: "${check_live}"

id=LIN-AUDIT-002
backup="$state_dir/$id.rules"
absent="$state_dir/$id.absent"
live_record="$state_dir/$id.live"

if [[ ! $permissions =~ ^[rwxa]{1,4}$ || ! $audit_key =~ ^[A-Za-z0-9_-]{1,31}$ ]]; then
  writ_result error "permissions must be letters from rwxa and audit_key a short plain word; nothing was changed" BAD_PARAMETER
  exit 1
fi
files=()
mapfile -t lines <<<"$watched_files"
for f in "${lines[@]}"; do
  [[ -z $f ]] && continue
  if [[ ! $f =~ ^/[^[:space:]]+$ ]]; then
    writ_observe bad_parameter "$f"
    writ_result error "a watched file is not an absolute path without spaces; nothing was changed" BAD_PARAMETER
    exit 1
  fi
  files+=("$f")
done
if [[ ! -d $rules_dir ]]; then
  writ_result not_applicable "no audit rules folder at the configured path: the audit system is not installed; nothing was changed" AUDIT_NOT_INSTALLED
  exit 1
fi
# --- targets: the candidate logs that exist on this host ---
if [[ ${#files[@]} -eq 0 ]]; then
  writ_result error "no file to watch was given; nothing was changed" BAD_PARAMETER
  exit 1
fi
targets=() absent=''
for f in "${files[@]}"; do
  if [[ -e $f ]]; then targets+=("$f"); else absent+="${absent:+ }$f"; fi
done
writ_observe absent "$absent"
if [[ ${#targets[@]} -eq 0 ]]; then
  writ_result not_applicable "none of the candidate authentication logs exists on this host; nothing was changed" NO_AUTH_LOG
  exit 1
fi
# --- end targets ---

auditctl=''
if [[ $apply_live == true ]]; then
  auditctl=$(command -v auditctl || true)
  for candidate in /sbin/auditctl /usr/sbin/auditctl; do
    [[ -z $auditctl && -x $candidate ]] && auditctl=$candidate
  done
  if [[ -z $auditctl ]]; then
    writ_result error "auditctl is not installed, so the rules cannot be loaded (apply_live); nothing was changed" AUDIT_NOT_INSTALLED
    exit 1
  fi
  if [[ $(id -u) -ne 0 ]]; then
    writ_result error "loading audit rules needs root (apply_live); nothing was changed" NEEDS_ROOT
    exit 1
  fi
fi

# Same reader as the check: file watches in audit rule text on stdin go to r_path/r_perm.
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

# 1. The writ-owned rules file: watches no other rules file provides.
for f in "$rules_dir"/*.rules; do
  [[ -f $f && $f != "$rules_file" ]] || continue
  if [[ ! -r $f ]]; then
    writ_observe unreadable "$f"
    writ_result error "an audit rules file is not readable; nothing was changed" CONFIG_UNREADABLE
    exit 1
  fi
  collect_watches <"$f"
done
written=''
tmp=$(mktemp "$rules_file.writ.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
  printf '## Managed by writ %s. This file is rewritten by every remediation: change the runbook\n' "$id"
  printf '## parameters (watched_files, permissions, audit_key) instead of editing it.\n'
  for t in "${targets[@]}"; do
    covered "$t" && continue
    printf -- '-w %s -p %s -k %s\n' "$t" "$permissions" "$audit_key"
    written+="${written:+ }$t"
  done
} >"$tmp"
changed=false
if [[ -f $rules_file ]] && cmp -s "$tmp" "$rules_file"; then
  rm -f "$tmp"
elif [[ ! -f $rules_file && -z $written ]]; then
  rm -f "$tmp" # every file is watched elsewhere: no writ file needed
else
  # Record the prior state once per incident: the old file, or that there was none.
  mkdir -p "$state_dir"
  chmod 0700 "$state_dir"
  if [[ ! -f $backup && ! -f $absent ]]; then
    if [[ -f $rules_file ]]; then cp -p "$rules_file" "$backup"; else : >"$absent"; fi
  fi
  if [[ -f $rules_file ]]; then
    chmod --reference="$rules_file" "$tmp"
    chown --reference="$rules_file" "$tmp" 2>/dev/null || true
  else
    chmod 0640 "$tmp"
  fi
  mv -f "$tmp" "$rules_file"
  changed=true
fi
trap - EXIT
writ_observe rules_file "$rules_file"
writ_observe rules_written "$written"

# 2. The loaded kernel rules.
live_added=''
if [[ $apply_live == true ]]; then
  if ! status=$("$auditctl" -s 2>&1); then
    writ_observe auditctl_error "${status%%$'\n'*}"
    writ_result error "auditctl could not report the audit status; the rules file is in place for the next boot" AUDITCTL_FAILED
    exit 1
  fi
  if [[ $status =~ (^|$'\n')enabled[[:space:]]+2 ]]; then
    writ_observe live "locked (-e 2): the rules load at the next boot"
  else
    if ! live=$("$auditctl" -l 2>&1); then
      writ_observe auditctl_error "${live%%$'\n'*}"
      writ_result error "auditctl could not list the loaded rules; the rules file is in place" AUDITCTL_FAILED
      exit 1
    fi
    r_path=() r_perm=()
    collect_watches <<<"$live"
    for t in "${targets[@]}"; do
      covered "$t" && continue
      mkdir -p "$state_dir"
      touch "$live_record"
      grep -qxF -- "$t $permissions $audit_key" "$live_record" || printf '%s %s %s\n' "$t" "$permissions" "$audit_key" >>"$live_record"
      if ! out=$("$auditctl" -w "$t" -p "$permissions" -k "$audit_key" 2>&1); then
        writ_observe auditctl_error "${out%%$'\n'*}"
        writ_result error "auditctl could not add the watch on $t" AUDITCTL_FAILED
        exit 1
      fi
      live_added+="${live_added:+ }$t"
      changed=true
    done
    writ_observe live "${live_added:+added: }${live_added:-nothing to add}"
  fi
else
  writ_observe live 'not changed (apply_live false)'
fi
writ_observe_raw changed "$changed"
if [[ $changed == true ]]; then
  writ_result pass "audit watches for the files are in place"
else
  writ_result pass "audit watches were already in place; nothing changed"
fi
