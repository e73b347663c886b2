/* The live socket shared by the one map and the big screen.
 *
 * It connects to the server's /ws/live/, asks for everything after the last alert id it has seen
 * ("sync"), and re-syncs periodically. When the socket drops it says so at once, reconnects with
 * back-off and catches up from the database, so no alert is lost to a dropped socket, a restarted
 * web process or a restarted Redis. Alerts are de-duplicated by id.
 */
(function () {
  "use strict";

  function LiveSocket(opts) {
    this.opts = opts;
    this.lastId = null;
    this.alerts = new Map();
    this.ws = null;
    this.attempt = 0;
    this.syncTimer = null;
    this.replyTimer = null;
    this.lastMessageAt = null;
    this.state = "connecting";
  }

  LiveSocket.prototype.url = function () {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + window.location.host + this.opts.path;
  };

  LiveSocket.prototype.setState = function (state) {
    if (this.state === state) return;
    this.state = state;
    if (this.opts.onState) this.opts.onState(state);
  };

  LiveSocket.prototype.start = function () {
    var self = this;
    window.addEventListener("offline", function () { if (self.ws) self.ws.close(); });
    window.addEventListener("online", function () { self.reconnectSoon(0); });
    this.connect();
  };

  LiveSocket.prototype.connect = function () {
    var self = this;
    clearTimeout(this.reconnectTimer);
    this.setState("connecting");
    var ws;
    try {
      ws = new WebSocket(this.url());
    } catch (e) {
      this.reconnectSoon();
      return;
    }
    this.ws = ws;
    ws.onopen = function () {
      self.attempt = 0;
      self.setState("open");
      self.sync();
    };
    ws.onmessage = function (event) {
      self.lastMessageAt = new Date();
      clearTimeout(self.replyTimer);
      var msg;
      try { msg = JSON.parse(event.data); } catch (e) { return; }
      self.handle(msg);
    };
    ws.onclose = function (event) {
      if (self.ws !== ws) return;
      self.ws = null;
      clearTimeout(self.syncTimer);
      clearTimeout(self.replyTimer);
      self.setState(event.code === 4401 ? "unauthorised" : "closed");
      if (event.code !== 4401) self.reconnectSoon();
    };
    ws.onerror = function () { /* onclose follows and reconnects */ };
  };

  LiveSocket.prototype.reconnectSoon = function (delay) {
    var self = this;
    if (this.ws) return;
    clearTimeout(this.reconnectTimer);
    if (delay === undefined) {
      // 0.5 s, 1 s, 2 s … up to 10 s, with jitter so a restarted server is not hit all at once.
      delay = Math.min(10000, 500 * Math.pow(2, this.attempt)) * (0.75 + Math.random() * 0.5);
      this.attempt += 1;
    }
    this.reconnectTimer = setTimeout(function () { self.connect(); }, delay);
  };

  LiveSocket.prototype.sync = function () {
    var self = this;
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
    clearTimeout(this.syncTimer);
    this.ws.send(JSON.stringify({ type: "sync", last_id: this.lastId, panels: !!this.opts.panels }));
    // A socket that no longer answers (network pulled without a close) is given up on.
    this.replyTimer = setTimeout(function () { if (self.ws) self.ws.close(); }, 8000);
    this.syncTimer = setTimeout(function () { self.sync(); }, (this.opts.syncSeconds || 20) * 1000);
  };

  LiveSocket.prototype.take = function (alert, isNew) {
    var known = this.alerts.get(alert.id);
    this.alerts.set(alert.id, alert);
    if (this.lastId === null || alert.id > this.lastId) this.lastId = alert.id;
    if (this.opts.onAlert) this.opts.onAlert(alert, isNew && !known);
  };

  LiveSocket.prototype.handle = function (msg) {
    var self = this;
    if (msg.type === "synced") {
      var first = this.lastId === null;
      // Alerts missed while away are new to this screen, even if they are not new to the server;
      // take them before the snapshot (which holds them too) so they are announced.
      msg.missed.forEach(function (a) { self.take(a, !first); });
      msg.snapshot.forEach(function (a) { self.take(a, false); });
      if (this.lastId === null) this.lastId = msg.latest_id || 0;
      if (msg.panels && this.opts.onPanels) this.opts.onPanels(msg.panels);
      if (this.opts.onSynced) this.opts.onSynced(msg);
      if (msg.latest_id > this.lastId) this.sync();  // more than one page was missed
    } else if (msg.type === "alert") {
      this.take(msg.alert, msg.new);
    } else if (msg.type === "layer") {
      if (this.opts.onLayer) this.opts.onLayer(msg.layer);
    } else if (msg.type === "panels") {
      if (this.opts.onPanels) this.opts.onPanels(msg.panels);
    }
  };

  LiveSocket.prototype.sortedAlerts = function () {
    return Array.from(this.alerts.values()).sort(function (a, b) { return b.id - a.id; });
  };

  function csrfToken() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function acknowledge(id) {
    return fetch("/api/alerts/" + id + "/acknowledge/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    }).then(function (r) {
      return r.json().then(function (body) { return { ok: r.ok, status: r.status, body: body }; });
    });
  }

  function formatTime(iso) {
    var d = new Date(iso);
    if (isNaN(d)) return "";
    var pad = function (n) { return String(n).padStart(2, "0"); };
    return pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes()) + ":" + pad(d.getSeconds());
  }

  window.CCLive = { LiveSocket: LiveSocket, acknowledge: acknowledge, formatTime: formatTime, csrfToken: csrfToken };
})();
