import { PILLARS, SEVERITIES } from '../core/severity.js';
import { HTML_STYLE } from '../report/html-assets.js';
import { scriptJson } from '../report/html.js';
import { DASHBOARD_SCRIPT, DASHBOARD_STYLE } from './dashboard-assets.js';

/**
 * What the dashboard's page may do: run its own inline script and style, and call this server's API.
 * Nothing else is fetched, framed or submitted, so a finding's text that slipped past the escaping
 * still could not load or send anything.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; connect-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The dashboard: a fixed skeleton whose script reads the JSON API and puts every value on the page
 * with textContent (as the HTML report does), so no finding text is ever parsed as markup.
 */
export function dashboardHtml(version: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>Palisade</title>',
    `<style>${HTML_STYLE}${DASHBOARD_STYLE}</style>`,
    '</head>',
    '<body>',
    '<header><h1>Palisade</h1><p id="meta"></p><p id="status" role="status"></p>',
    '<label class="pick">Target <select id="target"></select></label>',
    '<div id="score"></div><div id="counts"></div></header>',
    '<main>',
    '<section id="targets-section"><h2>Targets</h2><ul id="failing" class="failing" hidden></ul><table id="targets"><thead><tr><th>Target</th><th>Scans</th><th>Last scan</th><th>Score</th><th>Findings</th><th>Critical</th><th>High</th></tr></thead><tbody></tbody></table></section>',
    '<section id="trend-section"><h2>Score trend</h2><div id="trend"></div><div id="legend" class="chips"></div></section>',
    '<section id="diff-section"><h2>Since the previous scan</h2><p id="diff-summary"></p>',
    '<div class="cols"><div><h3>New</h3><ul id="new"></ul></div><div><h3>Fixed</h3><ul id="fixed"></ul></div><div><h3>Newly suppressed</h3><ul id="suppressed"></ul></div></div></section>',
    '<section id="paths-section" hidden><h2>Attack paths</h2><ol id="paths"></ol></section>',
    '<section id="findings-section"><h2>Findings</h2>',
    '<form id="filters" onsubmit="return false">',
    '<label>Severity (at least) <select id="f-severity"><option value="">all</option></select></label>',
    '<label>Pillar <select id="f-pillar"><option value="">all</option></select></label>',
    '<label>Rule <select id="f-rule"><option value="">all</option></select></label>',
    '<label>Namespace <select id="f-namespace"><option value="*">all</option></select></label>',
    '<label>Search <input id="f-text" type="search" placeholder="name, message, rule…"></label>',
    '</form>',
    '<p id="shown"></p>',
    '<table id="findings"><thead><tr><th>Severity</th><th>Rule</th><th>Namespace</th><th>Resource</th><th>Message</th></tr></thead><tbody></tbody></table>',
    '<button id="more" type="button" hidden>Show more</button>',
    '</section>',
    '<section id="errors-section" hidden><h2>Input errors of the scan</h2><ul id="errors"></ul></section>',
    '</main>',
    `<script type="application/json" id="dashboard-data">${scriptJson({ version, severities: SEVERITIES, pillars: PILLARS })}</script>`,
    `<script>${DASHBOARD_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
