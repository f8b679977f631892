import rule from '../../../src/rules/pss/host-ports.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, ephemeral, POD, pod } from './manifests.js';

const ports = (...p: Array<Record<string, unknown>>) => ({ ports: p });

export default ruleCases(rule, {
  valid: [
    { name: 'containerPort only', input: pod({ containers: [container('app', undefined, ports({ name: 'http', containerPort: 8080 }))] }) },
    {
      name: 'hostPort: 0 means none',
      input: deployment({ containers: [container('app', undefined, ports({ containerPort: 8080, hostPort: 0, protocol: 'TCP' }))] }),
    },
    { name: 'no ports at all', input: cronJob({ containers: [container('report')] }) },
    { name: 'hostNetwork is another check', input: pod({ hostNetwork: true, containers: [container('app', undefined, ports({ containerPort: 53, protocol: 'UDP' }))] }) },
  ],
  invalid: [
    {
      name: 'the second port of a Pod container',
      input: pod({ containers: [container('app', undefined, ports({ containerPort: 8080 }, { name: 'metrics', containerPort: 9090, hostPort: 9090 }))] }),
      findings: [{ field: `${POD}.containers[0].ports[1].hostPort`, container: 'app', message: 'container app binds host port 9090', severity: 'medium' }],
    },
    {
      name: 'every container kind of a Deployment',
      input: deployment({
        initContainers: [container('warmup', undefined, ports({ containerPort: 80, hostPort: 80 }))],
        containers: [container('app', undefined, ports({ containerPort: 443, hostPort: 443 }, { containerPort: 8443, hostPort: 8443 }))],
        ephemeralContainers: [{ ...ephemeral('debug'), ...ports({ containerPort: 2345, hostPort: 2345 }) }],
      }),
      findings: [
        { field: `${DEPLOY}.initContainers[0].ports[0].hostPort`, container: 'warmup' },
        { field: `${DEPLOY}.containers[0].ports[0].hostPort`, container: 'app' },
        { field: `${DEPLOY}.containers[0].ports[1].hostPort`, container: 'app' },
        { field: `${DEPLOY}.ephemeralContainers[0].ports[0].hostPort`, container: 'debug' },
      ],
    },
    {
      name: 'CronJob job template',
      input: cronJob({ containers: [container('report', undefined, ports({ containerPort: 5000, hostPort: 31000 }))] }),
      findings: [{ field: `${CRON}.containers[0].ports[0].hostPort`, message: 'container report binds host port 31000' }],
    },
  ],
});
