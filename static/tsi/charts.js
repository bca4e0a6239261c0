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

  // Charts that pan with a drag and zoom with the wheel (long time axes, the sky).
  var SCROLL_ZOOM = "#chart-timeline, #chart-hourglass, #chart-windows";

  /* A point whose customdata is a site path (or an array starting with one) opens it when
     clicked: how chart points link to their block page. */
  function openLink(event) {
    var point = event && event.points && event.points[0];
    var data = point ? point.customdata : null;
    var url = Array.isArray(data) ? data[0] : data;
    if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") {
      window.location.assign(url);
    }
  }

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
      scrollZoom: target.closest(SCROLL_ZOOM) !== null,
      toImageButtonOptions: Object.assign({}, CONFIG.toImageButtonOptions, {
        filename: script.dataset.target.replace(/^plot-/, "")
      })
    });
    Plotly.newPlot(target, figure.data || [], figure.layout || {}, config).then(function () {
      target.on("plotly_click", openLink);
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
