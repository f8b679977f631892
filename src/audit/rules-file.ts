import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { z } from 'zod';
import { parseCidr } from '../analyses/network/ip.js';
import { errorMessage, UsageError } from '../core/errors.js';
import { SEVERITIES } from '../core/severity.js';
import { readFailure } from './fs-error.js';
import { DEFAULT_AUDIT_SETTINGS, type AuditSettings } from './settings.js';
import { compileUserRules, type UserRule } from './user-rule.js';

const globs = z.array(z.string().min(1));
/** A list extends the default; `{replace: [...]}` replaces it. */
const extendable = z.union([globs, z.strictObject({ replace: globs })]);

const settingsSchema = z.strictObject({
  allowedIdentities: extendable.optional(),
  aksNamespaces: extendable.optional(),
  aksImages: extendable.optional(),
  trustedImages: z
    .strictObject({
      all: globs.optional(),
      privileged: globs.optional(),
      hostNetwork: globs.optional(),
      hostPID: globs.optional(),
      hostIPC: globs.optional(),
      sensitiveMount: globs.optional(),
      kubeNamespace: globs.optional(),
    })
    .optional(),
  sensitiveHostPaths: extendable.optional(),
  knownKubeServiceAccounts: extendable.optional(),
  allowedUsers: globs.optional(),
  allowedNamespaces: globs.optional(),
  allowedImages: globs.optional(),
  activity: z.boolean().optional(),
  disable: globs.optional(),
  dedupeWindow: z.number().int().min(0).max(10_000_000).optional(),
  authFailures: z.strictObject({ threshold: z.number().int().min(1).optional(), windowSeconds: z.number().int().min(1).optional() }).optional(),
  clusterCidrs: z.array(z.string().refine((c) => parseCidr(c) !== undefined, { message: 'not a CIDR (10.244.0.0/16, fd00::/8)' })).optional(),
  firstSeen: z.strictObject({ learningSeconds: z.number().int().min(0).optional(), maxIdentities: z.number().int().min(1).max(10_000_000).optional() }).optional(),
});

export type AuditSettingsInput = z.infer<typeof settingsSchema>;

const ruleSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][\w./-]*$/, 'an id is letters, digits and _ . / -')
    .refine((id) => !id.startsWith('audit/'), 'ids starting with audit/ belong to the built-in detectors'),
  severity: z.enum(SEVERITIES),
  condition: z.string().min(1),
  title: z.string().min(1).optional(),
  message: z.string().min(1).optional(),
  messageExpression: z.string().min(1).optional(),
  description: z.string().optional(),
  frameworks: z.array(z.strictObject({ framework: z.enum(['falco', 'mitre']), id: z.string().min(1) })).optional(),
});

const rulesSchema = z.array(ruleSchema);
const fileSchema = z.strictObject({ settings: settingsSchema.optional(), rules: rulesSchema.optional() });

function extend(base: string[], v: z.infer<typeof extendable> | undefined): string[] {
  if (v === undefined) return base;
  return Array.isArray(v) ? [...base, ...v] : [...v.replace];
}

/** The defaults with a rules file's `settings` applied. */
export function applySettings(input: AuditSettingsInput | undefined, base: AuditSettings = DEFAULT_AUDIT_SETTINGS): AuditSettings {
  if (!input) return base;
  const t = input.trustedImages ?? {};
  const bt = base.trustedImages;
  return {
    allowedIdentities: extend(base.allowedIdentities, input.allowedIdentities),
    aksNamespaces: extend(base.aksNamespaces, input.aksNamespaces),
    aksImages: extend(base.aksImages, input.aksImages),
    trustedImages: {
      all: [...bt.all, ...(t.all ?? [])],
      privileged: [...bt.privileged, ...(t.privileged ?? [])],
      hostNetwork: [...bt.hostNetwork, ...(t.hostNetwork ?? [])],
      hostPID: [...bt.hostPID, ...(t.hostPID ?? [])],
      hostIPC: [...bt.hostIPC, ...(t.hostIPC ?? [])],
      sensitiveMount: [...bt.sensitiveMount, ...(t.sensitiveMount ?? [])],
      kubeNamespace: [...bt.kubeNamespace, ...(t.kubeNamespace ?? [])],
    },
    sensitiveHostPaths: extend(base.sensitiveHostPaths, input.sensitiveHostPaths),
    knownKubeServiceAccounts: extend(base.knownKubeServiceAccounts, input.knownKubeServiceAccounts),
    ...(input.allowedUsers ?? base.allowedUsers ? { allowedUsers: input.allowedUsers ?? base.allowedUsers } : {}),
    ...(input.allowedNamespaces ?? base.allowedNamespaces ? { allowedNamespaces: input.allowedNamespaces ?? base.allowedNamespaces } : {}),
    ...(input.allowedImages ?? base.allowedImages ? { allowedImages: input.allowedImages ?? base.allowedImages } : {}),
    activity: input.activity ?? base.activity,
    disable: [...base.disable, ...(input.disable ?? [])],
    dedupeWindow: input.dedupeWindow ?? base.dedupeWindow,
    authFailures: { ...base.authFailures, ...input.authFailures },
    ...(input.clusterCidrs ?? base.clusterCidrs ? { clusterCidrs: input.clusterCidrs ?? base.clusterCidrs } : {}),
    firstSeen: { ...base.firstSeen, ...input.firstSeen },
  };
}

export interface RulesFile {
  settings: AuditSettings;
  rules: UserRule[];
}

/** Parses a rules file's text (YAML or JSON): settings and CEL rules. Problems are usage errors. */
export function parseRulesFile(text: string, origin: string): RulesFile {
  let raw: unknown;
  try {
    raw = load(text, { maxAliases: 100, maxDepth: 50 });
  } catch (e) {
    throw new UsageError(`${origin}: ${errorMessage(e).split('\n')[0]}`);
  }
  // A bare list is a file of rules alone.
  const parsed = Array.isArray(raw) ? rulesSchema.safeParse(raw) : fileSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
    throw new UsageError(`${origin}: ${problems.join('; ')}`);
  }
  const doc = Array.isArray(parsed.data) ? { rules: parsed.data } : parsed.data;
  const specs = doc.rules ?? [];
  const ids = new Set<string>();
  for (const s of specs) {
    if (ids.has(s.id)) throw new UsageError(`${origin}: rule id ${s.id} appears twice`);
    ids.add(s.id);
  }
  return { settings: applySettings(doc.settings), rules: compileUserRules(specs, origin) };
}

export function readRulesFile(file: string): RulesFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--rules ${file}: ${readFailure(e)}`);
  }
  return parseRulesFile(text, file);
}
