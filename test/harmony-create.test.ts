import test from 'ava';
import type { InstanceRecord, PipelineData } from '../adapters/harmony/pipeline-types.ts';
import { pipelineRig } from './support/pipeline.ts';
import { assertVariant } from '../adapters/harmony/create/creators.ts';

test('a render instance is a WRITE node fed by the composite, recorded in the one pipeline metadata entry; active follows enable both ways; remove deletes the node', async (t) => {
  const rig = await pipelineRig(t);
  const rec = await rig.tool<InstanceRecord>('create.run', { creator: 'render', variant: 'Main', attributes: { target: 'farm' } });
  t.like(rec, { key: 'Top/renderMain', node: 'Top/renderMain', productName: 'renderMain', productType: 'render', folder: 'shots/sh010', task: 'anim', active: true });
  t.like(rec.attributes, { target: 'farm', review: true, composite: 'Top/Composite' });
  const scene = rig.sim.scene!;
  t.is(scene.state.nodes.get('Top/renderMain')?.type, 'WRITE');
  const write = await rig.call<Record<string, unknown>[]>('dcckit.publish.collect').then((c) => (c as unknown as { writes: Record<string, unknown>[] }).writes.find((w) => w.path === 'Top/renderMain')!);
  t.like(write, { drawingType: 'PNG4', drawingName: 'render/renderMain/renderMain.', input: 'Top/Composite', enabled: true });
  const data = await rig.call<PipelineData>('dcckit.pipeline.read');
  t.deepEqual(Object.keys(data.instances), ['Top/renderMain']);
  t.is(scene.state.metadata.filter((m) => m.name.startsWith('dcckit')).length, 1);

  await t.throwsAsync(rig.tool('create.run', { creator: 'render', variant: 'main' }), { message: /a WRITE node named renderMain already exists/ });
  await t.throwsAsync(rig.tool('create.run', { creator: 'render', variant: 'Main', attributes: { target: 'cloud' } }), { message: /target must be one of local, farm/ });
  await t.throwsAsync(rig.tool('create.run', { creator: 'workfile', variant: 'Main' }), { message: /automatic/ });

  // Disabling the node in Harmony deactivates the instance; deactivating the instance disables the node.
  scene.state.nodes.get('Top/renderMain')!.enabled = false;
  t.false((await rig.tool<InstanceRecord[]>('create.instances'))[0]!.active);
  await rig.tool('create.update', { key: 'Top/renderMain', active: true });
  t.true(scene.state.nodes.get('Top/renderMain')!.enabled);

  const removed = await rig.tool<{ removed: string[] }>('create.remove', { keys: ['Top/renderMain'] });
  t.deepEqual(removed.removed, ['Top/renderMain']);
  t.false(scene.state.nodes.has('Top/renderMain'));
  t.deepEqual((await rig.call<PipelineData>('dcckit.pipeline.read')).instances, {});
});

test('a template instance is a backdrop keyed by its title; a scene without a composite refuses a render instance', async (t) => {
  const rig = await pipelineRig(t, { prepare: (scene) => { scene.state.nodes.delete('Top/Composite'); } });
  await t.throwsAsync(rig.tool('create.run', { creator: 'render', variant: 'Main' }), { message: /no COMPOSITE node to render/ });
  const tpl = await rig.tool<InstanceRecord>('create.run', { creator: 'template', variant: 'Rig' });
  t.like(tpl, { key: 'backdrop:templateRig', node: 'templateRig', productType: 'harmony.template' });
  t.deepEqual(rig.sim.scene!.state.backdrops.get('Top')!.map((b) => b.title.text), ['templateRig']);
  await rig.tool('create.remove', { keys: ['backdrop:templateRig'] });
  t.deepEqual(rig.sim.scene!.state.backdrops.get('Top') ?? [], []);
});

test('Create... with the web page off makes a render instance (Main, then Main2) and says so; harmony.applySceneSettings sets the scene when the workfile opens', async (t) => {
  const { until } = await import('./support/harmony.ts');
  const { PATIENCE_MS } = await import('./support/patience.ts');
  const rig = await pipelineRig(t, { configure: (c) => { c.harmony.applySceneSettings = true; } });
  await until(() => rig.sim.scene!.state.settings.frames === 12, PATIENCE_MS, 'the scene settings applied at launch (12 frames)');
  for (const name of ['renderMain', 'renderMain2']) {
    const before = rig.sim.messages.length;
    t.true(rig.sim.triggerMenu('Create...'));
    await until(() => rig.sim.messages.length > before, PATIENCE_MS, `the message for ${name}`);
    t.regex(rig.sim.messages.at(-1)!.text, new RegExp(`created the render instance ${name} \\(WRITE node Top/${name}\\) for shots/sh010`));
  }
  t.deepEqual((await rig.tool<InstanceRecord[]>('create.instances')).map((i) => i.key).sort(), ['Top/renderMain', 'Top/renderMain2']);
});

test('assertVariant: a variant too long says so, with its length; a bad character says what is allowed', (t) => {
  t.notThrows(() => assertVariant('char_A'));
  t.notThrows(() => assertVariant('x'.repeat(64)));
  t.throws(() => assertVariant('x'.repeat(65)), { code: 'USAGE', message: /at most 64 characters \(it has 65\)/ });
  t.throws(() => assertVariant('x'.repeat(500)), { message: /^"x{80}…" is not a valid variant/ });
  t.throws(() => assertVariant('my variant'), { message: /use letters, digits and "_"/ });
});
