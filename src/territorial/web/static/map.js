// The scenario map: territory shapes with labels, accounts, rep homes, heat and white
// space; no tiles. Data: the JSON twin named by #map[data-src] (compact columns) and the
// state outlines at #map[data-states]. Accounts and shapes are drawn on a canvas.
// When drawn, #map gets data-ready="1", data-accounts="<accounts shown>" and
// data-territories="<shapes drawn>" (used by tests and bench/map_data.py).
// Every div.map[data-src] on the page gets a map of its own (the compare page has two);
// its status line, legend and filters are looked up inside its [data-map-scope], or in
// the page for the map page's single #map.
(function () {
  "use strict";
  document.querySelectorAll("div.map[data-src]").forEach(mount);

function mount(el) {
  const scope = el.closest("[data-map-scope]") || document;
  const statusEl = scope.querySelector(".map-status");
  const legendEl = scope.querySelector("#legend, .map-legend");
  const filtersEl = scope.querySelector("#map-filters");
  if (!el || typeof L === "undefined") {
    if (statusEl) {
      statusEl.textContent = "The map library is missing: run `npm ci && python scripts/build_assets.py`.";
      statusEl.classList.add("error");
    }
    return;
  }

  const fmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  const money = (v) => (v == null ? "–" : "$" + fmt.format(v));
  const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

  let data = null; // the map JSON, once loaded
  const canvas = L.canvas({ padding: 0.3, tolerance: 3 });
  const map = L.map(el, { zoomSnap: 0.25, minZoom: 2, worldCopyJump: true });
  map.setView([39.5, -97], 4);
  map.attributionControl.setPrefix(false);
  map.createPane("outlines").style.zIndex = 350;
  // Shapes on a Leaflet canvas; accounts on their own canvas above (PointsLayer); the
  // heat and white-space grid above both on a canvas that lets clicks through.
  const grid = map.createPane("grid");
  grid.style.zIndex = 450;
  grid.style.pointerEvents = "none";
  map.createPane("labels").style.zIndex = 640;
  const shapeRenderer = canvas;
  const gridRenderer = L.canvas({ padding: 0.3, pane: "grid" });

  const states = L.geoJSON(null, {
    pane: "outlines",
    interactive: false,
    style: { color: "#9aa8b7", weight: 1, fillColor: "#ffffff", fillOpacity: 1 },
    attribution: "US states: Census Bureau via us-atlas",
  }).addTo(map);
  const shapes = L.featureGroup().addTo(map);
  const labels = L.featureGroup().addTo(map);
  // Accounts: one canvas of its own, every point drawn in one pass per colour (50,000
  // Leaflet circleMarkers took 1.5-2 s to add; this draws them in tens of ms). Clicks are
  // found by the map's click handler (nearest drawn point within a few pixels).
  const PointsLayer = L.Layer.extend({
    onAdd(m) {
      this._canvas = L.DomUtil.create("canvas", "map-points leaflet-zoom-hide");
      this._canvas.style.pointerEvents = "none";
      m.getPane("points").appendChild(this._canvas);
      m.on("moveend zoomend resize viewreset", this.redraw, this);
      this.redraw();
    },
    onRemove(m) {
      m.off("moveend zoomend resize viewreset", this.redraw, this);
      L.DomUtil.remove(this._canvas);
      this._canvas = null;
    },
    redraw() {
      if (!this._canvas || !this._map || !data) return;
      const m = this._map;
      const size = m.getSize();
      const ratio = window.devicePixelRatio || 1;
      const cv = this._canvas;
      cv.width = size.x * ratio;
      cv.height = size.y * ratio;
      cv.style.width = size.x + "px";
      cv.style.height = size.y + "px";
      L.DomUtil.setPosition(cv, m.containerPointToLayerPoint([0, 0]));
      const ctx = cv.getContext("2d");
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      const a = data.accounts;
      const n = visible.length;
      px = new Float32Array(a.lat.length);
      py = new Float32Array(a.lat.length);
      const small = n > 10000;
      ctx.lineWidth = small ? 0.25 : 0.5;
      ctx.strokeStyle = "rgba(31, 41, 51, 0.6)";
      // group by territory so each colour is one path
      const groups = new Map();
      for (let k = 0; k < n; k++) {
        const i = visible[k];
        const p = m.latLngToContainerPoint([a.lat[i], a.lon[i]]);
        px[i] = p.x;
        py[i] = p.y;
        if (p.x < -10 || p.y < -10 || p.x > size.x + 10 || p.y > size.y + 10) continue;
        const t = a.territory[i];
        if (!groups.has(t)) groups.set(t, []);
        groups.get(t).push(i);
      }
      for (const [t, rows] of groups) {
        ctx.fillStyle = colorOf(t);
        ctx.beginPath();
        for (const i of rows) {
          const r = radius[i];
          ctx.moveTo(px[i] + r, py[i]);
          ctx.arc(px[i], py[i], r, 0, 2 * Math.PI);
        }
        ctx.fill();
        ctx.stroke();
      }
      // the editor's selection (window.territorialEditor.marked: 1 per selected row)
      const marked = window.territorialEditor && window.territorialEditor.marked;
      if (marked) {
        ctx.lineWidth = 2;
        ctx.strokeStyle = "#111827";
        ctx.beginPath();
        for (let k = 0; k < n; k++) {
          const i = visible[k];
          if (!marked[i]) continue;
          ctx.moveTo(px[i] + radius[i] + 2, py[i]);
          ctx.arc(px[i], py[i], radius[i] + 2, 0, 2 * Math.PI);
        }
        ctx.stroke();
      }
    },
  });
  map.createPane("points").style.zIndex = 420;
  map.getPane("points").style.pointerEvents = "none";
  let clickedTerritory = null; // set by a shape's click, read by the map's
  let visible = new Int32Array(0); // rows of the accounts shown (filters, focus)
  let radius = new Float32Array(0);
  let px = new Float32Array(0);
  let py = new Float32Array(0);
  const accounts = new PointsLayer().addTo(map);
  const reps = L.featureGroup().addTo(map);
  const heat = L.featureGroup();
  const whiteSpace = L.featureGroup();
  const osm = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "&copy; OpenStreetMap contributors",
  });
  L.control.layers(null, {
    "Territory shapes": shapes,
    "Territory labels": labels,
    "Accounts": accounts,
    "Rep homes": reps,
    "Potential heat": heat,
    "White space": whiteSpace,
    "State outlines": states,
    "OpenStreetMap tiles (online)": osm,
  }, { collapsed: true }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle("error", Boolean(isError));
  }

  async function getJson(url) {
    const response = await fetch(url); // no custom headers: the page's preload is reused
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
    return body;
  }

  let shapeLayers = new Map(); // territory index -> its shape layer
  let focused = null;

  function colorOf(t) {
    return t >= 0 ? data.territories[t].color : data.unassigned_color;
  }

  function accountPopup(i) {
    const a = data.accounts;
    const c = data.categories;
    const t = a.territory[i];
    const terr = t >= 0 ? data.territories[t] : null;
    const where = [a.city[i], a.state[i]].filter(Boolean).join(", ");
    const cat = (name, code) => (code >= 0 ? c[name][code] : "–");
    return `<div class="popup-title">${esc(a.name[i])}</div>` +
      `<div class="popup-row">${esc(a.id[i])}${where ? " · " + esc(where) : ""}</div>` +
      `<div class="popup-row">Territory <b>${esc(terr ? terr.name : "unassigned")}</b>` +
      ` · Rep <b>${esc(terr ? (terr.rep || "vacant") : "none")}</b></div>` +
      `<div class="popup-row">Revenue <b>${money(a.revenue[i])}</b> · Potential <b>${money(a.potential[i])}</b></div>` +
      `<div class="popup-row">Tier <b>${esc(cat("tier", a.tier[i]))}</b> · ${esc(cat("industry", a.industry[i]))}` +
      ` · ${esc(cat("status", a.status[i]))}</div>` +
      `<div class="popup-row">Last visit <b>${esc(a.last_visit[i] || "none recorded")}</b></div>`;
  }

  function repPopup(r) {
    const where = [r.city, r.state].filter(Boolean).join(", ");
    const held = r.territories.length ? r.territories.map((t) => esc(data.territories[t].name)).join(", ") : "none";
    return `<div class="popup-title">${esc(r.name)}</div>` +
      `<div class="popup-row">Rep home${where ? " · " + esc(where) : ""}</div>` +
      `<div class="popup-row">Territories <b>${held}</b></div>`;
  }

  function territoryPopup(t) {
    const terr = data.territories[t];
    return `<div class="popup-title">${esc(terr.name)}</div>` +
      `<div class="popup-row">Rep <b>${esc(terr.rep || "vacant")}</b></div>` +
      `<div class="popup-row">${fmt.format(terr.accounts)} accounts · potential <b>${money(terr.potential)}</b></div>` +
      `<div class="popup-row">Revenue <b>${money(terr.revenue)}</b></div>`;
  }

  // --- filters: segment (industry), tier, rep, status --------------------------------
  function fillSelect(select, values) {
    for (const [value, label] of values) {
      const option = document.createElement("option");
      option.value = String(value);
      option.textContent = label;
      select.appendChild(option);
    }
  }

  function buildFilters() {
    if (!filtersEl) return;
    const c = data.categories;
    fillSelect(filtersEl.elements.industry, c.industry.map((v, k) => [k, v]));
    fillSelect(filtersEl.elements.tier, c.tier.map((v, k) => [k, v]));
    fillSelect(filtersEl.elements.status, c.status.map((v, k) => [k, v]));
    const repNames = new Map();
    for (const terr of data.territories) {
      const key = terr.rep_id || "";
      if (!repNames.has(key)) repNames.set(key, terr.rep || "Vacant");
    }
    fillSelect(filtersEl.elements.rep, [...repNames].sort((a, b) => a[1].localeCompare(b[1])));
    filtersEl.addEventListener("change", applyFilters);
    filtersEl.addEventListener("reset", () => setTimeout(applyFilters, 0));
  }

  function wanted(name) {
    const value = filtersEl ? filtersEl.elements[name].value : "";
    return value === "" ? null : value;
  }

  function applyFilters() {
    const a = data.accounts;
    const industry = wanted("industry");
    const tier = wanted("tier");
    const status = wanted("status");
    const rep = wanted("rep");
    const rows = [];
    for (let i = 0; i < a.id.length; i++) {
      const t = a.territory[i];
      if (industry !== null && String(a.industry[i]) !== industry) continue;
      if (tier !== null && String(a.tier[i]) !== tier) continue;
      if (status !== null && String(a.status[i]) !== status) continue;
      if (rep !== null && (t < 0 || (data.territories[t].rep_id || "") !== rep)) continue;
      if (focused !== null && t !== focused) continue;
      rows.push(i);
    }
    visible = Int32Array.from(rows);
    const shown = rows.length;
    accounts.redraw();
    el.dataset.accounts = String(shown);
    updateStatus(shown);
    return shown;
  }

  // --- focus one territory from the legend ------------------------------------------
  function focus(index) {
    focused = focused === index ? null : index;
    for (const [t, layer] of shapeLayers) {
      const on = focused === null || t === focused;
      layer.setStyle({ fillOpacity: on ? 0.38 : 0.06, opacity: on ? 1 : 0.3 });
    }
    for (const li of legendEl.children) {
      const t = Number(li.dataset.index);
      li.classList.toggle("active", focused !== null && t === focused);
      li.classList.toggle("dim", focused !== null && t !== focused);
    }
    applyFilters();
    if (focused !== null && shapeLayers.has(focused)) {
      map.fitBounds(shapeLayers.get(focused).getBounds(), { padding: [30, 30], maxZoom: 9 });
    }
  }

  // A <span> with ``text`` and one colour property set through CSSOM (the content
  // policy allows no style attribute); Leaflet's divIcon takes the element.
  function coloured(property, color, text) {
    const span = document.createElement("span");
    span.textContent = text;
    span.style[property] = color;
    return span;
  }

  function legendItem(index, color, name, rep, count) {
    const li = document.createElement("li");
    li.dataset.index = String(index);
    li.title = "Show this territory alone (click again for all)";
    li.innerHTML = `<span class="map-swatch"></span>` +
      `<span class="name">${esc(name)}<span class="rep">${esc(rep || "vacant")}</span></span>` +
      `<span class="count">${fmt.format(count)}</span>`;
    li.firstChild.style.background = color;  // CSSOM: the content policy forbids style=
    li.addEventListener("click", () => focus(index));
    return li;
  }

  // --- layers -------------------------------------------------------------------------
  function drawShapes() {
    for (const terr of data.territories) {
      if (!terr.shape) continue;
      const layer = L.geoJSON(terr.shape, {
        renderer: shapeRenderer,
        style: { color: "#ffffff", weight: 1.5, fillColor: terr.color, fillOpacity: 0.38 },
      }).on("click", () => { clickedTerritory = terr.index; }).addTo(shapes);
      shapeLayers.set(terr.index, layer);
      if (terr.label) {
        const [lon, lat] = terr.label;
        L.marker([lat, lon], {
          pane: "labels", interactive: false, keyboard: false,
          icon: L.divIcon({
            className: "map-label",
            html: coloured("borderColor", terr.color, terr.name),
            iconSize: null,
          }),
        }).addTo(labels);
      }
    }
    el.dataset.territories = String(shapeLayers.size);
  }

  function drawAccounts() {
    const a = data.accounts;
    let maxPotential = 1;
    for (const p of a.potential) if (p > maxPotential) maxPotential = p;
    const n = a.id.length;
    const small = n > 10000;
    radius = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      radius[i] = (small ? 1.5 : 2.5) + (small ? 3 : 5) * Math.sqrt((a.potential[i] || 0) / maxPotential);
    }
    map.on("click", (e) => {
      const p = e.containerPoint;
      let best = -1;
      let bestD = Infinity;
      for (let k = 0; map.hasLayer(accounts) && k < visible.length; k++) {
        const i = visible[k];
        const d = Math.hypot(px[i] - p.x, py[i] - p.y);
        if (d <= radius[i] + 3 && d < bestD) {
          best = i;
          bestD = d;
        }
      }
      // the editor takes clicks while it selects
      if (window.territorialEditor && window.territorialEditor.click(best, e)) {
        clickedTerritory = null;
        return;
      }
      // an account under the pointer wins over the territory shape it lies in
      if (best >= 0) {
        L.popup().setLatLng([a.lat[best], a.lon[best]]).setContent(accountPopup(best)).openOn(map);
      } else if (clickedTerritory !== null) {
        L.popup().setLatLng(e.latlng).setContent(territoryPopup(clickedTerritory)).openOn(map);
      }
      clickedTerritory = null;
    });
  }

  function drawReps() {
    for (const r of data.reps) {
      const t = r.territories.length ? r.territories[0] : -1;
      L.marker([r.lat, r.lon], {
        icon: L.divIcon({
          className: "tm-rep",
          html: coloured("background", colorOf(t), ""),
          iconSize: [20, 20], iconAnchor: [10, 10], popupAnchor: [0, -10],
        }),
        title: r.name, zIndexOffset: 1000, keyboard: true,
      }).bindPopup(repPopup(r)).addTo(reps);
    }
  }

  // Sequential YlOrRd (ColorBrewer, 6 classes) by quantiles of the cells' potential.
  const HEAT = ["#ffffb2", "#fed976", "#feb24c", "#fd8d3c", "#f03b20", "#bd0026"];

  function drawHeat() {
    const h = data.heat;
    const sorted = [...h.potential].sort((x, y) => x - y);
    const breaks = [1, 2, 3, 4, 5].map((k) => sorted[Math.floor((sorted.length - 1) * k / 6)]);
    for (let k = 0; k < h.south.length; k++) {
      const p = h.potential[k];
      let cls = 0;
      while (cls < breaks.length && p > breaks[cls]) cls += 1;
      L.rectangle([[h.south[k], h.west[k]], [h.south[k] + h.cell_deg, h.west[k] + h.cell_deg]], {
        renderer: gridRenderer, pane: "grid", weight: 0, fillColor: HEAT[cls], fillOpacity: 0.7,
        interactive: false,
      }).addTo(heat);
    }
  }

  function drawWhiteSpace() {
    const ws = data.white_space;
    for (const c of ws.cells) {
      const [s, w, n, e] = c.bounds;
      L.rectangle([[s, w], [n, e]], {
        renderer: gridRenderer, pane: "grid", color: "#6a3d9a", weight: 1.5, dashArray: "4 3",
        fillColor: "#6a3d9a", fillOpacity: 0.3, interactive: false,
      }).addTo(whiteSpace);
    }
  }

  function updateStatus(shown) {
    const notes = [`${fmt.format(shown)} of ${fmt.format(data.counts.accounts)} accounts`,
      `${fmt.format(data.counts.reps)} rep homes`, `shapes by ${data.by}`];
    if (data.counts.unassigned) notes.push(`${fmt.format(data.counts.unassigned)} unassigned`);
    if (data.counts.unlocated) notes.push(`${fmt.format(data.counts.unlocated)} unlocated, not shown`);
    const ws = data.white_space.cells.length;
    if (ws) notes.push(`${fmt.format(ws)} white-space cells`);
    setStatus(`${data.scenario.name} (${data.scenario.status}): ${notes.join(" · ")}`);
  }

  const timings = {};
  function timed(name, fn) {
    const t0 = performance.now();
    fn();
    timings[name] = Math.round(performance.now() - t0);
  }

  function drawLegend() {
    legendEl.replaceChildren();
    for (const t of data.territories) {
      legendEl.appendChild(legendItem(t.index, t.color, t.name, t.rep, t.accounts));
    }
    if (data.counts.unassigned) {
      legendEl.appendChild(legendItem(-1, data.unassigned_color, "Unassigned", "no territory", data.counts.unassigned));
    }
  }

  // After edits (editor.js): the same scenario's map again; shapes, labels, colours, the
  // legend and rep homes are redrawn, the view and the layers switched on are kept.
  function refresh(body) {
    if (body.accounts.id.length !== data.accounts.id.length) return false;
    shapes.clearLayers();
    labels.clearLayers();
    reps.clearLayers();
    shapeLayers = new Map();
    focused = null;
    data.territories = body.territories;
    data.accounts.territory = body.accounts.territory;
    data.counts = body.counts;
    drawShapes();
    drawReps();
    drawLegend();
    applyFilters();
    return true;
  }

  function draw(body) {
    data = body;
    timings.fetched = Math.round(performance.now());
    timed("shapes", drawShapes);
    timed("accounts", drawAccounts);
    timed("reps", drawReps);
    timed("heat", drawHeat);
    timed("white_space", drawWhiteSpace);
    drawLegend();
    buildFilters();
    if (data.bbox) {
      const [w, s, e, n] = data.bbox;
      map.fitBounds([[s, w], [n, e]], { padding: [20, 20], animate: false });  // ready means placed
    }
    timed("add_accounts", applyFilters);
    for (const r of performance.getEntriesByType("resource")) {
      if (r.name.includes("/api/map")) {
        timings[r.name.includes("states") ? "states" : "api"] =
          [Math.round(r.requestStart), Math.round(r.responseStart), Math.round(r.responseEnd)];
      }
    }
    const nav = performance.getEntriesByType("navigation")[0];
    if (nav) timings.html = [Math.round(nav.responseStart), Math.round(nav.domContentLoadedEventEnd)];
    timings.ready = Math.round(performance.now());
    el.dataset.timings = JSON.stringify(timings);
    el.dataset.ready = "1";
    el.leafletMap = map;  // for pages that link maps (compare: pan and zoom together)
    // For tests and benchmarks: where account i is drawn, in container pixels.
    const api = {
      map,
      data,
      accountPoint: (i) => map.latLngToContainerPoint([data.accounts.lat[i], data.accounts.lon[i]]),
      layersOn: () => ({ heat: map.hasLayer(heat), whiteSpace: map.hasLayer(whiteSpace) }),
      // for the editor: drawn positions of the shown rows, and a redraw after a move
      points: () => ({ px, py, visible }),
      redraw: () => accounts.redraw(),
      refresh,
    };
    el.territorialMap = api;  // for pages with several maps (compare: shared colours)
    if (el.id === "map") window.territorialMap = api;
    el.dispatchEvent(new CustomEvent("map:ready", { bubbles: true }));
  }

  getJson(el.dataset.states)
    .then((outlines) => states.addData(outlines))
    .catch(() => { /* outlines are a nicety; the map works without them */ });
  getJson(el.dataset.src)
    .then(draw)
    .catch((error) => {
      setStatus(`Could not load the map: ${error.message}`, true);
      el.dataset.ready = "error";
    });
}
})();
