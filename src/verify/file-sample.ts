/**
 * What the verifier keeps of a file's data: only what its checks read, captured while the data
 * streams past, so memory does not grow with file sizes: config files whole, a script's first line,
 * and of an ELF file what its readers make of it (interpreter, needed libraries, symbol versions,
 * PT_LOAD bounds: {@link ElfFacts}) with its headers and PT_INTERP as bytes.
 */
import type { EntryContent } from '../cpio/index.js';
import type { ElfKnown } from '../deps/fs-view.js';
import { ElfError, identifySource, loadSegmentProblem, readElfVersionsSource } from '../elf/index.js';
import { ownCopy } from '../util/own-copy.js';
import { pagedSource, type RandomAccessSource } from '../util/random-access-source.js';

/** Random access to the kept bytes of one file; `size` is the file's real size. */
export interface FileSample {
  readonly size: number;
  /**
   * `length` bytes from `offset` (fewer only at the end of the file). A range the verifier did not
   * keep throws {@link NotKeptError}: no check ever reads one on a well-formed file.
   */
  read(offset: number, length: number): Uint8Array;
  /** The kept bytes from offset 0 on (the whole file when it was kept whole). */
  readonly head: Uint8Array;
  /**
   * What the ELF checks read of an ELF file, parsed once while it streamed past; such a sample keeps
   * only its headers and PT_INTERP as bytes (see {@link elfSample}).
   */
  readonly elf?: ElfFacts;
}

/** An ELF file's facts as the checks use them: the dependency resolver's and `loadSegmentProblem`'s. */
export interface ElfFacts extends ElfKnown {
  /** What `loadSegmentProblem` says of the file (null: every PT_LOAD inside it). */
  readonly loadProblem: string | null;
}

/**
 * A read of bytes the sample did not keep: an ELF_LIMIT error, so every ELF check reports it like any
 * other unreadable object instead of crashing.
 */
export class NotKeptError extends ElfError {
  constructor(offset: number, length: number) {
    super(
      'ELF_LIMIT',
      'image file',
      offset,
      'data',
      `bytes ${offset}..${offset + length} were not kept for the checks (the verifier keeps headers, tables and the dynamic section)`,
    );
  }
}

/** Files kept whole: anything this small, and files the caller names (configs, loaders) up to {@link CONFIG_MAX}. */
const SMALL_MAX = 4 * 1024;
const CONFIG_MAX = 8 * 1024 * 1024;
/** The head of any other file: a `#!` line, an ELF identity (ELF headers: see {@link ELF_HEAD}). */
const HEAD_MAX = 512;
/** The head kept of an ELF file (headers, program headers, PT_INTERP). */
const ELF_HEAD = 64 * 1024;
/** Most bytes kept of one ELF file beyond its head (dynamic section, string and version tables). */
const ELF_KEEP_MAX = 16 * 1024 * 1024;

const EMPTY = new Uint8Array(0);
/** The ELF reader's page (util/random-access-source.ts reads whole pages). */
const PAGE = 4096;

/** One kept piece of a file: `bytes` from offset `start`. */
export interface SamplePiece {
  start: number;
  bytes: Uint8Array;
}

/** A sample as plain data (what a stored verified base keeps of it: verify/base-store.ts). */
export interface SampleParts {
  size: number;
  head: Uint8Array;
  /** The kept pieces, the first one starting at 0. */
  pieces: SamplePiece[];
  elf?: ElfFacts;
}

/** Where a sample made here keeps its pieces (copied along when a sample is spread). */
const PIECES = Symbol('sample pieces');

interface KeptSample extends FileSample {
  readonly [PIECES]: SamplePiece[];
}

/** The plain data of a sample made by this module (every sample of a tree is). */
export function sampleParts(sample: FileSample): SampleParts {
  const pieces = (sample as Partial<KeptSample>)[PIECES];
  if (pieces === undefined) throw new Error('sampleParts: not a sample made by file-sample.ts');
  const parts: SampleParts = { size: sample.size, head: sample.head, pieces };
  if (sample.elf !== undefined) parts.elf = sample.elf;
  return parts;
}

/** The sample {@link sampleParts} took apart: the same reads give the same bytes. */
export function sampleFromParts(parts: SampleParts): FileSample {
  const sample = piecesSample(parts.size, parts.head, parts.pieces);
  return parts.elf === undefined ? sample : { ...sample, elf: parts.elf };
}

/** A sample over bytes in memory (records built in tests, or files kept whole). */
export function wholeSample(bytes: Uint8Array): FileSample {
  const sample: KeptSample = {
    size: bytes.length,
    head: bytes,
    read: (offset, length) =>
      bytes.subarray(Math.min(offset, bytes.length), Math.min(offset + length, bytes.length)),
    [PIECES]: [{ start: 0, bytes }],
  };
  return sample;
}

/** The sample of an empty file. */
export const EMPTY_SAMPLE: FileSample = wholeSample(EMPTY);

/** One kept range; `always` ranges (PT_DYNAMIC, PT_INTERP: small) do not count against the cap. */
interface Range {
  start: number;
  end: number;
  always?: boolean;
}

/** A program header as read from the head of an ELF file. */
interface HeadPhdr {
  type: number;
  flags: number;
  offset: number;
  filesz: number;
}

/**
 * The program headers of an ELF file that lie within `head` (those past its end left out), and
 * where the ELF header and the header table end; none when `head` holds no ELF header.
 */
function headProgramHeaders(head: Uint8Array): { tableEnd: number; phdrs: HeadPhdr[] } {
  const none = { tableEnd: 0, phdrs: [] };
  if (head.length < 0x34 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) {
    return none;
  }
  const is64 = head[4] === 2;
  const little = head[5] !== 2;
  if (is64 && head.length < 0x40) return none;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const word = (at: number) => (is64 ? Number(view.getBigUint64(at, little)) : view.getUint32(at, little));
  const phoff = word(is64 ? 0x20 : 0x1c);
  const phentsize = view.getUint16(is64 ? 0x36 : 0x2a, little);
  const phnum = view.getUint16(is64 ? 0x38 : 0x2c, little);
  const phdrs: HeadPhdr[] = [];
  for (let i = 0; i < phnum; i++) {
    const ph = phoff + i * phentsize;
    if (ph + (is64 ? 0x38 : 0x20) > head.length) break;
    phdrs.push({
      type: view.getUint32(ph, little),
      flags: view.getUint32(ph + (is64 ? 4 : 24), little),
      offset: word(ph + (is64 ? 0x08 : 0x04)),
      filesz: word(ph + (is64 ? 0x20 : 0x10)),
    });
  }
  return { tableEnd: Math.max(is64 ? 0x40 : 0x34, phoff + phnum * phentsize), phdrs };
}

/** The file ranges an ELF file's checks read, from its program headers in `head` (none if unparsable). */
function elfRanges(head: Uint8Array, size: number): Range[] {
  const ranges: Range[] = [];
  for (const { type, flags, offset, filesz } of headProgramHeaders(head).phdrs) {
    const PF_X = 1;
    // PT_LOAD that is not executable holds the dynamic symbol, string and version tables (and
    // .dynamic in the RW one); an executable first segment (no -z separate-code) holds them before
    // .text. PT_DYNAMIC and PT_INTERP themselves.
    const wanted = type === 2 || type === 3 || (type === 1 && ((flags & PF_X) === 0 || offset === 0));
    if (wanted && filesz > 0) {
      const always = type !== 1;
      const end = Math.min(size, offset + (always ? Math.min(filesz, 1 << 20) : filesz));
      ranges.push({ start: offset, end, always });
    }
  }
  return ranges;
}

/**
 * Merges ranges: PT_DYNAMIC and PT_INTERP whole, the segments up to {@link ELF_KEEP_MAX} in all
 * (earlier offsets first: the symbol, string and version tables come first in a file).
 */
function merge(input: Range[], size: number): Range[] {
  // Whole pages: the ELF reader reads through a page cache (util/random-access-source.ts), so a
  // range ending inside a page must keep that page to its end (or the file's).
  const ranges = input.map((r) => ({
    ...r,
    start: Math.floor(r.start / PAGE) * PAGE,
    end: Math.min(size, Math.ceil(r.end / PAGE) * PAGE),
  }));
  const capped: Range[] = [];
  let budget = ELF_KEEP_MAX;
  for (const r of [...ranges].filter((x) => !x.always).sort((a, b) => a.start - b.start)) {
    const end = Math.min(r.end, r.start + budget);
    if (end <= r.start) break;
    budget -= end - r.start;
    capped.push({ start: r.start, end });
  }
  const sorted = [...capped, ...ranges.filter((x) => x.always)].sort((a, b) => a.start - b.start);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out.at(-1);
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

/**
 * Reads a file's data from the stream and keeps what the checks need: the whole file when small or
 * a config file (`keepWhole`), the ELF ranges of an ELF file, else its first bytes. Never holds
 * more than one decoded chunk of what it drops. Data the reader already holds whole
 * ({@link EntryContent.inMemory}) is sampled without a promise.
 */
export function captureSample(content: EntryContent, keepWhole: boolean): FileSample | Promise<FileSample> {
  const { size } = content;
  const whole = content.inMemory;
  if (whole !== undefined) {
    if (size === 0) return EMPTY_SAMPLE;
    if (size <= SMALL_MAX || (keepWhole && size <= CONFIG_MAX)) return wholeSample(ownCopy(whole));
    const sampler = new Sampler(size);
    sampler.push(whole);
    return sampler.finish();
  }
  return captureStreamed(content, keepWhole);
}

async function captureStreamed(content: EntryContent, keepWhole: boolean): Promise<FileSample> {
  const { size } = content;
  if (size === 0) {
    for await (const _ of content.chunks());
    return EMPTY_SAMPLE;
  }
  if (size <= SMALL_MAX || (keepWhole && size <= CONFIG_MAX)) return wholeSample(await content.bytes());
  const sampler = new Sampler(size);
  for await (const chunk of content.chunks()) sampler.push(chunk);
  return sampler.finish();
}

/** Keeps the head and the wanted ELF ranges of a file's chunks as they pass, in order. */
class Sampler {
  readonly #size: number;
  readonly #headParts: Uint8Array[] = [];
  #headLength = 0;
  // Assume ELF until the first 4 bytes say otherwise.
  #headMax = ELF_HEAD;
  #identified = false;
  #ranges: Range[] | undefined;
  readonly #kept: { start: number; bytes: Uint8Array[] }[] = [];
  #at = 0;

  constructor(size: number) {
    this.#size = size;
  }

  push(chunk: Uint8Array): void {
    const chunkStart = this.#at;
    this.#at += chunk.length;
    const headParts = this.#headParts;
    if (this.#headLength < this.#headMax) {
      // Views, not copies: the decoders hand out a fresh buffer per chunk, and what this sample
      // keeps past finish() is copied there (a few hundred bytes of an ELF file, 512 of another).
      const take = chunk.subarray(0, this.#headMax - this.#headLength);
      headParts.push(take);
      this.#headLength += take.length;
      if (!this.#identified && this.#headLength >= 4) {
        this.#identified = true;
        if (!isElfHead(headParts)) this.#headMax = HEAD_MAX;
      }
      if (this.#headMax === HEAD_MAX && this.#headLength > HEAD_MAX) {
        // Not ELF: the first bytes (a #! line) are all any check reads.
        const head = ownCopy(joined(headParts).subarray(0, HEAD_MAX));
        headParts.length = 0;
        headParts.push(head);
        this.#headLength = head.length;
      }
    }
    if (this.#headLength >= this.#headMax && this.#ranges === undefined) {
      this.#ranges =
        this.#headMax === ELF_HEAD ? merge(elfRanges(joined(headParts), this.#size), this.#size) : [];
      for (const r of this.#ranges) this.#kept.push({ start: r.start, bytes: [] });
    }
    const ranges = this.#ranges;
    if (ranges === undefined) return;
    // Keep the parts of this chunk that fall in a wanted range beyond the head.
    for (let i = 0; i < ranges.length; i++) {
      const r = ranges[i]!;
      const from = Math.max(r.start, chunkStart, this.#headLength);
      const to = Math.min(r.end, this.#at);
      if (from >= to) continue;
      const target = this.#kept[i]!;
      if (target.bytes.length === 0) target.start = from;
      target.bytes.push(chunk.subarray(from - chunkStart, to - chunkStart));
    }
  }

  finish(): FileSample {
    const size = this.#size;
    const head = joined(this.#headParts);
    if (this.#headMax !== ELF_HEAD) return piecesSample(size, head, [{ start: 0, bytes: head }]);
    // Each kept view a piece of its own (adjacent pieces read as one): no copy of what is dropped.
    const pieces = [{ start: 0, bytes: head }];
    for (const k of this.#kept) {
      let at = k.start;
      for (const bytes of k.bytes) {
        pieces.push({ start: at, bytes });
        at += bytes.length;
      }
    }
    return elfSample(piecesSample(size, head, pieces));
  }
}

/** Random access over kept pieces (the first one starts at 0 and is the head). */
function piecesSample(size: number, head: Uint8Array, pieces: SamplePiece[]): KeptSample {
  return {
    [PIECES]: pieces,
    size,
    head,
    read(offset, length) {
      const end = Math.min(size, offset + length);
      if (offset >= end) return EMPTY;
      for (const p of pieces) {
        if (offset >= p.start && end <= p.start + p.bytes.length) {
          return p.bytes.subarray(offset - p.start, end - p.start);
        }
      }
      // A read across the end of one kept piece into the next one that follows it without a gap
      // (the head and the first kept range): joined.
      const parts: Uint8Array[] = [];
      let at = offset;
      for (const p of pieces) {
        if (at >= end) break;
        if (at < p.start || at >= p.start + p.bytes.length) continue;
        const to = Math.min(end, p.start + p.bytes.length);
        parts.push(p.bytes.subarray(at - p.start, to - p.start));
        at = to;
      }
      if (at >= end) return Buffer.concat(parts);
      throw new NotKeptError(offset, length);
    },
  };
}

/**
 * An ELF file's sample: when every ELF reader of the checks parses what was kept, their answers
 * ({@link ElfFacts}) and the bytes up to the end of the program headers and PT_INTERP (what
 * `elfInterpreter` and the magic checks read of `head`), a few hundred bytes; else (a file the
 * readers refuse) the pages they read ({@link trimToReads}), so the checks meet the very same error
 * naming the file's path.
 */
function elfSample(full: FileSample): FileSample {
  const facts = elfFacts(full);
  if (facts === undefined) return trimToReads(full);
  const head = ownCopy(full.head.subarray(0, elfHeadEnd(full.head)));
  return { ...piecesSample(full.size, head, [{ start: 0, bytes: head }]), elf: facts };
}

function elfFacts(full: FileSample): ElfFacts | undefined {
  try {
    const identity = identifySource(
      pagedSource(full.size, (o, l) => full.read(o, l)),
      'sample',
    );
    if (identity.kind !== 'elf') return undefined;
    return {
      info: identity.info,
      versions: readElfVersionsSource(full, 'sample'),
      loadProblem: loadSegmentProblem(full, 'sample'),
    };
  } catch {
    return undefined;
  }
}

/** The end of the ELF header, the program headers and PT_INTERP (when within `head`). */
function elfHeadEnd(head: Uint8Array): number {
  const { tableEnd, phdrs } = headProgramHeaders(head);
  let end = tableEnd;
  for (const { type, offset, filesz } of phdrs) {
    if (type !== 3) continue;
    // Past the head (libc.so.6's is in its rodata), elfInterpreter never saw it: not kept.
    const interpEnd = offset + filesz;
    if (interpEnd <= head.length) end = Math.max(end, interpEnd);
  }
  return Math.min(head.length, end);
}

/** version-check.ts reads this much of an object's head in one piece (its HEAD_SIZE). */
const VERSION_HEAD = 16 * 1024;

/**
 * An ELF sample cut down to the bytes the checks read: the readers the checks run over a file
 * (identification and dynamic section, symbol versions, PT_LOAD bounds, through the same page
 * cache they use) are run once here over everything kept, recording each range they touch, and only
 * those pages (and the head up to PT_INTERP) stay. The segments kept while streaming (rodata, data)
 * are dropped, so what an image costs is a few pages per ELF file, not its size. The checks read the
 * same ranges again later and find them; a reader that fails here fails the same way there.
 */
function trimToReads(full: FileSample): FileSample {
  const { size } = full;
  const touched: [number, number][] = [];
  const recorder: RandomAccessSource = {
    size,
    read(offset, length) {
      const bytes = full.read(offset, length);
      touched.push([offset, offset + bytes.length]);
      return bytes;
    },
  };
  const paged = () => pagedSource(size, (offset, length) => recorder.read(offset, length));
  const quietly = (run: () => unknown) => {
    try {
      run();
    } catch {
      // The check meets the same error on the same reads.
    }
  };
  quietly(() => identifySource(paged(), 'sample'));
  quietly(() => {
    const head = recorder.read(0, Math.min(size, VERSION_HEAD));
    const rest = paged();
    const src: RandomAccessSource = {
      size,
      read: (offset, length) =>
        offset + length <= head.length ? head.subarray(offset, offset + length) : rest.read(offset, length),
    };
    readElfVersionsSource(src, 'sample');
  });
  quietly(() => loadSegmentProblem(recorder, 'sample'));
  // The head: what elfInterpreter and the magic checks read from `data` (program headers, PT_INTERP).
  const interpEnd = elfRanges(full.head, size)
    .filter((r) => r.always)
    .reduce((end, r) => Math.max(end, r.end), 0);
  const headEnd = Math.min(
    full.head.length,
    Math.max(VERSION_HEAD, interpEnd <= full.head.length ? interpEnd : 0),
  );
  const ranges = merge(
    touched.map(([start, end]) => ({ start, end })),
    size,
  ).filter((r) => r.end > headEnd);
  const head = ownCopy(full.head.subarray(0, headEnd));
  const pieces = [{ start: 0, bytes: head as Uint8Array }];
  for (const r of ranges) {
    const start = Math.max(r.start, headEnd);
    pieces.push({ start, bytes: ownCopy(full.read(start, r.end - start)) });
  }
  return piecesSample(size, head, pieces);
}

/** The parts as one array: the part itself when there is one (no copy). */
function joined(parts: readonly Uint8Array[]): Uint8Array {
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

function isElfHead(parts: readonly Uint8Array[]): boolean {
  const b = joined(parts).subarray(0, 4);
  return b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
}
