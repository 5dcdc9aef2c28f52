import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SourceFile } from '../../core/load/source-file.js';

export type RepoFiles = Record<string, string | Uint8Array>;

/** The smallest valid policy repository: one framework, runbook, rule and site. Scenarios edit a copy. */
export function miniRepo(): RepoFiles {
  return {
    'runbooks/linux/lib/writ-result.sh': readFileSync(join(import.meta.dirname, '../../runbooks/linux/lib/writ-result.sh'), 'utf8'),
    'frameworks/hipaa.yaml': `apiVersion: writ/v1
kind: Framework
id: hipaa
name: HIPAA Security Rule
controls:
  - id: "164.312"
    title: Technical safeguards
  - id: "164.312(b)"
    title: Audit controls
    parent: "164.312"
  - id: "164.312(d)"
    title: Person or entity authentication
    parent: "164.312"
`,
    'runbooks/linux/LIN-TEST-001.yaml': `apiVersion: writ/v1
kind: Runbook
id: LIN-TEST-001
name: Test runbook
platform: linux
severity: high
controls: [hipaa:164.312(b)]
parameters:
  max_tries:
    type: integer
    description: Highest allowed tries
    minimum: 1
    maximum: 10
    default: 3
scripts:
  check:
    inline: |
      #!/usr/bin/env bash
      set -euo pipefail
      IFS= read -r -d '' max_tries || true
      echo "{\\"status\\":\\"pass\\",\\"observed\\":{\\"tries\\":$max_tries},\\"message\\":\\"ok\\"}"
  remediate:
    inline: |
      #!/usr/bin/env bash
      set -euo pipefail
      IFS= read -r -d '' max_tries || true
      printf 'set %s\\n' "$max_tries"
`,
    'runbooks/windows/WIN-TEST-001.yaml': `apiVersion: writ/v1
kind: Runbook
id: WIN-TEST-001
name: Windows test runbook
platform: windows
severity: medium
controls: [hipaa:164.312(d)]
parameters:
  threshold:
    type: integer
    description: Lockout threshold
    minimum: 1
    maximum: 10
    default: 5
scripts:
  check:
    inline: |
      param([int]$threshold = 5)
      $ErrorActionPreference = 'Stop'
      @{ status = 'pass'; observed = @{ threshold = $threshold }; message = 'ok' } | ConvertTo-Json -Compress
`,
    'policies/L1-TEST-001.yaml': `apiVersion: writ/v1
kind: Rule
id: L1-TEST-001
name: Test rule
severity: high
check: LIN-TEST-001
action:
  type: remediate
  params:
    max_tries: 4
`,
    'policies/L1-TEST-002.yaml': `apiVersion: writ/v1
kind: Rule
id: L1-TEST-002
name: Windows test rule
severity: medium
check: WIN-TEST-001
action:
  type: escalate
  reason: A person must review the lockout threshold.
`,
    'sites/clinic-test.yaml': `apiVersion: writ/v1
kind: Site
id: clinic-test
name: Test Clinic
timezone: America/Chicago
appliances:
  - id: test-appl-1
    encryption_key: MB4JqFsnB4SRsPLvomwM-0a9WjxDhPMzKA7orahoQ3o
    signing_key: Ng7xeZ2g7gtI6H9pf-c_TNNwvmgPaUPhOyMHkygB3lU
hosts:
  - id: db-01
    address: 10.0.0.5
    platform: linux
    transport: ssh
    host_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHk0nqhIvJ1W4fT2pPvbqZPbXB6yGkqR6fXWAbTL7Hc3
    credential: test-linux
rules:
  - rule: L1-TEST-001
    params:
      max_tries: 3
  - rule: L1-TEST-002
`,
  };
}

/** In-memory SourceFiles for core tests. */
export function sourceFiles(files: RepoFiles): SourceFile[] {
  return Object.entries(files).map(([path, content]) => {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    return { path, bytes, size: bytes.length };
  });
}

/** Writes the files into a new temporary directory and returns its path. */
export function writeRepo(files: RepoFiles): string {
  const dir = mkdtempSync(join(tmpdir(), 'writ-repo-'));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

/** A reference time for tests. */
export const TEST_NOW = new Date('2026-11-28T09:00:00Z');
