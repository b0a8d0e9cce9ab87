/**
 * Captures real node-red-contrib-modbus messages into test/fixtures/ied/modbus-read-5.23.3.json:
 *   npx tsx test/support/capture-modbus-read.ts
 * The fixture keeps the messages as a debug node would serialise them (Buffers as
 * {type: 'Buffer', data}, Errors as {name, message, ...}).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CAPTURE_UNIT_ID, SERVED_VALUES, captureModbusReadMessages } from './modbus-read-flow';

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const modbusVersion = require('node-red-contrib-modbus/package.json').version as string;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const nodeRedVersion = require('node-red/package.json').version as string;
  const messages = await captureModbusReadMessages();
  const fixture = {
    description: 'Messages emitted by node-red-contrib-modbus Read nodes (both outputs) and a Flex-Getter polling a modbus-serial ServerTCP on 127.0.0.1 that serves the dms-standard-ied map with `served` values; `failedRead` polls input registers 100..101, which the server rejects (exception 2), with "empty msg on fail" set.',
    capturedAt: new Date().toISOString(),
    versions: { 'node-red-contrib-modbus': modbusVersion, 'node-red': nodeRedVersion, node: process.version },
    unitId: CAPTURE_UNIT_ID,
    map: 'dms-standard-ied',
    served: SERVED_VALUES,
    messages,
  };
  const file = path.join(__dirname, '..', 'fixtures', 'ied', `modbus-read-${modbusVersion}.json`);
  writeFileSync(file, JSON.stringify(fixture, null, 2) + '\n');
  console.log(`wrote ${file}`);
  process.exit(0);
}

main().catch((err) => { console.error(err); process.exit(1); });
