/**
 * A deterministic, realistic year of 15-minute loads for a two-transformer 10/0.4 kV substation,
 * for documentation figures, benchmarks and tests: bus 1 residential (evening peak, winter heating),
 * bus 2 commercial/light industry (working-day plateau, quiet weekends), a seasonal swing with a
 * winter maximum and a summer cooling bump, slow AR(1) weather noise, and realistic power factors
 * (0.95 and 0.88 lagging). The same seed always gives the same profile.
 */
import { Rng } from '../util/rng';
import type { LoadSample } from './telemetry';
import type { ModeName, StationParams } from './types';
import { DEFAULT_PARALLELING } from './validate';

/** Hourly shapes, per unit of the daily peak (typical residential and commercial feeder shapes). */
const RESIDENTIAL = [0.42, 0.38, 0.35, 0.34, 0.34, 0.38, 0.52, 0.68, 0.70, 0.62, 0.58, 0.60, 0.63, 0.58, 0.55, 0.57, 0.66, 0.82, 0.97, 1.00, 0.95, 0.85, 0.68, 0.52];
const COMMERCIAL = [0.30, 0.28, 0.27, 0.27, 0.28, 0.32, 0.45, 0.68, 0.88, 0.97, 1.00, 0.98, 0.90, 0.95, 0.98, 0.96, 0.90, 0.78, 0.62, 0.52, 0.45, 0.40, 0.36, 0.32];

export interface SyntheticProfileOptions {
  year?: number;
  seed?: number;
  stepMinutes?: number;
  /** Peak active power of each bus on a winter working day, kW. */
  peak1KW?: number;
  peak2KW?: number;
  /** The mode recorded as in service (the station's usual fixed mode). */
  mode?: ModeName;
}

function shape(table: number[], hour: number): number {
  const i = Math.floor(hour) % 24;
  const f = hour - Math.floor(hour);
  return table[i] * (1 - f) + table[(i + 1) % 24] * f;
}

/** Samples from 00:00 UTC on 1 January for every step of the year (35,040 for 15 minutes). */
export function syntheticYearProfile(opts: SyntheticProfileOptions = {}): LoadSample[] {
  const year = opts.year ?? 2023;
  const step = (opts.stepMinutes ?? 15) * 60_000;
  const peak1 = opts.peak1KW ?? 360;
  const peak2 = opts.peak2KW ?? 330;
  const mode = opts.mode ?? 'split';
  const rng = new Rng(opts.seed ?? 2013);
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const tan1 = Math.tan(Math.acos(0.95));
  const tan2 = Math.tan(Math.acos(0.88));
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  let e1 = 0;
  let e2 = 0;
  const out: LoadSample[] = [];
  for (let ts = start; ts < end; ts += step) {
    const dt = new Date(ts);
    const hour = dt.getUTCHours() + dt.getUTCMinutes() / 60;
    const doy = (ts - start) / 86_400_000;
    const weekend = dt.getUTCDay() === 0 || dt.getUTCDay() === 6;
    // Winter maximum (heating) and a smaller summer cooling bump; the winter working-day peak is the reference.
    const season = (1 + 0.2 * Math.cos((2 * Math.PI * (doy - 15)) / 365) + 0.1 * Math.exp(-(((doy - 205) / 25) ** 2))) / 1.2;
    e1 = 0.98 * e1 + 0.012 * gauss();
    e2 = 0.98 * e2 + 0.012 * gauss();
    const p1 = peak1 * season * shape(RESIDENTIAL, hour) * (weekend ? 1.05 : 1) * (1 + e1);
    const p2 = peak2 * season * shape(COMMERCIAL, hour) * (weekend ? 0.55 : 1) * (1 + e2);
    out.push({
      ts,
      buses: [
        { id: 'B1', pKW: p1, qKvar: p1 * tan1 * (1 + 0.5 * e1) },
        { id: 'B2', pKW: p2, qKvar: p2 * tan2 * (1 + 0.5 * e2) },
      ],
      mode,
    });
  }
  return out;
}

/**
 * Two S11-630/10 units (10/0.4 kV, 630 kVA, P0 0.84 kW, Pk 6.2 kW, uk 4.5 %, I0 1.3 %), the
 * identical-unit worked example of the reference data, as the station for the synthetic profile.
 */
export function exampleStation(): StationParams {
  const unit = { snKVA: 630, p0KW: 0.84, pkKW: 6.2, ukPct: 4.5, i0Pct: 1.3, ratio: 25, vectorGroup: 'Dyn11' };
  return {
    transformers: [{ id: 'T1', ...unit }, { id: 'T2', ...unit }],
    overloadLimit: 1,
    reactiveEquivalentKWPerKvar: 0,
    blockedModes: [],
    paralleling: { ...DEFAULT_PARALLELING },
  };
}
