import type { FdirPlan } from './types';

/** The plan as `dms fdir --json` prints it and `fdir/plan` messages carry it (ids, no internal state). */
export function fdirSummary(plan: FdirPlan): Record<string, unknown> {
  return {
    faultedZone: plan.fault.sections,
    plan: plan.steps.map((s) => ({ step: s.step, device: s.device, action: s.action, mode: s.mode, stage: s.stage, reason: s.reason, restores: s.restores })),
    customersInterrupted: plan.customersInterrupted,
    customersRestored: plan.customersRestored,
    customersRestoredByCrew: plan.customersRestoredByCrew,
    customersOut: plan.customersOut,
    kWInterrupted: plan.kWInterrupted,
    kWOut: plan.kWOut,
    openDevices: plan.openDevices,
    closedTies: plan.closedTies,
    isolatedSections: plan.isolatedSections,
    shed: plan.shed,
    estimatedRepairHours: plan.estimatedRepairHours,
    checkedBy: plan.checkedBy,
    clearedByFuse: plan.fault.clearedByFuse,
    widenedThrough: plan.fault.widenedThrough,
    notes: plan.notes,
  };
}
