import { describe, expect, it } from 'vitest';
import { siteConsistent } from '../../../../../core/lint/rules/site-consistent.js';
import { miniRepo } from '../../../../helpers/mini-repo.js';
import { runLintRule, withEdit } from '../../../../helpers/run-lint-rule.js';

const SITE = 'sites/clinic-test.yaml';
const codes = (lines: string[]) => lines.map((l) => l.split(' ')[1]);

describe('site-consistent', () => {
  it('passes the mini repo', () => expect(runLintRule(siteConsistent, miniRepo())).toEqual([]));

  it.each([
    ['timezone: America/Chicago', 'timezone: Mars/Olympus', 'LINT_TIMEZONE_UNKNOWN'],
    ['    transport: ssh', '    transport: winrm', 'LINT_HOST_TRANSPORT'],
    ['    host_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk0nqhIvJ1W4fT2pPvbqZPbXB6yGkqR6fXWAbTL7Hc3\n', '', 'LINT_HOST_KEY_MISSING'],
    ['    credential: test-linux\n', '', 'LINT_HOST_CREDENTIAL_MISSING'],
    ['    address: 10.0.0.5\n', '', 'LINT_HOST_ADDRESS_MISSING'],
    ['  - rule: L1-TEST-002', '  - rule: L1-TEST-001', 'LINT_SITE_RULE_DUPLICATE'],
  ])('reports %j → %j', (from, to, code) => {
    expect(codes(runLintRule(siteConsistent, withEdit(miniRepo(), SITE, from, to)))).toContain(code);
  });

  it('reports a duplicate host and an empty window', () => {
    let files = withEdit(miniRepo(), SITE, 'rules:', '  - {id: db-01, platform: linux, transport: local}\nrules:');
    files = withEdit(files, SITE, 'hosts:', 'maintenance_windows:\n  - {name: never, days: [sun], start: "02:00", end: "02:00"}\nhosts:');
    expect(codes(runLintRule(siteConsistent, files))).toEqual(['LINT_WINDOW_EMPTY', 'LINT_HOST_DUPLICATE']);
  });

  it('accepts a local host without address, credential or key', () => {
    const files = withEdit(miniRepo(), SITE, 'rules:', '  - {id: appliance, platform: linux, transport: local}\nrules:');
    expect(runLintRule(siteConsistent, files)).toEqual([]);
  });
});
