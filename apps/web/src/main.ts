import * as tf from '@tensorflow/tfjs';
import { Classifier, type LabelScore, type Prediction } from '@earshot/classifier';
import { classifyTimed, type Timing } from './classify.js';
import { renderContext } from './context-panel.js';
import { byId } from './dom.js';
import { errorReason } from '@earshot/audio';
import { duration } from './format.js';
import { setupFilePanel } from './files.js';
import { levelFraction } from './level.js';
import { LIVE_INTERVAL_MS, LiveMic, type MicState } from './mic.js';
import { renderBars } from './render-bars.js';
import { parseRunInfo, type RunInfo } from './run-info.js';

/** What `pipeline predict --json` prints, for one clip. */
export interface ClassifyResult {
  run: string;
  labels: string[];
  predictions: Prediction[];
}

/** The page's programmatic interface, `window.earshot` (set synchronously at startup). */
export interface EarshotApi {
  /** Resolves when the model is loaded; rejects, with the reason, when it cannot be. */
  ready: Promise<void>;
  classify(data: ArrayBuffer | Uint8Array, options?: { topK?: number; name?: string }): Promise<ClassifyResult>;
  classifier: Classifier | null;
  info: RunInfo | null;
  /** One entry per classified clip (files and `classify`): wall time and clip duration. */
  timings: Timing[];
  /** The microphone's latest top-k (null before the first) and how many updates there were. */
  live: { top: LabelScore[] | null; updates: number };
}

declare global {
  interface Window {
    earshot: EarshotApi;
  }
}

const DEFAULT_TOP_K = 3;

const status = byId('status');
function setStatus(state: 'loading' | 'ready' | 'error', text: string): void {
  status.dataset.state = state;
  status.textContent = text;
}

/** fetch, with network failures naming the URL (HTTP errors are named by the caller). */
const namedFetch: typeof fetch = async (input, init) => {
  try {
    return await fetch(input, init);
  } catch (err) {
    const url = input instanceof Request ? input.url : String(input);
    throw new Error(`fetching ${url} failed: ${errorReason(err)}`);
  }
};

async function loadRunInfo(): Promise<RunInfo> {
  const url = new URL('./run.json', location.href);
  const response = await namedFetch(url);
  if (!response.ok) throw new Error(`fetching ${url.href} failed: HTTP ${response.status}`);
  let json: unknown;
  try {
    json = await response.json();
  } catch (err) {
    throw new Error(`${url.href} is not valid JSON (${errorReason(err)})`);
  }
  return parseRunInfo(json, url.href);
}

async function load(): Promise<{ classifier: Classifier; info: RunInfo }> {
  setStatus('loading', 'Loading the model…');
  tf.enableProdMode();
  // The CPU backend computes in exact float32, as training's evaluation did.
  if (!(await tf.setBackend('cpu'))) throw new Error('the TensorFlow.js CPU backend did not start');
  const [info, classifier] = await Promise.all([
    loadRunInfo().catch((err: unknown) => {
      throw new Error(`Could not load run.json: ${errorReason(err)}`);
    }),
    Classifier.load(new URL('./model/', location.href), { fetch: namedFetch }).catch((err: unknown) => {
      throw new Error(`Could not load the model: ${errorReason(err)}`);
    }),
  ]);
  return { classifier, info };
}

const loading = load();

const api: EarshotApi = {
  ready: loading.then(() => undefined),
  async classify(data, options = {}) {
    const { classifier, info } = await loading;
    const { prediction, timing } = await classifyTimed(classifier, data, { topK: options.topK ?? DEFAULT_TOP_K, name: options.name ?? '<bytes>' });
    api.timings.push(timing);
    return { run: info.run, labels: [...classifier.labels], predictions: [prediction] };
  },
  classifier: null,
  info: null,
  timings: [],
  live: { top: null, updates: 0 },
};
// Awaiting `ready` is how callers see a failure; the page itself shows it in #status.
api.ready.catch(() => {});
window.earshot = api;

const topKSelect = byId<HTMLSelectElement>('top-k');
const topK = (): number => Number(topKSelect.value) || DEFAULT_TOP_K;

const classifierLoaded = loading.then(({ classifier }) => classifier);
classifierLoaded.catch(() => {}); // reported once, in #status
setupFilePanel({
  dropZone: byId('drop-zone'),
  input: byId<HTMLInputElement>('file-input'),
  results: byId('results'),
  clear: byId<HTMLButtonElement>('clear-results'),
  classifier: classifierLoaded,
  topK,
  onTiming: (timing) => api.timings.push(timing),
});

loading.then(
  ({ classifier, info }) => {
    api.classifier = classifier;
    api.info = info;
    const n = classifier.labels.length;
    topKSelect.replaceChildren(
      ...Array.from({ length: Math.min(n, 10) }, (_, i) => {
        const option = document.createElement('option');
        option.value = option.textContent = String(i + 1);
        return option;
      }),
    );
    topKSelect.value = String(Math.min(DEFAULT_TOP_K, n));
    topKSelect.disabled = false;
    renderContext(byId('context'), classifier, info);
    setupMic(classifier);
    const seconds = classifier.windowLength / classifier.sampleRate;
    setStatus('ready', `Ready: ${info.name} (${info.run}), ${n} labels, ${seconds} s windows.`);
  },
  (err: unknown) => {
    const hint = location.protocol === 'file:' ? ' Serve this folder over HTTP (e.g. python3 -m http.server) instead of opening the file.' : '';
    setStatus('error', `${errorReason(err)}${hint}`);
    byId('context').querySelector('.muted')?.replaceChildren('The model is not available.');
  },
);

function setupMic(classifier: Classifier): void {
  const toggle = byId<HTMLButtonElement>('mic-toggle');
  const toggleLabel = toggle.querySelector('.mic-label')!;
  const micStatus = byId('mic-status');
  const liveTop = byId('live-top');
  const announce = byId('live-announce');
  const level = byId('level');
  const levelFill = level.querySelector<HTMLElement>('.level-fill')!;
  const levelText = byId('level-text');
  const windowSeconds = classifier.windowLength / classifier.sampleRate;
  let lastTop1 = '';
  let lastLevelAt = 0;

  const showLevel = (db: number | null): void => {
    const shown = db === null ? -60 : Math.max(-60, db);
    level.setAttribute('aria-valuenow', shown.toFixed(1));
    level.setAttribute('aria-valuetext', db === null || db <= -60 ? 'silent' : `${db.toFixed(0)} dBFS`);
    levelFill.style.clipPath = `inset(0 ${((1 - levelFraction(shown)) * 100).toFixed(1)}% 0 0)`;
    level.dataset.clip = String(db !== null && db > -3);
    levelText.textContent = db === null ? '– dBFS' : `${db.toFixed(0)} dBFS`;
  };

  const onState = (state: MicState): void => {
    micStatus.dataset.state = state.kind;
    const on = state.kind === 'starting' || state.kind === 'listening' || state.kind === 'live';
    toggle.setAttribute('aria-pressed', String(on));
    toggleLabel.textContent = on ? 'Stop microphone' : 'Start microphone';
    toggle.classList.toggle('is-on', on);
    switch (state.kind) {
      case 'idle':
        micStatus.textContent = api.live.updates > 0 ? 'Microphone off. The last result is shown below.' : 'Microphone off.';
        showLevel(null);
        break;
      case 'starting':
        micStatus.textContent = 'Starting the microphone…';
        break;
      case 'listening': {
        const have = Math.min(state.buffered, state.needed) / state.needed;
        micStatus.textContent = `listening… ${(have * windowSeconds).toFixed(1)} of ${windowSeconds} s`;
        break;
      }
      case 'live':
        break;
      case 'waiting':
        if (api.live.updates === 0) micStatus.textContent = 'Listening: waiting for a sound to start…';
        break;
      case 'error':
        micStatus.textContent = `Microphone error: ${state.message}`;
        showLevel(null);
        break;
    }
  };

  const mic = new LiveMic(classifier, {
    topK,
    onState,
    onLevel: (db) => {
      const now = performance.now();
      if (now - lastLevelAt < 50) return;
      lastLevelAt = now;
      showLevel(db);
    },
    onTop: (top, ms) => {
      api.live.top = top;
      api.live.updates++;
      liveTop.replaceChildren(renderBars(top, classifier.labels));
      micStatus.textContent =
        mic.alignment === 'onset'
          ? `Live: the ${windowSeconds} s from the start of the last sound (classified in ${duration(ms)}).`
          : `Live: the last ${windowSeconds} s, every ${LIVE_INTERVAL_MS / 1000} s (classified in ${duration(ms)}).`;
      const top1 = top[0]?.label ?? '';
      if (top1 !== lastTop1) {
        lastTop1 = top1;
        announce.textContent = `Now hearing: ${top1}`;
      }
    },
  });
  const micHint = document.querySelector<HTMLElement>('#mic-hint');
  if (micHint) {
    micHint.textContent =
      mic.alignment === 'onset'
        ? `The model learned clips that start with their sound, so each sound is classified from its start (${windowSeconds} s).`
        : `Classifies the most recent ${windowSeconds} s of sound, four times a second.`;
  }

  toggle.disabled = false;
  toggle.addEventListener('click', async () => {
    toggle.disabled = true;
    try {
      if (mic.running) await mic.stop();
      else await mic.start();
    } catch {
      // start() reported the failure in #mic-status.
    } finally {
      toggle.disabled = false;
    }
  });
}
