// ztd portal: progressive enhancement only; every page works without this file.
"use strict";

// Copy buttons: <button data-copy="element-id">.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const source = document.getElementById(button.dataset.copy);
  if (!source) return;
  const text = source.value !== undefined ? source.value : source.textContent;
  const done = () => {
    const status = document.getElementById(button.dataset.copy + "-status");
    // The words come from the page (its language's catalogue).
    if (status) status.textContent = button.dataset.copied || "";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, () => { source.select(); });
  } else if (source.select) {
    source.select();
    document.execCommand("copy");
    done();
  }
});

// A form marked data-once disables its submit buttons once sent, so a double click cannot
// upload the same file twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!form.matches("form[data-once]")) return;
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.disabled = true;
    if (button.dataset.busy) button.textContent = button.dataset.busy;
  }
});

// A form marked data-preview="ID" refreshes the element ID from the server as the person
// types (the profile form's configuration preview); without JavaScript the form's own
// "Update the preview" button does the same.
for (const form of document.querySelectorAll("form[data-preview]")) {
  const id = form.dataset.preview;
  let timer;
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const data = new FormData(form);
      data.set("action", "preview");
      try {
        // getAttribute: the form's "action" buttons shadow the `form.action` property.
        const response = await fetch(form.getAttribute("action"), { method: "POST", body: new URLSearchParams(data), credentials: "same-origin" });
        if (!response.ok) return;
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.getElementById(id);
        const current = document.getElementById(id);
        if (fresh && current) current.innerHTML = fresh.innerHTML;
      } catch (_) {
        // Offline or refused: the button still works.
      }
    }, 400);
  });
}
