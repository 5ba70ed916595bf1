/** Options of {@link extractRecords}; every default is the safe choice. */
export interface ExtractOptions {
  /**
   * Create device nodes, FIFOs and sockets. They are created only when running as root
   * (`process.getuid() === 0`) and this is not `false`; otherwise each is recorded in
   * {@link ExtractResult.skippedDevices} and reported as a `DEVICE_SKIPPED` warning, never an error.
   * `true` grants no privilege: a non-root run still skips them.
   */
  devices?: boolean;
  /** Apply the archive's uid/gid (`lchown`). Default `false`: everything belongs to the caller. */
  preserveOwners?: boolean;
  /** Keep setuid/setgid bits. Default `false`: they are stripped (the sticky bit is always kept). */
  preserveSpecialBits?: boolean;
  /** Most path components a name may have. Default 2048 (what PATH_MAX allows). Deeper names fail with `EXTRACT_LIMIT`. */
  maxDepth?: number;
  /** The archive's name, put in front of every error message (`rock.img:0x1f4: ...`). */
  source?: string;
  /** Called for each notice that is not an error (see {@link ExtractWarning}). */
  onWarning?: (warning: ExtractWarning) => void;
}

/**
 * A notice that did not stop extraction. Codes:
 * - `PATH_STRIPPED`: a leading `/` or drive prefix (`C:`) was removed from a name;
 * - `MISSING_PARENT`: a parent directory the archive never listed was created (the kernel creates none,
 *   so this entry would be missing at boot);
 * - `DEVICE_SKIPPED`: a device node, FIFO or socket was recorded but not created;
 * - `ROOT_NOT_EMPTY`: the destination already held files (they are never followed, only replaced).
 */
export interface ExtractWarning {
  code: string;
  /** The normalised member path (relative to the destination), or the destination itself. */
  path: string;
  message: string;
}

/** What {@link extractRecords} created. */
export interface ExtractResult {
  /** Regular files created as new inodes (hard links to them are counted in `hardlinks`). */
  files: number;
  /** Directory entries created or found already there. */
  directories: number;
  symlinks: number;
  /** Records that became a hard link to an earlier record of their group. */
  hardlinks: number;
  /** Device nodes, FIFOs and sockets created. */
  devices: number;
  /** Special files recorded but not created (not root, or `devices: false`). */
  skippedDevices: { path: string; type: string; major: number; minor: number }[];
}
