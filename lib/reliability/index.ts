/** Predictive reliability (analytical and Monte Carlo) and the interruption cost model. */
export * from './types';
export { ReliabilityEvaluator, type EvaluatorOptions, type EvaluationSummary } from './evaluator';
export { evaluatePredictive, predictiveEvaluator, systemIndices, HOURS_PER_YEAR, type FeederSource } from './predictive';
export { simulateMonteCarlo, checkMonteCarloOptions, MonteCarloCancelled, type MonteCarloOptions, type MonteCarloResult, type MonteCarloProgress, type MonteCarloHooks, type Percentiles, type RepairDistribution } from './montecarlo';
export { runMonteCarlo, type MonteCarloJob } from './montecarlo-run';
export * from './costs';
