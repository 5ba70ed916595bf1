/**
 * `rock-image.yaml`, the image definition (what mkinitcpio.conf, dracut.conf and LinuxKit's YAML are
 * to their users): the components, keys, configs, overlays, kernel, compression and output of an
 * image, so `rock-image --mac X` is a whole build. Strict: an unknown key is an error. Published as
 * `schemas/image.schema.json` from this same schema.
 */
import { z } from 'zod';
import { WRITE_COMPRESSIONS, type WriteCompression } from '../../compression/index.js';

const path = (what: string) => z.string({ error: what }).min(1, { error: what });

export const imageDefinitionSchema = z
  .strictObject({
    components_dir: path('a directory')
      .optional()
      .describe('a rock-build output directory holding rock-init, rock-manager, volcano-agent and busybox'),
    components: z
      .strictObject({
        init: path('a file').optional().describe('rock-init, installed as /sbin/init'),
        manager: path('a file').optional().describe('rock-manager, /usr/bin/rock-manager'),
        agent: path('a file').optional().describe('volcano-agent, /usr/bin/volcano-agent'),
        busybox: path('a file').optional().describe('static busybox, /bin/busybox'),
      })
      .optional()
      .describe('component files; each wins over components_dir'),
    config_key: path('a file').optional().describe('CONFIG_KEY, placed at /config/CONFIG_KEY (0400)'),
    node_config: path('a file').optional().describe('node.yaml, placed at /config/node.yaml'),
    configs: z
      .array(
        z.strictObject({
          file: path('a file').describe('the file on the build host'),
          path: z
            .string({ error: 'a path under /config/ or /etc/rock/' })
            .regex(/^\/(?:config|etc\/rock)\/./, { error: 'a path under /config/ or /etc/rock/' })
            .describe('where it goes in the image'),
        }),
        { error: 'a list of { file, path }' },
      )
      .optional()
      .describe('further config files'),
    rootfs: z
      .array(path('a directory'), { error: 'a list of directories' })
      .optional()
      .describe('overlay directories laid under the contract entries'),
    kernel: z
      .string()
      .min(1)
      .optional()
      .describe('a stored kernel (rock-kernel add) the image is checked against'),
    modules: z.array(z.string().min(1), { error: 'a list of module names' }).optional(),
    compress: z
      .enum(WRITE_COMPRESSIONS as [WriteCompression, ...WriteCompression[]], {
        error: `one of ${WRITE_COMPRESSIONS.join(', ')}`,
      })
      .optional()
      .describe('compression of the image (default gzip)'),
    level: z
      .int({ error: 'a whole number' })
      .min(0, { error: 'a whole number' })
      .optional()
      .describe("compression level (default: the codec's; its range is checked for the codec)"),
    threads: z
      .int({ error: 'a whole number' })
      .min(0, { error: 'a whole number' })
      .optional()
      .describe(
        'encoder threads for gzip and zstd (default: all cores); the image is the same for any value',
      ),
    sign: path('a file').optional().describe('minisign secret key: also write IMAGE.minisig'),
    deps: z.boolean().optional().describe('add the loader closure of dynamic components (default true)'),
    mac: z.string().min(1).optional().describe('written into the node config as network.mac'),
    output: path('a file')
      .optional()
      .describe('the image to write (default image.cpio.gz, or the extension of the compression)'),
  })
  .describe('A ROCK-OS image definition (rock-image.yaml)');

/** A parsed image definition. */
export type ImageDefinition = z.output<typeof imageDefinitionSchema>;
