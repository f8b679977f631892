import { defineDetector, falco } from '../detector.js';
import { completedWithSuccess, isCreate } from '../event.js';

export default defineDetector({
  meta: {
    id: 'audit/namespace-not-allowed',
    title: 'Namespace created outside the allowed list',
    severity: 'medium',
    frameworks: falco('Create Disallowed Namespace'),
    description: 'Runs only when settings.allowedNamespaces is set: a namespace that is not on it was created, outside the estate that is governed and watched.',
    remediation: 'Find who created it and why; add it to settings.allowedNamespaces if it is expected.',
  },
  create(settings) {
    const allowed = settings.allowedNamespaces;
    if (!allowed) return undefined;
    return (ev, ctx) => {
      if (ev.objectRef.resource !== 'namespaces' || ev.objectRef.subresource !== undefined || !isCreate(ev) || !completedWithSuccess(ev)) return;
      const name = ev.objectRef.name ?? '';
      if (allowed.has(name)) return;
      ctx.report({ message: `namespace ${name || '?'} created; it is not in settings.allowedNamespaces` });
    };
  },
});
