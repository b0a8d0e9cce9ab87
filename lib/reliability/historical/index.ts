/** Historical reliability (IEEE Std 1366) from interruption records. */
export * from './types';
export { HistoricalAccumulator, STATE_FORMAT, periodYears, type HistoricalOptions, type AccumulatorSettings, type AccumulatorState, type AccumulatorCounts, type QueryOptions, type HistoricalReport, type ScopeSet, type PlannedSplit } from './accumulator';
export { normaliseRecord, derivedId, type Normalised, type NormaliseOptions, type RejectCode } from './record';
export { servedTable, parseServedCsv, servedFromModel } from './served';
export { medThreshold, type MedThreshold, type StdDevKind } from './med';
export { feederLevelIndices, type FeederPeriodLog, type FeederLevelIndices, type FeederLevelResult, type FeederLevelCause } from './feeder-level';
export { parseTargets, compareTargets, EEA_TARGETS, TARGET_PRESETS, TARGET_KEYS, type Targets, type TargetCheck, type TargetKey } from './targets';
export { periodSeries, uiChartData, uiChartPoints, feederTable, SERIES_INDICES, INDEX_INFO, type ChartSeries, type PeriodSeries, type SeriesOptions, type SeriesIndex, type FeederRow } from './dashboard';
export { readRecordRows, csvRecordRows, jsonRecordRows, recordHeader, RECORD_COLUMNS, type RecordRow } from './read-records';
export { ZoneCalendar, checkTimeZone, dayKey, parseIsoInstant } from './calendar';
