import { defineConfig } from 'vitest/config';

// These tests decode, synthesise, train or spawn real processes; on a loaded 2-core machine some take seconds.
export default defineConfig({ test: { testTimeout: 60_000 } });
