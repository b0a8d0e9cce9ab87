/** The numbers an engineer checks first when a model loads. */
import type { Topology } from './topology';
import type { FeederModel, ModelSummary } from './types';

export function summarise(model: FeederModel, topology?: Topology): ModelSummary {
  let customers = 0;
  let avgKW = 0;
  let peakKW = 0;
  for (const lp of model.loadPoints) {
    customers += lp.customers;
    avgKW += lp.avgKW;
    peakKW += lp.peakKW;
  }
  return {
    name: model.name ?? '',
    sources: model.sources.length,
    buses: model.buses.length,
    sections: model.sections.length,
    devices: model.devices.length,
    loadPoints: model.loadPoints.length,
    customers,
    avgKW: round(avgKW, 3),
    peakKW: round(peakKW, 3),
    ties: topology ? topology.openSections.length : model.devices.filter((d) => d.normallyOpen).length,
    ieds: model.ieds?.length ?? 0,
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
