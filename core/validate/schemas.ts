import common from '../../schemas/common.schema.json' with { type: 'json' };
import rule from '../../schemas/rule.schema.json' with { type: 'json' };
import runbook from '../../schemas/runbook.schema.json' with { type: 'json' };
import site from '../../schemas/site.schema.json' with { type: 'json' };
import framework from '../../schemas/framework.schema.json' with { type: 'json' };
import checkResult from '../../schemas/check-result.schema.json' with { type: 'json' };
import agentConfig from '../../schemas/agent-config.schema.json' with { type: 'json' };

/** The kinds of YAML document a policy repository holds, each with its folder and schema. */
export type DocumentKind = 'Rule' | 'Runbook' | 'Site' | 'Framework';

export type JsonSchema = Record<string, unknown>;

/** Every schema in schemas/, keyed by file name without `.schema.json`. */
export const SCHEMAS: Readonly<Record<string, JsonSchema>> = {
  common,
  rule,
  runbook,
  site,
  framework,
  'check-result': checkResult,
  'agent-config': agentConfig,
};

export const SCHEMA_OF_KIND: Readonly<Record<DocumentKind, string>> = {
  Rule: 'rule',
  Runbook: 'runbook',
  Site: 'site',
  Framework: 'framework',
};
