import { defineConfig } from 'vitest/config';

// These tests run real DSP and training; on a loaded 2-core machine some take seconds.
export default defineConfig({ test: { testTimeout: 60_000 } });
