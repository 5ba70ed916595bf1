/** bzip2's CRC-32: polynomial 0x04c11db7, MSB first (not zlib's reflected form). */
export const BZIP2_CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 24;
    for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** The stream CRC: each block's CRC folded in as bzip2 does (rotate left by one, xor). */
export function combineBlockCrc(streamCrc: number, blockCrc: number): number {
  return (((streamCrc << 1) | (streamCrc >>> 31)) ^ blockCrc) >>> 0;
}
