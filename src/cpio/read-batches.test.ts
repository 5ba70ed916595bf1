// The reader's work on many small records, counted (no timing): records parsed from buffered bytes
// come out in batches, so 10,000 records cost a few dozen awaits, not 10,000; the batches hold the
// same entries as the one-by-one reader, and an error comes after the entries before it.
import { describe, expect, it } from 'vitest';
import { readEntries, readEntryBatches } from './read-records.js';
import { rawRecord, rawTrailer } from './test-support/records.js';

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

function manyRecords(count: number): Buffer {
  const parts: Buffer[] = [rawRecord({ name: 'd', fields: { mode: 0o40755, nlink: 2, ino: 1 } })];
  for (let i = 0; i < count; i++) {
    const data = i % 3 === 0 ? `content ${i}` : '';
    parts.push(rawRecord({ name: `d/f${i}`, data, fields: { mode: 0o100644, nlink: 1, ino: i + 2 } }));
  }
  parts.push(rawTrailer());
  return Buffer.concat(parts);
}

describe('readEntryBatches', () => {
  it('hands 10,001 buffered records out in at most 45 batches, the same entries as readEntries', async () => {
    const bytes = manyRecords(10_000);
    const batched: string[] = [];
    const data: string[] = [];
    let batches = 0;
    for await (const batch of readEntryBatches(once(bytes))) {
      batches += 1;
      for (const { info, content } of batch) {
        batched.push(info.name);
        if (content.size > 0) data.push(Buffer.from(await content.bytes()).toString());
      }
    }
    // 256 entries per batch at most (MAX_BATCH): 10,001 / 256 rounds up to 40.
    expect(batches).toBeLessThanOrEqual(45);
    const single: string[] = [];
    for await (const { info } of readEntries(once(bytes))) single.push(info.name);
    expect(batched).toEqual(single);
    expect(data.length).toBe(3334);
    expect(data[1]).toBe('content 3');
  });

  it('gives the entries before a bad header, then the error', async () => {
    const good = manyRecords(10).subarray(0, -rawTrailer().length);
    const bad = Buffer.from(`070701${'Z'.repeat(104)}`);
    const names: string[] = [];
    const read = async () => {
      for await (const batch of readEntryBatches(once(Buffer.concat([good, bad]))))
        for (const { info } of batch) names.push(info.name);
    };
    await expect(read()).rejects.toMatchObject({ code: 'CPIO_BAD_FIELD' });
    expect(names).toHaveLength(11);
  });

  it('keeps no view of the decoded chunk in what content.bytes() returns', async () => {
    const bytes = manyRecords(100);
    for await (const batch of readEntryBatches(once(bytes))) {
      for (const { content } of batch) {
        if (content.size === 0) continue;
        const own = await content.bytes();
        expect(own.buffer.byteLength).toBe(own.length);
      }
    }
  });
});
