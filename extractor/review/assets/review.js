// The review page's only script (the Content-Security-Policy allows no other): link evidence marks
// to their event cards, and turn a selection in the article text into the missed-event form's span.
"use strict";

(function () {
  const text = document.getElementById("article-text");

  // Offsets are counted in code points, as Python counts the evidence offsets (JavaScript strings
  // count UTF-16 units, which differ for characters outside the BMP).
  function codePoints(s) { return Array.from(s).length; }

  function marksOf(eventId) {
    return text ? text.querySelectorAll('mark[data-events~="' + CSS.escape(eventId) + '"]') : [];
  }

  function focusEvent(eventId, on) {
    marksOf(eventId).forEach(function (m) { m.classList.toggle("focus", on); });
  }

  document.querySelectorAll("section.event[data-event-id]").forEach(function (card) {
    const id = card.dataset.eventId;
    card.addEventListener("mouseenter", function () { focusEvent(id, true); });
    card.addEventListener("mouseleave", function () { focusEvent(id, false); });
    card.addEventListener("click", function (e) {
      if (e.target.closest("form, details")) { return; }
      const first = marksOf(id)[0];
      if (first) { first.scrollIntoView({ block: "center", behavior: "smooth" }); }
    });
  });

  if (!text) { return; }

  text.addEventListener("click", function (e) {
    const mark = e.target.closest("mark[data-events]");
    if (!mark || !window.getSelection().isCollapsed) { return; }
    const card = document.getElementById("event-" + mark.dataset.events.split(" ")[0]);
    if (card) {
      card.scrollIntoView({ block: "start", behavior: "smooth" });
      card.classList.add("focus");
      setTimeout(function () { card.classList.remove("focus"); }, 1200);
    }
  });

  const form = document.getElementById("missed");
  const quote = document.getElementById("selection-text");

  function offsetOf(node, offset) {
    const before = document.createRange();
    before.setStart(text, 0);
    before.setEnd(node, offset);
    return codePoints(before.toString());
  }

  function takeSelection() {
    const selection = window.getSelection();
    if (!selection.rangeCount || selection.isCollapsed) { return; }
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) { return; }
    const start = offsetOf(range.startContainer, range.startOffset);
    const end = offsetOf(range.endContainer, range.endOffset);
    if (end <= start) { return; }
    form.elements.start.value = String(start);
    form.elements.end.value = String(end);
    quote.textContent = range.toString();
  }

  text.addEventListener("mouseup", takeSelection);
  text.addEventListener("keyup", takeSelection);
})();
