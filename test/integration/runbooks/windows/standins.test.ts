import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Runbook } from '../../../../core/model/generated/runbook.js';
import { runWindowsScenario } from '../../../helpers/run-windows-runbook.js';

// The shared stand-ins behave like the cmdlets they replace, so runbook tests mean something.
const probe = (script: string): Runbook => ({
  apiVersion: 'writ/v1', kind: 'Runbook', id: 'PROBE-001', name: 'probe', platform: 'windows', severity: 'low', controls: ['hipaa:164.312(b)'],
  scripts: { check: { inline: script } },
});

describe('shared pwsh stand-ins', () => {
  it('registry: read, write, create, missing keys honour -ErrorAction, files pass through', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'writ-standin-'));
    writeFileSync(join(dir, 'f.txt'), 'x');
    const script = `
      $ErrorActionPreference = 'Stop'
      $k = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa'
      $before = (Get-ItemProperty -Path $k -Name LmCompatibilityLevel).LmCompatibilityLevel
      Set-ItemProperty -Path $k -Name LmCompatibilityLevel -Value 5
      $missing = Get-ItemProperty -Path 'HKLM:\\SOFTWARE\\Nope' -ErrorAction SilentlyContinue
      $null = New-Item -Path 'HKLM:\\SOFTWARE\\Writ' -Force
      New-ItemProperty -Path 'HKLM:\\SOFTWARE\\Writ' -Name Seen -Value 1 -PropertyType DWord | Out-Null
      $file = Test-Path -LiteralPath '${join(dir, 'f.txt')}'
      [ordered]@{ status = 'pass'; observed = @{ before = $before; missing = ($null -eq $missing); file = $file; key = (Test-Path 'HKLM:\\SOFTWARE\\Writ') }; message = 'ok' } | ConvertTo-Json -Compress`;
    const r = await runWindowsScenario(probe(script), ['check'], { state: { Registry: { 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa': { LmCompatibilityLevel: 1 } } } });
    rmSync(dir, { recursive: true, force: true });
    expect(r.results[0]!.error).toBeNull();
    expect(r.results[0]!.result?.observed).toEqual({ before: 1, missing: true, file: true, key: true });
    expect(r.state).toEqual({ Registry: { 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa': { LmCompatibilityLevel: 5 }, 'HKLM:\\SOFTWARE\\Writ': { Seen: 1 } } });
  });

  it('services: a disabled service cannot start; CIM rows come back as objects', async () => {
    const script = `
      $ErrorActionPreference = 'Stop'
      $cs = Get-CimInstance -ClassName Win32_ComputerSystem
      $err = $null
      try { Start-Service -Name Spooler } catch { $err = 'refused' }
      Set-Service -Name Spooler -StartupType Automatic
      Start-Service -Name Spooler
      [ordered]@{ status = 'pass'; observed = @{ domain = $cs.PartOfDomain; refused = $err; now = [string](Get-Service -Name spooler).Status }; message = 'ok' } | ConvertTo-Json -Compress`;
    const r = await runWindowsScenario(probe(script), ['check'], {
      state: { Services: { Spooler: { Status: 'Stopped', StartType: 'Disabled', DisplayName: 'Print Spooler' } }, Cim: { Win32_ComputerSystem: [{ PartOfDomain: false }] } },
    });
    expect(r.results[0]!.result?.observed).toEqual({ domain: false, refused: 'refused', now: 'Running' });
  });
});
