import { describe, expect, it } from 'vitest';
import { planChange, type Plan } from '../../../../core/plan/plan-change.js';
import { renderPlanJson } from '../../../../core/plan/render-plan-json.js';
import { escapeMarkdown, MARKDOWN_SUMMARY_LIMIT, renderPlanMarkdown } from '../../../../core/plan/render-plan-markdown.js';
import { headline, renderPlanText } from '../../../../core/plan/render-plan-text.js';
import { editYaml, linuxHost, loaded, LINUX_RULE, LINUX_RUNBOOK, SITE, type Doc } from '../../../helpers/edit-repo.js';
import { miniRepo, TEST_NOW, type RepoFiles } from '../../../helpers/mini-repo.js';

const META = { baseRev: '1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d', headRev: '9f8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5' };

/** A change with one of most things: params, modes, scripts, a new host, a waiver, a re-pinned key, a disruptive runbook. */
function scenario(): Plan {
  const base = (f: RepoFiles): RepoFiles => {
    const withSite = editYaml(f, SITE, (s: Doc) => {
      s.maintenance_windows = [{ name: 'nightly', days: ['sat', 'sun'], start: '02:00', end: '04:00' }];
      s.hosts.push(linuxHost('db-02'), linuxHost('db-03'));
    });
    // A clinic the change does not touch: it runs only the Windows rule, on no Windows host.
    const quiet = (f[SITE] as string).replace('id: clinic-test', 'id: clinic-quiet').replace('name: Test Clinic', 'name: Quiet Clinic');
    return editYaml({ ...withSite, 'sites/clinic-quiet.yaml': quiet }, 'sites/clinic-quiet.yaml', (s: Doc) => { s.rules = [{ rule: 'L1-TEST-002' }]; });
  };
  const head = (f: RepoFiles): RepoFiles => {
    let out = editYaml(f, SITE, (s: Doc) => {
      s.rules[0].params.max_tries = 5;
      s.rules[0].mode = 'enforce';
      s.hosts[1].rules = [{ rule: 'L1-TEST-001', enabled: false }];
      s.hosts[2].host_key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBq8d0yJ0nK8q7bQ5tYwS2oR4cX1m9vLhE3uPzAaK6Fd';
      s.hosts.push(linuxHost('web-01', { address: '10.0.0.20' }));
      s.waivers = [{ rule: 'L1-TEST-001', hosts: ['web-01'], owner: 'it@clinic.example', justification: 'New server is being commissioned this week.', expires: '2026-12-05' }];
    });
    out = editYaml(out, LINUX_RUNBOOK, (rb: Doc) => { rb.disruptive = true; rb.version = '1.1.0'; rb.scripts.remediate.inline += 'systemctl reload sshd\n'; });
    out = editYaml(out, LINUX_RULE, (r: Doc) => { r.controls = ['hipaa:164.312(d)']; });
    return out;
  };
  const b = base(miniRepo());
  return planChange(loaded(b), loaded(head(b)), TEST_NOW, META);
}

describe('plan renderers', () => {
  it('headline counts clinics, hosts and controls per framework', () => {
    expect(headline(scenario())).toBe('1 clinic, 4 hosts, 2 HIPAA controls change');
  });

  it('text (snapshot)', () => {
    expect(renderPlanText(scenario(), { color: false })).toMatchSnapshot();
  });

  it('text says when head does not validate, and colours only when asked', () => {
    const out = renderPlanText(scenario(), { color: true, headErrors: 2 });
    expect(out).toContain('head does not validate: 2 errors');
    expect(out).toContain('\u001b[');
    expect(renderPlanText(scenario(), { color: false })).not.toContain('\u001b[');
  });

  it('markdown (snapshot)', () => {
    expect(renderPlanMarkdown(scenario(), { headErrors: 0 })).toMatchSnapshot();
  });

  it('JSON: version 1, tool, revisions, validity, and the plan itself', () => {
    const doc = JSON.parse(renderPlanJson(scenario(), { toolVersion: '0.1.0', headErrors: 3 })) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['version', 'tool', 'base', 'head', 'now', 'summary', 'flags', 'sites', 'repository']);
    expect(doc).toMatchObject({ version: 1, tool: { name: 'writ', version: '0.1.0' }, base: { rev: META.baseRev }, head: { rev: META.headRev, valid: false, errors: 3 }, now: '2026-11-28T09:00:00.000Z' });
    expect(JSON.parse(renderPlanJson(scenario())).head).toEqual({ rev: META.headRev, valid: true });
    // Optional fields are left out, never null (null appears only as a YAML value in from/to).
    expect(renderPlanJson(scenario())).not.toMatch(/"(?!from|to)[a-zA-Z]+": null/);
  });
});

describe('renderPlanMarkdown: size limit', () => {
  it('stays under 65,535 characters with 2,000 clinics and says how many are not shown', () => {
    const big = (n: number): RepoFiles => {
      const files = miniRepo();
      const template = files[SITE] as string;
      delete files[SITE];
      for (let i = 0; i < n; i++) {
        const id = `clinic-${String(i).padStart(4, '0')}`;
        files[`sites/${id}.yaml`] = template.replace('id: clinic-test', `id: ${id}`).replace('name: Test Clinic', `name: Clinic number ${i}`);
      }
      return files;
    };
    const base = big(2000);
    const head = Object.fromEntries(Object.entries(base).map(([path, text]) => [path, path.startsWith('sites/') ? (text as string).replace('max_tries: 3', 'max_tries: 5') : text]));
    const plan = planChange(loaded(base), loaded(head), TEST_NOW, META);
    expect(plan.summary.sitesAffected).toBe(2000);

    const md = renderPlanMarkdown(plan);
    expect(md.length).toBeLessThanOrEqual(MARKDOWN_SUMMARY_LIMIT);
    expect(md.length).toBeGreaterThan(MARKDOWN_SUMMARY_LIMIT - 2000);
    const last = md.trimEnd().split('\n').at(-1)!;
    const m = /^… (\d+) more sites and (\d+) more hosts not shown \(see `writ plan --format json`\)$/.exec(last);
    expect(m, last).not.toBeNull();
    const shownSites = (md.match(/^### /gm) ?? []).length;
    expect(shownSites + Number(m![1])).toBe(2000);
    // Cut at section boundaries: every <details> that was opened is closed.
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);

    // A tight limit cuts inside a site at a host row, never mid-line.
    const tight = renderPlanMarkdown(plan, { limit: 3000 });
    expect(tight.length).toBeLessThanOrEqual(3000);
    expect(tight.endsWith('not shown (see `writ plan --format json`)\n')).toBe(true);
  });

  it('prints everything and no footer when the plan fits', () => {
    expect(renderPlanMarkdown(scenario())).not.toContain('not shown');
  });
});

describe('renderPlanMarkdown: hostile text from YAML', () => {
  const HOSTILE = '<img src=x onerror=alert(1)> | `code` </details> *bold* [link](http://x) @team $x$';

  function hostilePlan(): Plan {
    const base = editYaml(miniRepo(), LINUX_RUNBOOK, (rb: Doc) => {
      rb.parameters.banner = { type: 'string', description: 'Login banner', maxLength: 200, default: 'ok' };
    });
    let head = editYaml(base, SITE, (s: Doc) => {
      s.name = HOSTILE;
      s.rules[0].params.banner = `- ${HOSTILE}\n# heading`;
      s.waivers = [{ rule: 'L1-TEST-001', owner: 'it@clinic.example', justification: `${HOSTILE} because reasons`, expires: '2026-12-31' }];
    });
    head = editYaml(head, LINUX_RULE, (r: Doc) => { r.name = `1. ${HOSTILE}`; });
    return planChange(loaded(base), loaded(head), TEST_NOW, META);
  }

  it('never lets raw HTML, table breaks, code spans or block syntax through', () => {
    const md = renderPlanMarkdown(hostilePlan());
    expect(md).not.toContain('<img');
    expect(md).not.toContain('`code`');
    expect(md).not.toContain('[link]');
    expect(md).not.toMatch(/^# heading/m);
    expect(md).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect((md.match(/<details>/g) ?? []).length).toBe((md.match(/<\/details>/g) ?? []).length);
    // Every table row keeps its column count: user text adds no unescaped pipe.
    for (const line of md.split('\n').filter((l) => l.startsWith('|'))) {
      expect([5, 9], line).toContain((line.match(/\|/g) ?? []).length);
    }
    // The only HTML tags are the renderer's own.
    expect([...new Set(md.match(/<\/?[a-z]+/g))].sort()).toEqual(['</details', '</summary', '<details', '<summary']);
  });

  it('escapeMarkdown neutralises markup and leading block syntax', () => {
    expect(escapeMarkdown('<b>&</b>')).toBe('&lt;b&gt;&amp;&lt;/b&gt;');
    expect(escapeMarkdown('a|b`c`*d*_e_[f](g)\\~#!@$')).toBe('a&#124;b&#96;c&#96;&#42;d&#42;&#95;e&#95;&#91;f&#93;(g)&#92;&#126;&#35;&#33;&#64;&#36;');
    expect(escapeMarkdown('- item')).toBe('&#45; item');
    expect(escapeMarkdown('+ item')).toBe('&#43; item');
    expect(escapeMarkdown('12. item')).toBe('12&#46; item');
    expect(escapeMarkdown('line one\nline two\r\n')).toBe('line one line two ');
    expect(escapeMarkdown('bell\u0007')).toBe('bell&#92;x07');
  });

  it('text output escapes control characters from YAML', () => {
    const base = miniRepo();
    const head = editYaml(base, SITE, (s: Doc) => { s.name = 'Evil\u001b[2J clinic'; s.rules[0].params.max_tries = 5; });
    const out = renderPlanText(planChange(loaded(base), loaded(head), TEST_NOW, META), { color: false });
    expect(out).not.toContain('\u001b');
    expect(out).toContain('Evil\\x1b[2J clinic');
  });
});
