#!/usr/bin/env bash
# LIN-SSH-001 check: the effective PermitRootLogin must be "no".
set -euo pipefail
IFS= read -r -d '' sshd_config || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' reload || true
IFS= read -r -d '' service_units || true
: "${state_dir}" "${reload}" "${service_units}"

writ_expect permit_root_login no
if [[ ! -f $sshd_config ]]; then
  writ_result not_applicable "no sshd configuration file at the configured path" NO_SSHD_CONFIG
  exit 0
fi
if [[ ! -r $sshd_config ]]; then
  writ_result error "the sshd configuration file is not readable" CONFIG_UNREADABLE
  exit 0
fi
config_dir=$(dirname "$sshd_config")

# Prints "<value><TAB><file>" for the first KEYWORD sshd would use: `Keyword value` or
# `Keyword=value`, keywords case-insensitive, Include expanded in place (relative paths against the
# configuration folder), stopping at the first Match block (settings there are conditional).
# Returns 1 when the keyword is not set, 2 when a Match block ended the search.
first_value() {
  local want=$1 file=$2 depth=$3 line key rest value pattern inc rc
  [[ $depth -gt 8 ]] && return 1
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%%#*}
    [[ $line =~ ^[[:space:]]*([^[:space:]=]+)[[:space:]]*=?[[:space:]]*(.*)$ ]] || continue
    key=${BASH_REMATCH[1],,}
    rest=${BASH_REMATCH[2]}
    case $key in
      match) return 2 ;;
      include)
        for pattern in $rest; do
          [[ $pattern != /* ]] && pattern="$config_dir/$pattern"
          for inc in $pattern; do
            [[ -f $inc ]] || continue
            rc=0
            first_value "$want" "$inc" $((depth + 1)) || rc=$?
            [[ $rc -eq 0 || $rc -eq 2 ]] && return "$rc"
          done
        done
        ;;
      *)
        [[ $key == "$want" ]] || continue
        if [[ $rest == \"* ]]; then
          value=${rest#\"}
          value=${value%%\"*}
        else
          value=${rest%%[[:space:]]*}
        fi
        printf '%s\t%s\n' "$value" "$file"
        return 0
        ;;
    esac
  done <"$file"
  return 1
}

found=''
rc=0
found=$(first_value permitrootlogin "$sshd_config" 0) || rc=$?
if [[ -n $found ]]; then
  value=${found%%$'\t'*}
  source_file=${found#*$'\t'}
else
  value='prohibit-password'
  source_file='(OpenSSH default)'
fi
writ_observe permit_root_login "${value,,}"
writ_observe source_file "$source_file"
writ_observe_raw stopped_at_match "$([[ $rc -eq 2 ]] && echo true || echo false)"
if [[ ${value,,} == no ]]; then
  writ_result pass "sshd refuses root logins"
else
  writ_result fail "sshd allows root logins (PermitRootLogin ${value,,})"
fi
