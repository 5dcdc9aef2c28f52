#!/usr/bin/env bash
# LIN-SSH-001 check: the effective PermitRootLogin must be "no".
set -euo pipefail
IFS= read -r -d '' sshd_config || true
IFS= read -r -d '' state_dir || true
IFS= read -r -d '' reload || true
: "${state_dir}" "${reload}"

writ_expect permit_root_login no
if [[ ! -f $sshd_config ]]; then
  writ_result not_applicable "no sshd configuration file at the configured path" NO_SSHD_CONFIG
  exit 0
fi
if [[ ! -r $sshd_config ]]; then
  writ_result error "the sshd configuration file is not readable" CONFIG_UNREADABLE
  exit 0
fi

# Prints "<value> <file>" for the first PermitRootLogin sshd would use, following Include in place
# and stopping at the first Match block (settings there are conditional).
first_value() {
  local file=$1 depth=$2 line key rest pattern inc
  [[ $depth -gt 8 ]] && return 1
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line%%#*}
    read -r key rest <<<"$line" || true
    [[ -z ${key:-} ]] && continue
    case ${key,,} in
      match) return 2 ;;
      permitrootlogin)
        printf '%s %s\n' "${rest%% *}" "$file"
        return 0
        ;;
      include)
        for pattern in $rest; do
          [[ $pattern != /* ]] && pattern="$(dirname "$sshd_config")/$pattern"
          for inc in $pattern; do
            [[ -f $inc ]] || continue
            local rc=0
            first_value "$inc" $((depth + 1)) || rc=$?
            [[ $rc -eq 0 || $rc -eq 2 ]] && return "$rc"
          done
        done
        ;;
    esac
  done <"$file"
  return 1
}

found=''
rc=0
found=$(first_value "$sshd_config" 0) || rc=$?
if [[ -n $found ]]; then
  value=${found%% *}
  source_file=${found#* }
else
  value='prohibit-password'
  source_file='(OpenSSH default)'
fi
writ_observe permit_root_login "${value,,}"
writ_observe source_file "$source_file"
if [[ ${value,,} == no ]]; then
  writ_result pass "sshd refuses root logins"
else
  writ_result fail "sshd allows root logins (PermitRootLogin ${value,,})"
fi
: "$rc"
