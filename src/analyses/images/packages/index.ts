import { imageFilesFrom } from '../image-files.js';
import { detectOs, wantsOsFile } from '../os-release.js';
import type { FileRequest, ImageFiles, OsInfo, Package, PackageAnalyzer } from '../types.js';
import { apkAnalyzer } from './apk.js';
import { dotnetAnalyzer } from './dotnet.js';
import { dpkgAnalyzer } from './dpkg.js';
import { goBinaryAnalyzer } from './go-binary.js';
import { javaAnalyzer } from './java.js';
import { npmAnalyzer } from './npm.js';
import { PackageDbRefused } from './os-package.js';
import { osOwnedFiles, wantsOwnedFileList, withoutOsOwned } from './owned-files.js';
import { pythonAnalyzer } from './python.js';
import { rpmAnalyzer } from './rpm.js';

/** Every package analyser, OS package managers first. The layer walker asks each whether it wants a file. */
export const PACKAGE_ANALYZERS: readonly PackageAnalyzer[] = [
  dpkgAnalyzer,
  apkAnalyzer,
  rpmAnalyzer,
  npmAnalyzer,
  pythonAnalyzer,
  dotnetAnalyzer,
  goBinaryAnalyzer,
  javaAnalyzer,
];

/** Whether the walker should keep a file: OS detection or some analyser wants it. */
export function wantsImageFile(file: FileRequest, analyzers: readonly PackageAnalyzer[] = PACKAGE_ANALYZERS): boolean {
  return wantsOsFile(file) || wantsOwnedFileList(file) || analyzers.some((a) => a.wants(file));
}

/**
 * The OS and packages of an image from the files its analysers asked for. Each analyser sees only the
 * files it wanted. An analyser that throws leaves the package list incomplete: that is an error of the
 * image (the vulnerabilities of its packages would go unreported), while the other analysers still run.
 * Language packages read from files an OS package installed are left out (see owned-files.ts).
 */
export function analyzeImagePackages(
  files: ImageFiles,
  notes: string[],
  analyzers: readonly PackageAnalyzer[] = PACKAGE_ANALYZERS,
  modes?: ReadonlyMap<string, FileRequest>,
): { os: OsInfo | undefined; packages: Package[]; errors: string[] } {
  const os = detectOs(files);
  const packages: Package[] = [];
  const errors: string[] = [];
  for (const analyzer of analyzers) {
    const own = filesFor(files, (path) => {
      const req = modes?.get(path) ?? { path, size: files.get(path)?.length ?? 0, mode: 0o755 };
      return analyzer.wants(req);
    });
    try {
      // One at a time: spreading a list of a few hundred thousand packages overflows the call stack.
      for (const p of analyzer.analyze(own, os, notes)) packages.push(p);
    } catch (e) {
      const message = (e as Error).message;
      errors.push(e instanceof PackageDbRefused ? `${message}; refused, so its ${analyzer.name} packages are not listed` : `the ${analyzer.name} analyser failed (${message}); its packages are not listed`);
    }
  }
  return { os, packages: withoutOsOwned(packages, osOwnedFiles(files, notes)), errors };
}

function filesFor(files: ImageFiles, keep: (path: string) => boolean): ImageFiles {
  const sub = new Map<string, Buffer>();
  for (const [path, buf] of files.files) if (keep(path)) sub.set(path, buf);
  return imageFilesFrom(sub);
}
