import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { errnoText } from '../util/fs-errors.js';

/** The schema of a stored kernel's `meta.json`: read back, it is validated, never cast. */
export const KernelMetaSchema = z.object({
  name: z.string().min(1),
  release: z.string().min(1),
  versionString: z.string(),
  protocol: z.string(),
  source: z.object({
    kind: z.enum(['bzimage', 'deb', 'apk']),
    origin: z.string(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  }),
  vmlinuzSha256: z.string().regex(/^[0-9a-f]{64}$/),
  vmlinuzBytes: z.number().int().nonnegative(),
  hasConfig: z.boolean(),
  hasSystemMap: z.boolean(),
  moduleCount: z.number().int().nonnegative(),
  modulesDepGenerated: z.boolean(),
  skipped: z.array(z.string()),
  addedAt: z.string(),
});

/** meta.json of a stored kernel. */
export type KernelMeta = z.infer<typeof KernelMetaSchema>;

/** A store entry whose meta.json cannot be used, and why (one line, no content quoted). */
export interface CorruptKernel {
  /** The entry's directory name. */
  name: string;
  dir: string;
  /** The meta.json that is missing, unreadable, not JSON or not a kernel's metadata. */
  metaPath: string;
  reason: string;
}

/** The meta of the entry in `dir`, or why it is corrupt. */
export function readKernelMeta(dir: string): { meta: KernelMeta } | { corrupt: CorruptKernel } {
  const metaPath = path.join(dir, 'meta.json');
  const corrupt = (reason: string) => ({ corrupt: { name: path.basename(dir), dir, metaPath, reason } });
  let text: string;
  try {
    text = fs.readFileSync(metaPath, 'utf8');
  } catch (err) {
    return corrupt(`cannot read: ${errnoText(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return corrupt(`expected JSON, found ${text.length} bytes that do not parse`);
  }
  const parsed = KernelMetaSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'meta';
    return corrupt(`${where}: ${issue?.message ?? 'not a kernel entry'}`);
  }
  return { meta: parsed.data };
}
