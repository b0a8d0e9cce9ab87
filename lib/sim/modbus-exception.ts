/**
 * Modbus exception responses (Modbus Application Protocol v1.1b3, section 7). modbus-serial's
 * ServerTCP answers with `modbusErrorCode` when a vector function throws an object carrying it.
 */

export const EXCEPTION = {
  /** The function code is not supported. */
  illegalFunction: 0x01,
  /** The address (or address + quantity) is not served, or the point cannot be written. */
  illegalDataAddress: 0x02,
  /** A value (or quantity, or request length) is not acceptable. */
  illegalDataValue: 0x03,
  /** The server could not perform the requested action (a command refused in its present state). */
  serverDeviceFailure: 0x04,
  /** The server is busy with a long command (a switch still travelling). */
  serverDeviceBusy: 0x06,
  /** A gateway's target device did not respond: the unit id is not served here. */
  gatewayTargetFailed: 0x0b,
} as const;

export class ModbusException extends Error {
  constructor(readonly modbusErrorCode: number, message: string) {
    super(message);
    this.name = 'ModbusException';
  }
}

export function fail(code: number, message: string): never {
  throw new ModbusException(code, message);
}
