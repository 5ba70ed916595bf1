/**
 * The one error shape every library function throws for a problem a user can act on.
 *
 * - `code` is stable (tests and `--json` consumers match on it): `CPIO_BAD_MAGIC`, `PATH_ESCAPE`, ...
 * - `data` says where and what: file, offset or line:col, field, expected, actual.
 * - `exitCode` is what a CLI exits with: 1 a check failed, 2 unusable input or usage.
 * - `message` is one line, e.g. `initrd.img:0x1f4: namesize: expected <= 4096, got 4294967295`.
 *
 * `Code` narrows `code` to a domain's union (`ToolError<KernelErrorCode>`), so a caller can switch on
 * it; each domain lists its codes in its `error-codes.ts`. Unparameterised, it is any string.
 */
export class ToolError<Code extends string = string> extends Error {
  readonly code: Code;
  readonly data: Readonly<Record<string, unknown>>;
  readonly exitCode: 1 | 2;

  constructor(code: Code, message: string, data: Record<string, unknown> = {}, exitCode: 1 | 2 = 2) {
    super(message.replace(/\s*\n\s*/g, ' '));
    this.name = 'ToolError';
    this.code = code;
    this.data = data;
    this.exitCode = exitCode;
  }
}

/** Input the tool cannot use (bad archive, bad flag, missing file): exit code 2. */
export class InputError<Code extends string = string> extends ToolError<Code> {
  constructor(code: Code, message: string, data: Record<string, unknown> = {}) {
    super(code, message, data, 2);
    this.name = 'InputError';
  }
}

/** A check ran and failed (the image breaks the contract, the boot did not pass): exit code 1. */
export class CheckError<Code extends string = string> extends ToolError<Code> {
  constructor(code: Code, message: string, data: Record<string, unknown> = {}) {
    super(code, message, data, 1);
    this.name = 'CheckError';
  }
}

/** A bug in this program, never the user's fault. */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InternalError';
  }
}

/** The problem was already reported to the user; only the exit code remains to be set. */
export class ExitError extends Error {
  readonly exitCode: number;
  constructor(exitCode: number) {
    super(`exit ${exitCode}`);
    this.name = 'ExitError';
    this.exitCode = exitCode;
  }
}

/** Formats a byte offset the way every message in this suite does: `0x1f4`. */
export function hexOffset(offset: number): string {
  return `0x${offset.toString(16)}`;
}
