/**
 * Terminal habits: colour only on a terminal and never when NO_COLOR is set (https://no-color.org),
 * progress as a redrawn line on a terminal and as plain lines otherwise.
 */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && (process.env.NO_COLOR ?? '') === '' && process.env.TERM !== 'dumb';
}

/** Wraps text in an ANSI colour when colour is in use. */
export function paint(text: string, color: 'red' | 'green' | 'yellow', enabled: boolean): string {
  if (!enabled) return text;
  const code = { red: 31, green: 32, yellow: 33 }[color];
  return `\u001b[${code}m${text}\u001b[0m`;
}

/** A progress line on stderr: redrawn in place on a terminal, one plain line per step otherwise. */
export class Progress {
  private readonly tty: boolean;
  private lastPlain = '';
  private drawn = false;

  constructor(
    private readonly enabled: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(stream.isTTY);
  }

  /** Shows a transient status (only on a terminal; plain output keeps to {@link step}). */
  update(text: string): void {
    if (!this.enabled || !this.tty) return;
    this.stream.write(`\r\u001b[K${text.slice(0, (this.stream.columns ?? 80) - 1)}`);
    this.drawn = true;
  }

  /** A step worth a line of its own in a log. */
  step(text: string): void {
    if (!this.enabled) return;
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
    if (text === this.lastPlain) return;
    this.lastPlain = text;
    this.stream.write(`${text}\n`);
  }

  /** Clears a transient line before the final output. */
  done(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}
