/**
 * Printable statistics: CSV (for spreadsheets and archives) and a self-contained HTML table (the
 * paper's "print"), both from a StatsReport. Energies in kWh with three decimals, hours with two.
 */
import type { StatsReport, StatsRow } from './statistics';
import { MODES } from './types';

const COLUMNS: Array<[string, (r: StatsRow) => string]> = [
  ['period', (r) => r.period],
  ['hours', (r) => r.hours.toFixed(2)],
  ['actualKWh', (r) => r.actualKWh.toFixed(3)],
  ['optimalKWh', (r) => r.optimalKWh.toFixed(3)],
  ['savingKWh', (r) => r.savingKWh.toFixed(3)],
  ['savingPct', (r) => r.savingPct.toFixed(2)],
  ...MODES.map((m) => [`hours${m === 'split' ? 'Split' : m === 'parallel' ? 'Parallel' : m}`, (r: StatsRow) => r.modeHours[m].toFixed(2)] as [string, (r: StatsRow) => string]),
  ...MODES.map((m) => [`optimalHours${m === 'split' ? 'Split' : m === 'parallel' ? 'Parallel' : m}`, (r: StatsRow) => r.optimalModeHours[m].toFixed(2)] as [string, (r: StatsRow) => string]),
  ['infeasibleHours', (r) => r.infeasibleHours.toFixed(2)],
  ['gapHours', (r) => r.gapHours.toFixed(2)],
  ['samples', (r) => String(r.samples)],
];

export const REPORT_CSV_HEADER = COLUMNS.map(([h]) => h).join(',');

/** One line per row plus a final `total` line. */
export function reportCsv(report: StatsReport): string {
  const rows = report.granularity === 'total' ? [report.total] : [...report.rows, report.total];
  return [REPORT_CSV_HEADER, ...rows.map((r) => COLUMNS.map(([, f]) => f(r)).join(','))].join('\n') + '\n';
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A complete HTML document with the report table, ready to print. */
export function reportHtml(report: StatsReport, title = 'Substation transformer losses'): string {
  const head = ['Period', 'Hours', 'Actual mode loss (kWh)', 'Optimal mode loss (kWh)', 'Saving (kWh)', 'Saving (%)', 'Hours T1 / T2 / split / parallel (actual)', 'Hours T1 / T2 / split / parallel (optimal)'];
  const hrs = (r: Record<string, number>): string => MODES.map((m) => r[m].toFixed(1)).join(' / ');
  const line = (r: StatsRow, total = false): string => {
    const cells = [r.period, r.hours.toFixed(2), r.actualKWh.toFixed(3), r.optimalKWh.toFixed(3), r.savingKWh.toFixed(3), r.savingPct.toFixed(2), hrs(r.modeHours), hrs(r.optimalModeHours)];
    return `<tr${total ? ' class="total"' : ''}>${cells.map((c, i) => (i === 0 ? `<th scope="row">${esc(c)}</th>` : `<td>${esc(c)}</td>`)).join('')}</tr>`;
  };
  const body = report.granularity === 'total' ? [line(report.total, true)] : [...report.rows.map((r) => line(r)), line(report.total, true)];
  const range = `${report.from ?? 'first day'} to ${report.to ?? 'last day'}`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}th,td{border:1px solid #999;padding:.25em .6em;text-align:right}
thead th{background:#eee;text-align:center}tbody th{text-align:left}tr.total{font-weight:bold;background:#f6f6f6}caption{text-align:left;margin-bottom:.5em}
</style></head><body>
<h1>${esc(title)}</h1>
<table>
<caption>${esc(`Losses per ${report.granularity}, ${range} (days in ${report.timeZone}; ${report.method} integration over telemetry timestamps)`)}</caption>
<thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>
<tbody>
${body.join('\n')}
</tbody></table>
</body></html>
`;
}
