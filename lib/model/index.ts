export * from './types';
export { FeederIndex, sectionFailureRate } from './feeder-index';
export { Topology, MeshError, buildTopology, type TieReach } from './topology';
export { buildZones, type Zones } from './zones';
export { validateFeeder, formatIssue, type ValidationResult } from './validate';
export { loadFeeder, loadFeederJson, loadFeederFile, ModelError, type LoadedFeeder } from './load';
export { summarise } from './summary';
export { publishedFeeder, publishFeeder } from './published';
