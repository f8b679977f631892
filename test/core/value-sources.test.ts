import { describe, expect, it } from 'vitest';
import { valueSourceOf } from '../../src/core/resource.js';

describe('valueSourceOf', () => {
  const sources = {
    local_account_disabled: 'var.lad, the default in variables.tf:1',
    'api_server_access_profile.authorized_ip_ranges': 'var.ranges, set in prod.tfvars:2',
    'azure_active_directory_role_based_access_control[0].admin_group_object_ids[1]': 'var.admins, the default in variables.tf:9',
    'tags.env': 'var.env, the default in variables.tf:4',
  };

  it.each([
    ['the field itself', 'local_account_disabled', 'var.lad, the default in variables.tf:1'],
    ['a block written as one object and found as a list of one', 'api_server_access_profile[0].authorized_ip_ranges', 'var.ranges, set in prod.tfvars:2'],
    ['an item of a value from a variable', 'api_server_access_profile[0].authorized_ip_ranges[3]', 'var.ranges, set in prod.tfvars:2'],
    ['a list holding an item from a variable', 'azure_active_directory_role_based_access_control[0].admin_group_object_ids', 'var.admins, the default in variables.tf:9'],
    ['a map holding a value from a variable', 'tags', 'var.env, the default in variables.tf:4'],
  ])('finds the source of %s', (_, field, from) => {
    expect(valueSourceOf(sources, field)).toBe(from);
  });

  it.each([
    ['another field', 'sku_tier'],
    ['a field whose name only begins like one with a source', 'local_account_disabled_extra'],
    ['another item of a list than the one from a variable', 'azure_active_directory_role_based_access_control[0].admin_group_object_ids[0]'],
  ])('finds none for %s', (_, field) => {
    expect(valueSourceOf(sources, field)).toBeUndefined();
  });

  it('joins the sources of the values a field holds', () => {
    expect(valueSourceOf({ 'a[0]': 'var.x, set in t.tfvars:1', 'a[1]': 'var.y, set in t.tfvars:2' }, 'a')).toBe('var.x, set in t.tfvars:1; var.y, set in t.tfvars:2');
  });
});
