/* Case page: a small map with the request's pin. Actions use htmx when loaded: after an action the
   server sends the case's body again (stage, buttons, timeline), and the map is drawn again in it. */
(function () {
  "use strict";
  function drawMap() {
    var el = document.getElementById("rq-case-map");
    if (!el || !window.L || el.getAttribute("data-drawn") === "true") { return; }
    el.setAttribute("data-drawn", "true");
    var lat = parseFloat(el.getAttribute("data-lat"));
    var lon = parseFloat(el.getAttribute("data-lon"));
    var map = RedGridMap.makeMap(el);
    var shown = map.redgrid.toDisplay(lat, lon);
    L.circleMarker(shown, { radius: 9, color: "#c0392b", weight: 3, fillOpacity: 0.6 }).addTo(map);
    map.setView(shown, 16);
  }
  drawMap();
  document.body.addEventListener("htmx:afterSettle", drawMap);
})();
