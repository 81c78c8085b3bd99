package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// forumRoutes are the staff's pages of the community forum and the
// interest groups (K4, U5): the boards with the reported posts, a board's
// topics, a topic with the answer form and the moderation buttons.
func (h *Handler) forumRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/forum", Perm: wubu.PermResidentView, Handler: h.forumBoards},
		{Method: "POST", Path: "/forum/boards", Perm: wubu.PermStaffView, Handler: h.forumBoardCreate},
		{Method: "GET", Path: "/forum/boards/{id}", Perm: wubu.PermResidentView, Handler: h.forumBoard},
		{Method: "GET", Path: "/forum/topics/{id}", Perm: wubu.PermResidentView, Handler: h.forumTopic},
		{Method: "POST", Path: "/forum/topics/{id}/answer", Perm: wubu.PermResidentEdit, Handler: h.step(h.forumSteps(), "answer_", h.forumAnswer)},
		{Method: "POST", Path: "/forum/topics/{id}/moderate", Perm: wubu.PermStaffView, Handler: h.step(h.forumSteps(), "moderate_", h.forumModerate)},
	}
}

type forumView struct {
	securityPage
	Boards      []*wubu.ForumBoard
	Reports     []*wubu.ForumReport
	CanModerate bool
}

func (h *Handler) forumView(r *http.Request) (*forumView, error) {
	base, err := h.newSecurityPage(r, "Community forum")
	if err != nil {
		return nil, err
	}
	v := &forumView{securityPage: base, CanModerate: wubu.UserFromContext(r.Context()).Can(wubu.PermStaffView)}
	if v.ProjectID == 0 {
		return v, nil
	}
	if v.Boards, err = h.Forum.FindBoards(r.Context(), v.ProjectID, nil); err != nil {
		return nil, err
	}
	if v.CanModerate {
		if v.Reports, err = h.Forum.FindReports(r.Context(), v.ProjectID); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func (h *Handler) forumBoards(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.forumView, "forum")
}

// forumBoardCreate creates the general board or an interest group's.
func (h *Handler) forumBoardCreate(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v, err := h.forumView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b := &wubu.ForumBoard{ProjectID: v.ProjectID, Kind: r.FormValue("kind"), Name: r.FormValue("name"), Description: r.FormValue("description")}
	if err := h.Forum.CreateBoard(r.Context(), b); err != nil {
		if !refusedStep(err) {
			h.fail(w, r, err)
			return
		}
		reshowForm(h, w, r, err, h.forumView, r.Form, "forum", "")
		return
	}
	h.redirect(w, r, "/forum/boards/"+strconv.FormatInt(b.ID, 10), h.T(r, "Board created."))
}

type forumBoardView struct {
	securityPage
	Board  *wubu.ForumBoard
	Topics []*wubu.ForumPost
	Pager  PagerView
}

func (h *Handler) forumBoard(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, func(r *http.Request) (*forumBoardView, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		base, err := h.newSecurityPage(r, "Community forum")
		if err != nil {
			return nil, err
		}
		v := &forumBoardView{securityPage: base}
		page, offset := pageOffset(r)
		var total int
		if v.Board, v.Topics, total, err = h.Forum.FindTopics(r.Context(), id, nil, offset, pageSize); err != nil {
			return nil, err
		}
		v.ProjectID, v.Title = v.Board.ProjectID, v.Board.Name
		v.Pager = newPager(&v.Page, r, page, total)
		return v, nil
	}, "forum_board")
}

type forumTopicView struct {
	securityPage
	Topic       *wubu.ForumTopic
	CanModerate bool
	CanAnswer   bool
}

func (h *Handler) forumTopicView(r *http.Request) (*forumTopicView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	base, err := h.newSecurityPage(r, "Community forum")
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(r.Context())
	v := &forumTopicView{securityPage: base, CanModerate: u.Can(wubu.PermStaffView), CanAnswer: u.Can(wubu.PermResidentEdit)}
	if v.Topic, err = h.Forum.FindTopic(r.Context(), id, nil); err != nil {
		return nil, err
	}
	v.ProjectID, v.Title = v.Topic.Topic.ProjectID, v.Topic.Topic.Title
	return v, nil
}

func (h *Handler) forumTopic(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.forumTopicView, "forum_topic")
}

// forumSteps are a topic's pages for the answer and the moderation.
func (h *Handler) forumSteps() stepPage {
	return stepPage{path: "/forum/topics/%d", reshow: reshowWith(h, h.forumTopicView, "forum_topic")}
}

// forumAnswer answers a topic under the staff member's name and post.
func (h *Handler) forumAnswer(r *http.Request, id int64) (string, error) {
	if _, err := h.Forum.Answer(r.Context(), id, r.FormValue("body")); err != nil {
		return "", err
	}
	return h.T(r, "Answer posted under your name."), nil
}

// forumModerate locks, unlocks, hides or restores the topic or one of its
// replies (the form's post).
func (h *Handler) forumModerate(r *http.Request, id int64) (string, error) {
	post := id
	if p := optID(r, "post"); p != nil {
		post = *p
	}
	if _, err := h.Forum.Moderate(r.Context(), post, r.FormValue("action"), r.FormValue("note")); err != nil {
		return "", err
	}
	return h.T(r, "Done."), nil
}

// forumPostView is a post with the page that draws it (the layout's
// forum-author and forum-state snippets).
type forumPostView struct {
	Page *Page
	Post *wubu.ForumPost
}

// forumAuthor pairs a page and a post for the layout's snippets.
func forumAuthor(v view, post *wubu.ForumPost) forumPostView {
	return forumPostView{Page: v.page(), Post: post}
}
