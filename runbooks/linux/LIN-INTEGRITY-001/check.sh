#!/usr/bin/env bash
# LIN-INTEGRITY-001 check: samhain or OSSEC/Wazuh runs, or AIDE has a fresh baseline database.
set -euo pipefail
IFS= read -r -d '' aide_conf || true
IFS= read -r -d '' aide_db || true
IFS= read -r -d '' aide_db_new || true
IFS= read -r -d '' db_max_age_days || true
IFS= read -r -d '' cron_file || true
IFS= read -r -d '' cron_schedule || true
IFS= read -r -d '' rebaseline_stale || true
IFS= read -r -d '' state_dir || true
: "$aide_conf" "$aide_db_new" "$cron_schedule" "$rebaseline_stale" "$state_dir"

if [[ ! $db_max_age_days =~ ^[1-9][0-9]{0,2}$ ]]; then
  writ_result error "db_max_age_days is not a whole number of days" BAD_PARAMETER
  exit 0
fi
writ_expect aide_db_age_days "<=$db_max_age_days"

# Other monitors count when their scanning daemon runs.
if command -v pgrep >/dev/null 2>&1; then
  for daemon in samhain ossec-syscheckd wazuh-syscheckd; do
    if pgrep -x "$daemon" >/dev/null 2>&1; then
      writ_observe fim_tool "$daemon"
      writ_result pass "the file integrity monitor $daemon is running"
      exit 0
    fi
  done
fi

aide=''
if aide=$(command -v aide 2>/dev/null); then
  :
elif [[ -x /usr/sbin/aide ]]; then
  aide=/usr/sbin/aide
elif [[ -x /usr/bin/aide ]]; then
  aide=/usr/bin/aide
fi
present=false
age=''
if [[ -f $aide_db ]]; then
  present=true
  read -r mtime < <(stat -c %Y -- "$aide_db")
  now=$(date +%s)
  age=$(((now - mtime) / 86400))
  [[ $age -lt 0 ]] && age=0
fi
scheduled=false
for f in "$cron_file" /etc/cron.daily/aide /etc/cron.daily/dailyaidecheck; do
  [[ -f $f ]] && scheduled=true
done
writ_observe_raw aide_installed "$([[ -n $aide ]] && echo true || echo false)"
writ_observe_raw aide_db_present "$present"
writ_observe_raw aide_db_age_days "${age:-null}"
writ_observe_raw scheduled_check "$scheduled"

if [[ -z $aide ]]; then
  writ_observe fim_tool none
  writ_result error "no file integrity monitor is installed (AIDE, samhain or OSSEC/Wazuh); install one through the site's package process" AIDE_NOT_INSTALLED
  exit 0
fi
writ_observe fim_tool aide
if [[ $present == false ]]; then
  writ_result fail "AIDE is installed but has no baseline database, so it cannot detect changes"
elif [ "$age" -gt "$db_max_age_days" ]; then
  writ_result fail "the AIDE baseline database is $age days old, older than $db_max_age_days"
else
  writ_result pass "AIDE has a baseline database $age days old"
fi
