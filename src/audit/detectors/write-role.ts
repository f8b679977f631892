import { defineDetector, falco, mitre } from '../detector.js';
import { isCreate } from '../event.js';
import { describeRule, isRoleWrite, kindOf, roleRulesOf } from './lib/rbac.js';
import { refName, writeResult } from './lib/request.js';

/** A create, or a server-side apply that may have created the role (a patch answered 201). */
const CREATE = new Set(['create', 'patch']);
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];

export default defineDetector({
  meta: {
    id: 'audit/write-role',
    title: 'Role or ClusterRole created with write permissions',
    severity: 'low',
    frameworks: [...falco('ClusterRole With Write Privileges Created'), ...mitre('T1098')],
    description: 'A new role (created, or server-side applied and answered 201) that may create, change or delete objects; worth a look when it was not created by the usual deployment pipeline.',
    remediation: 'Confirm the role is expected and grants only the writes its subjects need.',
  },
  create() {
    return (ev, ctx) => {
      if (!isRoleWrite(ev, CREATE) || !isCreate(ev)) return;
      const rules = roleRulesOf(ev);
      if (rules === 'omitted') return ctx.undetermined('role rules (write verbs)');
      if (rules === 'absent') return;
      const hits = rules.filter((r) => r.verbs.some((v) => WRITE_VERBS.includes(v)));
      if (hits.length === 0) return;
      const result = writeResult(ev, 'created');
      ctx.report({ message: `${kindOf(ev)} ${refName(ev)} ${result.text} with write permissions: ${hits.map(describeRule).join('; ')}`, severity: result.severity });
    };
  },
});
