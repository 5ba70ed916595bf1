/**
 * A component's cache key: the sha256 of one canonical JSON document holding everything the output
 * depends on and nothing it does not (no absolute paths, no times), so two checkouts of the same
 * tree on two machines with the same toolchain share their builds:
 *
 * - `sources`: the relative path, kind, executable bit and content hash of every input file;
 * - `inputs`: the extra input files (`inputs:`), by the path written in the manifest and content;
 * - `component`: the manifest entry after defaults (without `source`, whose location does not
 *   matter, and `depends`, which count by what they produced);
 * - `profile`: `release` or `debug` (`--release`);
 * - `toolchain`: the version commands' output (`rustc -vV`, `go version`, `make --version`,
 *   `cc --version`) and, for a `command`, the program's own hash;
 * - `env`: SOURCE_DATE_EPOCH and every allowlisted variable's value (`null` when unset);
 * - `depends`: the name and output sha256 of each dependency.
 */
import { createHash } from 'node:crypto';
import type { Component } from './manifest-schema.js';
import type { SourceFile } from './source-files.js';
import type { ToolchainFact } from './toolchain.js';

/** Version of the key document's layout; bump when its meaning changes. */
export const KEY_VERSION = 1;

/** Everything hashed into a key. */
export interface KeyDocument {
  version: number;
  component: Record<string, unknown>;
  profile: 'release' | 'debug';
  sources: [string, SourceFile['kind'], boolean, string][];
  inputs: [string, string][];
  toolchain: ToolchainFact[];
  env: Record<string, string | null>;
  depends: [string, string][];
}

/** The parts of {@link KeyDocument} that are not derived here. */
export interface KeyParts {
  component: Component;
  profile: 'release' | 'debug';
  sources: readonly SourceFile[];
  inputs: readonly [string, string][];
  toolchain: readonly ToolchainFact[];
  env: Readonly<Record<string, string | null>>;
  depends: readonly [string, string][];
}

/** The key document of a component. */
export function keyDocument(parts: KeyParts): KeyDocument {
  const { source: _source, depends: _depends, ...component } = parts.component;
  return {
    version: KEY_VERSION,
    component,
    profile: parts.profile,
    sources: parts.sources.map((s) => [s.relative, s.kind, s.executable, s.sha256]),
    inputs: [...parts.inputs],
    toolchain: [...parts.toolchain],
    env: { ...parts.env },
    depends: [...parts.depends],
  };
}

/** `build-<sha256 hex>` of the canonical JSON of `doc` (keys sorted at every level). */
export function componentKey(doc: KeyDocument): string {
  return `build-${createHash('sha256').update(canonicalJson(doc)).digest('hex')}`;
}

/** JSON with object keys sorted, so equal documents hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What differs between two key documents, in words (`sources: main.c changed`), for a cache miss. */
export function keyDifferences(before: KeyDocument, after: KeyDocument): string[] {
  const out: string[] = [];
  const was = new Map(before.sources.map((s) => [s[0], canonicalJson(s)]));
  const now = new Map(after.sources.map((s) => [s[0], canonicalJson(s)]));
  for (const [p, v] of now) {
    if (!was.has(p)) out.push(`sources: ${p} added`);
    else if (was.get(p) !== v) out.push(`sources: ${p} changed`);
  }
  for (const p of was.keys()) if (!now.has(p)) out.push(`sources: ${p} removed`);
  for (const part of ['component', 'profile', 'inputs', 'toolchain', 'env', 'depends', 'version'] as const) {
    if (canonicalJson(before[part]) !== canonicalJson(after[part])) out.push(`${part} changed`);
  }
  return out;
}
