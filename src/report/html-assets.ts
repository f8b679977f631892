/**
 * The HTML report's inline style and script. The script reads the JSON data block and builds the page
 * with createElement and textContent only: report text is never parsed as markup. Rows are rendered
 * a page at a time ("Show more"), so a report of hundreds of thousands of findings opens at once.
 */

export const HTML_STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#fff}
header{padding:16px 24px;border-bottom:1px solid #d0d7de;background:#f6f8fa}
h1{margin:0 0 4px;font-size:22px}h2{font-size:18px;margin:16px 0 8px}
main{padding:0 24px 24px}
#score{font-size:28px;font-weight:600;margin:8px 0}
.chips{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0}
.chip{border:1px solid #d0d7de;border-radius:12px;padding:1px 10px;background:#fff}
.sev{font-weight:600;text-transform:uppercase;font-size:12px}
.sev-critical{color:#fff;background:#82071e;border-radius:4px;padding:0 4px}
.sev-high{color:#cf222e}.sev-medium{color:#9a6700}.sev-low{color:#0969da}.sev-info{color:#57606a}
#filters{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
#filters label{display:flex;flex-direction:column;font-size:12px;color:#57606a}
#filters select,#filters input{font:inherit;padding:3px 4px;max-width:280px}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}
th{cursor:pointer;user-select:none;background:#f6f8fa;position:sticky;top:0}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
tr.row{cursor:pointer}tr.row:hover{background:#f6f8fa}
tr.detail td{background:#fbfcfd}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 12px;margin:4px 0}
dt{font-weight:600;color:#57606a}dd{margin:0;white-space:pre-wrap;word-break:break-word}
pre,code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}pre{margin:0;white-space:pre-wrap;word-break:break-word}
.new{font-weight:600;color:#cf222e}
td.msg{word-break:break-word}
#more{margin:12px 0;padding:6px 16px;font:inherit}
`;

/**
 * A finding row opens and closes the row of its details below it, in the report and on the dashboard
 * alike; each page passes what the details are. Plain ES5, like the scripts it goes into.
 */
export const DETAIL_TOGGLE_SCRIPT = `  function toggleDetail(tr, details) {
    var next = tr.nextSibling;
    if (next && next.classList && next.classList.contains('detail')) { next.remove(); tr.setAttribute('aria-expanded', 'false'); return; }
    var d = el('tr', null, 'detail');
    var td = el('td');
    td.colSpan = tr.children.length;
    td.appendChild(details());
    d.appendChild(td);
    tr.after(d);
    tr.setAttribute('aria-expanded', 'true');
  }
`;

export const HTML_SCRIPT = `
(function () {
  'use strict';
  var PAGE = 500;
  var D = JSON.parse(document.getElementById('report-data').textContent);
  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function resLabel(r) { return r[0] + ' ' + (r[1] ? r[1] + '/' : '') + r[2]; }
  function field(f) { return f[11] < 0 ? '' : D.fields[f[11]]; }
  function loc(f) { return f[4] < 0 ? '' : D.files[f[4]] + (f[5] > 0 ? ':' + f[5] : ''); }
  var BASE = ['', 'new', 'existing'];

  var s = D.summary;
  $('meta').textContent = 'palisade ' + D.version + ' \\u00b7 generated ' + D.generatedAt + ' \\u00b7 ' +
    s.resources + ' resource' + (s.resources === 1 ? '' : 's') + ', ' + s.findings + ' finding' + (s.findings === 1 ? '' : 's') +
    (D.errors.length ? ', ' + D.errors.length + ' input error' + (D.errors.length === 1 ? '' : 's') : '');
  $('score').textContent = s.score !== null ? 'Score ' + s.score + '/100'
    : D.errors.length && s.resources ? 'Scan incomplete: what could not be read was not checked, so there is no score'
    : 'Nothing was checked: no score';
  var counts = $('counts');
  var sevChips = el('div', null, 'chips');
  D.severities.forEach(function (v) {
    var c = el('span', null, 'chip');
    c.appendChild(el('span', v, 'sev sev-' + v));
    c.appendChild(document.createTextNode(' ' + s.bySeverity[v]));
    sevChips.appendChild(c);
  });
  counts.appendChild(sevChips);
  var pilChips = el('div', null, 'chips');
  D.pillars.forEach(function (p) { if (s.byPillar[p]) pilChips.appendChild(el('span', p + ' ' + s.byPillar[p], 'chip')); });
  counts.appendChild(pilChips);
  if (D.baseline) {
    $('baseline').hidden = false;
    $('baseline').textContent = 'Compared with baseline ' + D.baseline.file + ': ' + D.baseline.new + ' new, ' + D.baseline.existing + ' existing, ' + D.baseline.fixed + ' fixed.';
    $('f-baseline-label').hidden = false;
  } else {
    document.querySelectorAll('.baseline-col').forEach(function (c) { c.remove(); });
  }
  if (D.suppressed) { $('suppressed').hidden = false; $('suppressed').textContent = D.suppressed + '.'; }
  [['errors', D.errors], ['notes', D.notes]].forEach(function (pair) {
    if (!pair[1].length) return;
    $(pair[0] + '-section').hidden = false;
    var ul = $(pair[0]);
    pair[1].forEach(function (e) { var li = el('li'); li.appendChild(el('code', e[0])); li.appendChild(document.createTextNode(': ' + e[1])); ul.appendChild(li); });
  });

  function fillSelect(id, values) {
    var sel = $(id);
    values.forEach(function (v) { var o = el('option', v[1]); o.value = v[0]; sel.appendChild(o); });
  }
  var F = D.findings;
  var present = function (pick, n) { var seen = new Array(n).fill(false); F.forEach(function (f) { seen[pick(f)] = true; }); return seen; };
  var sevSeen = present(function (f) { return f[1]; }, D.severities.length);
  var pilSeen = present(function (f) { return f[2]; }, D.pillars.length);
  fillSelect('f-severity', D.severities.map(function (v, i) { return [String(i), v]; }).filter(function (v, i) { return sevSeen[i]; }));
  fillSelect('f-pillar', D.pillars.map(function (v, i) { return [String(i), v]; }).filter(function (v, i) { return pilSeen[i]; }));
  fillSelect('f-rule', D.rules.map(function (r, i) { return [String(i), r[0]]; }).sort(function (a, b) { return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0; }));
  var nsSet = {};
  D.resources.forEach(function (r) { nsSet[r[1]] = true; });
  fillSelect('f-namespace', Object.keys(nsSet).sort().map(function (n) { return [n === '' ? '\\u0000' : n, n === '' ? '(cluster-scoped)' : n]; }));

  var haystack = new Array(F.length);
  function hay(i) {
    var h = haystack[i];
    if (h === undefined) {
      var f = F[i], r = D.resources[f[3]], rule = D.rules[f[0]];
      h = haystack[i] = (rule[0] + '\\n' + rule[1] + '\\n' + resLabel(r) + '\\n' + loc(f) + '\\n' + f[6] + '\\n' + f[8] + '\\n' + f[10] + '\\n' + field(f)).toLowerCase();
    }
    return h;
  }
  var KEYS = {
    severity: function (f) { return f[1]; },
    rule: function (f) { return D.rules[f[0]][0]; },
    namespace: function (f) { return D.resources[f[3]][1]; },
    resource: function (f) { return resLabel(D.resources[f[3]]); },
    location: function (f) { return f[4] < 0 ? '' : D.files[f[4]]; },
    message: function (f) { return f[6]; },
    baseline: function (f) { return f[9]; }
  };
  var sortKey = 'severity', sortDir = 1, view = [], shown = 0;
  function cmp(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function apply() {
    var sev = $('f-severity').value, pil = $('f-pillar').value, rule = $('f-rule').value, ns = $('f-namespace').value;
    var base = $('f-baseline').value, text = $('f-text').value.trim().toLowerCase();
    var nsv = ns === '\\u0000' ? '' : ns;
    view = [];
    for (var i = 0; i < F.length; i++) {
      var f = F[i];
      if (sev !== '' && f[1] !== +sev) continue;
      if (pil !== '' && f[2] !== +pil) continue;
      if (rule !== '' && f[0] !== +rule) continue;
      if (ns !== '' && D.resources[f[3]][1] !== nsv) continue;
      if (base !== '' && f[9] !== +base) continue;
      if (text !== '' && hay(i).indexOf(text) < 0) continue;
      view.push(i);
    }
    var key = KEYS[sortKey];
    view.sort(function (a, b) {
      var fa = F[a], fb = F[b];
      var c = cmp(key(fa), key(fb));
      if (c === 0 && sortKey === 'location') c = fa[5] - fb[5];
      return sortDir * c || a - b;
    });
    document.querySelectorAll('th[data-sort]').forEach(function (th) {
      if (th.getAttribute('data-sort') === sortKey) th.setAttribute('aria-sort', sortDir > 0 ? 'ascending' : 'descending');
      else th.removeAttribute('aria-sort');
    });
    var tbody = document.querySelector('#findings tbody');
    tbody.replaceChildren();
    shown = 0;
    more();
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
    var rule = D.rules[f[0]];
    add('Rule', rule[0] + ': ' + rule[1]);
    add('Message', f[6]);
    add('Resource', resLabel(D.resources[f[3]]));
    add('Container', f[10]);
    add('Field', field(f));
    add('Location', loc(f));
    var ev = D.evidence[f[7]];
    add('Evidence', ev && Object.keys(ev).length ? JSON.stringify(ev, null, 2) : '', true);
    add('Remediation', rule[2]);
    add('Verify', f[8], true);
    add('Frameworks', D.frameworks[f[12]]);
    if (f[9]) add('Baseline', BASE[f[9]]);
    return dl;
  }

${DETAIL_TOGGLE_SCRIPT}
  function row(i) {
    var f = F[i], r = D.resources[f[3]];
    var tr = el('tr', null, 'row');
    tr.setAttribute('data-index', String(i));
    var sevCell = el('td');
    sevCell.appendChild(el('span', D.severities[f[1]], 'sev sev-' + D.severities[f[1]]));
    tr.appendChild(sevCell);
    tr.appendChild(el('td', D.rules[f[0]][0]));
    tr.appendChild(el('td', r[1]));
    tr.appendChild(el('td', r[0] + ' ' + r[2]));
    tr.appendChild(el('td', loc(f)));
    tr.appendChild(el('td', f[6], 'msg'));
    if (D.baseline) tr.appendChild(el('td', BASE[f[9]], f[9] === 1 ? 'new' : ''));
    tr.addEventListener('click', function () { toggleDetail(tr, function () { return detail(f); }); });
    return tr;
  }

  function more() {
    var tbody = document.querySelector('#findings tbody');
    var frag = document.createDocumentFragment();
    var end = Math.min(shown + PAGE, view.length);
    for (var k = shown; k < end; k++) frag.appendChild(row(view[k]));
    tbody.appendChild(frag);
    shown = end;
    $('shown').textContent = 'Showing ' + shown + ' of ' + view.length + ' matching finding' + (view.length === 1 ? '' : 's') + ' (' + F.length + ' in total).';
    $('more').hidden = shown >= view.length;
    $('more').textContent = 'Show ' + Math.min(PAGE, view.length - shown) + ' more';
  }

  $('more').addEventListener('click', more);
  ['f-severity', 'f-pillar', 'f-rule', 'f-namespace', 'f-baseline'].forEach(function (id) { $(id).addEventListener('change', apply); });
  var timer = 0;
  $('f-text').addEventListener('input', function () { clearTimeout(timer); timer = setTimeout(apply, F.length > 20000 ? 250 : 0); });
  document.querySelectorAll('th[data-sort]').forEach(function (th) {
    th.addEventListener('click', function () {
      var k = th.getAttribute('data-sort');
      if (k === sortKey) sortDir = -sortDir; else { sortKey = k; sortDir = 1; }
      apply();
    });
  });
  apply();
})();
`;
