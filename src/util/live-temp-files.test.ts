import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAtomicWriteStream } from './atomic-write.js';
import { liveTemps, releaseTemp, removeLiveTemps, trackTemp } from './live-temp-files.js';

describe('live temporary files', () => {
  it('installs the signal handlers only while a temporary file is live', () => {
    const before = ['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s));
    trackTemp('/tmp/a');
    trackTemp('/tmp/b');
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(
      before.map((n) => n + 1),
    );
    releaseTemp('/tmp/a');
    expect(process.listenerCount('SIGTERM')).toBe(before[1]! + 1);
    releaseTemp('/tmp/b');
    expect(['SIGINT', 'SIGTERM', 'SIGHUP'].map((s) => process.listenerCount(s))).toEqual(before);
  });

  it('tracks an atomic write from open to commit, and removes what is live on the way out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rock-live-'));
    try {
      const out = createAtomicWriteStream(join(dir, 'x.img'));
      expect(liveTemps()).toEqual([out.tempPath]);
      await out.commit();
      expect(liveTemps()).toEqual([]);
      const pending = createAtomicWriteStream(join(dir, 'y.img'));
      writeFileSync(join(dir, 'half'), 'x');
      trackTemp(join(dir, 'half'));
      removeLiveTemps();
      expect(existsSync(pending.tempPath)).toBe(false);
      expect(existsSync(join(dir, 'half'))).toBe(false);
      expect(liveTemps()).toEqual([]);
      await pending.abort();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
