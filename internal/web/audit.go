package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

type auditView struct {
	Page
	Query   url.Values
	Actions []string
	// ObjectTypes are the kinds of object to filter by.
	ObjectTypes []string
	Entries     []auditRow
	Pager       PagerView
}

// auditList searches the audit log by person, object and time.
func (h *Handler) auditList(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := &auditView{Page: h.newPage(r, "Audit log"), Query: q,
		Actions:     []string{wubu.ActionCreate, wubu.ActionUpdate, wubu.ActionDelete, wubu.ActionRead, wubu.ActionLogin, wubu.ActionLoginFailed, wubu.ActionLogout},
		ObjectTypes: auditObjectTypes}
	page, offset := pageOffset(r)
	f := wubu.AuditFilter{Login: q.Get("login"), ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), Action: q.Get("action"), Offset: offset, Limit: pageSize}
	for _, d := range []struct {
		field string
		dst   **time.Time
		add   int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		s := q.Get(d.field)
		if s == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", s, cst)
		if err != nil {
			v.Errors[d.field] = v.T("Enter a date as 2026-11-27.")
			h.render(w, r, http.StatusUnprocessableEntity, "audit", v)
			return
		}
		t = t.AddDate(0, 0, d.add)
		*d.dst = &t
	}
	entries, total, err := h.Audit.FindAuditEntries(r.Context(), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	n := h.newNames(r.Context(), v.Lang)
	for _, e := range entries {
		row := auditRow{At: e.At, Login: e.Login, IP: e.IP, Action: e.Action, Field: e.Field, Who: e.Login,
			Object: v.objectName(n, e.ObjectType, e.ObjectID), Href: objectHref(e.ObjectType, e.ObjectID),
			Changes: v.auditChanges(n, e.ObjectType, e.Before, e.After)}
		if e.UserID != nil {
			row.Who = n.User(*e.UserID)
		} else if strings.HasPrefix(e.Login, "system:") {
			row.Who, row.Login = v.codeLabel("", e.Login), ""
		}
		if e.Field != "" {
			row.Field = v.codeLabel("field:", e.Field)
		}
		v.Entries = append(v.Entries, row)
	}
	v.Pager = newPager(&v.Page, r, page, total)
	h.render(w, r, http.StatusOK, "audit", v)
}
