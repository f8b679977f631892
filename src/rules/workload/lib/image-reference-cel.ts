import { celString, celStrings, globsRegex, JS_WHITESPACE_CLASS } from '../../../core/cel.js';
import { DOCKER_HUB, registryPattern } from '../../../core/image-reference.js';

/**
 * The CEL twin of image-reference.ts, for the image rules' admission form. One policy variable,
 * `images`, holds a record per container whose image `parseImageReference` accepts; the rules then
 * read its fields. test/admission checks both sides agree on generated and hand-written references.
 */

// The grammar parse() applies, as one regex. Path components and the registry host are ASCII, so
// no white space can hide there; only the digest is free text (non-empty, with a colon).
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
// A first component that does not look like a registry (no dot, colon or capital, not localhost) is
// a path component, which then has no dot. `localhost` matches HOST, which decides the same.
const COMPONENT_NO_DOT = '[a-z0-9]+(?:(?:_|__|-+)[a-z0-9]+)*';
const HOST = '(?:\\[[0-9a-fA-F:.]+\\]|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(?::[0-9]+)?';
const TAG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}';
const DIGEST = `[^${JS_WHITESPACE_CLASS}]*:[^${JS_WHITESPACE_CLASS}]*`;

/** What `parseImageReference` accepts, as a regex RE2 and JavaScript read alike. */
export const VALID_REFERENCE = `^(?:(?:${HOST}|${COMPONENT_NO_DOT})/${COMPONENT}(?:/${COMPONENT})*|${COMPONENT})(?::${TAG})?(?:@${DIGEST})?$`;

const POLICIES = ['Always', 'IfNotPresent', 'Never'];

/**
 * `variables.images`: per container with a parseable image, a record of strings (CEL map literals must
 * be homogeneous): `policy` (Always, IfNotPresent, Never; `unset`; `invalid` for any other value),
 * `tag` and `digest` ('' when absent: parse() never yields empty ones), `name` (the reference without
 * tag and digest), `registry`, and the `short` and `full` names of `repositoryNames`. Each `map` stage
 * binds what the next one reads, as CEL has no let.
 */
export const IMAGES_VARIABLE = {
  name: 'images',
  expression: [
    // string(): the values of a map literal must have one static type, and a container field read may be dyn.
    `variables.containers.map(c, {'image': string(c.?image.orValue('')), 'policy': c.?imagePullPolicy.hasValue() && c.imagePullPolicy != '' ? (c.imagePullPolicy in ${celStrings(POLICIES)} ? string(c.imagePullPolicy) : 'invalid') : 'unset'})`,
    `.filter(r, r.image.matches(${celString(VALID_REFERENCE)}))`,
    // The digest follows the first @; the tag is what follows the last colon when no slash comes after it.
    ".map(r, {'policy': r.policy, 'rest': r.image.indexOf('@') < 0 ? r.image : r.image.substring(0, r.image.indexOf('@')), 'digest': r.image.indexOf('@') < 0 ? '' : r.image.substring(r.image.indexOf('@') + 1)})",
    ".map(r, {'policy': r.policy, 'digest': r.digest, 'name': r.rest.lastIndexOf(':') > r.rest.lastIndexOf('/') ? r.rest.substring(0, r.rest.lastIndexOf(':')) : r.rest, 'tag': r.rest.lastIndexOf(':') > r.rest.lastIndexOf('/') ? r.rest.substring(r.rest.lastIndexOf(':') + 1) : ''})",
    // Docker's rule: the first component names a registry when it has a dot, a colon or a capital, or is localhost.
    ".map(r, {'policy': r.policy, 'digest': r.digest, 'name': r.name, 'tag': r.tag, 'host': r.name.matches('^(?:[^/]*[.:A-Z][^/]*|localhost)/') ? r.name.substring(0, r.name.indexOf('/')).lowerAscii() : ''})",
    `.map(r, {'policy': r.policy, 'digest': r.digest, 'name': r.name, 'tag': r.tag, 'registry': r.host == '' || r.host == 'index.docker.io' ? '${DOCKER_HUB}' : r.host, 'path': r.host == '' ? r.name : r.name.substring(r.name.indexOf('/') + 1)})`,
    `.map(r, {'policy': r.policy, 'digest': r.digest, 'name': r.name, 'tag': r.tag, 'registry': r.registry, 'repository': r.registry == '${DOCKER_HUB}' && !r.path.contains('/') ? 'library/' + r.path : r.path})`,
    `.map(r, {'policy': r.policy, 'digest': r.digest, 'name': r.name, 'tag': r.tag, 'registry': r.registry, 'full': r.registry + '/' + r.repository, 'short': r.registry != '${DOCKER_HUB}' ? r.registry + '/' + r.repository : (r.repository.startsWith('library/') ? r.repository.substring(8) : r.repository)})`,
  ].join(''),
} as const;

/** CEL twin of `mutableTagOf(ref, mutableTags) !== undefined` for the record `r`. */
export function celMutableTag(mutableTags: readonly string[]): string {
  const others = mutableTags.filter((t) => t !== 'latest');
  const tagMoves = others.length === 0 ? "r.tag in ['', 'latest']" : `(r.tag in ['', 'latest'] || r.tag.matches(${celString(globsRegex(others))}))`;
  return `(r.digest == '' && ${tagMoves})`;
}

/** CEL twin of `defaultPullPolicy(ref)` for the record `r`. */
export const CEL_DEFAULT_PULL_POLICY = "(r.tag == 'latest' || (r.tag == '' && r.digest == '') ? 'Always' : 'IfNotPresent')";

/** CEL twin of `isValidDigest(r.digest)`. */
export const CEL_VALID_DIGEST = [
  `r.digest.matches('^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$')`,
  `(!r.digest.matches('^(?:sha256|sha512|blake3):') || r.digest.matches('^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128}|blake3:[a-f0-9]{64})$'))`,
].join(' && ');

/** CEL twin of `repositoryMatches(ref, globs)` for the record `r`. */
export function celRepositoryMatches(globs: readonly string[]): string {
  if (globs.length === 0) return 'false';
  return `[r.name, r.short, r.full].exists(n, n.matches(${celString(globsRegex(globs))}))`;
}

/**
 * CEL twin of `trusted.some((p) => registryMatches(r.registry, p))`. Registries are lowercase ASCII
 * hosts, so a pattern with other characters can never match and is left out.
 */
export function celRegistryTrusted(trusted: readonly string[]): string {
  const exact = new Set<string>();
  const suffixes = new Set<string>();
  for (const raw of trusted) {
    const p = registryPattern(raw);
    if (!/^[\x21-\x7e]*$/.test(p)) continue;
    if (p.startsWith('*.')) suffixes.add(p.slice(1));
    else exact.add(p).add(`${p}:443`);
  }
  const terms = [
    ...(exact.size ? [`r.registry in ${celStrings([...exact])}`] : []),
    ...[...suffixes].map((s) => `(r.registry.endsWith(${celString(s)}) || r.registry.endsWith(${celString(`${s}:443`)}))`),
  ];
  return terms.length ? `(${terms.join(' || ')})` : 'false';
}
