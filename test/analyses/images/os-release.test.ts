import { describe, expect, it } from 'vitest';
import { imageFilesFrom } from '../../../src/analyses/images/image-files.js';
import { detectOs, parseOsRelease, wantsOsFile } from '../../../src/analyses/images/os-release.js';

const osRelease = (lines: string[]) => lines.join('\n') + '\n';

describe('detectOs', () => {
  it.each([
    {
      name: 'Debian 12',
      files: { 'etc/os-release': osRelease(['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"', 'ID=debian', 'VERSION_ID="12"', 'VERSION="12 (bookworm)"']) },
      os: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', osvEcosystem: 'Debian:12' },
    },
    {
      name: 'Ubuntu LTS from the VERSION text',
      files: { 'etc/os-release': osRelease(['NAME="Ubuntu"', 'VERSION="22.04.3 LTS (Jammy Jellyfish)"', 'ID=ubuntu', 'VERSION_ID="22.04"']) },
      os: { id: 'ubuntu', versionId: '22.04', osvEcosystem: 'Ubuntu:22.04:LTS' },
    },
    {
      name: 'Ubuntu interim release without LTS',
      files: { 'etc/os-release': osRelease(['VERSION="23.10 (Mantic Minotaur)"', 'ID=ubuntu', 'VERSION_ID="23.10"']) },
      os: { id: 'ubuntu', versionId: '23.10', osvEcosystem: 'Ubuntu:23.10' },
    },
    {
      name: 'Alpine from os-release, branch from the patch version',
      files: { 'etc/os-release': osRelease(['NAME="Alpine Linux"', 'ID=alpine', 'VERSION_ID=3.18.4']) },
      os: { id: 'alpine', versionId: '3.18.4', osvEcosystem: 'Alpine:v3.18' },
    },
    {
      name: 'Azure Linux 3',
      files: { 'etc/os-release': osRelease(['NAME="Microsoft Azure Linux"', 'VERSION="3.0.20240727"', 'ID=azurelinux', 'VERSION_ID="3.0"']) },
      os: { id: 'azurelinux', versionId: '3.0', osvEcosystem: 'Azure Linux:3' },
    },
    {
      name: 'CBL-Mariner 2.0',
      files: { 'etc/os-release': osRelease(['NAME="Common Base Linux Mariner"', 'ID=mariner', 'VERSION_ID="2.0"']) },
      os: { id: 'mariner', versionId: '2.0', osvEcosystem: 'Azure Linux:2' },
    },
    {
      name: 'RHEL 9 (Red Hat product prefix)',
      files: { 'etc/os-release': osRelease(['ID="rhel"', 'VERSION_ID="9.3"']) },
      os: { id: 'rhel', versionId: '9.3', osvEcosystem: 'Red Hat:enterprise_linux:9' },
    },
    { name: 'Rocky Linux', files: { 'etc/os-release': osRelease(['ID="rocky"', 'VERSION_ID="9.2"']) }, os: { id: 'rocky', versionId: '9.2', osvEcosystem: 'Rocky Linux:9' } },
    { name: 'AlmaLinux', files: { 'etc/os-release': osRelease(['ID="almalinux"', 'VERSION_ID="8.9"']) }, os: { id: 'almalinux', versionId: '8.9', osvEcosystem: 'AlmaLinux:8' } },
    {
      name: 'usr/lib/os-release when etc/os-release is absent',
      files: { 'usr/lib/os-release': osRelease(['ID=debian', 'VERSION_ID="11"']) },
      os: { id: 'debian', versionId: '11', osvEcosystem: 'Debian:11' },
    },
    { name: 'etc/alpine-release alone', files: { 'etc/alpine-release': '3.19.1\n' }, os: { id: 'alpine', versionId: '3.19.1', osvEcosystem: 'Alpine:v3.19' } },
    { name: 'etc/debian_version fallback', files: { 'etc/debian_version': '12.4\n' }, os: { id: 'debian', versionId: '12.4', osvEcosystem: 'Debian:12' } },
    { name: 'Debian testing: codename only, no ecosystem', files: { 'etc/debian_version': 'trixie/sid\n' }, os: { id: 'debian' } },
    {
      name: 'Debian os-release without VERSION_ID takes the number from debian_version',
      files: { 'etc/os-release': osRelease(['ID=debian']), 'etc/debian_version': '13.1\n' },
      os: { id: 'debian', versionId: '13.1', osvEcosystem: 'Debian:13' },
    },
    { name: 'an OS without an OSV ecosystem', files: { 'etc/os-release': osRelease(['ID=fedora', 'VERSION_ID=39']) }, os: { id: 'fedora', versionId: '39' } },
  ] as Array<{ name: string; files: Record<string, string>; os: object }>)('$name', ({ files, os }) => {
    expect(detectOs(imageFilesFrom(files))).toEqual(os);
  });

  it('is undefined for an image without release files (scratch, distroless static)', () => {
    expect(detectOs(imageFilesFrom({}))).toBeUndefined();
  });

  it('reads quoting and escapes as os-release(5) defines them', () => {
    const kv = parseOsRelease('# comment\nNAME="A \\"quoted\\" name"\nID=\'single\'\n  BAD LINE\nEMPTY=\n');
    expect(kv.get('NAME')).toBe('A "quoted" name');
    expect(kv.get('ID')).toBe('single');
    expect(kv.get('EMPTY')).toBe('');
  });

  it('wants only the release files, small', () => {
    expect(wantsOsFile({ path: 'etc/os-release', size: 400, mode: 0o644 })).toBe(true);
    expect(wantsOsFile({ path: 'etc/os-release', size: 10 * 1024 * 1024, mode: 0o644 })).toBe(false);
    expect(wantsOsFile({ path: 'etc/issue', size: 20, mode: 0o644 })).toBe(false);
  });
});
