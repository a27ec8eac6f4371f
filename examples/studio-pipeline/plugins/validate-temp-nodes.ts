/**
 * A studio validator: temporary nodes (named TMP_...) never leave an artist's scene. Runs once per publish,
 * after the built-in collectors (order 1.4: in the validate band).
 */
import type { PublishPlugin } from 'dcc-kit';

interface CollectedScene { nodes: string[] }

const validateTempNodes: PublishPlugin = {
  label: 'Validate No Temp Nodes',
  order: 1.4,
  hosts: ['harmony'],
  hint: 'Delete the TMP_ nodes (or rename them if they are meant to stay), then publish again.',
  process(ctx, _instance, log) {
    const scene = ctx.data.scene as CollectedScene;
    const temp = scene.nodes.filter((n) => /^TMP_/.test(n.split('/').pop()!));
    if (temp.length) throw new Error(`studio rule: temporary nodes must not be published: ${temp.join(', ')}`);
    log.info(`no temporary nodes among ${scene.nodes.length}`);
  },
};

export default validateTempNodes;
