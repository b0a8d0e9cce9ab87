/**
 * Constant-PQ loads per bus from the load points: peak (`peakKW` with `peakKvar`, or with the load
 * point's `pf`), average (`avgKW` at the same power factor), or live values per load point that
 * replace the basis for those load points. Validation names the load point and field at fault.
 */
import type { FeederIndex } from '../model/feeder-index';
import type { LoadPoint } from '../model/types';
import { PowerFlowError } from './errors';
import { S_BASE_KVA } from './network';
import { DEFAULTS, type LiveLoad, type LoadBasis } from './types';

export interface LoadVector {
  basis: LoadBasis;
  /** Per load point (kW, kvar). */
  lpKW: Float64Array;
  lpKvar: Float64Array;
  /** Per bus, summed over its load points (p.u. on 1 MVA). */
  busP: Float64Array;
  busQ: Float64Array;
  liveCount: number;
}

/** kvar per kW of a load point: its peak ratio, else its power factor, else the default (lagging). */
export function kvarPerKW(lp: LoadPoint, defaultPf: number): number {
  if (lp.peakKvar !== undefined && lp.peakKW !== 0) return lp.peakKvar / lp.peakKW;
  const pf = lp.pf ?? defaultPf;
  return Math.sqrt(1 - pf * pf) / pf;
}

export function buildLoads(index: FeederIndex, opts: { load?: LoadBasis; loads?: Record<string, LiveLoad>; defaultPf?: number } = {}): LoadVector {
  const basis = opts.load ?? DEFAULTS.load;
  if (basis !== 'peak' && basis !== 'average') throw new PowerFlowError(`load basis must be "peak" or "average" (got ${JSON.stringify(basis)})`, 'data');
  const defaultPf = opts.defaultPf ?? DEFAULTS.defaultPf;
  if (!(defaultPf > 0 && defaultPf <= 1)) throw new PowerFlowError(`defaultPf must be in (0, 1] (got ${defaultPf})`, 'data');
  const lps = index.model.loadPoints;
  const lpKW = new Float64Array(lps.length);
  const lpKvar = new Float64Array(lps.length);
  for (let l = 0; l < lps.length; l++) {
    const lp = lps[l];
    if (basis === 'peak') {
      lpKW[l] = lp.peakKW;
      lpKvar[l] = lp.peakKvar ?? lp.peakKW * kvarPerKW(lp, defaultPf);
    } else {
      lpKW[l] = lp.avgKW;
      lpKvar[l] = lp.avgKW * kvarPerKW(lp, defaultPf);
    }
  }
  let liveCount = 0;
  if (opts.loads !== undefined) {
    if (opts.loads === null || typeof opts.loads !== 'object' || Array.isArray(opts.loads)) throw new PowerFlowError('loads must be an object {loadPointId: {pKW, qKvar}}', 'data');
    for (const [id, live] of Object.entries(opts.loads)) {
      const l = index.loadPointIndex.get(id);
      if (l === undefined) throw new PowerFlowError(`loads: load point "${id}" does not exist`, 'data');
      if (!live || typeof live !== 'object') throw new PowerFlowError(`loads["${id}"] must be {pKW, qKvar}`, 'data');
      if (typeof live.pKW !== 'number' || !Number.isFinite(live.pKW)) throw new PowerFlowError(`loads["${id}"].pKW must be a finite number (got ${JSON.stringify(live.pKW)})`, 'data');
      if (live.qKvar !== undefined && (typeof live.qKvar !== 'number' || !Number.isFinite(live.qKvar))) {
        throw new PowerFlowError(`loads["${id}"].qKvar must be a finite number (got ${JSON.stringify(live.qKvar)})`, 'data');
      }
      lpKW[l] = live.pKW;
      lpKvar[l] = live.qKvar ?? live.pKW * kvarPerKW(lps[l], defaultPf);
      liveCount++;
    }
  }
  const busP = new Float64Array(index.nBuses);
  const busQ = new Float64Array(index.nBuses);
  for (let l = 0; l < lps.length; l++) {
    busP[index.lpBus[l]] += lpKW[l] / S_BASE_KVA;
    busQ[index.lpBus[l]] += lpKvar[l] / S_BASE_KVA;
  }
  return { basis, lpKW, lpKvar, busP, busQ, liveCount };
}
