/** Read files in 1 MiB chunks: Node's 64 KiB default costs a third of the throughput on big artifacts. */
export const READ_CHUNK = 1 << 20;
