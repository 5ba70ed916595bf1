/** `e_machine` values of the architectures Linux runs on, with the names `readelf` prints. */
const MACHINE_NAMES: Readonly<Record<number, string>> = {
  2: 'sparc',
  3: 'i386',
  8: 'mips',
  10: 'mips-rs3-le',
  15: 'parisc',
  18: 'sparc32plus',
  20: 'ppc',
  21: 'ppc64',
  22: 's390',
  40: 'arm',
  42: 'sh',
  43: 'sparcv9',
  50: 'ia64',
  62: 'x86_64',
  183: 'aarch64',
  243: 'riscv',
  258: 'loongarch',
};

/** The readable name of an `e_machine` value, e.g. `x86_64`; `machine-<n>` for one not in the table. */
export function machineName(machine: number): string {
  return MACHINE_NAMES[machine] ?? `machine-${machine}`;
}

/** e_machine constants the resolver needs by name. */
export const EM = {
  SPARC: 2,
  I386: 3,
  MIPS: 8,
  PPC: 20,
  PPC64: 21,
  S390: 22,
  ARM: 40,
  SPARCV9: 43,
  IA_64: 50,
  X86_64: 62,
  AARCH64: 183,
  RISCV: 243,
  LOONGARCH: 258,
} as const;

/** ELF object types by `e_type`. */
export type ElfType = 'none' | 'rel' | 'exec' | 'dyn' | 'core' | 'other';

/** Maps an `e_type` number to its name. */
export function elfTypeName(type: number): ElfType {
  return (['none', 'rel', 'exec', 'dyn', 'core'] as const)[type] ?? 'other';
}
