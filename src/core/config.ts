import { z } from 'zod';
import { DEFAULT_SETTINGS } from './settings.js';
import { SEVERITIES } from './severity.js';

const exceptionSchema = z.strictObject({
  /** A rule id, or a glob over rule ids (`workload/*`). */
  rule: z.string().min(1),
  /** `namespace/Kind/name` globs; `-` is the namespace of cluster-scoped or namespace-less objects. */
  resources: z.array(z.string().min(1)).min(1).default(['*/*/*']),
  reason: z.string().min(1, 'an exception needs a reason'),
  /** `YYYY-MM-DD` (end of that day, UTC) or a full timestamp. */
  expires: z
    .union([z.string(), z.date()])
    .optional()
    .transform((v) => (v instanceof Date ? v.toISOString() : v))
    .refine((v) => v === undefined || isDate(v), 'expires must be a date (YYYY-MM-DD) that exists'),
});

/** A timestamp, or a calendar day that exists (`Date.parse` rolls 2026-02-30 over to March). */
function isDate(v: string): boolean {
  if (Number.isNaN(Date.parse(v))) return false;
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  return !day || new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
}

export const configSchema = z.strictObject({
  failOn: z.enum([...SEVERITIES, 'none']).optional(),
  settings: z
    .strictObject({
      trustedRegistries: z.array(z.string().min(1)).optional(),
      pssVersion: z.string().regex(/^(latest|v?\d+\.\d+)$/, 'pssVersion must be latest or vX.Y').optional(),
      mutableTags: z
        .array(z.string().regex(/^[\w*?][\w.*?-]{0,127}$/, 'a mutable tag is a tag (letters, digits, _ . -), optionally with * or ? wildcards'))
        .optional(),
      digestExemptImages: z
        .array(z.string().min(1).refine((v) => !/[\s@]/.test(v), 'a digest-exempt image is a repository glob, without spaces or @digest'))
        .optional(),
      aks: z
        .strictObject({
          minKubernetesVersion: z
            .string()
            .regex(/^v?\d+\.\d+(\.\d+)?$/, 'minKubernetesVersion must be a Kubernetes version such as 1.34 or 1.34.2')
            .default(DEFAULT_SETTINGS.aks.minKubernetesVersion),
          auditRetentionDays: z.number().int().positive().default(DEFAULT_SETTINGS.aks.auditRetentionDays),
          requireFips: z.boolean().default(DEFAULT_SETTINGS.aks.requireFips),
        })
        .optional(),
      network: z
        .strictObject({
          requireDefaultDenyEgress: z.boolean().default(DEFAULT_SETTINGS.network.requireDefaultDenyEgress),
        })
        .optional(),
    })
    .default({}),
  rules: z
    .strictObject({
      skip: z.array(z.string()).default([]),
      only: z.array(z.string()).default([]),
    })
    .default({ skip: [], only: [] }),
  exceptions: z.array(exceptionSchema).default([]),
  annotations: z
    .strictObject({
      /** Whether `palisade.io/ignore` annotations on resources may suppress findings. */
      allowIgnore: z.boolean().default(true),
    })
    .default({ allowIgnore: true }),
  profiles: z
    .strictObject({
      /** Report AKS-managed system components as provider-managed instead of failing them. */
      aksManaged: z.boolean().default(true),
    })
    .default({ aksManaged: true }),
  /** `palisade webhook serve`: requests it admits without examining them (names and user names may be globs). */
  webhook: z
    .strictObject({
      exemptNamespaces: z.array(z.string().min(1)).default([]),
      exemptUsers: z.array(z.string().min(1)).default([]),
      /**
       * Whether the webhook honours `palisade.io/ignore`. Off by default: whoever creates an object writes
       * its annotations, so at admission the annotation would let anyone exempt their own pod.
       */
      allowIgnoreAnnotation: z.boolean().default(false),
    })
    .default({ exemptNamespaces: [], exemptUsers: [], allowIgnoreAnnotation: false }),
  limits: z
    .strictObject({
      maxDocumentBytes: z.number().int().positive().optional(),
      maxAliases: z.number().int().nonnegative().optional(),
      maxDepth: z.number().int().positive().optional(),
    })
    .default({}),
});

export type PalisadeConfig = z.infer<typeof configSchema>;
export type ExceptionConfig = PalisadeConfig['exceptions'][number];

export const DEFAULT_CONFIG: PalisadeConfig = configSchema.parse({});

/** Validates a decoded config document; returns readable problems (`exceptions.0.reason: ...`) instead of throwing. */
export function parseConfig(raw: unknown): { config?: PalisadeConfig; problems: string[] } {
  const result = configSchema.safeParse(raw ?? {});
  if (result.success) return { config: result.data, problems: [] };
  return {
    problems: result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`),
  };
}
