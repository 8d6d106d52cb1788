import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // tfjs's cpu backend is slow for convolutions; the training tests need more than the 5 s default.
    testTimeout: 60_000,
    globalSetup: ['./test/build-dist.ts'],
  },
});
