import { describe, expect, it } from 'vitest';
import { readFailure } from '../../src/audit/fs-error.js';

const fsError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('read failures', () => {
  it('are worded as the rest of the CLI words them, not as Node does', () => {
    expect(readFailure(fsError('ENOENT', "ENOENT: no such file or directory, open '/nope'"))).toBe('cannot read: no such file or directory');
    expect(readFailure(fsError('EACCES', "EACCES: permission denied, open '/root/audit.log'"))).toBe('cannot read: permission denied');
    expect(readFailure(fsError('EISDIR', 'EISDIR: illegal operation on a directory, read'))).toBe('cannot read: is a directory');
  });

  it('leave errors that are not the file system\'s as they are', () => {
    expect(readFailure(fsError('ContainerNotFound', 'The specified container does not exist.'))).toBe('The specified container does not exist.');
    expect(readFailure(new Error('stream ended'))).toBe('stream ended');
  });
});
