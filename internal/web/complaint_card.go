package web

import (
	"net/http"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// complaintCardRoutes are the complaints on the customer card (U4), with
// the key-customer mark (U3).
func (h *Handler) complaintCardRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/residents/{id}/complaints", Perm: wubu.PermResidentView, Handler: h.residentComplaints},
	}
}

type residentComplaintsView struct {
	complaintPage
	PersonID   int64
	Complaints []*wubu.Complaint
	// Key: a key customer; MayRead: the caller may open the profile.
	Key, MayRead bool
}

// residentComplaints is the customer card's complaints section: loaded
// into the card by htmx, or a page of its own.
func (h *Handler) residentComplaints(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	res, err := h.Residents.FindResident(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	base, err := h.newComplaintPage(r, "Complaints")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &residentComplaintsView{complaintPage: base, PersonID: id}
	v.ProjectID = res.ProjectID
	if v.Complaints, _, err = h.Complaints.FindComplaints(ctx, res.ProjectID, wubu.ComplaintFilter{PersonID: &id, Limit: 50}); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Key, v.MayRead, err = h.KeyProfiles.IsKeyCustomer(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	renderPart(h, w, r, v, "resident_complaints", "resident-complaints")
}
