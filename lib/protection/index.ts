export { CURVES, CURVE_NAMES, curveOperateTime, curveResetTime, type CurveName, type CurveConstants } from './curves';
export {
  validateProtection, operateTimeS, resetTimeS, elementName, lowestPickupA, fastestElement, ProtectionSettingsError, TMS_RANGE, DELAY_RANGE_S,
  type ProtectionElement, type ProtectionSettings, type InverseTimeElement, type DefiniteTimeElement, type InstantaneousElement,
  type Measures, type ResetMode, type OperatingElement,
} from './settings';
export { ElementTimer } from './element';
export { classifyFault, faultFamily, type Classification, type FaultObservation, type ClassifyThresholds, type FaultType, type FaultFamily, type Phase } from './classify';
export {
  FaultDetector, type DetectorOptions, type DetectorFeeder, type DetectorOutput, type FaultEvent, type InterruptionRecord,
  type MeasurementInput, type PassageReport, type Cause,
} from './detector';
