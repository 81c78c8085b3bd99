// Wubu's own page behaviour. The content security policy allows no inline
// script, so what a page does beyond htmx lives here.
document.addEventListener("click", function (e) {
	// A button marked data-print prints the page (patrol QR codes).
	if (e.target.closest && e.target.closest("[data-print]")) {
		window.print();
	}
});
