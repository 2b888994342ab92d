// Swagger UI for /openapi.json, from the swagger-ui-bundle package (no CDN; a file, not an
// inline script, so the Content-Security-Policy can forbid inline scripts)
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
