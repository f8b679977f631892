/**
 * The "Attack paths" view of the HTML report: style and script, added to the page only when the
 * report carries paths. Like the findings view, every value comes from the page's JSON data and is
 * put on the page with textContent only. A finding named by a step links to its row in the findings
 * table: the link narrows the filters to the finding's rule and namespace, then opens its row.
 */

export const PATHS_STYLE = `
#paths-section ol.paths{padding-left:0;list-style:none}
.path{border:1px solid #d0d7de;border-radius:6px;margin:8px 0;padding:8px 12px}
.path h3{font-size:15px;margin:0 0 6px}
.path ol{margin:4px 0 4px 20px;padding:0}
.path .rule{color:#57606a;font-family:ui-monospace,monospace;font-size:12px}
.path .fix{color:#1a7f37;margin:4px 0 0}
.path .also{color:#57606a;margin:4px 0 0}
.path a.finding{font-family:ui-monospace,monospace;font-size:12px;margin-left:4px}
.on-paths{margin-left:6px;font-size:12px;font-weight:600;color:#8250df;white-space:nowrap}
tr.flash td{background:#fff8c5}
`;

export const PATHS_SCRIPT = `
(function () {
  var D = JSON.parse(document.getElementById('report-data').textContent);
  var P = D.paths;
  if (!P) return;
  function $(id) { return document.getElementById(id); }
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  $('paths-section').hidden = false;
  $('paths-summary').textContent = D.pathsLine;

  /** Shows the finding's row: filters narrowed to its rule and namespace, pages loaded until it appears. */
  function show(i) {
    var f = D.findings[i];
    ['f-severity', 'f-pillar', 'f-baseline'].forEach(function (id) { $(id).value = ''; });
    $('f-text').value = '';
    $('f-rule').value = String(f[0]);
    var ns = D.resources[f[3]][1];
    $('f-namespace').value = ns === '' ? '\\u0000' : ns;
    $('f-rule').dispatchEvent(new Event('change'));
    var row = document.querySelector('tr.row[data-index="' + i + '"]');
    while (!row && !$('more').hidden) { $('more').click(); row = document.querySelector('tr.row[data-index="' + i + '"]'); }
    if (!row) return;
    if (row.getAttribute('aria-expanded') !== 'true') row.click();
    row.classList.add('flash');
    row.scrollIntoView({ block: 'center' });
  }

  var list = $('paths');
  P.forEach(function (p) {
    var li = el('li', null, 'path');
    li.id = 'path-' + p[0];
    var h = el('h3');
    h.appendChild(el('span', D.severities[p[1]], 'sev sev-' + D.severities[p[1]]));
    h.appendChild(document.createTextNode(' ' + p[0] + ' score ' + p[2] + ': ' + p[3]));
    li.appendChild(h);
    var steps = el('ol');
    p[4].forEach(function (s) {
      var step = el('li', s[0] + ' \\u2192 ' + s[1]);
      if (s[2]) step.appendChild(el('span', ' (' + s[2] + ')', 'rule'));
      s[3].forEach(function (i) {
        var a = el('a', D.rules[D.findings[i][0]][0] + ' ' + D.resources[D.findings[i][3]][2], 'finding');
        a.href = '#findings-section';
        a.addEventListener('click', function (e) { e.preventDefault(); show(i); });
        step.appendChild(a);
      });
      steps.appendChild(step);
    });
    li.appendChild(steps);
    if (p[5]) li.appendChild(el('p', p[5], 'fix'));
    if (p[6].length) li.appendChild(el('p', 'The same way from: ' + p[6].join(', '), 'also'));
    list.appendChild(li);
  });

  // Findings on a path rise in priority: their rows say how many paths they open.
  var on = D.onPaths;
  function mark(tr) {
    var n = on[tr.getAttribute('data-index')];
    var msg = tr.querySelector('td.msg');
    if (n && msg && !msg.querySelector('.on-paths')) msg.appendChild(el('span', 'on ' + n + ' attack path' + (n === 1 ? '' : 's'), 'on-paths'));
  }
  var tbody = document.querySelector('#findings tbody');
  tbody.querySelectorAll('tr.row').forEach(mark);
  new MutationObserver(function (changes) {
    changes.forEach(function (c) { c.addedNodes.forEach(function (n) { if (n.nodeType === 1 && n.classList.contains('row')) mark(n); }); });
  }).observe(tbody, { childList: true });
})();
`;
