import { defineConfig } from 'vitest/config';

// tfjs's cpu backend is slow for convolutions; the training tests need more than the 5 s default.
export default defineConfig({ test: { testTimeout: 60_000 } });
