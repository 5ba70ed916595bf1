import type { CommandContext } from '../cli/context.js';
import { Catalogue } from './catalogue.js';
import { openRegistryDb } from './db.js';

/** Runs `work` with the catalogue of `$ROCK_HOME/registry.db` open, and closes it afterwards. */
export async function withCatalogue<T>(
  context: Pick<CommandContext, 'home'>,
  work: (c: Catalogue) => Promise<T> | T,
): Promise<T> {
  const catalogue = new Catalogue(openRegistryDb(context.home));
  try {
    return await work(catalogue);
  } finally {
    catalogue.close();
  }
}
