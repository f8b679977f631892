import { asArray, asObj } from '../../core/resource.js';
import type { PodView } from '../../core/workload.js';
import capabilitiesBaseline from './capabilities-baseline.js';
import { celUnless } from '../../core/cel.js';
import { allContainers, CEL_SC, CEL_WINDOWS_POD, celEveryContainer, containerNames, display, isWindowsPod, joinQuote, outcome, pluralize, pssRule, securityContext, unique, type PssItem } from './check.js';

function capabilitiesRestricted(pod: PodView) {
  const items: PssItem[] = [];
  const missingDrop: string[] = [];
  const badAdds: string[] = [];
  for (const c of allContainers(pod)) {
    const caps = asObj(securityContext(c)?.capabilities);
    if (!asArray(caps?.drop).includes('ALL')) {
      missingDrop.push(c.name);
      items.push({
        field: c.path('securityContext.capabilities.drop'),
        container: c.name,
        message: `container ${c.name} does not drop ALL capabilities`,
        observed: caps?.drop ?? null,
        expected: ['ALL'],
      });
    }
    asArray(caps?.add).forEach((cap, i) => {
      if (cap === 'NET_BIND_SERVICE') return;
      badAdds.push(display(cap));
      items.push({
        field: c.path(`securityContext.capabilities.add[${i}]`),
        container: c.name,
        message: `container ${c.name} adds capability ${display(cap)}; only NET_BIND_SERVICE may be added`,
        observed: cap,
        expected: ['NET_BIND_SERVICE'],
      });
    });
  }
  const parts: string[] = [];
  const dropNames = unique(missingDrop);
  if (dropNames.length)
    parts.push(`${pluralize('container', 'containers', dropNames.length)} ${joinQuote(dropNames)} must set securityContext.capabilities.drop=["ALL"]`);
  const addNames = containerNames(items.filter((i) => i.field.includes('.add[')));
  if (addNames.length)
    parts.push(`${pluralize('container', 'containers', addNames.length)} ${joinQuote(addNames)} must not include ${joinQuote(unique(badAdds))} in securityContext.capabilities.add`);
  return outcome('unrestricted capabilities', parts.join('; '), items);
}

const CEL = celEveryContainer(
  `'ALL' in ${CEL_SC}.?capabilities.?drop.orValue([]) && ${CEL_SC}.?capabilities.?add.orValue([]).all(a, a == 'NET_BIND_SERVICE')`,
);

export default pssRule({
  meta: {
    id: 'workload/capabilities-not-dropped',
    title: 'Container does not drop all capabilities',
    severity: 'low',
    frameworks: [
      { framework: 'kubescape', id: 'C-0211' },
      { framework: 'trivy', id: 'KSV003' },
    ],
    description:
      'The restricted profile requires every container to drop ALL capabilities and add back at most NET_BIND_SERVICE, so a compromised process keeps no kernel privileges (NET_RAW spoofing, for one, is in the default set).',
    remediation: 'Set securityContext.capabilities.drop: ["ALL"] and add back only NET_BIND_SERVICE if the process binds a port below 1024.',
    references: ['https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted'],
  },
  check: {
    id: 'capabilities_restricted',
    level: 'restricted',
    versions: [
      { since: [1, 22], overrides: [capabilitiesBaseline.pss], evaluate: capabilitiesRestricted, cel: CEL },
      // Windows containers have no Linux capabilities.
      {
        since: [1, 25],
        overrides: [capabilitiesBaseline.pss],
        evaluate: (pod) => (isWindowsPod(pod) ? undefined : capabilitiesRestricted(pod)),
        cel: celUnless(CEL_WINDOWS_POD, CEL),
      },
    ],
  },
});
