/**
 * dms-feeder: a config node holding one validated feeder model and its topology for every dms node
 * that uses it. Validation happens on deploy; errors go to the runtime log here and to the status
 * and debug sidebar of each node using it (see nodes/shared/feeder-access.ts).
 */
import type { NodeAPI, NodeDef } from 'node-red';
import { ModelError } from '../../lib/model/load';
import { publishFeeder } from '../../lib/model/published';
import { formatIssue } from '../../lib/model/validate';
import { listNetworks } from '../../lib/networks';
import type { FeederConfigNode } from '../shared/feeder-access';
import { loadFeederSource, type FeederSourceConfig } from './feeder-source';

interface FeederNodeDef extends NodeDef, FeederSourceConfig {}

export = function (RED: NodeAPI) {
  function DmsFeederNode(this: FeederConfigNode, config: FeederNodeDef) {
    RED.nodes.createNode(this, config);
    this.feeder = null;
    this.feederError = null;
    try {
      this.feeder = loadFeederSource(config, RED.settings.userDir as string | undefined);
      for (const w of this.feeder.warnings) this.warn(`feeder model warning: ${formatIssue(w)}`);
      const s = this.feeder.summary;
      this.log(`feeder "${s.name || config.name || this.id}" loaded: ${s.sections} sections, ${s.loadPoints} load points, ${s.customers} customers`);
      // Function nodes reach the same model by the node's name or id (dms.publishedFeeder), until it closes.
      const withdraw = publishFeeder(this.id, [this.id, config.name ?? ''], this.feeder);
      this.on('close', withdraw);
    } catch (err) {
      this.feederError = err instanceof Error ? err : new Error(String(err));
      this.error(this.feederError.message);
    }
  }
  RED.nodes.registerType('dms-feeder', DmsFeederNode);

  // Editor support: the summary (or the errors) of what is in the edit dialog, and the built-in list.
  RED.httpAdmin.get('/dms-feeder/networks', RED.auth.needsPermission('dms-feeder.read'), (_req, res) => {
    res.json(listNetworks());
  });
  RED.httpAdmin.post('/dms-feeder/summary', RED.auth.needsPermission('dms-feeder.read'), (req, res) => {
    try {
      const loaded = loadFeederSource(req.body as FeederSourceConfig, RED.settings.userDir as string | undefined);
      res.json({ ok: true, summary: loaded.summary, warnings: loaded.warnings.map(formatIssue) });
    } catch (err) {
      const errors = err instanceof ModelError ? err.issues.map(formatIssue) : [(err as Error).message];
      res.json({ ok: false, errors });
    }
  });
};
