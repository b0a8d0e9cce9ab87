/** Why a power flow has no answer: bad data, a meshed state, or a sweep that did not converge. */
export type PowerFlowErrorKind = 'data' | 'meshed' | 'not-converged' | 'diverged';

export class PowerFlowError extends Error {
  constructor(
    message: string,
    readonly kind: PowerFlowErrorKind,
    readonly details: {
      /** Section ids around the loop (meshed states). */
      loop?: string[];
      /** Bus with the largest mismatch when the sweep stopped. */
      bus?: string;
      iterations?: number;
      mismatchPu?: number;
    } = {},
  ) {
    super(message);
    this.name = 'PowerFlowError';
  }
}
