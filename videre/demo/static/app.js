// Kvällsros: renders the listing and the ad pages from the JSON API.
// Ad text is hostile: it is only ever set with textContent, never parsed as HTML.
"use strict";

async function getJSON(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(url + " -> " + response.status);
  return response.json();
}

function safePath(url, prefix) {
  // Only follow same-site paths the API is known to give.
  return typeof url === "string" && url.startsWith(prefix) && !url.startsWith("//") ? url : "#";
}

async function renderListing(app, page) {
  const data = await getJSON("/api/lista?page=" + page);
  const list = el("div", { class: "cards" });
  for (const ad of data.ads) {
    const card = el("a", { class: "card", href: safePath(ad.url, "/annons/") });
    card.appendChild(el("h2", {}, ad.title));
    card.appendChild(el("span", { class: "city" }, ad.city));
    list.appendChild(card);
  }
  app.replaceChildren(list);
  if (data.next) {
    app.appendChild(el("a", { class: "next", href: safePath(data.next, "/lista?") }, "Nästa sida"));
  }
}

async function renderAd(app, id) {
  const ad = await getJSON("/api/annons/" + encodeURIComponent(id));
  const article = el("article", { class: "ad" });
  article.appendChild(el("h1", { class: "title" }, ad.title));
  const body = el("div", { class: "body" });
  for (const para of String(ad.body).split(/\n\n+/)) body.appendChild(el("p", {}, para));
  article.appendChild(body);
  article.appendChild(el("span", { class: "name" }, ad.name));
  article.appendChild(el("span", { class: "age" }, ad.age));
  article.appendChild(el("span", { class: "location" }, ad.location));
  article.appendChild(el("time", { class: "posted", datetime: ad.posted }, ad.posted.slice(0, 16).replace("T", " ")));
  for (const src of ad.photos) article.appendChild(el("img", { class: "photo", src: safePath(src, "/foto/"), alt: "" }));
  const button = el("button", { class: "reveal", type: "button" }, "Visa nummer");
  const phone = el("span", { class: "phone" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    const data = await getJSON("/api/annons/" + encodeURIComponent(id) + "/telefon");
    phone.textContent = data.phone;
  });
  article.appendChild(button);
  article.appendChild(phone);
  app.replaceChildren(article);
}

async function main() {
  const app = document.getElementById("app");
  const path = window.location.pathname;
  try {
    const match = path.match(/^\/annons\/([0-9a-z]{1,16})$/);
    if (match) {
      await renderAd(app, match[1]);
    } else {
      const page = parseInt(new URLSearchParams(window.location.search).get("page") || "1", 10);
      await renderListing(app, page > 0 ? page : 1);
    }
  } catch (err) {
    app.replaceChildren(el("p", { class: "error" }, "Kunde inte ladda: " + err.message));
  }
}

document.addEventListener("DOMContentLoaded", main);
