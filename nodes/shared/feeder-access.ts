/**
 * How dms nodes reach their `dms-feeder` config node. The config node validates the model on
 * deploy; nodes that use it call `requireFeeder` inside their input handler (which throws the
 * validation error, so the message fails with done(err) and a red status) and `watchFeeder` once
 * at start-up (which shows a red status immediately when the model is invalid or missing).
 */
import type { Node, NodeAPI } from 'node-red';
import type { LoadedFeeder } from '../../lib/model/load';
import { setStatus } from './status';

export interface FeederConfigNode extends Node {
  /** The validated model and its topology under normal switch states, or null when invalid. */
  feeder: LoadedFeeder | null;
  /** Why the model is not usable (all validation errors in one message), or null. */
  feederError: Error | null;
}

export function getFeederNode(RED: NodeAPI, id: string | undefined): FeederConfigNode | null {
  if (!id) return null;
  return (RED.nodes.getNode(id) as FeederConfigNode | null) ?? null;
}

/** Returns the loaded feeder or throws an Error that says which config node and why. */
export function requireFeeder(cfg: FeederConfigNode | null): LoadedFeeder {
  if (!cfg) throw new Error('no feeder model configured: select a dms-feeder config node');
  if (!cfg.feeder) throw cfg.feederError ?? new Error(`feeder "${cfg.name || cfg.id}" is not loaded`);
  return cfg.feeder;
}

/** Shows a red status and logs once when the node's feeder is missing or invalid; true when usable. */
export function watchFeeder(node: Node, cfg: FeederConfigNode | null): boolean {
  if (!cfg) {
    setStatus(node, 'error', 'no feeder configured');
    node.error('no feeder model configured: select a dms-feeder config node');
    return false;
  }
  if (!cfg.feeder) {
    const message = cfg.feederError?.message ?? 'feeder not loaded';
    setStatus(node, 'error', `feeder invalid: ${message}`);
    node.error(`feeder "${cfg.name || cfg.id}" is invalid: ${message}`);
    return false;
  }
  return true;
}
