/**
 * The contract between the dms-reliability node and its modes: each mode lives in its own module
 * and turns messages into results; the node only dispatches on `config.mode`.
 */
import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { InputHandler, SendFn } from '../shared/input';

export interface ReliabilityNodeDef extends NodeDef {
  feeder: string;
  mode?: string;
  [setting: string]: unknown;
}

export interface ReliabilityMode {
  /** Handles one message: send the complete output, or throw (the node fails the message). */
  input(msg: Parameters<InputHandler>[0], send: SendFn): void | Promise<void>;
  /** Stops any running work and saves what must outlive the node (closed or redeployed); the node waits for it. */
  close(): void | Promise<void>;
}

/** Builds a mode; throws when the configuration is invalid (the node then fails every message). */
export type ReliabilityModeFactory = (RED: NodeAPI, node: Node, config: ReliabilityNodeDef) => ReliabilityMode;
