import { defineDetector, falco, mitre } from '../detector.js';
import { isCreate } from '../event.js';
import { describeRule, isRoleWrite, kindOf, roleRulesOf } from './lib/rbac.js';
import { refName, writeResult } from './lib/request.js';

const WRITES = new Set(['create', 'update', 'patch']);
const AGGREGATOR = 'system:serviceaccount:kube-system:clusterrole-aggregation-controller';

export default defineDetector({
  meta: {
    id: 'audit/wildcard-role',
    title: 'Role or ClusterRole written with a wildcard',
    severity: 'medium',
    frameworks: [...falco('ClusterRole With Wildcard Created'), ...mitre('T1098')],
    description: "A `*` in a rule's verbs or resources grants everything, including what future API versions add: whoever is bound to it can do far more than intended.",
    remediation: 'Replace the wildcard with the verbs and resources the subject needs.',
  },
  create() {
    return (ev, ctx) => {
      if (!isRoleWrite(ev, WRITES) || ev.user.username === AGGREGATOR) return;
      const rules = roleRulesOf(ev);
      if (rules === 'omitted') return ctx.undetermined('role rules (wildcards)');
      if (rules === 'absent') return;
      const hits = rules.filter((r) => r.verbs.includes('*') || r.resources.includes('*'));
      if (hits.length === 0) return;
      const result = writeResult(ev, isCreate(ev) ? 'created' : 'modified');
      ctx.report({ message: `${kindOf(ev)} ${refName(ev)} ${result.text} with a wildcard rule: ${hits.map(describeRule).join('; ')}`, severity: result.severity });
    };
  },
});
