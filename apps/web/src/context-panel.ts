import type { Classifier } from '@earshot/classifier';
import { labelColor } from './colors.js';
import { h } from './dom.js';
import { count, percent } from './format.js';
import type { RunInfo } from './run-info.js';

type Recipe = Classifier['recipe'];

/** The model beside the page: its labels, test metrics and per-class table, and its feature recipe. */
export function renderContext(container: HTMLElement, classifier: Classifier, info: RunInfo): void {
  const labels = classifier.labels;
  container.replaceChildren(
    h('h2', { text: 'Model', attrs: { id: 'context-title' } }),
    h(
      'dl',
      { class: 'facts' },
      ...fact('Run', info.run),
      ...fact('Experiment', info.name),
      ...fact('Model', `${info.model.name}, ${count(info.model.params)} parameters`),
      ...(info.created ? fact('Trained', formatDate(info.created)) : []),
    ),
    h('h3', { text: `Labels (${labels.length})` }),
    h(
      'ul',
      { class: 'labels', attrs: { id: 'labels' } },
      ...labels.map((l) => h('li', { class: 'label-chip', attrs: { 'data-label': l } }, h('span', { class: 'swatch', style: { '--label-color': labelColor(labels, l) }, attrs: { 'aria-hidden': 'true' } }), l)),
    ),
    ...testMetrics(info),
    h('h3', { text: 'Feature recipe' }),
    recipeTable(classifier.recipe, classifier.resType, info),
  );
}

function fact(term: string, value: string): HTMLElement[] {
  return [h('dt', { text: term }), h('dd', { text: value })];
}

function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

function testMetrics(info: RunInfo): HTMLElement[] {
  const test = info.test;
  if (!test) return [h('h3', { text: 'Test metrics' }), h('p', { class: 'muted', text: 'This run has no held-out test set.' })];
  const topK = Object.entries(test.top_k ?? {})
    .filter(([k]) => k !== '1')
    .sort(([a], [b]) => Number(a) - Number(b));
  const n = test.n || test.per_class.reduce((sum, c) => sum + c.support, 0);
  const tiles: [string, number][] = [
    ['Accuracy', test.accuracy],
    ['Balanced accuracy', test.balanced_accuracy],
    ['Macro F1', test.macro_f1],
    ['Weighted F1', test.weighted_f1],
    ...topK.map(([k, v]): [string, number] => [`Top-${k} accuracy`, v]),
  ];
  const num = (v: number): HTMLElement => h('td', { class: 'num', text: v.toFixed(3) });
  return [
    h('h3', { text: `Test metrics (${n} clips)` }),
    h(
      'dl',
      { class: 'metrics', attrs: { id: 'metrics' } },
      ...tiles.map(([name, v]) => h('div', { class: 'metric', attrs: { 'data-metric': name } }, h('dt', { text: name }), h('dd', { text: percent(v) }))),
    ),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'per-class', attrs: { id: 'per-class' } },
        h('caption', { text: 'Per class, on the test set' }),
        h('thead', {}, h('tr', {}, ...['Label', 'Precision', 'Recall', 'F1', 'Support'].map((t, i) => h('th', { class: i ? 'num' : undefined, text: t, attrs: { scope: 'col' } })))),
        h(
          'tbody',
          {},
          ...test.per_class.map((c) =>
            h('tr', { attrs: { 'data-label': c.label } }, h('th', { text: c.label, attrs: { scope: 'row' } }), num(c.precision), num(c.recall), num(c.f1), h('td', { class: 'num', text: String(c.support) })),
          ),
        ),
      ),
    ),
  ];
}

/** The recipe in librosa's parameter names. */
export function recipeRows(recipe: Recipe, resType: string): [string, string][] {
  const { stft, mel, db, mfcc, normalization, clip } = recipe;
  const rows: [string, string][] = [
    ['sr', `${recipe.sr} Hz`],
    ['duration', clip ? `${clip.duration} s` : 'native length'],
    ['n_fft', String(stft.nFft)],
    ['hop_length', String(stft.hopLength)],
    ['win_length', String(stft.winLength)],
    ['window', stft.window],
    ['n_mels', String(mel.nMels)],
    ['fmin', `${mel.fmin} Hz`],
    ['fmax', `${mel.fmax} Hz`],
    ['power', String(mel.power)],
    ['db', db ? `${db.kind}_to_db(ref=${db.ref === 'max' ? 'np.max' : db.ref}, amin=${db.amin}, top_db=${db.topDb ?? 'None'})` : 'none (linear)'],
  ];
  if (mfcc) rows.push(['n_mfcc', String(mfcc.nMfcc)]);
  rows.push(['normalization', normalization.kind === 'standardize' ? `standardize (${normalization.scope})` : normalization.kind]);
  rows.push(['res_type', resType]);
  return rows;
}

function recipeTable(recipe: Recipe, resType: string, info: RunInfo): HTMLElement {
  const rows = recipeRows(recipe, info.features?.res_type ?? resType);
  if (info.features?.shape) rows.push(['input shape', `${info.features.shape[0]} × ${info.features.shape[1]}`]);
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'recipe', attrs: { id: 'recipe' } },
      h('caption', { class: 'visually-hidden', text: 'Feature recipe parameters' }),
      h('tbody', {}, ...rows.map(([k, v]) => h('tr', { attrs: { 'data-key': k } }, h('th', { attrs: { scope: 'row' } }, h('code', { text: k })), h('td', { text: v })))),
    ),
  );
}
