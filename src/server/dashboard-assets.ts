import { DETAIL_TOGGLE_SCRIPT } from '../report/html-assets.js';

/**
 * The dashboard's inline style (added to the HTML report's) and script. The script calls the JSON API
 * and builds the page with createElement and textContent only: finding text is never parsed as markup.
 */

export const DASHBOARD_STYLE = `
.pick{display:inline-flex;flex-direction:column;font-size:12px;color:#57606a;margin:4px 0}
.pick select{font:inherit;padding:3px 4px;min-width:240px}
#status{color:#cf222e;margin:0}
section{margin-top:8px}
.cols{display:grid;grid-template-columns:1fr 1fr;gap:24px}
.cols ul{margin:0;padding-left:18px}
#trend svg{max-width:100%;height:auto;border:1px solid #d0d7de;background:#fff}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
tr.current{background:#ddf4ff}
#paths li{margin-bottom:8px}
.steps{margin:2px 0 0;padding-left:18px;color:#57606a}
.fixed{color:#1a7f37;font-weight:600}
.failing{color:#cf222e}
`;

export const DASHBOARD_SCRIPT = `
(function () {
  'use strict';
  var PAGE = 100;
  var REFRESH_MS = 60000;
  var D = JSON.parse(document.getElementById('dashboard-data').textContent);
  var COLORS = { all: '#1b1f24', images: '#8250df', access: '#cf222e', network: '#0969da', configuration: '#9a6700', monitoring: '#1a7f37', addons: '#bf3989' };
  var SVGNS = 'http://www.w3.org/2000/svg';
  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function svg(tag, attrs, text) {
    var e = document.createElementNS(SVGNS, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) e.textContent = String(text);
    return e;
  }
  function api(path) {
    return fetch(path, { headers: { accept: 'application/json' } }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) throw new Error((body && body.error) || ('HTTP ' + r.status));
        return body;
      });
    });
  }
  function q(params) {
    var u = new URLSearchParams();
    Object.keys(params).forEach(function (k) { if (params[k] !== undefined && params[k] !== null) u.set(k, params[k]); });
    var s = u.toString();
    return s ? '?' + s : '';
  }
  function fail(e) { $('status').textContent = 'Error: ' + (e && e.message ? e.message : String(e)); }
  function resLabel(r) { return r.kind + ' ' + (r.namespace ? r.namespace + '/' : '') + r.name; }
  function sevSpan(s) { return el('span', s, 'sev sev-' + s); }

  D.severities.forEach(function (s) { var o = el('option', s); o.value = s; $('f-severity').appendChild(o); });
  D.pillars.forEach(function (p) { var o = el('option', p); o.value = p; $('f-pillar').appendChild(o); });
  $('meta').textContent = 'palisade ' + D.version;

  var targets = [], current = null, scan = null, shown = 0, total = 0, seq = 0;

  // On refresh the page stays as it is unless the shown target has a newer scan.
  function loadTargets(refresh) {
    return api('/api/targets').then(function (body) {
      targets = body.targets;
      var failing = $('failing');
      failing.replaceChildren();
      (body.failing || []).forEach(function (f) { failing.appendChild(el('li', f.target + ': the last scan failed (' + f.error + '); the scan shown is the last one stored')); });
      failing.hidden = !(body.failing || []).length;
      var sel = $('target');
      sel.replaceChildren();
      var tbody = document.querySelector('#targets tbody');
      tbody.replaceChildren();
      targets.forEach(function (t) {
        var o = el('option', t.target); o.value = t.target; sel.appendChild(o);
        var tr = el('tr');
        [t.target, t.scans, t.latest.scannedAt, t.latest.score, t.latest.findings, t.latest.bySeverity.critical, t.latest.bySeverity.high].forEach(function (v) { tr.appendChild(el('td', v)); });
        tr.setAttribute('data-target', t.target);
        if (t.target === current) tr.className = 'current';
        tr.addEventListener('click', function () { sel.value = t.target; pick(t.target); });
        tbody.appendChild(tr);
      });
      if (!targets.length) { $('status').textContent = (body.failing || []).length ? 'No scan stored yet: the scans so far failed (see above).' : 'No scans yet: the first scan of each target is under way.'; return; }
      var kept = targets.filter(function (t) { return t.target === current; })[0];
      var keep = kept ? current : targets[0].target;
      sel.value = keep;
      if (refresh && kept && scan && scan.scan.id === kept.latest.id) return;
      return pick(keep);
    });
  }

  function pick(name) {
    current = name;
    $('status').textContent = '';
    document.querySelectorAll('#targets tbody tr').forEach(function (tr) { tr.classList.toggle('current', tr.getAttribute('data-target') === name); });
    var t = targets.filter(function (x) { return x.target === name; })[0];
    if (!t) return Promise.resolve();
    return api('/api/scans/' + t.latest.id).then(function (body) {
      scan = body;
      showScan();
      return Promise.all([loadTrend(name), loadDiff(), loadFindings(true)]);
    }).catch(fail);
  }

  function showScan() {
    var s = scan.summary, rec = scan.scan;
    $('score').textContent = 'Score ' + s.score + '/100';
    $('meta').textContent = 'palisade ' + D.version + ' \\u00b7 ' + current + ' \\u00b7 scan ' + rec.id + ' at ' + rec.scannedAt + ' \\u00b7 ' + s.resources + ' resources, ' + s.findings + ' findings';
    var counts = $('counts');
    counts.replaceChildren();
    var chips = el('div', null, 'chips');
    D.severities.forEach(function (v) { var c = el('span', null, 'chip'); c.appendChild(sevSpan(v)); c.appendChild(document.createTextNode(' ' + s.bySeverity[v])); chips.appendChild(c); });
    counts.appendChild(chips);
    var rule = $('f-rule'), ns = $('f-namespace');
    while (rule.options.length > 1) rule.remove(1);
    while (ns.options.length > 1) ns.remove(1);
    scan.facets.rules.forEach(function (r) { var o = el('option', r); o.value = r; rule.appendChild(o); });
    if (scan.facets.clusterScoped) { var o = el('option', '(cluster-scoped)'); o.value = ''; ns.appendChild(o); }
    scan.facets.namespaces.forEach(function (n) { var o2 = el('option', n); o2.value = n; ns.appendChild(o2); });
    var errs = $('errors');
    errs.replaceChildren();
    $('errors-section').hidden = !scan.errors.length;
    scan.errors.forEach(function (e) { errs.appendChild(el('li', e.source + ': ' + e.message)); });
    showPaths(scan.paths);
  }

  function showPaths(paths) {
    var ol = $('paths');
    ol.replaceChildren();
    $('paths-section').hidden = !(paths && paths.length);
    if (!paths) return;
    paths.slice(0, 20).forEach(function (p) {
      var li = el('li');
      li.appendChild(sevSpan(p.severity));
      li.appendChild(document.createTextNode(' ' + p.entry.label + ' \\u2192 ' + p.target.label + ' (score ' + p.score.toFixed(2) + ')'));
      var steps = el('ol', null, 'steps');
      p.steps.forEach(function (st) { steps.appendChild(el('li', st.text + (st.rule ? ' [' + st.rule + ']' : ''))); });
      li.appendChild(steps);
      if (p.fix) li.appendChild(el('div', 'Fix: ' + p.fix.text + ' (closes ' + p.fix.closes + ')'));
      ol.appendChild(li);
    });
  }

  function loadTrend(name) {
    var series = ['all'].concat(D.pillars);
    return Promise.all(series.map(function (p) { return api('/api/trend' + q({ target: name, pillar: p === 'all' ? undefined : p })); })).then(function (answers) {
      drawTrend(series, answers.map(function (a) { return a.points; }));
    });
  }

  function drawTrend(series, points) {
    var W = 720, H = 220, L = 36, R = 12, T = 12, B = 28;
    var box = $('trend');
    box.replaceChildren();
    var n = points[0].length;
    var root = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', 'aria-label': 'score per pillar over the scans' });
    [0, 25, 50, 75, 100].forEach(function (v) {
      var y = T + (H - T - B) * (1 - v / 100);
      root.appendChild(svg('line', { x1: L, x2: W - R, y1: y, y2: y, stroke: '#d0d7de' }));
      root.appendChild(svg('text', { x: 4, y: y + 4, 'font-size': 10, fill: '#57606a' }, v));
    });
    function x(i) { return n <= 1 ? (L + W - R) / 2 : L + (W - L - R) * i / (n - 1); }
    function y(v) { return T + (H - T - B) * (1 - v / 100); }
    var legend = $('legend');
    legend.replaceChildren();
    series.forEach(function (name, k) {
      var pts = points[k];
      var color = COLORS[name] || '#57606a';
      var g = svg('g', { 'data-series': name });
      if (pts.length > 1) g.appendChild(svg('polyline', { fill: 'none', stroke: color, 'stroke-width': name === 'all' ? 3 : 1.5, points: pts.map(function (p, i) { return x(i) + ',' + y(p.score); }).join(' ') }));
      pts.forEach(function (p, i) {
        var c = svg('circle', { cx: x(i), cy: y(p.score), r: name === 'all' ? 4 : 3, fill: color });
        c.appendChild(svg('title', {}, name + ': ' + p.score + ' at ' + p.scannedAt));
        g.appendChild(c);
      });
      root.appendChild(g);
      var chip = el('span', null, 'chip');
      var sw = el('span', null, 'swatch'); sw.style.background = color;
      chip.appendChild(sw);
      chip.appendChild(document.createTextNode(name + (pts.length ? ' ' + pts[pts.length - 1].score : '')));
      legend.appendChild(chip);
    });
    if (n) {
      root.appendChild(svg('text', { x: L, y: H - 8, 'font-size': 10, fill: '#57606a' }, points[0][0].scannedAt));
      root.appendChild(svg('text', { x: W - R, y: H - 8, 'font-size': 10, fill: '#57606a', 'text-anchor': 'end' }, points[0][n - 1].scannedAt));
    }
    box.appendChild(root);
  }

  function loadDiff() {
    return api('/api/scans/' + scan.scan.id + '/diff').then(function (d) {
      $('diff-summary').textContent = d.previousScanId === null
        ? 'First scan of this target: every finding is new (' + d.new.length + ').'
        : d.new.length + ' new and ' + d.fixed.length + ' fixed' + (d.suppressed.length ? ' (' + d.suppressed.length + ' more suppressed, not fixed)' : '') + ' since scan ' + d.previousScanId + '.';
      [['new', d.newFindings, d.new.length], ['fixed', d.fixedFindings, d.fixed.length], ['suppressed', d.suppressedFindings, d.suppressed.length]].forEach(function (x) {
        var ul = $(x[0]);
        ul.replaceChildren();
        x[1].forEach(function (f) {
          var li = el('li');
          li.appendChild(sevSpan(f.severity));
          li.appendChild(document.createTextNode(' ' + f.rule + ' \\u00b7 ' + resLabel(f.resource) + ': ' + f.message));
          ul.appendChild(li);
        });
        if (x[2] > x[1].length) ul.appendChild(el('li', '\\u2026 and ' + (x[2] - x[1].length) + ' more'));
        if (!x[2]) ul.appendChild(el('li', 'none'));
      });
    });
  }

  function filterQuery(offset) {
    var ns = $('f-namespace').value;
    return q({
      severity: $('f-severity').value || undefined,
      pillar: $('f-pillar').value || undefined,
      rule: $('f-rule').value || undefined,
      namespace: ns === '*' ? undefined : ns,
      q: $('f-text').value.trim() || undefined,
      limit: PAGE,
      offset: offset
    });
  }

  function loadFindings(reset) {
    if (!scan) return Promise.resolve();
    var mine = ++seq;
    var offset = reset ? 0 : shown;
    return api('/api/scans/' + scan.scan.id + '/findings' + filterQuery(offset)).then(function (page) {
      if (mine !== seq) return;
      var tbody = document.querySelector('#findings tbody');
      if (reset) { tbody.replaceChildren(); shown = 0; }
      page.findings.forEach(function (f) { tbody.appendChild(row(f)); });
      shown += page.findings.length;
      total = page.total;
      $('shown').textContent = 'Showing ' + shown + ' of ' + total + ' matching finding' + (total === 1 ? '' : 's') + '.';
      $('more').hidden = shown >= total;
    }).catch(fail);
  }

  function detail(f) {
    var dl = el('dl');
    function add(term, value, pre) {
      if (value === '' || value === undefined || value === null) return;
      dl.appendChild(el('dt', term));
      var dd = el('dd');
      if (pre) dd.appendChild(el('pre', value)); else dd.textContent = value;
      dl.appendChild(dd);
    }
    add('Rule', f.rule + ': ' + f.title);
    add('Message', f.message);
    add('Resource', resLabel(f.resource));
    add('Container', f.container);
    add('Field', f.field);
    add('Location', f.location ? f.location.file + (f.location.line > 0 ? ':' + f.location.line : '') : '');
    add('Evidence', f.evidence && Object.keys(f.evidence).length ? JSON.stringify(f.evidence, null, 2) : '', true);
    add('Remediation', f.remediation);
    add('Verify', f.verify, true);
    add('Frameworks', (f.frameworks || []).map(function (r) { return r.framework + ':' + r.id; }).join(', '));
    return dl;
  }

${DETAIL_TOGGLE_SCRIPT}
  function row(f) {
    var tr = el('tr', null, 'row');
    var sev = el('td'); sev.appendChild(sevSpan(f.severity)); tr.appendChild(sev);
    tr.appendChild(el('td', f.rule));
    tr.appendChild(el('td', f.resource.namespace || ''));
    tr.appendChild(el('td', f.resource.kind + ' ' + f.resource.name));
    // Carried over from an earlier scan because this read could not read what it rests on: say so on the row.
    var waiting = f.evidence && f.evidence.notRechecked;
    tr.appendChild(el('td', (waiting ? '[not re-checked since scan ' + waiting.lastCheckedScan + '] ' : '') + f.message, 'msg'));
    tr.addEventListener('click', function () { toggleDetail(tr, function () { return detail(f); }); });
    return tr;
  }

  ['f-severity', 'f-pillar', 'f-rule', 'f-namespace'].forEach(function (id) { $(id).addEventListener('change', function () { loadFindings(true); }); });
  var timer = 0;
  $('f-text').addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(function () { loadFindings(true); }, 200); });
  $('more').addEventListener('click', function () { loadFindings(false); });
  $('target').addEventListener('change', function () { pick($('target').value); });
  loadTargets(false).catch(fail);
  setInterval(function () { loadTargets(true).catch(fail); }, REFRESH_MS);
})();
`;
