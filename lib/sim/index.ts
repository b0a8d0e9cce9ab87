export { ManualClock, RealClock, type SimClock, type TimerHandle } from './clock';
export { FeederSimulator, withLineImpedances, type DeviceState, type FaultState, type IedReading, type SimulatorSnapshot } from './feeder-sim';
export { SimIed, COMMAND_RESULT } from './ied-unit';
export { ControlUnit, controlMap } from './control-unit';
export { EventLog, type SimEvent } from './event-log';
export { SimModbusServer, checkRequest, freePort } from './modbus-server';
export { EXCEPTION, ModbusException } from './modbus-exception';
export { faultCurrents, sequenceCurrents, busVoltages, sourceImpedance, type FaultCurrents } from './short-circuit';
export {
  SIM_DEFAULTS, FAULT_KIND_ALIASES, defaultProtection, profileAt,
  type SimulatorOptions, type FaultSpec, type FaultKind, type PhaseName, type DeviceProtection,
} from './settings';
export { SIM_CONTROL_UNIT_ID, MAX_IED_UNIT_ID, DEFAULT_IED_MAP, assignUnitIds, simulatorIeds, withSimulatorIeds, fittedWithIed } from './units';
export { startSimulator, unitTable, DEFAULT_SIM_HOST, DEFAULT_SIM_PORT, type StartSimulatorOptions, type SimulatorHandle, type SimUnitInfo } from './start';
