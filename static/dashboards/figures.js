// The figures page's monthly chart (ECharts), drawn from the month table's data-* attributes;
// the table stays the figures' source, with or without JavaScript.
window.addEventListener("load", function () {
  var box = document.getElementById("monthly-chart");
  if (!box || !window.echarts) { if (box) box.remove(); return; }
  var rows = [].slice.call(document.querySelectorAll("tr[data-month]"));
  if (!rows.length) { box.remove(); return; }
  var chart = echarts.init(box);
  chart.setOption({
    animation: false, tooltip: {}, legend: {},
    xAxis: {type: "category", data: rows.map(function (r) { return r.dataset.month; })},
    yAxis: {type: "value"},
    series: [
      {name: box.dataset.collectedLabel, type: "bar", data: rows.map(function (r) { return +r.dataset.collected; })},
      {name: box.dataset.respondedLabel, type: "bar", data: rows.map(function (r) { return +r.dataset.responded; })}
    ]
  });
});
