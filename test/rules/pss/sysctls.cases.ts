import rule from '../../../src/rules/pss/sysctls.js';
import { ruleCases } from '../../helpers/rule-tester.js';
import { container, CRON, cronJob, DEPLOY, deployment, POD, pod } from './manifests.js';

const sysctls = (...names: string[]) => ({ securityContext: { sysctls: names.map((name) => ({ name, value: '1' })) }, containers: [container('app')] });

export default ruleCases(rule, {
  valid: [
    { name: 'none', input: pod({ containers: [container('app')] }) },
    {
      name: 'the original safe set at v1.0',
      input: pod(sysctls('kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start')),
      settings: { pssVersion: 'v1.0' },
    },
    { name: 'ip_local_reserved_ports from v1.27', input: deployment(sysctls('net.ipv4.ip_local_reserved_ports')), settings: { pssVersion: 'v1.27' } },
    {
      name: 'the keepalive and fin_timeout sysctls from v1.29',
      input: pod(sysctls('net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes')),
      settings: { pssVersion: 'v1.29' },
    },
    { name: 'tcp_rmem and tcp_wmem from v1.32', input: cronJob(sysctls('net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem')), settings: { pssVersion: 'v1.32' } },
    { name: 'tcp_slow_start_after_idle and tcp_notsent_lowat from v1.37', input: pod(sysctls('net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat')), settings: { pssVersion: 'v1.37' } },
    { name: 'the newest list at latest', input: pod(sysctls('net.ipv4.tcp_notsent_lowat', 'net.ipv4.ip_local_reserved_ports')) },
  ],
  invalid: [
    {
      name: 'a node-wide sysctl among safe ones',
      input: pod(sysctls('net.ipv4.tcp_syncookies', 'kernel.msgmax')),
      findings: [{ field: `${POD}.securityContext.sysctls[1].name`, message: 'pod sets unsafe sysctl kernel.msgmax', severity: 'high' }],
    },
    {
      name: 'ip_local_reserved_ports at v1.26',
      input: deployment(sysctls('net.ipv4.ip_local_reserved_ports')),
      settings: { pssVersion: 'v1.26' },
      findings: [{ field: `${DEPLOY}.securityContext.sysctls[0].name` }],
    },
    {
      name: 'tcp_fin_timeout at v1.28',
      input: pod(sysctls('net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_fin_timeout')),
      settings: { pssVersion: 'v1.28' },
      findings: [{ field: `${POD}.securityContext.sysctls[1].name`, message: 'pod sets unsafe sysctl net.ipv4.tcp_fin_timeout' }],
    },
    {
      name: 'tcp_wmem at v1.31',
      input: cronJob(sysctls('net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_wmem')),
      settings: { pssVersion: 'v1.31' },
      findings: [{ field: `${CRON}.securityContext.sysctls[1].name` }],
    },
    {
      name: 'tcp_notsent_lowat at v1.36',
      input: pod(sysctls('net.ipv4.tcp_rmem', 'net.ipv4.tcp_notsent_lowat', 'net.ipv4.tcp_slow_start_after_idle')),
      settings: { pssVersion: 'v1.36' },
      findings: [{ field: `${POD}.securityContext.sysctls[1].name` }, { field: `${POD}.securityContext.sysctls[2].name` }],
    },
    {
      name: 'names are matched exactly',
      input: pod(sysctls('net/ipv4/tcp_syncookies', 'net.ipv4.conf.all.forwarding', 'vm.max_map_count')),
      findings: [{ field: `${POD}.securityContext.sysctls[0].name` }, { field: `${POD}.securityContext.sysctls[1].name` }, { field: `${POD}.securityContext.sysctls[2].name` }],
    },
  ],
});
