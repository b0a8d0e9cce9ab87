/**
 * The library behind the nodes and the `dms` command, for scripts and studies without Node-RED.
 * Each area is a namespace, so names that mean different things in different areas (a `Result`,
 * a `validate`) never collide: `import { model, reliability } from 'node-red-contrib-dms'`.
 */
export * as model from './model';
export * as networks from './networks';
export * as reliability from './reliability';
export * as powerflow from './powerflow';
export * as fdir from './fdir';
export * as optimize from './optimize';
export * as transformer from './transformer';
export * as protection from './protection';
export * as ied from './ied';
export * as sim from './sim';
export * as diagram from './diagram';
