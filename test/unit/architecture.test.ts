import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (name === 'node_modules' || name === 'dist') continue;
    if (statSync(full).isDirectory()) out.push(...tsFiles(full));
    else if (name.endsWith('.ts')) out.push(full);
  }
  return out;
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);

describe('dependency direction (DESIGN.md)', () => {
  it('core imports no adapter, program, or side-effecting Node module', () => {
    const forbidden = /^(node:(fs|child_process|net|http|https|os|process|dgram|cluster|worker_threads)|fs|child_process|ssh2|isomorphic-git|@octokit\/.*|node-powershell)/;
    const problems: string[] = [];
    for (const file of tsFiles(join(root, 'core'))) {
      const rel = relative(root, file);
      for (const spec of importsOf(file)) {
        if (forbidden.test(spec) || /\/(adapters|cli|app|agent)\//.test(spec)) problems.push(`${rel} imports ${spec}`);
      }
      const text = readFileSync(file, 'utf8');
      if (/\bprocess\.(env|argv|cwd|exit)\b|\bDate\.now\(\)|new Date\(\)/.test(text)) problems.push(`${rel} reads the process or the clock`);
    }
    expect(problems).toEqual([]);
  });

  it('adapters import no program (cli, app, agent)', () => {
    const problems: string[] = [];
    for (const file of tsFiles(join(root, 'adapters'))) {
      for (const spec of importsOf(file)) if (/\/(cli|app|agent)\//.test(spec)) problems.push(`${relative(root, file)} imports ${spec}`);
    }
    expect(problems).toEqual([]);
  });

  it('the agent imports no other program; core and adapters never import the agent (cli and bench do)', () => {
    const problems: string[] = [];
    for (const file of tsFiles(join(root, 'agent'))) {
      for (const spec of importsOf(file)) if (/^\.\.\/(cli|app)\//.test(spec) || /\/(cli|app)\//.test(spec.replace(/^\.\.\/core\//, ''))) problems.push(`${relative(root, file)} imports ${spec}`);
    }
    for (const dir of ['core', 'adapters']) {
      for (const file of tsFiles(join(root, dir))) {
        for (const spec of importsOf(file)) if (/(^|\/)\.\.\/agent\//.test(spec) || spec.startsWith('../../agent/')) problems.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the App imports no other program and nothing that runs processes (validation of a PR is static)', () => {
    const problems: string[] = [];
    for (const file of tsFiles(join(root, 'app'))) {
      for (const spec of importsOf(file)) {
        if (/(^|\/)(cli|agent)\//.test(spec) || /^(node:)?child_process$|shellcheck|ssh2|node-powershell/.test(spec)) problems.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    for (const dir of ['core', 'adapters', 'agent']) {
      for (const file of tsFiles(join(root, dir))) {
        for (const spec of importsOf(file)) if (/(^|\/)\.\.\/app\//.test(spec)) problems.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('testkit (test servers shared by tests and benches) is never imported by shipped code', () => {
    const problems: string[] = [];
    for (const dir of ['core', 'adapters', 'agent', 'app', 'cli']) {
      for (const file of tsFiles(join(root, dir))) {
        for (const spec of importsOf(file)) if (/(^|\/)testkit\//.test(spec)) problems.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the version constant matches package.json', async () => {
    const { WRIT_VERSION } = await import('../../core/version.js');
    expect(WRIT_VERSION).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });
});
