import type { Classifier } from '@earshot/classifier';
import { classifyTimed, type Timing } from './classify.js';
import { h } from './dom.js';
import { duration, seconds } from './format.js';
import { renderBars } from './render-bars.js';
import { renderWindows } from './render-windows.js';

export interface FilePanelOptions {
  dropZone: HTMLElement;
  input: HTMLInputElement;
  results: HTMLElement;
  clear: HTMLButtonElement;
  /** Resolves with the classifier once the model is loaded. */
  classifier: Promise<Classifier>;
  topK: () => number;
  onTiming: (timing: Timing) => void;
}

/** Drop zone and file input: every file is classified in turn and shown as an item of #results. */
export function setupFilePanel(o: FilePanelOptions): void {
  let queue: Promise<void> = Promise.resolve();

  const enqueue = (files: Iterable<File>): void => {
    for (const file of files) {
      const item = pendingItem(file.name);
      o.results.append(item);
      o.clear.hidden = false;
      queue = queue.then(() => classifyFile(file, item)).catch(() => {});
    }
  };

  const classifyFile = async (file: File, item: HTMLLIElement): Promise<void> => {
    let classifier: Classifier;
    try {
      classifier = await o.classifier;
    } catch {
      fillError(item, 'the model did not load');
      return;
    }
    setMeta(item, 'Classifying…');
    const bytes = new Uint8Array(await file.arrayBuffer());
    const { prediction, timing } = await classifyTimed(classifier, bytes, { topK: o.topK(), name: file.name });
    o.onTiming(timing);
    item.dataset.ms = timing.ms.toFixed(1);
    if (prediction.error !== undefined) {
      fillError(item, prediction.error);
      return;
    }
    item.dataset.state = 'done';
    item.dataset.top1 = prediction.top[0]?.label ?? '';
    if (timing.seconds !== null) item.dataset.seconds = timing.seconds.toFixed(3);
    const windows = prediction.windows.length;
    setMeta(item, [timing.seconds !== null ? seconds(timing.seconds) : null, windows > 1 ? `${windows} windows` : null, `classified in ${duration(timing.ms)}`].filter(Boolean).join(' · '));
    item.append(renderBars(prediction.top, classifier.labels));
    if (windows > 1) item.append(renderWindows(prediction.windows, classifier.labels));
  };

  o.input.addEventListener('change', () => {
    if (o.input.files) enqueue(Array.from(o.input.files));
    o.input.value = '';
  });

  // The whole zone takes drops; dropping elsewhere must not navigate away from the page.
  let depth = 0;
  o.dropZone.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth++;
    o.dropZone.classList.add('dragging');
  });
  o.dropZone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) o.dropZone.classList.remove('dragging');
  });
  o.dropZone.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  o.dropZone.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    o.dropZone.classList.remove('dragging');
    if (e.dataTransfer?.files.length) enqueue(Array.from(e.dataTransfer.files));
  });
  for (const type of ['dragover', 'drop'] as const) window.addEventListener(type, (e) => e.preventDefault());

  o.clear.addEventListener('click', () => {
    for (const item of Array.from(o.results.querySelectorAll<HTMLElement>('.result[data-state="done"], .result[data-state="error"]'))) item.remove();
    o.clear.hidden = o.results.querySelector('.result') === null;
    o.input.focus();
  });
}

function pendingItem(name: string): HTMLLIElement {
  return h(
    'li',
    { class: 'result', attrs: { 'data-file': name, 'data-state': 'pending' } },
    h('div', { class: 'result-head' }, h('h3', { class: 'result-name', text: name }), h('p', { class: 'result-meta', text: 'Waiting…' })),
  );
}

function setMeta(item: HTMLElement, text: string): void {
  item.querySelector('.result-meta')!.textContent = text;
}

function fillError(item: HTMLElement, reason: string): void {
  item.dataset.state = 'error';
  item.dataset.error = reason;
  setMeta(item, 'Could not classify');
  item.append(h('p', { class: 'result-error', text: reason }));
}
