/** Base images for the overlay tests: the stand-in components as a contract image, per codec. */
import fs from 'node:fs';
import path from 'node:path';
import type { WriteCompression } from '../../../compression/index.js';
import { fixturesDir } from '../../../qemu/test-support/test-kernel.js';
import { createImage } from '../../create-image.js';

export const KEY = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n';

export const NODE = (id: string): string =>
  `node_id: ${id}\nhostname: ${id}\nrole: worker\nnetwork:\n  interface: eth0\nvolcano:\n  server_url: https://v.example.com:8443\n  agent_id: ${id}\n`;

/** Writes the key, a node.yaml and one base image per codec into `work`; returns the images by codec. */
export async function makeBases(
  work: string,
  codecs: readonly WriteCompression[],
): Promise<Partial<Record<WriteCompression, string>>> {
  const at = (name: string) => path.join(work, name);
  fs.writeFileSync(at('key'), KEY, { mode: 0o600 });
  fs.writeFileSync(at('base.yaml'), NODE('base'));
  const fx = fixturesDir();
  const bases: Partial<Record<WriteCompression, string>> = {};
  for (const compress of codecs) {
    const output = at(`base.${compress}.img`);
    await createImage({
      components: {
        init: path.join(fx, 'rock-init'),
        manager: path.join(fx, 'rock-manager'),
        agent: path.join(fx, 'volcano-agent'),
        busybox: path.join(fx, 'busybox'),
      },
      configKey: at('key'),
      nodeConfig: at('base.yaml'),
      compress,
      output,
    });
    bases[compress] = output;
  }
  return bases;
}
