// Västkontakt: a small page for humans over the JSON API (the crawler reads the API itself).
// Ad text is set with textContent only.
"use strict";

async function load(app, url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(url + " -> " + response.status);
  const data = await response.json();
  const list = el("ul", { class: "ads" });
  for (const ad of data.ads) {
    const item = el("li", { class: "ad" });
    const href = typeof ad.url === "string" && ad.url.startsWith("/profil/") ? ad.url : "#";
    item.appendChild(el("a", { href: href }, ad.headline));
    item.appendChild(el("span", { class: "area" }, " " + ad.area));
    list.appendChild(item);
  }
  app.replaceChildren(list);
  if (data.next) {
    const more = el("button", { type: "button", class: "more" }, "Fler annonser");
    more.addEventListener("click", () => load(app, data.next));
    app.appendChild(more);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const app = document.getElementById("app");
  load(app, "/api/v1/annonser?page=1").catch((err) => {
    app.replaceChildren(el("p", { class: "error" }, "Kunde inte ladda: " + err.message));
  });
});
