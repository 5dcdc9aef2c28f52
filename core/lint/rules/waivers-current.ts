import type { Finding } from '../../model/finding.js';
import type { LintRule } from '../lint-context.js';
import { findingAtPointer } from '../finding-at-pointer.js';

const MAX_WAIVER_DAYS = 366;

/** Waivers are temporary: an expired one is reported, one that runs longer than a year is refused. */
export const waiversCurrent: LintRule = {
  name: 'waivers-current',
  codes: [
    { code: 'LINT_WAIVER_EXPIRED', title: 'Waiver expired', help: 'A waiver\'s expiry date has passed; the rule is enforced again. Renew it with a new justification or delete it.' },
    { code: 'LINT_WAIVER_TOO_LONG', title: 'Waiver runs longer than a year', help: 'Waivers must be reviewed at least yearly.' },
  ],
  run(repo, ctx) {
    const findings: Finding[] = [];
    const today = ctx.now.toISOString().slice(0, 10);
    const limit = new Date(ctx.now.getTime() + MAX_WAIVER_DAYS * 86_400_000).toISOString().slice(0, 10);
    for (const site of repo.sites) {
      (site.value.waivers ?? []).forEach((w, i) => {
        if (w.expires < today) {
          findings.push(findingAtPointer(site.file, `/waivers/${i}/expires`, 'LINT_WAIVER_EXPIRED',
            `waiver of ${w.rule} owned by ${w.owner} expired on ${w.expires}`, 'Delete it, or renew it with a new expiry and an updated justification.', 'warning'));
        } else if (w.expires > limit) {
          findings.push(findingAtPointer(site.file, `/waivers/${i}/expires`, 'LINT_WAIVER_TOO_LONG',
            `waiver of ${w.rule} runs until ${w.expires}, more than ${MAX_WAIVER_DAYS} days from ${today}`, `Set an expiry on or before ${limit} and review it then.`));
        }
      });
    }
    return findings;
  },
};
