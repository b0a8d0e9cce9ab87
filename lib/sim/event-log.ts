/**
 * The simulator's event log: one JSON document per line (JSON Lines), appended synchronously so a
 * crash or kill loses nothing already reported. Times are ISO 8601 (`ts`) with the simulated epoch
 * milliseconds beside them (`tMs`).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFailure } from '../model/load';

export interface SimEvent {
  /** ISO 8601 time of the event (simulated clock). */
  ts: string;
  /** Simulated epoch milliseconds. */
  tMs: number;
  type: string;
  [key: string]: unknown;
}

export class EventLog {
  private fd: number | null;

  /** Opens (creates or appends to) `file`; throws naming the file when it cannot. */
  constructor(readonly file: string) {
    try {
      this.fd = openSync(file, 'a');
    } catch (err) {
      throw new Error(`event log ${file}: cannot open for writing: ${readFailure(err)}`);
    }
  }

  write(event: SimEvent): void {
    if (this.fd === null) return;
    writeSync(this.fd, JSON.stringify(event) + '\n');
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}
