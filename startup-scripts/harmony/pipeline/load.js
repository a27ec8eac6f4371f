/*
 * dcc-kit loaders and scene inventory for Harmony (ES5 only). Every loader, built-in or a studio's, is
 * registered by name (dcckitPipeline.registerLoader, pipeline/metadata.js): { load, update, remove?, present? }. The Node side lists files, detects sequences
 * and resolves versions; each request here makes the nodes AND records the container in the scene's
 * pipeline data (pipeline/metadata.js) in the same call, whatever the number of frames.
 *
 *   dcckit.load.load      { container, again, ownCopies?, ...what the loader's Node half prepared } -> the container
 *                         record; without `again`, a scene that has this version loaded (same product, version,
 *                         representation and loader, its nodes all there) is left alone: -> { alreadyLoaded: it }
 *                         (`ownCopies`: the folder of the load's checked copies, moved into the scene, not copied)
 *   dcckit.load.update    { updates: [{ id, version, color, ... }] } -> { updated: [id...], failed: [{ id, error }] }
 *                         (one undoable step; a container that fails is left exactly as it was)
 *   dcckit.load.remove    { ids: [...] }                             -> { removed: [id...] }
 *   dcckit.load.inventory ()   -> { containers: [record + missingNodes] }   (one call for the whole scene)
 *   dcckit.load.colorize  { colors: { nodePath: [r, g, b, a] } }     -> number of nodes coloured
 */
(function () {
  var ROOT = 'Top';

  function nodeViewGroup() {
    var views = [];
    try { views = view.viewList(); } catch (e) { views = []; }
    if (!views || !views.length) {
      views = [];
      for (var k = 0; k < 20; k++) views.push('View' + k);
    }
    for (var i = 0; i < views.length; i++) {
      if (String(view.type(views[i])) === 'Node View') {
        var g = String(view.group(views[i]));
        if (g) return g;
      }
    }
    throw new Error('no Node View is open in Harmony, so there is no group to load into: open a Node View and load again');
  }

  function color(rgba) {
    return new ColorRGBA(rgba[0], rgba[1], rgba[2], rgba[3] === undefined ? 255 : rgba[3]);
  }

  function uniqueColumn(name) {
    var col = name;
    for (var i = 1; column.type(col) !== ''; i++) col = name + '_' + i;
    return col;
  }

  function copyFile(src, dst) {
    var ok = new PermanentFile(src).copy(new PermanentFile(dst));
    if (!ok) throw new Error('cannot copy ' + src + ' into the scene (' + dst + ')');
  }

  function slashes(p) {
    return String(p).replace(/\\/g, '/');
  }

  /** Where this request moved each of the load's own copies (an update step that fails runs again without the failed container). */
  var movedFiles = {};

  /**
   * Puts a file at dst: one of the load's own checked copies (under `ownCopies`, on the scene's filesystem) is
   * moved there, so its bytes are written once; anything else is copied. `replace`: dst may exist already.
   * A copy this request moved already is found where it went (left there when a step was undone).
   */
  function placeFile(src, dst, ownCopies, replace) {
    if (ownCopies && slashes(src).indexOf(slashes(ownCopies) + '/') === 0) {
      var key = slashes(src);
      var moved = movedFiles.hasOwnProperty(key) ? movedFiles[key] : null;
      if (moved !== null) {
        if (slashes(moved) !== slashes(dst)) copyFile(moved, dst);
        else if (!new PermanentFile(dst).exists()) throw new Error('the checked copy of ' + src + ' is gone from ' + dst + ': load it again');
        return;
      }
      var target = new PermanentFile(dst);
      if (replace && target.exists()) target.remove();
      if (new PermanentFile(src).move(target)) {
        movedFiles[key] = dst;
        return;
      }
    }
    copyFile(src, dst);
  }

  function extOf(file) {
    var m = /\.([A-Za-z0-9]+)$/.exec(file);
    return m ? m[1].toUpperCase() : 'PNG';
  }

  /**
   * Puts the files of a sequence on the column's drawings: one drawing per frame, exposed on its frame.
   * Frames after the scene's last one get their drawing but no exposure (the scene length is the shot's,
   * set by Set Scene Settings): their number is returned so the artist is told, and an update after the
   * scene grew exposes them.
   */
  function exposeSequence(elementId, col, files, hold, ownCopies) {
    var frames = frame.numberOf();
    var beyond = 0;
    for (var f = 1; f <= frames; f++) column.setEntry(col, 1, f, '');
    for (var i = 0; i < files.length; i++) {
      var name = String(files[i].drawing);
      var fresh = !Drawing.isExists(elementId, name);
      if (fresh) Drawing.create(elementId, name, true);
      placeFile(files[i].file, Drawing.filename(elementId, name), ownCopies, !fresh);
      if (hold) {
        for (var h = 1; h <= frames; h++) column.setEntry(col, 1, h, name);
      } else if (files[i].frame >= 1 && files[i].frame <= frames) {
        column.setEntry(col, 1, files[i].frame, name);
      } else {
        beyond++;
      }
    }
    return beyond;
  }

  function importImages(group, name, files, hold, x, y, ownCopies) {
    var ext = extOf(files[0].file);
    var elementId = element.add(name, 'BW', scene.numberOfUnitsZ(), ext === 'JPEG' ? 'JPG' : ext, null);
    if (elementId < 0) throw new Error('Harmony refused to create the element ' + name);
    var col = uniqueColumn(name);
    column.add(col, 'DRAWING');
    column.setElementIdOfDrawing(col, elementId);
    var read = node.add(group, name, 'READ', x || 0, y || 0, 0);
    if (!read) throw new Error('Harmony refused to create the READ node ' + name + ' in ' + group);
    node.setTextAttr(read, 'READ_TRANSPARENCY', 1, 'true');
    node.setTextAttr(read, 'OPACITY', 1, '100');
    node.setTextAttr(read, 'ALIGNMENT_RULE', 1, 'ASIS');
    node.linkAttr(read, 'DRAWING.ELEMENT', col);
    var beyond = exposeSequence(elementId, col, files, hold, ownCopies);
    return { read: read, column: col, element: elementId, beyondScene: beyond };
  }

  function backdropTitles(group) {
    var list = Backdrop.backdrops(group || ROOT);
    var out = {};
    for (var i = 0; i < list.length; i++) out[String(list[i].title.text)] = true;
    return out;
  }

  /** The first free title: name, name_2, name_3... (deterministic, whatever order backdrops are in). */
  function freeTitle(name, group) {
    var taken = backdropTitles(group);
    if (!taken[name]) return name;
    for (var i = 2; ; i++) if (!taken[name + '_' + i]) return name + '_' + i;
  }

  /** A container's own backdrop carries this description (a pasted template may bring one of the same title). */
  var CONTAINER_NOTE = 'dcc-kit container';

  function isContainerBackdrop(b) {
    return !!b.description && String(b.description.text) === CONTAINER_NOTE;
  }

  function findBackdrop(title, group) {
    var list = Backdrop.backdrops(group || ROOT);
    for (var i = 0; i < list.length; i++) if (String(list[i].title.text) === title && isContainerBackdrop(list[i])) return list[i];
    return null;
  }

  function backdropKey(b) {
    var p = b.position;
    return String(b.title.text) + '|' + p.x + ',' + p.y + ',' + p.w + ',' + p.h + '|' + (b.description ? String(b.description.text) : '');
  }

  /** Backdrops in Top now that were not in `before` (backdrops have no ids: compared by value, duplicates counted). */
  function newBackdrops(before) {
    var seen = {};
    for (var i = 0; i < before.length; i++) {
      var k = backdropKey(before[i]);
      seen[k] = (seen[k] || 0) + 1;
    }
    var out = [];
    var now = Backdrop.backdrops(ROOT);
    for (var j = 0; j < now.length; j++) {
      var key = backdropKey(now[j]);
      if (seen[key]) seen[key]--;
      else out.push({ title: String(now[j].title.text), x: now[j].position.x, y: now[j].position.y, w: now[j].position.w, h: now[j].position.h });
    }
    return out;
  }

  function within(p, rect) {
    return !!rect && p.x >= rect.x && p.y >= rect.y && p.x <= rect.x + rect.w && p.y <= rect.y + rect.h;
  }

  /**
   * Removes the backdrops a template brought: the one of the same title and place, else (moved by the
   * artist) the one of the same title inside the container's backdrop; never a container's own backdrop.
   */
  function removePastedBackdrops(list, rect) {
    for (var i = 0; list && i < list.length; i++) {
      var all = Backdrop.backdrops(ROOT);
      var hit = null;
      for (var j = 0; j < all.length && !hit; j++) {
        if (!isContainerBackdrop(all[j]) && String(all[j].title.text) === list[i].title && all[j].position.x === list[i].x && all[j].position.y === list[i].y) hit = all[j];
      }
      for (var k = 0; k < all.length && !hit; k++) {
        if (!isContainerBackdrop(all[k]) && String(all[k].title.text) === list[i].title && within(all[k].position, rect)) hit = all[k];
      }
      if (hit) Backdrop.removeBackdrop(hit);
    }
  }

  /** The container's backdrop (in its group: a background's is where its READs are) and what it brought. */
  function removeContainerBackdrops(c) {
    var bd = c.backdrop ? findBackdrop(c.backdrop, c.data && c.data.group) : null;
    var at = bd ? bd.position : null;
    removePastedBackdrops(c.data && c.data.backdrops, at);
    if (bd) Backdrop.removeBackdrop(bd);
    return at;
  }

  function wrapInBackdrop(title, nodes, at, rects, group) {
    var minX = 1e9, minY = 1e9, maxX = -1e9, maxY = -1e9;
    for (var i = 0; i < nodes.length; i++) {
      var x = node.coordX(nodes[i]), y = node.coordY(nodes[i]);
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
    var pos;
    if (!nodes.length) { minX = 0; minY = 0; maxX = 0; maxY = 0; }
    pos = { x: minX - 40, y: minY - 60, w: maxX - minX + 200, h: maxY - minY + 160 };
    for (var r = 0; rects && r < rects.length; r++) {
      var right = Math.max(pos.x + pos.w, rects[r].x + rects[r].w + 20), bottom = Math.max(pos.y + pos.h, rects[r].y + rects[r].h + 20);
      pos.x = Math.min(pos.x, rects[r].x - 20);
      pos.y = Math.min(pos.y, rects[r].y - 40);
      pos.w = right - pos.x;
      pos.h = bottom - pos.y;
    }
    if (at) pos = at;
    Backdrop.addBackdrop(group || ROOT, {
      position: pos,
      title: { text: title, color: 4278190080, size: 14, font: 'Arial' },
      description: { text: CONTAINER_NOTE, color: 4278190080, size: 12, font: 'Arial' },
      color: 4285098345
    });
    return pos;
  }

  function topNodes() {
    var list = node.subNodes(ROOT);
    var out = {};
    for (var i = 0; i < list.length; i++) out[list[i]] = true;
    return out;
  }

  /**
   * Pastes a template into Top; the container's own backdrop goes around everything it brought (nodes and
   * backdrops, which are recorded so update and remove take them too). `fresh`: a new container, whose
   * title is the first free one once the template's own backdrops are in.
   */
  function pasteUnderBackdrop(tpl, title, at, fresh) {
    var before = topNodes();
    var backdropsBefore = Backdrop.backdrops(ROOT);
    if (!copyPaste.pasteTemplateIntoGroup(tpl, ROOT, 1)) throw new Error('Harmony could not paste the template ' + tpl);
    var after = node.subNodes(ROOT);
    var added = [];
    for (var i = 0; i < after.length; i++) if (!before[after[i]]) added.push(after[i]);
    var brought = newBackdrops(backdropsBefore);
    var name = fresh ? freeTitle(title) : title;
    var pos = wrapInBackdrop(name, added, at, brought);
    return { nodes: added, backdrop: name, position: pos, backdrops: brought };
  }

  /** Links between the container's nodes and the rest of the scene, by node name (names survive a re-paste). */
  function boundaryLinks(nodes) {
    var inside = {};
    for (var i = 0; i < nodes.length; i++) inside[nodes[i]] = true;
    var links = [];
    for (var j = 0; j < nodes.length; j++) {
      var n = nodes[j];
      if (!node.type(n)) continue;
      for (var p = 0; p < node.numberOfInputPorts(n); p++) {
        var src = node.srcNodeInfo(n, p);
        if (src && src.node && !inside[src.node]) links.push({ from: src.node, fromPort: src.port, to: node.getName(n), toPort: p, dir: 'in' });
      }
      for (var o = 0; o < node.numberOfOutputPorts(n); o++) {
        for (var l = 0; l < node.numberOfOutputLinks(n, o); l++) {
          var dst = node.dstNodeInfo(n, o, l);
          if (dst && dst.node && !inside[dst.node]) links.push({ from: node.getName(n), fromPort: o, to: dst.node, toPort: dst.port, dir: 'out' });
        }
      }
    }
    return links;
  }

  /** A pasted node's name without the _N Harmony adds when the name is taken. */
  function baseName(name) {
    return String(name).replace(/_\d+$/, '');
  }

  /**
   * Links the re-pasted nodes as the old ones were: by name, else by base name when one node has it (a
   * paste renames "comp" to "comp_1" or back depending on what else is in the scene). Returns how many
   * links were restored and how many could not be (their node is gone from the new version).
   */
  function restoreLinks(links, nodes) {
    var byName = {};
    var byBase = {};
    for (var i = 0; i < nodes.length; i++) {
      var name = String(node.getName(nodes[i]));
      byName[name] = nodes[i];
      var b = baseName(name);
      byBase[b] = byBase.hasOwnProperty(b) ? null : nodes[i];
    }
    var find = function (name) { return byName[name] || byBase[baseName(name)] || null; };
    var restored = 0;
    var lost = 0;
    for (var j = 0; j < links.length; j++) {
      var k = links[j];
      var ok = false;
      if (k.dir === 'in' && find(k.to) && node.type(k.from)) {
        ok = node.link(k.from, k.fromPort, find(k.to), k.toPort, false, true);
      } else if (k.dir === 'out' && find(k.from) && node.type(k.to)) {
        node.unlink(k.to, k.toPort);
        ok = node.link(find(k.from), k.fromPort, k.to, k.toPort, true, false);
      }
      if (ok) restored++;
      else lost++;
    }
    return { restored: restored, lost: lost };
  }

  function deleteNodes(nodes) {
    for (var i = 0; i < nodes.length; i++) if (node.type(nodes[i])) node.deleteNode(nodes[i], true, true);
  }

  function paletteList() {
    return PaletteObjectManager.getScenePaletteList();
  }

  function findPalette(file) {
    var list = paletteList();
    var want = String(file).replace(/\\/g, '/').replace(/\.plt$/i, '');
    for (var i = 0; i < list.numPalettes; i++) {
      var p = list.getPaletteByIndex(i);
      if (p && (String(p.getPath()) + '/' + String(p.getName())) === want) return { palette: p, index: i };
    }
    return null;
  }

  function addPalette(args, index) {
    var target = args.file;
    if (args.mode === 'import') {
      // The Node side made sure the folder exists (Harmony's scripting has no portable mkdir).
      target = String(scene.currentProjectPath()) + '/palette-library/' + args.paletteName + '.plt';
      placeFile(args.file, target, args.ownCopies, true);
    }
    var list = paletteList();
    var added = index === undefined || index < 0 ? list.addPalette(target.replace(/\.plt$/i, '')) : list.addPalette(target.replace(/\.plt$/i, ''), index);
    if (!added || !added.isValid()) throw new Error('Harmony could not add the palette ' + target);
    return target;
  }

  // ---- the built-in loaders (a studio's register the same way, from harmony.scripts or harmonyScript) ----

  var builtIn = {
    imageSequence: {
      load: function (a, c) {
        var group = nodeViewGroup();
        var made = importImages(group, a.nodeName, a.files, a.hold, 0, 0, a.ownCopies);
        node.setColor(made.read, color(a.color));
        c.nodes = [made.read];
        c.data = { column: made.column, element: made.element, group: group, hold: a.hold, frames: a.files.length, beyondScene: made.beyondScene };
      },
      update: function (a, c) {
        var read = c.nodes[0];
        if (!node.type(read)) throw new Error('its READ node ' + read + ' is not in the scene any more: remove the container (dcc-kit inventory remove ' + c.id.slice(0, 8) + ') and load the product again');
        var col = node.linkedColumn(read, 'DRAWING.ELEMENT');
        var elementId = column.getElementIdOfDrawing(col);
        c.data.beyondScene = exposeSequence(elementId, col, a.files, a.hold, a.ownCopies);
        c.data.frames = a.files.length;
        c.data.hold = a.hold;
      }
    },
    background: {
      load: function (a, c) {
        var group = nodeViewGroup();
        var reads = [];
        var layerNodes = {};
        for (var i = 0; i < a.layers.length; i++) {
          var made = importImages(group, a.layers[i].name, [{ file: a.layers[i].file, drawing: '1', frame: 1 }], true, i * 120, 0, a.ownCopies);
          node.setColor(made.read, color(a.color));
          reads.push(made.read);
          layerNodes[a.layers[i].name] = made.read;
        }
        var title = freeTitle(a.title, group);
        wrapInBackdrop(title, reads, null, null, group);
        c.nodes = reads;
        c.backdrop = title;
        c.data = { layers: a.layers.length, group: group, layerNodes: layerNodes };
      },
      update: function (a, c) {
        // Layer name -> its READ (a READ may have been renamed at load when the name was taken).
        var byName = {};
        var known = c.data && c.data.layerNodes;
        if (known) {
          for (var k in known) if (known.hasOwnProperty(k)) byName[k] = known[k];
        } else {
          for (var i = 0; i < c.nodes.length; i++) byName[String(node.getName(c.nodes[i]))] = c.nodes[i];
        }
        var group = (c.data && c.data.group) || nodeViewGroup();
        var layerNodes = {};
        var nodes = [];
        for (var j = 0; j < a.layers.length; j++) {
          var layer = a.layers[j];
          var read = byName[layer.name];
          if (read && node.type(read)) {
            var col = node.linkedColumn(read, 'DRAWING.ELEMENT');
            exposeSequence(column.getElementIdOfDrawing(col), col, [{ file: layer.file, drawing: '1', frame: 1 }], true, a.ownCopies);
          } else {
            read = importImages(group, layer.name, [{ file: layer.file, drawing: '1', frame: 1 }], true, j * 120, 0, a.ownCopies).read;
          }
          nodes.push(read);
          layerNodes[layer.name] = read;
          delete byName[layer.name];
        }
        // Layers the new version no longer has go with their columns, as a new load would not have them.
        var gone = [];
        for (var n in byName) if (byName.hasOwnProperty(n)) gone.push(byName[n]);
        deleteNodes(gone);
        c.nodes = nodes;
        c.data = { layers: a.layers.length, group: group, layerNodes: layerNodes };
      }
    },
    audio: {
      load: function (a, c) {
        var col = uniqueColumn(a.columnName);
        if (!column.add(col, 'SOUND')) throw new Error('Harmony refused to add the sound column ' + col);
        if (!column.importSound(col, 1, a.file)) { column.removeSoundColumn(col); throw new Error('Harmony could not import the sound ' + a.file); }
        c.nodes = [col];
        c.data = { column: col };
      },
      update: function (a, c) {
        var col = c.data.column;
        if (column.type(col) === 'SOUND') column.removeSoundColumn(col);
        column.add(col, 'SOUND');
        if (!column.importSound(col, 1, a.file)) throw new Error('Harmony could not import the sound ' + a.file);
      },
      remove: function (c) {
        if (column.type(c.data.column) === 'SOUND') column.removeSoundColumn(c.data.column);
      },
      present: function (c, item) { return column.type(item) === 'SOUND'; }
    },
    palette: {
      load: function (a, c) {
        var target = addPalette(a);
        c.nodes = [target];
        c.data = { mode: a.mode, file: target };
      },
      update: function (a, c) {
        var found = findPalette(c.data.file);
        var index = found ? found.index : -1;
        if (found) paletteList().removePaletteById(found.palette.id);
        var target = addPalette(a, index);
        c.nodes = [target];
        c.data.file = target;
        c.data.index = index;
      },
      remove: function (c) {
        var found = findPalette(c.data.file);
        if (found) paletteList().removePaletteById(found.palette.id);
      },
      present: function (c, item) { return findPalette(item) !== null; }
    },
    template: {
      load: function (a, c) {
        var pasted = pasteUnderBackdrop(a.tpl, a.title, null, true);
        c.nodes = pasted.nodes;
        c.backdrop = pasted.backdrop;
        c.data = { position: pasted.position, backdrops: pasted.backdrops };
      },
      update: function (a, c) {
        var links = boundaryLinks(c.nodes);
        var at = removeContainerBackdrops(c);
        deleteNodes(c.nodes);
        var pasted = pasteUnderBackdrop(a.tpl, c.backdrop, at, false);
        c.nodes = pasted.nodes;
        var relinked = restoreLinks(links, pasted.nodes);
        c.data = { position: pasted.position, backdrops: pasted.backdrops, restoredLinks: relinked.restored, lostLinks: relinked.lost };
      }
    }
  };
  builtIn.workfile = builtIn.template;
  for (var name in builtIn) if (builtIn.hasOwnProperty(name)) dcckitPipeline.registerLoader(name, builtIn[name]);

  var loaderOf = dcckitPipeline.loader;

  /** A container's nodes and backdrops go (the default for loaders that make nodes). */
  function removeNodes(c) {
    removeContainerBackdrops(c);
    deleteNodes(c.nodes);
  }

  /** Runs fn as one undoable step; a failure undoes what it did, so the scene is unchanged. */
  function atomically(label, fn) {
    scene.beginUndoRedoAccum(label);
    var result;
    try {
      result = fn();
    } catch (e) {
      scene.cancelUndoRedoAccum();
      throw e;
    }
    scene.endUndoRedoAccum();
    return result;
  }

  /** The container of this very version in the scene (product, version, representation, loader; all its items there), or null. */
  function loadedAlready(c) {
    var containers = dcckitPipeline.read().containers;
    for (var id in containers) {
      if (!containers.hasOwnProperty(id)) continue;
      var o = containers[id];
      if (o.product !== c.product || o.version !== c.version || o.representation !== c.representation || o.loader !== c.loader) continue;
      var whole = true;
      for (var i = 0; i < o.nodes.length && whole; i++) whole = !!present(o, o.nodes[i]);
      if (whole) return o;
    }
    return null;
  }

  function load(args) {
    movedFiles = {};
    var same = args.again ? null : loadedAlready(args.container);
    if (same) return { alreadyLoaded: same };
    return atomically('dcc-kit load', function () {
      var c = args.container;
      loaderOf(c.loader).load(args, c);
      dcckitPipeline.modify(function (data) { data.containers[c.id] = c; });
      return c;
    });
  }

  function colorize(colors) {
    var n = 0;
    for (var p in colors) {
      if (colors.hasOwnProperty(p) && node.type(p)) {
        node.setColor(p, color(colors[p]));
        n++;
      }
    }
    return n;
  }

  function colorNodes(nodes, rgba) {
    for (var i = 0; i < nodes.length; i++) if (node.type(nodes[i])) node.setColor(nodes[i], color(rgba));
  }

  /**
   * Updates containers as ONE undoable step. A container that fails cancels the step (Harmony undoes it)
   * and the step runs again without it: each container is updated completely or left exactly as it was,
   * and the usual case (nothing fails) costs one undo accumulation whatever the number of containers.
   */
  function update(args) {
    movedFiles = {};
    var failed = [];
    var updated = [];
    dcckitPipeline.modify(function (data) {
      var pending = [];
      for (var i = 0; i < args.updates.length; i++) {
        // Own keys only: an id like "__proto__" must not reach Object.prototype.
        if (data.containers.hasOwnProperty(args.updates[i].id)) pending.push(args.updates[i]);
        else failed.push({ id: args.updates[i].id, error: 'no container ' + args.updates[i].id + ' in this scene' });
      }
      var done = {};
      while (pending.length) {
        done = {};
        var broke = -1;
        scene.beginUndoRedoAccum('dcc-kit update');
        for (var j = 0; j < pending.length && broke < 0; j++) {
          var u = pending[j];
          var copy = JSON.parse(JSON.stringify(data.containers[u.id]));
          try {
            loaderOf(copy.loader).update(u, copy);
            copy.version = u.version;
            copy.representation = u.representation;
            copy.source = u.source;
            if (u.color) colorNodes(copy.nodes, u.color);
            done[u.id] = copy;
          } catch (e) {
            broke = j;
            failed.push({ id: u.id, error: String(e && e.message ? e.message : e) });
          }
        }
        if (broke < 0) {
          scene.endUndoRedoAccum();
          break;
        }
        scene.cancelUndoRedoAccum();
        pending.splice(broke, 1);
      }
      for (var id in done) {
        if (done.hasOwnProperty(id)) {
          data.containers[id] = done[id];
          updated.push(id);
        }
      }
    });
    return { updated: updated, failed: failed };
  }

  function remove(args) {
    var removed = [];
    atomically('dcc-kit remove', function () {
      dcckitPipeline.modify(function (data) {
        for (var i = 0; i < args.ids.length; i++) {
          var c = data.containers.hasOwnProperty(args.ids[i]) ? data.containers[args.ids[i]] : null;
          if (!c) continue;
          var l = loaderOf(c.loader);
          if (l.remove) l.remove(c);
          else removeNodes(c);
          delete data.containers[args.ids[i]];
          removed.push(args.ids[i]);
        }
      });
    });
    return { removed: removed };
  }

  /** Is a container's item still in the scene? The loader says (palettes, sound columns); else it is a node. */
  function present(c, item) {
    var l = dcckitPipeline.hasLoader(c.loader) ? loaderOf(c.loader) : null;
    if (l && l.present) return l.present(c, item);
    return node.type(item) !== '';
  }

  function inventory() {
    var data = dcckitPipeline.read();
    var out = [];
    for (var id in data.containers) {
      if (!data.containers.hasOwnProperty(id)) continue;
      var c = data.containers[id];
      var missing = [];
      for (var i = 0; i < c.nodes.length; i++) if (!present(c, c.nodes[i])) missing.push(c.nodes[i]);
      c.missingNodes = missing;
      out.push(c);
    }
    return { containers: out };
  }

  dcckit.serve('dcckit.load.load', load);
  dcckit.serve('dcckit.load.update', update);
  dcckit.serve('dcckit.load.remove', remove);
  dcckit.serve('dcckit.load.inventory', inventory);
  dcckit.serve('dcckit.load.colorize', function (args) { return colorize(args.colors || {}); });
}());
