package api

import (
	"net/http"

	"github.com/wubu-oss/wubu/internal/api/openapi"
	"github.com/wubu-oss/wubu/internal/server"
)

// openapiRoutes serve the API's OpenAPI document to anyone: it holds no
// data, only the shape of the API.
func (h *Handler) openapiRoutes(r route) []server.Route {
	return []server.Route{
		r("GET", "/openapi.json", server.Public, h.openapiDoc),
	}
}

// openapiDoc serves the OpenAPI 3.1 document.
func (h *Handler) openapiDoc(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(openapi.JSON)
}
