import { Command, Option } from 'commander';
import { UsageError } from '../core/errors.js';
import type { RuleMeta } from '../core/rule.js';
import { didYouMean } from '../core/suggest.js';
import { RULES } from '../rules/index.js';
import { writeResult } from './output.js';

export function rulesCommand(): Command {
  return new Command('rules')
    .description('list the rule catalog')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action((opts: { format: 'table' | 'json' }) => {
      const metas = RULES.map((r) => r.meta);
      writeResult(opts.format === 'json' ? `${JSON.stringify(metas, null, 2)}\n` : rulesTable(metas), undefined);
    });
}

function rulesTable(metas: readonly RuleMeta[]): string {
  const idWidth = Math.max(...metas.map((m) => m.id.length));
  const lines = metas.map((m) => `${m.id.padEnd(idWidth)}  ${m.severity.padEnd(8)}  ${m.pillar.padEnd(13)}  ${m.title}`);
  return `${[`${'ID'.padEnd(idWidth)}  SEVERITY  PILLAR         TITLE`, ...lines].join('\n')}\n`;
}

export function explainCommand(): Command {
  return new Command('explain')
    .description('explain one rule: why it matters, how to fix it, what it maps to')
    .argument('<rule>', 'rule id, e.g. workload/privileged-container')
    .action((id: string) => {
      const rule = RULES.find((r) => r.meta.id === id);
      if (!rule) {
        throw new UsageError(`unknown rule ${JSON.stringify(id)}${didYouMean(id, RULES.map((r) => r.meta.id))}`);
      }
      writeResult(explain(rule.meta), undefined);
    });
}

export function explain(m: RuleMeta): string {
  const refs = m.frameworks.map((f) => `${f.framework}${f.level ? ` (${f.level})` : ''}: ${f.id}`);
  return `${[
    `${m.id} — ${m.title}`,
    `severity: ${m.severity}    pillar: ${m.pillar}`,
    '',
    m.description,
    '',
    `Fix: ${m.remediation}`,
    ...(refs.length ? ['', 'Maps to:', ...refs.map((r) => `  ${r}`)] : []),
    ...(m.references.length ? ['', 'References:', ...m.references.map((r) => `  ${r}`)] : []),
  ].join('\n')}\n`;
}
