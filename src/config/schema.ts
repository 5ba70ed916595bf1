/**
 * The node configuration rock-init reads from the contract's node config path, as a zod schema. Every
 * object is strict: an unknown key is an error, because a misspelt key (`hearbeat`) silently ignored
 * is a node that boots with the wrong setting. The same schema is published as JSON Schema
 * (`schemas/node.schema.json`) so editors can check a file while it is written.
 *
 * Each `error` text is what was expected, phrased to follow "expected": validation messages read
 * `<file>:<line>:<col>: <path>: expected <that>, got <value>`.
 */
import { z } from 'zod';
import { CANONICAL_MAC, looksLikeMac, normalizeMac } from '../net/index.js';

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const LABEL_KEY =
  /^(?:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?\/)?[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9._-]{0,61}[A-Za-z0-9])?)?$/;
/** Linux IFNAMSIZ is 16 including the NUL; no `/`, no whitespace, not `.` or `..`. */
const IFNAME = /^(?!\.{1,2}$)[A-Za-z0-9_.:-]{1,15}$/;

const ip = z.union([z.ipv4(), z.ipv6()], { error: 'an IPv4 or IPv6 address' });
const cidr = z.union([z.cidrv4(), z.cidrv6()], {
  error: 'an address with a prefix length, like 10.0.0.5/24',
});
const ifname = z.string({ error: 'an interface name' }).regex(IFNAME, {
  error: 'an interface name of 1-15 characters (letters, digits, _ . : -)',
});

/** A VLAN on the node's interface. */
export const vlanSchema = z
  .strictObject({
    id: z.int({ error: 'an integer VLAN id 1-4094' }).min(1).max(4094),
    name: ifname.optional().describe('interface name; default <interface>.<id>'),
    addresses: z.array(cidr).optional().describe('static addresses; none means DHCP'),
    mtu: z.int().min(1280).max(9000).optional(),
  })
  .describe('An 802.1Q VLAN on the node interface');

export const networkSchema = z
  .strictObject({
    interface: ifname.describe('the interface rock-init configures, e.g. eth0'),
    mac: z
      .string()
      // The suite's one MAC parser decides; the file keeps the canonical form rock-init compares with.
      .regex(CANONICAL_MAC, {
        error: (iss) =>
          typeof iss.input === 'string' && looksLikeMac(iss.input)
            ? `the canonical MAC form ${normalizeMac(iss.input)} (lower case, colons)`
            : 'a MAC address like 52:54:00:12:34:56',
      })
      .optional()
      .describe('hardware address the interface must have'),
    addresses: z.array(cidr).optional().describe('static addresses with prefix length; none means DHCP'),
    gateway: ip.optional().describe('default route'),
    dns: z.array(ip).max(3, { error: 'at most 3 DNS servers (resolv.conf MAXNS)' }).optional(),
    mtu: z
      .int({ error: 'an integer MTU 1280-9000' })
      .min(1280)
      .max(9000)
      .optional()
      .describe('bytes, 1280-9000'),
    vlans: z.array(vlanSchema).optional(),
  })
  .describe('Network of the node');

export const mountSchema = z.strictObject({
  device: z.string().regex(/^(?:\/dev\/[A-Za-z0-9._/-]+|(?:LABEL|UUID)=[A-Za-z0-9._-]+|tmpfs)$/, {
    error: 'a device (/dev/..., LABEL=..., UUID=...) or tmpfs',
  }),
  path: z.string().regex(/^\/(?:[A-Za-z0-9._-]+\/?)*$/, { error: 'an absolute mount path' }),
  fstype: z.enum(['ext4', 'xfs', 'btrfs', 'vfat', 'tmpfs'], {
    error: 'one of ext4, xfs, btrfs, vfat, tmpfs',
  }),
  options: z.array(z.string().regex(/^[a-z0-9_=,.-]+$/, { error: 'a mount option like noatime' })).optional(),
});

export const storageSchema = z
  .strictObject({
    mounts: z.array(mountSchema).optional().describe('filesystems rock-init mounts, in order'),
    swap: z.boolean().optional(),
  })
  .describe('Storage of the node');

export const volcanoSchema = z
  .strictObject({
    server_url: z
      .url({ protocol: /^https?$/, error: 'an http:// or https:// URL' })
      .describe('Volcano server'),
    agent_id: z.string().regex(NAME, { error: 'an agent id of lower-case letters, digits and -' }),
    token: z.string().min(1).optional().describe('enrolment token (secret: shown redacted)'),
    heartbeat: z
      .int({ error: 'an integer number of seconds 10-300' })
      .min(10)
      .max(300)
      .default(30)
      .describe('seconds between heartbeats, 10-300'),
    retries: z
      .int({ error: 'an integer 1-10' })
      .min(1)
      .max(10)
      .default(3)
      .describe('attempts before giving up, 1-10'),
  })
  .describe('How volcano-agent reaches its server');

export const featuresSchema = z
  .strictObject({
    ssh: z.boolean().optional(),
    metrics: z.boolean().optional(),
    debug_shell: z.boolean().optional(),
    auto_update: z.boolean().optional(),
  })
  .describe('Optional features; absent means off');

/** The whole node.yaml. */
export const nodeConfigSchema = z
  .strictObject({
    node_id: z
      .string({ error: 'a node id' })
      .regex(NAME, { error: 'a node id of lower-case letters, digits and - (1-63)' }),
    hostname: z.string({ error: 'a hostname' }).regex(HOSTNAME, { error: 'a lower-case RFC 1123 hostname' }),
    role: z.enum(['master', 'worker', 'edge'], { error: 'one of master, worker, edge' }),
    labels: z
      .record(
        z.string().regex(LABEL_KEY, { error: 'a label key like zone or example.com/rack' }),
        z
          .string({ error: 'a label value (a string)' })
          .regex(LABEL_VALUE, { error: 'a label value of up to 63 characters' }),
      )
      .optional(),
    network: networkSchema,
    storage: storageSchema.optional(),
    volcano: volcanoSchema,
    features: featuresSchema.optional(),
  })
  .describe('ROCK-OS node configuration (node.yaml), read by rock-init');

/** A validated node configuration, defaults applied. */
export type NodeConfig = z.output<typeof nodeConfigSchema>;

/** A node configuration as written (defaults not yet applied). */
export type NodeConfigInput = z.input<typeof nodeConfigSchema>;

/** Keys whose values are secrets: `show` redacts them. */
export const SECRET_KEYS: ReadonlySet<string> = new Set(['token', 'password', 'secret', 'private_key']);
