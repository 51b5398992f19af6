/* Territorial: click a column header of a table.cy-sortable to sort it (again: reverse).
   Numeric columns (th[data-sort="num"]) sort on the cells' data-value. No dependencies. */
(function () {
  "use strict";

  function cellKey(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) return numeric ? -Infinity : "";
    if (numeric) {
      var raw = cell.getAttribute("data-value");
      var value = raw === null || raw === "" ? NaN : Number(raw);
      return isNaN(value) ? -Infinity : value;
    }
    return (cell.textContent || "").trim().toLowerCase();
  }

  function sortBy(table, th, index) {
    var numeric = th.getAttribute("data-sort") === "num";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).filter(function (r) {
      return !r.querySelector("td.empty");
    });
    var keyed = rows.map(function (row, i) { return [cellKey(row, index, numeric), i, row]; });
    keyed.sort(function (x, y) {
      var order = x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1];
      return ascending ? order : -order;
    });
    var fragment = document.createDocumentFragment();
    keyed.forEach(function (k) { fragment.appendChild(k[2]); });
    body.appendChild(fragment);
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function setUp(table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      if (!th.hasAttribute("data-sort")) return;
      th.tabIndex = 0;
      th.classList.add("cy-sort");
      th.title = "Sort";
      th.addEventListener("click", function () { sortBy(table, th, index); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, th, index); }
      });
    });
  }

  document.querySelectorAll("table.cy-sortable").forEach(setUp);
})();
