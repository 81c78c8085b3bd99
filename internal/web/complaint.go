package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// complaintRoutes are the pages of complaints (U4): the list with its
// filters and export, the desk's form (from the lookup or the customer
// card), a complaint with the forms of its steps.
func (h *Handler) complaintRoutes() []server.Route {
	steps := h.complaintSteps()
	return []server.Route{
		{Method: "GET", Path: "/complaints", Perm: wubu.PermResidentView, Handler: h.complaintList},
		{Method: "GET", Path: "/complaints/export", Perm: wubu.PermResidentView, Handler: h.complaintExport},
		{Method: "GET", Path: "/complaints/new", Perm: wubu.PermResidentEdit, Handler: h.complaintNew},
		{Method: "POST", Path: "/complaints", Perm: wubu.PermResidentEdit, Handler: h.complaintCreate},
		{Method: "GET", Path: "/complaints/{id}", Perm: wubu.PermResidentView, Handler: h.complaintShow},
		{Method: "GET", Path: "/complaints/{id}/photos/{photo}", Perm: wubu.PermResidentView, Handler: server.PhotoHandler(h.fail, h.complaintPhoto)},
		{Method: "POST", Path: "/complaints/{id}/acknowledge", Perm: wubu.PermOrderDispatch, Handler: h.step(steps, "acknowledge_", h.complaintAcknowledge)},
		{Method: "POST", Path: "/complaints/{id}/assign", Perm: wubu.PermOrderDispatch, Handler: h.step(steps, "assign_", h.complaintAssign)},
		{Method: "POST", Path: "/complaints/{id}/handle", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "handle_", h.complaintHandle)},
		{Method: "POST", Path: "/complaints/{id}/reply", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "reply_", h.complaintReply)},
		{Method: "POST", Path: "/complaints/{id}/revisit", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "revisit_", h.complaintRevisit)},
		{Method: "POST", Path: "/complaints/{id}/close", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "close_", h.complaintClose)},
		{Method: "POST", Path: "/complaints/{id}/links", Perm: wubu.PermResidentEdit, Handler: h.step(steps, "link_", h.complaintLink)},
	}
}

// complaintPage is the base of the complaint pages.
type complaintPage struct {
	securityPage
	CanTake     bool // receive, handle, reply, revisit, close
	CanDispatch bool // acknowledge, assign
	Categories  []wubu.ComplaintCategory
	Channels    []wubu.ComplaintChannel
	States      []wubu.ComplaintState
	Severities  []wubu.Severity
}

func (h *Handler) newComplaintPage(r *http.Request, title string) (complaintPage, error) {
	base, err := h.newSecurityPage(r, title)
	u := wubu.UserFromContext(r.Context())
	return complaintPage{securityPage: base, CanTake: u.Can(wubu.PermResidentEdit), CanDispatch: u.Can(wubu.PermOrderDispatch),
		Categories: wubu.ComplaintCategories, Channels: wubu.ComplaintChannels, States: wubu.ComplaintStates, Severities: wubu.Severities}, err
}

type complaintListView struct {
	complaintPage
	Complaints []*wubu.Complaint
	Pager      PagerView
	Buildings  []*wubu.Building
	State      string
	Category   string
	Lane       string
	Building   string
	Overdue    bool
	Query      string
	Rates      []wubu.ComplaintRate
}

// complaintFilter reads the list's filters from the URL.
func complaintFilter(v *complaintListView, r *http.Request) wubu.ComplaintFilter {
	q := r.URL.Query()
	v.State, v.Category, v.Lane, v.Building, v.Overdue = q.Get("state"), q.Get("category"), q.Get("lane"), q.Get("building"), q.Get("overdue") == "1"
	f := wubu.ComplaintFilter{Category: wubu.ComplaintCategory(v.Category), Overdue: v.Overdue, BuildingID: optID(r, "building"), Limit: pageSize}
	var state string
	f.Open, state = openOrState(v.State)
	f.State = wubu.ComplaintState(state)
	switch v.Lane {
	case "fast", "ordinary":
		fast := v.Lane == "fast"
		f.Fast = &fast
	}
	v.Query = r.URL.RawQuery
	return f
}

// complaintList lists a project's complaints with the filters in the URL,
// and the complaint rate of the last months.
func (h *Handler) complaintList(w http.ResponseWriter, r *http.Request) {
	base, err := h.newComplaintPage(r, "Complaints")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &complaintListView{complaintPage: base}
	f := complaintFilter(v, r)
	if v.Complaints, v.Pager, err = listPage(r, &v.securityPage, func(offset int) ([]*wubu.Complaint, int, error) {
		f.Offset = offset
		return h.Complaints.FindComplaints(r.Context(), v.ProjectID, f)
	}); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Buildings, err = h.chosenBuildings(r, &v.securityPage); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.ProjectID != 0 && v.User.Can(wubu.PermReportView) {
		if v.Rates, err = h.Complaints.Rates(r.Context(), v.ProjectID, 6); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, http.StatusOK, "complaints", v)
}

// complaintExport writes the filtered list as an Excel file.
func (h *Handler) complaintExport(w http.ResponseWriter, r *http.Request) {
	base, err := h.newComplaintPage(r, "Complaints")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &complaintListView{complaintPage: base}
	f := complaintFilter(v, r)
	f.Limit = 5000
	list, _, err := h.Complaints.FindComplaints(r.Context(), v.ProjectID, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := [][]any{{"#", v.T("Received"), v.T("Channel"), v.T("Category"), v.T("Severity"), v.T("Lane"), v.T("Resident"), v.T("Building"),
		v.T("Description"), v.T("Wish"), v.T("Status"), v.T("Team"), v.T("Handled"), v.T("Overdue"), v.T("Complaint points")}}
	for _, c := range list {
		lane := v.T("Ordinary")
		if c.Fast {
			lane = v.T("Fast lane")
		}
		team := ""
		if c.Team != "" {
			team = v.T("post:" + string(c.Team))
		}
		overdue := ""
		if c.Overdue {
			overdue = v.T("Overdue")
		}
		rows = append(rows, []any{c.ID, v.DateTime(c.ReceivedAt), v.Label("complaint_channel", c.Channel), v.Label("complaint_category", c.Category),
			v.Label("hazard_severity", c.Severity), lane, c.PersonName, c.BuildingName, c.Description, c.Wish, v.Label("complaint_state", c.State),
			team, c.HandleNote, overdue, c.Points})
	}
	h.writeXLSX(w, r, v.T("Complaints"), "complaints-"+v.Now.In(cst).Format("20060102")+".xlsx", rows, colWidth{"I", "I", 48})
}

type complaintNewView struct {
	complaintPage
	Buildings []*wubu.Building
	// Person is the resident the complaint is from, when the form was
	// opened from the lookup or the customer card.
	Person *wubu.Resident
}

// complaintNew is the desk's form; ?person= fills in the resident found
// at the lookup.
func (h *Handler) complaintNew(w http.ResponseWriter, r *http.Request) {
	base, err := h.newComplaintPage(r, "Take a complaint")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &complaintNewView{complaintPage: base}
	if pid := optID(r, "person"); pid != nil {
		v.Form.Set("person_id", strconv.FormatInt(*pid, 10))
	}
	h.renderComplaintNew(w, r, v, http.StatusOK)
}

func (h *Handler) renderComplaintNew(w http.ResponseWriter, r *http.Request, v *complaintNewView, status int) {
	if pid, err := strconv.ParseInt(v.Form.Get("person_id"), 10, 64); err == nil && pid > 0 {
		p, err := h.Residents.FindResident(r.Context(), pid)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Person, v.ProjectID = p, p.ProjectID
	}
	var err error
	if v.Buildings, err = h.chosenBuildings(r, &v.securityPage); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "complaint_new", v)
}

func (h *Handler) complaintCreate(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	base, err := h.newComplaintPage(r, "Take a complaint")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c := &wubu.Complaint{ProjectID: base.ProjectID, Channel: wubu.ComplaintChannel(r.FormValue("channel")), Category: wubu.ComplaintCategory(r.FormValue("category")),
		Severity: wubu.Severity(r.FormValue("severity")), PersonID: optID(r, "person_id"), BuildingID: optID(r, "building_id"),
		Description: r.FormValue("description"), Wish: r.FormValue("wish"), Marked: r.FormValue("marked") == "1"}
	if c.PersonID == nil && r.FormValue("resident") != "" {
		// The resident is found by their room or name, as at the lookup.
		hits, lerr := h.Residents.Lookup(r.Context(), base.ProjectID, r.FormValue("resident"), 2)
		switch {
		case lerr != nil:
			err = lerr
		case len(hits) == 1:
			c.PersonID = &hits[0].PersonID
		default:
			err = wubu.FieldErrorf("resident", wubu.EINVALID, "Name one resident: their room, name or phone's last four digits.")
		}
	}
	if c.PersonID != nil {
		if p, perr := h.Residents.FindResident(r.Context(), *c.PersonID); perr == nil {
			c.ProjectID = p.ProjectID
		}
	}
	var photos []*wubu.Photo
	if err == nil {
		photos, err = server.ReadPhotos(r, "photo", 6)
	}
	if err == nil {
		err = h.Complaints.ReceiveComplaint(r.Context(), c, photos...)
	}
	if err != nil {
		if e := wubu.AsError(err); e != nil && e.Field == "person_id" {
			err = &wubu.Error{Code: e.Code, Format: e.Format, Args: e.Args, Field: "resident"}
		}
		v := &complaintNewView{complaintPage: base}
		h.renderComplaintNew(w, r, v, refuse(r, v, r.Form, err, ""))
		return
	}
	msg := h.T(r, "Complaint received.")
	if c.Fast {
		msg = h.T(r, "Complaint received in the fast lane: the manager has been told.")
	}
	h.redirect(w, r, "/complaints/"+strconv.FormatInt(c.ID, 10), msg)
}

type complaintView struct {
	complaintPage
	Complaint *wubu.Complaint
	Teams     []wubu.Post
	Staff     []*wubu.User
	LinkTypes []string
	// CanRevisit is false for the one who handled it.
	CanRevisit bool
}

func (h *Handler) complaintView(r *http.Request) (*complaintView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	base, err := h.newComplaintPage(r, "Complaint")
	if err != nil {
		return nil, err
	}
	v := &complaintView{complaintPage: base, LinkTypes: wubu.ComplaintLinkTypes}
	if v.Complaint, err = h.Complaints.FindComplaint(r.Context(), id); err != nil {
		return nil, err
	}
	v.Title = v.T("Complaint") + " #" + strconv.FormatInt(id, 10)
	v.CanRevisit = v.CanTake && (v.Complaint.HandledBy == nil || *v.Complaint.HandledBy != v.User.ID)
	if v.CanDispatch {
		for _, p := range wubu.Posts {
			if p != wubu.PostNone {
				v.Teams = append(v.Teams, p)
			}
		}
		users, _, err := h.Users.FindUsers(r.Context(), wubu.UserFilter{ProjectID: &v.Complaint.ProjectID, Limit: 500})
		if err == nil {
			for _, u := range users {
				if !u.Disabled && u.Post != wubu.PostNone {
					v.Staff = append(v.Staff, u)
				}
			}
		}
	}
	return v, nil
}

func (h *Handler) complaintShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.complaintView, "complaint")
}

func (h *Handler) complaintPhoto(ctx context.Context, id, photoID int64) (string, []byte, error) {
	p, err := h.Complaints.FindComplaintPhoto(ctx, id, photoID)
	if err != nil {
		return "", nil, err
	}
	return p.ContentType, p.Data, nil
}

// complaintSteps are a complaint's pages for its steps.
func (h *Handler) complaintSteps() stepPage {
	return stepPage{path: "/complaints/%d", reshow: reshowWith(h, h.complaintView, "complaint")}
}

func (h *Handler) complaintAcknowledge(r *http.Request, id int64) (string, error) {
	_, err := h.Complaints.AcknowledgeComplaint(r.Context(), id, r.FormValue("note"))
	return h.T(r, "Complaint acknowledged."), err
}

func (h *Handler) complaintAssign(r *http.Request, id int64) (string, error) {
	_, err := h.Complaints.AssignComplaint(r.Context(), id, wubu.Post(r.FormValue("team")), optID(r, "assignee_id"))
	return h.T(r, "Complaint assigned."), err
}

func (h *Handler) complaintHandle(r *http.Request, id int64) (string, error) {
	_, err := h.Complaints.HandleComplaint(r.Context(), id, r.FormValue("note"))
	return h.T(r, "Handling recorded."), err
}

func (h *Handler) complaintReply(r *http.Request, id int64) (string, error) {
	_, err := h.Complaints.ReplyComplaint(r.Context(), id, r.FormValue("note"))
	return h.T(r, "Reply recorded: someone other than the handler now makes the revisit."), err
}

func (h *Handler) complaintRevisit(r *http.Request, id int64) (string, error) {
	satisfied := r.FormValue("satisfied") == "1"
	if _, err := h.Complaints.RevisitComplaint(r.Context(), id, satisfied, r.FormValue("note")); err != nil {
		return "", err
	}
	if !satisfied {
		return h.T(r, "The resident is not satisfied: the complaint is back with its team."), nil
	}
	return h.T(r, "Revisit recorded."), nil
}

func (h *Handler) complaintClose(r *http.Request, id int64) (string, error) {
	_, err := h.Complaints.CloseComplaint(r.Context(), id)
	return h.T(r, "Complaint closed."), err
}

func (h *Handler) complaintLink(r *http.Request, id int64) (string, error) {
	oid, err := strconv.ParseInt(r.FormValue("object_id"), 10, 64)
	if err != nil || oid <= 0 {
		return "", wubu.FieldErrorf("object_id", wubu.EINVALID, "Enter the number of the work order, hazard or parking problem.")
	}
	_, err = h.Complaints.LinkComplaint(r.Context(), id, wubu.ComplaintLink{ObjectType: r.FormValue("object_type"), ObjectID: oid})
	return h.T(r, "Link added."), err
}

// LinkHref is the page of a linked object.
func (v *complaintView) LinkHref(l *wubu.ComplaintLink) string {
	switch l.ObjectType {
	case "order":
		return fmt.Sprintf("/orders/%d", l.ObjectID)
	case "hazard":
		return fmt.Sprintf("/hazards/%d", l.ObjectID)
	}
	return fmt.Sprintf("/parking/%d", l.ObjectID)
}
