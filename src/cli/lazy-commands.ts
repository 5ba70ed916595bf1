/**
 * A command table whose module is imported when a command first runs, not when the program is
 * built: `--version`, `--help` and usage errors then load commander and the flag wiring only, and
 * each tool's start-up stays near node's own (the domain modules pull in zod, yaml, SQLite, pg...).
 */
export function lazyCommands<Commands extends object>(load: () => Promise<Commands>): Commands {
  let table: Promise<Commands> | undefined;
  return new Proxy({} as Commands, {
    get: (_target, command) => {
      // Not a thenable, and no symbol is a command: only named commands are forwarded.
      if (typeof command !== 'string' || command === 'then') return undefined;
      return async (...args: unknown[]) => {
        table ??= load();
        const run = (await table)[command as keyof Commands];
        if (typeof run !== 'function') throw new TypeError(`no command ${command}`);
        return run(...args);
      };
    },
  });
}
