import { describe, expect, it } from 'vitest';
import { releaseGitUrl } from '../../../app/release-config.js';
import { releasedPolicyCommit, releaseMessage } from '../../../adapters/release/release-commit.js';

const SHA = 'a'.repeat(40);

describe('releaseGitUrl', () => {
  it('fills owner and repository into the template', () => {
    expect(releaseGitUrl('https://github.com/{owner}/{repo}.git', 'clinic-msp', 'policy.v2')).toBe('https://github.com/clinic-msp/policy.v2.git');
    expect(releaseGitUrl('https://git.example.net/mirror.git', 'a', 'b')).toBe('https://git.example.net/mirror.git');
  });

  it.each([
    ['a path', 'acme/../other', 'policy'],
    ['a host', 'acme', 'policy@evil.example'],
    ['a query', 'acme', 'policy?x=1'],
    ['a fragment', 'acme', 'policy#x'],
    ['an encoded slash', 'acme%2F..', 'policy'],
    ['a dot name', '..', 'policy'],
    ['a hidden name', 'acme', '.git'],
    ['whitespace', 'acme', 'pol icy'],
    ['an empty name', '', 'policy'],
    ['a colon', 'acme', 'policy:1'],
  ])('refuses a repository name with %s', (_what, owner, repo) => {
    expect(() => releaseGitUrl('https://github.com/{owner}/{repo}.git', owner, repo)).toThrow(RangeError);
  });
});

describe('releasedPolicyCommit', () => {
  it('reads back what releaseMessage wrote', () => {
    expect(releasedPolicyCommit(releaseMessage(12, SHA, ['clinic-a', 'clinic-b']))).toEqual({ version: 12, policyCommit: SHA });
  });

  it.each([
    ['another commit', 'Merge branch main\n\nPolicy commit: ' + SHA + '\n'],
    ['no policy commit', 'writ release 3\n\nSites: a\n'],
    ['a short id', `writ release 3\n\nPolicy commit: ${SHA.slice(0, 12)}\n`],
    ['an id with more text', `writ release 3\n\nPolicy commit: ${SHA} and more\n`],
    ['an upper-case id', `writ release 3\n\nPolicy commit: ${SHA.toUpperCase()}\n`],
    ['a version that is not a number', `writ release three\n\nPolicy commit: ${SHA}\n`],
  ])('ignores a message with %s', (_what, message) => {
    expect(releasedPolicyCommit(message)).toBeUndefined();
  });
});
