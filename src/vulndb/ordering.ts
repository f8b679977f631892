import { semverOrder } from './semver-order.js';
import { comparatorFor, type VersionComparator } from './versions/index.js';

/** The comparator for an ECOSYSTEM range of this ecosystem, or undefined when Palisade cannot order it. */
export function ecosystemOrder(ecosystem: string): VersionComparator | undefined {
  return comparatorFor(ecosystem);
}

/**
 * The comparator for a range of this type in this ecosystem. SEMVER ranges use SemVer precedence
 * whatever the ecosystem, read leniently (`0.1` as `0.1.0`) because real records carry such bounds;
 * GIT and unknown types cannot be evaluated against an installed version.
 */
export function rangeOrder(type: string, ecosystem: string): VersionComparator | undefined {
  if (type === 'SEMVER') return semverOrder;
  if (type === 'ECOSYSTEM') return ecosystemOrder(ecosystem);
  return undefined;
}
