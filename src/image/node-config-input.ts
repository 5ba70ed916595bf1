import { readFileSync } from 'node:fs';
import { setNodeMac } from '../config/index.js';
import { InputError } from '../errors/index.js';
import { errnoText } from '../util/fs-errors.js';

/**
 * The node configuration as the image will carry it: the file as given, or, with `mac`, the file
 * with `network.mac` set to that address (how an address from `rock-mac allocate` reaches the node).
 *
 * Refuses (exit 2) `mac` without a node configuration to write it into, an unreadable file, and a
 * configuration or address that does not validate.
 */
export function nodeConfigInput(
  path: string | undefined,
  mac: string | undefined,
): string | Uint8Array | undefined {
  if (mac === undefined) return path;
  if (path === undefined) {
    throw new InputError(
      'MAC_WITHOUT_NODE_CONFIG',
      'mac: expected nodeConfig too (the address is written into it)',
      { field: 'mac', fields: ['nodeConfig'] },
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('INPUT_NOT_FOUND', `node config (${path}): cannot read: ${errnoText(err)}`, {
      path,
    });
  }
  return Buffer.from(setNodeMac(text, mac, path));
}
