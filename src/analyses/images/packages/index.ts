import { imageFilesFrom } from '../image-files.js';
import { detectOs, wantsOsFile } from '../os-release.js';
import type { FileRequest, ImageFiles, OsInfo, Package, PackageAnalyzer } from '../types.js';
import { apkAnalyzer } from './apk.js';
import { dotnetAnalyzer } from './dotnet.js';
import { dpkgAnalyzer } from './dpkg.js';
import { goBinaryAnalyzer } from './go-binary.js';
import { javaAnalyzer } from './java.js';
import { npmAnalyzer } from './npm.js';
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
  return wantsOsFile(file) || analyzers.some((a) => a.wants(file));
}

/**
 * The OS and packages of an image from the files its analysers asked for. Each analyser sees only the
 * files it wanted (an analyser throwing is a bug, reported as a note rather than losing the others).
 */
export function analyzeImagePackages(
  files: ImageFiles,
  notes: string[],
  analyzers: readonly PackageAnalyzer[] = PACKAGE_ANALYZERS,
  modes?: ReadonlyMap<string, FileRequest>,
): { os: OsInfo | undefined; packages: Package[] } {
  const os = detectOs(files);
  const packages: Package[] = [];
  for (const analyzer of analyzers) {
    const own = filesFor(files, (path) => {
      const req = modes?.get(path) ?? { path, size: files.get(path)?.length ?? 0, mode: 0o755 };
      return analyzer.wants(req);
    });
    try {
      packages.push(...analyzer.analyze(own, os, notes));
    } catch (e) {
      notes.push(`${analyzer.name}: analysis failed (${(e as Error).message})`);
    }
  }
  return { os, packages };
}

function filesFor(files: ImageFiles, keep: (path: string) => boolean): ImageFiles {
  const sub = new Map<string, Buffer>();
  for (const [path, buf] of files.files) if (keep(path)) sub.set(path, buf);
  return imageFilesFrom(sub);
}
