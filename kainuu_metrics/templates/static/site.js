/* Before printing: open every <details> (the data behind each chart) and fit the charts to
   an A4 page; restore both afterwards. */
(function () {
  "use strict";
  var PRINT_WIDTH_PX = 680;
  function charts() {
    return window.Plotly ? document.querySelectorAll(".js-plotly-plot") : [];
  }
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.setAttribute("data-avattu-tulostusta-varten", "");
      d.open = true;
    });
    charts().forEach(function (gd) {
      window.Plotly.relayout(gd, { width: PRINT_WIDTH_PX });
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-avattu-tulostusta-varten]").forEach(function (d) {
      d.removeAttribute("data-avattu-tulostusta-varten");
      d.open = false;
    });
    charts().forEach(function (gd) {
      window.Plotly.relayout(gd, { width: null, autosize: true });
    });
  });
})();
