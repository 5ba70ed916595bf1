import type { BootVerdict } from '../qemu/index.js';
import type { Io } from './run.js';
import { paint, useColor } from './terminal.js';

/**
 * The human form of a boot verdict, shared by `rock-verify boot` and `rock-kernel boot` (one runner,
 * two entry points): the time to each expected marker, the last console lines on failure, and a final
 * PASSED/FAILED line with the status and reason.
 */
export function printBootVerdict(io: Io, verdict: BootVerdict): void {
  for (const m of verdict.markers) {
    io.out(`${m.ms === null ? 'missing' : `${(m.ms / 1000).toFixed(2)}s`.padStart(7)}  ${m.text}`);
  }
  if (!verdict.passed) {
    io.out(`--- last ${verdict.lastLines.length} console lines (${verdict.logFile}) ---`);
    for (const line of verdict.lastLines) io.out(line);
  }
  const color = useColor();
  const head = verdict.passed ? paint('PASSED', 'green', color) : paint('FAILED', 'red', color);
  io.out(
    `${head}: ${verdict.status}: ${verdict.reason} (${verdict.accel}, ${(verdict.durationMs / 1000).toFixed(1)}s)`,
  );
}
