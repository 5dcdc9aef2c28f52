#!/usr/bin/env bash
# LIN-SSH-001 remediate: put one writ-managed "PermitRootLogin no" line (after a marker comment)
# at the top of the main sshd configuration (first value wins), keeping every other line. Idempotent.
set -euo pipefail
IFS= read -r -d '' sshd_config || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' reload || true

marker='# managed by writ LIN-SSH-001'
mkdir -p "$state_dir"
chmod 0700 "$state_dir"
backup="$state_dir/LIN-SSH-001.sshd_config"
# Record the prior state once per incident: a backup that exists is the original, not our own change.
if [[ ! -f $backup ]]; then
  cp -p "$sshd_config" "$backup"
fi

tmp=$(mktemp "${sshd_config}.writ.XXXXXX")
trap 'rm -f "$tmp"' EXIT
{
  printf '%s\nPermitRootLogin no\n' "$marker"
  # Drop an earlier writ-managed pair (the marker and the line after it); keep everything else.
  awk -v m="$marker" 'skip { skip = 0; next } $0 == m { skip = 1; next } { print }' "$sshd_config"
} >"$tmp"
chmod --reference="$sshd_config" "$tmp"
chown --reference="$sshd_config" "$tmp" 2>/dev/null || true

if [[ $reload == true ]] && command -v sshd >/dev/null 2>&1; then
  if ! sshd -t -f "$tmp" >/dev/null 2>&1; then
    writ_result error "sshd rejects the changed configuration; nothing was changed" SSHD_CONFIG_INVALID
    exit 1
  fi
fi
if cmp -s "$tmp" "$sshd_config"; then
  rm -f "$tmp"
else
  mv -f "$tmp" "$sshd_config"
fi
trap - EXIT

if [[ $reload == true ]] && command -v systemctl >/dev/null 2>&1; then
  systemctl reload ssh 2>/dev/null || systemctl reload sshd 2>/dev/null || true
fi
writ_observe permit_root_login no
writ_result pass "PermitRootLogin set to no"
