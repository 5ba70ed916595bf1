import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'minor'; execution: 'sync' }) => void;
let collect: Collect | undefined;

/**
 * Runs a young-generation collection (a scavenge: about a millisecond on a small heap), which frees
 * the memory of the Buffers that died since the last one. A decoder that streams out a fresh
 * Buffer per chunk (node:zlib allocates one of `chunkSize` each time) calls it every few MiB:
 * those Buffers are tiny objects on the JS heap, so V8 collects them only once tens of MiB of their
 * memory are outside it, and a 100 MB read then peaks 25-40 MB higher than it needs to.
 * `gc` is taken once from a context made while `--expose-gc` is on; the flag is turned off
 * again so no other code sees a global `gc`.
 */
export function releaseYoungBuffers(): void {
  if (collect === undefined) {
    const exposed = (globalThis as { gc?: Collect }).gc;
    if (exposed !== undefined) collect = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as Collect;
      setFlagsFromString('--no-expose-gc');
    }
  }
  collect({ type: 'minor', execution: 'sync' });
}
