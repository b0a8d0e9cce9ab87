/**
 * One overcurrent element run over a current that changes with time: the operate integral
 * ∫ dt / t(I) rises while the current is above pickup and the element operates when it reaches 1
 * (IEEE C37.112 integral form; for a constant current this is exactly t(I)). Below pickup it
 * resets: at once (instantaneous), after resetDelayS with the integral held meanwhile (definite),
 * or running back at 1 / tr(I) (dependent, IEEE disc emulation).
 */
import { operateTimeS, resetTimeS, type ProtectionElement } from './settings';

export class ElementTimer {
  /** Operate integral, 0 (reset) .. 1 (operated). */
  progress = 0;
  operated = false;
  /** Time spent below pickup since the last pickup (definite reset). */
  private belowS = 0;

  constructor(readonly element: ProtectionElement) {}

  /**
   * Advances by dtS seconds at current I (constant over the step). Returns the time into the step
   * at which the element operated, or -1 when it did not operate in this step.
   */
  step(currentA: number, dtS: number): number {
    if (this.operated) return -1;
    const e = this.element;
    if (currentA > e.pickupA) {
      this.belowS = 0;
      const t = operateTimeS(e, currentA);
      const need = (1 - this.progress) * t;
      if (need <= dtS) {
        this.progress = 1;
        this.operated = true;
        return need;
      }
      this.progress += dtS / t;
      return -1;
    }
    const mode = e.kind === 'instantaneous' ? 'instantaneous' : e.reset ?? 'instantaneous';
    if (mode === 'instantaneous') this.progress = 0;
    else if (mode === 'definite') {
      this.belowS += dtS;
      if (this.belowS >= resetTimeS(e, currentA)) this.progress = 0;
    } else {
      this.progress = Math.max(0, this.progress - dtS / resetTimeS(e, currentA));
    }
    return -1;
  }

  /** Back to the reset state (after a trip the breaker opens and the element resets). */
  clear(): void {
    this.progress = 0;
    this.operated = false;
    this.belowS = 0;
  }
}
