import { ExitError } from '../../errors/index.js';

/** One call a program made into its command table. */
export interface RecordedCall {
  command: string;
  options: unknown;
}

/**
 * A command table that records each call's options and stops there (exit 0, nothing rendered), so a
 * test sees exactly what argv became: the program builder's flag mapping, with no work done.
 */
export function recordCommands<Commands extends object>(): { commands: Commands; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const commands = new Proxy({} as Commands, {
    get: (_target, command) => async (options: unknown) => {
      calls.push({ command: String(command), options });
      throw new ExitError(0);
    },
  });
  return { commands, calls };
}
