// The compare page's two maps pan and zoom together, so the same place is side by side,
// and a territory in both scenarios has the left map's colour on the right one too (each
// map's own colouring would give the same territory different colours).
(function () {
  "use strict";
  const els = Array.from(document.querySelectorAll(".cy-maps div.map"));
  let ready = 0;
  let syncing = false;
  function link() {
    const maps = els.map((el) => el.leafletMap);
    maps.forEach((source, i) => {
      source.on("move", () => {
        if (syncing) return;
        syncing = true;
        maps.forEach((target, j) => {
          if (j !== i) target.setView(source.getCenter(), source.getZoom(), { animate: false });
        });
        syncing = false;
      });
    });
    maps[1].setView(maps[0].getCenter(), maps[0].getZoom(), { animate: false });
    const [left, right] = els.map((el) => el.territorialMap);
    const colourOf = new Map(left.data.territories.map((t) => [t.name, t.color]));
    right.refresh({
      ...right.data,
      territories: right.data.territories.map((t) => (
        colourOf.has(t.name) ? { ...t, color: colourOf.get(t.name) } : t)),
    });
    document.querySelector(".cy-maps").dataset.ready = "1";
  }
  els.forEach((el) => el.addEventListener("map:ready", () => {
    ready += 1;
    if (ready === els.length) link();
  }));
})();
