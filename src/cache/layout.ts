import { randomBytes } from 'node:crypto';
import path from 'node:path';

/**
 * Where things live in a store directory:
 *
 * - `blobs/sha256/ab/abcdef...` content, named by its sha256, read-only, complete or absent;
 * - `refs/ab/<sha256 of key>.json` one small file per key (written to `tmp/` and renamed);
 * - `tmp/<pid>-<random>` files being written; a rename publishes them, `verify` removes abandoned ones.
 *
 * `tmp/` sits inside the store so every rename stays on one filesystem (rename(2) is atomic only there).
 */
export class StoreLayout {
  readonly blobs: string;
  readonly refs: string;
  readonly tmp: string;

  constructor(readonly dir: string) {
    this.blobs = path.join(dir, 'blobs', 'sha256');
    this.refs = path.join(dir, 'refs');
    this.tmp = path.join(dir, 'tmp');
  }

  blob(hex: string): string {
    return path.join(this.blobs, hex.slice(0, 2), hex);
  }

  ref(id: string): string {
    return path.join(this.refs, id.slice(0, 2), `${id}.json`);
  }

  /** A fresh temp file name; the pid lets `verify` tell a live writer's file from an abandoned one. */
  newTemp(): string {
    return path.join(this.tmp, `${process.pid}-${randomBytes(8).toString('hex')}`);
  }
}

/**
 * The pid of the writer of a temp file (`<pid>-<random>`, or the atomic writer's
 * `.<pid>-<random>.tmp-<pid>-<random>` beside it), or undefined for a name this store did not make.
 */
export function tempOwner(name: string): number | undefined {
  const m = /^\.?(\d+)-[0-9a-f]{16}(?:\.tmp-\d+-[0-9a-f]{12})?$/.exec(name);
  return m ? Number(m[1]) : undefined;
}
