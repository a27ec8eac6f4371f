/*
 * dcc-kit startup for new Harmony scenes (ES5 only). Harmony runs TB_sceneCreated() from this file
 * after a new scene is made; it loads TB_sceneOpened.js from the same folder, which does the work.
 * The installer fills the two variables below (a TB_sceneCreated.js found before dcc-kit runs first).
 */
var DCC_KIT_SCRIPTS_CREATED = '';
var DCC_KIT_CHAINED_CREATED = '';

(function () {
  var dir = DCC_KIT_SCRIPTS_CREATED;
  if (!dir) {
    try { dir = String(System.getenv('DCC_KIT_HARMONY_SCRIPTS') || System.getenv('TOONBOOM_GLOBAL_SCRIPT_LOCATION') || ''); } catch (e) { dir = ''; }
  }
  var chained = null;
  if (DCC_KIT_CHAINED_CREATED) {
    try {
      include(DCC_KIT_CHAINED_CREATED);
      if (typeof TB_sceneCreated === 'function') chained = TB_sceneCreated;
    } catch (e) {
      MessageLog.trace('[dcc-kit] the chained ' + DCC_KIT_CHAINED_CREATED + ' failed to load: ' + e);
    }
  }
  try {
    include(dir.replace(/\\/g, '/') + '/TB_sceneOpened.js');
  } catch (e) {
    MessageLog.trace('[dcc-kit] cannot load TB_sceneOpened.js from "' + dir + '": ' + e);
  }
  if (chained) {
    var ours = TB_sceneCreated;
    TB_sceneCreated = function () {
      try { chained(); } catch (e) { MessageLog.trace('[dcc-kit] the chained TB_sceneCreated failed: ' + e); }
      if (typeof ours === 'function') ours();
    };
  }
}());
