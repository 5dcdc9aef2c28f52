import { describe, expect, it } from 'vitest';
import { noSecrets } from '../../../../../core/lint/rules/no-secrets.js';
import { miniRepo } from '../../../../helpers/mini-repo.js';
import { runLintRule, withEdit } from '../../../../helpers/run-lint-rule.js';

const SITE = 'sites/clinic-test.yaml';
const codes = (lines: string[]) => lines.map((l) => l.split(' ')[1]);

// Built at run time so this file itself holds no secret-shaped literal.
const fake = {
  pem: ['-----BEGIN', 'OPENSSH PRIVATE KEY-----'].join(' '),
  aws: 'AKIA' + 'Q'.repeat(16),
  gh: 'ghp_' + 'a1B2'.repeat(9),
  slack: 'xoxb-' + '1234567890-abcdef',
  jwt: ['eyJhbGciOiJIUzI1', 'eyJzdWIiOiIxMjM0', 'c2lnbmF0dXJlX2hlcmU'].join('.'),
  url: 'https://admin:' + 'hunter22' + '@backup.example',
};

describe('no-secrets', () => {
  it('passes the mini repo (appliance keys and host keys are public)', () => expect(runLintRule(noSecrets, miniRepo())).toEqual([]));

  it.each(Object.entries(fake))('finds %s in a YAML value without echoing it', (_kind, secret) => {
    const files = withEdit(miniRepo(), SITE, 'name: Test Clinic', `name: Test Clinic\ndescription: "${secret.replace(/"/g, '\\"')}"`);
    const out = runLintRule(noSecrets, files);
    expect(codes(out)).toEqual(['LINT_SECRET_VALUE']);
    expect(out[0]).not.toContain(secret.slice(4, 12));
  });

  it.each(['password', 'api_key', 'token', 'client_secret'])('finds a literal under the key %s', (key) => {
    const files = withEdit(miniRepo(), 'runbooks/linux/LIN-TEST-001.yaml', '    default: 3', `    default: 3\n    # ${key}: comment is fine`);
    expect(runLintRule(noSecrets, files)).toEqual([]);
    const bad = withEdit(miniRepo(), 'policies/L1-TEST-001.yaml', '    max_tries: 4', `    max_tries: 4\n    ${key}: s3cretvalue`);
    expect(codes(runLintRule(noSecrets, bad))).toEqual(['LINT_SECRET_VALUE']);
  });

  it.each([
    "DB_PASSWORD='Winter2026!'",
    'export API_KEY=abcd1234efgh',
    `curl ${fake.url}/x`,
  ])('finds a secret assigned in a shell script: %s', (line) => {
    const files = withEdit(miniRepo(), 'runbooks/linux/LIN-TEST-001.yaml', "      printf 'set %s\\n'", `      ${line}\n      printf 'set %s\\n'`);
    const out = runLintRule(noSecrets, files);
    expect(codes(out)).toEqual(['LINT_SECRET_VALUE']);
    expect(out[0]).toMatch(/^runbooks\/linux\/LIN-TEST-001\.yaml:27:\d+ /);
  });

  it.each([
    `$Password = 'Winter2026!'`,
    `$cred = ConvertTo-SecureString 'Winter2026!' -AsPlainText -Force`,
  ])('finds a secret in a PowerShell script: %s', (line) => {
    const files = withEdit(miniRepo(), 'runbooks/windows/WIN-TEST-001.yaml', "      $ErrorActionPreference = 'Stop'", `      $ErrorActionPreference = 'Stop'\n      ${line}`);
    expect(codes(runLintRule(noSecrets, files))).toEqual(['LINT_SECRET_VALUE']);
  });

  it('accepts parameter reads and references', () => {
    const files = withEdit(miniRepo(), 'runbooks/linux/LIN-TEST-001.yaml', "      printf 'set %s\\n'", '      password_file="$state_dir/x"\n      token_count=$((1 + 2))\n      printf \'set %s\\n\'');
    expect(runLintRule(noSecrets, files)).toEqual([]);
  });
});
