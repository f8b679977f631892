import { defineDetector, falco, mitre } from '../detector.js';
import { isCreate } from '../event.js';
import { describeRule, isRoleWrite, kindOf, roleRulesOf } from './lib/rbac.js';
import { refName, writeResult } from './lib/request.js';

const WRITES = new Set(['create', 'update', 'patch']);
const AGGREGATOR = 'system:serviceaccount:kube-system:clusterrole-aggregation-controller';
const EXEC_RESOURCES = ['pods/exec', 'pods/attach', 'pods/*'];

export default defineDetector({
  meta: {
    id: 'audit/exec-role',
    title: 'Role or ClusterRole written with pod exec or attach',
    severity: 'medium',
    frameworks: [...falco('ClusterRole With Pod Exec Created'), ...mitre('T1098')],
    description: "pods/exec and pods/attach let the subject run commands in any pod the role covers, with that pod's service account and secrets.",
    remediation: 'Grant exec and attach only to break-glass roles, in the namespaces that need them.',
  },
  create() {
    return (ev, ctx) => {
      if (!isRoleWrite(ev, WRITES) || ev.user.username === AGGREGATOR) return;
      const rules = roleRulesOf(ev);
      if (rules === 'omitted') return ctx.undetermined('role rules (pods/exec)');
      if (rules === 'absent') return;
      const hits = rules.filter((r) => r.resources.some((x) => EXEC_RESOURCES.includes(x)));
      if (hits.length === 0) return;
      const result = writeResult(ev, isCreate(ev) ? 'created' : 'modified');
      ctx.report({ message: `${kindOf(ev)} ${refName(ev)} ${result.text} with pod exec: ${hits.map(describeRule).join('; ')}`, severity: result.severity });
    };
  },
});
