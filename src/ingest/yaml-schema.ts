import { boolYaml11Tag, CORE_SCHEMA, defineScalarTag, intCoreTag, intYaml11Tag, mergeTag, NOT_RESOLVED } from 'js-yaml';

/**
 * Integers as go-yaml v2 reads them: YAML 1.1's forms (`0755` is octal, `0b101`, `1_000`), and the
 * `0o17` octal Go's number parser takes too.
 */
const intTag = defineScalarTag<unknown>(intYaml11Tag.tagName, {
  implicit: true,
  implicitFirstChars: intYaml11Tag.implicitFirstChars === null || intCoreTag.implicitFirstChars === null ? null : [...new Set([...intYaml11Tag.implicitFirstChars, ...intCoreTag.implicitFirstChars])],
  resolve: (source, isExplicit, tagName) => {
    const v = intYaml11Tag.resolve(source, isExplicit, tagName);
    return v !== NOT_RESOLVED ? v : intCoreTag.resolve(source, isExplicit, tagName);
  },
  identify: intYaml11Tag.identify,
  represent: intYaml11Tag.represent,
});

/**
 * The scalars of a manifest as Kubernetes reads them. kubectl, Helm and the API server decode YAML
 * through sigs.k8s.io/yaml, which resolves plain scalars by YAML 1.1 (go-yaml v2): `yes`, `on`, `y`
 * are true and `no`, `off`, `n` false (`hostNetwork: yes` runs on the host network), and `0755` is the
 * octal 493 a `defaultMode` means. Quoted scalars stay strings. The rest is YAML 1.2's core schema,
 * with merge keys.
 */
export const KUBERNETES_YAML_SCHEMA = CORE_SCHEMA.withTags(boolYaml11Tag, intTag, mergeTag);
