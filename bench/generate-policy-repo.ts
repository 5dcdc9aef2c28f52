import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/**
 * A deterministic, realistic and VALID policy repository for benchmarks: `writ validate` reports
 * no error on it (bench/validate-10k.ts asserts that before it measures anything).
 *
 * Layout, for `files` YAML files in all:
 * - frameworks/hipaa.yaml and runbooks/linux/lib/writ-result.sh (not YAML, not counted), copied
 *   from this repository;
 * - ~35 % runbooks (runbooks/linux, runbooks/windows; 60 % Linux), each with inline check and
 *   (for ~85 %) remediate scripts of 20–60 lines, some with a rollback. Bash scripts start with
 *   `set -euo pipefail` and bind every declared parameter in order with
 *   `IFS= read -r -d '' <name> || true`; PowerShell scripts open with a param() block naming
 *   exactly the declared parameters with matching types. Every script names its runbook id, so
 *   no two scripts have the same text (nothing dedupes in shellcheck's cache);
 * - ~50 % rules (policies/L1-GEN-<n>-001.yaml); rule n < #runbooks checks runbook n, so every
 *   runbook is used by some rule; detect-only runbooks (no remediate script) are escalated;
 * - ~15 % sites (sites/clinic-<n>.yaml) of 10–40 hosts, each enabling 5–40 existing rules, some
 *   with parameter overrides of the declared types, maintenance windows and current waivers.
 */
export interface GenerateOptions {
  /** YAML files to write in all (the framework included). At least 4. */
  files: number;
  /** Any integer; the same seed and count give byte-identical repositories. */
  seed: number;
  /**
   * Repository to copy frameworks/hipaa.yaml and the Linux result library
   * (runbooks/linux/lib/writ-result.sh) from; default: this repository.
   */
  repoRoot?: string;
}

export interface GeneratedRepo {
  dir: string;
  counts: { frameworks: number; rules: number; runbooks: number; linuxRunbooks: number; windowsRunbooks: number; sites: number; hosts: number; scripts: number };
  bytes: number;
}

/** Reference time the generated waivers are valid at (any `now` within ~4 months of it works). */
export const GENERATED_REPO_NOW = new Date('2026-11-28T09:00:00Z');

const RESULT_LIBRARY = 'runbooks/linux/lib/writ-result.sh';

// ─────────────────────────────── randomness ───────────────────────────────

/** mulberry32: small, fast and good enough for test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rand {
  constructor(private readonly next: () => number) {}
  float(): number {
    return this.next();
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** `n` distinct items (fewer when the list is shorter), in list order. */
  sample<T>(items: readonly T[], n: number): T[] {
    const idx = items.map((_, i) => i);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
    }
    return idx.slice(0, Math.min(n, items.length)).sort((a, b) => a - b).map((i) => items[i] as T);
  }
  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet.charAt(Math.floor(this.next() * alphabet.length));
    return s;
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const HEX = '0123456789abcdef';

// ─────────────────────────────── model ───────────────────────────────

type ParamType = 'string' | 'integer' | 'boolean' | 'array';

interface Param {
  name: string;
  type: ParamType;
  /** YAML lines of the declaration below `  <name>:` (4-space indented). */
  yaml: string[];
  /** A few valid values (as YAML flow text) for rules and sites to set. */
  values: string[];
  /** PowerShell type constraint and default expression. */
  psType: string;
  psDefault: string;
}

interface RunbookModel {
  id: string;
  platform: 'linux' | 'windows';
  path: string;
  theme: Theme;
  params: Param[];
  remediates: boolean;
  disruptive: boolean;
  /** observed keys the check reports, for rule conditions and evidence_fields. */
  observed: string[];
  numeric: string | null;
}

interface RuleModel {
  id: string;
  check: RunbookModel;
  fix: RunbookModel | null;
  params: [string, string][];
}

// Parameter templates. Every name is snake_case, every default fits its declaration.
const LINUX_PATH = "'^/[^\\n]*$'";
const WIN_PATH = "'^[A-Za-z]:\\\\[^\\n]*$'";

function pathParam(name: string, description: string, defaults: readonly string[], windows = false): Param {
  const def = defaults[0] as string;
  return {
    name, type: 'string', psType: '[string]', psDefault: `'${def}'`,
    yaml: [`type: string`, `description: ${description}`, `pattern: ${windows ? WIN_PATH : LINUX_PATH}`, `maxLength: ${windows ? 1024 : 4096}`, `default: ${yamlString(def)}`],
    values: defaults.map(yamlString),
  };
}

function intParam(name: string, description: string, min: number, max: number, def: number): Param {
  const values = [def, min, max, Math.floor((min + max) / 2)].map(String);
  return {
    name, type: 'integer', psType: '[int]', psDefault: String(def),
    yaml: [`type: integer`, `description: ${description}`, `minimum: ${min}`, `maximum: ${max}`, `default: ${def}`],
    values,
  };
}

function boolParam(name: string, description: string, def: boolean): Param {
  return {
    name, type: 'boolean', psType: '[bool]', psDefault: def ? '$true' : '$false',
    yaml: [`type: boolean`, `description: ${description}`, `default: ${def}`],
    values: ['true', 'false'],
  };
}

function enumParam(name: string, description: string, options: readonly string[]): Param {
  return {
    name, type: 'string', psType: '[string]', psDefault: `'${options[0]}'`,
    yaml: [`type: string`, `description: ${description}`, `enum: [${options.map(yamlString).join(', ')}]`, `default: ${yamlString(options[0] as string)}`],
    values: options.map(yamlString),
  };
}

function listParam(name: string, description: string, def: readonly string[], alternatives: readonly (readonly string[])[]): Param {
  const flow = (items: readonly string[]) => `[${items.join(', ')}]`;
  return {
    name, type: 'array', psType: '[string[]]', psDefault: def.length ? `@(${def.map((d) => `'${d}'`).join(', ')})` : '@()',
    yaml: [`type: array`, `description: ${description}`, `items:`, `  type: string`, `  pattern: '^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$'`, `minItems: 0`, `maxItems: 64`, `default: ${flow(def)}`],
    values: [flow(def), ...alternatives.map(flow)],
  };
}

function yamlString(s: string): string {
  return /^[A-Za-z0-9/_. -]+$/.test(s) && !/^(true|false|null|[0-9.]+)$/.test(s) && !/^ | $/.test(s) ? s : `'${s.replace(/'/g, "''")}'`;
}

// ─────────────────────────────── themes ───────────────────────────────

interface Theme {
  key: string;
  title: string;
  checkType: string;
  controls: readonly string[];
  params(r: Rand, n: number): Param[];
  observed: string[];
  numeric: string | null;
  check(ctx: ScriptCtx): string[];
  remediate(ctx: ScriptCtx): string[];
  rollback?(ctx: ScriptCtx): string[];
}

interface ScriptCtx {
  id: string;
  n: number;
  r: Rand;
  params: Param[];
}

const SERVICES = ['auditd', 'chronyd', 'rsyslog', 'sshd', 'fail2ban', 'firewalld', 'clamav-daemon', 'unattended-upgrades', 'crond', 'systemd-journald'];
const SYSCTLS = ['net.ipv4.ip_forward', 'net.ipv4.conf.all.accept_redirects', 'net.ipv4.conf.all.send_redirects', 'kernel.randomize_va_space', 'net.ipv4.tcp_syncookies', 'fs.suid_dumpable', 'kernel.dmesg_restrict'];
const CONFIGS = ['/etc/ssh/sshd_config', '/etc/login.defs', '/etc/audit/auditd.conf', '/etc/security/pwquality.conf', '/etc/chrony/chrony.conf', '/etc/rsyslog.conf', '/etc/logrotate.conf'];
const LOG_DIRS = ['/var/log', '/var/log/audit', '/var/log/ehr', '/srv/ehr/logs', '/var/log/pacs'];
const USERS = ['ehradmin', 'backup', 'svc.ehr', 'svc.pacs', 'monitor', 'frontdesk', 'nurse01', 'drsmith'];
const WIN_SERVICES = ['WinDefend', 'EventLog', 'wuauserv', 'MpsSvc', 'W32Time', 'Sense', 'BITS', 'Spooler', 'RemoteRegistry'];
const WIN_KEYS = [
  'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\Personalization',
  'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa',
  'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System',
  'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services',
  'HKLM:\\SYSTEM\\CurrentControlSet\\Services\\LanmanServer\\Parameters',
];

/** Header lines shared by every bash script: shebang, purpose, strict mode, parameter bindings. */
function bashHead(ctx: ScriptCtx, step: string, purpose: string): string[] {
  const lines = ['#!/usr/bin/env bash', `# ${ctx.id} ${step}: ${purpose}`];
  if (ctx.r.chance(0.5)) lines.push(`# Reviewed for the benchmark repository (variant ${ctx.n % 97}); parameters arrive on stdin.`);
  lines.push('set -euo pipefail');
  for (const p of ctx.params) lines.push(`IFS= read -r -d '' ${p.name} || true`);
  return lines;
}

/** Filler that makes scripts of realistic length and distinct text, all shellcheck-clean. */
function bashNotes(ctx: ScriptCtx, min: number, max: number): string[] {
  const out: string[] = [];
  const k = ctx.r.int(min, max);
  for (let i = 0; i < k; i++) {
    switch (ctx.r.int(0, 3)) {
      case 0:
        out.push(`writ_observe runbook_revision "${ctx.id}-r${i + 1}"`);
        break;
      case 1:
        out.push(`# step ${i + 1} of ${ctx.id}: keep the output on one line so the agent can parse it`);
        break;
      case 2:
        out.push(`hostname_now=$(uname -n 2>/dev/null || printf 'unknown')`, `writ_observe host_seen_${i} "$hostname_now"`);
        break;
      default:
        out.push(`if [[ -r /etc/os-release ]]; then`, `  writ_observe os_release_${i} "$(grep -m1 '^ID=' /etc/os-release | cut -d= -f2 || true)"`, `fi`);
    }
  }
  return out;
}

function stateLines(): string[] {
  return [
    'record_dir="$state_dir/$incident"',
    'if [[ ! -d $record_dir ]]; then',
    '  mkdir -p -- "$record_dir"',
    '  chmod 0700 -- "$record_dir"',
    'fi',
  ];
}

const LINUX_THEMES: Theme[] = [
  {
    key: 'SVC', title: 'service running and enabled', checkType: 'service_state', controls: ['hipaa:164.312(b)', 'hipaa:164.308(a)(1)(ii)(D)'],
    observed: ['active_state', 'enabled_state'], numeric: null,
    params: (r) => [
      enumParam('service_name', 'Systemd unit that must run.', r.sample(SERVICES, 3)),
      boolParam('must_be_enabled', 'Also require the unit to start at boot.', true),
      intParam('settle_seconds', 'Seconds to wait after a restart before checking again.', 1, 120, r.int(2, 30)),
    ],
    check: (c) => [
      ...bashHead(c, 'check', 'the configured service is active (and enabled at boot)'),
      ': "$settle_seconds"',
      '',
      'writ_expect active_state active',
      'if ! command -v systemctl >/dev/null 2>&1; then',
      `  writ_result not_applicable "no systemd on this host (${c.id})" NO_SYSTEMD`,
      '  exit 0',
      'fi',
      'active=$(systemctl is-active -- "$service_name" 2>/dev/null || true)',
      'enabled=$(systemctl is-enabled -- "$service_name" 2>/dev/null || true)',
      'writ_observe active_state "${active:-unknown}"',
      'writ_observe enabled_state "${enabled:-unknown}"',
      ...bashNotes(c, 2, 8),
      'if [[ $active != active ]]; then',
      '  writ_result fail "$service_name is ${active:-unknown}"',
      'elif [[ $must_be_enabled == true && $enabled != enabled ]]; then',
      '  writ_result fail "$service_name runs but does not start at boot"',
      'else',
      `  writ_result pass "$service_name is running (${c.id})"`,
      'fi',
    ],
    remediate: (c) => [
      ...bashHead(c, 'remediate', 'start the service and enable it at boot'),
      '',
      'if [[ $must_be_enabled == true ]]; then',
      '  systemctl enable -- "$service_name"',
      'fi',
      'systemctl restart -- "$service_name"',
      'sleep "$settle_seconds"',
      'state=$(systemctl is-active -- "$service_name" || true)',
      `printf '%s: %s is %s\\n' "${c.id}" "$service_name" "$state"`,
      ...bashNotes(c, 4, 14),
      'if [[ $state != active ]]; then',
      '  printf \'%s did not start\\n\' "$service_name" >&2',
      '  exit 1',
      'fi',
    ],
  },
  {
    key: 'SYSCTL', title: 'kernel setting pinned', checkType: 'sysctl', controls: ['hipaa:164.312(e)(1)', 'hipaa:164.312(a)(1)'],
    observed: ['current_value'], numeric: 'current_value',
    params: (r) => [
      enumParam('sysctl_key', 'Kernel parameter to pin.', r.sample(SYSCTLS, 3)),
      intParam('expected_value', 'Value the kernel parameter must have.', 0, 2, r.int(0, 1)),
      pathParam('drop_in', 'sysctl.d file writ manages.', ['/etc/sysctl.d/90-writ.conf', '/etc/sysctl.d/60-hipaa.conf']),
      pathParam('state_dir', 'Folder where the prior value is kept for rollback.', ['/var/lib/writ/rollback', '/var/lib/writ/state']),
    ],
    check: (c) => [
      ...bashHead(c, 'check', 'the kernel parameter has the expected value'),
      ': "$drop_in" "$state_dir"',
      '',
      'writ_expect_raw current_value "$expected_value"',
      'if ! current=$(sysctl -n -- "$sysctl_key" 2>/dev/null); then',
      `  writ_result not_applicable "the kernel has no $sysctl_key (${c.id})" NO_SUCH_SYSCTL`,
      '  exit 0',
      'fi',
      'current=${current//[[:space:]]/}',
      'writ_observe current_value "$current"',
      ...bashNotes(c, 3, 10),
      'if [ "$current" = "$expected_value" ]; then',
      '  writ_result pass "$sysctl_key is $current"',
      'else',
      '  writ_result fail "$sysctl_key is $current, not $expected_value"',
      'fi',
    ],
    remediate: (c) => [
      ...bashHead(c, 'remediate', 'pin the kernel parameter in a drop-in file and apply it'),
      `incident="${c.id.toLowerCase()}"`,
      '',
      ...stateLines(),
      'if [[ ! -f $record_dir/prior ]]; then',
      '  sysctl -n -- "$sysctl_key" >"$record_dir/prior" 2>/dev/null || printf \'unset\\n\' >"$record_dir/prior"',
      'fi',
      'tmp=$(mktemp)',
      'trap \'rm -f -- "$tmp"\' EXIT',
      'if [[ -f $drop_in ]]; then',
      '  grep -v -F -- "$sysctl_key" "$drop_in" >"$tmp" || true',
      'fi',
      'printf \'%s = %s\\n\' "$sysctl_key" "$expected_value" >>"$tmp"',
      'install -m 0644 -- "$tmp" "$drop_in"',
      'sysctl -q -w -- "$sysctl_key=$expected_value"',
      ...bashNotes(c, 2, 10),
      `printf '%s applied %s\\n' "${c.id}" "$sysctl_key"`,
    ],
    rollback: (c) => [
      ...bashHead(c, 'rollback', 'restore the prior kernel parameter value'),
      `incident="${c.id.toLowerCase()}"`,
      'record_dir="$state_dir/$incident"',
      ': "$expected_value"',
      'if [[ ! -f $record_dir/prior ]]; then',
      '  printf \'nothing recorded for %s\\n\' "$sysctl_key"',
      '  exit 0',
      'fi',
      'prior=$(<"$record_dir/prior")',
      'if [[ -f $drop_in ]]; then',
      '  tmp=$(mktemp)',
      '  grep -v -F -- "$sysctl_key" "$drop_in" >"$tmp" || true',
      '  install -m 0644 -- "$tmp" "$drop_in"',
      '  rm -f -- "$tmp"',
      'fi',
      'if [[ $prior != unset ]]; then',
      '  sysctl -q -w -- "$sysctl_key=$prior"',
      'fi',
      ...bashNotes(c, 2, 6),
      'rm -rf -- "$record_dir"',
    ],
  },
  {
    key: 'PERM', title: 'sensitive file permissions', checkType: 'file_mode', controls: ['hipaa:164.312(a)(1)', 'hipaa:164.312(c)(1)', 'hipaa:164.308(a)(4)(ii)(B)'],
    observed: ['mode', 'owner'], numeric: null,
    params: (r) => [
      pathParam('target_path', 'File whose mode is checked.', r.sample(CONFIGS, 3)),
      enumParam('forbidden_bits', 'Permission bits that must not be set (find -perm / syntax).', ['0027', '0077', '0022', '0007']),
      listParam('allowed_owners', 'Accounts that may own the file.', ['root'], [['root', 'ehradmin'], ['root', r.pick(USERS)]]),
      pathParam('state_dir', 'Folder where the prior mode is kept for rollback.', ['/var/lib/writ/rollback', '/var/lib/writ/state']),
    ],
    check: (c) => [
      ...bashHead(c, 'check', 'the file has no forbidden permission bits and a permitted owner'),
      ': "$state_dir"',
      '',
      'writ_expect forbidden_bits "$forbidden_bits"',
      'if [[ ! -e $target_path ]]; then',
      `  writ_result not_applicable "no file at the configured path (${c.id})" TARGET_MISSING`,
      '  exit 0',
      'fi',
      'mode=$(stat -c \'%a\' -- "$target_path")',
      'owner=$(stat -c \'%U\' -- "$target_path")',
      'writ_observe mode "$mode"',
      'writ_observe owner "$owner"',
      'mapfile -t owners <<<"$allowed_owners"',
      'owner_ok=false',
      'for allowed in "${owners[@]}"; do',
      '  if [[ $allowed == "$owner" ]]; then',
      '    owner_ok=true',
      '  fi',
      'done',
      ...bashNotes(c, 2, 9),
      'if [[ -n $(find "$target_path" -maxdepth 0 -perm "/$forbidden_bits" -print) ]]; then',
      '  writ_result fail "mode $mode sets bits of $forbidden_bits"',
      'elif [[ $owner_ok != true ]]; then',
      '  writ_result fail "owned by $owner, which is not allowed"',
      'else',
      `  writ_result pass "mode $mode, owner $owner (${c.id})"`,
      'fi',
    ],
    remediate: (c) => [
      ...bashHead(c, 'remediate', 'clear the forbidden permission bits'),
      `incident="${c.id.toLowerCase()}"`,
      ': "$allowed_owners"',
      '',
      ...stateLines(),
      'if [[ ! -f $record_dir/mode ]]; then',
      '  stat -c \'%a\' -- "$target_path" >"$record_dir/mode"',
      'fi',
      'chmod "g-w,o-rwx" -- "$target_path"',
      'if [[ -n $(find "$target_path" -maxdepth 0 -perm "/$forbidden_bits" -print) ]]; then',
      '  chmod "go-rwx" -- "$target_path"',
      'fi',
      ...bashNotes(c, 3, 12),
      `printf '%s: mode now %s\\n' "${c.id}" "$(stat -c '%a' -- "$target_path")"`,
    ],
    rollback: (c) => [
      ...bashHead(c, 'rollback', 'restore the recorded mode'),
      `incident="${c.id.toLowerCase()}"`,
      'record_dir="$state_dir/$incident"',
      ': "$forbidden_bits" "$allowed_owners"',
      'if [[ -f $record_dir/mode ]]; then',
      '  prior=$(<"$record_dir/mode")',
      '  if [[ $prior =~ ^[0-7]{3,4}$ ]]; then',
      '    chmod -- "$prior" "$target_path"',
      '  fi',
      '  rm -rf -- "$record_dir"',
      'fi',
      ...bashNotes(c, 4, 10),
      `printf '%s rolled back\\n' "${c.id}"`,
    ],
  },
  {
    key: 'LOG', title: 'audit log retention', checkType: 'log_retention', controls: ['hipaa:164.312(b)', 'hipaa:164.316(b)(2)(i)'],
    observed: ['files_past_minimum', 'file_count'], numeric: 'file_count',
    params: (r) => [
      pathParam('log_dir', 'Folder holding the audit logs.', r.sample(LOG_DIRS, 3)),
      intParam('min_days', 'Days of logs that must be kept.', 30, 2190, r.pick([90, 180, 365, 400])),
      boolParam('compress', 'Compress rotated logs.', r.chance(0.5)),
    ],
    check: (c) => [
      ...bashHead(c, 'check', 'logs reach back at least the configured number of days'),
      ': "$compress"',
      '',
      'writ_expect_raw min_days "$min_days"',
      'if [[ ! -d $log_dir ]]; then',
      `  writ_result not_applicable "no log folder at the configured path (${c.id})" NO_LOG_DIR`,
      '  exit 0',
      'fi',
      'count=$(find "$log_dir" -maxdepth 1 -type f | wc -l)',
      'old=$(find "$log_dir" -maxdepth 1 -type f -mtime "+$min_days" | wc -l)',
      'writ_observe_raw files_past_minimum "$old"',
      'writ_observe_raw file_count "$count"',
      ...bashNotes(c, 2, 10),
      'if [ "$count" -eq 0 ]; then',
      '  writ_result fail "no logs are kept"',
      'elif [ "$old" -eq 0 ]; then',
      '  writ_result fail "no log is older than $min_days days; older logs were deleted"',
      'else',
      `  writ_result pass "$old logs are older than $min_days days (${c.id})"`,
      'fi',
    ],
    remediate: (c) => [
      ...bashHead(c, 'remediate', 'configure logrotate to keep the logs long enough'),
      '',
      `conf="/etc/logrotate.d/writ-${c.n}"`,
      'tmp=$(mktemp)',
      'trap \'rm -f -- "$tmp"\' EXIT',
      '{',
      '  printf \'%s/*.log {\\n\' "$log_dir"',
      '  printf \'  daily\\n  rotate %s\\n  missingok\\n  notifempty\\n\' "$min_days"',
      '  if [[ $compress == true ]]; then',
      '    printf \'  compress\\n  delaycompress\\n\'',
      '  fi',
      '  printf \'}\\n\'',
      '} >"$tmp"',
      'if ! cmp -s -- "$tmp" "$conf"; then',
      '  install -m 0644 -- "$tmp" "$conf"',
      'fi',
      ...bashNotes(c, 3, 12),
      `printf '%s wrote %s\\n' "${c.id}" "$conf"`,
    ],
  },
  {
    key: 'CFG', title: 'configuration key pinned', checkType: 'config_value', controls: ['hipaa:164.312(d)', 'hipaa:164.308(a)(5)(ii)(D)'],
    observed: ['current_value', 'source_file'], numeric: null,
    params: (r) => [
      pathParam('config_file', 'Configuration file to read.', r.sample(CONFIGS, 3)),
      enumParam('config_key', 'Setting that must be pinned.', r.sample(['PASS_MAX_DAYS', 'PASS_MIN_LEN', 'MaxAuthTries', 'LoginGraceTime', 'max_log_file', 'minlen', 'ClientAliveInterval'], 3)),
      intParam('wanted', 'Value the setting must have.', 1, 365, r.int(3, 90)),
      pathParam('state_dir', 'Folder where the prior file is kept for rollback.', ['/var/lib/writ/rollback']),
    ],
    check: (c) => [
      ...bashHead(c, 'check', 'the setting has the configured value'),
      ': "$state_dir"',
      '',
      'writ_expect current_value "$wanted"',
      'if [[ ! -r $config_file ]]; then',
      `  writ_result not_applicable "the configuration file is missing or unreadable (${c.id})" NO_CONFIG`,
      '  exit 0',
      'fi',
      'value=""',
      'while IFS= read -r line || [[ -n $line ]]; do',
      '  line=${line%%#*}',
      '  read -r key rest <<<"$line" || true',
      '  if [[ ${key:-} == "$config_key" ]]; then',
      '    value=${rest%% *}',
      '    break',
      '  fi',
      'done <"$config_file"',
      'writ_observe current_value "${value:-unset}"',
      'writ_observe source_file "$config_file"',
      ...bashNotes(c, 2, 10),
      'if [[ $value == "$wanted" ]]; then',
      '  writ_result pass "$config_key is $value"',
      'else',
      `  writ_result fail "$config_key is \${value:-unset}, not $wanted (${c.id})"`,
      'fi',
    ],
    remediate: (c) => [
      ...bashHead(c, 'remediate', 'write the setting once at the top of the file'),
      `incident="${c.id.toLowerCase()}"`,
      '',
      ...stateLines(),
      'if [[ ! -f $record_dir/original ]]; then',
      '  cp -p -- "$config_file" "$record_dir/original"',
      'fi',
      'tmp=$(mktemp)',
      'trap \'rm -f -- "$tmp"\' EXIT',
      'printf \'%s %s # writ-managed\\n\' "$config_key" "$wanted" >"$tmp"',
      'grep -v -e \'# writ-managed$\' -- "$config_file" >>"$tmp" || true',
      'if ! cmp -s -- "$tmp" "$config_file"; then',
      '  install -m 0644 -- "$tmp" "$config_file"',
      'fi',
      ...bashNotes(c, 2, 12),
      `printf '%s pinned %s\\n' "${c.id}" "$config_key"`,
    ],
    rollback: (c) => [
      ...bashHead(c, 'rollback', 'restore the file copied before the change'),
      `incident="${c.id.toLowerCase()}"`,
      'record_dir="$state_dir/$incident"',
      ': "$config_key" "$wanted"',
      'if [[ -f $record_dir/original ]]; then',
      '  cp -p -- "$record_dir/original" "$config_file"',
      '  rm -rf -- "$record_dir"',
      'else',
      '  printf \'no copy recorded for %s\\n\' "$config_file"',
      'fi',
      ...bashNotes(c, 5, 12),
    ],
  },
];

function psHead(ctx: ScriptCtx, step: string, purpose: string): string[] {
  const lines = [`# ${ctx.id} ${step}: ${purpose}`];
  if (ctx.r.chance(0.4)) lines.push('[CmdletBinding()]');
  lines.push('param(');
  ctx.params.forEach((p, i) => lines.push(`    ${p.psType}$${p.name} = ${p.psDefault}${i < ctx.params.length - 1 ? ',' : ''}`));
  lines.push(')', "$ErrorActionPreference = 'Stop'", 'Set-StrictMode -Version 3.0');
  return lines;
}

function psNotes(ctx: ScriptCtx, min: number, max: number): string[] {
  const out: string[] = [];
  const k = ctx.r.int(min, max);
  for (let i = 0; i < k; i++) {
    switch (ctx.r.int(0, 2)) {
      case 0:
        out.push(`$observed['revision_${i}'] = '${ctx.id}-r${i + 1}'`);
        break;
      case 1:
        out.push(`# step ${i + 1} of ${ctx.id}: values come from param(), never from strings run as code`);
        break;
      default:
        out.push(`$observed['computer_${i}'] = [string]$env:COMPUTERNAME`);
    }
  }
  return out;
}

function psResult(ctx: ScriptCtx, expected: string): string[] {
  return [
    '[ordered]@{',
    '    status   = $status',
    '    observed = $observed',
    `    expected = [ordered]@{ ${expected} }`,
    `    message  = "$message (${ctx.id})"`,
    '} | ConvertTo-Json -Compress -Depth 4',
  ];
}

const WINDOWS_THEMES: Theme[] = [
  {
    key: 'SVC', title: 'Windows service running', checkType: 'service_state', controls: ['hipaa:164.308(a)(5)(ii)(B)', 'hipaa:164.312(b)'],
    observed: ['status', 'start_type'], numeric: null,
    params: (r) => [
      enumParam('service_name', 'Windows service that must run.', r.sample(WIN_SERVICES, 3)),
      enumParam('start_type', 'Start type the service must have.', ['Automatic', 'AutomaticDelayedStart', 'Manual']),
      intParam('wait_seconds', 'Seconds to wait for the service to start.', 1, 300, r.int(10, 60)),
    ],
    check: (c) => [
      ...psHead(c, 'check', 'the service runs with the configured start type'),
      '$null = $wait_seconds',
      '$observed = [ordered]@{}',
      'try {',
      '    $svc = Get-Service -Name $service_name',
      '} catch {',
      "    [ordered]@{ status = 'not_applicable'; observed = @{}; message = 'the service is not installed'; reason_code = 'NO_SERVICE' } | ConvertTo-Json -Compress",
      '    exit 0',
      '}',
      "$observed['status'] = [string]$svc.Status",
      "$observed['start_type'] = [string]$svc.StartType",
      ...psNotes(c, 3, 12),
      "$ok = ([string]$svc.Status -eq 'Running') -and ([string]$svc.StartType -eq $start_type)",
      "$status = if ($ok) { 'pass' } else { 'fail' }",
      '$message = "service $service_name is $($svc.Status), start type $($svc.StartType)"',
      ...psResult(c, "status = 'Running'; start_type = $start_type"),
    ],
    remediate: (c) => [
      ...psHead(c, 'remediate', 'set the start type and start the service'),
      '$observed = [ordered]@{}',
      'Set-Service -Name $service_name -StartupType $start_type',
      'Start-Service -Name $service_name',
      '$svc = Get-Service -Name $service_name',
      '$svc.WaitForStatus(\'Running\', [TimeSpan]::FromSeconds($wait_seconds))',
      ...psNotes(c, 4, 14),
      "$observed['status'] = [string]$svc.Status",
      `Write-Output ('${c.id}: ' + $service_name + ' is ' + [string]$svc.Status)`,
      '$observed | ConvertTo-Json -Compress',
    ],
  },
  {
    key: 'REG', title: 'registry policy value', checkType: 'registry_value', controls: ['hipaa:164.312(a)(2)(iii)', 'hipaa:164.312(a)(1)'],
    observed: ['current_value', 'key_present'], numeric: 'current_value',
    params: (r) => [
      enumParam('value_name', 'Registry value to pin.', r.sample(['InactivityTimeoutSecs', 'LimitBlankPasswordUse', 'RestrictAnonymous', 'MaxIdleTime', 'EnableSecuritySignature', 'NoLockScreenCamera'], 3)),
      intParam('wanted', 'Value the setting must have.', 0, 900, r.pick([1, 600, 900, 0])),
      boolParam('create_key', 'Create the key when it is missing.', true),
      pathParam('state_dir', 'Folder where the prior value is kept for rollback.', ['C:\\ProgramData\\writ\\rollback', 'C:\\ProgramData\\writ\\state'], true),
    ],
    check: (c) => {
      const key = c.r.pick(WIN_KEYS);
      return [
        ...psHead(c, 'check', 'the policy value has the configured data'),
        '$null = $create_key, $state_dir',
        `$key = '${key}'`,
        '$observed = [ordered]@{}',
        "$observed['key_present'] = [bool](Test-Path -LiteralPath $key)",
        '$current = $null',
        "if ($observed['key_present']) {",
        '    $item = Get-ItemProperty -LiteralPath $key -Name $value_name -ErrorAction SilentlyContinue',
        '    if ($null -ne $item) { $current = [int]$item.$value_name }',
        '}',
        "$observed['current_value'] = $current",
        ...psNotes(c, 3, 12),
        "$status = if ($current -eq $wanted) { 'pass' } else { 'fail' }",
        '$message = "$value_name is $current, wanted $wanted"',
        ...psResult(c, 'current_value = $wanted'),
      ];
    },
    remediate: (c) => {
      const key = c.r.pick(WIN_KEYS);
      return [
        ...psHead(c, 'remediate', 'write the policy value, keeping the prior data for rollback'),
        `$key = '${key}'`,
        `$record = Join-Path -Path $state_dir -ChildPath '${c.id.toLowerCase()}.json'`,
        'if (-not (Test-Path -LiteralPath $key)) {',
        '    if (-not $create_key) { throw "registry key $key is missing" }',
        '    $null = New-Item -Path $key -Force',
        '}',
        'if (-not (Test-Path -LiteralPath $record)) {',
        '    $null = New-Item -ItemType Directory -Path $state_dir -Force',
        '    $prior = Get-ItemProperty -LiteralPath $key -Name $value_name -ErrorAction SilentlyContinue',
        '    @{ present = ($null -ne $prior); value = if ($prior) { $prior.$value_name } else { $null } } | ConvertTo-Json -Compress | Set-Content -LiteralPath $record',
        '}',
        'Set-ItemProperty -LiteralPath $key -Name $value_name -Value $wanted -Type DWord',
        '$observed = [ordered]@{}',
        ...psNotes(c, 3, 12),
        `Write-Output ('${c.id} set ' + $value_name)`,
      ];
    },
    rollback: (c) => {
      const key = c.r.pick(WIN_KEYS);
      return [
        ...psHead(c, 'rollback', 'restore the recorded policy value'),
        '$null = $wanted, $create_key',
        `$key = '${key}'`,
        `$record = Join-Path -Path $state_dir -ChildPath '${c.id.toLowerCase()}.json'`,
        'if (-not (Test-Path -LiteralPath $record)) {',
        "    Write-Output 'nothing recorded'",
        '    exit 0',
        '}',
        '$prior = Get-Content -LiteralPath $record -Raw | ConvertFrom-Json',
        'if ($prior.present) {',
        '    Set-ItemProperty -LiteralPath $key -Name $value_name -Value $prior.value -Type DWord',
        '} else {',
        '    Remove-ItemProperty -LiteralPath $key -Name $value_name -ErrorAction SilentlyContinue',
        '}',
        'Remove-Item -LiteralPath $record',
        '$observed = [ordered]@{}',
        ...psNotes(c, 3, 10),
      ];
    },
  },
  {
    key: 'ACCT', title: 'local administrators limited', checkType: 'local_group', controls: ['hipaa:164.308(a)(3)(ii)(C)', 'hipaa:164.312(a)(2)(i)'],
    observed: ['members', 'unexpected'], numeric: null,
    params: (r) => [
      listParam('allowed_members', 'Accounts allowed in the local Administrators group.', ['Administrator'], [['Administrator', 'svc.backup'], ['Administrator', r.pick(USERS)]]),
      enumParam('group_name', 'Local group to check.', ['Administrators', 'Remote Desktop Users', 'Backup Operators']),
    ],
    check: (c) => [
      ...psHead(c, 'check', 'the local group holds only the allowed members'),
      '$observed = [ordered]@{}',
      'try {',
      '    $members = @(Get-LocalGroupMember -Group $group_name | ForEach-Object { ([string]$_.Name).Split(\'\\\')[-1] })',
      '} catch {',
      "    [ordered]@{ status = 'error'; observed = @{}; message = 'the group could not be read'; reason_code = 'GROUP_UNREADABLE' } | ConvertTo-Json -Compress",
      '    exit 0',
      '}',
      '$unexpected = @($members | Where-Object { $allowed_members -notcontains $_ })',
      "$observed['members'] = $members",
      "$observed['unexpected'] = $unexpected",
      ...psNotes(c, 3, 14),
      "$status = if ($unexpected.Count -eq 0) { 'pass' } else { 'fail' }",
      "$message = \"$group_name has $($unexpected.Count) unexpected members\"",
      ...psResult(c, 'unexpected = @()'),
    ],
    remediate: (c) => [
      ...psHead(c, 'remediate', 'remove members that are not allowed'),
      '$observed = [ordered]@{}',
      '$members = @(Get-LocalGroupMember -Group $group_name)',
      'foreach ($member in $members) {',
      "    $short = ([string]$member.Name).Split('\\')[-1]",
      '    if ($allowed_members -notcontains $short) {',
      '        Remove-LocalGroupMember -Group $group_name -Member $member',
      `        Write-Output ('${c.id} removed ' + $short)`,
      '    }',
      '}',
      ...psNotes(c, 5, 16),
    ],
  },
];

// ─────────────────────────────── YAML writers ───────────────────────────────

function block(lines: readonly string[], indent: string): string {
  return lines.map((l) => (l === '' ? '' : indent + l)).join('\n');
}

function runbookYaml(rb: RunbookModel, r: Rand, n: number, controlIds: readonly string[]): { text: string; scripts: number } {
  const t = rb.theme;
  const ctx: ScriptCtx = { id: rb.id, n, r, params: rb.params };
  const controls = [...new Set([...t.controls, ...r.sample(controlIds, r.int(0, 2)).map((c) => `hipaa:${c}`)])];
  const lines = [
    '# yaml-language-server: $schema=../../schemas/runbook.schema.json',
    'apiVersion: writ/v1',
    'kind: Runbook',
    `id: ${rb.id}`,
    `name: ${rb.platform === 'linux' ? 'Linux' : 'Windows'} ${t.title} (${n})`,
    'description: >-',
    `  Generated benchmark runbook ${n}: ${t.title}. The check reports ${t.observed.join(' and ')};`,
    `  ${rb.remediates ? 'remediation records the prior state under state_dir once per incident.' : 'detect-only: a person reviews every failure.'}`,
    `version: 1.${n % 7}.${n % 3}`,
    `platform: ${rb.platform}`,
    `check_type: ${t.checkType}`,
    `severity: ${r.pick(['low', 'medium', 'high', 'critical'])}`,
    'controls:',
    ...controls.map((c) => `  - ${c}`),
    `disruptive: ${rb.disruptive}`,
  ];
  if (r.chance(0.1)) lines.push('requires_reboot: false');
  lines.push('parameters:');
  for (const p of rb.params) lines.push(`  ${p.name}:`, block(p.yaml, '    '));
  lines.push('scripts:');
  const steps: [string, string[]][] = [['check', t.check(ctx)]];
  if (rb.remediates) {
    steps.push(['remediate', t.remediate(ctx)]);
    if (t.rollback && r.chance(0.6)) steps.push(['rollback', t.rollback(ctx)]);
  }
  for (const [step, body] of steps) {
    lines.push(`  ${step}:`, `    timeout_seconds: ${r.pick([30, 60, 120, 300])}`, '    inline: |', block(body, '      '));
  }
  lines.push('evidence_fields:', ...t.observed.map((o) => `  - ${o}`));
  if (r.chance(0.3)) lines.push('notes: >-', `  Benchmark note for ${rb.id}: values reach the scripts only as data, and every change`, '  can be undone from the record under state_dir.');
  return { text: lines.join('\n') + '\n', scripts: steps.length };
}

function ruleYaml(rule: RuleModel, r: Rand, n: number, controlIds: readonly string[]): string {
  const rb = rule.check;
  const lines = [
    '# yaml-language-server: $schema=../schemas/rule.schema.json',
    'apiVersion: writ/v1',
    'kind: Rule',
    `id: ${rule.id}`,
    `name: ${rb.theme.title} on ${rb.platform} (rule ${n})`,
    `description: When ${rb.id} reports drift, ${rule.fix ? `heal it with ${rule.fix.id}` : 'escalate to the on-call engineer'}.`,
    `severity: ${r.pick(['low', 'medium', 'high', 'critical'])}`,
    `check: ${rb.id}`,
    'when:',
  ];
  const form = r.int(0, 3);
  if (form === 0 || rb.numeric === null) lines.push('  - field: status', '    op: eq', '    value: fail');
  else if (form === 1) lines.push('  - field: status', '    op: in', '    value: [fail, error]');
  else if (form === 2) lines.push('  - field: status', '    op: eq', '    value: fail', `  - field: observed.${rb.numeric}`, '    op: gte', `    value: ${r.int(0, 5)}`);
  else lines.push('  - field: status', '    op: regex', "    value: '^(fail|error)$'", '  - field: host.tags', '    op: contains', `    value: ${r.pick(['ehr', 'server', 'workstation', 'pacs'])}`);
  lines.push('action:');
  if (rule.fix) {
    lines.push('  type: remediate');
    if (rule.fix !== rb) lines.push(`  runbook: ${rule.fix.id}`);
    if (rule.params.length > 0) {
      lines.push('  params:');
      for (const [k, v] of rule.params) lines.push(`    ${k}: ${v}`);
    }
  } else {
    lines.push('  type: escalate', `  reason: ${rb.id} is detect-only; a person reviews ${rb.theme.title} findings.`, `  urgency: ${r.pick(['low', 'medium', 'high'])}`);
  }
  lines.push(`priority: ${r.int(1, 500)}`, `cooldown_seconds: ${r.pick([300, 600, 3600, 86400])}`, `max_retries: ${r.int(0, 3)}`);
  if (r.chance(0.2)) lines.push(`controls: [hipaa:${r.pick(controlIds)}]`);
  if (r.chance(0.4)) lines.push(`mode: ${r.pick(['audit', 'enforce'])}`);
  if (r.chance(0.5)) lines.push(`tags: [${r.sample(['baseline', 'ehr', 'identity', 'logging', 'network', 'endpoint'], r.int(1, 3)).join(', ')}]`);
  return lines.join('\n') + '\n';
}

const TIMEZONES = ['America/Chicago', 'America/New_York', 'America/Denver', 'America/Los_Angeles', 'America/Phoenix', 'America/Anchorage', 'Pacific/Honolulu', 'America/Indiana/Indianapolis', 'America/Detroit', 'America/Boise'];
const TOWNS = ['Northside', 'Riverbend', 'Maple Grove', 'Lakeview', 'Cedar Hill', 'Fairmont', 'Oak Park', 'Hillcrest', 'Brookside', 'Pine Ridge', 'Westfield', 'Elm Street'];
const KINDS = ['Family Clinic', 'Pediatrics', 'Dental', 'Physical Therapy', 'Dermatology', 'Urgent Care', 'Eye Care', 'Women\'s Health'];
const ROLES = ['ehr-db', 'ehr-app', 'pacs', 'file', 'backup', 'dc', 'front-desk', 'exam', 'billing', 'lab', 'nurse', 'dr'];

function siteYaml(n: number, r: Rand, rules: readonly RuleModel[]): { text: string; hosts: number } {
  const id = `clinic-${String(n).padStart(5, '0')}`;
  const tz = r.pick(TIMEZONES);
  const lines = [
    '# yaml-language-server: $schema=../schemas/site.schema.json',
    'apiVersion: writ/v1',
    'kind: Site',
    `id: ${id}`,
    `name: "${r.pick(TOWNS)} ${r.pick(KINDS)} ${n}"`,
    `description: Generated clinic ${n}; EHR on Linux, front desk and exam rooms on Windows.`,
    `timezone: ${tz}`,
    `mode: ${r.pick(['audit', 'enforce'])}`,
    'appliances:',
  ];
  const appliances = r.chance(0.15) ? 2 : 1;
  for (let a = 1; a <= appliances; a++) {
    lines.push(`  - id: ${id}-appl-${a}`, `    encryption_key: ${r.chars(B64URL, 43)}`, `    signing_key: ${r.chars(B64URL, 43)}`);
    if (a < appliances) lines.push('    retired: true');
  }
  const start = r.int(0, 4);
  lines.push(
    'maintenance_windows:',
    '  - name: nightly',
    `    days: [${r.sample(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], r.int(2, 7)).join(', ')}]`,
    `    start: "0${start}:00"`,
    `    end: "0${start + r.int(1, 4)}:30"`,
  );
  if (r.chance(0.3)) lines.push('  - name: weekend', '    days: [sat, sun]', '    start: "22:00"', '    end: "05:00"', `    timezone: ${tz}`);

  const hostCount = r.int(10, 40);
  const hostIds: string[] = [];
  const octet = r.int(1, 250);
  lines.push('hosts:');
  for (let h = 0; h < hostCount; h++) {
    const windows = h >= 2 && r.chance(0.6);
    const hid = `${r.pick(ROLES)}-${String(h + 1).padStart(2, '0')}`;
    hostIds.push(hid);
    lines.push(`  - id: ${hid}`, `    address: 10.${octet}.${Math.floor(h / 200)}.${(h % 200) + 10}`, `    platform: ${windows ? 'windows' : 'linux'}`);
    if (windows && r.chance(0.2)) {
      lines.push('    transport: winrm', `    port: 5986`, `    tls_cert_sha256: ${r.chars(HEX, 64)}`);
    } else {
      lines.push(`    transport: ${windows ? 'powershell-ssh' : 'ssh'}`, `    host_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${r.chars(B64, 43)}`);
    }
    lines.push(`    credential: ${id}-${windows ? 'windows' : 'linux'}-admin`, `    ring: ${h === 0 ? 0 : r.int(1, 3)}`, `    tags: [${windows ? r.pick(['workstation', 'front-desk', 'exam']) : r.pick(['ehr', 'server', 'pacs'])}]`);
    if (r.chance(0.05)) lines.push('    mode: audit');
  }

  const enabled = r.sample(rules, r.int(5, 40));
  lines.push('rules:');
  for (const rule of enabled) {
    lines.push(`  - rule: ${rule.id}`);
    if (r.chance(0.3)) lines.push(`    mode: ${r.pick(['audit', 'enforce'])}`);
    if (rule.fix && rule.fix.params.length > 0 && r.chance(0.35)) {
      lines.push('    params:');
      for (const p of r.sample(rule.fix.params, r.int(1, rule.fix.params.length))) lines.push(`      ${p.name}: ${r.pick(p.values)}`);
    }
  }
  if (r.chance(0.25)) {
    const waived = r.pick(enabled);
    lines.push(
      'waivers:',
      `  - rule: ${waived.id}`,
      `    hosts: [${r.sample(hostIds, r.int(1, 3)).join(', ')}]`,
      `    owner: it-lead@${id}.example.org`,
      `    justification: The vendor-managed device cannot take this change until the ${2026 + (n % 2)} contract renewal; compensated by network isolation.`,
      `    expires: "2027-0${r.int(1, 3)}-${String(r.int(10, 28))}"`,
      `    ticket: OPS-${1000 + n}`,
    );
  }
  return { text: lines.join('\n') + '\n', hosts: hostCount };
}

// ─────────────────────────────── generator ───────────────────────────────

/** This repository's root (holding frameworks/hipaa.yaml), from the source or the compiled (dist/) file. */
function defaultRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'frameworks', 'hipaa.yaml'))) return dir;
    dir = resolve(dir, '..');
  }
  throw new Error('frameworks/hipaa.yaml not found above ' + fileURLToPath(import.meta.url));
}

/**
 * Writes the repository into `dir` (created if needed; existing files are overwritten).
 *
 * @example
 * const { counts } = await generatePolicyRepo('/tmp/repo', { files: 10_000, seed: 42 });
 */
export async function generatePolicyRepo(dir: string, options: GenerateOptions): Promise<GeneratedRepo> {
  const total = Math.floor(options.files);
  if (!(total >= 4)) throw new Error('generatePolicyRepo needs at least 4 files');
  const r = new Rand(rng(options.seed));
  const rest = total - 1;
  const runbookCount = Math.max(1, Math.round(rest * 0.35));
  const siteCount = Math.max(1, Math.round(rest * 0.15));
  const ruleCount = rest - runbookCount - siteCount;
  if (ruleCount < runbookCount) throw new Error('too few files for one rule per runbook');

  const root = options.repoRoot ?? defaultRepoRoot();
  const hipaa = await readFile(join(root, 'frameworks', 'hipaa.yaml'), 'utf8');
  const resultLibrary = await readFile(join(root, RESULT_LIBRARY), 'utf8');
  const controlIds = ((parse(hipaa) as { controls: { id: string }[] }).controls).map((c) => c.id);

  const out = new Map<string, string>();
  out.set('frameworks/hipaa.yaml', hipaa);

  // Runbooks.
  const runbooks: RunbookModel[] = [];
  let scripts = 0;
  for (let i = 0; i < runbookCount; i++) {
    const linux = r.chance(0.6);
    const platform = linux ? 'linux' : 'windows';
    const theme = r.pick(linux ? LINUX_THEMES : WINDOWS_THEMES);
    const num = String(i + 1).padStart(5, '0');
    const id = `${linux ? 'LIN' : 'WIN'}-GEN-${theme.key}-${num}-001`;
    const rb: RunbookModel = {
      id, platform, theme, path: `runbooks/${platform}/${id}.yaml`, params: theme.params(r, i),
      remediates: r.chance(0.85), disruptive: false, observed: theme.observed, numeric: theme.numeric,
    };
    rb.disruptive = rb.remediates && r.chance(0.1);
    const { text, scripts: k } = runbookYaml(rb, r, i + 1, controlIds);
    scripts += k;
    out.set(rb.path, text);
    runbooks.push(rb);
  }
  const healers = { linux: runbooks.filter((x) => x.remediates && x.platform === 'linux'), windows: runbooks.filter((x) => x.remediates && x.platform === 'windows') };

  // Rules: the first runbookCount rules cover every runbook once; the rest reuse them.
  const rules: RuleModel[] = [];
  for (let i = 0; i < ruleCount; i++) {
    const check = i < runbookCount ? (runbooks[i] as RunbookModel) : r.pick(runbooks);
    let fix: RunbookModel | null = null;
    if (check.remediates && r.chance(0.85)) fix = check;
    else if (!check.remediates && r.chance(0.2) && healers[check.platform].length > 0) fix = r.pick(healers[check.platform]);
    const params: [string, string][] = [];
    if (fix && fix.params.length > 0 && r.chance(0.3)) {
      for (const p of r.sample(fix.params, r.int(1, Math.min(2, fix.params.length)))) params.push([p.name, r.pick(p.values)]);
    }
    const rule: RuleModel = { id: `L1-GEN-${String(i + 1).padStart(5, '0')}-001`, check, fix, params };
    out.set(`policies/${rule.id}.yaml`, ruleYaml(rule, r, i + 1, controlIds));
    rules.push(rule);
  }

  // Sites.
  let hosts = 0;
  for (let i = 0; i < siteCount; i++) {
    const { text, hosts: h } = siteYaml(i + 1, r, rules);
    hosts += h;
    out.set(`sites/clinic-${String(i + 1).padStart(5, '0')}.yaml`, text);
  }

  // Not YAML, so not counted in `files`: the agent prepends it to every Linux script, and writ
  // reports Linux runbooks without it.
  out.set(RESULT_LIBRARY, resultLibrary);

  for (const sub of ['frameworks', 'policies', 'runbooks/linux/lib', 'runbooks/windows', 'sites']) await mkdir(join(dir, sub), { recursive: true });
  let bytes = 0;
  const entries = [...out];
  for (let i = 0; i < entries.length; i += 64) {
    await Promise.all(entries.slice(i, i + 64).map(([path, text]) => {
      bytes += Buffer.byteLength(text);
      return writeFile(join(dir, path), text);
    }));
  }
  const linuxRunbooks = runbooks.filter((x) => x.platform === 'linux').length;
  return {
    dir,
    counts: { frameworks: 1, rules: ruleCount, runbooks: runbookCount, linuxRunbooks, windowsRunbooks: runbookCount - linuxRunbooks, sites: siteCount, hosts, scripts },
    bytes,
  };
}
