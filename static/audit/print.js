// Buttons marked data-print open the browser's print dialog; without JavaScript they stay hidden
// and the page says how to print instead.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
