/* Before printing: open every <details> (the data behind each chart) and fit the charts to
   an A4 page; restore both afterwards. window.kainuuPrepareForPrint() does the same and
   returns a promise (kainuu_metrics/pdf.py calls it: page.pdf() fires no `beforeprint`).
   Wide tables that scroll sideways get keyboard focus (WCAG 2.1.1) and a name. */
(function () {
  "use strict";
  var PRINT_WIDTH_PX = 680;
  function charts() {
    return window.Plotly ? Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot")) : [];
  }
  function prepareForPrint() {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.setAttribute("data-avattu-tulostusta-varten", "");
      d.open = true;
    });
    return Promise.all(charts().map(function (gd) {
      return window.Plotly.relayout(gd, { width: PRINT_WIDTH_PX });
    }));
  }
  window.kainuuPrepareForPrint = prepareForPrint;
  window.addEventListener("beforeprint", prepareForPrint);
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-avattu-tulostusta-varten]").forEach(function (d) {
      d.removeAttribute("data-avattu-tulostusta-varten");
      d.open = false;
    });
    charts().forEach(function (gd) {
      window.Plotly.relayout(gd, { width: null, autosize: true });
    });
  });

  function markScrollableTables() {
    document.querySelectorAll(".taulukko-kehys").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", (caption ? caption.textContent : "Taulukko") + " (vieritettävä)");
        box.setAttribute("data-vieritettava", "");
      } else if (!scrolls && box.hasAttribute("data-vieritettava")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-vieritettava");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markScrollableTables);
  } else {
    markScrollableTables();
  }
  window.addEventListener("resize", markScrollableTables);
})();
