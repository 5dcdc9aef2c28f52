/**
 * The fixed step runner both Linux transports start (see linux-batch.ts for the protocol). It is
 * writ's own text, never built from anything a runbook, rule or site says: the bootstrap command
 * carries it base64-encoded, and every script, library and parameter byte arrives on stdin.
 *
 * What it does, in order (a few programs per batch, none per step but the steps' own):
 * 1. Runs under `env -i PATH=… HOME=… LANG=C.UTF-8 WRIT_RUNNER_CLEAN=1` (the bootstrap command
 *    starts it so; through sudo it starts itself again that way, its text is in
 *    $BASH_EXECUTION_STRING), so steps inherit a clean, minimal environment and no exported bash
 *    functions; works from `/`. Its own stderr goes to /dev/null from then on (bash's job notices);
 *    its messages and the steps' stderr use the saved fd 4.
 * 2. Copies the batch from stdin into a private `mktemp -d` folder (mode 0700, removed on any exit by
 *    the EXIT trap) with one `cat` (bash's `read` takes a pipe byte by byte, a file in blocks), and
 *    splits it into NUL-terminated fields with the `read` builtin under LC_ALL=C (byte-exact). A short
 *    or malformed batch runs nothing (exit 3, reason on stderr). Each step's script and parameter
 *    file is written with the printf builtin before the first step starts.
 * 3. Prints `<B> BATCH <count>` on stdout and stderr (B: the batch's random boundary token), then per
 *    step `<B> BEGIN <i>` on both, runs the step with stdout and stderr inherited, and prints
 *    `\n<B> END <i> <rc> <timedOut> <ms>` on both. Node splits the streams by these markers and
 *    enforces the output cap; a step cannot print a marker without knowing B.
 * 4. A step runs as a background subshell of the runner (job control on: its own process group)
 *    that drops the runner's variables, functions, traps and options, sets LC_ALL=C.UTF-8 and umask
 *    022, and sources the step file with stdin from the parameter file: no new bash, no `timeout`.
 *    One watchdog per batch (a coproc, builtins only) gets each step's process group and time limit,
 *    waits for the runner's "done" in `read -t`, and on timeout sends TERM to the group, KILL 5 s
 *    later, and answers whether it did. Anything left in the group when the step ends is killed.
 * 5. Prints `<B> DONE` on both. HUP, INT, PIPE or TERM (the connection went away) kill the running
 *    step's group and the watchdog; the folder is removed by a background `rm` (off the critical path).
 *
 * Needs bash (4.2 or later; durations in ms from $EPOCHREALTIME on bash 5, else whole seconds) and
 * coreutils: base64, env, mktemp, cat, rm.
 * Kept shellcheck-clean (test/unit/core/exec/linux-batch.test.ts).
 */
export const LINUX_RUNNER_SCRIPT = `# writ step runner, protocol 2 (core/exec/linux-runner.ts)
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
# Through sudo: start once more with a clean environment, so steps inherit only PATH, HOME and the
# locale (and nothing the login shell, sshd or sudo exported). Without sudo the bootstrap command
# already started it under env -i.
if [[ \${WRIT_RUNNER_CLEAN:-} != 1 ]]; then
  exec env -i PATH="$PATH" HOME="\${HOME:-/}" LANG=C.UTF-8 WRIT_RUNNER_CLEAN=1 bash --norc --noprofile -c "$BASH_EXECUTION_STRING" writ-runner
fi
unset WRIT_RUNNER_CLEAN
set -u
umask 077
cd / || exit 3
unset OLDPWD
LC_ALL=C
export LC_ALL
# fd 4: the runner's real stderr (its messages, markers and the steps' stderr). Its own fd 2 is
# /dev/null, so bash's job notices ("Terminated") never land in a step's output.
exec 4>&2 2>/dev/null

# Every variable of the runner starts with wr_, so a step drops them all with one unset.
wr_fail() {
  printf 'writ-runner: %s\\n' "$1" >&4
  exit 3
}

for wr_tool in mktemp cat rm; do
  command -v "$wr_tool" >/dev/null 2>&1 || wr_fail "missing tool: $wr_tool"
done

wr_dir=$(mktemp -d -t writ-run.XXXXXXXXXX) || wr_fail "mktemp -d failed"
wr_group=
wr_wd_PID=
wr_runner=$BASHPID
# A subshell killed right after fork still has these traps: only the runner itself cleans up. The
# folder goes in the background (its own process group, no output), so the runner exits at once.
wr_cleanup() {
  if [[ $BASHPID != "$wr_runner" ]]; then
    return
  fi
  if [[ -n $wr_group ]]; then
    kill -KILL -- "-$wr_group"
  fi
  if [[ -n $wr_wd_PID ]]; then
    kill -KILL "$wr_wd_PID"
  fi
  rm -rf -- "$wr_dir" >/dev/null 4>&- &
}
trap wr_cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

wr_is_count() {
  [[ $1 =~ ^(0|[1-9][0-9]{0,11})$ ]]
}

wr_now() {
  local wr_e=\${EPOCHREALTIME:-}
  if [[ $wr_e =~ ^([0-9]+)[.,]([0-9]{3}) ]]; then
    wr_t=$((10#\${BASH_REMATCH[1]} * 1000 + 10#\${BASH_REMATCH[2]}))
  else
    printf -v wr_t '%(%s)T' -1
    wr_t=$((wr_t * 1000))
  fi
}

# The watchdog, a coproc: per step it reads "<process group> <seconds>", then waits for the runner's
# "done" line; when none comes in time (or the runner is gone), TERM to the group, KILL after 5 s.
# Answers 1 (stopped) or 0. Builtins only: no sleep or timeout process.
wr_watchdog() {
  local wr_pg wr_s wr_stopped
  while IFS=' ' read -r wr_pg wr_s; do
    wr_stopped=0
    if ! IFS= read -r -t "$wr_s" _; then
      wr_stopped=1
      kill -TERM -- "-$wr_pg"
      if ! IFS= read -r -t 5 _; then
        kill -KILL -- "-$wr_pg"
        IFS= read -r _ || exit 0
      fi
    fi
    printf '%s\\n' "$wr_stopped"
  done
}

# The batch: NUL-terminated fields (scripts and values never hold a NUL). Read from a file, so bash
# reads blocks instead of single bytes; truncated afterwards (the boundary token is in it).
cat >"$wr_dir/batch" || wr_fail "cannot read the batch"
wr_fields=()
wr_field=
while IFS= read -r -d '' wr_field; do
  wr_fields+=("$wr_field")
done <"$wr_dir/batch"
[[ -z $wr_field ]] || wr_fail "batch ends inside a field"
: >"$wr_dir/batch"

wr_total=\${#wr_fields[@]}
((wr_total >= 5)) || wr_fail "no batch header"
[[ \${wr_fields[0]} == WRITBATCH && \${wr_fields[1]} == 2 ]] || wr_fail "not a writ batch (protocol 2)"
wr_count=\${wr_fields[2]}
wr_b=\${wr_fields[3]}
wr_is_count "$wr_count" || wr_fail "bad batch header"
[[ $wr_b =~ ^[A-Za-z0-9]{32,128}$ ]] || wr_fail "bad batch boundary"

# Check the whole batch before anything runs: per step its index, timeout (ms), number of values,
# script text, then the values.
declare -a wr_start wr_limits
wr_at=4
wr_i=0
while ((wr_i < wr_count)); do
  ((wr_at + 4 <= wr_total)) || wr_fail "batch ends before step $wr_i"
  [[ \${wr_fields[wr_at]} == "$wr_i" ]] || wr_fail "bad header of step $wr_i"
  wr_ms=\${wr_fields[wr_at + 1]}
  wr_n=\${wr_fields[wr_at + 2]}
  if ! wr_is_count "$wr_ms" || ! wr_is_count "$wr_n"; then
    wr_fail "bad header of step $wr_i"
  fi
  ((wr_ms > 0 && wr_ms <= 86400000)) || wr_fail "step $wr_i has no valid timeout"
  ((wr_at + 4 + wr_n <= wr_total)) || wr_fail "batch ends inside step $wr_i"
  wr_start[wr_i]=$wr_at
  wr_limits[wr_i]=$wr_ms
  wr_at=$((wr_at + 4 + wr_n))
  wr_i=$((wr_i + 1))
done
if ((wr_at + 1 != wr_total)) || [[ \${wr_fields[wr_at]} != END ]]; then
  wr_fail "batch trailer missing"
fi

wr_i=0
while ((wr_i < wr_count)); do
  wr_at=\${wr_start[wr_i]}
  wr_n=\${wr_fields[wr_at + 2]}
  printf '%s' "\${wr_fields[wr_at + 3]}" >"$wr_dir/$wr_i.sh" || wr_fail "cannot write step $wr_i"
  if ((wr_n > 0)); then
    printf '%s\\0' "\${wr_fields[@]:wr_at + 4:wr_n}" >"$wr_dir/$wr_i.in" || wr_fail "cannot write step $wr_i"
  else
    : >"$wr_dir/$wr_i.in" || wr_fail "cannot write step $wr_i"
  fi
  wr_i=$((wr_i + 1))
done
unset wr_fields wr_field

# Job control: every background job (step, watchdog) gets a process group of its own.
set -m
coproc wr_wd { wr_watchdog; } 4>&-
printf '%s BATCH %d\\n' "$wr_b" "$wr_count"
printf '%s BATCH %d\\n' "$wr_b" "$wr_count" >&4
wr_i=0
while ((wr_i < wr_count)); do
  wr_ms=\${wr_limits[wr_i]}
  printf -v wr_secs '%d.%03d' $((wr_ms / 1000)) $((wr_ms % 1000))
  printf '%s BEGIN %d\\n' "$wr_b" "$wr_i"
  printf '%s BEGIN %d\\n' "$wr_b" "$wr_i" >&4
  wr_now
  wr_started=$wr_t
  # The step file's path travels in BASH_REMATCH: every wr_ variable is gone when it is sourced.
  [[ $wr_dir/$wr_i.sh =~ .+ ]]
  (
    set +m +u
    trap - EXIT HUP INT PIPE TERM
    unset -f wr_fail wr_cleanup wr_is_count wr_now wr_watchdog
    unset -v "\${!wr_@}"
    umask 022
    LC_ALL=C.UTF-8
    # shellcheck disable=SC1090
    . "\${BASH_REMATCH[0]}"
  ) <"$wr_dir/$wr_i.in" 2>&4 4>&- &
  wr_group=$!
  printf '%s %s\\n' "$wr_group" "$wr_secs" >&"\${wr_wd[1]}"
  wait "$wr_group"
  wr_rc=$?
  wr_now
  wr_elapsed=$((wr_t - wr_started))
  printf 'done\\n' >&"\${wr_wd[1]}"
  wr_timed_out=
  IFS= read -r wr_timed_out <&"\${wr_wd[0]}"
  [[ $wr_timed_out == [01] ]] || wr_fail "the watchdog is gone"
  # Leftovers of the step (its process group) must not outlive it.
  kill -KILL -- "-$wr_group"
  wr_group=
  printf '\\n%s END %d %d %d %d\\n' "$wr_b" "$wr_i" "$wr_rc" "$wr_timed_out" "$wr_elapsed"
  printf '\\n%s END %d %d %d %d\\n' "$wr_b" "$wr_i" "$wr_rc" "$wr_timed_out" "$wr_elapsed" >&4
  wr_i=$((wr_i + 1))
done
printf '%s DONE\\n' "$wr_b"
printf '%s DONE\\n' "$wr_b" >&4
`;
