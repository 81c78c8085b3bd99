package web

import (
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// localResourceRoutes are the directory of local services and procedures
// (H2) with the forms to download, kept by the manager.
func (h *Handler) localResourceRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/local-resources", Perm: wubu.PermOrgView, Handler: h.localResources},
		{Method: "POST", Path: "/projects/{id}/local-resources", Perm: wubu.PermSettingsEdit, Handler: h.localResourceAdd, MaxBody: 6 << 20},
		{Method: "GET", Path: "/local-resources/{id}/form", Perm: wubu.PermOrgView, Handler: h.localResourceForm},
	}
}

type localResourcesView struct {
	Page
	Project   *wubu.Project
	Resources []*wubu.LocalResource
	Kinds     []string
	CanEdit   bool
}

func (h *Handler) localResources(w http.ResponseWriter, r *http.Request) {
	h.renderLocalResources(w, r, http.StatusOK, nil)
}

func (h *Handler) renderLocalResources(w http.ResponseWriter, r *http.Request, status int, refused error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &localResourcesView{Page: h.newPage(r, "Local resources and procedures"), Kinds: wubu.LocalResourceKinds, CanEdit: wubu.UserFromContext(ctx).Can(wubu.PermSettingsEdit)}
	if v.Project, err = h.Projects.FindProjectByID(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Resources, err = h.LocalResources.FindLocalResources(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	}
	h.render(w, r, status, "local_resources", v)
}

// localResourceAdd adds an entry with its optional form file.
func (h *Handler) localResourceAdd(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
		h.fail(w, r, server.TooLarge(err))
		return
	}
	lr := &wubu.LocalResource{ProjectID: id, Kind: r.PostFormValue("kind"), Name: r.PostFormValue("name"), Address: r.PostFormValue("address"),
		Phone: r.PostFormValue("phone"), Note: r.PostFormValue("note")}
	var file *wubu.LocalResourceFile
	if f, hdr, err := r.FormFile("file"); err == nil {
		defer f.Close()
		data, err := io.ReadAll(f)
		if err != nil {
			h.fail(w, r, server.TooLarge(err))
			return
		}
		file = &wubu.LocalResourceFile{Name: hdr.Filename, ContentType: hdr.Header.Get("Content-Type"), Data: data}
	}
	if err := h.LocalResources.AddLocalResource(r.Context(), lr, file); err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.renderLocalResources(w, r, 0, err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"/local-resources", h.T(r, "Added to the directory."))
}

// localResourceForm sends an entry's form as a download.
func (h *Handler) localResourceForm(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := h.LocalResources.LocalResourceForm(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Write(f.Data)
}
