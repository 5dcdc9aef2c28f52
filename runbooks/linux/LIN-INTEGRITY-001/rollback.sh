#!/usr/bin/env bash
# LIN-INTEGRITY-001 rollback: remove the baseline database and cron file remediation created, or
# put back the saved ones, then remove the record.
set -euo pipefail
IFS= read -r -d '' aide_conf || true
IFS= read -r -d '' aide_db || true
IFS= read -r -d '' aide_db_new || true
IFS= read -r -d '' db_max_age_days || true
IFS= read -r -d '' cron_file || true
IFS= read -r -d '' cron_schedule || true
IFS= read -r -d '' rebaseline_stale || true
IFS= read -r -d '' state_dir || true
: "$aide_conf" "$aide_db_new" "$db_max_age_days" "$cron_schedule" "$rebaseline_stale"

record="$state_dir/LIN-INTEGRITY-001.state"
db_copy="$state_dir/LIN-INTEGRITY-001.aide.db"
cron_copy="$state_dir/LIN-INTEGRITY-001.cron"
if [[ ! -f $record ]]; then
  writ_result error "no recorded prior state to roll back to" NO_ROLLBACK_STATE
  exit 1
fi
db='' cron=''
while IFS='=' read -r key value || [[ -n $key ]]; do
  case $key in
    db) db=$value ;;
    cron) cron=$value ;;
  esac
done <"$record"
if [[ ! $db =~ ^(absent|present)$ || ! $cron =~ ^(absent|present)$ ]] ||
  [[ $db == present && ! -f $db_copy ]] || [[ $cron == present && ! -f $cron_copy ]]; then
  writ_result error "the rollback record is damaged; nothing was changed" BAD_ROLLBACK_STATE
  exit 1
fi

# Puts a saved copy back in place atomically (same folder, then rename).
restore() {
  local copy=$1 target=$2 tmp
  tmp=$(mktemp "$(dirname -- "$target")/.writ-restore.XXXXXX")
  cp -p -- "$copy" "$tmp"
  mv -f -- "$tmp" "$target"
}
if [[ $db == absent ]]; then
  rm -f -- "$aide_db"
else
  restore "$db_copy" "$aide_db"
fi
if [[ $cron == absent ]]; then
  rm -f -- "$cron_file"
else
  restore "$cron_copy" "$cron_file"
fi
rm -f -- "$db_copy" "$cron_copy" "$record"
writ_result pass "the prior AIDE baseline database and cron file are restored (db $db, cron file $cron)"
