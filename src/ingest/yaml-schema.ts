import { boolYaml11Tag, CORE_SCHEMA, defineScalarTag, floatCoreTag, intCoreTag, NOT_RESOLVED } from 'js-yaml';
import { countedMergeTag, goYamlMapTag } from './yaml-merge.js';

/*
 * Plain numbers as go-yaml v2 resolves them (sigs.k8s.io/yaml's goyaml.v2 `resolve`, behind kubectl,
 * Helm and the API server). A scalar that starts with a digit or a sign loses its underscores and is
 * an integer if Go's strconv.ParseInt(s, 0, 64) takes it, else a float if it is a YAML-style float.
 * One that starts with `.` is a float if Go's ParseFloat takes it as written. Nothing else is a number:
 * YAML 1.1's base-60 forms (`1:20`) are strings, as go-yaml leaves them on purpose.
 */

/** Go's integer syntax with base 0: a sign, then 0x/0o/0b in either case, a leading 0 for octal, or decimal. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|(0[0-7]*)|([1-9][0-9]*))$/;
/** go-yaml's yamlStyleFloat. */
const GO_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
/** The infinities and NaN go-yaml looks up by name: the YAML 1.2 core spellings. */
const NAMED_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const NUMBER_FIRST_CHARS = ['-', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** The integer go-yaml reads from a plain scalar; NOT_RESOLVED for one it does not. */
export function goYamlInt(source: string): number | typeof NOT_RESOLVED {
  const first = source.charAt(0);
  if (!NUMBER_FIRST_CHARS.includes(first)) return NOT_RESOLVED;
  const m = GO_INT.exec(source.includes('_') ? source.replace(/_/g, '') : source);
  if (!m) return NOT_RESOLVED;
  const [, sign, hex, octal, binary, leadingZero, decimal] = m;
  const n =
    hex !== undefined ? parseInt(hex, 16)
    : octal !== undefined ? parseInt(octal, 8)
    : binary !== undefined ? parseInt(binary, 2)
    : leadingZero !== undefined ? parseInt(leadingZero, 8)
    : Number(decimal);
  // `-0` is the integer 0.
  return sign === '-' && n !== 0 ? -n : n;
}

/** The float go-yaml reads from a plain scalar that is no integer; NOT_RESOLVED for one it does not. */
export function goYamlFloat(source: string): number | typeof NOT_RESOLVED {
  if (NAMED_FLOAT.test(source)) return floatCoreTag.resolve(source, false, floatCoreTag.tagName) as number;
  const first = source.charAt(0);
  // ParseFloat takes underscores only after a base prefix, which a float starting with `.` cannot have.
  const plain = first === '.' ? source : NUMBER_FIRST_CHARS.includes(first) ? source.replace(/_/g, '') : undefined;
  if (plain === undefined || !GO_FLOAT.test(plain)) return NOT_RESOLVED;
  // Out of float64's range (`1e400`) ParseFloat fails, and go-yaml keeps the text.
  const n = Number(plain);
  return Number.isFinite(n) ? n : NOT_RESOLVED;
}

const intTag = defineScalarTag<unknown>(intCoreTag.tagName, {
  implicit: true,
  implicitFirstChars: NUMBER_FIRST_CHARS,
  resolve: (source) => goYamlInt(source),
  identify: intCoreTag.identify,
  represent: intCoreTag.represent,
});

const floatTag = defineScalarTag<unknown>(floatCoreTag.tagName, {
  implicit: true,
  implicitFirstChars: [...NUMBER_FIRST_CHARS, '.'],
  resolve: (source) => goYamlFloat(source),
  identify: floatCoreTag.identify,
  represent: floatCoreTag.represent,
});

/**
 * The scalars of a manifest as Kubernetes reads them. kubectl, Helm and the API server decode YAML
 * through sigs.k8s.io/yaml, which resolves plain scalars by go-yaml v2's rules: YAML 1.1's booleans
 * (`yes`, `on`, `y` are true and `no`, `off`, `n` false: `hostNetwork: yes` runs on the host network),
 * numbers as above (`0755` is the octal 493 a `defaultMode` means, `0_0` is 0). Quoted scalars stay
 * strings. The rest is YAML 1.2's core schema, with merge keys applied where they stand, as go-yaml v2
 * applies them (see yaml-merge.ts).
 */
export const KUBERNETES_YAML_SCHEMA = CORE_SCHEMA.withTags(boolYaml11Tag, intTag, floatTag, countedMergeTag, goYamlMapTag);
