import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { readTar, type TarFileMember, writeTar } from '../archive/index.js';
import type { CommandContext } from '../cli/context.js';
import { InputError } from '../errors/index.js';
import { createAtomicWriteStream } from '../util/atomic-write.js';
import { fsError } from '../util/fs-errors.js';
import { blobFile, openBlobs, scratchDir, storeBlob } from './blobs.js';
import { checkComponentId } from './component-id.js';
import { withCatalogue } from './open.js';
import { COMPONENT_ROLES, COMPONENT_TYPES, type Component, formatId } from './types.js';

/**
 * The export format, a plain ustar archive (`tar tf` lists it):
 * `components.json` first (`{"format":"rock-registry-export","version":1,"components":[...]}`),
 * then `blobs/sha256/<hex>` for each distinct digest, in catalogue order, mtime 0: the same
 * catalogue always exports to the same bytes.
 */
const FORMAT = 'rock-registry-export';

/** What an export or import moved. */
export interface TransferReport {
  components: number;
  blobs: number;
}

async function* once(bytes: Buffer): AsyncIterable<Uint8Array> {
  yield bytes;
}

/** Writes every catalogued component and its bytes to `file` (atomically). */
export async function exportRegistry(
  options: { file: string },
  context: CommandContext,
): Promise<TransferReport> {
  const components = await withCatalogue(context, (c) => c.list());
  const cache = openBlobs(context);
  const index = Buffer.from(
    `${JSON.stringify({ format: FORMAT, version: 1, components }, null, 2)}\n`,
    'utf8',
  );
  const members: TarFileMember[] = [
    { name: 'components.json', mode: 0o644, size: index.length, data: () => once(index) },
  ];
  const seen = new Set<string>();
  for (const c of components) {
    if (seen.has(c.digest)) continue;
    seen.add(c.digest);
    const blob = blobFile(cache, c, c.digest);
    members.push({
      name: `blobs/sha256/${c.digest.slice(7)}`,
      mode: 0o444,
      size: c.size,
      data: () => fs.createReadStream(blob),
    });
  }
  const target = path.resolve(context.cwd, options.file);
  const out = createAtomicWriteStream(target, { mode: 0o644 });
  try {
    await pipeline(writeTar(members), out.stream);
  } catch (error) {
    await out.abort();
    throw error;
  }
  await out.commit();
  return { components: components.length, blobs: seen.size };
}

function refuse(where: string, expected: string, got: string): never {
  throw new InputError('REGISTRY_BAD_IMPORT', `${where}: expected ${expected}, got ${got}`, { where });
}

function parseIndex(text: string, where: string): Component[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    refuse(where, 'JSON', 'malformed text');
  }
  const v = value as { format?: unknown; version?: unknown; components?: unknown };
  if (v.format !== FORMAT || v.version !== 1 || !Array.isArray(v.components)) {
    refuse(where, `{"format":"${FORMAT}","version":1,"components":[...]}`, 'another document');
  }
  return v.components.map((raw, i) => {
    const c = raw as Component;
    const at = `${where}: components[${i}]`;
    checkComponentId({ name: String(c.name), version: String(c.version) }, at);
    if (!COMPONENT_TYPES.includes(c.type)) refuse(at, 'a type', JSON.stringify(c.type));
    if (c.role !== undefined && !COMPONENT_ROLES.includes(c.role))
      refuse(at, 'a role', JSON.stringify(c.role));
    if (typeof c.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(c.digest))
      refuse(at, 'a sha256 digest', JSON.stringify(c.digest));
    if (!Number.isSafeInteger(c.size) || c.size < 0) refuse(at, 'a size', JSON.stringify(c.size));
    if (typeof c.file !== 'string' || c.file.includes('/') || c.file === '')
      refuse(at, 'a file name', JSON.stringify(c.file));
    if (
      !Array.isArray(c.dependencies) ||
      !Array.isArray(c.tags) ||
      typeof c.metadata !== 'object' ||
      c.metadata === null
    ) {
      refuse(at, 'dependencies, tags and metadata', 'something else');
    }
    return c;
  });
}

/**
 * Reads an export: every blob is hashed while it is copied and stored only if it matches its name
 * and a component of the index names it; then all components are catalogued in one transaction
 * (each needs its blob, from the archive or already in the cache). Refuses REGISTRY_BAD_IMPORT.
 */
export async function importRegistry(
  options: { file: string },
  context: CommandContext,
): Promise<TransferReport> {
  const file = path.resolve(context.cwd, options.file);
  let source: fs.ReadStream;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    source = fs.createReadStream(file);
  } catch (error) {
    throw fsError(error, file, 'cannot read');
  }
  const cache = openBlobs(context);
  const work = scratchDir(cache);
  let components: Component[] | undefined;
  let blobs = 0;
  try {
    for await (const { member, data } of readTar(source, file, (m) => m.type === 'file')) {
      const where = `${file}: ${member.name}`;
      if (data === undefined) refuse(where, 'a regular file', `a ${member.type}`);
      if (member.name === 'components.json' && components === undefined) {
        const chunks: Buffer[] = [];
        for await (const chunk of data) chunks.push(chunk);
        components = parseIndex(Buffer.concat(chunks).toString('utf8'), where);
        continue;
      }
      const blob = /^blobs\/sha256\/([0-9a-f]{64})$/.exec(member.name);
      if (!blob || components === undefined)
        refuse(where, 'components.json first, then blobs/sha256/<hex>', member.name);
      const digest = `sha256:${blob[1]}`;
      const owners = components.filter((c) => c.digest === digest);
      if (owners.length === 0) refuse(where, 'a blob a component names', 'an unnamed blob');
      const temp = path.join(work, blob[1] as string);
      const hash = createHash('sha256');
      const out = fs.createWriteStream(temp);
      for await (const chunk of data) {
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest) refuse(where, `bytes of ${digest}`, actual);
      for (const c of owners) {
        fs.chmodSync(temp, c.type === 'component' ? 0o755 : 0o644);
        await storeBlob(cache, c, temp);
      }
      blobs += 1;
    }
    if (components === undefined) refuse(file, 'components.json', 'an archive without it');
    const all = components;
    for (const c of all)
      if (cache.blobPath(c.digest) === undefined) refuse(file, `the blob of ${formatId(c)}`, 'none');
    await withCatalogue(context, (catalogue) => catalogue.addAll(all));
    return { components: all.length, blobs };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
