import { readFileSync, writeFileSync } from 'node:fs';
import { RULES } from '../src/rules/index.js';

/**
 * Writes docs/rules.md from the rules' meta. `--check` fails when the file on disk differs,
 * so a rule change without regenerated docs cannot land.
 */
const target = new URL('../docs/rules.md', import.meta.url);

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function render(): string {
  const out: string[] = [
    '# Rules',
    '',
    '<!-- Generated from the rules\' meta by `npm run docs`; do not edit by hand. -->',
    '',
    `${RULES.length} rules. \`palisade explain RULE_ID\` prints the same text on the terminal.`,
    '',
    '| id | severity | pillar | title |',
    '| --- | --- | --- | --- |',
    ...RULES.map((r) => `| [\`${r.meta.id}\`](#${r.meta.id.replace(/[^a-z0-9-]/g, '')}) | ${r.meta.severity}${r.meta.maxSeverity ? ` (up to ${r.meta.maxSeverity})` : ''} | ${r.meta.pillar} | ${cell(r.meta.title)} |`),
    '',
  ];
  for (const { meta } of RULES) {
    out.push(`## ${meta.id}`, '', `**${meta.title}** — severity \`${meta.severity}\`${meta.maxSeverity ? ` (up to \`${meta.maxSeverity}\`)` : ''}, pillar \`${meta.pillar}\``, '', meta.description, '', `**Fix:** ${meta.remediation}`, '');
    if (meta.frameworks.length)
      out.push(`**Maps to:** ${meta.frameworks.map((f) => `${f.framework}${f.level ? ` ${f.level}` : ''} \`${f.id}\``).join(', ')}`, '');
    if (meta.references.length) out.push(...meta.references.map((r) => `- <${r}>`), '');
  }
  return out.join('\n');
}

const text = render();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // missing counts as stale
  }
  if (current !== text) {
    console.error('docs/rules.md is stale: run `npm run docs` and commit the result');
    process.exit(1);
  }
  console.log('docs/rules.md is current');
} else {
  writeFileSync(target, text);
  console.log(`wrote docs/rules.md (${RULES.length} rules)`);
}
