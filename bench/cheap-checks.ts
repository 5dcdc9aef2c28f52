import type { StepRequest } from '../core/exec/step.js';
import type { ParamValue } from '../core/policy/resolve-host-rules.js';

/**
 * Twenty cheap Linux checks for bench/agent-checks.ts: each reads one file, tests one setting or
 * stats one path, takes one or two parameters (NUL-terminated on stdin, as the writ runner passes
 * them) and prints one check-result JSON line. Self-contained (no result library), so the three
 * runners (writ, one `ssh` exec, Ansible) run exactly the same text. Every check passes on a stock
 * Debian host, so the agent path records twenty compliant rules.
 */
export interface CheapCheck {
  /** Runbook id (LIN-BENCH-001 …). */
  id: string;
  name: string;
  params: { name: string; type: 'string' | 'integer'; description: string; pattern?: string }[];
  /** At least four value sets, distinct, so 77 checks can cycle the 20 scripts with other data. */
  variants: ParamValue[][];
  script: string;
}

const HEADER = '#!/usr/bin/env bash\n';
const path = { name: 'path', type: 'string', description: 'Absolute path.', pattern: '^/[^\\n]*$' } as const;
const file = { name: 'file', type: 'string', description: 'File to read.', pattern: '^/[^\\n]*$' } as const;
const int = (name: string) => ({ name, type: 'integer', description: `Threshold ${name}.` }) as const;

const CHECK_TEXTS: CheapCheck[] = [
  {
    id: 'LIN-BENCH-001', name: 'File exists', params: [path],
    variants: [['/etc/passwd'], ['/etc/group'], ['/etc/hostname'], ['/etc/os-release']],
    script: `IFS= read -r -d '' path || true
if [[ -e $path ]]; then
  printf '{"status":"pass","observed":{"path":"%s","exists":true},"message":"%s exists"}\\n' "$path" "$path"
else
  printf '{"status":"fail","observed":{"path":"%s","exists":false},"message":"%s is missing"}\\n' "$path" "$path"
fi
`,
  },
  {
    id: 'LIN-BENCH-002', name: 'File mode at most', params: [path, { name: 'max_mode', type: 'string', description: 'Octal mode.', pattern: '^[0-7]{3,4}$' }],
    variants: [['/etc/passwd', '644'], ['/etc/group', '644'], ['/etc/shadow', '640'], ['/etc/shells', '644']],
    script: `IFS= read -r -d '' path || true
IFS= read -r -d '' max_mode || true
if ! mode=$(stat -c %a -- "$path" 2>/dev/null); then
  printf '{"status":"error","observed":{"path":"%s"},"message":"cannot stat %s","reason_code":"STAT_FAILED"}\\n' "$path" "$path"
  exit 0
fi
if (((8#$mode & ~8#$max_mode) == 0)); then status=pass; else status=fail; fi
printf '{"status":"%s","observed":{"path":"%s","mode":"%s"},"expected":{"max_mode":"%s"},"message":"%s has mode %s"}\\n' "$status" "$path" "$mode" "$max_mode" "$path" "$mode"
`,
  },
  {
    id: 'LIN-BENCH-003', name: 'File owner', params: [path, { name: 'owner', type: 'string', description: 'User name.', pattern: '^[a-z_][a-z0-9_-]*$' }],
    variants: [['/etc/passwd', 'root'], ['/etc/group', 'root'], ['/etc/hosts', 'root'], ['/usr/bin', 'root']],
    script: `IFS= read -r -d '' path || true
IFS= read -r -d '' owner || true
if ! actual=$(stat -c %U -- "$path" 2>/dev/null); then
  printf '{"status":"error","observed":{"path":"%s"},"message":"cannot stat %s","reason_code":"STAT_FAILED"}\\n' "$path" "$path"
  exit 0
fi
if [[ $actual == "$owner" ]]; then status=pass; else status=fail; fi
printf '{"status":"%s","observed":{"path":"%s","owner":"%s"},"expected":{"owner":"%s"},"message":"%s is owned by %s"}\\n' "$status" "$path" "$actual" "$owner" "$path" "$actual"
`,
  },
  {
    id: 'LIN-BENCH-004', name: 'Config keyword present', params: [file, { name: 'keyword', type: 'string', description: 'Keyword.', pattern: '^[A-Za-z][A-Za-z0-9]*$' }],
    variants: [['/etc/ssh/sshd_config', 'PermitRootLogin'], ['/etc/ssh/sshd_config', 'PasswordAuthentication'], ['/etc/ssh/sshd_config', 'X11Forwarding'], ['/etc/ssh/sshd_config', 'UsePAM']],
    script: `IFS= read -r -d '' file || true
IFS= read -r -d '' keyword || true
if [[ ! -r $file ]]; then
  printf '{"status":"not_applicable","observed":{"file":"%s"},"message":"%s is not readable","reason_code":"NO_CONFIG"}\\n' "$file" "$file"
  exit 0
fi
if grep -Eiq "^[[:space:]]*#?[[:space:]]*\${keyword}([[:space:]]|=)" -- "$file"; then status=pass found=true; else status=fail found=false; fi
printf '{"status":"%s","observed":{"file":"%s","keyword":"%s","found":%s},"message":"%s mentioned in %s: %s"}\\n' "$status" "$file" "$keyword" "$found" "$keyword" "$file" "$found"
`,
  },
  {
    id: 'LIN-BENCH-005', name: 'Kernel setting at most', params: [{ name: 'key', type: 'string', description: 'Path under /proc/sys.', pattern: '^[a-z0-9_/]+$' }, int('max')],
    variants: [['kernel/randomize_va_space', 2], ['net/ipv4/ip_forward', 1], ['kernel/pid_max', 4194304], ['fs/protected_symlinks', 1]],
    script: `IFS= read -r -d '' key || true
IFS= read -r -d '' max || true
if ! { IFS= read -r value <"/proc/sys/$key"; } 2>/dev/null; then
  printf '{"status":"not_applicable","observed":{"key":"%s"},"message":"no kernel setting %s","reason_code":"NO_SETTING"}\\n' "$key" "$key"
  exit 0
fi
if ((value <= max)); then status=pass; else status=fail; fi
printf '{"status":"%s","observed":{"key":"%s","value":%d},"expected":{"max":%d},"message":"%s is %d"}\\n' "$status" "$key" "$value" "$max" "$key" "$value"
`,
  },
  {
    id: 'LIN-BENCH-006', name: 'os-release field set', params: [file, { name: 'field', type: 'string', description: 'Field name.', pattern: '^[A-Z_]+$' }],
    variants: [['/etc/os-release', 'ID'], ['/etc/os-release', 'NAME'], ['/etc/os-release', 'VERSION_ID'], ['/etc/os-release', 'HOME_URL']],
    script: `IFS= read -r -d '' file || true
IFS= read -r -d '' field || true
value=
while IFS='=' read -r k v; do
  if [[ $k == "$field" ]]; then value=\${v//\\"/}; break; fi
done <"$file"
if [[ -n $value ]]; then status=pass; else status=fail; fi
printf '{"status":"%s","observed":{"field":"%s","value":"%s"},"message":"%s is %s"}\\n' "$status" "$field" "$value" "$field" "$value"
`,
  },
  {
    id: 'LIN-BENCH-007', name: 'Directory exists', params: [path],
    variants: [['/tmp'], ['/var/tmp'], ['/etc'], ['/usr']],
    script: `IFS= read -r -d '' path || true
if [[ -d $path ]]; then status=pass is_dir=true; else status=fail is_dir=false; fi
printf '{"status":"%s","observed":{"path":"%s","directory":%s},"message":"%s is a directory: %s"}\\n' "$status" "$path" "$is_dir" "$path" "$is_dir"
`,
  },
  {
    id: 'LIN-BENCH-008', name: 'User exists', params: [{ name: 'user', type: 'string', description: 'User name.', pattern: '^[a-z_][a-z0-9_-]*$' }, file],
    variants: [['root', '/etc/passwd'], ['daemon', '/etc/passwd'], ['nobody', '/etc/passwd'], ['writ-test', '/etc/passwd']],
    script: `IFS= read -r -d '' user || true
IFS= read -r -d '' file || true
if grep -q "^\${user}:" -- "$file"; then status=pass found=true; else status=fail found=false; fi
printf '{"status":"%s","observed":{"user":"%s","present":%s},"message":"user %s present: %s"}\\n' "$status" "$user" "$found" "$user" "$found"
`,
  },
  {
    id: 'LIN-BENCH-009', name: 'Shell listed', params: [file, { name: 'shell', type: 'string', description: 'Shell path.', pattern: '^/[^\\n]*$' }],
    variants: [['/etc/shells', '/bin/bash'], ['/etc/shells', '/bin/sh'], ['/etc/shells', '/usr/bin/bash'], ['/etc/shells', '/bin/dash']],
    script: `IFS= read -r -d '' file || true
IFS= read -r -d '' shell || true
found=false
while IFS= read -r line; do
  if [[ $line == "$shell" ]]; then found=true; break; fi
done <"$file"
if [[ $found == true ]]; then status=pass; else status=fail; fi
printf '{"status":"%s","observed":{"shell":"%s","listed":%s},"message":"%s listed in %s: %s"}\\n' "$status" "$shell" "$found" "$shell" "$file" "$found"
`,
  },
  {
    id: 'LIN-BENCH-010', name: 'Line count at most', params: [path, int('max_lines')],
    variants: [['/etc/passwd', 1000], ['/etc/group', 1000], ['/etc/shells', 100], ['/etc/hosts', 1000]],
    script: `IFS= read -r -d '' path || true
IFS= read -r -d '' max_lines || true
mapfile -t lines <"$path"
count=\${#lines[@]}
if ((count <= max_lines)); then status=pass; else status=fail; fi
printf '{"status":"%s","observed":{"path":"%s","lines":%d},"expected":{"max_lines":%d},"message":"%s has %d lines"}\\n' "$status" "$path" "$count" "$max_lines" "$path" "$count"
`,
  },
  {
    id: 'LIN-BENCH-011', name: 'Load average at most', params: [int('max_load')],
    variants: [[64], [128], [256], [512]],
    script: `IFS= read -r -d '' max_load || true
read -r one _ </proc/loadavg
whole=\${one%%.*}
if ((whole <= max_load)); then status=pass; else status=fail; fi
printf '{"status":"%s","observed":{"load1":"%s"},"expected":{"max_load":%d},"message":"load average %s"}\\n' "$status" "$one" "$max_load" "$one"
`,
  },
  {
    id: 'LIN-BENCH-012', name: 'Uptime at least', params: [int('min_seconds')],
    variants: [[1], [5], [10], [60]],
    script: `IFS= read -r -d '' min_seconds || true
read -r up _ </proc/uptime
seconds=\${up%%.*}
if ((seconds >= min_seconds)); then status=pass; else status=fail; fi
printf '{"status":"%s","observed":{"uptime_seconds":%d},"expected":{"min_seconds":%d},"message":"up %d s"}\\n' "$status" "$seconds" "$min_seconds" "$seconds"
`,
  },
  {
    id: 'LIN-BENCH-013', name: 'Memory at least', params: [int('min_kib')],
    variants: [[65536], [131072], [262144], [524288]],
    script: `IFS= read -r -d '' min_kib || true
total=0
while read -r key value _; do
  if [[ $key == MemTotal: ]]; then total=$value; break; fi
done </proc/meminfo
if ((total >= min_kib)); then status=pass; else status=fail; fi
printf '{"status":"%s","observed":{"mem_total_kib":%d},"expected":{"min_kib":%d},"message":"%d KiB of memory"}\\n' "$status" "$total" "$min_kib" "$total"
`,
  },
  {
    id: 'LIN-BENCH-014', name: 'Sticky bit on shared folder', params: [path],
    variants: [['/tmp'], ['/var/tmp'], ['/dev/shm'], ['/tmp/']],
    script: `IFS= read -r -d '' path || true
if [[ ! -d $path ]]; then
  printf '{"status":"not_applicable","observed":{"path":"%s"},"message":"no folder %s","reason_code":"NO_FOLDER"}\\n' "$path" "$path"
  exit 0
fi
if [[ -k $path ]]; then status=pass sticky=true; else status=fail sticky=false; fi
printf '{"status":"%s","observed":{"path":"%s","sticky":%s},"message":"%s sticky: %s"}\\n' "$status" "$path" "$sticky" "$path" "$sticky"
`,
  },
  {
    id: 'LIN-BENCH-015', name: 'Not world-writable', params: [path],
    variants: [['/etc/passwd'], ['/etc/group'], ['/etc/hosts'], ['/etc/shells']],
    script: `IFS= read -r -d '' path || true
if ! mode=$(stat -c %a -- "$path" 2>/dev/null); then
  printf '{"status":"error","observed":{"path":"%s"},"message":"cannot stat %s","reason_code":"STAT_FAILED"}\\n' "$path" "$path"
  exit 0
fi
if (((8#$mode & 2) == 0)); then status=pass writable=false; else status=fail writable=true; fi
printf '{"status":"%s","observed":{"path":"%s","world_writable":%s},"message":"%s world-writable: %s"}\\n' "$status" "$path" "$writable" "$path" "$writable"
`,
  },
  {
    id: 'LIN-BENCH-016', name: 'Command available', params: [{ name: 'command', type: 'string', description: 'Command name.', pattern: '^[a-z0-9_-]+$' }],
    variants: [['bash'], ['ls'], ['cat'], ['grep']],
    script: `IFS= read -r -d '' command || true
if where=$(command -v -- "$command"); then status=pass; else status=fail where=; fi
printf '{"status":"%s","observed":{"command":"%s","path":"%s"},"message":"%s at %s"}\\n' "$status" "$command" "$where" "$command" "$where"
`,
  },
  {
    id: 'LIN-BENCH-017', name: 'Hostname set', params: [file, int('min_length')],
    variants: [['/etc/hostname', 1], ['/etc/hostname', 2], ['/etc/hostname', 0], ['/proc/sys/kernel/hostname', 1]],
    script: `IFS= read -r -d '' file || true
IFS= read -r -d '' min_length || true
name=
{ IFS= read -r name <"$file"; } 2>/dev/null || true
if ((\${#name} >= min_length)); then status=pass; else status=fail; fi
printf '{"status":"%s","observed":{"hostname":"%s"},"expected":{"min_length":%d},"message":"hostname %s"}\\n' "$status" "$name" "$min_length" "$name"
`,
  },
  {
    id: 'LIN-BENCH-018', name: 'Group exists', params: [{ name: 'group', type: 'string', description: 'Group name.', pattern: '^[a-z_][a-z0-9_-]*$' }, file],
    variants: [['root', '/etc/group'], ['daemon', '/etc/group'], ['adm', '/etc/group'], ['users', '/etc/group']],
    script: `IFS= read -r -d '' group || true
IFS= read -r -d '' file || true
if grep -q "^\${group}:" -- "$file"; then status=pass found=true; else status=fail found=false; fi
printf '{"status":"%s","observed":{"group":"%s","present":%s},"message":"group %s present: %s"}\\n' "$status" "$group" "$found" "$group" "$found"
`,
  },
  {
    id: 'LIN-BENCH-019', name: 'File readable', params: [path],
    variants: [['/etc/passwd'], ['/etc/group'], ['/etc/hosts'], ['/etc/os-release']],
    script: `IFS= read -r -d '' path || true
if [[ -r $path ]]; then status=pass readable=true; else status=fail readable=false; fi
printf '{"status":"%s","observed":{"path":"%s","readable":%s},"message":"%s readable: %s"}\\n' "$status" "$path" "$readable" "$path" "$readable"
`,
  },
  {
    id: 'LIN-BENCH-020', name: 'Kernel major version at least', params: [int('min_major')],
    variants: [[3], [4], [5], [2]],
    script: `IFS= read -r -d '' min_major || true
IFS= read -r release </proc/sys/kernel/osrelease
major=\${release%%.*}
if ((major >= min_major)); then status=pass; else status=fail; fi
printf '{"status":"%s","observed":{"release":"%s","major":%d},"expected":{"min_major":%d},"message":"kernel %s"}\\n' "$status" "$release" "$major" "$min_major" "$release"
`,
  },
];

export const CHEAP_CHECKS: readonly CheapCheck[] = CHECK_TEXTS.map((c) => ({ ...c, script: HEADER + c.script }));

/** One check to run: a script of CHEAP_CHECKS with one of its value sets. */
export interface CheapCheckRun {
  check: CheapCheck;
  variant: number;
  values: ParamValue[];
}

/**
 * `count` checks cycling the twenty scripts; the n-th pass over them uses value set n, so no two
 * runs are the same (script, parameters) pair (the agent runs a shared pair once).
 *
 * @example
 * cheapCheckRuns(20); // each script once, first value set
 */
export function cheapCheckRuns(count: number): CheapCheckRun[] {
  return Array.from({ length: count }, (_, i) => {
    const check = CHEAP_CHECKS[i % CHEAP_CHECKS.length]!;
    const variant = Math.floor(i / CHEAP_CHECKS.length);
    const values = check.variants[variant];
    if (!values) throw new Error(`${check.id} has no value set ${variant}; add variants for more than ${CHEAP_CHECKS.length * check.variants.length} checks`);
    return { check, variant, values };
  });
}

/** The StepRequests the agent sends for these checks (no result library: the scripts print JSON themselves). */
export function cheapCheckSteps(runs: readonly CheapCheckRun[]): StepRequest[] {
  return runs.map((r, i) => ({
    key: `check:${r.check.id}:${r.variant}:${i}`, runbookId: r.check.id, step: 'check', platform: 'linux', script: r.check.script,
    params: r.check.params.map((p, j) => ({ name: p.name, value: r.values[j]! })), timeoutMs: 30_000,
  }));
}

/**
 * One check as standalone shell text: its values NUL-terminated on the stdin of a subshell that runs
 * the same script text. The floor concatenates these; Ansible runs one per task.
 */
export function standaloneCheck(run: CheapCheckRun): string {
  const values = run.values.map((v) => shellQuote(String(v))).join(' ');
  return `printf '%s\\0' ${values} | (\n${run.check.script})\n`;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}
