export * from './types';
export { decodeRaw, encodeRaw, setBit, bytesToRegisters, bytesToBits, registersToBytes, bitsToBytes, integerLimits } from './codec';
export {
  compileRegisterMap, resolveRegisterMap, builtinMap, builtinMapDoc, toEngineering, toRaw, formatMapIssue,
  RegisterMapError, BUILTIN_MAP_NAMES, type CompiledMap, type CompiledPoint, type MapIssue,
} from './register-map';
export { planBlock, decodeBlock, decodeToRecord, describeRange, type DecodePlan } from './block';
export { RegisterImage, encodePoint, encodeValues } from './image';
export { readModbusMessage, type ModbusBlockInput } from './input';
export { IedReader, type IedBinding, type ReaderOptions, type ReaderSummary, type IedLevel } from './reader';
export { bindingsFromFeeder } from './bindings';
