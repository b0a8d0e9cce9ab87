/**
 * Who is without supply during an incident, since when, and who got it back when: follows the
 * energisation of every load point through the device states the field reports, and turns each
 * group of load points that lost and regained supply together into an interruption record
 * (IEEE 1366: at most the momentary threshold is momentary) for the historical reliability node.
 */
import type { LoadedFeeder } from '../model/load';
import type { InterruptionMessage } from '../reliability/historical/types';
import { liveBuses } from './regions';

/** `device`: the device whose operation interrupted the group (the tripped device, or a switching step). */
export interface InterruptionRecord extends InterruptionMessage {
  /** The device whose operation gave the group its supply back. */
  restoredBy: string;
  planned: boolean;
  loadPoints: string[];
}

export interface RestoredGroup {
  loadPoints: string[];
  customers: number;
  kW: number;
  by: string;
  at: number;
  afterMin: number;
}

export interface OutageSummary {
  customersInterrupted: number;
  kWInterrupted: number;
  customersRestored: number;
  kWRestored: number;
  customersOut: number;
  kWOut: number;
  loadPointsOut: string[];
  restored: RestoredGroup[];
}

interface Outage {
  start: number;
  device: string;
  planned: boolean;
  cause: string;
}

export interface OutageOptions {
  feederName: string;
  /** kW counted per load point (live pre-fault load where known, else its average). */
  lpKW: Float64Array;
  momentaryThresholdMin: number;
  idPrefix: string;
}

export class OutageTracker {
  private live: Uint8Array;
  private readonly out = new Map<number, Outage>();
  private readonly ever = new Set<number>();
  private readonly restoredGroups: RestoredGroup[] = [];
  private readonly incidentStart: number;
  private seq = 0;

  /** `before`: device states just before the fault; `now`: after the protection operated. */
  constructor(private readonly feeder: LoadedFeeder, private readonly opts: OutageOptions, before: Uint8Array, now: Uint8Array, start: number, device: string, cause: string) {
    const ix = feeder.index;
    const pre = liveBuses(ix, before);
    this.live = liveBuses(ix, now);
    this.incidentStart = start;
    for (let l = 0; l < ix.nLoadPoints; l++) {
      if (pre[ix.lpBus[l]] && !this.live[ix.lpBus[l]]) this.begin(l, { start, device, planned: false, cause });
    }
  }

  private begin(l: number, o: Outage): void {
    this.out.set(l, o);
    this.ever.add(l);
  }

  /**
   * The device states changed (device `by` operated at `now`): load points that lost supply start an
   * outage, those that got it back end theirs. Returns the records of the outages that ended.
   */
  update(state: Uint8Array, by: string, now: number, why: { planned: boolean; cause: string }): InterruptionRecord[] {
    const ix = this.feeder.index;
    const model = this.feeder.model;
    const next = liveBuses(ix, state);
    const ended = new Map<string, { o: Outage; lps: number[] }>();
    for (let l = 0; l < ix.nLoadPoints; l++) {
      const b = ix.lpBus[l];
      if (this.live[b] && !next[b] && !this.out.has(l)) this.begin(l, { start: now, device: by, ...why });
      else if (!this.live[b] && next[b] && this.out.has(l)) {
        const o = this.out.get(l)!;
        this.out.delete(l);
        const key = `${o.device}|${o.start}|${o.planned}|${o.cause}`;
        const g = ended.get(key) ?? { o, lps: [] };
        g.lps.push(l);
        ended.set(key, g);
      }
    }
    this.live = next;
    const records: InterruptionRecord[] = [];
    const back: number[] = [];
    for (const { o, lps } of ended.values()) {
      const customers = lps.reduce((a, l) => a + model.loadPoints[l].customers, 0);
      const kW = round(lps.reduce((a, l) => a + this.opts.lpKW[l], 0));
      const durationMin = (now - o.start) / 60000;
      records.push({
        id: `${this.opts.idPrefix}-${++this.seq}`,
        feeder: this.opts.feederName,
        device: o.device,
        restoredBy: by,
        start: o.start,
        end: now,
        durationMin: Math.round(durationMin * 1000) / 1000,
        customersInterrupted: customers,
        kWInterrupted: kW,
        momentary: durationMin <= this.opts.momentaryThresholdMin,
        cause: o.cause,
        planned: o.planned,
        loadPoints: lps.map((l) => model.loadPoints[l].id),
      });
      back.push(...lps);
    }
    if (back.length) {
      this.restoredGroups.push({
        loadPoints: back.map((l) => model.loadPoints[l].id),
        customers: back.reduce((a, l) => a + model.loadPoints[l].customers, 0),
        kW: round(back.reduce((a, l) => a + this.opts.lpKW[l], 0)),
        by,
        at: now,
        afterMin: Math.round(((now - this.incidentStart) / 60000) * 1000) / 1000,
      });
    }
    return records;
  }

  /** Load points without supply now. */
  get outCount(): number {
    return this.out.size;
  }

  summary(): OutageSummary {
    const model = this.feeder.model;
    const sumC = (ls: Iterable<number>): number => { let c = 0; for (const l of ls) c += model.loadPoints[l].customers; return c; };
    const sumK = (ls: Iterable<number>): number => { let k = 0; for (const l of ls) k += this.opts.lpKW[l]; return round(k); };
    const out = [...this.out.keys()].sort((a, b) => a - b);
    const restoredNow = [...this.ever].filter((l) => !this.out.has(l));
    return {
      customersInterrupted: sumC(this.ever),
      kWInterrupted: sumK(this.ever),
      customersRestored: sumC(restoredNow),
      kWRestored: sumK(restoredNow),
      customersOut: sumC(out),
      kWOut: sumK(out),
      loadPointsOut: out.map((l) => model.loadPoints[l].id),
      restored: this.restoredGroups.map((g) => ({ ...g, loadPoints: [...g.loadPoints] })),
    };
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
