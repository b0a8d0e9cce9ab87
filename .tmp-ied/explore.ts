import { helper } from '/work/main/test/support/node-red';
// eslint-disable-next-line
const ModbusRTU = require('modbus-serial');
async function main() {
  const regs = Array.from({ length: 50 }, (_, i) => i * 3);
  const server = new ModbusRTU.ServerTCP({
    getInputRegister: (a: number) => regs[a] ?? 0,
    getHoldingRegister: (a: number) => regs[a] ?? 0,
    getMultipleInputRegisters: (a: number, n: number, unit: number) => { console.log('unit', unit); return regs.slice(a, a + n); },
    getCoil: (a: number) => a % 3 === 0,
    getDiscreteInput: (a: number) => a % 2 === 0,
  }, { host: '127.0.0.1', port: 15502, unitID: 7 });
  await new Promise((r) => server.on('initialized', r));
  const readNode = require('node-red-contrib-modbus/modbus/modbus-read.js');
  const clientNode = require('node-red-contrib-modbus/modbus/modbus-client.js');
  const flow = [
    { id: 'c1', type: 'modbus-client', name: 'sim', clienttype: 'tcp', bufferCommands: true, tcpHost: '127.0.0.1', tcpPort: 15502, tcpType: 'DEFAULT', unit_id: 7, commandDelay: 1, clientTimeout: 1000, reconnectOnTimeout: true, reconnectTimeout: 2000, parallelUnitIdsAllowed: true, stateLogEnabled: false, queueLogEnabled: false, failureLogEnabled: true },
    { id: 'r1', type: 'modbus-read', name: 'read', topic: 'feeder1/cb1', showStatusActivities: false, showErrors: true, unitid: '7', dataType: process.argv[2] || 'InputRegister', adr: '0', quantity: '10', rate: '1', rateUnit: 's', delayOnStart: false, startDelayTime: '', server: 'c1', useIOFile: false, ioFile: '', useIOForPayload: false, emptyMsgOnFail: false, wires: [['h1'], ['h2']] },
    { id: 'h1', type: 'helper' }, { id: 'h2', type: 'helper' },
  ];
  await helper.load([clientNode, readNode], flow);
  const got: unknown[] = [];
  helper.getNode('h1').on('input', (m: unknown) => { got[0] = m; });
  helper.getNode('h2').on('input', (m: unknown) => { got[1] = m; });
  const t0 = Date.now();
  while ((!got[0] || !got[1]) && Date.now() - t0 < 8000) await new Promise((r) => setTimeout(r, 50));
  console.log(JSON.stringify(got, null, 1));
  await helper.unload(); server.close(() => {}); process.exit(0);
}
main();
