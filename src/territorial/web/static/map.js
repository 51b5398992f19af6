// The scenario map: accounts coloured by territory, rep homes, state outlines; no tiles.
// Data: the GeoJSON twin named by #map[data-src] and the outlines at #map[data-states].
// When drawn, #map gets data-ready="1" and data-accounts="<markers drawn>" (used by tests).
(function () {
  "use strict";
  const el = document.getElementById("map");
  const statusEl = document.getElementById("map-status");
  const legendEl = document.getElementById("legend");
  if (!el || typeof L === "undefined") {
    if (statusEl) {
      statusEl.textContent = "The map library is missing: run `npm ci && python scripts/build_assets.py`.";
      statusEl.classList.add("error");
    }
    return;
  }

  const fmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));

  const map = L.map(el, { zoomSnap: 0.25, minZoom: 2, worldCopyJump: true });
  map.setView([39.5, -97], 4);
  map.attributionControl.setPrefix(false);
  map.createPane("outlines").style.zIndex = 350;

  const states = L.geoJSON(null, {
    pane: "outlines",
    interactive: false,
    style: { color: "#9aa8b7", weight: 1, fillColor: "#ffffff", fillOpacity: 1 },
    attribution: "US states: Census Bureau via us-atlas",
  }).addTo(map);
  const accounts = L.featureGroup().addTo(map);
  const reps = L.featureGroup().addTo(map);
  const osm = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "&copy; OpenStreetMap contributors",
  });
  L.control.layers(null, {
    "Accounts": accounts,
    "Rep homes": reps,
    "State outlines": states,
    "OpenStreetMap tiles (online)": osm,
  }, { collapsed: true }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle("error", Boolean(isError));
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
    return body;
  }

  function accountPopup(p) {
    const where = [p.city, p.state].filter(Boolean).join(", ");
    return `<div class="popup-title">${esc(p.name)}</div>` +
      `<div class="popup-row">${esc(p.id)}${where ? " · " + esc(where) : ""}</div>` +
      `<div class="popup-row">Potential <b>${p.potential == null ? "–" : fmt.format(p.potential)}</b></div>` +
      `<div class="popup-row">Territory <b>${esc(p.territory || "unassigned")}</b></div>`;
  }

  function repPopup(p) {
    const where = [p.city, p.state].filter(Boolean).join(", ");
    const held = p.territories.length ? p.territories.map(esc).join(", ") : "none";
    return `<div class="popup-title">${esc(p.name)}</div>` +
      `<div class="popup-row">Rep home${where ? " · " + esc(where) : ""}</div>` +
      `<div class="popup-row">Territories <b>${held}</b></div>`;
  }

  // Territory index -> its markers, for the legend's "show this one alone".
  const byTerritory = new Map();
  let focused = null;

  function focus(index) {
    focused = focused === index ? null : index;
    for (const [t, layers] of byTerritory) {
      const visible = focused === null || t === focused;
      for (const layer of layers) {
        if (layer.setStyle) layer.setStyle({ opacity: visible ? 1 : 0.15, fillOpacity: visible ? 0.85 : 0.08 });
        else layer.setOpacity(visible ? 1 : 0.2);
      }
    }
    for (const li of legendEl.children) {
      const t = Number(li.dataset.index);
      li.classList.toggle("active", focused !== null && t === focused);
      li.classList.toggle("dim", focused !== null && t !== focused);
    }
    if (focused !== null && byTerritory.has(focused)) {
      const group = L.featureGroup(byTerritory.get(focused).filter((l) => l.getLatLng));
      if (group.getLayers().length) map.fitBounds(group.getBounds(), { padding: [30, 30], maxZoom: 9 });
    }
  }

  function legendItem(index, color, name, rep, count) {
    const li = document.createElement("li");
    li.dataset.index = String(index);
    li.title = "Show this territory alone (click again for all)";
    li.innerHTML = `<span class="dot" style="background:${esc(color)}"></span>` +
      `<span class="name">${esc(name)}<span class="rep">${esc(rep || "vacant")}</span></span>` +
      `<span class="count">${fmt.format(count)}</span>`;
    li.addEventListener("click", () => focus(index));
    return li;
  }

  function draw(data) {
    const maxPotential = Math.max(1, ...data.features
      .filter((f) => f.properties.kind === "account")
      .map((f) => f.properties.potential || 0));
    let drawn = 0;
    for (const feature of data.features) {
      const p = feature.properties;
      const [lon, lat] = feature.geometry.coordinates;
      let layer;
      if (p.kind === "account") {
        layer = L.circleMarker([lat, lon], {
          radius: 3 + 5 * Math.sqrt((p.potential || 0) / maxPotential),
          color: "#1f2933", weight: 0.5, opacity: 1,
          fillColor: p["marker-color"], fillOpacity: 0.85,
          className: "tm-account",
        }).bindPopup(accountPopup(p)).addTo(accounts);
        drawn += 1;
      } else {
        layer = L.marker([lat, lon], {
          icon: L.divIcon({
            className: "tm-rep",
            html: `<span style="background:${esc(p["marker-color"])}"></span>`,
            iconSize: [20, 20], iconAnchor: [10, 10], popupAnchor: [0, -10],
          }),
          title: p.name, zIndexOffset: 1000, keyboard: true,
        }).bindPopup(repPopup(p)).addTo(reps);
      }
      const t = p.territory_index;
      if (!byTerritory.has(t)) byTerritory.set(t, []);
      byTerritory.get(t).push(layer);
    }
    legendEl.replaceChildren();
    for (const t of data.territories) {
      legendEl.appendChild(legendItem(t.index, t.color, t.name, t.rep, t.accounts));
    }
    if (data.counts.unassigned) {
      legendEl.appendChild(legendItem(-1, data.unassigned_color, "Unassigned", "no territory", data.counts.unassigned));
    }
    if (data.bbox) {
      const [w, s, e, n] = data.bbox;
      map.fitBounds([[s, w], [n, e]], { padding: [20, 20] });
    }
    const notes = [`${fmt.format(drawn)} accounts`, `${fmt.format(data.counts.reps)} rep homes`];
    if (data.counts.unassigned) notes.push(`${fmt.format(data.counts.unassigned)} unassigned`);
    if (data.counts.unlocated) notes.push(`${fmt.format(data.counts.unlocated)} unlocated, not shown`);
    setStatus(`${data.scenario.name} (${data.scenario.status}): ${notes.join(" · ")}`);
    el.dataset.accounts = String(drawn);
    el.dataset.ready = "1";
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
})();
