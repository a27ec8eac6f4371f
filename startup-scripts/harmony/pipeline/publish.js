/*
 * dcc-kit publishing support for Harmony (ES5 only).
 *
 *   dcckit.publish.collect ()  -> everything the collectors need, in ONE call: current file, scene settings,
 *                                 every node, the WRITE nodes with their output attributes, Harmony's version,
 *                                 the pipeline data (instances, render `active` synced with node enable),
 *                                 palettes (with location) and sound columns
 *   dcckit.publish.applySettings { fps, resolution: [w, h], frames }  -> { changed: [{key, from, to}] }
 *   dcckit.publish.exportTemplate { title, folder, name }              -> path of the written .tpl
 */
(function () {
  var ROOT = 'Top';
  var LOCATIONS = ['ENVIRONMENT', 'JOB', 'SCENE', 'ELEMENT', 'EXTERNAL'];

  var allNodes = dcckitPipeline.allNodes;

  function settings() {
    return {
      fps: scene.getFrameRate(),
      frames: frame.numberOf(),
      startFrame: scene.getStartFrame(),
      stopFrame: scene.getStopFrame(),
      resX: scene.defaultResolutionX(),
      resY: scene.defaultResolutionY(),
      fov: scene.defaultResolutionFOV()
    };
  }

  function palettes() {
    var list = PaletteObjectManager.getScenePaletteList();
    var out = [];
    var n = list.numPalettes;
    for (var i = 0; i < n; i++) {
      var p = list.getPaletteByIndex(i);
      if (!p || !p.isValid()) continue;
      var loc = p.location;
      out.push({
        id: String(p.id), name: String(p.getName()), folder: String(p.getPath()),
        file: String(p.getPath()) + '/' + String(p.getName()) + '.plt',
        location: LOCATIONS[loc] || String(loc), external: loc === 4
      });
    }
    return out;
  }

  function sounds() {
    var cols = column.getColumnListOfType('SOUND');
    var out = [];
    for (var i = 0; i < cols.length; i++) out.push({ column: String(cols[i]), name: String(column.getDisplayName(cols[i])) });
    return out;
  }

  function collect() {
    var nodes = allNodes(ROOT);
    var writes = [];
    for (var i = 0; i < nodes.length; i++) {
      if (node.type(nodes[i]) !== 'WRITE') continue;
      var w = nodes[i];
      writes.push({
        path: w, name: String(node.getName(w)), enabled: node.getEnable(w) === true,
        drawingType: String(node.getTextAttr(w, 1, 'DRAWING_TYPE')),
        drawingName: String(node.getTextAttr(w, 1, 'DRAWING_NAME')),
        moviePath: String(node.getTextAttr(w, 1, 'MOVIE_PATH')),
        leadingZeros: Number(node.getTextAttr(w, 1, 'LEADING_ZEROS')),
        start: Number(node.getTextAttr(w, 1, 'START')),
        input: node.numberOfInputPorts(w) > 0 ? String(node.srcNode(w, 0)) : ''
      });
    }
    var data = dcckitPipeline.read();
    var changed = false;
    for (var key in data.instances) {
      if (!data.instances.hasOwnProperty(key)) continue;
      var rec = data.instances[key];
      if (rec.creator === 'render' && rec.node && node.type(rec.node)) {
        var enabled = node.getEnable(rec.node) === true;
        if (rec.active !== enabled) { rec.active = enabled; changed = true; }
      }
    }
    if (changed) dcckitPipeline.write(data);
    var backdrops = Backdrop.backdrops(ROOT);
    var titles = [];
    for (var b = 0; b < backdrops.length; b++) titles.push(String(backdrops[b].title.text));
    return {
      projectDir: String(scene.currentProjectPath()),
      versionName: String(scene.currentVersionName()),
      currentFile: String(scene.currentProjectPath()) + '/' + String(scene.currentVersionName()) + '.xstage',
      harmonyVersion: String(about.getMajorVersion()) + '.' + String(about.getMinorVersion()),
      versionInfo: String(about.getVersionInfoStr()),
      dirty: scene.isDirty() === true,
      settings: settings(),
      nodes: nodes,
      writes: writes,
      backdrops: titles,
      pipeline: data,
      palettes: palettes(),
      sounds: sounds()
    };
  }

  function applySettings(args) {
    var before = settings();
    var changed = [];
    if (args.fps !== undefined && Math.abs(before.fps - args.fps) > 0.005) {
      scene.setFrameRate(args.fps);
      changed.push({ key: 'fps', from: before.fps, to: args.fps });
    }
    if (args.resolution && (before.resX !== args.resolution[0] || before.resY !== args.resolution[1])) {
      scene.setDefaultResolution(args.resolution[0], args.resolution[1], before.fov);
      changed.push({ key: 'resolution', from: [before.resX, before.resY], to: [args.resolution[0], args.resolution[1]] });
    }
    if (args.frames !== undefined && args.frames !== before.frames) {
      if (args.frames > before.frames) frame.insert(before.frames, args.frames - before.frames);
      else frame.remove(args.frames, before.frames - args.frames);
      changed.push({ key: 'frames', from: before.frames, to: args.frames });
    }
    var now = settings();
    if (args.frames !== undefined && (now.startFrame !== 1 || now.stopFrame !== args.frames)) {
      scene.setStartFrame(1);
      scene.setStopFrame(args.frames);
    }
    // Said even when inserting or removing frames moved the play range already: the artist sees it changed.
    if (args.frames !== undefined && (before.startFrame !== 1 || before.stopFrame !== args.frames)) {
      changed.push({ key: 'playRange', from: [before.startFrame, before.stopFrame], to: [1, args.frames] });
    }
    return { changed: changed, settings: settings() };
  }

  function exportTemplate(args) {
    var all = Backdrop.backdrops(ROOT);
    var bd = null;
    for (var i = 0; i < all.length; i++) if (String(all[i].title.text) === args.title) bd = all[i];
    if (!bd) throw new Error('no backdrop titled ' + args.title + ' in ' + ROOT);
    var inside = Backdrop.nodes(bd);
    var previousNodes = selection.selectedNodes();
    selection.clearSelection();
    selection.addNodesToSelection(inside);
    selection.addBackdropToSelection(bd);
    var written = copyPaste.createTemplateFromSelection(args.name, args.folder);
    selection.clearSelection();
    if (previousNodes.length) selection.addNodesToSelection(previousNodes);
    if (!written) throw new Error('Harmony could not export the backdrop ' + args.title + ' as a template (is it empty?)');
    return String(written);
  }

  dcckit.serve('dcckit.publish.collect', collect);
  dcckit.serve('dcckit.publish.applySettings', applySettings);
  dcckit.serve('dcckit.publish.exportTemplate', exportTemplate);
}());
