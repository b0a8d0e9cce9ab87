/**
 * The IED reader engine: matches each Modbus read to an IED (unit id and topic), decodes it with
 * the IED's map, tracks every point's value and quality, and reports by exception.
 *
 * Quality of a point: `good`; `out-of-range` (outside its engineering range, or NaN); `stale` (no
 * update within `staleAfterMs`, found by `checkStale`, which the node calls on a timer);
 * `comms-failed` (the last read of it failed). A value is reported when it moves by more than its
 * deadband from the last reported value, or when its quality changes.
 */
import { decodeBlock, describeRange, planBlock } from './block';
import { readModbusMessage, type ModbusBlockInput } from './input';
import type { CompiledMap } from './register-map';
import { QUALITY_RANK, type IedMeasurement, type Quality, type Value } from './types';

export interface IedBinding {
  id: string;
  device: string | null;
  section: string | null;
  /** null matches any unit id (a reader serving one IED without a feeder model). */
  unitId: number | null;
  /** When set, only messages with this topic match. */
  topic: string | null;
  map: CompiledMap;
}

export interface ReaderOptions {
  /** A point not updated for longer than this becomes stale (ms). */
  staleAfterMs: number;
  /** Report by exception (default true); false reports every decoded value. */
  rbe?: boolean;
}

/** How an IED looks at a glance: the worst quality of the points it has reported, or silent. */
export type IedLevel = Quality | 'silent';

class IedState {
  readonly value: Array<Value | undefined>;
  readonly reported: Array<Value | undefined>;
  readonly quality: Quality[];
  readonly reportedQuality: Array<Quality | null>;
  /** Epoch ms of the last update of each point; NaN = never. */
  readonly updated: Float64Array;
  /** Decode output buffer, reused. */
  readonly scratch: Value[];
  level: IedLevel = 'silent';
  silentReported = false;
  readonly label: string;

  constructor(readonly binding: IedBinding) {
    const n = binding.map.points.length;
    this.value = new Array(n).fill(undefined);
    this.reported = new Array(n).fill(undefined);
    this.quality = new Array<Quality>(n).fill('good');
    this.reportedQuality = new Array(n).fill(null);
    this.updated = new Float64Array(n).fill(NaN);
    this.scratch = new Array<Value>(n);
    this.label = `IED "${binding.id}"${binding.unitId !== null ? ` (unit ${binding.unitId}${binding.topic ? `, topic "${binding.topic}"` : ''})` : ''}`;
  }

  computeLevel(): IedLevel {
    let worst = -1;
    let level: IedLevel = 'silent';
    for (let k = 0; k < this.quality.length; k++) {
      if (Number.isNaN(this.updated[k]) && this.quality[k] !== 'comms-failed') continue;
      const r = QUALITY_RANK[this.quality[k]];
      if (r > worst) {
        worst = r;
        level = this.quality[k];
      }
    }
    if (level === 'silent' && this.silentReported) return 'stale';
    return level;
  }
}

export interface ReaderSummary {
  total: number;
  good: number;
  outOfRange: number;
  stale: number;
  commsFailed: number;
  silent: number;
}

function fail(s: IedState, why: string): never {
  throw new Error(`${s.label}: ${why}`);
}

const RANKED: Quality[] = (Object.keys(QUALITY_RANK) as Quality[]).sort((a, b) => QUALITY_RANK[a] - QUALITY_RANK[b]);

function sameValue(a: Value | undefined, b: Value): boolean {
  return Object.is(a, b);
}

export class IedReader {
  readonly ieds: IedState[];
  private readonly byKey = new Map<string, IedState>();
  private readonly byTopic = new Map<string, IedState[]>();
  private readonly wildcard: IedState | null = null;
  private readonly rbe: boolean;
  /** Incremented whenever an IED's level changes (the node refreshes its status then). */
  levelVersion = 0;

  constructor(bindings: IedBinding[], readonly options: ReaderOptions, private readonly startedAt = Date.now()) {
    if (!(options.staleAfterMs > 0)) throw new Error(`staleAfterMs must be above 0 (got ${options.staleAfterMs})`);
    this.rbe = options.rbe !== false;
    this.ieds = bindings.map((b) => new IedState(b));
    for (const s of this.ieds) {
      const b = s.binding;
      if (b.unitId === null) {
        if (bindings.length > 1) throw new Error(`IED "${b.id}" has no unit id: with several IEDs each needs one`);
        this.wildcard = s;
        continue;
      }
      const key = `${b.topic ?? ''}#${b.unitId}`;
      const other = this.byKey.get(key);
      if (other) throw new Error(`IEDs "${other.binding.id}" and "${b.id}" both use unit id ${b.unitId}${b.topic ? ` on topic "${b.topic}"` : ''}`);
      this.byKey.set(key, s);
      if (b.topic) this.byTopic.set(b.topic, [...(this.byTopic.get(b.topic) ?? []), s]);
    }
  }

  private describeIeds(): string {
    return this.ieds.map((s) => `"${s.binding.id}" (unit ${s.binding.unitId ?? 'any'}${s.binding.topic ? ` on topic "${s.binding.topic}"` : ''})`).join(', ');
  }

  // The last match: consecutive reads usually come from the same poll.
  private lastUnit: number | null = -1;
  private lastTopic: string | null = null;
  private lastState: IedState | null = null;

  /** The IED a block belongs to; throws naming the unit id / topic when none matches. */
  match(b: ModbusBlockInput): IedState {
    if (this.wildcard) return this.wildcard;
    if (this.lastState && b.unitId === this.lastUnit && b.topic === this.lastTopic) return this.lastState;
    const s = this.lookup(b);
    this.lastUnit = b.unitId;
    this.lastTopic = b.topic;
    this.lastState = s;
    return s;
  }

  private lookup(b: ModbusBlockInput): IedState {
    if (b.unitId !== null) {
      const s = (b.topic !== null ? this.byKey.get(`${b.topic}#${b.unitId}`) : undefined) ?? this.byKey.get(`#${b.unitId}`);
      if (s) return s;
      throw new Error(`unknown unit id ${b.unitId}${b.topic ? ` on topic "${b.topic}"` : ''}: configured IEDs are ${this.describeIeds()}`);
    }
    const byTopic = b.topic !== null ? this.byTopic.get(b.topic) : undefined;
    if (byTopic && byTopic.length === 1) return byTopic[0];
    if (this.ieds.length === 1) return this.ieds[0];
    throw new Error(`the message carries no unit id${b.topic ? ` and topic "${b.topic}" does not name one IED` : ' and no topic'}: configured IEDs are ${this.describeIeds()}`);
  }

  /**
   * Decodes one Modbus read message. Returns the measurement to send, or null when report by
   * exception finds nothing new. Throws an Error naming the IED, the address and the reason.
   */
  ingest(msg: Record<string, unknown>, now: number): IedMeasurement | null {
    let b: ModbusBlockInput;
    try {
      b = readModbusMessage(msg);
    } catch (err) {
      const unit = msg.unitId ?? (msg.input as Record<string, unknown> | undefined)?.unitId;
      throw new Error(`${unit !== undefined ? `unit ${String(unit)}: ` : ''}${(err as Error).message}`);
    }
    const s = this.match(b);
    if (b.error !== null) return this.commsFailed(s, b, now);
    if (!b.table) fail(s, 'the table is unknown: the message needs a function code (msg.input.payload.fc, msg.modbusRequest.fc or msg.fc) or msg.table');
    if (b.address === null) fail(s, 'the start address is unknown: the message needs msg.input.payload.address, msg.modbusRequest.address or msg.address');
    const table = b.table!;
    const address = b.address!;
    let data = b.data!;
    let quantity = b.quantity ?? data.length;
    if (b.padded) {
      if (b.quantity === null) {
        const ext = s.binding.map.extent[table];
        if (ext && address <= ext.last) quantity = Math.min(data.length, ext.last - address + 1);
      }
      data = Array.prototype.slice.call(data, 0, quantity);
    } else if (data.length !== quantity) {
      fail(s, `${describeRange(table, address, quantity)}: ${data.length} values received for ${quantity} requested`);
    }
    let plan;
    try {
      plan = planBlock(s.binding.map, table, address, quantity);
      decodeBlock(plan, data, s.scratch);
    } catch (err) {
      return fail(s, (err as Error).message);
    }

    const points = plan.points;
    let values: Record<string, Value | null> | null = null;
    let qualities: Record<string, Quality> | null = null;
    let worst = 0;
    let qualityMoved = s.level === 'silent';
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      const k = p.index;
      const v = s.scratch[i];
      const q: Quality = p.boolean || ((v as number) >= p.min && (v as number) <= p.max) ? 'good' : 'out-of-range';
      s.value[k] = v;
      if (s.quality[k] !== q || Number.isNaN(s.updated[k])) qualityMoved = true;
      s.quality[k] = q;
      s.updated[k] = now;
      const last = s.reported[k];
      let changed = !this.rbe || s.reportedQuality[k] !== q || last === undefined;
      if (!changed && !sameValue(last, v)) {
        changed = p.boolean || p.deadband === 0 || !(Math.abs((v as number) - (last as number)) <= p.deadband);
      }
      if (!changed) continue;
      if (!values) {
        values = {};
        qualities = {};
      }
      values[p.name] = v;
      qualities![p.name] = q;
      s.reported[k] = v;
      s.reportedQuality[k] = q;
      if (QUALITY_RANK[q] > worst) worst = QUALITY_RANK[q];
    }
    if (qualityMoved) this.refreshLevel(s);
    if (!values) return null;
    return this.measurement(s, now, this.rbe ? 'change' : 'all', values, qualities!, worst);
  }

  private measurement(s: IedState, ts: number, reason: IedMeasurement['reason'], values: Record<string, Value | null>, qualities: Record<string, Quality>, worstRank: number, error?: string): IedMeasurement {
    const quality = RANKED[worstRank] ?? 'good';
    const m: IedMeasurement = {
      ied: s.binding.id,
      device: s.binding.device,
      section: s.binding.section,
      unitId: s.binding.unitId,
      ts,
      quality,
      reason,
      values,
      qualities,
    };
    if (error !== undefined) m.error = error;
    return m;
  }

  private refreshLevel(s: IedState): void {
    const level = s.computeLevel();
    if (level !== s.level) {
      s.level = level;
      this.levelVersion++;
    }
  }

  /** A failed read: the points it covers (all of the IED's when unknown) become comms-failed. */
  private commsFailed(s: IedState, b: ModbusBlockInput, now: number): IedMeasurement | null {
    let indices: number[];
    try {
      indices = b.table && b.address !== null && b.quantity !== null
        ? planBlock(s.binding.map, b.table, b.address, b.quantity).points.map((p) => p.index)
        : s.binding.map.points.map((p) => p.index);
    } catch {
      indices = s.binding.map.points.map((p) => p.index);
    }
    const values: Record<string, Value | null> = {};
    const qualities: Record<string, Quality> = {};
    let any = false;
    for (const k of indices) {
      if (s.quality[k] === 'comms-failed') continue;
      s.quality[k] = 'comms-failed';
      s.reportedQuality[k] = 'comms-failed';
      const name = s.binding.map.points[k].name;
      values[name] = s.value[k] ?? null;
      qualities[name] = 'comms-failed';
      any = true;
    }
    this.refreshLevel(s);
    if (!any) return null;
    return this.measurement(s, now, 'comms-failed', values, qualities, QUALITY_RANK['comms-failed'], b.error ?? undefined);
  }

  /** Marks points not updated within staleAfterMs as stale; one measurement per IED that changed. */
  checkStale(now: number): IedMeasurement[] {
    const out: IedMeasurement[] = [];
    const limit = this.options.staleAfterMs;
    for (const s of this.ieds) {
      let values: Record<string, Value | null> | null = null;
      let qualities: Record<string, Quality> | null = null;
      let heard = false;
      for (let k = 0; k < s.quality.length; k++) {
        const t = s.updated[k];
        if (Number.isNaN(t)) continue;
        heard = true;
        const q = s.quality[k];
        if (q === 'stale' || q === 'comms-failed' || now - t <= limit) continue;
        s.quality[k] = 'stale';
        s.reportedQuality[k] = 'stale';
        if (!values) {
          values = {};
          qualities = {};
        }
        const name = s.binding.map.points[k].name;
        values[name] = s.value[k] ?? null;
        qualities![name] = 'stale';
      }
      if (values) out.push(this.measurement(s, now, 'stale', values, qualities!, QUALITY_RANK.stale));
      else if (!heard && !s.silentReported && now - this.startedAt > limit && s.level !== 'comms-failed') {
        // Never heard from since start: say so once, with no values.
        s.silentReported = true;
        out.push(this.measurement(s, now, 'stale', {}, {}, QUALITY_RANK.stale));
      }
      this.refreshLevel(s);
    }
    return out;
  }

  /** Every known value of every IED that has reported anything (the heartbeat). */
  heartbeat(now: number): IedMeasurement[] {
    const out: IedMeasurement[] = [];
    for (const s of this.ieds) {
      const values: Record<string, Value | null> = {};
      const qualities: Record<string, Quality> = {};
      let worst = -1;
      s.binding.map.points.forEach((p, k) => {
        const v = s.value[k];
        if (v === undefined) return;
        values[p.name] = v;
        qualities[p.name] = s.quality[k];
        s.reported[k] = v;
        s.reportedQuality[k] = s.quality[k];
        worst = Math.max(worst, QUALITY_RANK[s.quality[k]]);
      });
      if (worst >= 0) out.push(this.measurement(s, now, 'heartbeat', values, qualities, worst));
    }
    return out;
  }

  /** How many IEDs are at each level. */
  summary(): ReaderSummary {
    const r: ReaderSummary = { total: this.ieds.length, good: 0, outOfRange: 0, stale: 0, commsFailed: 0, silent: 0 };
    for (const s of this.ieds) {
      if (s.level === 'good') r.good++;
      else if (s.level === 'out-of-range') r.outOfRange++;
      else if (s.level === 'stale') r.stale++;
      else if (s.level === 'comms-failed') r.commsFailed++;
      else r.silent++;
    }
    return r;
  }

  /** Level of one IED by id (for status and tests). */
  levelOf(id: string): IedLevel {
    const s = this.ieds.find((x) => x.binding.id === id);
    if (!s) throw new Error(`IED "${id}" is not served by this reader`);
    return s.level;
  }
}
