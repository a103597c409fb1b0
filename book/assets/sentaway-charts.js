// Draws every chart on the page from the JSON spec the page carries, with the site's own Vega.
(function () {
  function draw() {
    document.querySelectorAll("figure.sa-chart").forEach(function (figure) {
      var view = figure.querySelector(".sa-chart-view");
      var spec = JSON.parse(figure.querySelector("script.sa-spec").textContent);
      // ast + expressionInterpreter: no eval(), so the pages' Content-Security-Policy can forbid it.
      // Specs arrive compiled to Vega at build time (sentaway/present/charts.py), so no Vega-Lite in the page.
      var options = { mode: "vega", actions: false, renderer: "svg", ast: true, expr: vega.expressionInterpreter };
      vegaEmbed(view, spec, options).then(function () {
        figure.classList.add("sa-drawn");
      }).catch(function (error) {
        view.textContent = "This chart could not be drawn (" + error + "). The data table below holds its figures.";
        console.error(error);
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
