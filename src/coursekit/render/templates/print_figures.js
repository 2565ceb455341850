/* Printing: a plot drawn for a wide screen is scaled down to the printed column (180 mm, the
   text width of A4 and of Letter with 15 mm margins) and back after printing. CSS zoom applies
   at once, where a plotly redraw would finish after the page was printed. */
(function () {
  var column = 180 * 96 / 25.4;
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll(".ck-plot").forEach(function (plot) {
      var width = plot.scrollWidth;
      plot.style.zoom = width > column ? String(column / width) : "";
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll(".ck-plot").forEach(function (plot) { plot.style.zoom = ""; });
  });
})();
