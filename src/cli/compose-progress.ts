/**
 * rock-compose's live task list on stderr: on a terminal, one line per stage redrawn in place
 * (waiting, running with its elapsed time, and how it ended); otherwise one plain line per start and
 * end, so a CI log reads in order.
 */
import type { RunEvent, StageStatus } from '../compose/index.js';
import { paint } from './terminal.js';

const MARK: Record<StageStatus, string> = { succeeded: '✔', failed: '✖', skipped: '↷', cached: '≡' };
const COLOR: Record<StageStatus, 'green' | 'red' | 'yellow'> = {
  succeeded: 'green',
  failed: 'red',
  skipped: 'yellow',
  cached: 'green',
};

interface Row {
  name: string;
  state: 'waiting' | 'running' | StageStatus;
  started?: number;
  text: string;
}

/** Renders run events; call {@link TaskList.stop} at the end. */
export class TaskList {
  private readonly rows: Row[];
  private drawn = 0;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    names: readonly string[],
    private readonly write: (text: string) => void,
    private readonly live: boolean,
    private readonly color: boolean,
    private readonly columns = 80,
  ) {
    this.rows = names.map((name) => ({ name, state: 'waiting', text: '' }));
    if (live) {
      this.timer = setInterval(() => this.draw(), 250);
      this.timer.unref();
      this.draw();
    }
  }

  /** Applies one event. */
  event(event: RunEvent): void {
    const name = event.type === 'start' ? event.stage : event.result.name;
    const row = this.rows.find((r) => r.name === name);
    if (!row) return;
    if (event.type === 'start') {
      row.state = 'running';
      row.started ??= Date.now();
      row.text = event.attempt > 0 ? `retry ${event.attempt}` : '';
      if (!this.live) this.write(`rock-compose: ${name}: started${row.text ? ` (${row.text})` : ''}\n`);
    } else {
      const r = event.result;
      row.state = r.status;
      row.text = [
        r.status === 'succeeded' || r.status === 'failed' ? seconds(r.duration_ms) : '',
        r.reason ?? '',
      ]
        .filter(Boolean)
        .join(', ');
      if (!this.live) this.write(`rock-compose: ${name}: ${r.status}${row.text ? ` (${row.text})` : ''}\n`);
    }
    if (this.live) this.draw();
  }

  /** Final redraw; stops the timer. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.draw();
  }

  private draw(): void {
    const width = (this.columns > 20 ? this.columns : 80) - 3;
    const lines = this.rows.map((row) => {
      let mark: string;
      let text = row.text;
      if (row.state === 'waiting') mark = '·';
      else if (row.state === 'running') {
        mark = '…';
        text = [seconds(Date.now() - (row.started ?? Date.now())), row.text].filter(Boolean).join(', ');
      } else mark = paint(MARK[row.state], COLOR[row.state], this.color);
      return `${mark} ${`${row.name}${text ? `  ${text}` : ''}`.slice(0, width)}`;
    });
    const up = this.drawn > 0 ? `\u001b[${this.drawn}A` : '';
    this.write(`${up}${lines.map((l) => `\r\u001b[K${l}`).join('\n')}\n`);
    this.drawn = lines.length;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
