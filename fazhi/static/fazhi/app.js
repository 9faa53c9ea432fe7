// fazhi — behaviour that pages share. Loaded as a file: the CSP forbids inline scripts.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Phone width: the left navigation opens and closes from the top bar.
  const toggle = document.querySelector("[data-toggle-nav]");
  const nav = document.getElementById("sidenav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", String(open));
    });
  }

  // 打印 on a record page: the browser's print dialog, laid out by app.css's print rules.
  for (const button of document.querySelectorAll("[data-print]")) {
    button.addEventListener("click", () => window.print());
  }

  // Forms marked data-confirm ask before submitting.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  }

  // A submit button is disabled once pressed, so a double click sends one request.
  for (const form of document.querySelectorAll("form")) {
    form.addEventListener("submit", (event) => {
      if (event.defaultPrevented) return;
      for (const button of form.querySelectorAll("button[type=submit]")) {
        setTimeout(() => { button.disabled = true; }, 0);
      }
    });
  }
});
