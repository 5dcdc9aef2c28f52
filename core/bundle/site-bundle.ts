import type { Rule } from '../model/generated/rule.js';
import type { Runbook } from '../model/generated/runbook.js';
import type { Site } from '../model/generated/site.js';

export const BUNDLE_FORMAT = 'writ-bundle/v1';

/** A script as shipped: its exact text and SHA-256, so evidence can name the version that ran. */
export interface BundledScript {
  text: string;
  sha256: string;
  timeout_seconds: number;
}

export type BundledRunbook = Omit<Runbook, 'scripts'> & {
  scripts: Partial<Record<'check' | 'remediate' | 'verify' | 'rollback', BundledScript>>;
  /**
   * Parameter names in declaration order, the order scripts bind them. The bundle is canonical
   * JSON, which sorts object keys, so `parameters` alone loses that order.
   */
  parameter_order: string[];
};

/** Everything one site's appliance needs, and nothing of any other site. */
export interface SiteBundle {
  format: typeof BUNDLE_FORMAT;
  site: Site;
  /** Rules the site or one of its hosts enables, by id. */
  rules: Rule[];
  /** Runbooks those rules check or heal with, scripts inlined, by id. */
  runbooks: BundledRunbook[];
  /** Script libraries prepended to every script of a platform (the Linux result library). */
  libraries: { platform: 'linux' | 'windows'; path: string; text: string; sha256: string }[];
  /** Titles of the controls the bundled runbooks and rules cite. */
  controls: { ref: string; title: string }[];
  source: { commit: string };
}

/**
 * The runbook with `parameters` rebuilt in declaration order (from `parameter_order`), so code that
 * walks the parameters binds them in the order scripts read them. Undefined when the order does not
 * name exactly the declared parameters (a bundle from another writ version): do not run it.
 *
 * @example
 * const rb = inDeclarationOrder(bundle.runbooks[0]); // Object.keys(rb.parameters) follows the YAML
 */
export function inDeclarationOrder(runbook: BundledRunbook): BundledRunbook | undefined {
  const declared = Object.keys(runbook.parameters ?? {});
  const order = runbook.parameter_order;
  if (!Array.isArray(order) || order.length !== declared.length || new Set(order).size !== order.length || !order.every((n) => declared.includes(n))) return undefined;
  const parameters: NonNullable<BundledRunbook['parameters']> = {};
  for (const name of order) parameters[name] = runbook.parameters![name];
  return { ...runbook, parameters };
}
