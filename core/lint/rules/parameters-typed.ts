import type { Finding } from '../../model/finding.js';
import type { Runbook } from '../../model/generated/runbook.js';
import type { Rule } from '../../model/generated/rule.js';
import type { LintRule } from '../lint-context.js';
import { findingAtPointer } from '../finding-at-pointer.js';
import { schemaValidators, type SchemaValidators } from '../../validate/schema-validators.js';
import type { Site } from '../../model/generated/site.js';
import type { Entry } from '../../validate/loaded-repo.js';
import { ObjectMemo } from '../../memo/object-memo.js';
import { closestWord } from '../../validate/closest-word.js';
import type { ParsedFile } from '../../load/parsed-file.js';

type Spec = NonNullable<NonNullable<Runbook['parameters']>[string]>;

/** Turns a parameter spec (a JSON-Schema subset) into a schema ajv can check values with. */
function specSchema(spec: Spec): Record<string, unknown> {
  const { description: _d, default: _def, ...rest } = spec;
  return rest;
}

function describeErrors(errors: readonly { instancePath: string; message?: string }[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath ? e.instancePath.slice(1) + ' ' : ''}${e.message ?? 'is invalid'}`).join('; ');
}

/**
 * Parameter declarations are well-formed, their defaults fit them, and every value a rule or site
 * sets names a declared parameter with a value of the right type; required parameters are set.
 */
export const parametersTyped: LintRule = {
  name: 'parameters-typed',
  codes: [
    { code: 'LINT_PARAM_SPEC', title: 'Invalid parameter declaration', help: 'A runbook parameter declaration is inconsistent (pattern does not compile, enum values of the wrong type, minimum above maximum).' },
    { code: 'LINT_PARAM_DEFAULT', title: 'Default does not fit its parameter', help: 'A parameter default fails the parameter\'s own type or limits.' },
    { code: 'LINT_PARAM_UNKNOWN', title: 'Unknown parameter', help: 'A rule or site sets a parameter the remediation runbook does not declare.' },
    { code: 'LINT_PARAM_TYPE', title: 'Parameter value of the wrong type', help: 'A rule or site sets a parameter to a value its declaration does not allow.' },
    { code: 'LINT_PARAM_REQUIRED', title: 'Required parameter not set', help: 'A runbook parameter without a default is set neither by the rule nor by the site.' },
  ],
  run(repo) {
    const findings: Finding[] = [];
    const v = schemaValidators();
    const runbooks = new Map(repo.runbooks.map((r) => [r.value.id, r]));
    for (const rb of repo.runbooks) findings.push(...runbookSpecs.get(rb, [], () => checkSpecs(rb, v)).findings);

    const rulesById = new Map(repo.rules.map((r) => [r.value.id, r]));
    for (const rule of repo.rules) {
      const fix = fixRunbookOf(rule.value);
      const rb = fix === undefined ? undefined : runbooks.get(fix);
      findings.push(...ruleValues.get(rule, [rb], () => {
        const out: Finding[] = [];
        if (fix && rule.value.action.type === 'remediate') checkValues(out, v, rule.file, '/action/params', fix, rb, rule.value.action.params);
        return out;
      }));
    }
    for (const site of repo.sites) {
      // Everything a site's checks read besides the site itself: the rules it names and their runbooks.
      const deps: unknown[] = [];
      const note = (ruleId: string) => {
        const rule = rulesById.get(ruleId);
        const fix = rule && fixRunbookOf(rule.value);
        deps.push(rule, fix === undefined ? undefined : runbooks.get(fix));
      };
      for (const id of siteRuleIds.get(site, [], () => [...new Set([...site.value.rules.map((r) => r.rule), ...site.value.hosts.flatMap((h) => (h.rules ?? []).map((r) => r.rule))])])) note(id);
      findings.push(...siteValues.get(site, deps, () => checkSite(site, rulesById, runbooks, v)));
    }
    return findings;
  },
};

type RunbookEntry = Entry<Runbook>;

/** Per runbook, rule and site entry (with the entries they read): the same objects are checked once. */
const runbookSpecs = new ObjectMemo<RunbookEntry, { findings: Finding[]; ok: Map<string, Spec> }>();
const ruleValues = new ObjectMemo<Entry<Rule>, Finding[]>();
const siteValues = new ObjectMemo<Entry<Site>, Finding[]>();
/** The rule ids a site entry's own and host entries name, once per entry. */
const siteRuleIds = new ObjectMemo<Entry<Site>, readonly string[]>();

function fixRunbookOf(rule: Rule): string | undefined {
  return rule.action.type === 'remediate' ? (rule.action.runbook ?? rule.check) : undefined;
}

function checkSpecs(rb: RunbookEntry, v: SchemaValidators): { findings: Finding[]; ok: Map<string, Spec> } {
  const findings: Finding[] = [];
  const ok = new Map<string, Spec>();
  for (const [name, spec] of Object.entries(rb.value.parameters ?? {}) as [string, Spec][]) {
    const ptr = `/parameters/${name}`;
    const problem = specProblem(spec);
    if (problem) {
      findings.push(findingAtPointer(rb.file, ptr, 'LINT_PARAM_SPEC', `parameter ${name}: ${problem}`, 'Fix the declaration so values can be checked against it.'));
      continue;
    }
    let fn;
    try {
      fn = v.compileAdHoc(specSchema(spec));
    } catch (e) {
      findings.push(findingAtPointer(rb.file, ptr, 'LINT_PARAM_SPEC', `parameter ${name} cannot be checked: ${(e as Error).message.split('\n')[0]}`,
        'Fix the pattern (JavaScript regular expression syntax) or the limits.'));
      continue;
    }
    if (spec.default !== undefined && !fn(spec.default)) {
      findings.push(findingAtPointer(rb.file, `${ptr}/default`, 'LINT_PARAM_DEFAULT', `default of ${name} does not fit its declaration: ${describeErrors(fn.errors)}`,
        'Change the default or the limits so they agree.'));
    }
    ok.set(name, spec);
  }
  return { findings, ok };
}

function checkValues(findings: Finding[], v: SchemaValidators, file: ParsedFile, ptr: string, runbookId: string, rb: RunbookEntry | undefined, values: Record<string, unknown> | undefined): void {
  if (!values) return;
  if (!rb) return;
  const declared = rb.value.parameters ?? {};
  const validSpecs = runbookSpecs.get(rb, [], () => checkSpecs(rb, v)).ok;
  for (const [name, value] of Object.entries(values)) {
    if (!(name in declared)) {
      const guess = closestWord(name, Object.keys(declared));
      findings.push(findingAtPointer(file, `${ptr}/${name}`, 'LINT_PARAM_UNKNOWN', `runbook ${runbookId} has no parameter ${name}`,
        guess ? `Did you mean ${guess}?` : `Declared parameters: ${Object.keys(declared).join(', ') || 'none'}.`, 'error', true));
      continue;
    }
    const spec = validSpecs.get(name);
    if (!spec) continue;
    const fn = v.compileAdHoc(specSchema(spec));
    if (!fn(value)) {
      findings.push(findingAtPointer(file, `${ptr}/${name}`, 'LINT_PARAM_TYPE', `${name} = ${JSON.stringify(value)} does not fit runbook ${runbookId}: ${describeErrors(fn.errors)}`,
        `Declared as: ${JSON.stringify(specSchema(spec))}.`));
    }
  }
}

function checkSite(site: Entry<Site>, rulesById: ReadonlyMap<string, Entry<Rule>>, runbooks: ReadonlyMap<string, RunbookEntry>, v: SchemaValidators): Finding[] {
  const findings: Finding[] = [];
  site.value.rules.forEach((setting, i) => {
    const rule = rulesById.get(setting.rule);
    const fix = rule && fixRunbookOf(rule.value);
    if (!fix) return;
    checkValues(findings, v, site.file, `/rules/${i}/params`, fix, runbooks.get(fix), setting.params);
    if (setting.enabled === false) return;
    const ruleParams = rule.value.action.type === 'remediate' ? (rule.value.action.params ?? {}) : {};
    for (const [name, spec] of Object.entries(runbooks.get(fix)?.value.parameters ?? {}) as [string, Spec][]) {
      if (spec.default === undefined && !(name in ruleParams) && !(name in (setting.params ?? {}))) {
        findings.push(findingAtPointer(site.file, `/rules/${i}`, 'LINT_PARAM_REQUIRED',
          `rule ${setting.rule} needs parameter ${name} (runbook ${fix} gives it no default)`,
          `Add \`params: { ${name}: … }\` to this entry. ${spec.description}`));
      }
    }
  });
  site.value.hosts.forEach((host, hi) => host.rules?.forEach((setting, i) => {
    const rule = rulesById.get(setting.rule);
    const fix = rule && fixRunbookOf(rule.value);
    if (fix) checkValues(findings, v, site.file, `/hosts/${hi}/rules/${i}/params`, fix, runbooks.get(fix), setting.params);
  }));
  return findings;
}

function specProblem(spec: Spec): string | null {
  if (spec.pattern !== undefined) {
    try {
      new RegExp(spec.pattern, 'u');
    } catch (e) {
      return `pattern does not compile (${(e as Error).message})`;
    }
  }
  if (spec.minimum !== undefined && spec.maximum !== undefined && spec.minimum > spec.maximum) return 'minimum is above maximum';
  if (spec.minLength !== undefined && spec.maxLength !== undefined && spec.minLength > spec.maxLength) return 'minLength is above maxLength';
  if (spec.type === 'array' && !spec.items) return 'an array parameter needs `items` with the element type';
  if (spec.type !== 'array' && (spec.items || spec.minItems !== undefined || spec.maxItems !== undefined)) return 'items, minItems and maxItems apply to arrays only';
  if (spec.type === 'string' && spec.maxLength === undefined && !spec.enum && !spec.pattern) return 'a string parameter needs maxLength, pattern or enum so values stay bounded';
  if (spec.enum) {
    const want = spec.type === 'integer' || spec.type === 'number' ? 'number' : spec.type;
    if (spec.type !== 'array' && spec.enum.some((e) => typeof e !== want)) return `enum values must be of type ${spec.type}`;
  }
  return null;
}
