/** Human output of a {@link VerifyReport}. */
import type { VerifyReport } from './types.js';

/**
 * Renders a report: one line per failure, then one `warning: ` line per warning, one `note: ` line
 * per notice, then
 * `PASSED: <image>: <n> checks` or `FAILED: <image>: <k> of <n> checks failed`. No trailing newline.
 * @example formatReport(report, 'rock.img') // 'PASSED: rock.img: 123 checks'
 */
export function formatReport(report: VerifyReport, imageName: string): string {
  const lines = [
    ...report.failures.map((f) => f.message),
    ...report.warnings.map((w) => `warning: ${w.message}`),
    ...(report.notices ?? []).map((n) => `note: ${n.message}`),
  ];
  lines.push(
    report.passed
      ? `PASSED: ${imageName}: ${report.checked} checks`
      : `FAILED: ${imageName}: ${report.failures.length} of ${report.checked} checks failed`,
  );
  return lines.join('\n');
}
