import { describe, expect, it } from 'vitest';
import type { ScrubIo } from '../../../../cli/commands/scrub.js';
import { main } from '../../../../cli/main.js';

async function run(args: string[], input: string | Uint8Array | Uint8Array[], options: { stderrIsTTY?: boolean } = {}) {
  let stdout = '';
  let stderr = '';
  const chunks = Array.isArray(input) ? input : [typeof input === 'string' ? new Uint8Array(Buffer.from(input, 'utf8')) : input];
  const io: ScrubIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdoutIsTTY: false,
    stderrIsTTY: options.stderrIsTTY ?? false,
    env: {},
    cwd: process.cwd(),
    stdin: (async function* () {
      yield* chunks;
    })(),
  };
  const code = await main(['scrub', ...args], io);
  return { code, stdout, stderr };
}

describe('writ scrub', () => {
  it('filters standard input to standard output, exit 0', async () => {
    const r = await run([], 'Failed password for jsmith from 10.0.5.23 port 22\nEventID 4625 KB5031356\n');
    expect(r).toEqual({ code: 0, stdout: 'Failed password for [PHI:NAME] from [PHI:IP] port 22\nEventID 4625 KB5031356\n', stderr: '' });
  });

  it('catches an identifier split across input chunks', async () => {
    const parts = ['Patient: Ana R', 'uiz SSN 123-4', '5-6789\n'].map((s) => new Uint8Array(Buffer.from(s)));
    expect((await run(['-'], parts)).stdout).toBe('Patient: [PHI:NAME] SSN [PHI:SSN]\n');
  });

  it('reads UTF-16LE with a BOM (PowerShell output), split at odd byte offsets', async () => {
    const bytes = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('User: CLINIC\\jsmith\r\n', 'utf16le')]));
    const parts = [bytes.subarray(0, 3), bytes.subarray(3, 20), bytes.subarray(20)];
    expect((await run([], parts)).stdout).toBe('User: CLINIC\\[PHI:NAME]\r\n');
  });

  it('--format json keeps the document valid JSON', async () => {
    const r = await run(['--format', 'json'], '{"patient":{"name":"Ana Ruiz","ssn":123456789},"build":"10.0.19045.3693"}');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ patient: { name: '[PHI:NAME]', ssn: '[PHI:SSN]' }, build: '10.0.19045.3693' });
  });

  it('--stats prints counts per category to stderr (JSON line off a terminal, text on one)', async () => {
    const json = await run(['--stats'], 'SSN 123-45-6789 and 000-12-3456, user=jsmith\n');
    expect(JSON.parse(json.stderr)).toMatchObject({ event: 'scrub_stats', total: 3, counts: { SSN: 2, NAME: 1, IP: 0 } });
    const tty = await run(['--stats'], 'SSN 123-45-6789\n', { stderrIsTTY: true });
    expect(tty.stderr).toBe('writ scrub: replaced 1 identifier: 1 SSN\n');
  });

  it('--keep-address keeps declared infrastructure', async () => {
    expect((await run(['--keep-address', '10.0.5.0/28'], 'from 10.0.5.2 to 10.0.5.99\n')).stdout).toBe('from 10.0.5.2 to [PHI:IP]\n');
  });

  it('withholds, exit 1, when the input is not JSON or over the cap, never quoting the input', async () => {
    const notJson = await run(['--format', 'json'], '{"patient": "Ana Ruiz"');
    expect(notJson).toMatchObject({ code: 1, stdout: '' });
    expect(notJson.stderr).toMatch(/^writ: PHI_INPUT_NOT_JSON: /);
    expect(notJson.stderr).not.toContain('Ana');
    const over = await run(['--format', 'json', '--max-bytes', '10'], '{"a":"0123456789"}');
    expect(over).toMatchObject({ code: 1, stdout: '' });
    expect(over.stderr).toMatch(/^writ: PHI_OVER_CAP: /);
  });

  it('usage errors exit 2', async () => {
    expect((await run(['--format', 'xml'], '')).code).toBe(2);
    expect((await run(['a', 'b'], '')).code).toBe(2);
    expect((await run(['--max-bytes', 'lots'], '')).code).toBe(2);
    expect((await run(['--bogus'], '')).code).toBe(2);
    expect((await run(['/nonexistent/file.log'], '')).code).toBe(2);
  });

  it('--help prints the usage', async () => {
    const r = await run(['--help'], '');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: writ scrub \[FILE\|-\]/);
  });
});
