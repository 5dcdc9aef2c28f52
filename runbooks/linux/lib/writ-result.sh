#!/usr/bin/env bash
# writ's result library for Linux runbook scripts. The agent prepends this file to every Linux
# script it runs, so scripts call these functions without sourcing anything. It defines functions
# only: it reads nothing from stdin (parameters) and prints nothing by itself.
#
#   writ_observe KEY VALUE        record an observed string
#   writ_observe_raw KEY JSON     record an observed number, boolean or null (validated)
#   writ_expect KEY VALUE         record the expected string
#   writ_expect_raw KEY JSON      record the expected number, boolean or null
#   writ_observe_list KEY [ITEM…] record an observed list of strings (at most 100 items)
#   writ_result STATUS MESSAGE [REASON_CODE]
#                                 print the one check-result JSON line (schemas/check-result.schema.json)
set -euo pipefail

_writ_observed=''
_writ_expected=''

# Prints VALUE as a JSON string literal: quotes, backslashes and control characters escaped,
# cut to MAX characters (default 2000, the check-result schema's limit for observed strings).
writ_json_string() {
  local s=$1 max=${2:-2000}
  if ((${#s} > max)); then
    s="${s:0:max-1}…"
  fi
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  s=$(printf '%s' "$s" | LC_ALL=C tr -d '\000-\010\013\014\016-\037\177')
  printf '"%s"' "$s"
}

_writ_raw_ok() {
  [[ $1 =~ ^(true|false|null|-?(0|[1-9][0-9]*)(\.[0-9]+)?)$ ]]
}

_writ_key_ok() {
  if [[ ! $1 =~ ^[A-Za-z][A-Za-z0-9_]{0,63}$ ]]; then
    printf 'writ: invalid result key %s\n' "$1" >&2
    return 1
  fi
}

writ_observe() {
  _writ_key_ok "$1"
  _writ_observed+="${_writ_observed:+,}\"$1\":$(writ_json_string "$2")"
}

writ_observe_raw() {
  _writ_key_ok "$1"
  if _writ_raw_ok "$2"; then
    _writ_observed+="${_writ_observed:+,}\"$1\":$2"
  else
    _writ_observed+="${_writ_observed:+,}\"$1\":$(writ_json_string "$2")"
  fi
}

writ_observe_list() {
  _writ_key_ok "$1"
  local key=$1 items='' n=0 item
  shift
  for item in "$@"; do
    ((n++ < 100)) || break
    items+="${items:+,}$(writ_json_string "$item" 500)"
  done
  _writ_observed+="${_writ_observed:+,}\"$key\":[${items}]"
}

writ_expect() {
  _writ_key_ok "$1"
  _writ_expected+="${_writ_expected:+,}\"$1\":$(writ_json_string "$2")"
}

writ_expect_raw() {
  _writ_key_ok "$1"
  if _writ_raw_ok "$2"; then
    _writ_expected+="${_writ_expected:+,}\"$1\":$2"
  else
    _writ_expected+="${_writ_expected:+,}\"$1\":$(writ_json_string "$2")"
  fi
}

writ_result() {
  local status=$1 message=$2 reason=${3:-}
  case $status in
    pass | fail | error | not_applicable) ;;
    *) status=error message="invalid status from script: $status" reason=BAD_STATUS ;;
  esac
  local line
  line="{\"status\":\"$status\",\"observed\":{${_writ_observed}},\"expected\":{${_writ_expected}},\"message\":$(writ_json_string "$message")"
  if [[ -n $reason ]]; then
    line+=",\"reason_code\":$(writ_json_string "$reason")"
  fi
  printf '%s}\n' "$line"
}
