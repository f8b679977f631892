import { celString, celStrings } from '../../core/cel.js';
import { parseTrustedRegistry, type TrustedRegistry } from '../../core/config.js';
import { asString } from '../../core/resource.js';
import { defineRule } from '../../core/rule.js';
import { parseImageReference, registryMatches, type ImageReference } from '../../core/image-reference.js';
import { celRegistryTrusted, IMAGES_VARIABLE } from './lib/image-reference-cel.js';
import { describe } from './lib/containers.js';

export default defineRule({
  meta: {
    id: 'workload/untrusted-registry',
    title: 'Image comes from an untrusted registry',
    severity: 'high',
    pillar: 'images',
    frameworks: [
      { framework: 'kubescape', id: 'C-0078' },
      { framework: 'trivy', id: 'KSV0125' },
      { framework: 'mitre', id: 'T1610' },
    ],
    description:
      'Images should come only from registries the organisation controls or vets (by default any Azure Container ' +
      'Registry and mcr.microsoft.com): there they are scanned, signed and kept. An image from anywhere else ' +
      'bypasses that supply chain, and a public repository can be replaced or typosquatted. The registry is the ' +
      'host of the image reference; an image without one (nginx, bitnami/redis) comes from docker.io (as ' +
      'docker.io/library/nginx and docker.io/bitnami/redis). The trusted list is the trustedRegistries setting: exact hosts ' +
      '(with the port when there is one; :443 is the same as none), *.suffix for any subdomain, or a host with a ' +
      'repository path to trust part of a registry: ghcr.io/org/* (or ghcr.io/org/) trusts ghcr.io/org/tool and ' +
      'ghcr.io/org/sub/tool but not ghcr.io/organisation/x, and ghcr.io/org/tool trusts that repository and those ' +
      'under it. A lone * is refused by the configuration check: an empty list already trusts every registry, and ' +
      'with an empty list the rule reports nothing.',
    remediation:
      'Import the image into a trusted registry (az acr import) and reference it there, or add its registry to ' +
      'settings.trustedRegistries if the organisation trusts it.',
    references: [
      'https://learn.microsoft.com/azure/container-registry/container-registry-import-images',
      'https://learn.microsoft.com/azure/aks/concepts-security#build-security',
    ],
  },
  target: { pods: true },
  cel: {
    validation(settings) {
      if (settings.trustedRegistries.length === 0) return { inactive: 'settings.trustedRegistries is empty, so every registry passes' };
      return { imagesOnly: true, variables: [IMAGES_VARIABLE], expression: `variables.images.all(r, ${celTrusted(trustedEntries(settings.trustedRegistries))})` };
    },
  },
  check(ctx) {
    const trusted = ctx.settings.trustedRegistries;
    if (trusted.length === 0) return;
    const entries = trustedEntries(trusted);
    for (const c of ctx.containers()) {
      const image = asString(c.spec.image);
      const ref = image === undefined ? undefined : parseImageReference(image);
      if (!ref || isTrusted(ref, entries)) continue;
      // A registry some of whose repositories are trusted: the repository is what falls outside.
      const partly = entries.repositories.some((e) => registryMatches(ref.registry, e.host));
      ctx.report({
        container: c.name,
        field: c.path('image'),
        message: partly
          ? `${describe(c)} pulls ${image} from ${ref.registry}/${ref.repository}, which is under no trusted repository path of ${ref.registry}`
          : `${describe(c)} pulls ${image} from ${ref.registry}, which is not a trusted registry`,
        evidence: { observed: partly ? `${ref.registry}/${ref.repository}` : ref.registry, expected: trusted, image },
      });
    }
  },
});

interface TrustedEntries {
  /** Whole registries (`ghcr.io/*` as ghcr.io), for registryMatches; entries the configuration check refuses as written, which match nothing. */
  registries: string[];
  /** Registries trusted under a repository path. */
  repositories: Array<TrustedRegistry & { path: string }>;
}

// The settings of a scan are one array, read for every pod: parsed once, not once per resource.
let lastParsed: { trusted: readonly string[]; entries: TrustedEntries } | undefined;

function trustedEntries(trusted: readonly string[]): TrustedEntries {
  if (lastParsed?.trusted !== trusted) lastParsed = { trusted, entries: parseEntries(trusted) };
  return lastParsed.entries;
}

function parseEntries(trusted: readonly string[]): TrustedEntries {
  const out: TrustedEntries = { registries: [], repositories: [] };
  for (const raw of trusted) {
    const read = parseTrustedRegistry(raw);
    if (!('entry' in read)) out.registries.push(raw);
    else if (read.entry.path === undefined) out.registries.push(read.entry.host);
    else out.repositories.push({ ...read.entry, path: read.entry.path });
  }
  return out;
}

/** Is the repository under the entry's path at a path-segment boundary (`org` holds `org/tool`, not `organisation/x`)? */
function underPath(repository: string, entry: TrustedRegistry & { path: string }): boolean {
  if (repository.startsWith(`${entry.path}/`)) return true;
  return entry.below === undefined && repository === entry.path;
}

function isTrusted(ref: ImageReference, entries: TrustedEntries): boolean {
  if (entries.registries.some((p) => registryMatches(ref.registry, p))) return true;
  return entries.repositories.some((e) => registryMatches(ref.registry, e.host) && underPath(ref.repository, e));
}

/** CEL twin of isTrusted for the record `r` of the images variable (`full` is `registry/repository`). */
function celTrusted(entries: TrustedEntries): string {
  const terms = entries.repositories.map((e) => {
    const host = celHostMatches(e.host);
    // `full` begins with the registry, so the repository is what follows `registry/`.
    const under = `r.full.startsWith(r.registry + ${celString(`/${e.path}/`)})`;
    const path = e.below ? under : `(${under} || r.full == r.registry + ${celString(`/${e.path}`)})`;
    return `(${host} && ${path})`;
  });
  const registries = celRegistryTrusted(entries.registries);
  if (registries !== 'false' || terms.length === 0) terms.unshift(registries);
  return terms.length === 1 ? (terms[0] as string) : `(${terms.join(' || ')})`;
}

/** CEL twin of `registryMatches(r.registry, host)` for one normalised host or `*.suffix`. */
function celHostMatches(host: string): string {
  if (host.startsWith('*.')) {
    const suffix = host.slice(1);
    return `(r.registry.endsWith(${celString(suffix)}) || r.registry.endsWith(${celString(`${suffix}:443`)}))`;
  }
  return `r.registry in ${celStrings([host, `${host}:443`])}`;
}

