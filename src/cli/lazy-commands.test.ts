import { describe, expect, it } from 'vitest';
import { lazyCommands } from './lazy-commands.js';

interface Table {
  double(n: number): Promise<number>;
}

describe('lazyCommands', () => {
  it('loads the table once, on the first call, and forwards every argument', async () => {
    let loads = 0;
    const table = lazyCommands<Table>(async () => {
      loads++;
      return { double: async (n) => n * 2 };
    });
    expect(loads).toBe(0);
    expect(await table.double(21)).toBe(42);
    expect(await table.double(2)).toBe(4);
    expect(loads).toBe(1);
  });

  it('is not a thenable (awaiting the table loads nothing) and refuses an unknown command', async () => {
    let loads = 0;
    const table = lazyCommands<Table>(async () => {
      loads++;
      return { double: async (n) => n * 2 };
    });
    expect(await Promise.resolve(table)).toBe(table);
    expect(loads).toBe(0);
    await expect((table as unknown as Record<string, () => Promise<unknown>>).nope?.()).rejects.toThrow(
      'no command nope',
    );
  });
});
