/*
 * dcc-kit creators for Harmony (ES5 only). Each request makes what it creates AND records the instance in
 * the scene's pipeline data (pipeline/metadata.js) in the same call: one round trip per creator.
 *
 *   dcckit.create.render    { record, useSelection, compositePattern }  -> the instance record
 *   dcckit.create.template  { record, useSelection }                    -> the instance record
 *   dcckit.create.instances ()            -> { instances: [record...] } with `active` following node enable
 *   dcckit.create.update    { key, active?, attributes? }               -> the updated record
 *   dcckit.create.remove    { keys: [...] }                             -> { removed: [key...] }
 *
 * A render instance is a WRITE node; its `active` and the node's enable state follow each other both ways.
 * A template instance is a backdrop, keyed "backdrop:<title>".
 */
(function () {
  var ROOT = 'Top';

  var allNodes = dcckitPipeline.allNodes;

  function nodesOfType(type) {
    var all = allNodes(ROOT);
    var out = [];
    for (var i = 0; i < all.length; i++) if (node.type(all[i]) === type) out.push(all[i]);
    return out;
  }

  function findComposite(useSelection, pattern) {
    if (useSelection) {
      var selected = selection.selectedNodes();
      for (var i = selected.length - 1; i >= 0; i--) {
        if (node.type(selected[i]) === 'COMPOSITE') return selected[i];
      }
    }
    var re = new RegExp(pattern || 'Composite');
    var comps = nodesOfType('COMPOSITE');
    for (var j = 0; j < comps.length; j++) {
      if (re.test(node.getName(comps[j]))) return comps[j];
    }
    return '';
  }

  function createRender(args) {
    var record = args.record;
    var name = record.productName;
    var writes = nodesOfType('WRITE');
    for (var i = 0; i < writes.length; i++) {
      if (String(node.getName(writes[i])).toLowerCase() === name.toLowerCase()) {
        throw new Error('a WRITE node named ' + node.getName(writes[i]) + ' already exists (' + writes[i] + '): choose another variant');
      }
    }
    var composite = findComposite(args.useSelection !== false, args.compositePattern);
    if (!composite) {
      throw new Error('the scene has no COMPOSITE node to render (none selected, none named like /' + (args.compositePattern || 'Composite') +
        '/): add a Composite, select it, or set harmony.publish.compositePattern');
    }
    var group = node.parentNode(composite) || ROOT;
    var path = node.add(group, name, 'WRITE', node.coordX(composite), node.coordY(composite) + 70, 0);
    if (!path) throw new Error('Harmony refused to create the WRITE node ' + name + ' in ' + group);
    node.link(composite, 0, path, 0, false, true);
    var output = 'render/' + name + '/' + name + '.';
    node.setTextAttr(path, 'DRAWING_TYPE', 1, 'PNG4');
    node.setTextAttr(path, 'DRAWING_NAME', 1, output);
    node.setTextAttr(path, 'MOVIE_PATH', 1, output);
    node.setTextAttr(path, 'LEADING_ZEROS', 1, '3');
    node.setTextAttr(path, 'START', 1, '1');
    node.setEnable(path, record.active !== false);
    record.key = path;
    record.node = path;
    record.attributes = record.attributes || {};
    record.attributes.composite = composite;
    dcckitPipeline.modify(function (data) { data.instances[path] = record; });
    return record;
  }

  function backdropTitle(b) {
    return b && b.title ? String(b.title.text) : '';
  }

  function createTemplate(args) {
    var record = args.record;
    var title = record.productName;
    var existing = Backdrop.backdrops(ROOT);
    for (var i = 0; i < existing.length; i++) {
      if (backdropTitle(existing[i]) === title) throw new Error('a backdrop titled ' + title + ' already exists: choose another variant');
    }
    var chosen = null;
    if (args.useSelection !== false) {
      var selected = selection.selectedBackdrops();
      if (selected.length) {
        chosen = selected[0];
        for (var k = 1; k < selected.length; k++) {
          var s = selected[k];
          if (s.position.x + s.position.y < chosen.position.x + chosen.position.y) chosen = s;
        }
      }
    }
    if (chosen) {
      var all = Backdrop.backdrops(ROOT);
      var before = backdropTitle(chosen);
      for (var j = 0; j < all.length; j++) {
        if (backdropTitle(all[j]) === before && all[j].position.x === chosen.position.x && all[j].position.y === chosen.position.y) {
          all[j].title.text = title;
          break;
        }
      }
      Backdrop.setBackdrops(ROOT, all);
    } else {
      Backdrop.addBackdrop(ROOT, {
        position: { x: 0, y: 0, w: 300, h: 300 },
        title: { text: title, color: 4278190080, size: 14, font: 'Arial' },
        description: { text: 'dcc-kit template ' + title, color: 4278190080, size: 12, font: 'Arial' },
        color: 4281545523
      });
    }
    var key = 'backdrop:' + title;
    record.key = key;
    record.node = title;
    dcckitPipeline.modify(function (data) { data.instances[key] = record; });
    return record;
  }

  function findBackdrop(title) {
    var all = Backdrop.backdrops(ROOT);
    for (var i = 0; i < all.length; i++) if (backdropTitle(all[i]) === title) return all[i];
    return null;
  }

  /** Instances as the scene has them now: render `active` follows the node's enable state. */
  function instances() {
    var changed = false;
    var data = dcckitPipeline.read();
    var list = [];
    for (var key in data.instances) {
      if (!data.instances.hasOwnProperty(key)) continue;
      var rec = data.instances[key];
      rec.missing = false;
      if (rec.creator === 'render' && rec.node) {
        if (!node.type(rec.node)) rec.missing = true;
        else {
          var enabled = node.getEnable(rec.node) === true;
          if (rec.active !== enabled) { rec.active = enabled; changed = true; }
        }
      } else if (rec.creator === 'template' && rec.node) {
        rec.missing = findBackdrop(rec.node) === null;
      }
      list.push(rec);
    }
    if (changed) dcckitPipeline.write(data);
    return { instances: list };
  }

  function update(args) {
    return dcckitPipeline.modify(function (data) {
      // Own keys only: a key like "__proto__" must not reach Object.prototype.
      var rec = data.instances.hasOwnProperty(args.key) ? data.instances[args.key] : null;
      if (!rec) throw new Error('no instance "' + args.key + '" in this scene');
      if (args.active !== undefined && args.active !== null) {
        rec.active = args.active === true;
        if (rec.creator === 'render' && rec.node && node.type(rec.node)) node.setEnable(rec.node, rec.active);
      }
      if (args.attributes) {
        rec.attributes = rec.attributes || {};
        for (var k in args.attributes) if (args.attributes.hasOwnProperty(k)) rec.attributes[k] = args.attributes[k];
      }
      if (args.folder) rec.folder = args.folder;
      if (args.task !== undefined) rec.task = args.task;
      return rec;
    });
  }

  function removeBackdropAndContents(title) {
    var bd = findBackdrop(title);
    if (!bd) return;
    var inside = Backdrop.nodes(bd);
    for (var i = 0; i < inside.length; i++) {
      if (node.type(inside[i])) node.deleteNode(inside[i], true, true);
    }
    Backdrop.removeBackdrop(bd);
  }

  function remove(args) {
    var keys = args && args.keys ? args.keys : [];
    return dcckitPipeline.modify(function (data) {
      var removed = [];
      for (var i = 0; i < keys.length; i++) {
        var rec = data.instances[keys[i]];
        if (!rec) continue;
        if (rec.creator === 'render' && rec.node && node.type(rec.node)) node.deleteNode(rec.node, true, true);
        if (rec.creator === 'template' && rec.node) removeBackdropAndContents(rec.node);
        delete data.instances[keys[i]];
        removed.push(keys[i]);
      }
      return { removed: removed };
    });
  }

  dcckit.serve('dcckit.create.render', createRender);
  dcckit.serve('dcckit.create.template', createTemplate);
  dcckit.serve('dcckit.create.instances', instances);
  dcckit.serve('dcckit.create.update', update);
  dcckit.serve('dcckit.create.remove', remove);
}());
