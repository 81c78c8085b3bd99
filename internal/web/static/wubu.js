// Wubu: on a phone, tables become cards; each cell is labelled with its
// column's header (data-label, drawn by wubu.css). Without JavaScript the
// cards still show, unlabelled.
(function () {
	function label(root) {
		root.querySelectorAll("table").forEach(function (table) {
			var heads = [];
			var head = table.querySelector("thead tr") || table.querySelector("tr:not(:has(td))");
			if (!head) return;
			head.querySelectorAll("th").forEach(function (th) {
				for (var i = 0; i < (th.colSpan || 1); i++) heads.push(th.textContent.trim());
			});
			table.querySelectorAll("tr:has(td)").forEach(function (tr) {
				var col = 0;
				Array.prototype.forEach.call(tr.children, function (td) {
					if (heads[col] && !td.hasAttribute("data-label")) td.setAttribute("data-label", heads[col]);
					col += td.colSpan || 1;
				});
			});
		});
	}
	document.addEventListener("DOMContentLoaded", function () { label(document); });
	document.addEventListener("htmx:afterSwap", function (e) { label(e.target); });
})();
// Wubu's own page behaviour. The content security policy allows no inline
// script, so what a page does beyond htmx lives here.
document.addEventListener("click", function (e) {
	// A button marked data-print prints the page (patrol QR codes).
	if (e.target.closest && e.target.closest("[data-print]")) {
		window.print();
	}
});
