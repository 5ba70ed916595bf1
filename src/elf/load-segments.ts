import { bufferSource, type RandomAccessSource } from '../util/random-access-source.js';
import { readElfHeader } from './elf-header.js';
import { PT, readProgramHeaders } from './program-headers.js';

/**
 * Says why an ELF object cannot be mapped by the loader, or null when it can: a PT_LOAD segment whose
 * file bytes run past the end of the file. The loader does not check this (glibc's
 * `_dl_map_segments` maps whatever the header says); the process then dies with SIGBUS the first
 * time it touches a page beyond the end, typically while relocating, before main. A truncated library
 * whose headers still parse is exactly that case.
 *
 * Throws the header errors of {@link readElfHeader} / {@link readProgramHeaders} for a file whose
 * headers do not parse at all.
 */
export function loadSegmentProblem(bytes: Uint8Array | RandomAccessSource, source: string): string | null {
  const src = bytes instanceof Uint8Array ? bufferSource(bytes) : bytes;
  const { header, fields } = readElfHeader(src, source);
  for (const ph of readProgramHeaders(src, header, fields, source)) {
    if (ph.type !== PT.LOAD || ph.filesz === 0) continue;
    if (!(ph.offset + ph.filesz <= src.size)) {
      return `PT_LOAD at 0x${ph.offset.toString(16)}+${ph.filesz} ends past the file size ${src.size} (truncated?)`;
    }
  }
  return null;
}
