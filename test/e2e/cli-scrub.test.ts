import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'writ-scrub-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writ scrub FILE', () => {
  it('scrubs a UTF-16LE file with a BOM, as PowerShell writes it, to UTF-8', () => {
    const file = join(dir, 'out.txt');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Account Name:\t\tjsmith\r\nSource Network Address:\t10.0.5.23\r\n', 'utf16le')]));
    const r = runCli(['scrub', file, '--stats']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('Account Name:\t\t[PHI:NAME]\r\nSource Network Address:\t[PHI:IP]\r\n');
    expect(JSON.parse(r.stderr)).toMatchObject({ event: 'scrub_stats', total: 2 });
  });

  it('exits 2 for a missing file', () => {
    const r = runCli(['scrub', join(dir, 'missing.log')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/CLI_USAGE/);
  });
});
