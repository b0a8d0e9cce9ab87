/**
 * Turns a dms-feeder config (built-in name, JSON text or file path) into a loaded feeder. Shared
 * by the runtime node and the editor's summary endpoint so both report the same errors.
 */
import path from 'node:path';
import { loadFeederFile, loadFeederJson, type LoadedFeeder } from '../../lib/model/load';
import { loadNetwork } from '../../lib/networks';

export interface FeederSourceConfig {
  source?: string;
  network?: string;
  json?: string;
  file?: string;
}

export function loadFeederSource(cfg: FeederSourceConfig, userDir: string | undefined): LoadedFeeder {
  switch (cfg.source ?? 'network') {
    case 'network':
      if (!cfg.network) throw new Error('no built-in network selected');
      return loadNetwork(cfg.network);
    case 'json':
      if (!cfg.json || !cfg.json.trim()) throw new Error('the model JSON is empty');
      return loadFeederJson(cfg.json, 'feeder model JSON');
    case 'file': {
      if (!cfg.file) throw new Error('no model file given');
      const file = path.isAbsolute(cfg.file) ? cfg.file : path.resolve(userDir ?? process.cwd(), cfg.file);
      return loadFeederFile(file);
    }
    default:
      throw new Error(`unknown model source "${cfg.source}" (network, json or file)`);
  }
}
