/* Generated from schemas/check-result.schema.json by `npm run schemas`. Do not edit by hand. */

/**
 * The one JSON object every check (and verify) script prints on its last non-empty stdout line. An exit code alone never means pass.
 */
export interface CheckResult {
  /**
   * pass: compliant. fail: drift found. error: the check could not decide. not_applicable: the check does not apply to this host (say why in message).
   */
  status: 'pass' | 'fail' | 'error' | 'not_applicable';
  /**
   * What the check saw, as flat machine values (numbers, booleans, short strings, lists of those). No patient data.
   */
  observed: {
    /**
     * @maxItems 100
     */
    [k: string]: string | number | boolean | null | (string | number | boolean | null)[] | undefined;
  };
  /**
   * What compliant would look like, for the same keys where it applies.
   */
  expected?: {};
  /**
   * One sentence for the evidence log.
   */
  message: string;
  /**
   * For error and not_applicable: a stable upper-case reason, for example NO_SYSTEMD or PACKAGE_MISSING.
   */
  reason_code?: string;
}
