// The dashboard's charts (Apache ECharts, vendored: echarts.min.js), drawn
// from the JSON API's figures — the same figures as the tables beside them,
// which are the page without JavaScript. Each chart is kept in
// window.wubuCharts under its element's id; data-ready="1" marks it drawn.
(function () {
	"use strict";
	window.wubuCharts = {};

	// objectOf returns the object of a promise metric: promise.order.arrival → order.
	function objectOf(metric) { return metric.split(".")[1]; }

	// trend draws the share of promises kept per kind of object and period.
	function trend(figures, labels) {
		var days = [], by = {};
		figures.forEach(function (f) {
			if (days.indexOf(f.day) < 0) { days.push(f.day); }
			var o = objectOf(f.metric);
			by[o] = by[o] || {};
			var s = by[o][f.day] = by[o][f.day] || { n: 0, kept: 0 };
			s.n += f.n;
			s.kept += f.total;
		});
		days.sort();
		var series = Object.keys(by).sort().map(function (o) {
			return {
				name: labels[o] || o, type: "line", connectNulls: true,
				data: days.map(function (d) {
					var s = by[o][d];
					return s && s.n ? Math.round(s.kept * 1000 / s.n) / 10 : null;
				})
			};
		});
		return {
			tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
			legend: { type: "scroll", top: 0 },
			grid: { left: 8, right: 16, bottom: 8, top: 40, containLabel: true },
			xAxis: { type: "category", data: days },
			yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
			series: series
		};
	}

	// times draws the distribution of durations over the buckets.
	function times(figures, labels, buckets) {
		var series = figures.filter(function (f) { return f.buckets; }).map(function (f) {
			return { name: labels[f.metric] || f.metric, type: "bar", data: f.buckets.slice() };
		});
		return {
			tooltip: { trigger: "axis" },
			legend: { top: 0 },
			grid: { left: 8, right: 16, bottom: 8, top: 40, containLabel: true },
			xAxis: { type: "category", data: buckets, axisLabel: { interval: 0, rotate: 30 } },
			yAxis: { type: "value", minInterval: 1 },
			series: series
		};
	}

	function draw(el) {
		fetch(el.dataset.src, { credentials: "same-origin", headers: { "Accept": "application/json" } })
			.then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
			.then(function (res) {
				var labels = JSON.parse(el.dataset.labels || "{}");
				var opt = el.dataset.chart === "trend" ? trend(res.figures || [], labels)
					: times(res.figures || [], labels, JSON.parse(el.dataset.buckets || "[]"));
				var chart = echarts.init(el, null, { renderer: "canvas" });
				chart.setOption(opt);
				window.wubuCharts[el.id] = chart;
				window.addEventListener("resize", function () { chart.resize(); });
				el.dataset.ready = "1";
			})
			.catch(function () { el.hidden = true; });
	}

	function start() {
		if (!window.echarts) { return; }
		document.querySelectorAll("[data-chart]").forEach(draw);
	}
	if (document.readyState === "loading") {
		document.addEventListener("DOMContentLoaded", start);
	} else {
		start();
	}
})();
