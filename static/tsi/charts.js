/* Draws every figure embedded in the page as <script type="application/json" class="plotly-figure">
   into the element named by its data-target attribute. No inline script is needed, so the pages
   work under a Content-Security-Policy without 'unsafe-inline'. */
(function () {
  "use strict";

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };

  function draw(script) {
    var target = document.getElementById(script.dataset.target);
    if (!target || typeof Plotly === "undefined") {
      return;
    }
    var figure;
    try {
      figure = JSON.parse(script.textContent);
    } catch (error) {
      target.textContent = "This chart could not be read.";
      return;
    }
    var config = Object.assign({}, CONFIG, {
      scrollZoom: target.closest("#chart-timeline") !== null,
      toImageButtonOptions: Object.assign({}, CONFIG.toImageButtonOptions, {
        filename: script.dataset.target.replace(/^plot-/, "")
      })
    });
    Plotly.newPlot(target, figure.data || [], figure.layout || {}, config).then(function () {
      target.classList.add("plotly-chart-ready");
    });
  }

  function drawAll() {
    document.querySelectorAll("script.plotly-figure").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
