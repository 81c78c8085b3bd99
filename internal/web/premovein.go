package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// preMoveInCookie holds a buyer's pre-move-in session token, apart from
// the staff's session.
const preMoveInCookie = "wubu_premovein"

// preMoveInRoutes are the pre-move-in pages (K4): the centre's page to
// publish information and group-buy offers, and the buyers' own pages
// behind the invitation code of their card.
func (h *Handler) preMoveInRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/projects/{id}/premovein", Perm: wubu.PermOrgView, Handler: h.preMoveInItems},
		{Method: "POST", Path: "/projects/{id}/premovein", Perm: wubu.PermSettingsEdit, Handler: h.preMoveInPublish},
		{Method: "POST", Path: "/premovein-items/{id}/delete", Perm: wubu.PermSettingsEdit, Handler: h.preMoveInDelete},
		// The buyers' pages: their own session, checked by each handler.
		{Method: "GET", Path: "/pre", Perm: server.Public, Handler: h.preHome},
		{Method: "POST", Path: "/pre/login", Perm: server.Public, Handler: h.preLogin},
		{Method: "POST", Path: "/pre/logout", Perm: server.Public, Handler: h.preLogout},
		{Method: "GET", Path: "/pre/forum/boards/{id}", Perm: server.Public, Handler: h.memberBoard(h.preMember)},
		{Method: "POST", Path: "/pre/forum/boards/{id}/topics", Perm: server.Public, Handler: h.memberTopicCreate(h.preMember)},
		{Method: "GET", Path: "/pre/forum/topics/{id}", Perm: server.Public, Handler: h.memberTopic(h.preMember)},
		{Method: "POST", Path: "/pre/forum/topics/{id}/replies", Perm: server.Public, Handler: h.memberReply(h.preMember)},
		{Method: "POST", Path: "/pre/forum/posts/{id}/report", Perm: server.Public, Handler: h.memberReport(h.preMember)},
	}
}

type preMoveInItemsView struct {
	Page
	Project *wubu.Project
	Items   []*wubu.PreMoveInItem
	Kinds   []string
	CanEdit bool
}

func (h *Handler) preMoveInItems(w http.ResponseWriter, r *http.Request) {
	h.renderPreMoveInItems(w, r, http.StatusOK, nil)
}

func (h *Handler) renderPreMoveInItems(w http.ResponseWriter, r *http.Request, status int, refused error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &preMoveInItemsView{Page: h.newPage(r, "Before move-in"), Kinds: wubu.PreMoveInKinds, CanEdit: wubu.UserFromContext(ctx).Can(wubu.PermSettingsEdit)}
	if v.Project, err = h.Projects.FindProjectByID(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Items, err = h.PreMoveIn.FindPreMoveInItems(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if refused != nil {
		v.Form = r.PostForm
		status = formError(r, &v.Page, refused, "")
	}
	h.render(w, r, status, "premovein_items", v)
}

// preMoveInPublish publishes information or a group-buy offer.
func (h *Handler) preMoveInPublish(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.ParseForm()
	it := &wubu.PreMoveInItem{ProjectID: id, Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		Supplier: r.PostFormValue("supplier"), Price: r.PostFormValue("price"), ValidUntil: r.PostFormValue("valid_until")}
	if err := h.PreMoveIn.PublishPreMoveIn(r.Context(), it); err != nil {
		if wubu.ErrorCode(err) != wubu.EINVALID {
			h.fail(w, r, err)
			return
		}
		h.renderPreMoveInItems(w, r, 0, err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(id, 10)+"/premovein", h.T(r, "Published on the pre-move-in pages."))
}

// preMoveInDelete withdraws an item.
func (h *Handler) preMoveInDelete(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.PreMoveIn.DeletePreMoveInItem(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	project, _ := strconv.ParseInt(r.FormValue("project"), 10, 64)
	h.redirect(w, r, "/projects/"+strconv.FormatInt(project, 10)+"/premovein", h.T(r, "Withdrawn."))
}

// preVisitor returns the buyer signed in before move-in, nil if none.
func (h *Handler) preVisitor(r *http.Request) *wubu.PreMoveInVisitor {
	c, err := r.Cookie(preMoveInCookie)
	if err != nil {
		return nil
	}
	v, err := h.PreMoveIn.AuthenticatePreMoveIn(r.Context(), c.Value)
	if err != nil {
		return nil
	}
	return v
}

// preMember is the buyer as a member of the community's forum, under
// /pre; EUNAUTHORIZED sends them to the sign-in.
func (h *Handler) preMember(r *http.Request) (*member, error) {
	v := h.preVisitor(r)
	if v == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	return &member{Author: wubu.ForumAuthor{ProjectID: v.ProjectID, ProspectID: v.ProspectID}, Base: "/pre", Name: v.Name, Signin: "/pre"}, nil
}

type preHomeView struct {
	Page
	Visitor *wubu.PreMoveInVisitor
	Pages   *wubu.PreMoveInPages
	Boards  []*wubu.ForumBoard
	Kinds   []string
}

// preHome is the buyer's start page: the sign-in by invitation code, or
// the new community's pages.
func (h *Handler) preHome(w http.ResponseWriter, r *http.Request) {
	v := &preHomeView{Page: h.newPage(r, "Before move-in"), Visitor: h.preVisitor(r), Kinds: wubu.PreMoveInKinds}
	if v.Visitor == nil {
		h.render(w, r, http.StatusOK, "pre_login", v)
		return
	}
	var err error
	if v.Pages, err = h.PreMoveIn.PreMoveInPages(r.Context(), v.Visitor); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Boards, err = h.Forum.FindBoards(r.Context(), v.Visitor.ProjectID, &wubu.ForumAuthor{ProjectID: v.Visitor.ProjectID, ProspectID: v.Visitor.ProspectID}); err != nil {
		h.fail(w, r, err)
		return
	}
	v.Title = v.Visitor.ProjectName
	h.render(w, r, http.StatusOK, "pre_home", v)
}

// preLogin signs a buyer in with the invitation code of their card.
func (h *Handler) preLogin(w http.ResponseWriter, r *http.Request) {
	token, _, err := h.PreMoveIn.SignInPreMoveIn(r.Context(), r.PostFormValue("code"))
	if err != nil {
		if server.ErrorCode(err) == wubu.EINTERNAL {
			h.fail(w, r, err)
			return
		}
		v := &preHomeView{Page: h.newPage(r, "Before move-in")}
		v.Form = r.PostForm
		v.Errors["code"] = server.ErrMessage(r, err)
		h.render(w, r, server.Status(server.ErrorCode(err)), "pre_login", v)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: preMoveInCookie, Value: token, Path: "/pre", HttpOnly: true, Secure: h.Secure, SameSite: http.SameSiteLaxMode,
		MaxAge: int(wubu.PreMoveInSessionAge.Seconds())})
	h.redirect(w, r, "/pre", "")
}

// preLogout ends the buyer's session.
func (h *Handler) preLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(preMoveInCookie); err == nil {
		if err := h.PreMoveIn.SignOutPreMoveIn(r.Context(), c.Value); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{Name: preMoveInCookie, Value: "", Path: "/pre", HttpOnly: true, Secure: h.Secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	h.redirect(w, r, "/pre", "")
}
