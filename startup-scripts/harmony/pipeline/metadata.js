/*
 * dcc-kit pipeline data in a Harmony scene (ES5 only). ALL pipeline data (publish instances and loaded
 * containers) lives in ONE scene-metadata entry holding a JSON object; every read-modify-write happens
 * inside one call from the hub (one round trip), never as a read then a write.
 *
 * Other modules (create.js, load.js, publish.js) use dcckitPipeline.read/modify in the same engine.
 * Served requests:
 *   dcckit.pipeline.read   ()     -> the data object
 *   dcckit.pipeline.apply  (ops)  -> the data object after applying ops, written once:
 *     { op: 'setInstance', key, value } | { op: 'patchInstance', key, patch } | { op: 'removeInstance', key }
 *     { op: 'setContainer', id, value } | { op: 'patchContainer', id, patch } | { op: 'removeContainer', id }
 */
var dcckitPipeline = (function () {
  var NAME = 'dcckit.pipeline';

  function empty() {
    return { schema: 1, instances: {}, containers: {} };
  }

  function read() {
    var entry = scene.metadata(NAME, 'string');
    if (!entry || entry.value === undefined || entry.value === null || String(entry.value) === '') return empty();
    var data;
    try {
      data = JSON.parse(String(entry.value));
    } catch (e) {
      throw new Error('the scene\'s dcc-kit pipeline data is not valid JSON (' + e.message + '); fix or remove the metadata entry "' + NAME + '"');
    }
    if (!data || typeof data !== 'object') return empty();
    if (!data.instances || typeof data.instances !== 'object') data.instances = {};
    if (!data.containers || typeof data.containers !== 'object') data.containers = {};
    data.schema = 1;
    return data;
  }

  function write(data) {
    scene.setMetadata({ name: NAME, type: 'string', creator: 'dcc-kit', version: '1', value: JSON.stringify(data) });
  }

  /** Reads, lets fn change the data in place, writes it once; returns what fn returned. */
  function modify(fn) {
    var data = read();
    var result = fn(data);
    write(data);
    return result;
  }

  function patch(target, changes) {
    for (var k in changes) if (changes.hasOwnProperty(k)) target[k] = changes[k];
    return target;
  }

  /** A key chosen by the caller: "__proto__" would replace the table's prototype rather than add an entry. */
  function entryKey(k) {
    if (typeof k !== 'string' || k === '' || k === '__proto__') throw new Error('"' + k + '" cannot name an instance or a container');
    return k;
  }

  function applyOps(data, ops) {
    for (var i = 0; i < ops.length; i++) {
      var op = ops[i];
      if (op.op === 'setInstance') data.instances[entryKey(op.key)] = op.value;
      else if (op.op === 'patchInstance') {
        if (!data.instances.hasOwnProperty(op.key)) throw new Error('no instance "' + op.key + '" in this scene');
        patch(data.instances[op.key], op.patch || {});
      } else if (op.op === 'removeInstance') delete data.instances[op.key];
      else if (op.op === 'setContainer') data.containers[entryKey(op.id)] = op.value;
      else if (op.op === 'patchContainer') {
        if (!data.containers.hasOwnProperty(op.id)) throw new Error('no container "' + op.id + '" in this scene');
        patch(data.containers[op.id], op.patch || {});
      } else if (op.op === 'removeContainer') delete data.containers[op.id];
      else throw new Error('unknown pipeline operation "' + op.op + '"');
    }
    return data;
  }

  dcckit.serve('dcckit.pipeline.read', function () { return read(); });
  dcckit.serve('dcckit.pipeline.apply', function (ops) {
    if (!ops || typeof ops.length !== 'number') throw new TypeError('dcckit.pipeline.apply takes a list of operations');
    return modify(function (data) { return applyOps(data, ops); });
  });

  /** Every node below a group, depth first (the other pipeline modules walk the scene with it). */
  function allNodes(group) {
    var out = [];
    var kids = node.subNodes(group);
    for (var i = 0; i < kids.length; i++) {
      out.push(kids[i]);
      if (node.isGroup(kids[i])) out = out.concat(allNodes(kids[i]));
    }
    return out;
  }

  return { name: NAME, read: read, write: write, modify: modify, applyOps: applyOps, empty: empty, allNodes: allNodes };
}());
