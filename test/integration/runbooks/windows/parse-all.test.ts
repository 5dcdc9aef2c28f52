import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Runbook } from '../../../../core/model/generated/runbook.js';
import { pwshPath } from '../../../helpers/run-windows-runbook.js';

const ROOT = join(import.meta.dirname, '../../../..');

describe('Windows runbook scripts', () => {
  it('every script (file or inline) parses with the real PowerShell parser', () => {
    const dir = mkdtempSync(join(tmpdir(), 'writ-ps-parse-'));
    const files: string[] = [];
    const walk = (d: string) => {
      for (const name of readdirSync(d)) {
        const full = join(d, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (name.endsWith('.ps1')) files.push(full);
        else if (name.endsWith('.yaml')) {
          const rb = parse(readFileSync(full, 'utf8')) as Runbook;
          for (const [step, spec] of Object.entries(rb.scripts)) {
            if (spec?.inline) {
              const p = join(dir, `${rb.id}-${step}.ps1`);
              writeFileSync(p, spec.inline);
              files.push(p);
            }
          }
        }
      }
    };
    walk(join(ROOT, 'runbooks/windows'));
    expect(files.length).toBeGreaterThan(0);
    const list = join(dir, 'list.txt');
    writeFileSync(list, files.join('\n'));
    const out = execFileSync(pwshPath(), ['-NoProfile', '-NonInteractive', '-File', join(ROOT, 'test/helpers/pwsh/parse-scripts.ps1'), '-ListFile', list], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    const errors = Object.entries(JSON.parse(out) as Record<string, string[]>).filter(([, e]) => e.length > 0);
    expect(errors).toEqual([]);
  });
});
