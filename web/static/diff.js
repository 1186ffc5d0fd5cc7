// The diff page (templates/diff_body.html), a little better with this script: "Next change"
// goes to the first change below the one at the top of the screen (then round to the first),
// and "Only the changes" hides the unchanged paragraphs in place. Without the script both
// are plain links: to #change-1, and to the page served with only the changed rows.
(function () {
  "use strict";
  var sides = document.querySelector(".diff .sides");
  if (!sides) {
    return;
  }
  var changes = Array.prototype.slice.call(sides.querySelectorAll(".row[id^='change-']"));

  function nextChange() {
    // A change shown by a jump sits its scroll margin below the top of the screen.
    var top = parseFloat(getComputedStyle(changes[0]).scrollMarginTop) || 0;
    for (var i = 0; i < changes.length; i++) {
      if (changes[i].getBoundingClientRect().top > top + 2) {
        return changes[i];
      }
    }
    return changes[0];
  }

  document.querySelectorAll(".next-change").forEach(function (link) {
    link.addEventListener("click", function (event) {
      if (!changes.length) {
        return;
      }
      event.preventDefault();
      var target = nextChange();
      if (location.hash === "#" + target.id) {
        target.scrollIntoView({ block: "start" });
      } else {
        location.hash = target.id;
      }
    });
  });

  if (sides.getAttribute("data-rows") !== "all") {
    return; // served with only the changed rows: its link leads back to the whole text
  }
  document.querySelectorAll(".toggle-unchanged").forEach(function (toggle) {
    toggle.hidden = false;
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-pressed", "false");
    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      var only = sides.classList.toggle("only-changes");
      toggle.setAttribute("aria-pressed", String(only));
      toggle.textContent = only ? "Show the whole text" : "Only the changes";
    });
  });
})();
