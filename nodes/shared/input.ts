/**
 * The input-handling contract of every dms node (DESIGN.md §5): the handler either sends its
 * complete output or throws; a throw becomes done(err) with a red status naming the problem, and
 * the node stays ready for the next message. Works with the send/done API of Node-RED >= 1.0.
 */
import type { Node, NodeMessage, NodeMessageInFlow } from 'node-red';
import { setStatus } from './status';

export type SendFn = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
export type DoneFn = (err?: Error) => void;
export type InputHandler = (msg: NodeMessageInFlow & Record<string, unknown>, send: SendFn) => void | Promise<void>;

export function onInput(node: Node, handler: InputHandler): void {
  node.on('input', (msg: NodeMessageInFlow, send: SendFn, done: DoneFn) => {
    let result: void | Promise<void>;
    try {
      result = handler(msg as NodeMessageInFlow & Record<string, unknown>, send);
    } catch (err) {
      fail(node, err, done);
      return;
    }
    if (result && typeof (result as Promise<void>).then === 'function') {
      (result as Promise<void>).then(() => done(), (err) => fail(node, err, done));
    } else {
      done();
    }
  });
}

function fail(node: Node, err: unknown, done: DoneFn): void {
  const e = err instanceof Error ? err : new Error(String(err));
  setStatus(node, 'error', e.message);
  done(e);
}

/** Copies msg properties a flow may rely on (_msgid, topic, correlation ids) onto a new payload. */
export function reply(msg: NodeMessageInFlow, topic: string, payload: unknown, extra: Record<string, unknown> = {}): NodeMessage {
  return { ...msg, topic, payload, ...extra } as NodeMessage;
}
