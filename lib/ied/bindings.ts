/**
 * Which IEDs a reader serves: the feeder model's `ieds` list (each with its own register map, by
 * built-in name or inline), or one IED configured directly with one map.
 */
import type { FeederModel } from '../model/types';
import type { IedBinding } from './reader';
import { RegisterMapError, resolveRegisterMap, type CompiledMap } from './register-map';

/** One binding per IED of the model; IEDs without `registerMap` use `defaultMap`. Throws naming the IED. */
export function bindingsFromFeeder(model: FeederModel, defaultMap: CompiledMap | null): IedBinding[] {
  const ieds = model.ieds ?? [];
  if (ieds.length === 0) throw new Error(`feeder "${model.name ?? '(unnamed)'}" lists no IEDs (ieds is empty)`);
  const problems: string[] = [];
  const out: IedBinding[] = [];
  ieds.forEach((d, i) => {
    let map: CompiledMap | null = defaultMap;
    if (d.registerMap !== undefined) {
      try {
        map = resolveRegisterMap(d.registerMap, `ieds[${i}] "${d.id}" register map`);
      } catch (err) {
        problems.push(err instanceof RegisterMapError ? err.message : `ieds[${i}] "${d.id}": ${(err as Error).message}`);
        return;
      }
    }
    if (!map) {
      problems.push(`ieds[${i}] "${d.id}": has no registerMap and the reader has no default map`);
      return;
    }
    out.push({ id: d.id, device: d.device ?? null, section: d.section ?? null, unitId: d.unitId, topic: d.topic ?? null, map });
  });
  if (problems.length) throw new Error(problems.join('; '));
  return out;
}
