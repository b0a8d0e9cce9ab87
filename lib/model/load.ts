/**
 * Loading a feeder model from a parsed object, JSON text, a file or a built-in name: validate,
 * then build the topology under normal switch states once, for every feature to share.
 */
import { readFileSync } from 'node:fs';
import { FeederIndex } from './feeder-index';
import { summarise } from './summary';
import { Topology } from './topology';
import type { FeederModel, ModelIssue, ModelSummary } from './types';
import { formatIssue, validateFeeder } from './validate';

export interface LoadedFeeder {
  model: FeederModel;
  index: FeederIndex;
  /** Topology under the normal switch states. */
  topology: Topology;
  summary: ModelSummary;
  warnings: ModelIssue[];
}

/** Thrown when a model is invalid; `issues` lists every error, the message shows them all. */
export class ModelError extends Error {
  constructor(readonly issues: ModelIssue[], readonly source = 'feeder model') {
    super(`${source} is invalid: ${issues.map(formatIssue).join('; ')}`);
    this.name = 'ModelError';
  }
}

/** Validates an already-parsed model and prepares its index, topology and summary. */
export function loadFeeder(input: unknown, source = 'feeder model'): LoadedFeeder {
  const result = validateFeeder(input);
  if (!result.ok || !result.model) throw new ModelError(result.errors, source);
  const index = new FeederIndex(result.model);
  const topology = new Topology(index);
  return { model: result.model, index, topology, summary: summarise(result.model, topology), warnings: result.warnings };
}

/** Parses JSON text (with a clear error for malformed JSON) and loads it. */
export function loadFeederJson(text: string, source = 'feeder model'): LoadedFeeder {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ModelError([{ path: '(model)', id: '', message: `not valid JSON: ${(err as Error).message}` }], source);
  }
  return loadFeeder(doc, source);
}

export function loadFeederFile(file: string): LoadedFeeder {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ModelError([{ path: '(file)', id: '', message: `cannot read: ${readFailure(err)}` }], file);
  }
  return loadFeederJson(text, file);
}

/** `ENOENT: no such file or directory` from a fs error (its message without the repeated path). */
export function readFailure(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e.code ? e.message.split(',')[0] : String(e.message ?? err);
}
