import { baseEcosystem } from './osv.js';

/**
 * The form a package name is indexed and looked up by, so that spellings an ecosystem treats as the
 * same package meet. PyPI: PEP 503 (case-insensitive, runs of `-_.` are one `-`). Ecosystems whose
 * registries are case-insensitive (NuGet, Packagist) are lower-cased.
 * npm, Go, Maven, crates.io, RubyGems and the OS ecosystems compare names exactly.
 */
export function normalisePackageName(ecosystem: string, name: string): string {
  switch (baseEcosystem(ecosystem)) {
    case 'PyPI':
      return name.toLowerCase().replace(/[-_.]+/g, '-');
    case 'NuGet':
    case 'Packagist':
      return name.toLowerCase();
    default:
      return name;
  }
}
