// Keyboard navigation for the queue, the linked map and timeline, and the print button. No inline script anywhere (CSP).
(function () {
  "use strict";

  function typing(ev) {
    var t = ev.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }

  function queueKeys() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr.row"));
    var at = -1;
    function select(i) {
      if (!rows.length) return;
      at = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach(function (r, j) { r.classList.toggle("selected", j === at); });
      rows[at].scrollIntoView({ block: "nearest" });
      rows[at].querySelector("a.open").focus();
    }
    document.addEventListener("keydown", function (ev) {
      if (typing(ev) || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      var link;
      switch (ev.key) {
        case "j": select(at + 1); break;
        case "k": select(at - 1); break;
        case "Enter": case "o":
          if (at >= 0) { window.location.href = rows[at].getAttribute("data-href"); } else { return; }
          break;
        case "n": link = document.getElementById("next"); if (link) window.location.href = link.href; break;
        case "p": link = document.getElementById("prev"); if (link) window.location.href = link.href; break;
        case "/": var q = document.getElementById("q"); if (q) q.focus(); break;
        default: return;
      }
      ev.preventDefault();
    });
  }

  // The route map and the timeline: an element with data-link lights every element that has the
  // same link id or one named in its data-rel (a move lights its two cities, a city its moves).
  function linkedPictures() {
    var all = Array.prototype.slice.call(document.querySelectorAll("[data-link]"));
    function light(el, on) {
      var ids = [el.getAttribute("data-link")].concat((el.getAttribute("data-rel") || "").split(" ").filter(Boolean));
      all.forEach(function (e) {
        if (ids.indexOf(e.getAttribute("data-link")) >= 0) e.classList.toggle("lit", on);
      });
    }
    all.forEach(function (el) {
      el.addEventListener("mouseenter", function () { light(el, true); });
      el.addEventListener("mouseleave", function () { light(el, false); });
      el.addEventListener("focus", function () { light(el, true); });
      el.addEventListener("blur", function () { light(el, false); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.getElementById("queue")) queueKeys();
    if (document.getElementById("route-map") || document.getElementById("timeline")) linkedPictures();
    var print = document.getElementById("print-button");
    if (print) print.addEventListener("click", function () { window.print(); });
  });
})();
