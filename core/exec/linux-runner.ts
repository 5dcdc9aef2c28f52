/**
 * The fixed step runner both Linux transports start (see linux-batch.ts for the protocol). It is
 * writ's own text, never built from anything a runbook, rule or site says: the bootstrap command
 * carries it base64-encoded, and every script, library and parameter byte arrives on stdin.
 *
 * What it does, in order:
 * 1. Starts itself again under `env -i PATH=… HOME=… LANG=C.UTF-8` (its text is in
 *    $BASH_EXECUTION_STRING), so steps inherit a clean, minimal environment; works from `/`.
 * 2. Reads the whole batch from stdin into a private `mktemp -d` folder (mode 0700, removed on any
 *    exit by the EXIT trap); a short or malformed batch runs nothing (exit 3, reason on stderr).
 * 3. Prints `WRITBEGIN <count>`, then runs each step as `timeout -k 5 <seconds> bash <file> <
 *    <params>` with LC_ALL=C.UTF-8 and umask 022. `timeout` puts the step in its own process group
 *    and signals that whole group when time runs out (TERM, then KILL 5 s later); anything the step
 *    left behind in its group is killed when it ends, so a leftover child cannot hold the output
 *    FIFOs open (each step has its own, and a reader stuck past 5 s is abandoned).
 * 4. Keeps the first <cap>+1 bytes of stdout and of stderr (through FIFOs into files; the rest is
 *    drained, so a noisy step is not killed by SIGPIPE), and prints one framed result per step as
 *    soon as it ends: `WRITSTEP <i> <rc> <timedOut> <ms> <outLen> <outCut> <errLen> <errCut>`,
 *    a newline, then the stdout bytes and the stderr bytes.
 * 5. Prints `WRITDONE`. HUP, INT, PIPE or TERM (the connection went away) kill the running step's
 *    group and remove the folder.
 *
 * Needs bash and coreutils only (base64, env, head, mktemp, mkfifo, timeout, cat, wc, rm).
 * Kept shellcheck-clean (test/unit/core/exec/linux-batch.test.ts).
 */
export const LINUX_RUNNER_SCRIPT = `# writ step runner, protocol 1 (core/exec/linux-runner.ts)
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH
# Start once more with a clean environment, so steps inherit only PATH, HOME and the locale (and
# nothing the login shell, sshd or sudo exported). One exec per batch, not per step.
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

fail() {
  printf 'writ-runner: %s\\n' "$1" >&2
  exit 3
}

for tool in head mktemp mkfifo timeout cat wc rm; do
  command -v "$tool" >/dev/null 2>&1 || fail "missing tool: $tool"
done

work=$(mktemp -d -t writ-run.XXXXXXXXXX) || fail "mktemp -d failed"
group=
runner=$BASHPID
# A subshell killed right after fork still has these traps: only the runner itself cleans up.
cleanup() {
  if [[ $BASHPID != "$runner" ]]; then
    return
  fi
  if [[ -n $group ]]; then
    kill -KILL -- "-$group" 2>/dev/null
  fi
  rm -rf -- "$work"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

is_count() {
  [[ $1 =~ ^[0-9]{1,12}$ ]]
}

now_ms() {
  local t=\${EPOCHREALTIME:-}
  if [[ $t =~ ^([0-9]+)[.,]([0-9]{3}) ]]; then
    now=$((10#\${BASH_REMATCH[1]} * 1000 + 10#\${BASH_REMATCH[2]}))
  else
    now=$(($(date +%s) * 1000))
  fi
}

IFS=' ' read -r magic version count cap || fail "no batch header"
[[ $magic == WRITBATCH && $version == 1 ]] || fail "not a writ batch (protocol 1)"
if ! is_count "$count" || ! is_count "$cap"; then
  fail "bad batch header"
fi

declare -a limits
i=0
while ((i < count)); do
  IFS=' ' read -r tag slen plen ms || fail "batch ends before step $i"
  [[ $tag == STEP ]] || fail "bad header of step $i"
  if ! is_count "$slen" || ! is_count "$plen" || ! is_count "$ms"; then
    fail "bad header of step $i"
  fi
  ((ms > 0)) || fail "step $i has no timeout"
  # A short read here (stdin ended early) shows as a missing header or trailer below.
  head -c "$slen" >"$work/$i.sh"
  head -c "$plen" >"$work/$i.in"
  limits[i]=$ms
  i=$((i + 1))
done
IFS= read -r trailer || fail "batch trailer missing"
[[ $trailer == END ]] || fail "batch trailer missing"

# FIFOs of their own per step: a process that escaped a step still holding its stdout must not
# keep the next step's readers from seeing EOF. All made by one mkfifo.
fifos=("$work/tick.fifo")
i=0
while ((i < count)); do
  fifos+=("$work/$i.out.fifo" "$work/$i.err.fifo")
  i=$((i + 1))
done
mkfifo "\${fifos[@]}" || fail "mkfifo failed"
keep=$((cap + 1))

printf 'WRITBEGIN %s\\n' "$count"
i=0
while ((i < count)); do
  ms=\${limits[i]}
  printf -v seconds '%d.%03d' $((ms / 1000)) $((ms % 1000))
  { head -c "$keep" >"$work/$i.out"; exec cat >/dev/null; } <"$work/$i.out.fifo" 2>/dev/null &
  out_reader=$!
  { head -c "$keep" >"$work/$i.err"; exec cat >/dev/null; } <"$work/$i.err.fifo" 2>/dev/null &
  err_reader=$!
  now_ms
  started=$now
  (
    umask 022
    LC_ALL=C.UTF-8
    exec timeout -k 5 "$seconds" bash --norc --noprofile "$work/$i.sh" <"$work/$i.in" >"$work/$i.out.fifo" 2>"$work/$i.err.fifo"
  ) &
  group=$!
  wait "$group"
  rc=$?
  now_ms
  elapsed=$((now - started))
  # Leftovers of the step (same process group as timeout) would hold the FIFOs open.
  kill -KILL -- "-$group" 2>/dev/null
  group=
  # Normally both readers end at once (EOF). A reader still blocked after 5 s means something outside
  # the group holds a FIFO open: stop waiting. Polled with builtins only (read -t on a FIFO opened
  # read-write never gets data), so the common case costs no extra process.
  # A killed reader may leave its head running, which can still grow the output file: then only
  # head -c <length> gives exactly the bytes the frame header announces.
  exact=0
  now_ms
  give_up=$((now + 5000))
  while kill -0 "$out_reader" 2>/dev/null || kill -0 "$err_reader" 2>/dev/null; do
    now_ms
    if ((now >= give_up)); then
      kill -KILL "$out_reader" "$err_reader" 2>/dev/null
      exact=1
      break
    fi
    read -r -t 0.002 _ <>"$work/tick.fifo"
  done
  wait "$out_reader" "$err_reader" 2>/dev/null
  timed_out=0
  if ((rc == 124 || rc == 137)) && ((elapsed + 20 >= ms)); then
    timed_out=1
  fi
  out_len=0
  err_len=0
  : >>"$work/$i.out"
  : >>"$work/$i.err"
  if wc -c "$work/$i.out" "$work/$i.err" >"$work/sizes" 2>/dev/null; then
    { read -r out_len _ && read -r err_len _; } <"$work/sizes"
  else
    exact=1
  fi
  out_cut=0
  err_cut=0
  if ((out_len > cap)); then
    out_len=$cap
    out_cut=1
  fi
  if ((err_len > cap)); then
    err_len=$cap
    err_cut=1
  fi
  printf 'WRITSTEP %s %s %s %s %s %s %s %s\\n' "$i" "$rc" "$timed_out" "$elapsed" "$out_len" "$out_cut" "$err_len" "$err_cut"
  if ((out_cut || err_cut || exact)); then
    head -c "$out_len" "$work/$i.out"
    head -c "$err_len" "$work/$i.err"
  else
    cat "$work/$i.out" "$work/$i.err"
  fi
  i=$((i + 1))
done
printf 'WRITDONE\\n'
`;
