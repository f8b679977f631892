import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../src/core/errors.js';
import { entraDisplayName, entraNamesOf, readEntraNames } from '../../src/ingest/entra-names.js';
import { tempTree } from '../helpers/cli.js';

const GROUP = '6f1c2a3b-0000-4000-8000-00000000a001';
const USER = '6f1c2a3b-0000-4000-8000-00000000b001';
const SP = '6f1c2a3b-0000-4000-8000-00000000c001';
const MI = '6f1c2a3b-0000-4000-8000-00000000c002';

// Trimmed from what `az ad group list`, `az ad user list` and `az ad sp list -o json` print.
const AZ_GROUPS = [
  { classification: null, createdDateTime: '2026-03-01T09:00:00Z', description: 'AKS cluster admins', displayName: 'aks-admins', groupTypes: [], id: GROUP, mail: null, mailEnabled: false, securityEnabled: true },
];
const AZ_USERS = [
  { businessPhones: [], displayName: 'Alice Martin', givenName: 'Alice', id: USER, mail: 'alice@contoso.com', surname: 'Martin', userPrincipalName: 'alice@contoso.com' },
];
const AZ_SPS = [
  { accountEnabled: true, appId: '11111111-0000-4000-8000-000000000001', displayName: 'github-deployer', id: SP, servicePrincipalType: 'Application' },
  { accountEnabled: true, appId: '11111111-0000-4000-8000-000000000002', displayName: 'id-shop-reports', id: MI, servicePrincipalType: 'ManagedIdentity' },
];

describe('entra names', () => {
  it('reads an object of object id → name', () => {
    expect(entraNamesOf({ [GROUP]: 'aks-admins', [USER]: 'Alice' }, 'f')).toEqual(new Map([[GROUP, 'aks-admins'], [USER, 'Alice']]));
  });

  it('reads the az ad list shapes: users as displayName <upn>, managed identities as such', () => {
    const names = entraNamesOf([...AZ_GROUPS, ...AZ_USERS, ...AZ_SPS], 'f');
    expect(Object.fromEntries(names)).toEqual({
      [GROUP]: 'aks-admins',
      [USER]: 'Alice Martin <alice@contoso.com>',
      [SP]: 'github-deployer',
      [MI]: 'managed identity id-shop-reports',
    });
  });

  it('reads a Graph answer (value list) too', () => {
    expect(entraNamesOf({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#groups', value: AZ_GROUPS }, 'f')).toEqual(new Map([[GROUP, 'aks-admins']]));
  });

  it('a user without a display name is named by its sign-in name; an object without any name is skipped', () => {
    expect(entraDisplayName({ id: USER, displayName: null, userPrincipalName: 'bob@contoso.com' })).toBe('bob@contoso.com');
    expect(entraDisplayName({ id: USER, displayName: 'bob@contoso.com', userPrincipalName: 'bob@contoso.com' })).toBe('bob@contoso.com');
    expect(entraNamesOf([{ id: SP, displayName: null }], 'f').size).toBe(0);
  });

  it('refuses other shapes with a usage error that names the source', () => {
    const message = 'names.json: entry 0 is not a directory object with an "id" and a "displayName" (as az ad user|group|sp list -o json prints them)';
    expect(() => entraNamesOf([{ displayName: 'no id' }], 'names.json')).toThrow(new UsageError(message));
    expect(() => entraNamesOf([{ id: GROUP, principalId: USER, roleDefinitionName: 'Reader' }], 'names.json')).toThrow(new UsageError(message));
    expect(() => entraNamesOf({ [GROUP]: { displayName: 'x' } }, 'names.json')).toThrow(`names.json: the name of "${GROUP}" is not a string`);
    expect(() => entraNamesOf('aks-admins', 'names.json')).toThrow(/^names\.json: expected an object of object id → name/);
  });

  it('reads a file, UTF-8 or UTF-16 with a byte order mark as PowerShell writes it', () => {
    const text = JSON.stringify(AZ_USERS, null, 2);
    const dir = tempTree({ 'users.json': `\uFEFF${text}` });
    const utf16 = join(dir, 'users16.json');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect(readEntraNames(join(dir, 'users.json')).get(USER)).toBe('Alice Martin <alice@contoso.com>');
    expect(readEntraNames(utf16).get(USER)).toBe('Alice Martin <alice@contoso.com>');
  });

  it('a malformed, missing or oversized file is a usage error naming it, without quoting it', () => {
    const dir = tempTree({ 'broken.json': '[\n  {"id": "s3cr3t",\n  "displayName": }\n]', 'big.json': JSON.stringify({ [GROUP]: 'x'.repeat(100) }) });
    expect(() => readEntraNames(join(dir, 'broken.json'))).toThrow(new UsageError(`--entra-names ${join(dir, 'broken.json')}: not JSON (line 3: expected a value)`));
    expect(() => readEntraNames(join(dir, 'missing.json'))).toThrow(new UsageError(`--entra-names ${join(dir, 'missing.json')}: cannot read: no such file or directory`));
    expect(() => readEntraNames(join(dir, 'big.json'), 64)).toThrow(/big\.json: \d+ bytes is more than the 64 allowed/);
  });
});
