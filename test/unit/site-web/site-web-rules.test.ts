import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SITE_CSP } from '../../../adapters/site-build/site-csp.js';

const ROOT = join(import.meta.dirname, '../../..');
const SRC = join(ROOT, 'site-web/src');

function files(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...files(full, ext));
    else if (ext.test(name)) out.push(full);
  }
  return out;
}

const sources = files(SRC, /\.(astro|ts|mjs|js)$/);
const rel = (f: string) => relative(ROOT, f);

describe('site-web: evidence is text, never markup (issue 8)', () => {
  it('has sources to check', () => {
    expect(sources.filter((f) => f.endsWith('.astro')).length).toBeGreaterThan(10);
  });

  it('uses no set:html anywhere (Astro escapes {expr}; set:html would turn data into markup)', () => {
    expect(sources.filter((f) => /set:html/.test(readFileSync(f, 'utf8'))).map(rel)).toEqual([]);
  });

  it('has no inline scripts, inline event handlers, style attributes or <style> blocks (the CSP allows none)', () => {
    const problems: string[] = [];
    for (const f of sources.filter((x) => x.endsWith('.astro'))) {
      const text = readFileSync(f, 'utf8').replace(/^---[\s\S]*?\n---\n/, '');
      if (/<script(?![^>]*\bsrc=)[^>]*>/.test(text)) problems.push(`${rel(f)}: <script> without src`);
      if (/<style\b/.test(text)) problems.push(`${rel(f)}: <style> block`);
      if (/\sstyle=/.test(text)) problems.push(`${rel(f)}: style attribute`);
      if (/\son[a-z]+=/i.test(text)) problems.push(`${rel(f)}: inline event handler`);
      if (/type="application\/ld\+json"/.test(text)) problems.push(`${rel(f)}: JSON-LD embeds data in a script`);
    }
    expect(problems).toEqual([]);
  });

  it("pages read only the data dir: imports are the page's own lib/components, astro, and core/site/site-model", () => {
    const problems: string[] = [];
    for (const f of sources) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)) {
        const spec = (m[1] ?? m[2])!;
        const target = spec.startsWith('.') ? rel(resolve(dirname(f), spec)) : spec;
        const allowed = target.startsWith('site-web/') && !target.startsWith('site-web/node_modules')
          || (target === 'core/site/site-model.ts' && rel(f) === 'site-web/src/lib/model.ts')
          || target === 'astro/config'
          || (/^node:(fs|path)$/.test(target) && rel(f) === 'site-web/src/lib/data.ts');
        if (!allowed) problems.push(`${rel(f)} imports ${spec}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every page carries the same Content-Security-Policy as the server sends', () => {
    const layout = readFileSync(join(SRC, 'layouts/Base.astro'), 'utf8');
    expect(layout).toMatch(/http-equiv="Content-Security-Policy" content=\{SITE_CSP\}/);
    const csp = /SITE_CSP = "([^"]+)"/.exec(readFileSync(join(SRC, 'lib/csp.ts'), 'utf8'))?.[1];
    expect(csp).toBe(SITE_CSP);
    expect(SITE_CSP).not.toMatch(/unsafe-inline|'unsafe-eval'|\*/);
  });

  it('every page uses the layout (so none misses the CSP meta or the broken-chain banner)', () => {
    const pages = files(join(SRC, 'pages'), /\.astro$/);
    expect(pages.filter((f) => !/import Base from '[./]+layouts\/Base\.astro'/.test(readFileSync(f, 'utf8'))).map(rel)).toEqual([]);
  });

  it('the root tsconfigs do not compile site-web (Astro files have their own toolchain)', () => {
    for (const name of ['tsconfig.json', 'tsconfig.test.json']) {
      const include = JSON.parse(readFileSync(join(ROOT, name), 'utf8')).include as string[];
      expect(include.filter((p) => p.startsWith('site-web') || p === '**/*.ts'), name).toEqual([]);
    }
  });
});
