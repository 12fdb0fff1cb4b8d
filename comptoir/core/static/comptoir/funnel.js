// The funnel: how many opportunities reached each stage (data from the page, no request).
(function () {
  const canvas = document.getElementById("funnel");
  const source = document.getElementById("funnel-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ data: data.reached, backgroundColor: "#0b5cad" }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true } } },
  });
})();
