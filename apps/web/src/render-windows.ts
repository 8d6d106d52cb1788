import type { WindowScores } from '@earshot/classifier';
import { labelColor } from './colors.js';
import { h } from './dom.js';
import { percent, span } from './format.js';

/** A window's most probable label (ties: label order). */
export function windowTop(w: WindowScores, labels: readonly string[]): { label: string; p: number } {
  let best = { label: labels[0] ?? '', p: -Infinity };
  for (const label of labels) {
    const p = w.scores[label] ?? 0;
    if (p > best.p) best = { label, p };
  }
  return best;
}

/**
 * "Windows over time" for a clip longer than the model's window: a strip coloured by each window's
 * top label (decoration) and a table of start–end, top label and p (the accessible account).
 */
export function renderWindows(windows: readonly WindowScores[], labels: readonly string[]): HTMLElement {
  const tops = windows.map((w) => windowTop(w, labels));
  const total = Math.max(...windows.map((w) => w.end), 1e-9);
  // Windows half-overlap: each cell runs from its window's start to the next one's.
  const cellEnd = (i: number): number => (i + 1 < windows.length ? windows[i + 1]!.start : windows[i]!.end);
  const strip = h(
    'div',
    { class: 'window-strip', attrs: { 'aria-hidden': 'true' } },
    ...windows.map((w, i) =>
      h('span', {
        class: 'window-cell',
        attrs: { title: `${span(w.start, w.end)}: ${tops[i]!.label} ${percent(tops[i]!.p)}` },
        style: { '--label-color': labelColor(labels, tops[i]!.label), '--alpha': String(0.35 + 0.65 * tops[i]!.p), left: `${(w.start / total) * 100}%`, width: `${((cellEnd(i) - w.start) / total) * 100}%` },
      }),
    ),
  );
  const table = h(
    'table',
    { class: 'window-table' },
    h('thead', {}, h('tr', {}, h('th', { text: 'Window', attrs: { scope: 'col' } }), h('th', { text: 'Top label', attrs: { scope: 'col' } }), h('th', { class: 'num', text: 'p', attrs: { scope: 'col' } }))),
    h(
      'tbody',
      {},
      ...windows.map((w, i) =>
        h(
          'tr',
          { attrs: { 'data-start': w.start, 'data-end': w.end, 'data-label': tops[i]!.label } },
          h('td', { text: span(w.start, w.end) }),
          h('td', {}, h('span', { class: 'swatch', style: { '--label-color': labelColor(labels, tops[i]!.label) }, attrs: { 'aria-hidden': 'true' } }), tops[i]!.label),
          h('td', { class: 'num', text: percent(tops[i]!.p) }),
        ),
      ),
    ),
  );
  const details = h('details', { class: 'window-details' }, h('summary', { text: `${windows.length} windows over time` }), h('div', { class: 'table-scroll' }, table));
  if (windows.length <= 6) details.open = true;
  return h('div', { class: 'windows' }, strip, details);
}
