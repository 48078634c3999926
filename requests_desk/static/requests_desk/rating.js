// The rating form (requests_desk/status.html): before an unsatisfied rating is sent, say that it
// sends the request back to be handled again. The rule is the server's (RatingForm.sends_back):
// each aspect takes the overall answer unless given apart; the average below the district's
// threshold (data-send-back-below) sends the request back. Once the warning is shown, the form
// carries confirm_low so the server does not ask again; without JavaScript it asks on a page.
(function () {
  "use strict";
  var form = document.querySelector("form.rq-rating[data-send-back-below]");
  if (!form) return;
  var below = parseFloat(form.getAttribute("data-send-back-below"));
  var warning = document.getElementById("rq-low-warning");
  var confirm = form.querySelector("input[name=confirm_low]");
  var button = form.querySelector("button[type=submit]");
  var label = button.textContent;
  var aspects = ["speed", "result", "service", "feedback_quality"];

  function chosen(name) {
    var input = form.querySelector("input[name=" + name + "]:checked");
    return input ? parseInt(input.value, 10) : null;
  }

  function update() {
    var overall = chosen("score");
    var low = false;
    if (overall !== null) {
      var sum = 0;
      aspects.forEach(function (name) {
        var value = chosen(name);
        sum += value === null ? overall : value;
      });
      low = sum / aspects.length < below;
    }
    warning.hidden = !low;
    if (confirm) confirm.value = low ? "on" : "";
    // Only when it changes: replacing the text under a pressed button (a field's change event
    // fires as the focus leaves it on mousedown) would lose the click.
    var wanted = low ? button.getAttribute("data-low-label") : label;
    if (button.textContent !== wanted) button.textContent = wanted;
  }

  form.addEventListener("change", update);
  update();
})();
