package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// The forum as members of the community see it (K4, U5): a board's
// topics with the form to open one, a topic with the reply form and the
// report buttons. The same pages serve buyers before move-in (/pre) and,
// with the portal, residents: a member func says who is signed in and
// under which path their pages live.

// member is a member of the community signed in on one of its sites.
type member struct {
	Author wubu.ForumAuthor
	// Base is the path the member's pages live under ("/pre"); Signin the
	// page to sign in again.
	Base, Signin string
	Name         string
}

// memberFunc returns the member signed in, or EUNAUTHORIZED.
type memberFunc func(r *http.Request) (*member, error)

type memberForumView struct {
	Page
	Member *member
	Board  *wubu.ForumBoard
	Topics []*wubu.ForumPost
	Topic  *wubu.ForumTopic
	Pager  PagerView
}

// memberPage builds a member's forum page, or answers the request itself
// (a redirect to the sign-in, an error page) and returns nil.
func (h *Handler) memberPage(w http.ResponseWriter, r *http.Request, who memberFunc, build func(v *memberForumView, id int64) error) *memberForumView {
	m, err := who(r)
	if err != nil {
		if server.ErrorCode(err) == wubu.EUNAUTHORIZED {
			http.Redirect(w, r, m0(m).Signin+"?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
			return nil
		}
		h.fail(w, r, err)
		return nil
	}
	id, err := pathID(r, "id")
	if err == nil {
		v := &memberForumView{Page: h.newPage(r, "Community forum"), Member: m}
		if err = build(v, id); err == nil {
			return v
		}
	}
	h.fail(w, r, err)
	return nil
}

// m0 is a member's sign-in when nobody is signed in: the buyers' page.
func m0(m *member) *member {
	if m == nil {
		return &member{Signin: "/pre"}
	}
	return m
}

func (h *Handler) memberBoardView(v *memberForumView, r *http.Request, id int64) error {
	page, offset := pageOffset(r)
	var total int
	var err error
	if v.Board, v.Topics, total, err = h.Forum.FindTopics(r.Context(), id, &v.Member.Author, offset, pageSize); err != nil {
		return err
	}
	v.Title, v.Pager = v.Board.Name, newPager(&v.Page, r, page, total)
	return nil
}

// memberBoard shows a board's topics and the form to open one.
func (h *Handler) memberBoard(who memberFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if v := h.memberPage(w, r, who, func(v *memberForumView, id int64) error { return h.memberBoardView(v, r, id) }); v != nil {
			h.render(w, r, http.StatusOK, "member_board", v)
		}
	}
}

// memberTopicCreate opens a topic on a board.
func (h *Handler) memberTopicCreate(who memberFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		var post *wubu.ForumPost
		v := h.memberPage(w, r, who, func(v *memberForumView, id int64) error {
			post = &wubu.ForumPost{BoardID: id, Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
			if err := h.Forum.PostTopicAs(r.Context(), v.Member.Author, post); err != nil {
				if !refusedStep(err) {
					return err
				}
				status := formError(r, &v.Page, err, "")
				v.Form = r.PostForm
				if err := h.memberBoardView(v, r, id); err != nil {
					return err
				}
				h.render(w, r, status, "member_board", v)
				post = nil
			}
			return nil
		})
		if v != nil && post != nil {
			h.redirect(w, r, fmt.Sprintf("%s/forum/topics/%d", v.Member.Base, post.ID), h.T(r, "Posted."))
		}
	}
}

// memberTopic shows a topic with its replies and the reply form.
func (h *Handler) memberTopic(who memberFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := h.memberPage(w, r, who, func(v *memberForumView, id int64) error {
			var err error
			if v.Topic, err = h.Forum.FindTopic(r.Context(), id, &v.Member.Author); err == nil {
				v.Title = v.Topic.Topic.Title
			}
			return err
		})
		if v != nil {
			h.render(w, r, http.StatusOK, "member_topic", v)
		}
	}
}

// memberReply replies to a topic.
func (h *Handler) memberReply(who memberFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		done := false
		v := h.memberPage(w, r, who, func(v *memberForumView, id int64) error {
			_, err := h.Forum.ReplyAs(r.Context(), v.Member.Author, id, r.PostFormValue("body"))
			if err == nil {
				done = true
				return nil
			}
			if !refusedStep(err) {
				return err
			}
			status := formError(r, &v.Page, err, "")
			v.Form = r.PostForm
			if v.Topic, err = h.Forum.FindTopic(r.Context(), id, &v.Member.Author); err != nil {
				return err
			}
			h.render(w, r, status, "member_topic", v)
			return nil
		})
		if v != nil && done {
			id, _ := pathID(r, "id")
			h.redirect(w, r, fmt.Sprintf("%s/forum/topics/%d", v.Member.Base, id), h.T(r, "Posted."))
		}
	}
}

// memberReport reports a post to the centre's moderators and goes back
// to its topic.
func (h *Handler) memberReport(who memberFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		v := h.memberPage(w, r, who, func(v *memberForumView, id int64) error {
			return h.Forum.ReportAs(r.Context(), v.Member.Author, id, r.PostFormValue("reason"))
		})
		if v != nil {
			topic := optID(r, "topic")
			next := v.Member.Base
			if topic != nil {
				next = fmt.Sprintf("%s/forum/topics/%d", v.Member.Base, *topic)
			}
			h.redirect(w, r, next, h.T(r, "Thank you: the service centre will look at it."))
		}
	}
}
