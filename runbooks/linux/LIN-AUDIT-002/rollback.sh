#!/usr/bin/env bash
# LIN-AUDIT-002 rollback: put the writ-owned rules file back as it was before remediation (or
# remove it when there was none) and, with apply_live, delete the watches remediation loaded.
set -euo pipefail
IFS= read -r -d '' watched_files || true
IFS= read -r -d '' permissions || true
IFS= read -r -d '' audit_key || true
IFS= read -r -d '' rules_dir || true
IFS= read -r -d '' rules_file || true
IFS= read -r -d '' check_live || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' apply_live || true
: "${watched_files}" "${permissions}" "${audit_key}" "${rules_dir}" "${check_live}"

id=LIN-AUDIT-002
backup="$state_dir/$id.rules"
absent="$state_dir/$id.absent"
live_record="$state_dir/$id.live"
if [[ ! -f $backup && ! -f $absent && ! -f $live_record ]]; then
  writ_result error "no saved state to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
# The live record is data: each line must be "PATH PERMS KEY" with plain values.
live_lines=()
if [[ -f $live_record ]]; then
  while IFS= read -r line || [[ -n $line ]]; do
    [[ -z $line ]] && continue
    if [[ ! $line =~ ^/[^[:space:]]+\ [rwxa]{1,4}\ [A-Za-z0-9_-]{1,31}$ ]]; then
      writ_result error "the saved state is damaged; nothing was changed" BAD_ROLLBACK_STATE
      exit 1
    fi
    live_lines+=("$line")
  done <"$live_record"
fi
auditctl=''
if [[ ${#live_lines[@]} -gt 0 && $apply_live == true ]]; then
  auditctl=$(command -v auditctl || true)
  for candidate in /sbin/auditctl /usr/sbin/auditctl; do
    [[ -z $auditctl && -x $candidate ]] && auditctl=$candidate
  done
  if [[ -z $auditctl || $(id -u) -ne 0 ]]; then
    writ_result error "removing the loaded watches needs auditctl and root; nothing was changed" NEEDS_ROOT
    exit 1
  fi
fi

# 1. The rules file.
if [[ -f $backup ]]; then
  tmp=$(mktemp "$rules_file.writ.XXXXXX")
  cp -p "$backup" "$tmp"
  mv -f "$tmp" "$rules_file"
  writ_observe rules_file_restore 'restored the saved copy'
elif [[ -f $absent ]]; then
  rm -f "$rules_file"
  writ_observe rules_file_restore 'removed (there was none before)'
fi
rm -f "$backup" "$absent"

# 2. The loaded watches.
removed=''
if [[ ${#live_lines[@]} -gt 0 ]]; then
  if [[ $apply_live != true ]]; then
    writ_observe live 'loaded watches kept (apply_live false); their record is kept'
    writ_result pass "rules file rolled back; loaded watches left for a live rollback"
    exit 0
  fi
  for line in "${live_lines[@]}"; do
    read -r path perm key <<<"$line"
    if ! out=$("$auditctl" -W "$path" -p "$perm" -k "$key" 2>&1); then
      [[ $out == *"No such file"* || $out == *"not found"* ]] && continue # already gone
      writ_observe auditctl_error "${out%%$'\n'*}"
      writ_result error "auditctl could not delete the watch on $path" AUDITCTL_FAILED
      exit 1
    fi
    removed+="${removed:+ }$path"
  done
  rm -f "$live_record"
fi
writ_observe live_removed "$removed"
writ_result pass "audit rules put back to their recorded state"
