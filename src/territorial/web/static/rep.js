// The rep view: register the offline copy, say whether the data is live, draw the map.
(function () {
  "use strict";
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/me/sw.js", { scope: "/me" }).catch(function () {});
  }
  const status = document.getElementById("me-connection");
  function showConnection() {
    if (!status) return;
    status.hidden = navigator.onLine;
  }
  window.addEventListener("online", showConnection);
  window.addEventListener("offline", showConnection);
  showConnection();

  const source = document.getElementById("me-map-data");
  const el = document.getElementById("me-map");
  if (!source || !el || typeof L === "undefined") return;
  const data = JSON.parse(source.textContent);
  const map = L.map(el, { zoomSnap: 0.25, attributionControl: false });
  const colours = { A: "#c0392b", B: "#e67e22", C: "#7f8c8d" };
  const bounds = [];
  data.accounts.forEach(function (a) {
    const label = document.createElement("a");  // text, never HTML: names are user data
    label.href = "/me/accounts/" + encodeURIComponent(a.id);
    label.textContent = a.name + " (" + a.tier + ")";
    L.circleMarker([a.lat, a.lon], {
      radius: a.tier === "A" ? 7 : 5, color: "#fff", weight: 1,
      fillColor: colours[a.tier] || "#555", fillOpacity: 0.9,
    }).bindPopup(label).addTo(map);
    bounds.push([a.lat, a.lon]);
  });
  if (data.home && data.home[0] !== null) {
    L.marker(data.home, { title: "Home" }).addTo(map);
    bounds.push(data.home);
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [16, 16], animate: false });
  fetch("/api/map/states")  // state outlines under the accounts (kept offline like the page)
    .then((response) => (response.ok ? response.json() : null))
    .then((outlines) => {
      if (!outlines) return;
      L.geoJSON(outlines, {
        interactive: false, style: { color: "#94a3b8", weight: 1, fill: true, fillColor: "#f8fafc", fillOpacity: 1 },
      }).addTo(map).bringToBack();
    })
    .catch(() => { /* outlines are a nicety; the map works without them */ });
  el.setAttribute("data-ready", "1");
})();
