/*
 * dcc-kit creators for Harmony (ES5 only). Every creator, built-in or a studio's, is registered by name
 * (dcckitPipeline.registerCreator, pipeline/metadata.js) and run through ONE request that makes what it
 * creates AND records the instance in the scene's pipeline data in the same call:
 *
 *   dcckit.create.run       { creator, record, useSelection, ...what the creator's Node half adds } -> the record
 *   dcckit.create.instances ()            -> { instances: [record...] } (`active` follows the creator's isActive)
 *   dcckit.create.update    { key, active?, attributes? }               -> the updated record
 *   dcckit.create.remove    { keys: [...] }                             -> { removed: [key...] }
 *
 * Built-ins: render (a WRITE node; its `active` and the node's enable state follow each other both ways) and
 * template (a backdrop, keyed "backdrop:<title>").
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

  // ---- render: a WRITE node fed by the composite ----------------------------------------------------

  dcckitPipeline.registerCreator('render', {
    create: function (args) {
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
      return record;
    },
    present: function (rec) { return !!node.type(rec.node); },
    isActive: function (rec) { return node.getEnable(rec.node) === true; },
    setActive: function (rec, active) { if (node.type(rec.node)) node.setEnable(rec.node, active); },
    remove: function (rec) { if (node.type(rec.node)) node.deleteNode(rec.node, true, true); }
  });

  // ---- template: a backdrop --------------------------------------------------------------------------

  function backdropTitle(b) {
    return b && b.title ? String(b.title.text) : '';
  }

  function findBackdrop(title) {
    var all = Backdrop.backdrops(ROOT);
    for (var i = 0; i < all.length; i++) if (backdropTitle(all[i]) === title) return all[i];
    return null;
  }

  /** Room for a node's box right and below its corner (Harmony does not say how big a node is drawn). */
  var NODE_W = 120, NODE_H = 40, MARGIN = 60;

  /** A rectangle around the given nodes. */
  function around(nodes) {
    var minX = 1e9, minY = 1e9, maxX = -1e9, maxY = -1e9;
    for (var i = 0; i < nodes.length; i++) {
      var x = node.coordX(nodes[i]), y = node.coordY(nodes[i]);
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x + NODE_W > maxX) maxX = x + NODE_W;
      if (y + NODE_H > maxY) maxY = y + NODE_H;
    }
    return { x: minX - 20, y: minY - 40, w: maxX - minX + 40, h: maxY - minY + 60 };
  }

  /** A 300 x 300 place right of everything in Top (nodes and backdrops): an empty backdrop there holds nothing. */
  function clearPlace() {
    var right = 0, top = 0, first = true;
    var nodes = node.subNodes(ROOT);
    for (var i = 0; i < nodes.length; i++) {
      var x = node.coordX(nodes[i]) + NODE_W, y = node.coordY(nodes[i]);
      if (x > right) right = x;
      if (first || y < top) top = y;
      first = false;
    }
    var bds = Backdrop.backdrops(ROOT);
    for (var j = 0; j < bds.length; j++) {
      var p = bds[j].position;
      if (p.x + p.w > right) right = p.x + p.w;
      if (first || p.y < top) top = p.y;
      first = false;
    }
    return { x: right + MARGIN, y: top, w: 300, h: 300 };
  }

  dcckitPipeline.registerCreator('template', {
    /**
     * The selected backdrop is renamed; else a backdrop goes around the selected nodes; else (nothing
     * selected, or --no-selection) a new EMPTY backdrop is placed clear of every node, for the artist to
     * fill: it never takes whatever happens to lie where it lands.
     */
    create: function (args) {
      var record = args.record;
      var title = record.productName;
      if (findBackdrop(title)) throw new Error('a backdrop titled ' + title + ' already exists: choose another variant');
      var useSelection = args.useSelection !== false;
      var chosen = null;
      if (useSelection) {
        var selected = selection.selectedBackdrops();
        if (selected.length) {
          chosen = selected[0];
          for (var k = 1; k < selected.length; k++) {
            var s = selected[k];
            if (s.position.x + s.position.y < chosen.position.x + chosen.position.y) chosen = s;
          }
        }
      }
      var made = 'renamed';
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
        var picked = [];
        if (useSelection) {
          var nodes = selection.selectedNodes();
          for (var n = 0; n < nodes.length; n++) if (String(node.parentNode(nodes[n])) === ROOT) picked.push(nodes[n]);
        }
        made = picked.length ? 'around ' + picked.length + ' selected node(s)' : 'empty';
        Backdrop.addBackdrop(ROOT, {
          position: picked.length ? around(picked) : clearPlace(),
          title: { text: title, color: 4278190080, size: 14, font: 'Arial' },
          description: { text: 'dcc-kit template ' + title, color: 4278190080, size: 12, font: 'Arial' },
          color: 4281545523
        });
      }
      record.key = 'backdrop:' + title;
      record.node = title;
      record.attributes = record.attributes || {};
      record.attributes.backdrop = made;
      return record;
    },
    present: function (rec) { return findBackdrop(rec.node) !== null; },
    remove: function (rec) {
      var bd = findBackdrop(rec.node);
      if (!bd) return;
      var inside = Backdrop.nodes(bd);
      for (var i = 0; i < inside.length; i++) {
        if (node.type(inside[i])) node.deleteNode(inside[i], true, true);
      }
      Backdrop.removeBackdrop(bd);
    }
  });

  // ---- every creator -----------------------------------------------------------------------------

  function run(args) {
    var creator = dcckitPipeline.creator(args.creator);
    var record = creator.create(args);
    if (!record || !record.key) throw new Error('the ' + args.creator + ' creator did not say what it made (its create must return the record with key set)');
    return dcckitPipeline.modify(function (data) {
      if (data.instances.hasOwnProperty(record.key)) throw new Error('the scene already has an instance "' + record.key + '": choose another variant');
      data.instances[record.key] = record;
      return record;
    });
  }

  function creatorOf(rec) {
    return dcckitPipeline.hasCreator(rec.creator) ? dcckitPipeline.creator(rec.creator) : null;
  }

  /** Instances as the scene has them now: `missing` from the creator's present, `active` from its isActive. */
  function instances() {
    var changed = false;
    var data = dcckitPipeline.read();
    var list = [];
    for (var key in data.instances) {
      if (!data.instances.hasOwnProperty(key)) continue;
      var rec = data.instances[key];
      var c = creatorOf(rec);
      rec.missing = false;
      if (c && rec.node && c.present) rec.missing = !c.present(rec);
      if (c && rec.node && !rec.missing && c.isActive) {
        var active = c.isActive(rec) === true;
        if (rec.active !== active) { rec.active = active; changed = true; }
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
        var c = creatorOf(rec);
        if (c && c.setActive && rec.node) c.setActive(rec, rec.active);
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

  function remove(args) {
    var keys = args && args.keys ? args.keys : [];
    return dcckitPipeline.modify(function (data) {
      var removed = [];
      for (var i = 0; i < keys.length; i++) {
        var rec = data.instances[keys[i]];
        if (!rec) continue;
        var c = creatorOf(rec);
        if (c && c.remove && rec.node) c.remove(rec);
        delete data.instances[keys[i]];
        removed.push(keys[i]);
      }
      return { removed: removed };
    });
  }

  dcckit.serve('dcckit.create.run', run);
  dcckit.serve('dcckit.create.instances', instances);
  dcckit.serve('dcckit.create.update', update);
  dcckit.serve('dcckit.create.remove', remove);
}());
