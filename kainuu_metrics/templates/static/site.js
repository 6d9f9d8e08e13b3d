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
      var hint = box.previousElementSibling && box.previousElementSibling.classList.contains("vieritys-vihje")
        ? box.previousElementSibling : null;
      if (scrolls && !box.hasAttribute("tabindex")) {
        var caption = box.querySelector("caption");
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", (caption ? caption.textContent : "Taulukko") + " (vieritettävä)");
        box.setAttribute("data-vieritettava", "");
        if (!hint) {
          hint = document.createElement("p");
          hint.className = "vieritys-vihje";
          hint.setAttribute("aria-hidden", "true");
          hint.textContent = "Taulukko jatkuu oikealle: vieritä sivusuunnassa →";
          box.parentNode.insertBefore(hint, box);
        }
      } else if (!scrolls && box.hasAttribute("data-vieritettava")) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        box.removeAttribute("data-vieritettava");
        if (hint) { hint.parentNode.removeChild(hint); }
      }
    });
  }
  /* On a narrow screen a chart title wraps onto lines and the legend moves under the chart,
     so that neither is clipped nor overlaps the other; a wide screen gets the original back. */
  var NARROW_PX = 600;
  function wrapWords(text, width) {
    var lines = [];
    String(text).split(/\s+/).forEach(function (word) {
      if (!word) { return; }
      if (lines.length && lines[lines.length - 1].length + 1 + word.length <= width) {
        lines[lines.length - 1] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines;
  }
  function fitChartsToScreen() {
    charts().forEach(function (gd) {
      if (!gd.layout) { return; }
      var narrow = window.innerWidth <= NARROW_PX;
      var polar = gd.layout.polar && gd.layout.polar.angularaxis ? gd.layout.polar : null;
      if (gd.kainuuOriginal === undefined) {
        var title = gd.layout.title && gd.layout.title.text ? gd.layout.title.text : "";
        var margin = gd.layout.margin || {};
        var legend = gd.layout.legend || {};
        gd.kainuuOriginal = {
          title: title, margin: { t: margin.t, l: margin.l, r: margin.r },
          legend: { y: legend.y, yanchor: legend.yanchor, orientation: legend.orientation },
          names: (gd.data || []).map(function (trace) { return trace.name; })
        };
      }
      var original = gd.kainuuOriginal;
      if (narrow === !!gd.kainuuNarrow) { return; }
      gd.kainuuNarrow = narrow;
      if (narrow) {
        var lines = wrapWords(original.title.replace(/<br>/g, " "), Math.max(20, Math.floor(gd.clientWidth / 9)));
        /* plotly places a title of several lines as if it had one: it is moved down by a line */
        var size = gd._fullLayout ? gd._fullLayout._size : null;
        var update = {
          "title.text": lines.join("<br>"), "title.font.size": 15, "margin.t": 36 + 20 * lines.length,
          "title.y": 1 - 18 / (gd._fullLayout ? gd._fullLayout.height : 450),
          "legend.orientation": "v", "legend.y": size && size.h ? -(80 / size.h) : -0.3, "legend.yanchor": "top"
        };
        if (polar) {  /* the criteria round the radar: short lines, room on both sides */
          var categories = [];
          (gd.data || []).forEach(function (trace) {
            (trace.theta || []).forEach(function (c) { if (categories.indexOf(c) < 0) { categories.push(c); } });
          });
          update["polar.angularaxis.tickmode"] = "array";
          update["polar.angularaxis.tickvals"] = categories;
          update["polar.angularaxis.ticktext"] = categories.map(function (c) { return wrapWords(c, 12).join("<br>"); });
          update["polar.angularaxis.tickfont.size"] = 11;
          update["margin.l"] = 90;
          update["margin.r"] = 90;
        }
        window.Plotly.relayout(gd, update);
        window.Plotly.restyle(gd, { name: original.names.map(function (name) {
          return name ? wrapWords(name, Math.max(16, Math.floor(gd.clientWidth / 9) - 6)).join("<br>") : name;
        }) });
      } else {
        var back = {
          "title.text": original.title, "title.font.size": 18, "margin.t": original.margin.t, "title.y": 1,
          "legend.orientation": original.legend.orientation, "legend.y": original.legend.y, "legend.yanchor": original.legend.yanchor
        };
        if (polar) {
          back["polar.angularaxis.tickmode"] = null;
          back["polar.angularaxis.tickvals"] = null;
          back["polar.angularaxis.ticktext"] = null;
          back["polar.angularaxis.tickfont.size"] = null;
          back["margin.l"] = original.margin.l;
          back["margin.r"] = original.margin.r;
        }
        window.Plotly.relayout(gd, back);
        window.Plotly.restyle(gd, { name: original.names });
      }
    });
  }
  function fitPage() {
    markScrollableTables();
    fitChartsToScreen();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fitPage);
  } else {
    fitPage();
  }
  window.addEventListener("load", fitPage);
  window.addEventListener("resize", fitPage);
})();
