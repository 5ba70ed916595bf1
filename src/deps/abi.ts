import { readFileSync } from 'node:fs';
import { type ElfInfo, EM } from '../elf/index.js';

/** The C library whose loader runs a binary. */
export type LibcFlavor = 'glibc' | 'musl';

/** musl's LDSO_ARCH (the `<arch>` of `ld-musl-<arch>.so.1`) for a machine; null when musl has no port. */
export function muslArch(info: Pick<ElfInfo, 'machine' | 'class' | 'endian'>): string | null {
  switch (info.machine) {
    case EM.X86_64:
      return info.class === 64 ? 'x86_64' : 'x32';
    case EM.I386:
      return 'i386';
    case EM.AARCH64:
      return info.endian === 'little' ? 'aarch64' : 'aarch64_be';
    case EM.ARM:
      return info.endian === 'little' ? 'armhf' : 'armebhf';
    case EM.RISCV:
      return info.class === 64 ? 'riscv64' : 'riscv32';
    case EM.PPC64:
      return info.endian === 'little' ? 'powerpc64le' : 'powerpc64';
    case EM.PPC:
      return 'powerpc';
    case EM.S390:
      return 's390x';
    case EM.LOONGARCH:
      return 'loongarch64';
    case EM.MIPS:
      return info.class === 64 ? 'mips64' : info.endian === 'little' ? 'mipsel' : 'mips';
    default:
      return null;
  }
}

/** glibc's default program interpreter (PT_INTERP its toolchain writes) for a machine. */
export function glibcDefaultInterpreter(info: Pick<ElfInfo, 'machine' | 'class' | 'endian'>): string | null {
  switch (info.machine) {
    case EM.X86_64:
      return info.class === 64 ? '/lib64/ld-linux-x86-64.so.2' : '/libx32/ld-linux-x32.so.2';
    case EM.I386:
      return '/lib/ld-linux.so.2';
    case EM.AARCH64:
      return info.endian === 'little' ? '/lib/ld-linux-aarch64.so.1' : '/lib/ld-linux-aarch64_be.so.1';
    case EM.ARM:
      return '/lib/ld-linux-armhf.so.3';
    case EM.RISCV:
      return info.class === 64 ? '/lib/ld-linux-riscv64-lp64d.so.1' : '/lib/ld-linux-riscv32-ilp32d.so.1';
    case EM.PPC64:
      return info.endian === 'little' ? '/lib64/ld64.so.2' : '/lib64/ld64.so.1';
    case EM.PPC:
      return '/lib/ld.so.1';
    case EM.S390:
      return info.class === 64 ? '/lib/ld64.so.1' : '/lib/ld.so.1';
    case EM.LOONGARCH:
      return '/lib64/ld-linux-loongarch-lp64d.so.1';
    default:
      return null;
  }
}

/** glibc's upstream trusted directories (slibdir, libdir) when they cannot be read from the loader. */
export function glibcFallbackSystemDirs(info: Pick<ElfInfo, 'machine' | 'class'>): string[] {
  if (info.machine === EM.X86_64 && info.class === 32) return ['/libx32/', '/usr/libx32/'];
  if (info.machine === EM.RISCV && info.class === 64) return ['/lib64/lp64d/', '/usr/lib64/lp64d/'];
  if (info.class === 64) return ['/lib64/', '/usr/lib64/'];
  return ['/lib/', '/usr/lib/'];
}

/** AT_PLATFORM the kernel passes (the value of `$PLATFORM`) for a machine, when it does not vary by CPU. */
export function defaultPlatform(info: Pick<ElfInfo, 'machine' | 'class'>): string | undefined {
  if (info.machine === EM.X86_64) return info.class === 64 ? 'x86_64' : undefined;
  if (info.machine === EM.I386) return 'i686';
  if (info.machine === EM.AARCH64) return 'aarch64';
  return undefined;
}

/**
 * `$PLATFORM` as glibc's ld.so sets it on this machine (sysdeps/x86/cpu-features.c, glibc >= 2.26): on
 * an Intel x86-64 CPU it is `haswell` when AVX2, FMA, BMI1, BMI2, LZCNT, MOVBE and POPCNT are usable,
 * `xeon_phi` with AVX512CD, AVX512ER and AVX512PF; otherwise the kernel's AT_PLATFORM (`x86_64`).
 * Measured here: an Intel CPU with those flags, where `ldd` searches `${PLATFORM}` as `haswell` although
 * AT_PLATFORM says `x86_64`. Other machines keep {@link defaultPlatform}.
 */
export function hostPlatform(
  info: Pick<ElfInfo, 'machine' | 'class'>,
  cpuinfo = readCpuinfo(),
): string | undefined {
  const plain = defaultPlatform(info);
  if (plain !== 'x86_64' || process.arch !== 'x64' || cpuinfo === undefined) return plain;
  if (!/^vendor_id\s*:\s*GenuineIntel$/m.test(cpuinfo)) return plain;
  const flags = new Set((/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '').trim().split(/\s+/));
  const has = (...names: string[]) => names.every((n) => flags.has(n));
  if (has('avx512cd', 'avx512er', 'avx512pf')) return 'xeon_phi';
  if (has('avx2', 'fma', 'bmi1', 'bmi2', 'abm', 'movbe', 'popcnt')) return 'haswell';
  return plain;
}

function readCpuinfo(): string | undefined {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Whether an ld.so.cache entry's flags fit the binary, as `_dl_cache_check_flags`: flag 1 (plain ELF) or
 * the architecture's `_DL_CACHE_DEFAULT_ID` (e.g. 0x303 = libc6 + x86-64). For architectures whose id
 * depends on float ABI bits (arm, riscv, mips, loongarch) any libc6 entry is accepted: the ELF check of the
 * candidate still rejects a wrong machine or class.
 */
export function cacheFlagsAccepted(info: Pick<ElfInfo, 'machine' | 'class'>): (flags: number) => boolean {
  const libc6 = 0x0003;
  let id: number | null;
  switch (info.machine) {
    case EM.X86_64:
      id = info.class === 64 ? 0x0303 : 0x0803;
      break;
    case EM.I386:
      id = libc6;
      break;
    case EM.AARCH64:
      id = 0x0a03;
      break;
    case EM.PPC64:
      id = 0x0503;
      break;
    case EM.PPC:
      id = libc6;
      break;
    case EM.S390:
      id = info.class === 64 ? 0x0403 : libc6;
      break;
    case EM.IA_64:
      id = 0x0203;
      break;
    case EM.SPARCV9:
      id = 0x0103;
      break;
    default:
      id = null;
  }
  if (id === null) return (flags) => flags === 1 || (flags & 0xff) === libc6;
  const want = id;
  return (flags) => flags === 1 || flags === want;
}

/** Which loader runs an object: from its interpreter name, else from the C library it needs. */
export function libcFlavor(info: ElfInfo): LibcFlavor {
  const interp = info.interpreter;
  if (interp !== undefined) return /(^|\/)ld-musl-[^/]*$/.test(interp) ? 'musl' : 'glibc';
  if (info.needed.some((n) => n === 'libc.so' || n.startsWith('libc.musl-'))) return 'musl';
  return 'glibc';
}

/** True when a library belongs to glibc's world (needs glibc's libc or loader): never for a musl binary. */
export function isGlibcObject(info: ElfInfo): boolean {
  return (
    info.soname === 'libc.so.6' ||
    info.needed.some((n) => n === 'libc.so.6' || /^ld-linux[-.]/.test(n) || /^ld64\.so\./.test(n))
  );
}

/** True when a library belongs to musl's world: never for a glibc binary. */
export function isMuslObject(info: ElfInfo): boolean {
  return (
    (info.interpreter !== undefined && /ld-musl-/.test(info.interpreter)) ||
    info.needed.some((n) => n.startsWith('libc.musl-') || n === 'libc.so')
  );
}
