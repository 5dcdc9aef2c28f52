import { describe, expect, it } from 'vitest';
import { controlsExist } from '../../../../../core/lint/rules/controls-exist.js';
import { miniRepo } from '../../../../helpers/mini-repo.js';
import { runLintRule, withEdit } from '../../../../helpers/run-lint-rule.js';

describe('controls-exist', () => {
  it('passes the mini repo', () => expect(runLintRule(controlsExist, miniRepo())).toEqual([]));

  it('reports an unknown control and an unknown framework', () => {
    let files = withEdit(miniRepo(), 'runbooks/linux/LIN-TEST-001.yaml', 'controls: [hipaa:164.312(b)]', 'controls: [hipaa:164.312(z), soc2:CC6.1]');
    files = withEdit(files, 'policies/L1-TEST-001.yaml', 'severity: high', 'severity: high\ncontrols: ["hipaa:164.312(b)"]');
    expect(runLintRule(controlsExist, files)).toEqual([
      'runbooks/linux/LIN-TEST-001.yaml:7:12 LINT_CONTROL_UNKNOWN framework hipaa has no control 164.312(z)',
      'runbooks/linux/LIN-TEST-001.yaml:7:30 LINT_CONTROL_UNKNOWN no framework soc2 in frameworks/ (cited as soc2:CC6.1)',
    ]);
  });

  it('reports duplicate controls and unknown parents in a framework', () => {
    const files = miniRepo();
    files['frameworks/hipaa.yaml'] += '  - id: "164.312(b)"\n    title: Again\n  - id: "164.312(e)(1)"\n    title: Transmission security\n    parent: "164.999"\n';
    expect(runLintRule(controlsExist, files).map((l) => l.split(' ')[1])).toEqual(['LINT_CONTROL_DUPLICATE', 'LINT_CONTROL_PARENT']);
  });
});
