/**
 * The Content-Security-Policy of the auditor site, as a header by `writ site serve` and as a meta tag
 * in every page (site-web/src/layouts/Base.astro carries the same text; a test compares them).
 * Scripts only from the site itself; 'wasm-unsafe-eval' because Pagefind's search compiles its
 * WebAssembly index reader (Chromium refuses WebAssembly.instantiate without it). No inline
 * script or style, no other origin, no plugins, no framing (frame-ancestors only works as a header).
 *
 * @example
 * res.setHeader('Content-Security-Policy', SITE_CSP_HEADER);
 */
export const SITE_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'";

/** The header form adds what a meta tag cannot carry. */
export const SITE_CSP_HEADER = `${SITE_CSP}; frame-ancestors 'none'`;
