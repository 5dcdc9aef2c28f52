import type { LintCode } from '../lint/lint-context.js';

/** Reason codes of pushing evidence to a site's evidence branch (core/errors/evidence-push-error.ts). */
export const EVIDENCE_PUSH_CODES: readonly LintCode[] = [
  { code: 'EVD_PUSH_FAILED', title: 'Evidence not pushed', help: 'The evidence branch could not be fetched or pushed (remote down, timeout, refused token, wrong URL). Nothing is lost: the files stay on the appliance and the next cycle pushes everything pending. Check the URL, the token (write access) and the network.' },
  { code: 'EVD_PUSH_REJECTED', title: 'Evidence push kept being rejected', help: 'The remote kept refusing the update (other appliances pushing at the same moment, or a server hook) through every retry. The files stay; the next cycle tries again. If it persists, read the server\'s hook message in the log.' },
  { code: 'EVD_PUSH_DIVERGED', title: 'Evidence history diverged', help: 'A file on the evidence branch is not a prefix of the local file of the same name, so pushing would rewrite history; nothing was pushed. Compare the two versions (git show <branch>:<path>) and find out which one was altered before pushing again.' },
];
