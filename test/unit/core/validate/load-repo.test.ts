import { describe, expect, it } from 'vitest';
import { loadRepo } from '../../../../core/validate/load-repo.js';
import { miniRepo, sourceFiles, type RepoFiles } from '../../../helpers/mini-repo.js';

const show = (files: RepoFiles) =>
  loadRepo(sourceFiles(files)).findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.message} | ${f.hint}`);

const edit = (path: string, from: string, to: string): RepoFiles => {
  const files = miniRepo();
  const text = files[path] as string;
  if (!text.includes(from)) throw new Error(`fixture ${path} lacks ${from}`);
  files[path] = text.replace(from, to);
  return files;
};

describe('loadRepo', () => {
  it('loads the mini repository without findings and sorts documents by kind', () => {
    const { repo, findings } = loadRepo(sourceFiles(miniRepo()));
    expect(findings).toEqual([]);
    expect(repo.rules.map((r) => r.value.id)).toEqual(['L1-TEST-001', 'L1-TEST-002']);
    expect(repo.runbooks.map((r) => r.value.id)).toEqual(['LIN-TEST-001', 'WIN-TEST-001']);
    expect(repo.sites).toHaveLength(1);
    expect(repo.frameworks).toHaveLength(1);
  });

  it('ignores files outside the policy folders', () => {
    const files = { ...miniRepo(), '.github/workflows/ci.yaml': 'on: push\n', 'README.md': '# x', 'policies/README.md': '# rules' };
    expect(loadRepo(sourceFiles(files)).findings).toEqual([]);
  });

  it('suggests the key a typo meant', () => {
    expect(show(edit('policies/L1-TEST-001.yaml', 'severity: high', 'severty: high'))).toMatchInlineSnapshot(`
      [
        "policies/L1-TEST-001.yaml:1:1 SCHEMA_REQUIRED the document is missing the required key \`severity\` | Add \`severity:\` (for example \`severity: high\`). How bad a failure is for the clinic's HIPAA posture.",
        "policies/L1-TEST-001.yaml:5:1 SCHEMA_UNKNOWN_KEY unknown key \`severty\` in the document | Did you mean \`severity\`?",
      ]
    `);
  });

  it('suggests the enum value a typo meant', () => {
    expect(show(edit('policies/L1-TEST-001.yaml', 'severity: high', 'severity: hihg'))).toMatchInlineSnapshot(`
      [
        "policies/L1-TEST-001.yaml:5:11 SCHEMA_ENUM \`severity\` must be one of low, medium, high, critical (got "hihg") | Did you mean "high"?",
      ]
    `);
  });

  it('explains a YAML 1.1 boolean word and a number that should be text', () => {
    const files = edit('runbooks/linux/LIN-TEST-001.yaml', 'severity: high', 'severity: high\ndisruptive: yes\nversion: 1.10');
    expect(show(files)).toMatchInlineSnapshot(`
      [
        "runbooks/linux/LIN-TEST-001.yaml:8:10 YAML_NUMBER_NOT_STRING \`version\` is written as 1.10, which YAML reads as the number 1.1 | Quote it: "1.10".",
        "runbooks/linux/LIN-TEST-001.yaml:7:13 YAML_BOOLEAN_WORD \`disruptive\` is "yes", a word YAML 1.1 treats as a boolean but YAML 1.2 reads as text | Write true instead.",
      ]
    `);
  });

  it('names the kind a folder expects and the format version', () => {
    const files = edit('policies/L1-TEST-001.yaml', 'apiVersion: writ/v1\nkind: Rule', 'apiVersion: writ/v0\nkind: Site');
    expect(show(files)).toMatchInlineSnapshot(`
      [
        "policies/L1-TEST-001.yaml:1:13 SCHEMA_API_VERSION apiVersion "writ/v0" is not a format this writ reads | writ/v1 is the current format (introduced in writ 0.1.0). Set \`apiVersion: writ/v1\` and check the file against schemas/.",
        "policies/L1-TEST-001.yaml:2:7 SCHEMA_KIND kind is "Site" but files in policies/ hold kind Rule | Set \`kind: Rule\`, or move the file to the folder for its kind (policies/, runbooks/, sites/, frameworks/).",
      ]
    `);
  });

  it('points at nested values with their path', () => {
    const files = edit('sites/clinic-test.yaml', 'address: 10.0.0.5', 'address: 10.0.0.5\n    port: 70000');
    expect(show(files)).toMatchInlineSnapshot(`
      [
        "sites/clinic-test.yaml:13:11 SCHEMA_RANGE \`hosts[0].port\` must be at most 65535 (got 70000) | Adjust the value.",
      ]
    `);
  });

  it('checks the discriminated action shape', () => {
    const files = edit('policies/L1-TEST-002.yaml', 'type: escalate', 'type: escalte');
    expect(show(files)).toMatchInlineSnapshot(`
      [
        "policies/L1-TEST-002.yaml:8:9 SCHEMA_ENUM \`action.type\` must be one of remediate, escalate (got "escalte") | Did you mean "escalate"?",
      ]
    `);
  });

  it('reports every problem of every file in one run', () => {
    const files = miniRepo();
    files['policies/L1-TEST-001.yaml'] = (files['policies/L1-TEST-001.yaml'] as string).replace('severity: high', 'severity: 3');
    files['sites/clinic-test.yaml'] = (files['sites/clinic-test.yaml'] as string).replace('timezone: America/Chicago', 'timezone: America/Chicago\ntimezone: UTC');
    files['sites/other.yaml'] = 'a: 1\n---\nb: 2\n';
    const codes = loadRepo(sourceFiles(files)).findings.map((f) => `${f.file} ${f.code}`);
    expect(codes).toEqual([
      'policies/L1-TEST-001.yaml SCHEMA_ENUM',
      'sites/clinic-test.yaml YAML_DUPLICATE_KEY',
      'sites/other.yaml YAML_MULTIPLE_DOCUMENTS',
    ]);
  });

  it('keeps the ids of invalid documents so references to them are not reported twice', () => {
    const files = edit('runbooks/linux/LIN-TEST-001.yaml', 'severity: high', 'severity: urgent');
    const { repo } = loadRepo(sourceFiles(files));
    expect(repo.runbooks.map((r) => r.value.id)).toEqual(['WIN-TEST-001']);
    expect(repo.declaredIds.Runbook.has('LIN-TEST-001')).toBe(true);
  });

  it('refuses a document that is not a mapping', () => {
    expect(show({ 'sites/list.yaml': '- a\n- b\n' })).toEqual([
      'sites/list.yaml:1:1 SCHEMA_TYPE the document must be a mapping of keys to values (got a list) | Start the file with `apiVersion: writ/v1` and `kind: Site`.',
    ]);
  });
});
