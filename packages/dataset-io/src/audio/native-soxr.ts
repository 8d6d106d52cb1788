import { useNativeSoxr } from '@earshot/audio';

// In Node, earshot's addon runs soxr_hq where it is built (the same libsoxr engine as the
// WebAssembly build, natively). Loading its JavaScript is cheap; the .node file loads here.
const native = await import('@earshot/native').catch(() => null);
useNativeSoxr(native?.loadNative()?.soxr ?? null);
