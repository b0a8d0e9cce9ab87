/**
 * dms-transformer-mode: the operation-mode selector of a two-transformer substation (Gao, Huang &
 * Li 2013) as a Node-RED node. Telemetry in; out 1 the recommendation, out 2 switching plans and
 * commands, out 3 statistics and reports. Statistics and decision state live in node context
 * (optionally a named, persistent store), so they survive restarts.
 */
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import {
  DayCalendar, isMode, MODES, ModeSelector, parseTelemetry, reportCsv, reportHtml,
  type ModeName, type SelectorSettings, type StatsQuery, type StepResult, type SwitchingPlan,
} from '../../lib/transformer';
import { onInput, reply } from '../shared/input';
import { setStatus } from '../shared/status';
import { settingsFromConfig, type TransformerModeConfig } from './settings-from-config';

type TransformerModeNodeDef = NodeDef & TransformerModeConfig;

const CONTEXT_KEY = 'dmsTransformerMode';

function topicIs(topic: unknown, name: string): boolean {
  return topic === name || topic === `transformer/${name}`;
}

function r(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function planPayload(plan: SwitchingPlan, execution: 'advisory' | 'automatic' | 'confirmed'): Record<string, unknown> {
  return {
    ...plan,
    execution,
    note: execution === 'advisory'
      ? `advisory: review and send {topic: "transformer/confirm", payload: {planId: "${plan.planId}"}} to issue the commands`
      : 'execute the commands in order; confirm each by reading the status back within its timeout, stop and alarm on a missing or wrong confirmation',
  };
}

function recommendation(res: StepResult, selector: ModeSelector, settings: SelectorSettings): Record<string, unknown> {
  const d = res.decision;
  return {
    ts: res.sample.ts,
    presentMode: d.present,
    bestMode: d.best,
    action: d.action,
    targetMode: d.target,
    savingKW: r(d.savingKW),
    reason: d.reason,
    dwellRemainingMin: r(d.dwellRemainingMs / 60_000, 1),
    totalKVA: r(res.evaluation.totalKVA, 2),
    busKVA: res.evaluation.busKVA.map((x) => r(x, 2)),
    modes: res.evaluation.modes.map((m) => ({
      mode: m.mode, lossKW: r(m.lossKW), criterionKW: r(m.criterionKW), feasible: m.feasible, reason: m.reason,
      loadingPu: m.loading.map((x) => r(x)),
    })),
    blockedModes: selector.blockedModes,
    control: settings.control,
    openPlanId: selector.openProposal?.planId ?? null,
    faulted: res.sample.faulted === true,
  };
}

function parseQuery(raw: unknown): { query: StatsQuery; format: 'json' | 'csv' | 'html' } {
  const o = (raw ?? {}) as Record<string, unknown>;
  if (typeof raw === 'string') return { query: { period: raw, granularity: 'day' }, format: 'json' };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`inquiry payload must be {period? | from?, to?, granularity?, format?} or a period string, got ${JSON.stringify(raw)}`);
  }
  const format = (o.format ?? 'json') as string;
  if (!['json', 'csv', 'html'].includes(format)) throw new Error(`inquiry format must be json, csv or html, got ${JSON.stringify(o.format)}`);
  const str = (k: string): string | undefined => {
    const v = o[k];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') throw new Error(`inquiry ${k} must be a period string (YYYY, YYYY-MM or YYYY-MM-DD), got ${JSON.stringify(v)}`);
    return v;
  };
  const granularity = (str('granularity') ?? 'day') as StatsQuery['granularity'];
  return { query: { period: str('period'), from: str('from'), to: str('to'), granularity }, format: format as 'json' | 'csv' | 'html' };
}

export = function (RED: NodeAPI) {
  function DmsTransformerModeNode(this: Node, config: TransformerModeNodeDef) {
    RED.nodes.createNode(this, config);
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const node = this;
    const store = config.contextStore && config.contextStore.trim() ? config.contextStore.trim() : undefined;
    let settings: SelectorSettings | null = null;
    let configError: Error | null = null;
    try {
      settings = settingsFromConfig(config);
    } catch (err) {
      configError = new Error(`configuration: ${(err as Error).message}`);
      setStatus(node, 'error', configError.message);
      node.error(configError.message);
    }
    let selector: ModeSelector | null = null;
    let restoreWarning: string | null = null;

    const ready: Promise<void> = !settings ? Promise.resolve() : new Promise<void>((resolve) => {
      node.context().get(CONTEXT_KEY, store, (err: Error | null | undefined, saved: unknown) => {
        try {
          if (err) throw err;
          selector = new ModeSelector(settings!, saved ?? undefined);
          if (saved) node.log(`restored transformer-mode statistics (${selector.statistics.dayKeys().length} days) from context${store ? ` store "${store}"` : ''}`);
        } catch (e) {
          // A corrupt or incompatible saved state must not stop the node; start afresh and say so.
          restoreWarning = `saved state not restored (${(e as Error).message}); statistics start afresh`;
          node.warn(restoreWarning);
          selector = new ModeSelector(settings!);
        }
        if (!restoreWarning) setStatus(node, 'idle', `waiting for telemetry (${settings!.control})`);
        else setStatus(node, 'warn', 'saved state not restored');
        resolve();
      });
    });

    const save = (): Promise<void> => new Promise((resolve, reject) => {
      node.context().set(CONTEXT_KEY, selector!.toJSON(), store, (err?: Error) => (err ? reject(new Error(`cannot save state to context: ${err.message}`)) : resolve()));
    });

    const calendar = settings ? new DayCalendar(settings.timeZone) : null;

    const showStatus = (res: StepResult): void => {
      const d = res.decision;
      const text = d.best === null ? `${d.present}: no feasible mode`
        : d.best === d.present ? `${d.present} = best`
          : `${d.present}, best ${d.best} (saves ${d.savingKW.toFixed(2)} kW)`;
      const suffix = d.action === 'change' ? (res.planStatus === 'issued' ? ' - switching' : ' - confirm plan')
        : d.action === 'pending' ? ' - switching' : '';
      setStatus(node, d.action === 'alarm' ? 'error' : d.action === 'hold' ? 'ok' : 'warn', text + suffix);
    };

    onInput(node, async (msg, send) => {
      if (configError) throw configError;
      await ready;
      const sel = selector!;
      const out: Array<NodeMessage | null> = [null, null, null];

      if (topicIs(msg.topic, 'inquiry')) {
        const { query, format } = parseQuery(msg.payload);
        const report = sel.query(query);
        out[2] = format === 'json'
          ? reply(msg, 'transformer/statistics', report)
          : reply(msg, 'transformer/report', format === 'csv' ? reportCsv(report) : reportHtml(report), { format, statistics: report });
        send(out);
        return;
      }
      if (topicIs(msg.topic, 'confirm')) {
        const p = msg.payload as { planId?: unknown } | string;
        const planId = typeof p === 'string' ? p : p && typeof p === 'object' ? p.planId : undefined;
        if (typeof planId !== 'string' || !planId) throw new Error(`confirm needs payload {planId: "..."} or the plan id as a string, got ${JSON.stringify(msg.payload)}`);
        const plan = sel.confirm(planId);
        await save();
        out[1] = reply(msg, 'transformer/commands', planPayload(plan, 'confirmed'));
        setStatus(node, 'warn', `plan confirmed: ${plan.from} -> ${plan.to} - switching`);
        send(out);
        return;
      }
      if (topicIs(msg.topic, 'block')) {
        const modes = msg.payload;
        if (!Array.isArray(modes) || modes.some((m) => !isMode(m))) {
          throw new Error(`block needs payload [modes] from ${MODES.join(', ')} ([] unblocks), got ${JSON.stringify(modes)}`);
        }
        sel.setRuntimeBlocked(modes as ModeName[]);
        await save();
        setStatus(node, 'ok', `blocked: ${sel.blockedModes.join(', ') || 'none'}`);
        out[0] = reply(msg, 'transformer/blocked', { blockedModes: sel.blockedModes });
        send(out);
        return;
      }

      const sample = parseTelemetry(msg.payload, { defaultTs: Date.now(), devices: settings!.devices, calendar: calendar! });
      const res = sel.step(sample);
      await save();
      out[0] = reply(msg, 'transformer/mode', recommendation(res, sel, settings!));
      if (res.plan && (res.planStatus === 'issued' || res.planStatus === 'proposed' || res.planStatus === 'blocked')) {
        const execution = res.planStatus === 'issued' ? 'automatic' : 'advisory';
        out[1] = reply(msg, res.planStatus === 'issued' ? 'transformer/commands' : 'transformer/plan', planPayload(res.plan, execution));
      }
      if (res.closedDays.length) {
        const report = sel.query({ from: res.closedDays[0], to: res.closedDays[res.closedDays.length - 1], granularity: 'day' });
        out[2] = reply(msg, 'transformer/statistics', report, { closedDays: res.closedDays });
      }
      showStatus(res);
      send(out);
    });
    node.on('close', (_removed: boolean, done: () => void) => {
      // Nothing runs between messages; the state was saved after each one.
      done();
    });
  }
  RED.nodes.registerType('dms-transformer-mode', DmsTransformerModeNode);
};
