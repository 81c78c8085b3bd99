package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// The community on the residents' portal (issue 15): the forum and the
// interest groups (K4, U5) — the member pages of forum_member.go under
// /my — and the visitors the resident invites (访客).

// portalCommunityRoutes are the resident's forum and visitor routes.
func (h *Handler) portalCommunityRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/my/forum", Perm: wubu.PermPortal, Handler: h.portalForum},
		{Method: "POST", Path: "/my/forum/boards/{id}/join", Perm: wubu.PermPortal, Handler: h.portalGroup(true)},
		{Method: "GET", Path: "/my/forum/boards/{id}", Perm: wubu.PermPortal, Handler: h.memberBoard(h.portalMember)},
		{Method: "POST", Path: "/my/forum/boards/{id}/topics", Perm: wubu.PermPortal, Handler: h.memberTopicCreate(h.portalMember)},
		{Method: "GET", Path: "/my/forum/topics/{id}", Perm: wubu.PermPortal, Handler: h.memberTopic(h.portalMember)},
		{Method: "POST", Path: "/my/forum/topics/{id}/replies", Perm: wubu.PermPortal, Handler: h.memberReply(h.portalMember)},
		{Method: "POST", Path: "/my/forum/posts/{id}/report", Perm: wubu.PermPortal, Handler: h.memberReport(h.portalMember)},
		{Method: "GET", Path: "/my/visitors", Perm: wubu.PermPortal, Handler: h.portalVisitors},
		{Method: "POST", Path: "/my/visitors", Perm: wubu.PermPortal, Handler: h.portalVisitorInvite},
		{Method: "POST", Path: "/my/visitors/{id}/cancel", Perm: wubu.PermPortal, Handler: h.portalVisitorCancel},
		{Method: "POST", Path: "/my/forum/boards/{id}/leave", Perm: wubu.PermPortal, Handler: h.portalGroup(false)},
	}
}

// portalMember is the resident signed in to the portal as a member of
// their community's forum.
func (h *Handler) portalMember(r *http.Request) (*member, error) {
	id, ok := h.portalResident(r)
	if !ok {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	return &member{Author: wubu.ForumAuthor{ProjectID: id.ProjectID, PersonID: id.PersonID}, Base: "/my", Name: id.Name, Signin: server.PortalLoginPath}, nil
}

type portalForumView struct {
	Page
	Boards []*wubu.ForumBoard
}

// portalForum lists the boards: the general ones, and the interest groups
// to join or leave.
func (h *Handler) portalForum(w http.ResponseWriter, r *http.Request) {
	m, err := h.portalMember(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &portalForumView{Page: h.newPage(r, "Community forum")}
	if v.Boards, err = h.Forum.FindBoards(r.Context(), m.Author.ProjectID, &m.Author); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "portal_forum", v)
}

// portalGroup joins (or leaves) an interest group.
func (h *Handler) portalGroup(join bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		m, err := h.portalMember(r)
		if err == nil {
			var id int64
			if id, err = pathID(r, "id"); err == nil {
				if join {
					err = h.Forum.JoinGroup(r.Context(), id, m.Author)
				} else {
					err = h.Forum.LeaveGroup(r.Context(), id, m.Author)
				}
			}
		}
		if err != nil {
			h.fail(w, r, err)
			return
		}
		msg := h.T(r, "You joined the group.")
		if !join {
			msg = h.T(r, "You left the group.")
		}
		h.redirect(w, r, "/my/forum", msg)
	}
}

type portalVisitorsView struct {
	Page
	Homes  []*wubu.PortalHome
	Passes []*wubu.VisitorPass
	Today  string
}

func (h *Handler) portalVisitorsView(r *http.Request) (*portalVisitorsView, error) {
	id, ok := h.portalResident(r)
	if !ok {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	v := &portalVisitorsView{Page: h.newPage(r, "My visitors"), Homes: id.Homes, Today: h.Clock.Now().In(cst).Format("2006-01-02")}
	var err error
	v.Passes, err = h.VisitorPasses.FindVisitorPassesOf(r.Context(), id.ProjectID, id.PersonID, v.Today)
	return v, err
}

// portalVisitors lists the resident's visitors from today on, with the
// form to invite one.
func (h *Handler) portalVisitors(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.portalVisitorsView, "portal_visitors")
}

// portalVisitorInvite invites a visitor: the code goes to them by SMS.
func (h *Handler) portalVisitorInvite(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id, ok := h.portalResident(r)
	if !ok {
		h.fail(w, r, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in."))
		return
	}
	room, _ := strconv.ParseInt(r.PostFormValue("room_id"), 10, 64)
	if room == 0 && len(id.Homes) == 1 {
		room = id.Homes[0].RoomID
	}
	p := &wubu.VisitorPass{RoomID: room, VisitorName: r.PostFormValue("visitor_name"), VisitorPhone: r.PostFormValue("visitor_phone"), Date: r.PostFormValue("date")}
	if err := h.VisitorPasses.InviteVisitorAs(r.Context(), id.ProjectID, id.PersonID, p); err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		reshowForm(h, w, r, err, h.portalVisitorsView, r.PostForm, "portal_visitors", "")
		return
	}
	h.redirect(w, r, "/my/visitors", h.T(r, "Invited: %s receives the code %s by SMS.", p.VisitorName, p.Code))
}

// portalVisitorCancel calls a visit off: the code no longer opens the gate.
func (h *Handler) portalVisitorCancel(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.VisitorPasses.CancelMyVisitorPass(r.Context(), id); err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		reshowForm(h, w, r, err, h.portalVisitorsView, r.PostForm, "portal_visitors", "")
		return
	}
	h.redirect(w, r, "/my/visitors", h.T(r, "The visit is cancelled: the code no longer works."))
}
