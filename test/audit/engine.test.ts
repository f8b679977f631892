import { describe, expect, it } from 'vitest';
import { AuditEngine } from '../../src/audit/engine.js';
import { RecentKeys } from '../../src/audit/recent-keys.js';
import { applySettings } from '../../src/audit/rules-file.js';
import { compileUserRules } from '../../src/audit/user-rule.js';
import { auditEvent, of, podCreate, runEvents } from './helpers.js';

const privileged = { containers: [{ name: 'app', image: 'contoso.azurecr.io/app:1', securityContext: { privileged: true } }] };

describe('server-side dry runs', () => {
  it('are counted and left out of the built-in detectors, whatever the request asked for', () => {
    const e = podCreate(privileged, { requestURI: '/api/v1/namespaces/shop/pods?fieldManager=kubectl&dryRun=All' });
    const r = runEvents([e, podCreate(privileged, { auditID: 'real' })]);
    expect(r.engine.stats).toMatchObject({ events: 2, dryRun: 1 });
    expect(of(r.alerts, 'audit/privileged-pod')).toHaveLength(1);
  });

  it('a parameter merely named like it is not one', () => {
    const e = podCreate(privileged, { requestURI: '/api/v1/namespaces/shop/pods?fieldManager=dryRunner' });
    expect(runEvents([e]).engine.stats).toMatchObject({ dryRun: 0 });
  });
});

describe('de-duplication', () => {
  it('drops an event whose auditID and stage were already read (both audit categories exported)', () => {
    const e = podCreate(privileged, { auditID: 'same' });
    const r = runEvents([e, e, { ...e, stage: 'RequestReceived' }]);
    expect(r.engine.stats).toMatchObject({ events: 2, duplicates: 1 });
    expect(of(r.alerts, 'audit/privileged-pod')).toHaveLength(1);
  });

  it('keeps events without an auditID', () => {
    const { auditID: _id, ...e } = auditEvent({ verb: 'get' });
    expect(runEvents([e, e]).engine.stats).toMatchObject({ events: 2, duplicates: 0 });
  });

  it('remembers a bounded number of recent events, so memory stays flat', () => {
    const events = Array.from({ length: 50 }, (_, i) => auditEvent({ auditID: `a${i}`, verb: 'get' }));
    const r = runEvents([...events, events[0] as Record<string, unknown>, events[49] as Record<string, unknown>], { settings: applySettings({ dedupeWindow: 10 }) });
    // a0 was forgotten long ago; a49 is recent.
    expect(r.engine.stats).toMatchObject({ events: 51, duplicates: 1 });
  });

  it('RecentKeys: a key is remembered for at least half the capacity and at most the capacity', () => {
    const keys = new RecentKeys(4);
    expect(keys.seen('a')).toBe(false);
    expect(keys.seen('a')).toBe(true);
    for (const k of ['b', 'c']) keys.seen(k);
    expect(keys.seen('a')).toBe(true);
    for (const k of ['d', 'e', 'f', 'g']) keys.seen(k);
    expect(keys.seen('a')).toBe(false);
    expect(keys.size).toBeLessThanOrEqual(4);
  });

  it('does not take requests that share an auditID for one: a client sets it (Audit-ID header)', () => {
    const mallory = { username: 'mallory', groups: ['system:authenticated'] };
    const exec = (command: string, time: string) =>
      auditEvent({
        auditID: 'attacker-fixed-id',
        user: mallory,
        stage: 'ResponseStarted',
        requestURI: `/api/v1/namespaces/shop/pods/web-0/exec?command=${command}&container=app`,
        objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-0' },
        responseStatus: { code: 101 },
        requestReceivedTimestamp: time,
        stageTimestamp: time,
      });
    const events = [
      auditEvent({ auditID: 'attacker-fixed-id', user: mallory, verb: 'get', requestURI: '/api/v1/namespaces/shop/pods/web-0', responseStatus: { code: 200 }, requestReceivedTimestamp: '2026-11-02T10:00:00Z' }),
      auditEvent({
        auditID: 'attacker-fixed-id',
        user: mallory,
        requestURI: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
        objectRef: { resource: 'clusterrolebindings', name: 'backdoor', apiGroup: 'rbac.authorization.k8s.io' },
        requestObject: { metadata: { name: 'backdoor' }, subjects: [{ kind: 'User', name: 'mallory' }], roleRef: { kind: 'ClusterRole', name: 'cluster-admin' } },
        responseStatus: { code: 201 },
        requestReceivedTimestamp: '2026-11-02T10:00:01Z',
      }),
      exec('id', '2026-11-02T10:00:02Z'),
      exec('id', '2026-11-02T10:00:03Z'),
    ];
    const r = runEvents(events);
    expect(r.engine.stats).toMatchObject({ events: 4, duplicates: 0 });
    expect(of(r.alerts, 'audit/cluster-admin-binding')).toMatchObject([{ severity: 'critical', message: 'ClusterRoleBinding backdoor binds ClusterRole cluster-admin to User mallory' }]);
    expect(of(r.alerts, 'audit/exec-into-pod').map((a) => a.time)).toEqual(['2026-11-02T10:00:02Z', '2026-11-02T10:00:03Z']);
  });

  it('still drops the copy of one request both audit categories export, at every stage', () => {
    const started = auditEvent({ auditID: 'x2', stage: 'ResponseStarted', requestURI: '/api/v1/namespaces/shop/pods/web/exec?command=id', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web' }, responseStatus: { code: 101 } });
    const complete = { ...started, stage: 'ResponseComplete', responseStatus: { code: 200 } };
    const r = runEvents([started, complete, started, complete]);
    expect(r.engine.stats).toMatchObject({ events: 2, duplicates: 2 });
    expect(of(r.alerts, 'audit/exec-into-pod')).toHaveLength(1);
  });

  it('raises one alert per request even when it is logged at several stages', () => {
    const started = auditEvent({ auditID: 'x1', stage: 'ResponseStarted', requestURI: '/api/v1/namespaces/shop/pods/web/exec?command=id', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web' }, responseStatus: { code: 101 } });
    const r = runEvents([started, { ...started, stage: 'ResponseComplete', responseStatus: { code: 200 } }]);
    expect(r.engine.stats.events).toBe(2);
    expect(of(r.alerts, 'audit/exec-into-pod')).toHaveLength(1);
  });
});

describe('bodies AKS did not log (skipped-too-big-size-object)', () => {
  it('are neither a hit nor safe: one info alert per event names what was not evaluated', () => {
    const big = podCreate({}, { requestObject: 'skipped-too-big-size-object', responseObject: 'skipped-too-big-size-object' });
    const r = runEvents([big]);
    expect(r.engine.stats.incomplete).toBe(1);
    expect(r.alerts).toHaveLength(1);
    const a = r.alerts[0];
    expect(a).toMatchObject({ rule: 'audit/body-not-logged', severity: 'info', undetermined: true });
    expect(a?.message).toContain('privileged containers');
    expect(a?.message).toContain('host path volumes');
    expect(r.alerts.some((x) => x.rule === 'audit/privileged-pod')).toBe(false);
  });

  it('count as incomplete but raise nothing when no detector needs the body', () => {
    const r = runEvents([auditEvent({ verb: 'get', objectRef: { resource: 'pods', namespace: 'shop', name: 'web' }, responseObject: 'skipped-too-big-size-object', responseStatus: { code: 200 } })]);
    expect(r.engine.stats.incomplete).toBe(1);
    expect(r.alerts).toEqual([]);
  });
});

describe('AKS identities', () => {
  it('the built-in detectors ignore requests by the identities AKS runs the cluster with', () => {
    const ids = [
      'aksService',
      'system:serviceaccount:kube-system:csi-azuredisk-controller-sa',
      'system:serviceaccount:gatekeeper-system:gatekeeper-admin',
      'system:serviceaccount:aks-istio-system:istiod-asm-1-23',
    ];
    // From the cluster's own addresses: a token used from outside it is reported whoever holds it.
    const r = runEvents(ids.map((username) => podCreate(privileged, { user: { username, groups: ['system:masters'] }, sourceIPs: ['10.224.0.5'] })));
    expect(r.alerts).toEqual([]);
    expect(r.engine.stats.events).toBe(4);
  });

  it('checks the local admin certificate (masterclient): people use it', () => {
    const r = runEvents([podCreate(privileged, { user: { username: 'masterclient', groups: ['system:masters', 'system:authenticated'] } })]);
    expect(of(r.alerts, 'audit/privileged-pod')).toHaveLength(1);
  });

  it('the allow list is configurable: extended, or replaced', () => {
    const e = podCreate(privileged, { user: { username: 'ci-deployer', groups: [] } });
    expect(runEvents([e], { settings: applySettings({ allowedIdentities: ['ci-*'] }) }).alerts).toEqual([]);
    const aks = podCreate(privileged, { user: { username: 'aksService', groups: [] } });
    expect(of(runEvents([aks], { settings: applySettings({ allowedIdentities: { replace: [] } }) }).alerts, 'audit/privileged-pod')).toHaveLength(1);
  });

  it('detectors can be switched off by id glob', () => {
    const r = runEvents([podCreate(privileged)], { settings: applySettings({ disable: ['audit/privileged-*'] }) });
    expect(r.alerts).toEqual([]);
    expect(r.engine.running).not.toContain('audit/privileged-pod');
  });
});

describe('alerts', () => {
  it('carry the time, user, verb, object, source IPs, rule, why, cross-references and where the event was read', () => {
    const r = runEvents([podCreate(privileged, { auditID: 'p1', sourceIPs: ['10.0.0.9'] })]);
    expect(of(r.alerts, 'audit/privileged-pod')[0]).toEqual({
      rule: 'audit/privileged-pod',
      title: 'Privileged pod created',
      severity: 'high',
      time: '2026-11-02T10:00:00.010000Z',
      user: 'system:serviceaccount:kube-system:replicaset-controller',
      groups: ['system:serviceaccounts'],
      sourceIPs: ['10.0.0.9'],
      userAgent: 'kubectl/v1.31.2',
      verb: 'create',
      objectRef: { resource: 'pods', namespace: 'shop', name: 'web' },
      requestURI: '/api/v1/namespaces/shop/pods',
      responseCode: 201,
      stage: 'ResponseComplete',
      message: 'pod shop/web created with privileged container app (images contoso.azurecr.io/app:1)',
      frameworks: [
        { framework: 'falco', id: 'Create Privileged Pod' },
        { framework: 'mitre', id: 'T1610' },
        { framework: 'mitre', id: 'T1611' },
      ],
      auditID: 'p1',
      source: { file: 'test', line: 1 },
    });
  });

  it('survive hostile field types: an event with a wrong-typed field is malformed, not trusted', () => {
    const weird = auditEvent({ user: 'root', objectRef: { resource: 7, namespace: ['x'] }, sourceIPs: 'nope', responseStatus: { code: '201' }, annotations: null });
    const r = runEvents([weird]);
    expect(r.engine.stats).toMatchObject({ events: 0, malformed: 1 });
    expect(r.engine.errors).toEqual([{ source: 'test', line: 1, message: 'user is a string, not an object' }]);
    expect(r.alerts).toEqual([]);
  });

  it('refuse, field by field, the types the audit.k8s.io/v1 Event schema does not allow, rather than read them as absent', () => {
    const exec = { stage: 'ResponseStarted', requestURI: '/api/v1/namespaces/shop/pods/web-0/exec?command=sh', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-0' }, responseStatus: { code: 101 } };
    const wrong: Array<[Record<string, unknown>, string]> = [
      [{ user: { username: 5, groups: ['system:authenticated'] } }, 'user.username is a number, not a string'],
      [{ user: { username: 'mallory', groups: 'system:masters' } }, 'user.groups is a string, not a list of strings'],
      [{ user: { username: 'mallory', groups: ['system:masters', 1] } }, 'user.groups holds a number, not only strings'],
      [{ user: null }, 'user is null, not an object'],
      [{ objectRef: null }, 'objectRef is null, not an object'],
      [{ objectRef: { ...exec.objectRef, resource: ['pods'] } }, 'objectRef.resource is an array, not a string'],
      [{ objectRef: { ...exec.objectRef, subresource: true } }, 'objectRef.subresource is a boolean, not a string'],
      [{ impersonatedUser: 'bob' }, 'impersonatedUser is a string, not an object'],
      [{ sourceIPs: '1.2.3.4' }, 'sourceIPs is a string, not a list of strings'],
      [{ stage: null }, 'stage is null, not a string'],
      [{ auditID: 5 }, 'auditID is a number, not a string'],
      [{ responseStatus: null }, 'responseStatus is null, not an object'],
      [{ responseStatus: { code: 'ok' } }, 'responseStatus.code is a string, not a number'],
      [{ annotations: [1] }, 'annotations is an array, not an object'],
      [{ stageTimestamp: { a: 1 } }, 'stageTimestamp is an object, not a string'],
    ];
    const r = runEvents(wrong.map(([over], i) => auditEvent({ ...exec, auditID: `w${i}`, ...over })));
    expect(r.engine.stats).toMatchObject({ events: 0, malformed: wrong.length });
    expect(r.engine.errors.map((e) => e.message)).toEqual(wrong.map(([, m]) => m));
    expect(r.engine.errors.map((e) => e.line)).toEqual(wrong.map((_, i) => i + 1));
    expect(r.alerts).toEqual([]);
  });

  it('read absent fields as empty, and a response code written as digits as the code', () => {
    const { user: _u, objectRef: _o, sourceIPs: _s, annotations: _a, ...bare } = auditEvent({ verb: 'get' });
    const exec = auditEvent({ stage: 'ResponseStarted', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web-0' }, responseStatus: { code: '101' } });
    const r = runEvents([bare, exec]);
    expect(r.engine.stats).toMatchObject({ events: 2, malformed: 0 });
    expect(of(r.alerts, 'audit/exec-into-pod')).toMatchObject([{ responseCode: 101 }]);
  });
});

describe('user rules (CEL)', () => {
  it('match on the event and build their message', () => {
    const rules = compileUserRules(
      [{ id: 'shop/exec-in-prod', severity: 'high', condition: 'event.verb == "create" && event.objectRef.?subresource.orValue("") == "exec" && event.objectRef.namespace == "shop"', messageExpression: '"exec by " + event.user.username' }],
      'rules.yaml',
    );
    const exec = auditEvent({ stage: 'ResponseStarted', objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'web' }, responseStatus: { code: 101 } });
    const r = runEvents([exec, auditEvent({ verb: 'get' })], { userRules: rules });
    expect(of(r.alerts, 'shop/exec-in-prod')).toMatchObject([{ severity: 'high', message: 'exec by alice@contoso.com' }]);
  });

  it('run on events of AKS identities too, and a failing condition is warned about once', () => {
    const rules = compileUserRules([{ id: 'aks/anything', severity: 'low', condition: 'event.objectRef.subresource == "exec"', message: 'exec' }], 'rules.yaml');
    const r = runEvents([auditEvent({ user: { username: 'aksService', groups: [] } }), auditEvent(), auditEvent()], { userRules: rules });
    expect(r.alerts).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('rule aks/anything: condition failed on an event (No such key: subresource)');
  });
});

describe('credentials in request URIs', () => {
  const exec = (query: string) =>
    auditEvent({ stage: 'ResponseStarted', requestURI: `/api/v1/namespaces/shop/pods/db-0/exec?${query}`, objectRef: { resource: 'pods', subresource: 'exec', namespace: 'shop', name: 'db-0' }, responseStatus: { code: 101 } });

  it('are masked in the alert\'s requestURI as in its message', () => {
    const r = runEvents([exec('command=mysql&command=-uroot&command=-pS3cretPw%20--password%3DHunter2&command=--token&command=abc123&container=db&stdin=true')]);
    const a = of(r.alerts, 'audit/exec-into-pod')[0];
    expect(a?.message).toBe('exec into pod shop/db-0 (container db): mysql -uroot -p*** --password=*** --token ***');
    expect(a?.requestURI).toBe('/api/v1/namespaces/shop/pods/db-0/exec?command=mysql&command=-uroot&command=-p***%20--password%3D***&command=--token&command=***&container=db&stdin=true');
    expect(JSON.stringify(a)).not.toMatch(/S3cretPw|Hunter2|abc123/);
  });

  it('bearer tokens and Authorization headers, in a pods/exec command and a kubelet run', () => {
    const token = 'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJl';
    const viaKubelet = auditEvent({
      requestURI: `/api/v1/nodes/aks-nodepool1-0/proxy/run/shop/web-0/app?cmd=${encodeURIComponent(`curl -H "Authorization: Bearer ${token}" https://10.0.0.1`)}`,
      objectRef: { resource: 'nodes', name: 'aks-nodepool1-0', subresource: 'proxy' },
      responseStatus: { code: 200 },
    });
    const r = runEvents([exec(`command=sh&command=-c&command=${encodeURIComponent(`curl -H 'Authorization: Bearer ${token}' https://kubernetes.default`)}`), viaKubelet]);
    const alerts = of(r.alerts, 'audit/exec-into-pod');
    expect(alerts).toHaveLength(2);
    expect(alerts[0]?.message).toContain("curl -H 'Authorization: Bearer ***' https://kubernetes.default");
    expect(alerts[1]?.message).toContain('curl -H "Authorization: Bearer ***" https://10.0.0.1');
    for (const a of alerts) expect(JSON.stringify(a)).not.toContain(token.slice(0, 20));
  });

  it('passwords in URLs and user:password pairs, redis-cli -a, vault login, credential-named headers and known token prefixes', () => {
    const cases: Array<[string[], string, RegExp]> = [
      [['psql', 'postgresql://app:Pg5ecretPass@db.internal:5432/app'], 'psql postgresql://app:***@db.internal:5432/app', /Pg5ecretPass/],
      [['mongosh', 'mongodb://root:MongoPass9@mongo:27017'], 'mongosh mongodb://root:***@mongo:27017', /MongoPass9/],
      [['redis-cli', '-a', 'R3disPass', 'ping'], 'redis-cli -a *** ping', /R3disPass/],
      [['curl', '-u', 'admin:CurlPass1', 'https://x'], 'curl -u admin:*** https://x', /CurlPass1/],
      [['vault', 'login', 'hvs.CAESIJabcdefghijklmnop'], 'vault login ***', /CAESIJ/],
      [['vault', 'login', 's.legacyToken123'], 'vault login ***', /legacyToken123/],
      [['sh', '-c', "curl -H 'X-Api-Key: sk_live_51Habc' -u admin:Pw9 https://api && redis-cli -h r -a R3dis ping"], "sh -c curl -H 'X-Api-Key: ***' -u admin:*** https://api && redis-cli -h r -a *** ping", /sk_live|Pw9|R3dis/],
      [['sh', '-c', 'git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123@github.com/x/y'], 'sh -c git clone https://***@github.com/x/y', /ghp_/],
    ];
    for (const [args, shown, secret] of cases) {
      const a = of(runEvents([exec(`${args.map((x) => `command=${encodeURIComponent(x)}`).join('&')}&container=db`)]).alerts, 'audit/exec-into-pod')[0];
      expect(a?.message).toBe(`exec into pod shop/db-0 (container db): ${shown}`);
      expect(decodeURIComponent(a?.requestURI ?? '')).not.toMatch(secret);
      expect(JSON.stringify(a)).not.toMatch(secret);
    }
  });

  it('commands without credentials are left alone', () => {
    const a = of(runEvents([exec('command=ls&command=-a&command=%2Ftmp&command=-u&command=id&container=db')]).alerts, 'audit/exec-into-pod')[0];
    expect(a?.message).toBe('exec into pod shop/db-0 (container db): ls -a /tmp -u id');
    expect(a?.requestURI).toBe('/api/v1/namespaces/shop/pods/db-0/exec?command=ls&command=-a&command=%2Ftmp&command=-u&command=id&container=db');
  });

  it('a URI without a command is left as logged', () => {
    const r = runEvents([auditEvent({ verb: 'list', user: { username: 'system:anonymous', groups: [] }, requestURI: '/api/v1/secrets?limit=500&labelSelector=a%3Db', objectRef: { resource: 'secrets' }, responseStatus: { code: 200 } })]);
    expect(r.alerts[0]?.requestURI).toBe('/api/v1/secrets?limit=500&labelSelector=a%3Db');
  });
});

describe('verdicts held until a later event decides them', () => {
  const saFrom = (ip: string, line: string) =>
    auditEvent({ auditID: line, verb: 'list', requestURI: '/api/v1/namespaces/shop/secrets', user: { username: 'system:serviceaccount:shop:web', groups: [] }, objectRef: { resource: 'secrets', namespace: 'shop' }, responseStatus: { code: 200 }, sourceIPs: [ip], stageTimestamp: '2026-11-02T10:00:00Z' });
  const kubelet = (ip: string) => auditEvent({ verb: 'update', user: { username: 'system:node:n0', groups: ['system:nodes'] }, objectRef: { resource: 'leases', namespace: 'kube-node-lease', name: 'n0' }, responseStatus: { code: 200 }, sourceIPs: [ip], stageTimestamp: '2026-11-02T10:00:09Z' });

  it('keep the time and the source line of the event they are about', () => {
    const r = runEvents([saFrom('203.0.113.7', 'a'), kubelet('20.50.1.2')]);
    expect(of(r.alerts, 'audit/service-account-token-outside-cluster')).toMatchObject([{ time: '2026-11-02T10:00:00Z', source: { file: 'test', line: 1 }, auditID: 'a', severity: 'medium' }]);
  });

  it('are settled at the end of the stream, and only there, when no event decides them', () => {
    const alerts: string[] = [];
    const engine = new AuditEngine({ onAlert: (a) => alerts.push(a.rule) });
    engine.event(saFrom('203.0.113.7', 'a'), { file: 'f', line: 1 });
    expect(alerts).toEqual([]);
    engine.end();
    expect(alerts).toEqual(['audit/service-account-token-outside-cluster']);
  });
});

it('de-duplication: requests with long URIs are told apart and their copies dropped alike', () => {
  const long = (selector: string) => auditEvent({ auditID: 'same', verb: 'list', requestURI: `/api/v1/namespaces/shop/pods?labelSelector=${selector}${'x'.repeat(400)}`, responseStatus: { code: 200 } });
  const r = runEvents([long('a'), long('b'), long('a')]);
  expect(r.engine.stats).toMatchObject({ events: 2, duplicates: 1 });
});
