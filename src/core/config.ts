import { z } from 'zod';
import { registryPattern } from './image-reference.js';
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

/**
 * One entry of settings.trustedRegistries, as the untrusted-registry rule compares images with it:
 * a whole registry (an exact host[:port], or `*.suffix` for any subdomain) or, with a path, the
 * repositories of a registry under a path prefix (`ghcr.io/org/*`), as Kyverno and Gatekeeper
 * policies write allowed repositories.
 */
export interface TrustedRegistry {
  /** `host[:port]` or `*.suffix[:port]`, normalised as registryMatches compares patterns. */
  host: string;
  /** The repository path prefix (`org`, `team-a/tools`), lowercase, without slashes at either end. */
  path?: string;
  /** Written with a trailing `/*` or `/`: only repositories below the path, not one named by it. */
  below?: true;
}

// The grammar of distribution/reference, which the image parser applies too.
const HOST = /^(?:\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)(?::\d+)?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Docker's rule for the first component of a reference: a registry host when it has a dot, a colon or a capital, or is localhost. */
function looksLikeHost(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
}

/** Why a trusted-registry host (`ghcr.io`, `*.azurecr.io`, `harbor.corp:8443`) can match no image; undefined when it can. */
function hostProblem(host: string): string | undefined {
  if (host === '*') return 'a lone * would trust every registry: to trust them all, set trustedRegistries to [] (the rule then reports nothing)';
  const bare = host.startsWith('*.') ? host.slice(2) : host;
  if (bare.includes('*')) return 'a wildcard is only *. before a domain (*.azurecr.io) or /* after a repository path (ghcr.io/org/*)';
  if (!HOST.test(bare)) return 'not a registry host[:port] such as ghcr.io, *.azurecr.io or harbor.corp:8443';
  return undefined;
}

/** Why a repository path prefix (what follows the host, trailing `/*` or `/` taken off) can match no image; undefined when it can. */
function pathProblem(path: string): string | undefined {
  if (path.includes('*')) return 'only a trailing /* is a wildcard in a repository path (ghcr.io/org/* trusts every repository under ghcr.io/org/)';
  if (/[:@]/.test(path)) return 'a tag or digest is not part of a trusted repository: give the repository path alone';
  if (!path.split('/').every((c) => PATH_COMPONENT.test(c))) return 'not a repository path: lowercase components (letters, digits, . _ -) separated by single slashes';
  return undefined;
}

/**
 * Reads one trustedRegistries entry: `host[:port]`, `*.suffix`, or `host[:port]/path` with an optional
 * trailing `/*` or `/`. What could never match an image (a scheme, a lone `*`, a wildcard inside a
 * path, a tag, a first component that Docker would read as a Docker Hub repository) is a problem.
 */
export function parseTrustedRegistry(raw: string): { entry: TrustedRegistry } | { problem: string } {
  const text = raw.trim();
  if (text === '') return { problem: 'an empty entry trusts nothing' };
  if (/\s/.test(text)) return { problem: 'a registry has no white space' };
  if (text.includes('://')) return { problem: `a registry is a host, without a scheme: ${text.replace(/^[a-z]+:\/\//i, '')}` };
  const slash = text.indexOf('/');
  const hostText = slash < 0 ? text : text.slice(0, slash);
  const hostIssue = hostProblem(hostText.toLowerCase());
  if (hostIssue !== undefined) return { problem: hostIssue };
  const host = registryPattern(hostText);
  if (slash < 0) return { entry: { host } };
  if (!looksLikeHost(hostText))
    return { problem: `${hostText} is not a registry host (it has no dot or port and is not localhost), so images name it as a Docker Hub repository: write docker.io/${text}` };
  const below = /\/\*?$/.test(text);
  const path = text.replace(/\/\*?$/, '').slice(slash + 1).toLowerCase();
  if (path === '') return { entry: { host } };
  const issue = pathProblem(path);
  return issue !== undefined ? { problem: issue } : { entry: { host, path, ...(below ? { below: true as const } : {}) } };
}

export const configSchema = z.strictObject({
  failOn: z.enum([...SEVERITIES, 'none']).optional(),
  settings: z
    .strictObject({
      trustedRegistries: z
        .array(
          z.string().superRefine((v, ctx) => {
            const read = parseTrustedRegistry(v);
            if ('problem' in read) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)}: ${read.problem}` });
          }),
        )
        .optional(),
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
