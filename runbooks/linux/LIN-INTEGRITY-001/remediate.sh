#!/usr/bin/env bash
# LIN-INTEGRITY-001 remediate: create a missing AIDE baseline (a stale one only with
# rebaseline_stale) and write the writ-owned cron file for the daily check. Never edits aide.conf
# or /etc/crontab. Records the prior database and cron file once per incident. Idempotent.
set -euo pipefail
IFS= read -r -d '' aide_conf || true
IFS= read -r -d '' aide_db || true
IFS= read -r -d '' aide_db_new || true
IFS= read -r -d '' db_max_age_days || true
IFS= read -r -d '' cron_file || true
IFS= read -r -d '' cron_schedule || true
IFS= read -r -d '' rebaseline_stale || true
IFS= read -r -d '' state_dir || true

# These values are written into a cron line that cron runs through /bin/sh: plain characters only.
if [[ ! $aide_conf =~ ^/[A-Za-z0-9._/-]+$ || ! $cron_file =~ ^/[A-Za-z0-9._/-]+$ ||
  ! $cron_schedule =~ ^[0-9*/,-]+( [0-9*/,-]+){4}$ || ! $db_max_age_days =~ ^[1-9][0-9]{0,2}$ ]]; then
  writ_result error "a parameter holds characters that cannot go into a cron line; nothing was changed" BAD_PARAMETER
  exit 1
fi
aide=''
if aide=$(command -v aide 2>/dev/null); then
  :
elif [[ -x /usr/sbin/aide ]]; then
  aide=/usr/sbin/aide
elif [[ -x /usr/bin/aide ]]; then
  aide=/usr/bin/aide
fi
if [[ -z $aide ]]; then
  writ_result error "AIDE is not installed; install it through the site's package process; nothing was changed" AIDE_NOT_INSTALLED
  exit 1
fi
if [[ ! $aide =~ ^/[A-Za-z0-9._/-]+$ ]]; then
  writ_result error "the AIDE program path cannot go into a cron line; nothing was changed" BAD_PARAMETER
  exit 1
fi
if [[ ! -f $aide_conf ]]; then
  writ_result error "there is no AIDE configuration at the configured path; nothing was changed" AIDE_CONFIG_MISSING
  exit 1
fi

# What needs doing.
init=false
if [[ ! -f $aide_db ]]; then
  init=true
else
  read -r mtime < <(stat -c %Y -- "$aide_db")
  now=$(date +%s)
  age=$(((now - mtime) / 86400))
  if [ "$age" -gt "$db_max_age_days" ]; then
    if [[ $rebaseline_stale != true ]]; then
      writ_observe_raw aide_db_age_days "$age"
      writ_result error "the AIDE baseline is $age days old; review aide --check, then update it (or set rebaseline_stale); nothing was changed" DB_STALE_NEEDS_REVIEW
      exit 1
    fi
    init=true
  fi
fi
cron_dir=$(dirname -- "$cron_file")
want_cron=$(printf '# managed by writ LIN-INTEGRITY-001: daily AIDE check; the whole file belongs to writ\nSHELL=/bin/sh\nPATH=/usr/sbin:/usr/bin:/sbin:/bin\n%s root %s --config %s --check\n' "$cron_schedule" "$aide" "$aide_conf")
write_cron=false
if [[ -d $cron_dir ]] && { [[ ! -f $cron_file ]] || [[ $(cat -- "$cron_file") != "$want_cron" ]]; }; then
  write_cron=true
fi
if [[ $init == false && $write_cron == false ]]; then
  writ_observe_raw changed false
  writ_result pass "AIDE has a current baseline and a scheduled check; nothing was changed"
  exit 0
fi

# Record the prior state once per incident: an existing record is the original, not our change.
mkdir -p -- "$state_dir"
chmod 0700 -- "$state_dir"
record="$state_dir/LIN-INTEGRITY-001.state"
if [[ ! -f $record ]]; then
  db_state=absent
  cron_state=absent
  if [[ -f $aide_db ]]; then
    db_state=present
    cp -p -- "$aide_db" "$state_dir/LIN-INTEGRITY-001.aide.db"
  fi
  if [[ -f $cron_file ]]; then
    cron_state=present
    cp -p -- "$cron_file" "$state_dir/LIN-INTEGRITY-001.cron"
  fi
  printf 'db=%s\ncron=%s\n' "$db_state" "$cron_state" >"$record.tmp"
  mv -f -- "$record.tmp" "$record"
fi

if [[ $init == true ]]; then
  rm -f -- "$aide_db_new"
  # aide's report can name files; it never enters the result.
  "$aide" --config "$aide_conf" --init >/dev/null 2>&1 || true
  if [[ ! -s $aide_db_new ]]; then
    writ_result error "aide --init wrote no new database at the configured path (check database_out in the configuration)" AIDE_INIT_FAILED
    exit 1
  fi
  mv -f -- "$aide_db_new" "$aide_db"
fi
if [[ $write_cron == true ]]; then
  tmp=$(mktemp "$cron_dir/.writ-aide.XXXXXX")
  printf '%s\n' "$want_cron" >"$tmp"
  chmod 0644 -- "$tmp"
  mv -f -- "$tmp" "$cron_file"
fi
writ_observe_raw changed true
writ_observe_raw scheduled_check "$([[ -f $cron_file ]] && echo true || echo false)"
writ_result pass "AIDE has a new baseline database and a daily check"
