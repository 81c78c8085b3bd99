package web

import (
	"net/http"

	"github.com/wubu-oss/wubu/internal/api/openapi"
	"github.com/wubu-oss/wubu/internal/server"
)

// apiDocsRoutes are the readable page of the JSON API's OpenAPI document.
func (h *Handler) apiDocsRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/api-docs", Perm: server.Public, Handler: h.apiDocs},
	}
}

type apiDocsView struct {
	Page
	Operations []openapi.Operation
}

// apiDocs lists the API's operations by tag, with the permission each
// needs, and links the document itself.
func (h *Handler) apiDocs(w http.ResponseWriter, r *http.Request) {
	ops, err := openapi.Operations()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "api_docs", &apiDocsView{Page: h.newPage(r, "JSON API"), Operations: ops})
}
