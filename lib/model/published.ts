/**
 * Feeder models that dms-feeder config nodes have loaded, by node name and id, so a function node
 * uses the same validated model through the package (`dms.publishedFeeder('RBTS Bus 2 (demo)')`)
 * instead of naming and reading the file a second time. The registry lives in this module: a
 * function node that loads `node-red-contrib-dms/dist/lib/...` from the user directory Node-RED
 * loaded the nodes from shares it.
 */
import type { LoadedFeeder } from './load';

interface Entry {
  owner: string;
  feeder: LoadedFeeder;
}

const published = new Map<string, Entry>();

/** Publishes `feeder` under each non-empty key; returns what withdraws it (only entries `owner` still holds). */
export function publishFeeder(owner: string, keys: string[], feeder: LoadedFeeder): () => void {
  const used = keys.filter((k) => k !== '');
  for (const k of used) published.set(k, { owner, feeder });
  return () => {
    for (const k of used) if (published.get(k)?.owner === owner) published.delete(k);
  };
}

/** The model of the dms-feeder node with this name (or id); throws naming those that are loaded. */
export function publishedFeeder(nameOrId: string): LoadedFeeder {
  const hit = published.get(nameOrId);
  if (hit) return hit.feeder;
  const names = [...published.keys()].map((k) => `"${k}"`);
  throw new Error(`no dms-feeder node named (or with id) "${nameOrId}" has a valid model loaded${names.length ? ` (loaded: ${names.join(', ')})` : ' (none is)'}`);
}
