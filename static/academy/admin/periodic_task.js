// Shows the readable form of the chosen crontab under the field (django-celery-beat's admin).
"use strict";
(function () {
  const data = document.getElementById("readable-crontabs");
  const select = document.getElementById("id_crontab");
  if (!data || !select) {
    return;
  }
  const readable = JSON.parse(data.textContent);
  const help = document.querySelector(".field-crontab .help");
  const original = help ? help.textContent : "";
  const translation = document.querySelector(".field-crontab_translation");
  if (translation) {
    translation.hidden = true;
  }
  select.addEventListener("change", function () {
    if (help) {
      help.textContent = original + " " + (readable[select.value] || "");
    }
  });
})();
