import { describe, expect, it } from 'vitest';
import { renderConnlist, type ConnlistFormat } from '../../../src/analyses/network/connlist.js';
import { deployment, modelOf, netpol } from './fixtures.js';

const m = modelOf(
  deployment('ns1', 'a', { app: 'a' }),
  deployment('ns2', 'b', { app: 'b' }),
  netpol('ns1', 'p', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], egress: [{ to: [{ namespaceSelector: {} }], ports: [{ port: 80 }, { port: 80, protocol: 'UDP' }] }] }),
  netpol('ns2', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
);
const render = (format: ConnlistFormat) => [...renderConnlist(format, m.connections(), m.workloads)].join('');

describe('connection list formats', () => {
  it('txt: SRC => DST : CONNS, one line per pair', () => {
    expect(render('txt')).toBe('ns1/a[Deployment] => ns2/b[Deployment] : TCP 80,UDP 80\nns2/b[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections\n');
  });

  it('json: an array of {src, dst, conn}', () => {
    expect(JSON.parse(render('json'))).toEqual([
      { src: 'ns1/a[Deployment]', dst: 'ns2/b[Deployment]', conn: 'TCP 80,UDP 80' },
      { src: 'ns2/b[Deployment]', dst: '0.0.0.0-255.255.255.255[External]', conn: 'All Connections' },
    ]);
    expect([...renderConnlist('json', [])].join('')).toBe('[]\n');
  });

  it('csv: a src,dst,conn header and RFC 4180 quoting of connections with commas', () => {
    expect(render('csv')).toBe('src,dst,conn\nns1/a[Deployment],ns2/b[Deployment],"TCP 80,UDP 80"\nns2/b[Deployment],0.0.0.0-255.255.255.255[External],All Connections\n');
  });

  it('md: a table with a src, dst, conn header', () => {
    expect(render('md').split('\n').slice(0, 3)).toEqual(['| src | dst | conn |', '|-----|-----|------|', '| ns1/a[Deployment] | ns2/b[Deployment] | TCP 80,UDP 80 |']);
  });

  it('dot: a digraph with a cluster per namespace, external peers outside, edges labelled', () => {
    const dot = render('dot');
    expect(dot.startsWith('digraph {\n\tnewrank=true\n')).toBe(true);
    expect(dot).toContain('\tsubgraph "cluster_ns1" {');
    expect(dot).toContain('\t\t"ns1/a[Deployment]" [label="a[Deployment]" color="blue" fontcolor="blue"]');
    expect(dot).toContain('\t"0.0.0.0-255.255.255.255[External]" [label="0.0.0.0-255.255.255.255[External]" color="red2" fontcolor="red2"]');
    expect(dot).toContain('\t"ns1/a[Deployment]" -> "ns2/b[Deployment]" [label="TCP 80,UDP 80" color="gold2" fontcolor="darkgreen"]');
    expect(dot.endsWith('}\n')).toBe(true);
  });
});
