/**
 * What a decoder in this folder throws when its input is corrupt or ends early: the field, what was
 * expected and what was found, and the byte offset in the decoder's own input. The segment readers
 * (src/cpio/*-segment.ts) turn it into the one-line InputError that names the file and segment.
 */
export class CodecFailure extends Error {
  constructor(
    /** `truncated` when the input ends before the data does, `corrupt` otherwise. */
    readonly kind: 'truncated' | 'corrupt',
    /** Byte offset of the failure in the input the decoder was given. */
    readonly offset: number,
    readonly field: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`${field}: expected ${expected}, got ${actual}`);
    this.name = 'CodecFailure';
  }
}
