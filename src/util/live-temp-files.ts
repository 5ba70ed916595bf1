import fs from 'node:fs';
import { fsPath } from './byte-names.js';

/**
 * The process's live temporary files and directories (an atomic write's `.NAME.tmp-*`, a kernel being
 * built beside the store): while any exists, SIGINT, SIGTERM and SIGHUP remove them all and exit with
 * the shell's code for the signal (130, 143, 129), so an interrupted command leaves nothing behind.
 * With none live, no handler is installed and the signals keep their default meaning.
 */
const live = new Map<string, { recursive: boolean }>();

/** 128 + the signal number, as a shell reports a command killed by it. */
const EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
type HandledSignal = keyof typeof EXIT_CODES;
const SIGNALS = Object.keys(EXIT_CODES) as HandledSignal[];

const handlers = new Map<HandledSignal, () => void>(
  SIGNALS.map((signal) => [signal, () => onSignal(signal)] as const),
);

/** Tracks `path` until {@link releaseTemp}; `recursive` for a directory. */
export function trackTemp(path: string, options: { recursive?: boolean } = {}): void {
  if (live.size === 0) for (const [signal, handler] of handlers) process.on(signal, handler);
  live.set(path, { recursive: options.recursive === true });
}

/** Stops tracking `path` (it was renamed into place or removed). */
export function releaseTemp(path: string): void {
  if (!live.delete(path)) return;
  if (live.size === 0) for (const [signal, handler] of handlers) process.removeListener(signal, handler);
}

/** The paths tracked now (for tests). */
export function liveTemps(): string[] {
  return [...live.keys()];
}

/** Removes every live temporary path, best effort (the process is going away). */
export function removeLiveTemps(): void {
  for (const [path, { recursive }] of live) {
    try {
      fs.rmSync(fsPath(path), { recursive, force: true });
    } catch {
      // Nothing more can be done on the way out; the next run's name is different anyway.
    }
  }
  live.clear();
  for (const [signal, handler] of handlers) process.removeListener(signal, handler);
}

function onSignal(signal: HandledSignal): void {
  removeLiveTemps();
  process.exit(EXIT_CODES[signal]);
}
