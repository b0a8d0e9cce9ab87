/**
 * Feeder simulator: Modbus TCP requests served per second over loopback, with 1, 8 and 32
 * concurrent modbus-serial clients each polling input registers 0..39 (one IED's measurements,
 * fault currents and counters) as fast as answers come back, against the same read done in process
 * (request check + register copy, no network) as the reference. Also the cost of a state change
 * (topology, power flow, fault evaluation, every IED image) on RBTS Bus 2 and IEEE 33.
 */
import { performance } from 'node:perf_hooks';
import ModbusRTU from 'modbus-serial';
import { networkModel } from '../lib/networks';
import { buildLoads } from '../lib/powerflow/loads';
import { PowerFlowNetwork } from '../lib/powerflow/network';
import { describeSolution, solveState } from '../lib/powerflow/solve';
import { ManualClock } from '../lib/sim/clock';
import { FeederSimulator } from '../lib/sim/feeder-sim';
import { checkRequest } from '../lib/sim/modbus-server';
import { startSimulator } from '../lib/sim/start';
import { fmt, measure, table } from './timing';

export const title = 'Feeder simulator: Modbus TCP requests/s served, and state-change cost';

const RUN_MS = 1500;

async function pollers(port: number, units: number[], clients: number): Promise<{ requests: number; perSec: number }> {
  const cs = await Promise.all(Array.from({ length: clients }, async (_, k) => {
    const c = new ModbusRTU();
    await c.connectTCP('127.0.0.1', { port });
    c.setID(units[k % units.length]);
    c.setTimeout(5000);
    return c;
  }));
  // Warm-up round.
  await Promise.all(cs.map((c) => c.readInputRegisters(0, 40)));
  let requests = 0;
  const start = performance.now();
  const end = start + RUN_MS;
  await Promise.all(cs.map(async (c) => {
    while (performance.now() < end) {
      await c.readInputRegisters(0, 40);
      requests++;
    }
  }));
  const elapsed = performance.now() - start;
  await Promise.all(cs.map((c) => new Promise<void>((r) => c.close(() => r()))));
  return { requests, perSec: (requests * 1000) / elapsed };
}

export async function run(): Promise<void> {
  const model = networkModel('rbts-bus2');
  for (const d of model.devices) if (d.id.startsWith('DS-')) d.automated = true;
  const h = await startSimulator({ feeder: model, port: 0, clock: new ManualClock(), logConnections: false });
  const units = h.units.map((u) => u.unitId);
  try {
    // Reference: the same request answered in process: check + copy of 40 registers.
    const unitMap = new Map(h.simulator.ieds.map((i) => [i.unitId, i]));
    const req = Buffer.from([4, 0, 0, 0, 40]);
    let k = 0;
    const local = measure(() => {
      const u = units[k++ % units.length];
      if (checkRequest(unitMap, u, req)) throw new Error('refused');
      return unitMap.get(u)!.readRegisters('inputRegister', 0, 40);
    });
    const rows: Array<Array<string | number>> = [['clients', 'requests', 'requests/s', 'ms/request (per client)', 'in-process reads/s', 'network / in-process']];
    for (const clients of [1, 8, 32]) {
      const r = await pollers(h.port, units, clients);
      rows.push([String(clients), String(r.requests), r.perSec, (1000 * clients) / r.perSec, local.opsPerSec, `1 : ${fmt(local.opsPerSec / r.perSec)}`]);
    }
    console.log(`  RBTS Bus 2 (automated disconnects): ${units.length} IED units + control unit, FC 4 reads of 40 registers over 127.0.0.1`);
    table(rows);
  } finally {
    await h.close();
  }

  // State change: what an inject / trip / reclose / switch costs (topology, power flow, faults, every image re-encoded).
  const rows: Array<Array<string | number>> = [['network', 'IEDs', 'state updates/s', 'ms/update', 'power flow alone ms', 'update / power flow']];
  for (const name of ['rbts-bus2', 'ieee33']) {
    const sim = new FeederSimulator(networkModel(name), { clock: new ManualClock() });
    const upd = measure(() => sim.update());
    // Reference: the power flow it contains (same network data, flat start, id-keyed result).
    const net = new PowerFlowNetwork(sim.index);
    const loads = buildLoads(sim.index, { load: 'peak' });
    const pfOnly = measure(() => {
      const { topology, ws, outcome } = solveState(net, loads, undefined);
      return describeSolution(net, loads, topology, ws, outcome);
    });
    rows.push([name, String(sim.ieds.length), upd.opsPerSec, upd.msPerOp, pfOnly.msPerOp, `${fmt(upd.msPerOp / pfOnly.msPerOp)} ×`]);
    sim.close();
  }
  table(rows);
}
