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
    if (status) status.textContent = "Copied to the clipboard.";
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
