// The auditor site. Built only by `writ site build` (adapters/site-build/build-site.ts), which
// passes the data dir in WRIT_SITE_DATA and the output folder as outDir. Static output, no client
// framework: pages are plain HTML and CSS; the only scripts are Pagefind's search and its starter.
import { defineConfig } from 'astro/config';

export default defineConfig({
  output: 'static',
  trailingSlash: 'always',
  build: {
    format: 'directory',
    // The Content-Security-Policy allows no inline style: every stylesheet is a file.
    inlineStylesheets: 'never',
    assets: '_assets',
  },
  compressHTML: false,
  devToolbar: { enabled: false },
  prefetch: false,
  scopedStyleStrategy: 'class',
  vite: { logLevel: 'warn', build: { assetsInlineLimit: 0 } },
});
