/**
 * Register maps (`dms-register-map/1`): how an IED lays out its measurements, states and
 * commands over the four Modbus tables, and how raw registers become engineering values.
 */

export const REGISTER_MAP_FORMAT = 'dms-register-map/1';

/** The four Modbus data tables (function codes 1, 2, 3, 4 read them). */
export type Table = 'coil' | 'discreteInput' | 'holdingRegister' | 'inputRegister';

export const TABLES: readonly Table[] = ['coil', 'discreteInput', 'holdingRegister', 'inputRegister'];

/** Modbus read function code of each table. */
export const READ_FUNCTION_CODE: Record<Table, number> = { coil: 1, discreteInput: 2, holdingRegister: 3, inputRegister: 4 };

export type DataType = 'bool' | 'bit' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

/** Registers a data type occupies (bool in a bit table occupies one bit). */
export const TYPE_WORDS: Record<DataType, number> = { bool: 1, bit: 1, int16: 1, uint16: 1, int32: 2, uint32: 2, float32: 2, float64: 4 };

/**
 * Byte order inside each 16-bit register ('big' = high byte first, as Modbus sends it) and word
 * order across a multi-register value ('big' = most significant register at the lowest address).
 * big/big is "ABCD", big/little "CDAB", little/big "BADC", little/little "DCBA".
 */
export type Endian = 'big' | 'little';

export type Access = 'read' | 'write' | 'readwrite';

/** One point of a register map as written in JSON. */
export interface RegisterPoint {
  /** Key of the value in `ied/measurement` messages; carries its unit (`iaA`, `pKW`). */
  name: string;
  table: Table;
  /** Zero-based protocol address (the PDU address, not the 3xxxx/4xxxx reference number). */
  address: number;
  type: DataType;
  /** Bit number 0..15 (0 = least significant) for `type: "bit"`. */
  bit?: number;
  byteOrder?: Endian;
  wordOrder?: Endian;
  /** engineering = raw × scale + offset (defaults 1 and 0); or a mathjs `expression` in `x`. */
  scale?: number;
  offset?: number;
  expression?: string;
  /** Inverse of `expression` in `y` (engineering value), needed to encode such a point. */
  inverse?: string;
  unit?: string;
  /** Valid engineering range; values outside it get quality `out-of-range`. */
  range?: { min?: number; max?: number };
  /** Report-by-exception deadband in engineering units (0 or absent: any change is reported). */
  deadband?: number;
  access?: Access;
  description?: string;
  /** Enumeration labels of integer values, e.g. {"0": "idle", "1": "selected"}. Documentation only. */
  labels?: Record<string, string>;
}

/** A select-before-operate (or direct) command sequence over named coils or registers. */
export interface ControlSpec {
  /** Point written to select (arm) the command; absent for direct operate. */
  select?: string;
  /** Point written to execute the command. */
  operate: string;
  /** Point written to cancel a selection. */
  cancel?: string;
  /** Point read back to confirm the result, and the value it must reach. */
  confirm?: { point: string; value: boolean | number };
  description?: string;
}

export interface RegisterMapDoc {
  format: typeof REGISTER_MAP_FORMAT;
  name: string;
  description?: string;
  vendor?: string;
  /** Defaults for every point. */
  byteOrder?: Endian;
  wordOrder?: Endian;
  points: RegisterPoint[];
  controls?: Record<string, ControlSpec>;
  notes?: string[];
}

/** Quality of a value, worst last: a message's quality is the worst of its values. */
export type Quality = 'good' | 'out-of-range' | 'stale' | 'comms-failed';

export const QUALITY_RANK: Record<Quality, number> = { good: 0, 'out-of-range': 1, stale: 2, 'comms-failed': 3 };

export type Value = number | boolean;

/** The payload of an `ied/measurement` message. */
export interface IedMeasurement {
  ied: string;
  device: string | null;
  section: string | null;
  unitId: number | null;
  /** Epoch milliseconds of the read (or of the stale / comms check). */
  ts: number;
  /** Worst quality among `values`. */
  quality: Quality;
  /** Why this message was sent. */
  reason: 'change' | 'all' | 'heartbeat' | 'stale' | 'comms-failed';
  /** Values by point name; null for a point that has never been read (comms-failed / stale reports). */
  values: Record<string, Value | null>;
  /** Quality of each value in `values`. */
  qualities: Record<string, Quality>;
  /** Modbus error text for `comms-failed`. */
  error?: string;
}
