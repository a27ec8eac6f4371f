/*
 * dcc-kit startup for Toon Boom Harmony (ES5 only). Harmony runs TB_sceneOpened() after a scene is
 * opened and TB_sceneCreated() after a new one is made, each time in a fresh script engine.
 *
 * DCC_KIT_SCRIPTS names the folder holding dcckit.js. `dcc-kit install harmony` writes it below;
 * a launch through dcc-kit sets TOONBOOM_GLOBAL_SCRIPT_LOCATION to this folder instead.
 */
var DCC_KIT_SCRIPTS = '';
/* A TB_sceneOpened.js that was installed before dcc-kit; it is run first. Set by the installer. */
var DCC_KIT_CHAINED = '';

var dcckitBoot = (function () {
  function folder() {
    if (DCC_KIT_SCRIPTS) return DCC_KIT_SCRIPTS;
    var fromEnv = '';
    try { fromEnv = String(System.getenv('DCC_KIT_HARMONY_SCRIPTS') || System.getenv('TOONBOOM_GLOBAL_SCRIPT_LOCATION') || ''); } catch (e) { fromEnv = ''; }
    return fromEnv.replace(/\\/g, '/');
  }

  var chainedOpened = null;
  var chainedCreated = null;
  if (DCC_KIT_CHAINED) {
    try {
      include(DCC_KIT_CHAINED);
      if (typeof TB_sceneOpened === 'function') chainedOpened = TB_sceneOpened;
      if (typeof TB_sceneCreated === 'function') chainedCreated = TB_sceneCreated;
    } catch (e) {
      MessageLog.trace('[dcc-kit] the chained ' + DCC_KIT_CHAINED + ' failed to load: ' + e);
    }
  }

  var loaded = false;
  function load() {
    if (loaded) return true;
    try {
      include(folder() + '/dcckit.js');
      loaded = typeof dcckit === 'object';
      if (loaded) dcckit.loadModules(folder());
    } catch (e) {
      MessageLog.trace('[dcc-kit] cannot load dcckit.js from "' + folder() + '": ' + e);
    }
    return loaded;
  }

  function run(chained) {
    if (chained) {
      try { chained(); } catch (e) { MessageLog.trace('[dcc-kit] the chained startup script failed: ' + e); }
    }
    if (load()) dcckit.start();
  }

  return {
    opened: function () { run(chainedOpened); },
    created: function () { run(chainedCreated); }
  };
}());

TB_sceneOpened = function () { dcckitBoot.opened(); };
TB_sceneCreated = function () { dcckitBoot.created(); };
