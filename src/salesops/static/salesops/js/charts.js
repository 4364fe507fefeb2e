// Renders every <div data-chart="ID"> with the ECharts option found in <script type="application/json" id="ID">.
// Options come from the server (json_script), so no inline script is needed and the CSP stays nonce-only.
// A series with `links` (one URL per data point) opens the clicked point's URL: the drill-down to documents.
(function () {
  function render(element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || !window.echarts || window.echarts.getInstanceByDom(element)) return;
    const option = JSON.parse(source.textContent);
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option);
    chart.on("click", (params) => {
      const series = option.series && option.series[params.seriesIndex];
      const link = series && series.links && series.links[params.dataIndex];
      if (link) window.location.assign(link);
    });
    window.addEventListener("resize", () => chart.resize());
  }
  function renderAll(root) {
    root.querySelectorAll("[data-chart]").forEach(render);
  }
  document.addEventListener("DOMContentLoaded", () => renderAll(document));
  // After htmx replaces part of a page (a live dashboard refreshing itself), draw the charts that are new.
  document.addEventListener("htmx:afterSettle", () => renderAll(document));
})();
