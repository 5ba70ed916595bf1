// Differential test of rock-verify's dynamic-loading checks against the truth: a corpus of images
// (the good one, and one subtle breakage or harmless change each) is verified in memory and booted
// in QEMU. The invariant: an image rock-verify passes boots with every service running. Every
// broken image must also fail verification with the rule that names its breakage, and the harmless
// twins must pass both.
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WriteEntry } from '../../src/cpio/index.js';
import { depsEntries, layoutContract, prepareEntries, writeArchive } from '../../src/image/index.js';
import { type BootVerdict, bootImage } from '../../src/qemu/index.js';
import { fixturesDir, testKernelPath } from '../../src/qemu/test-support/test-kernel.js';
import { type VerifyReport, verifyImage } from '../../src/verify/index.js';
import { CASES, type DiffCase, type EditContext } from '../support/deps-corpus.js';

const EXPECT = [
  'ROCK-INIT: started pid=1',
  'VOLCANO-AGENT: openssl OpenSSL 3.',
  'ROCK-INIT: all services started',
];
/** Two cores: at most two VMs at a time. */
const CONCURRENCY = 2;
const BOOT_TIMEOUT_MS = 60_000;

type Agreement = 'both pass' | 'both fail' | 'verify stricter' | 'verify too lenient';

interface Outcome {
  c: DiffCase;
  image: string;
  report: VerifyReport;
  boot: BootVerdict;
  /** The whole serial console of the boot. */
  console: string;
  agreement: Agreement;
}

let work: string;
let kernel: string;
const outcomes = new Map<string, Outcome>();

function agreement(verifyPassed: boolean, bootPassed: boolean): Agreement {
  if (verifyPassed === bootPassed) return verifyPassed ? 'both pass' : 'both fail';
  return verifyPassed ? 'verify too lenient' : 'verify stricter';
}

function rules(report: VerifyReport): string[] {
  return [...new Set(report.failures.map((f) => f.rule))].sort();
}

/** The console line that says why a failed boot failed: a loader error, an exec failure, a signal. */
function bootReason(o: Pick<Outcome, 'boot' | 'console'>): string {
  if (o.boot.passed) return 'all services started';
  const line = o.console
    .split('\n')
    .find((l) => /error while loading|exec failed|killed signal|exited status=[1-9]|not found/.test(l));
  return (line ?? o.boot.reason).trim();
}

async function runPool<T>(
  items: readonly T[],
  limit: number,
  job: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await job(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function table(): string {
  const rows = [...outcomes.values()].map((o) => [
    o.c.id,
    o.report.passed ? 'pass' : `FAIL ${rules(o.report).join(', ')}`,
    o.boot.passed ? 'pass' : `FAIL (${o.boot.status}) ${bootReason(o)}`,
    o.agreement,
  ]);
  const head = ['image', 'rock-verify', 'boot', 'agreement'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${r.map((x) => x.replaceAll('|', '\\|')).join(' | ')} |`);
  const count = (a: Agreement): number => [...outcomes.values()].filter((o) => o.agreement === a).length;
  lines.push(
    '',
    `${outcomes.size} images: ${count('both pass')} both pass, ${count('both fail')} both fail, ` +
      `${count('verify stricter')} verify stricter, ${count('verify too lenient')} verify too lenient`,
  );
  return lines.join('\n');
}

beforeAll(async () => {
  const fx = fixturesDir();
  kernel = testKernelPath();
  work = mkdtempSync(join(tmpdir(), 'rock-diff-'));
  const components = {
    init: join(fx, 'rock-init'),
    manager: join(fx, 'rock-manager'),
    agent: join(fx, 'volcano-agent'),
    busybox: join(fx, 'busybox'),
  };
  const good: WriteEntry[] = [
    ...depsEntries([{ path: components.agent, label: 'volcano-agent' }]),
    ...layoutContract({ components }),
  ];
  const images: { c: DiffCase; image: string }[] = [];
  for (const c of CASES) {
    const scratch = join(work, `${c.id}.d`);
    mkdirSync(scratch);
    const ctx: EditContext = { scratch, agent: components.agent, zlib: '/lib/x86_64-linux-gnu/libz.so.1' };
    const entries = c.edit(
      good.map((e) => ({ ...e, info: { ...e.info } })),
      ctx,
    );
    const image = join(work, `${c.id}.img`);
    await writeArchive(prepareEntries(entries), createWriteStream(image), 'gzip');
    images.push({ c, image });
  }
  const verdicts = new Map<string, { report: VerifyReport; boot?: BootVerdict }>();
  for (const { c, image } of images) verdicts.set(c.id, { report: await verifyImage(image) });
  await runPool(images, CONCURRENCY, async ({ c, image }) => {
    const boot = await bootImage({
      kernel,
      image,
      expect: EXPECT,
      timeoutMs: BOOT_TIMEOUT_MS,
      logFile: join(work, `${c.id}.console.log`),
    });
    const v = verdicts.get(c.id);
    if (v) v.boot = boot;
  });
  for (const { c, image } of images) {
    const v = verdicts.get(c.id);
    if (!v?.boot) throw new Error(`${c.id}: no boot verdict`);
    outcomes.set(c.id, {
      c,
      image,
      report: v.report,
      boot: v.boot,
      console: readFileSync(v.boot.logFile, 'utf8'),
      agreement: agreement(v.report.passed, v.boot.passed),
    });
  }
  console.log(table());
  const out = process.env.ROCK_DIFFERENTIAL_TABLE;
  if (out) writeFileSync(out, `${table()}\n`);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('rock-verify against QEMU boots', () => {
  it('never passes an image that does not boot with all services running (verify-pass => boot-pass)', () => {
    expect(outcomes.size).toBe(CASES.length);
    const lenient = [...outcomes.values()].filter((o) => o.agreement === 'verify too lenient');
    expect(
      lenient.map((o) => `${o.c.id}: ${bootReason(o)}`),
      table(),
    ).toEqual([]);
  });

  it.each(CASES.map((c) => [c.id, c] as const))('%s: verify and boot give the expected verdicts', (id, c) => {
    const o = outcomes.get(id);
    if (!o) throw new Error(`${id}: not run`);
    const failures = o.report.failures.map((f) => f.message).join('\n');
    if (c.verify === 'pass') {
      expect(o.report.passed, failures).toBe(true);
      if (c.noDepsWarnings) expect(o.report.warnings.filter((w) => w.rule.startsWith('deps.'))).toEqual([]);
    } else {
      expect(o.report.passed).toBe(false);
      for (const rule of c.verify) expect(rules(o.report), failures).toContain(rule);
    }
    const consoleTail = o.console.split('\n').slice(-60).join('\n');
    if (c.boot === 'pass') {
      expect(o.boot.status, `${o.boot.reason}\n${consoleTail}`).toBe('passed');
      expect(o.boot.markers.map((m) => m.ms !== null)).toEqual(EXPECT.map(() => true));
    } else {
      expect(o.boot.passed).toBe(false);
      // PID 1 ran: the image failed at the service, not before it.
      expect(o.boot.markers[0]?.ms, consoleTail).not.toBeNull();
      expect(o.boot.markers[2]?.ms, consoleTail).toBeNull();
      if (c.console) expect(o.console).toMatch(c.console);
    }
  });
});
