/**
 * Node status conventions shared by every dms node, so an operator reads state at a glance:
 * green dot = working/normal, blue ring = busy, yellow ring = warning or advisory waiting,
 * red ring = error (the text says what), grey ring = idle or not configured.
 */
import type { Node } from 'node-red';

export type StatusKind = 'ok' | 'busy' | 'warn' | 'error' | 'idle';

const SHAPES: Record<StatusKind, { fill: 'green' | 'blue' | 'yellow' | 'red' | 'grey'; shape: 'dot' | 'ring' }> = {
  ok: { fill: 'green', shape: 'dot' },
  busy: { fill: 'blue', shape: 'ring' },
  warn: { fill: 'yellow', shape: 'ring' },
  error: { fill: 'red', shape: 'ring' },
  idle: { fill: 'grey', shape: 'ring' },
};

/** Status texts are kept short: the editor truncates long ones. */
export function setStatus(node: Node, kind: StatusKind, text: string): void {
  const clipped = text.length > 60 ? text.slice(0, 57) + '...' : text;
  node.status({ ...SHAPES[kind], text: clipped });
}

export function clearStatus(node: Node): void {
  node.status({});
}
