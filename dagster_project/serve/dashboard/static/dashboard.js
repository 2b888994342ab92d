// Draws the pages' charts with the Plotly bundled in the server (no CDN): every element with
// data-chart="<name>" gets the series of that name from the page's chart-data JSON.
(function () {
  "use strict";
  var LABELS = {
    dau: "Daily active", wau: "Weekly active", mau: "Monthly active", chats: "Chats",
    projects_created: "Projects", artifacts_created: "Artifacts", active_users: "Active users",
    sessions: "Sessions", lines_added: "Lines added", lines_removed: "Lines removed", commits: "Commits",
    pull_requests: "Pull requests", tool_accept_rate: "Accept rate", estimated_cost_usd: "Cost (USD)",
    spend_usd: "Spend (USD)", spend_to_date: "Spent so far", forecast: "Forecast"
  };
  // Plotly reads tags (<a>, <b>, <br>) in category labels; a model id from the raw data is shown
  // as the text it is, so its markup characters go in as entities, which Plotly draws as such.
  function plain(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  // "claude-sonnet-4-5" on two lines, "claude-" above: a bar's label fits under its bar
  function wrapName(name) {
    return String(name).replace(/^([a-z]+)-/, "$1-<br>");
  }
  function draw() {
    var source = document.getElementById("chart-data");
    var data = source ? JSON.parse(source.textContent || "{}") : {};
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var series = data[el.getAttribute("data-chart")];
      // data-chart-state says when a chart is done (the browser tests and make bench-api wait for it)
      if (!series || !window.Plotly) { el.setAttribute("data-chart-state", "empty"); return; }
      var bar = series.kind === "bar";
      var traces = Object.keys(series).filter(function (k) { return k !== "x" && k !== "kind"; }).map(function (k) {
        var trace = { x: bar ? series.x.map(plain) : series.x, y: series[k].map(function (v) { return v === null ? null : Number(v); }),
                      name: LABELS[k] || k, type: bar ? "bar" : "scatter", mode: "lines+markers" };
        if (k === "forecast") { trace.line = { dash: "dot" }; }
        return trace;
      });
      var percent = Object.keys(series).indexOf("tool_accept_rate") >= 0;
      window.Plotly.newPlot(el, traces, {
        // the legend above the plot and margins that grow to fit the axes' labels: on a phone the
        // year under a date and a model's name stay whole
        margin: { l: 48, r: 12, t: 8, b: 36 }, legend: { orientation: "h", x: 0, y: 1.02, yanchor: "bottom" },
        yaxis: { rangemode: "tozero", tickformat: percent ? ".0%" : ",~r", automargin: true },
        xaxis: bar ? { type: "category", automargin: true, tickangle: 0, tickvals: traces[0].x, ticktext: traces[0].x.map(wrapName) }
                   : { type: "date", automargin: true },
        showlegend: !bar
      }, { displayModeBar: false, responsive: true }).then(function () {
        el.setAttribute("data-chart-state", "drawn");
      });
      numbers(el, series, traces);
    });
  }
  // every chart's numbers as a table under it, folded (reachable by keyboard and screen readers)
  function numbers(el, series, traces) {
    var details = document.createElement("details");
    details.className = "chart-numbers";
    var summary = document.createElement("summary");
    summary.textContent = "The numbers";
    var table = document.createElement("table");
    var head = table.createTHead().insertRow();
    [series.kind === "bar" ? "Model" : "Day"].concat(traces.map(function (t) { return t.name; })).forEach(function (text) {
      var th = document.createElement("th"); th.scope = "col"; th.textContent = text; head.appendChild(th);
    });
    var body = table.createTBody();
    series.x.forEach(function (x, i) {
      var row = body.insertRow();
      row.insertCell().textContent = x;
      traces.forEach(function (t) {
        var cell = row.insertCell(); cell.className = "num";
        cell.textContent = t.y[i] === null ? "–" : t.y[i].toLocaleString("en-US", { maximumFractionDigits: 2 });
      });
    });
    details.appendChild(summary); details.appendChild(table);
    el.insertAdjacentElement("afterend", details);
  }
  // a top-10's period selector shows that period's table (every period is on the page already)
  function periods() {
    document.querySelectorAll("[data-period-select]").forEach(function (select) {
      var board = select.closest("[data-board]");
      select.addEventListener("change", function () {
        board.querySelectorAll("[data-period]").forEach(function (table) {
          table.hidden = table.getAttribute("data-period") !== select.value;
        });
        board.setAttribute("data-window", select.value);
        // a chart drawn while hidden has no width: size it now that it shows
        board.querySelectorAll("[data-period]:not([hidden]) [data-chart]").forEach(function (chart) {
          if (window.Plotly && chart.classList.contains("js-plotly-plot")) { window.Plotly.Plots.resize(chart); }
        });
      });
    });
  }
  function start() { periods(); draw(); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
