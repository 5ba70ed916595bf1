import { describe, expect, it } from 'vitest';
import { releaseYoungBuffers } from './release-young-buffers.js';

describe('releaseYoungBuffers', () => {
  it('collects without leaving a global gc behind, call after call', () => {
    const hadGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
    for (let i = 0; i < 3; i++) expect(() => releaseYoungBuffers()).not.toThrow();
    expect(typeof (globalThis as { gc?: unknown }).gc === 'function').toBe(hadGc);
  });
});
