import type { LabelScore } from '@earshot/classifier';
import { labelColor } from './colors.js';
import { h } from './dom.js';
import { percent } from './format.js';

/**
 * Top-k as a list of bars: each row names the label and its probability in text (what assistive
 * technology reads); the bar itself, of width p, is decoration.
 */
export function renderBars(top: readonly LabelScore[], labels: readonly string[]): HTMLOListElement {
  return h(
    'ol',
    { class: 'bars' },
    ...top.map(({ label, p }, i) =>
      h(
        'li',
        { class: 'bar-row', attrs: { 'data-rank': i + 1, 'data-label': label, 'data-p': p.toFixed(6) } },
        h('span', { class: 'bar-label', text: label }),
        h('span', { class: 'bar-value', text: percent(p) }),
        h(
          'span',
          { class: 'bar-track', attrs: { 'aria-hidden': 'true' } },
          h('span', { class: 'bar-fill', style: { width: `${Math.max(0, Math.min(1, p)) * 100}%`, '--label-color': labelColor(labels, label) } }),
        ),
      ),
    ),
  );
}
