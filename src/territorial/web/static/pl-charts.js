/* Draw every <canvas data-pl-chart="ID"> with the Chart.js config in <script id="ID">.
   Number formats cannot travel in JSON, so a config's "pl_format" names them per axis:
   "money" (1.2M, 950k) or "pct" (85%). Each drawn canvas gets data-ready="1". */
(function () {
  "use strict";

  function compact(value) {
    var size = Math.abs(value);
    if (size >= 1e9) return (value / 1e9).toFixed(1) + "B";
    if (size >= 1e6) return (value / 1e6).toFixed(1) + "M";
    if (size >= 1e3) return (value / 1e3).toFixed(0) + "k";
    return String(Math.round(value));
  }

  var FORMATS = {
    money: compact,
    pct: function (value) { return Math.round(value) + "%"; }
  };

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-pl-chart"));
    if (!source || typeof Chart === "undefined") return;
    var box = canvas.parentNode;
    if (box && box.dataset && box.dataset.height) {  /* CSSOM: the policy forbids style= */
      box.style.height = Number(box.dataset.height) + "px";
    }
    var config = JSON.parse(source.textContent);
    var formats = config.pl_format || {};
    delete config.pl_format;
    config.options = config.options || {};
    config.options.animation = false;
    config.options.responsive = true;
    config.options.maintainAspectRatio = false;
    config.options.scales = config.options.scales || {};
    Object.keys(formats).forEach(function (axis) {
      var format = FORMATS[formats[axis]];
      if (!format) return;
      var scale = config.options.scales[axis] = config.options.scales[axis] || {};
      scale.ticks = scale.ticks || {};
      scale.ticks.callback = function (value) { return format(value); };
    });
    var valueAxis = config.options.indexAxis === "y" ? "x" : "y";
    var tipFormat = FORMATS[formats[valueAxis]];
    if (tipFormat) {
      config.options.plugins = config.options.plugins || {};
      config.options.plugins.tooltip = {
        callbacks: {
          label: function (ctx) {
            var v = ctx.parsed[valueAxis];
            return ctx.dataset.label + ": " + (v === null ? "n/a" : tipFormat(v));
          }
        }
      };
    }
    var legend = config.options.plugins && config.options.plugins.legend;
    if (legend && legend.position === "right" && window.innerWidth < 700) {
      legend.position = "bottom";  /* a phone: keep the width for the bars */
    }
    new Chart(canvas, config);
    canvas.setAttribute("data-ready", "1");
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-pl-chart]:not([data-ready])").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(); });
  } else {
    drawAll();
  }
  document.addEventListener("htmx:afterSwap", function (e) { drawAll(e.target); });
})();
