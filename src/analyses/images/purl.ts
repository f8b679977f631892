/**
 * Package URLs (purl-spec): `pkg:type/namespace/name@version?qualifiers`. Qualifiers are sorted by key
 * as the spec's canonical form asks; empty ones are left out.
 */

/** Percent-encode one purl component; `:` stays readable (the spec does not require encoding it). */
export function encodePurlComponent(text: string): string {
  return encodeURIComponent(text).replace(/%3A/gi, ':');
}

export function purl(
  type: string,
  namespace: string | undefined,
  name: string,
  version: string | undefined,
  qualifiers: Record<string, string | undefined> = {},
): string {
  const ns = namespace
    ? namespace
        .split('/')
        .filter((s) => s.length > 0)
        .map(encodePurlComponent)
        .join('/') + '/'
    : '';
  const ver = version ? `@${encodePurlComponent(version)}` : '';
  const q = Object.entries(qualifiers)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1].length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${encodePurlComponent(v)}`)
    .join('&');
  return `pkg:${type}/${ns}${encodePurlComponent(name)}${ver}${q ? `?${q}` : ''}`;
}

/** PEP 503 name normalisation, which OSV's PyPI ecosystem looks names up by (`zope.interface` → `zope-interface`). */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/**
 * A PyPI name as the purl-spec's pypi type writes it: lower-cased, `_` replaced with `-`, dots kept
 * (`zope.interface` stays `zope.interface`, `Typing_Extensions` is `typing-extensions`).
 */
export function pypiPurlName(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}
