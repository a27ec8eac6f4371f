/*
 * dcc-kit for Toon Boom Harmony: the in-app client.
 *
 * ES5 only (Harmony's Qt Script): var, function expressions, no arrow functions, classes, let/const,
 * template literals, Promise, Map or Set. Loaded by TB_sceneOpened.js into every scene's script engine;
 * Harmony discards the engine (and this client's socket) on every scene open, so the next scene's
 * TB_sceneOpened connects again. Only strings are kept on QCoreApplication across engines.
 *
 * Wire protocol v1: frames are "AH" + length + UTF-8 JSON. We write the text form (8 hex digits: Harmony
 * 21.1+ bindings cannot write raw bytes) and read both forms.
 */
var dcckit = (function () {
  var SCRIPT_VERSION = '1';
  /* Pipeline modules loaded by loadModules(), in order: metadata first, the others use it. */
  var MODULES = ['pipeline/metadata.js', 'pipeline/create.js', 'pipeline/load.js', 'pipeline/publish.js'];
  var PROTOCOL = 1;
  var MAX_FRAME = 64 * 1024 * 1024;
  var MENU_ITEMS = [
    { text: 'Workfiles...', request: 'harmony.menu.workfiles' },
    { separator: true },
    { text: 'Create...', request: 'harmony.menu.create' },
    { text: 'Load...', request: 'harmony.menu.load' },
    { text: 'Publish...', request: 'harmony.menu.publish' },
    { text: 'Manage...', request: 'harmony.menu.manage' },
    { separator: true },
    { text: 'Set Scene Settings...', request: 'harmony.menu.sceneSettings' }
  ];

  var state = {
    socket: null,
    buffer: null,
    connected: false,
    greeted: false,
    nextId: 1,
    pending: {},
    retryDelay: 250,
    attempt: 0,
    retryTimer: null,
    stopped: false,
    requests: {},
    codec: null,
    lastError: ''
  };

  function log(text) {
    try { MessageLog.trace('[dcc-kit] ' + text); } catch (e) { /* no log in this context */ }
  }

  function env(name) {
    try {
      var v = System.getenv(name);
      return v ? String(v) : '';
    } catch (e) {
      return '';
    }
  }

  function codec() {
    if (!state.codec) state.codec = QTextCodec.codecForName(new QByteArray('UTF-8'));
    return state.codec;
  }

  function hex8(n) {
    var s = n.toString(16);
    while (s.length < 8) s = '0' + s;
    return s;
  }

  function app() {
    return QCoreApplication.instance();
  }

  /** A random id kept on the application as a string, so it survives engine resets. */
  function instanceKey() {
    var a = app();
    var key = a.dcckit_instance;
    if (typeof key !== 'string' || key.length === 0) {
      key = 'h' + Math.floor(Math.random() * 1e9).toString(36) + (new Date()).getTime().toString(36);
      a.dcckit_instance = key;
    }
    return key;
  }

  function processId() {
    try {
      if (typeof QCoreApplication.applicationPid === 'function') return Number(QCoreApplication.applicationPid());
    } catch (e) { /* not bound in this version */ }
    return null;
  }

  function readTextFile(path) {
    var f = new QFile(path);
    if (!f.exists() || !f.open(QIODevice.ReadOnly)) return null;
    var bytes = f.readAll();
    f.close();
    return String(codec().toUnicode(bytes));
  }

  /**
   * Where the hub may be: its runtime file (it follows a hub restart, which changes the token and maybe
   * the port) and the environment of the launch. Failed attempts rotate through them.
   */
  function endpoints() {
    var found = [];
    var home = env('DCC_KIT_HOME');
    if (!home) {
      var userHome = env('HOME') || env('USERPROFILE');
      if (userHome) home = userHome + '/.dcc-kit';
    }
    if (home) {
      var text = readTextFile(home.replace(/\\/g, '/') + '/run/hub.json');
      if (text) {
        try {
          var info = JSON.parse(text);
          if (info && info.port > 0 && info.token) found.push({ port: info.port, token: String(info.token) });
        } catch (e) { /* a torn file: use the environment */ }
      }
    }
    var port = parseInt(env('DCC_KIT_PORT'), 10);
    var token = env('DCC_KIT_TOKEN');
    if (port > 0 && token && !(found.length && found[0].port === port && found[0].token === token)) found.push({ port: port, token: token });
    return found;
  }

  function scenePath() {
    try {
      return String(scene.currentProjectPath()) + '/' + String(scene.currentVersionName()) + '.xstage';
    } catch (e) {
      return '';
    }
  }

  function harmonyVersion() {
    try {
      return String(about.getMajorVersion()) + '.' + String(about.getMinorVersion());
    } catch (e) {
      return '';
    }
  }

  // ---- frames ---------------------------------------------------------------------------------

  function writeMessage(message) {
    if (!state.socket || !state.connected) return false;
    var text = JSON.stringify(message);
    var body = codec().fromUnicode(text);
    var frame = new QByteArray();
    frame.append('AH' + hex8(body.size()));
    frame.append(body);
    state.socket.write(frame);
    return true;
  }

  /** Extracts every complete frame from the buffer. Returns false when the stream is unusable. */
  function drainFrames() {
    var buf = state.buffer;
    while (buf.size() >= 6) {
      if ((buf.at(0) & 0xff) !== 0x41 || (buf.at(1) & 0xff) !== 0x48) {
        state.lastError = 'bad frame magic';
        return false;
      }
      var headerLength;
      var length;
      var b2 = buf.at(2) & 0xff;
      if (b2 >= 0x30) {
        if (buf.size() < 10) return true;
        var hex = '';
        for (var i = 2; i < 10; i++) hex += String.fromCharCode(buf.at(i) & 0xff);
        if (!/^[0-9a-fA-F]{8}$/.test(hex)) {
          state.lastError = 'bad text-form length';
          return false;
        }
        length = parseInt(hex, 16);
        headerLength = 10;
      } else {
        length = (b2 * 16777216) + ((buf.at(3) & 0xff) << 16) + ((buf.at(4) & 0xff) << 8) + (buf.at(5) & 0xff);
        headerLength = 6;
      }
      if (length > MAX_FRAME) {
        state.lastError = 'frame over the maximum size';
        return false;
      }
      if (buf.size() < headerLength + length) return true;
      var text = String(codec().toUnicode(buf.mid(headerLength, length)));
      buf.remove(0, headerLength + length);
      var message;
      try {
        message = JSON.parse(text);
      } catch (e) {
        state.lastError = 'frame payload is not JSON';
        return false;
      }
      if (message === null || typeof message !== 'object') {
        state.lastError = 'frame payload is not an object';
        return false;
      }
      handleMessage(message);
    }
    return true;
  }

  // ---- requests from the hub --------------------------------------------------------------------

  function errorPayload(e) {
    var payload = { name: 'Error', message: String(e) };
    if (e && typeof e === 'object') {
      if (e.name) payload.name = String(e.name);
      if (e.message !== undefined) payload.message = String(e.message);
      if (e.stack) payload.stack = String(e.stack);
      else if (e.lineNumber) payload.stack = 'line ' + e.lineNumber;
    }
    return payload;
  }

  function globalEval(source) {
    var indirect = eval;
    return indirect(source);
  }

  function handleMessage(msg) {
    if (msg.reply === true) {
      var cb = state.pending[msg.message_id];
      if (cb) {
        delete state.pending[msg.message_id];
        cb(msg.error ? msg.error : null, msg.result);
      }
      return;
    }
    var reply = { message_id: msg.message_id, reply: true };
    try {
      var result = null;
      if (typeof msg.request === 'string') {
        var handler = state.requests.hasOwnProperty(msg.request) ? state.requests[msg.request] : null;
        if (!handler) throw new Error('unknown request "' + msg.request + '" (this script serves: ' + requestNames().join(', ') + ')');
        result = handler(msg.args);
      } else if (typeof msg.script === 'string') {
        globalEval(msg.script);
      } else if (typeof msg['function'] === 'string') {
        var fn = globalEval(msg['function']);
        if (typeof fn !== 'function') throw new TypeError(msg['function'] + ' is not a function');
        result = (msg.args === undefined || msg.args === null) ? fn() : fn(msg.args);
      } else {
        throw new Error('the message has no function, script or request');
      }
      reply.result = result === undefined ? null : result;
      try {
        JSON.stringify(reply);
      } catch (e) {
        throw new TypeError('the result cannot be sent as JSON: ' + e.message);
      }
    } catch (e) {
      delete reply.result;
      reply.error = errorPayload(e);
    }
    writeMessage(reply);
  }

  function requestNames() {
    var names = [];
    for (var k in state.requests) if (state.requests.hasOwnProperty(k)) names.push(k);
    return names;
  }

  /** Sends a named request to the hub; callback(error, result). */
  function request(name, args, callback) {
    if (!state.greeted) {
      if (callback) callback({ name: 'NotConnected', message: 'not connected to the dcc-kit hub' + (state.lastError ? ' (' + state.lastError + ')' : '') }, null);
      return false;
    }
    var id = state.nextId++;
    if (callback) state.pending[id] = callback;
    var msg = { message_id: id, request: name };
    if (args !== undefined) msg.args = args;
    return writeMessage(msg);
  }

  // ---- connection -------------------------------------------------------------------------------

  function scheduleReconnect() {
    if (state.stopped || state.retryTimer) return;
    var timer = new QTimer();
    timer.singleShot = true;
    timer.interval = state.retryDelay;
    timer.timeout.connect(function () {
      state.retryTimer = null;
      connect();
    });
    state.retryTimer = timer;
    timer.start();
    state.retryDelay = Math.min(state.retryDelay * 2, 5000);
  }

  function failPending(reason) {
    var pending = state.pending;
    state.pending = {};
    for (var id in pending) {
      if (pending.hasOwnProperty(id)) pending[id]({ name: 'SessionClosed', message: reason }, null);
    }
  }

  function dropConnection(reason) {
    log('connection dropped: ' + reason);
    var socket = state.socket;
    state.socket = null;
    state.connected = false;
    state.greeted = false;
    state.lastError = reason;
    failPending(reason);
    if (socket) {
      try { socket.abort(); } catch (e) { try { socket.close(); } catch (e2) { /* gone */ } }
    }
    scheduleReconnect();
  }

  function connect() {
    if (state.stopped || state.socket) return;
    var candidates = endpoints();
    var where = candidates.length ? candidates[state.attempt % candidates.length] : null;
    state.attempt++;
    if (!where) {
      state.lastError = 'the dcc-kit hub is not running (no DCC_KIT_PORT and no runtime file)';
      scheduleReconnect();
      return;
    }
    var socket = new QTcpSocket();
    state.socket = socket;
    state.buffer = new QByteArray();
    socket.connected.connect(function () {
      if (state.socket !== socket) return;
      state.connected = true;
      var id = state.nextId++;
      state.pending[id] = function (error, result) {
        if (error) {
          log('hello refused: ' + error.message);
          state.lastError = error.message;
          return;
        }
        state.greeted = true;
        state.retryDelay = 250;
        state.attempt = 0;
        state.lastError = '';
        log('connected to the dcc-kit hub, session ' + (result && result.session));
      };
      writeMessage({
        message_id: id,
        request: 'hello',
        args: {
          protocol: PROTOCOL, token: where.token, role: 'dcc', dcc: 'harmony',
          version: harmonyVersion(), pid: processId(), instance: instanceKey(), scene: scenePath(),
          script: SCRIPT_VERSION
        }
      });
    });
    socket.readyRead.connect(function () {
      if (state.socket !== socket) return;
      state.buffer.append(socket.readAll());
      var ok;
      try {
        ok = drainFrames();
      } catch (e) {
        state.lastError = 'error while reading: ' + e;
        ok = false;
      }
      if (!ok) dropConnection(state.lastError);
    });
    socket.disconnected.connect(function () {
      if (state.socket === socket) dropConnection('the hub closed the connection');
    });
    var onError = function () {
      if (state.socket === socket) dropConnection('cannot reach the hub on port ' + where.port);
    };
    if (socket.errorOccurred) socket.errorOccurred.connect(onError);
    else if (socket.error && socket.error.connect) socket.error.connect(onError);
    socket.connectToHost('127.0.0.1', where.port);
  }

  // ---- menu -------------------------------------------------------------------------------------

  function menuLabel() {
    return env('DCC_KIT_MENU_LABEL') || 'dcc-kit';
  }

  function mainWindow() {
    var widgets = QApplication.topLevelWidgets();
    var found = null;
    for (var i = 0; i < widgets.length; i++) {
      if (widgets[i] instanceof QMainWindow) found = widgets[i];
    }
    return found;
  }

  function showMessage(text, kind) {
    try {
      if (kind === 'warning' && MessageBox.warning) MessageBox.warning(String(text));
      else if (kind === 'critical' && MessageBox.critical) MessageBox.critical(String(text));
      else MessageBox.information(String(text));
    } catch (e) {
      log(String(text));
    }
  }

  /**
   * Asks the artist for one line of text in a Harmony dialog (the hub's `ask`: title, label, ok button text,
   * initial text). Returns the text, or null when the artist cancelled.
   */
  function askText(ask) {
    var dialog = new Dialog();
    dialog.title = String(ask.title || 'dcc-kit');
    if (ask.ok) dialog.okButtonText = String(ask.ok);
    var field = new LineEdit();
    field.label = String(ask.label || '');
    field.text = ask.text ? String(ask.text) : '';
    dialog.add(field);
    if (!dialog.exec()) return null;
    return String(field.text);
  }

  function menuAction(item) {
    return function () {
      if (!state.greeted) {
        showMessage('dcc-kit: ' + item.text + ' needs the dcc-kit hub, which is not reachable (' +
          (state.lastError || 'connecting') + ').\nStart it with: dcc-kit hub start\nThis scene reconnects by itself.', 'warning');
        if (!state.socket) connect();
        return;
      }
      send({ scene: scenePath(), canAsk: true });

      // The hub may answer with a question for the artist (`ask`: e.g. Publish...'s comment when it publishes
      // from the menu): the answer goes back in the same request, under `ask.field`; Cancel ends the item.
      function send(args) {
        request(item.request, args, function (error, result) {
          if (error) {
            showMessage('dcc-kit: ' + item.text + '\n' + error.message, 'warning');
            return;
          }
          if (result && result.ask && result.ask.field) {
            var text = askText(result.ask);
            if (text === null) {
              log(item.text + ' cancelled by the artist');
              return;
            }
            var again = { scene: args.scene };
            again[String(result.ask.field)] = text;
            send(again);
            return;
          }
          if (result && result.message) showMessage(result.message, 'information');
        });
      }
    };
  }

  /** Builds the menu afresh: Harmony drops script-made menus on scene open, and an old one may be half there. */
  function buildMenu() {
    var window = mainWindow();
    if (!window) {
      log('no main window: the menu is not shown (batch mode?)');
      return null;
    }
    var bar = window.menuBar();
    var label = menuLabel();
    var actions = bar.actions();
    for (var i = 0; i < actions.length; i++) {
      if (String(actions[i].text) === label) bar.removeAction(actions[i]);
    }
    var menu = bar.addMenu(label);
    for (var j = 0; j < MENU_ITEMS.length; j++) {
      var item = MENU_ITEMS[j];
      if (item.separator) {
        menu.addSeparator();
        continue;
      }
      var action = menu.addAction(item.text);
      action.triggered.connect(menuAction(item));
    }
    return menu;
  }

  // ---- built-in named requests ------------------------------------------------------------------

  state.requests.ping = function () { return 'pong'; };
  state.requests['dcckit.info'] = function () {
    return { script: SCRIPT_VERSION, version: harmonyVersion(), scene: scenePath(), pid: processId(), instance: instanceKey() };
  };
  state.requests['dcckit.message'] = function (args) {
    var a = args || {};
    showMessage(a.text !== undefined ? a.text : String(args), a.kind);
    return true;
  };

  return {
    version: SCRIPT_VERSION,
    start: function () {
      state.stopped = false;
      buildMenu();
      connect();
    },
    stop: function () {
      state.stopped = true;
      dropConnection('stopped');
    },
    /** Includes the pipeline modules from the folder holding this file; a failing one is logged, the others load. */
    loadModules: function (folder) {
      var failed = [];
      for (var i = 0; i < MODULES.length; i++) {
        try {
          include(folder + '/' + MODULES[i]);
        } catch (e) {
          failed.push(MODULES[i] + ': ' + e);
          log('cannot load ' + MODULES[i] + ': ' + e);
        }
      }
      return failed;
    },
    /** Registers a named request the hub (or pipeline code) may call: fn(args) returns the result. */
    serve: function (name, fn) {
      state.requests[name] = fn;
    },
    request: request,
    isConnected: function () { return state.greeted; },
    lastError: function () { return state.lastError; },
    showMessage: showMessage
  };
}());
