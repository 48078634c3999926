/* Account forms: show only the places that fit the chosen role (a grid worker works in an area
   grid, community staff in a community…). Without JavaScript every place is listed and the server
   checks the level. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-person-form]").forEach(function (form) {
    var role = form.querySelector("select[data-role-levels]");
    var node = form.querySelector("select[data-node-select]");
    if (!role || !node) { return; }
    var levels = JSON.parse(role.getAttribute("data-role-levels"));
    var groups = Array.prototype.slice.call(node.querySelectorAll("optgroup"));
    var labels = {};
    groups.forEach(function (group) {
      var first = group.querySelector("option");
      if (first) { labels[first.value.split(":")[0]] = group; }
    });
    function update() {
      var level = levels[role.value];
      groups.forEach(function (group) {
        var show = !level || labels[level] === group;
        group.hidden = !show;
        group.disabled = !show;
      });
      var selected = node.options[node.selectedIndex];
      if (selected && selected.parentNode.disabled) { node.value = ""; }
    }
    role.addEventListener("change", update);
    update();
  });
})();
