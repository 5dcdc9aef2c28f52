#!/usr/bin/env bash
# LIN-SSH-001 rollback: restore the sshd configuration saved before remediation.
set -euo pipefail
IFS= read -r -d '' sshd_config || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' reload || true

backup="$state_dir/LIN-SSH-001.sshd_config"
if [[ ! -f $backup ]]; then
  writ_result error "no saved configuration to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
tmp=$(mktemp "${sshd_config}.writ.XXXXXX")
cp -p "$backup" "$tmp"
mv -f "$tmp" "$sshd_config"
rm -f "$backup"
if [[ $reload == true ]] && command -v systemctl >/dev/null 2>&1; then
  systemctl reload ssh 2>/dev/null || systemctl reload sshd 2>/dev/null || true
fi
writ_result pass "sshd configuration restored from the saved copy"
