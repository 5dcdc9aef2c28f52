// Must equal adapters/site-build/site-csp.ts SITE_CSP (test/unit/site-web checks). Scripts only from
// the site; 'wasm-unsafe-eval' for Pagefind's WebAssembly; no inline script or style anywhere.
export const SITE_CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'";
