/**
 * The per-unit data a power flow needs, prepared once per model (and options) on the FeederIndex's
 * dense indices: section impedances, ratings, bus voltage limits, source voltages. Base power is
 * 1 MVA (so p.u. × 1000 = kW); base voltage is the model's line-to-line `baseKV`.
 */
import type { FeederIndex } from '../model/feeder-index';
import { Topology } from '../model/topology';
import { PowerFlowError } from './errors';
import { DEFAULTS, type PowerFlowOptions } from './types';

export const S_BASE_KVA = 1000;

export class PowerFlowNetwork {
  readonly index: FeederIndex;
  readonly baseKV: number;
  readonly zBaseOhm: number;
  /** Base current (A) for the line currents: S_base / (√3 · V_base). */
  readonly iBaseA: number;
  /** Series impedance per section (p.u.). */
  readonly zRe: Float64Array;
  readonly zIm: Float64Array;
  /** Rating per section (A); NaN when the model gives none. */
  readonly ratingA: Float64Array;
  /** Voltage limits per bus (p.u.). */
  readonly vMin: Float64Array;
  readonly vMax: Float64Array;
  /** Voltage magnitude per source (p.u., angle 0). */
  readonly sourceV: Float64Array;
  readonly maxLoadingPct: number;
  /** Transfer limit per section from its devices' `capacityKW` (kW), NaN when none, and the device setting it. */
  readonly capKW: Float64Array;
  readonly capDevice: Int32Array;
  /** Per source: `capacityKW` for load it does not normally feed (NaN when none). */
  readonly srcCapKW: Float64Array;
  /** Source feeding each bus under the normal states; null when no source has a capacity. */
  readonly normalSource: Int32Array | null;

  constructor(index: FeederIndex, opts: PowerFlowOptions = {}) {
    const model = index.model;
    this.index = index;
    if (model.baseKV === undefined) throw new PowerFlowError('the model has no baseKV: power flow needs the nominal line-to-line voltage (kV)', 'data');
    this.baseKV = model.baseKV;
    this.zBaseOhm = (this.baseKV * this.baseKV * 1000) / S_BASE_KVA;
    this.iBaseA = S_BASE_KVA / (Math.sqrt(3) * this.baseKV);

    const nS = index.nSections;
    this.zRe = new Float64Array(nS);
    this.zIm = new Float64Array(nS);
    this.ratingA = new Float64Array(nS).fill(NaN);
    const missing: string[] = [];
    for (let s = 0; s < nS; s++) {
      const sec = model.sections[s];
      if (sec.rOhm === undefined && sec.xOhm === undefined) missing.push(`"${sec.id}"`);
      this.zRe[s] = (sec.rOhm ?? 0) / this.zBaseOhm;
      this.zIm[s] = (sec.xOhm ?? 0) / this.zBaseOhm;
      if (sec.ratingA !== undefined) this.ratingA[s] = sec.ratingA;
    }
    if (missing.length) {
      const shown = missing.length > 5 ? `${missing.slice(0, 5).join(', ')} and ${missing.length - 5} more` : missing.join(', ');
      throw new PowerFlowError(`power flow needs rOhm/xOhm on every section: missing on ${shown}`, 'data');
    }

    const vMinDefault = opts.vMinPu ?? DEFAULTS.vMinPu;
    const vMaxDefault = opts.vMaxPu ?? DEFAULTS.vMaxPu;
    if (!(vMinDefault > 0 && vMinDefault < vMaxDefault)) throw new PowerFlowError(`voltage limits: vMinPu ${vMinDefault} must be positive and below vMaxPu ${vMaxDefault}`, 'data');
    const nB = index.nBuses;
    this.vMin = new Float64Array(nB);
    this.vMax = new Float64Array(nB);
    for (let b = 0; b < nB; b++) {
      this.vMin[b] = model.buses[b].vMinPu ?? vMinDefault;
      this.vMax[b] = model.buses[b].vMaxPu ?? vMaxDefault;
    }
    this.maxLoadingPct = opts.maxLoadingPct ?? DEFAULTS.maxLoadingPct;
    if (!(this.maxLoadingPct > 0)) throw new PowerFlowError(`maxLoadingPct must be positive (got ${this.maxLoadingPct})`, 'data');

    this.capKW = new Float64Array(nS).fill(NaN);
    this.capDevice = new Int32Array(nS).fill(-1);
    for (let d = 0; d < index.nDevices; d++) {
      const cap = model.devices[d].capacityKW;
      const s = index.devSection[d];
      if (cap !== undefined && !(cap >= this.capKW[s])) {
        this.capKW[s] = cap;
        this.capDevice[s] = d;
      }
    }
    this.srcCapKW = Float64Array.from(model.sources, (src) => src.capacityKW ?? NaN);
    this.normalSource = this.srcCapKW.some((c) => !Number.isNaN(c)) ? new Topology(index).busSource : null;

    for (const id of Object.keys(opts.sourceVPu ?? {})) {
      if (!index.sourceIndex.has(id)) throw new PowerFlowError(`sourceVPu: source "${id}" does not exist`, 'data');
    }
    this.sourceV = Float64Array.from(model.sources, (src) => {
      const v = opts.sourceVPu?.[src.id] ?? src.vPu ?? 1;
      if (!(typeof v === 'number' && v > 0 && Number.isFinite(v))) throw new PowerFlowError(`source "${src.id}": voltage must be a positive number of p.u. (got ${String(v)})`, 'data');
      return v;
    });
  }
}
