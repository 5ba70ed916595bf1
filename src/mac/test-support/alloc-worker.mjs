// A separate process allocating addresses through the built library, for the concurrency and crash
// tests: node alloc-worker.mjs <db path or postgres URL> <pool> <count> [device prefix]
// Prints each address on its own line only after its transaction committed (stdout to a pipe is
// synchronous on Linux, so a printed address was reported). Exits 0 after `count`, 1 on any error.
import { createDispenser } from '../../../dist/mac/index.js';

const [db, pool, countText, prefix] = process.argv.slice(2);
const count = Number(countText);
const d = createDispenser({ db, env: { ...process.env, ROCK_MAC_CONFIG: '' }, cwd: '/' });
try {
  for (let i = 0; i < count; i++) {
    const r = await d.allocate({ pool, ...(prefix ? { deviceId: `${prefix}-${i}` } : {}) });
    process.stdout.write(`${r.allocation.macAddress}\n`);
  }
  await d.close();
} catch (err) {
  process.stderr.write(`alloc-worker: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
}
