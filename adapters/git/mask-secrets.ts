/**
 * Keeps git credentials out of everything writ reports: the token, credentials in a URL and their
 * Basic-auth forms are masked in messages, stacks, `data` fields and URLs. Shared by every adapter
 * that talks to a git remote (fetch, evidence push).
 */

/** The user name GitHub (and our test server) expects with an installation or access token. */
export const TOKEN_USER = 'x-access-token';

/**
 * Strings that must never be reported: the token, URL credentials and their Basic-auth forms, longest first.
 *
 * @example
 * const secrets = secretsOf(url, token); const safe = scrubUrl(url, secrets);
 */
export function secretsOf(url: string, token: string | undefined): string[] {
  const out: string[] = [];
  const add = (s: string | undefined) => {
    if (s && s.length >= 4) out.push(s, encodeURIComponent(s));
  };
  if (token) {
    add(token);
    add(Buffer.from(`${TOKEN_USER}:${token}`).toString('base64'));
  }
  try {
    const u = new URL(url);
    const user = decodeURIComponent(u.username);
    const password = decodeURIComponent(u.password);
    add(password);
    if (user || password) add(Buffer.from(`${user}:${password}`).toString('base64'));
    if (user && !password) add(user); // a token passed as the user name
  } catch {
    // not a URL: nothing more to collect
  }
  return [...new Set(out)].sort((a, b) => b.length - a.length);
}

/** The text with URL user info and every secret replaced by ***. */
export function scrubText(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@');
  for (const s of secrets) out = out.split(s).join('***');
  return out;
}

/** The URL without user info, with any remaining secret text masked. */
export function scrubUrl(url: string, secrets: readonly string[]): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return scrubText(u.toString(), secrets);
  } catch {
    return scrubText(url, secrets);
  }
}

/**
 * Masks secrets in an error and its causes, in place (message, stack and string fields of `data`),
 * so the cause can be kept for logs without carrying the token (STYLE.md section 3).
 */
export function scrubError(e: unknown, secrets: readonly string[]): unknown {
  const seen = new Set<unknown>();
  for (let cur: unknown = e; cur && typeof cur === 'object' && !seen.has(cur); cur = (cur as { cause?: unknown }).cause) {
    seen.add(cur);
    const err = cur as { message?: unknown; stack?: unknown; data?: unknown };
    try {
      if (typeof err.message === 'string') err.message = scrubText(err.message, secrets);
      if (typeof err.stack === 'string') err.stack = scrubText(err.stack, secrets);
      if (err.data && typeof err.data === 'object') {
        const d = err.data as Record<string, unknown>;
        for (const [k, v] of Object.entries(d)) if (typeof v === 'string') d[k] = scrubText(v, secrets);
      }
    } catch {
      // frozen error objects: nothing to scrub in place
    }
  }
  return e;
}
