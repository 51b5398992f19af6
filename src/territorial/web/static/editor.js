// The scenario editor on the map page (#editor, draft scenarios only): select accounts by
// click, box or lasso, move them to a territory, lock or unlock them, undo and redo. The
// server (/api/scenarios/NAME/...) answers every edit with the new balance and travel;
// the points are recoloured here, the territory shapes on the next load of the map.
// Box and lasso are drawn on an SVG over the map while the map's dragging is off.
(function () {
  "use strict";
  const panel = document.getElementById("editor");
  const mapEl = document.getElementById("map");
  if (!panel || !mapEl) return;
  const name = panel.dataset.scenario;
  const api = `/api/scenarios/${encodeURIComponent(name)}`;
  const moveForm = document.getElementById("editor-move");
  const statusEl = document.getElementById("editor-status");
  const selectionEl = document.getElementById("editor-selection");
  const tableEl = document.getElementById("balance-table");
  const specEl = document.getElementById("editor-spec");
  const contiguityEl = document.getElementById("editor-contiguity");
  const buttons = {
    lock: document.getElementById("editor-lock"),
    unlock: document.getElementById("editor-unlock"),
    undo: document.getElementById("editor-undo"),
    redo: document.getElementById("editor-redo"),
    move: document.getElementById("editor-move-button"),
  };
  const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => (
    { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  const fmt = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

  let tm = null; // window.territorialMap once the map is drawn
  let rowOf = new Map(); // account id -> row of the map's columns
  let mapIndex = []; // editor territory index -> the map's territory index
  let locked = new Set();
  let version = null;
  let tool = "click";
  let busy = false;
  const editor = { marked: null, click: onMapClick };
  window.territorialEditor = editor;

  function setStatus(text, isError) {
    statusEl.textContent = text;
    statusEl.classList.toggle("error", Boolean(isError));
  }

  function selectedRows() {
    const rows = [];
    const m = editor.marked;
    if (!m) return rows;
    for (let i = 0; i < m.length; i++) if (m[i]) rows.push(i);
    return rows;
  }

  function showSelection() {
    const rows = selectedRows();
    const ids = tm ? rows.map((i) => tm.data.accounts.id[i]) : [];
    const held = ids.filter((id) => locked.has(id)).length;
    selectionEl.textContent = rows.length
      ? `${fmt.format(rows.length)} selected` + (held ? ` (${fmt.format(held)} locked)` : "")
      : "No accounts selected. Click accounts, or drag a box or a lasso.";
    panel.dataset.selected = String(rows.length);
    moveForm.elements.accounts.value = ids.join(",");
    if (tm) tm.redraw();
  }

  function clearSelection() {
    if (editor.marked) editor.marked.fill(0);
    showSelection();
  }

  function onMapClick(row) {
    if (!tm) return false;
    if (tool !== "click") return true; // box and lasso: no popups
    if (row < 0) return false; // a click on empty ground still opens the territory popup
    editor.marked[row] = editor.marked[row] ? 0 : 1;
    showSelection();
    return true;
  }

  // --- box and lasso ----------------------------------------------------------------
  const svgNS = "http://www.w3.org/2000/svg";
  const overlay = document.createElementNS(svgNS, "svg");
  overlay.setAttribute("class", "editor-lasso");
  const outline = document.createElementNS(svgNS, "path");
  overlay.appendChild(outline);
  let drawing = null; // points [x, y] in container pixels

  function containerXY(event) {
    const box = mapEl.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  function pathOf(points) {
    if (tool === "box") {
      const [a, b] = [points[0], points[points.length - 1]];
      return `M${a[0]},${a[1]}H${b[0]}V${b[1]}H${a[0]}Z`;
    }
    return "M" + points.map((p) => p.join(",")).join("L") + "Z";
  }

  function inside(x, y, poly) { // ray casting
    let hit = false;
    for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      const [xi, yi] = poly[i];
      const [xj, yj] = poly[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  }

  function selectWithin(points) {
    const { px, py, visible } = tm.points();
    let test;
    if (tool === "box") {
      const [a, b] = [points[0], points[points.length - 1]];
      const [x0, x1] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
      const [y0, y1] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
      test = (x, y) => x >= x0 && x <= x1 && y >= y0 && y <= y1;
    } else {
      if (points.length < 3) return 0;
      test = (x, y) => inside(x, y, points);
    }
    let added = 0;
    for (let k = 0; k < visible.length; k++) {
      const i = visible[k];
      if (!editor.marked[i] && test(px[i], py[i])) {
        editor.marked[i] = 1;
        added += 1;
      }
    }
    return added;
  }

  function startDraw(event) {
    if (tool === "click" || event.button !== 0 || !tm) return;
    if (event.target.closest && event.target.closest(".leaflet-control")) return;
    event.preventDefault();
    event.stopPropagation();
    drawing = [containerXY(event)];
    outline.setAttribute("d", "");
    mapEl.appendChild(overlay);
  }

  function moveDraw(event) {
    if (!drawing) return;
    const p = containerXY(event);
    const last = drawing[drawing.length - 1];
    if (tool === "box") drawing = [drawing[0], p];
    else if (Math.hypot(p[0] - last[0], p[1] - last[1]) >= 3) drawing.push(p);
    outline.setAttribute("d", pathOf(drawing));
  }

  function endDraw(event) {
    if (!drawing) return;
    moveDraw(event);
    const points = drawing;
    drawing = null;
    overlay.remove();
    const added = selectWithin(points);
    showSelection();
    setStatus(`${fmt.format(added)} added to the selection`);
  }

  mapEl.addEventListener("pointerdown", startDraw, true);
  window.addEventListener("pointermove", moveDraw);
  window.addEventListener("pointerup", endDraw);
  window.addEventListener("pointercancel", () => { drawing = null; overlay.remove(); });

  function setTool(value) {
    tool = value;
    mapEl.classList.toggle("selecting", tool !== "click"); // also touch-action: none
    if (!tm) return;
    if (tool === "click") tm.map.dragging.enable();
    else tm.map.dragging.disable();
  }
  for (const radio of panel.querySelectorAll("input[name=editor-tool]")) {
    radio.addEventListener("change", () => setTool(radio.value));
  }
  document.getElementById("editor-clear").addEventListener("click", clearSelection);

  // --- the balance table ------------------------------------------------------------
  function devClass(dev, tol) {
    if (dev === null) return "bad";
    const a = Math.abs(dev);
    return a <= tol + 1e-9 ? "ok" : a <= 2 * tol ? "warn" : "bad";
  }

  function pct(dev) {
    if (dev === null) return "∞";
    const v = dev * 100;
    return (v > 0 ? "+" : "") + v.toFixed(1) + "%";
  }

  function renderBalance(balance, changedTerritories) {
    const ms = balance.measures;
    specEl.textContent = (balance.spec === "designed"
      ? "Tolerances the scenario was designed to: "
      : "No designed tolerances; shown against: ") +
      ms.map((m) => `${m.name} ±${+(m.tolerance * 100).toFixed(2)}%` +
        ` (${m.misses} outside)`).join(", ");
    let html = "<thead><tr><th>Territory</th><th class=num title=\"accounts\">n</th>" +
      ms.map((m) => `<th class=num title="deviation from the mean, ±${+(m.tolerance * 100).toFixed(2)}% allowed">${esc(m.name)}</th>`).join("") +
      "<th class=num title='mean km from the accounts to the rep&#39;s home'>Travel km</th></tr></thead><tbody>";
    for (const t of balance.territories) {
      const changed = changedTerritories && changedTerritories.has(t.index);
      html += `<tr data-territory="${esc(t.name)}"${changed ? " class=changed" : ""}>` +
        `<td title="${esc(t.rep || "vacant")}">${esc(t.name)}</td>` +
        `<td class=num>${fmt.format(t.accounts)}</td>` +
        t.deviations.map((d, m) => `<td class="num ${devClass(d, ms[m].tolerance)}" data-measure="${esc(ms[m].name)}">${pct(d)}</td>`).join("") +
        `<td class=num>${t.travel_km === null ? "–" : t.travel_km.toFixed(1)}</td></tr>`;
    }
    tableEl.innerHTML = html + "</tbody>";
  }

  function renderContiguity(c) {
    if (!c || (!c.broken.length && !Object.keys(c.split).length)) {
      contiguityEl.hidden = true;
      contiguityEl.textContent = "";
      return;
    }
    const split = Object.entries(c.split).map(([n, k]) => `${n} (${k} pieces)`).join(", ");
    contiguityEl.hidden = false;
    contiguityEl.textContent = (c.broken.length
      ? `This move breaks the contiguity of ${c.broken.join(", ")} (by ${c.by}). `
      : "") + (split ? `Not contiguous: ${split}.` : "");
  }

  function renderCounts(state) {
    buttons.undo.disabled = !state.can_undo;
    buttons.redo.disabled = !state.can_redo;
    buttons.undo.textContent = state.can_undo ? `Undo (${state.can_undo})` : "Undo";
    buttons.redo.textContent = state.can_redo ? `Redo (${state.can_redo})` : "Redo";
    version = state.version;
    moveForm.elements.expect_version.value = String(version);
    panel.dataset.version = String(version);
  }

  // --- talking to the server --------------------------------------------------------
  async function post(path, fields) {
    const body = new URLSearchParams(fields);
    if (version !== null) body.set("expect_version", String(version));
    const response = await fetch(api + path, {
      method: "POST", body, headers: { "X-CSRF-Token": window.territorialCsrf || "" },
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
    return data;
  }

  function applyResult(result) {
    const a = tm.data.accounts;
    const touched = new Set();
    result.changed.accounts.forEach((id, k) => {
      const row = rowOf.get(id);
      const t = result.changed.territory[k];
      if (row !== undefined) {
        if (a.territory[row] >= 0) touched.add(a.territory[row]);
        a.territory[row] = t >= 0 ? mapIndex[t] : -1;
      }
      if (result.changed.locked[k]) locked.add(id);
      else locked.delete(id);
    });
    const editorTouched = new Set(result.changed.territory.filter((t) => t >= 0));
    for (const t of result.balance.territories) {
      if (touched.has(mapIndex[t.index])) editorTouched.add(t.index);
    }
    renderBalance(result.balance, editorTouched);
    renderContiguity(result.contiguity);
    renderCounts(result);
    tm.redraw();
    panel.dataset.edits = String((Number(panel.dataset.edits) || 0) + 1);
    scheduleRefresh();
  }

  // Territory shapes follow the points a moment after the last edit (the server computes
  // them again: seconds at 50,000 accounts); a refresh overtaken by an edit is dropped.
  let refreshTimer = null;
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(async () => {
      const asked = panel.dataset.edits;
      try {
        const response = await fetch(mapEl.dataset.src, { cache: "no-store" });
        if (!response.ok) return;
        const body = await response.json();
        if (panel.dataset.edits !== asked || busy) return;
        if (tm.refresh(body)) panel.dataset.shapes = asked;
      } catch (error) {
        /* the points are already right; the shapes catch up on the next edit or reload */
      }
    }, 600);
  }

  async function act(label, path, fields, clear) {
    if (busy) return;
    busy = true;
    setStatus(`${label}…`);
    const t0 = performance.now();
    try {
      const result = await post(path, fields);
      applyResult(result);
      if (clear) clearSelection();
      else showSelection();
      setStatus(`${result.message[0].toUpperCase()}${result.message.slice(1)} (${Math.round(performance.now() - t0)} ms)`);
    } catch (error) {
      setStatus(error.message, true);
    } finally {
      busy = false;
    }
  }

  // One form for every action (it also works without scripts): the button pressed says
  // which; here it goes to the JSON API instead and the page stays.
  moveForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const button = event.submitter || buttons.move;
    const territory = moveForm.elements.territory.value;
    const accounts = moveForm.elements.accounts.value.trim();
    if (button === buttons.undo) return act("Undoing", "/undo", {}, false);
    if (button === buttons.redo) return act("Redoing", "/redo", {}, false);
    if (!accounts) return setStatus("Select accounts first.", true);
    if (button === buttons.lock) return act("Locking", "/locks", { accounts, locked: "true" }, false);
    if (button === buttons.unlock) return act("Unlocking", "/locks", { accounts, locked: "false" }, false);
    if (!territory) return setStatus("Choose the territory to move them to.", true);
    return act("Moving", "/moves", { accounts, territory }, true);
  });
  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.target.closest("input, select, textarea")) return;
    const key = event.key.toLowerCase();
    const press = (b) => { event.preventDefault(); if (!b.disabled) moveForm.requestSubmit(b); };
    if (key === "z" && !event.shiftKey) press(buttons.undo);
    if (key === "y" || (key === "z" && event.shiftKey)) press(buttons.redo);
  });

  async function start() {
    tm = window.territorialMap;
    const ids = panel.querySelector("details.editor-ids");
    if (ids) ids.open = false; // open for the no-script form; the selection fills it here
    const a = tm.data.accounts;
    editor.marked = new Uint8Array(a.id.length);
    rowOf = new Map(a.id.map((id, i) => [id, i]));
    setTool(tool);
    try {
      const response = await fetch(`${api}/editor`);
      const state = await response.json();
      if (!response.ok) throw new Error(state.error || response.statusText);
      const byName = new Map(tm.data.territories.map((t) => [t.name, t.index]));
      mapIndex = state.territories.map((n) => (byName.has(n) ? byName.get(n) : -1));
      const select = moveForm.elements.territory;
      select.length = 1;
      for (const n of state.movable || state.territories) {
        const option = document.createElement("option");
        option.value = n;
        option.textContent = n;
        select.appendChild(option);
      }
      locked = new Set(state.locked);
      renderBalance(state.balance, null);
      renderContiguity(state.contiguity);
      renderCounts(state);
      if (!state.editable) {
        for (const b of Object.values(buttons)) b.disabled = true;
        setStatus(state.reason, true);
      }
      panel.dataset.ready = "1";
    } catch (error) {
      setStatus(`Could not load the editor: ${error.message}`, true);
      panel.dataset.ready = "error";
    }
  }

  if (mapEl.dataset.ready === "1" && window.territorialMap) start();
  else mapEl.addEventListener("map:ready", start, { once: true });
})();
