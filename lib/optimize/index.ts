/** Optimisation: generic binary PSO, exhaustive search, local search, and the switch-placement study. */
export { Bpso, bpso, BPSO_DEFAULTS, inertiaAt, resolveBpsoOptions, sigmoid } from './bpso';
export type { BpsoHooks, BpsoOptions, BpsoResult, Inertia, IterationStats, Objective, ResolvedBpsoOptions, StopReason } from './bpso';
export { exhaustive, ExhaustiveSearch, EXHAUSTIVE_MAX_DIMENSIONS, grayToggleBit } from './exhaustive';
export type { ExhaustiveOptions, ExhaustiveResult } from './exhaustive';
export { localSearch } from './local-search';
export type { LocalSearchResult } from './local-search';
export { annualCostPerSwitch, capitalRecoveryFactor } from './annualise';
export type { Annualisation, SwitchEconomics } from './annualise';
export { PlacementSettingsError, placeableSections, resolvePlacement } from './placement-settings';
export type { CostMethod, PlacedSwitch, PlacementOverrides, ResolvedPlacement } from './placement-settings';
export { PlacementStudy, runPlacement } from './placement';
export type { CaseFigures, CaseName, PlacementCase, PlacementHooks, PlacementMethod, PlacementProgress, PlacementResult, PlacementRun, PolishReport } from './placement';
export { startPlacementJob } from './placement-job';
export type { JobMode, PlacementJob, PlacementJobInput, PlacementJobOptions } from './placement-job';
