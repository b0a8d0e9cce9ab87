/**
 * Built-in feeders, loadable by name (as pandapower ships its test networks). Each JSON file
 * carries its provenance in `description` and any assumptions in `notes`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { loadFeeder, type LoadedFeeder } from '../model/load';
import type { FeederModel } from '../model/types';

export interface NetworkInfo {
  name: string;
  title: string;
  description: string;
}

/** Built-in network names, in the order `dms networks` lists them. */
export const NETWORK_NAMES = [
  'textbook-base',
  'textbook-fuses',
  'textbook-fuses-disconnects',
  'textbook-fuse-failure',
  'textbook-alternate-supply',
  'rbts-bus2',
  'ieee33',
  'ghion',
] as const;

export type NetworkName = (typeof NETWORK_NAMES)[number];

const ALIASES: Record<string, NetworkName> = { textbook: 'textbook-base', rbts: 'rbts-bus2', 'ieee-33': 'ieee33' };

function fileOf(name: string): string {
  return path.join(__dirname, `${name}.json`);
}

export function resolveNetworkName(name: string): NetworkName {
  const n = ALIASES[name] ?? name;
  if (!(NETWORK_NAMES as readonly string[]).includes(n) || !existsSync(fileOf(n))) {
    throw new Error(`unknown network "${name}": built-in networks are ${NETWORK_NAMES.join(', ')}`);
  }
  return n as NetworkName;
}

/** A fresh copy of a built-in model (callers may modify it). */
export function networkModel(name: string): FeederModel {
  return JSON.parse(readFileSync(fileOf(resolveNetworkName(name)), 'utf8')) as FeederModel;
}

/** A built-in model, validated, with its topology. */
export function loadNetwork(name: string): LoadedFeeder {
  const n = resolveNetworkName(name);
  return loadFeeder(networkModel(n), `network "${n}"`);
}

export function listNetworks(): NetworkInfo[] {
  return NETWORK_NAMES.filter((n) => existsSync(fileOf(n))).map((n) => {
    const m = networkModel(n);
    return { name: n, title: m.name ?? n, description: m.description ?? '' };
  });
}
