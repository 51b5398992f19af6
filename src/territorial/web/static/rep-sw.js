// The rep view's service worker: network first, the last good copy when offline.
// The server fills in the static files to keep; the page and its JSON twin are kept
// each time they load, so the copy is as fresh as the last visit with a connection.
const CACHE = "territorial-rep-v1";
const STATIC = [/*STATIC_FILES*/];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(STATIC)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const kept = url.pathname.startsWith("/me") || url.pathname.startsWith("/api/me") ||
    url.pathname === "/api/map/states" ||
    STATIC.includes(url.pathname + url.search);
  if (!kept) return;
  event.respondWith(
    fetch(request)
      .then((response) => {
        // Keep only real answers: never a redirect to the login page or an error.
        if (response.ok && !response.redirected) {
          const copy = response.clone();
          caches.open(CACHE).then((cache) => cache.put(request, copy));
        }
        return response;
      })
      .catch(() => caches.match(request).then((hit) => hit || Response.error()))
  );
});
