// Renders every <div data-chart="ID"> with the ECharts option found in <script type="application/json" id="ID">.
// Options come from the server (json_script), so no inline script is needed and the CSP stays nonce-only.
(function () {
  function render(element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || !window.echarts) return;
    const chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(JSON.parse(source.textContent));
    window.addEventListener("resize", () => chart.resize());
  }
  function renderAll(root) {
    root.querySelectorAll("[data-chart]").forEach(render);
  }
  document.addEventListener("DOMContentLoaded", () => renderAll(document));
  document.addEventListener("htmx:afterSwap", (event) => renderAll(event.target));
})();
