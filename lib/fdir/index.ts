export * from './types';
export { planFdir, type PlanRequest } from './plan';
export { locateFault, simulateIndications, indicatingMask, type Location } from './locate';
export { StateChecker, conductorEnergised, type CheckResult } from './check';
export { checkCommand, type InterlockContext, type InterlockResult } from './interlocks';
export { PlanExecutor, type SwitchCommand, type ExecutorAlarm, type ExecutorEvent, type ExecutorOptions, type ExecutorStatus } from './executor';
export { planReturnToNormal, type ReturnPlan } from './normal';
