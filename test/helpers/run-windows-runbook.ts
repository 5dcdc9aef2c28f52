import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Runbook } from '../../core/model/generated/runbook.js';
import { schemaValidators } from '../../core/validate/schema-validators.js';

const ROOT = join(import.meta.dirname, '../..');

/** pwsh from WRIT_PWSH, the tool folder .ci/setup installs into, or PATH. Fails clearly when absent. */
export function pwshPath(): string {
  const candidates = [process.env['WRIT_PWSH'], '/opt/writ/tools/pwsh'].filter(Boolean) as string[];
  for (const c of candidates) if (existsSync(c)) return c;
  for (const dir of (process.env['PATH'] ?? '').split(':')) if (dir && existsSync(join(dir, 'pwsh'))) return join(dir, 'pwsh');
  throw new Error('PowerShell 7 (pwsh) is missing. Run: bash .ci/setup (dotnet tool install --tool-path /opt/writ/tools PowerShell --version 7.6.9).');
}

export type Step = 'check' | 'remediate' | 'verify' | 'rollback';

export interface WindowsStepResult {
  step: Step;
  code: number;
  stdout: string[];
  error: string | null;
  /** The check-result JSON printed last, validated against schemas/check-result.schema.json. */
  result: { status: string; observed: Record<string, unknown>; expected?: Record<string, unknown>; message: string; reason_code?: string } | null;
}

export interface ScenarioReport {
  results: WindowsStepResult[];
  /** Stand-in state after the last step. */
  state: Record<string, unknown>;
  /** Every stand-in call, in order: { cmdlet, args }. */
  calls: { cmdlet: string; args: Record<string, unknown> }[];
}

export function loadWindowsRunbook(id: string): Runbook {
  return parse(readFileSync(join(ROOT, 'runbooks/windows', `${id}.yaml`), 'utf8')) as Runbook;
}

/** Parameter values by name: the runbook's defaults overridden by `params` (passed to the script by splatting). */
export function resolveParams(runbook: Runbook, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(runbook.parameters ?? {})) out[name] = name in params ? params[name] : spec?.default;
  return out;
}

/**
 * Runs the given steps of a Windows runbook in one pwsh process against stand-in cmdlets that
 * start from `state`, and returns each step's output, the final state and the recorded calls.
 */
export async function runWindowsScenario(
  runbook: Runbook,
  steps: Step[],
  options: { state: Record<string, unknown>; params?: Record<string, unknown>; /** Extra stand-in files from test/fixtures/pwsh-standins/. */ standins?: string[] },
): Promise<ScenarioReport> {
  const dir = mkdtempSync(join(tmpdir(), 'writ-pwsh-'));
  const standinDir = join(ROOT, 'test/fixtures/pwsh-standins');
  // The shared stand-ins (registry, services, CIM) always load; a test names the others it needs.
  const shared = ['Registry.ps1', 'Services.ps1', 'Cim.ps1'];
  const standins = [...shared, ...(options.standins ?? [])].map((f) => join(standinDir, f));
  const params = resolveParams(runbook, options.params ?? {});
  const scenario = {
    state: options.state,
    standins,
    steps: steps.map((name) => {
      const spec = runbook.scripts[name];
      if (!spec) throw new Error(`${runbook.id} has no ${name} script`);
      let script = spec.file ? join(ROOT, 'runbooks/windows', spec.file) : join(dir, `${name}.ps1`);
      if (!spec.file) writeFileSync(script, spec.inline!);
      return { name, script, params };
    }),
  };
  const file = join(dir, 'scenario.json');
  writeFileSync(file, JSON.stringify(scenario));
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(pwshPath(), ['-NoProfile', '-NonInteractive', '-File', join(ROOT, 'test/helpers/pwsh/run-scenario.ps1'), '-ScenarioFile', file],
        { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
        (err, out, errOut) => (err ? reject(new Error(`pwsh failed: ${err.message}\n${errOut}\n${out}`)) : resolve(out)));
    });
    const marker = stdout.lastIndexOf('---writ-scenario-report---');
    if (marker < 0) throw new Error(`no scenario report in pwsh output:\n${stdout}`);
    const report = JSON.parse(stdout.slice(marker + '---writ-scenario-report---'.length)) as Omit<ScenarioReport, 'results'> & { results: Omit<WindowsStepResult, 'result'>[] };
    const results = (report.results ?? []).map((r) => {
      const lines = (r.stdout ?? []).filter((l) => l.trim() !== '');
      const last = lines[lines.length - 1];
      let result: WindowsStepResult['result'] = null;
      if (last) {
        const parsed = JSON.parse(last) as WindowsStepResult['result'];
        const errors = schemaValidators().validate('check-result', parsed);
        if (errors.length) throw new Error(`${runbook.id} ${r.step}: not a check result: ${last} ${JSON.stringify(errors)}`);
        result = parsed;
      }
      return { ...r, stdout: lines, result };
    });
    return { results, state: report.state ?? {}, calls: report.calls ?? [] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
