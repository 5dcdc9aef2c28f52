/**
 * What the App's log lines carry besides pino's `level`, `time` and `msg`, the same names the agent
 * uses for its own (agent/agent-log.ts): `event` says what happened, `reason_code` why (a catalogued
 * code, on refusals, skips and failures), and the delivery it concerns. Values come from the
 * verified payload; the unsigned X-GitHub-Delivery header is logged only once it has the shape of a
 * delivery id. Never: the webhook secret, the App key, installation tokens, payload bodies.
 */
export type AppLogEvent =
  | 'delivery_refused'
  | 'delivery_replayed'
  | 'delivery_not_allowed'
  | 'delivery_accepted'
  | 'delivery_handled'
  | 'delivery_failed'
  | 'review_completed'
  | 'review_failed'
  | 'event_ignored';

export interface AppLogFields {
  event: AppLogEvent;
  reason_code?: string;
  /** X-GitHub-Delivery. */
  delivery?: string;
  /** GitHub's event and action, e.g. `pull_request.synchronize`. */
  github_event?: string;
  installation?: number;
  /** `owner/name`. */
  repo?: string;
  pull_request?: number;
  head_sha?: string;
  /** From receipt (delivery lines) or from the start of the review (review lines). */
  duration_ms?: number;
}

/**
 * The fields of one App log line in a fixed order, leaving out the absent ones.
 *
 * @example
 * app.log.info(appLogFields({ event: 'review_completed', delivery, repo: 'acme/policy', duration_ms: 412 }), 'reviewed');
 */
export function appLogFields(fields: AppLogFields, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const order: (keyof AppLogFields)[] = ['event', 'reason_code', 'delivery', 'github_event', 'installation', 'repo', 'pull_request', 'head_sha', 'duration_ms'];
  const out: Record<string, unknown> = {};
  for (const k of order) if (fields[k] !== undefined) out[k] = fields[k];
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out;
}
