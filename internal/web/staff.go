package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/wubu-oss/wubu"
)

type staffListView struct {
	Page
	Query    url.Values
	Users    []*wubu.User
	Projects []*wubu.Project
	Posts    []wubu.Post
	Roles    []wubu.Role
	Pager    PagerView
	CanEdit  bool
	names    map[int64]string
}

// ProjectName returns the name of a project by ID.
func (v *staffListView) ProjectName(id int64) string { return v.names[id] }

func (h *Handler) staffList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := &staffListView{Page: h.newPage(r, "Staff"), Query: q, Posts: wubu.Posts, Roles: wubu.Roles,
		CanEdit: wubu.UserFromContext(ctx).Can(wubu.PermStaffEdit), names: map[int64]string{}}
	var err error
	if v.Projects, err = h.Projects.FindProjects(ctx); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, p := range v.Projects {
		v.names[p.ID] = p.Name
	}
	page, offset := pageOffset(r)
	f := wubu.UserFilter{Query: q.Get("q"), ProjectID: optionalID(q.Get("project")), Offset: offset, Limit: pageSize}
	if p := wubu.Post(q.Get("post")); p.Valid() {
		f.Post = &p
	}
	if rl := wubu.Role(q.Get("role")); rl.Valid() {
		f.Role = &rl
	}
	users, total, err := h.Users.FindUsers(ctx, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Users = users
	v.Pager = newPager(&v.Page, r, page, total)
	h.render(w, r, http.StatusOK, "staff", v)
}

type staffFormView struct {
	Page
	Edit     *wubu.User
	Projects []*wubu.Project
	Posts    []wubu.Post
	Roles    []wubu.Role
	CanEdit  bool
	// Points are the person's reward points per project (U1), on their page.
	Points []staffPoints
}

// Checked reports whether a project box is ticked on the form.
func (v *staffFormView) Checked(id int64) bool {
	return slices.Contains(v.Form["project"], strconv.FormatInt(id, 10))
}

func (h *Handler) staffFormView(r *http.Request, edit *wubu.User) (*staffFormView, error) {
	ctx := r.Context()
	caller := wubu.UserFromContext(ctx)
	v := &staffFormView{Page: h.newPage(r, "New staff member"), Edit: edit, Posts: wubu.Posts, CanEdit: caller.Can(wubu.PermStaffEdit)}
	for _, role := range wubu.Roles {
		if caller.Role.CanGrant(role) || (edit != nil && edit.Role == role) {
			v.Roles = append(v.Roles, role)
		}
	}
	if edit != nil {
		v.Title = edit.Name
		v.Form.Set("name", edit.Name)
		v.Form.Set("phone", edit.Phone)
		v.Form.Set("post", string(edit.Post))
		v.Form.Set("role", string(edit.Role))
		for _, p := range edit.ProjectIDs {
			v.Form.Add("project", strconv.FormatInt(p, 10))
		}
		if edit.Disabled {
			v.Form.Set("disabled", "1")
		}
	}
	var err error
	v.Projects, err = h.Projects.FindProjects(ctx)
	return v, err
}

func (h *Handler) staffNew(w http.ResponseWriter, r *http.Request) {
	v, err := h.staffFormView(r, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "staff_form", v)
}

// projectIDs returns the ticked projects of a staff form.
func projectIDs(r *http.Request) []int64 {
	ids := []int64{}
	for _, s := range r.PostForm["project"] {
		if id := optionalID(s); id != nil {
			ids = append(ids, *id)
		}
	}
	return ids
}

func (h *Handler) staffCreate(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	nu := &wubu.NewUser{User: wubu.User{
		Login: r.PostFormValue("login"), Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"),
		Role: wubu.Role(r.PostFormValue("role")), Post: wubu.Post(r.PostFormValue("post")), ProjectIDs: projectIDs(r),
	}, Password: r.PostFormValue("password")}
	if err := h.Users.CreateUser(r.Context(), nu); err != nil {
		v, verr := h.staffFormView(r, nil)
		if verr != nil {
			h.fail(w, r, verr)
			return
		}
		v.Form = r.PostForm
		v.Form.Del("password")
		h.render(w, r, formError(r, &v.Page, err, ""), "staff_form", v)
		return
	}
	h.redirect(w, r, "/staff/"+strconv.FormatInt(nu.ID, 10), h.T(r, "Account %s created.", nu.Login))
}

func (h *Handler) staffShow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	u, err := h.Users.FindUserByID(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.staffFormView(r, u)
	if err == nil {
		v.Points, err = h.staffPoints(r, u)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "staff_form", v)
}

func (h *Handler) staffUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.ParseForm()
	name, phone := r.PostFormValue("name"), r.PostFormValue("phone")
	role, post := wubu.Role(r.PostFormValue("role")), wubu.Post(r.PostFormValue("post"))
	disabled := r.PostFormValue("disabled") == "1"
	projects := projectIDs(r)
	upd := wubu.UserUpdate{Name: &name, Phone: &phone, Role: &role, Post: &post, Disabled: &disabled, ProjectIDs: &projects}
	if _, err := h.Users.UpdateUser(r.Context(), id, upd); err != nil {
		h.staffFormFailed(w, r, id, err, "")
		return
	}
	h.redirect(w, r, "/staff/"+strconv.FormatInt(id, 10), h.T(r, "Saved."))
}

func (h *Handler) staffFormFailed(w http.ResponseWriter, r *http.Request, id int64, err error, prefix string) {
	u, ferr := h.Users.FindUserByID(r.Context(), id)
	if ferr != nil {
		h.fail(w, r, ferr)
		return
	}
	v, verr := h.staffFormView(r, u)
	if verr != nil {
		h.fail(w, r, verr)
		return
	}
	if prefix == "" {
		v.Form = r.PostForm
	}
	h.render(w, r, formError(r, &v.Page, err, prefix), "staff_form", v)
}

func (h *Handler) staffPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.Users.SetPassword(r.Context(), id, r.PostFormValue("password")); err != nil {
		h.staffFormFailed(w, r, id, err, "new_")
		return
	}
	h.redirect(w, r, "/staff/"+strconv.FormatInt(id, 10), h.T(r, "Password set. The account's sessions have ended."))
}
