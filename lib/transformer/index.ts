/** Substation transformer operation mode: losses, selection, decision, switching, statistics. */
export * from './types';
export * from './validate';
export * from './losses';
export * from './crossover';
export * from './paralleling';
export * from './selection';
export * from './decision';
export * from './switching';
export * from './calendar';
export * from './statistics';
export * from './telemetry';
export * from './profile';
export * from './report';
export * from './selector';
export * from './synthetic-profile';
export * from './settings';
