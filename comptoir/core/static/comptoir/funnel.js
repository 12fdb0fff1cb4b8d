// The analytics charts, from the figures already on the page (no request): the chosen dimension's
// conversion (or the funnel when the dimension is the stage), and the funnel below it.
(function () {
  if (typeof Chart === "undefined") return;
  const draw = (canvasId, dataId, color) => {
    const canvas = document.getElementById(canvasId);
    const source = document.getElementById(dataId);
    if (!canvas || !source) return;
    const data = JSON.parse(source.textContent);
    const percent = data.kind === "conversion";
    // A bar for every group, each tall enough for its label, whatever the chart's width (above the table
    // on a laptop, beside it on a wide screen).
    const box = canvas.closest(".chart-box");
    if (box) box.style.height = Math.max(140, 22 * data.labels.length + 48) + "px";
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: [{ data: data.values, backgroundColor: color }] },
      options: {
        indexAxis: "y",
        maintainAspectRatio: !box,
        plugins: { legend: { display: false } },
        scales: { x: percent ? { beginAtZero: true, max: 100, ticks: { callback: (v) => v + " %" } }
                             : { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  };
  draw("conversion-chart", "conversion-data", "#1d7a3a");
  draw("funnel", "funnel-data", "#0b5cad");
})();
