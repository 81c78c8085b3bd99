package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// parkingRoutes are the pages of parking problems (S4). /parking/new is
// linked from the guard's start page and must stay.
func (h *Handler) parkingRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/parking", Perm: wubu.PermSecurityView, Handler: h.parkingList},
		{Method: "GET", Path: "/parking/new", Perm: wubu.PermSecurityEdit, Handler: h.parkingNew},
		{Method: "POST", Path: "/parking", Perm: wubu.PermSecurityEdit, Handler: h.parkingCreate},
		{Method: "GET", Path: "/parking/{id}", Perm: wubu.PermSecurityView, Handler: h.parkingShow},
		{Method: "GET", Path: "/parking/{id}/photos/{photo}", Perm: wubu.PermSecurityView, Handler: h.securityPhoto("parking")},
		{Method: "POST", Path: "/parking/{id}/assign", Perm: wubu.PermSecurityManage, Handler: h.step(h.parkingSteps(), "assign_", h.parkingAssign)},
		{Method: "POST", Path: "/parking/{id}/handle", Perm: wubu.PermSecurityEdit, Handler: h.step(h.parkingSteps(), "handle_", h.parkingHandle)},
		{Method: "POST", Path: "/parking/{id}/close", Perm: wubu.PermSecurityEdit, Handler: h.step(h.parkingSteps(), "close_", h.parkingClose)},
	}
}

type parkingListView struct {
	securityPage
	Problems []*wubu.ParkingProblem
	Pager    PagerView
	State    string
	Plate    string
	States   []wubu.ParkingState
}

// parkingList lists a project's parking problems.
func (h *Handler) parkingList(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Parking problems")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := &parkingListView{securityPage: base, State: q.Get("state"), Plate: q.Get("plate"), States: wubu.ParkingStates}
	f := wubu.ParkingFilter{Plate: v.Plate, Limit: pageSize}
	var state string
	f.Open, state = openOrState(v.State)
	f.State = wubu.ParkingState(state)
	if v.Problems, v.Pager, err = listPage(r, &v.securityPage, func(offset int) ([]*wubu.ParkingProblem, int, error) {
		f.Offset = offset
		return h.Parking.FindParkings(r.Context(), v.ProjectID, f)
	}); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "parkings", v)
}

type parkingNewView struct {
	securityPage
	Buildings []*wubu.Building
	Kinds     []wubu.ParkingKind
}

// parkingNew is the form to report a parking problem from the phone.
func (h *Handler) parkingNew(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecurityPage(r, "Report a parking problem")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &parkingNewView{securityPage: base}
	if s := r.URL.Query().Get("plate"); s != "" {
		v.Form.Set("plate", s)
	}
	h.renderParkingNew(w, r, v, http.StatusOK)
}

func (h *Handler) renderParkingNew(w http.ResponseWriter, r *http.Request, v *parkingNewView, status int) {
	v.Kinds = wubu.ParkingKinds
	var err error
	if v.Buildings, err = h.chosenBuildings(r, &v.securityPage); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "parking_new", v)
}

func (h *Handler) parkingCreate(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	base, err := h.newSecurityPage(r, "Report a parking problem")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := &wubu.ParkingProblem{ProjectID: base.ProjectID, Kind: wubu.ParkingKind(r.FormValue("kind")), Plate: r.FormValue("plate"),
		BuildingID: optID(r, "building_id"), Place: r.FormValue("place"), Description: r.FormValue("description")}
	photo, err := server.ReadPhoto(r, "photo")
	if err == nil {
		var photos []*wubu.Photo
		if photo != nil {
			photos = append(photos, photo)
		}
		err = h.Parking.ReportParking(r.Context(), p, photos...)
	}
	if err != nil {
		v := &parkingNewView{securityPage: base}
		h.renderParkingNew(w, r, v, refuse(r, v, r.Form, err, ""))
		return
	}
	h.redirect(w, r, "/parking/"+strconv.FormatInt(p.ID, 10), h.T(r, "Parking problem reported."))
}

type parkingView struct {
	securityPage
	Problem *wubu.ParkingProblem
	Staff   []*wubu.User
}

func (h *Handler) parkingView(r *http.Request) (*parkingView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	base, err := h.newSecurityPage(r, "Parking problem")
	if err != nil {
		return nil, err
	}
	v := &parkingView{securityPage: base}
	if v.Problem, err = h.Parking.FindParking(r.Context(), id); err != nil {
		return nil, err
	}
	if v.CanManage {
		v.Staff = h.projectStaff(r, v.Problem.ProjectID)
	}
	return v, nil
}

func (h *Handler) parkingShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.parkingView, "parking")
}

// parkingSteps are a parking problem's pages for its steps.
func (h *Handler) parkingSteps() stepPage {
	return stepPage{path: "/parking/%d", reshow: reshowWith(h, h.parkingView, "parking")}
}

func (h *Handler) parkingAssign(r *http.Request, id int64) (string, error) {
	uid, _ := strconv.ParseInt(r.FormValue("assignee_id"), 10, 64)
	_, err := h.Parking.AssignParking(r.Context(), id, uid)
	return h.T(r, "Parking problem assigned."), err
}

func (h *Handler) parkingHandle(r *http.Request, id int64) (string, error) {
	photo, err := server.ReadPhoto(r, "photo")
	if err == nil {
		_, err = h.Parking.HandleParking(r.Context(), id, r.FormValue("note"), photo)
	}
	return h.T(r, "Handling recorded."), err
}

func (h *Handler) parkingClose(r *http.Request, id int64) (string, error) {
	_, err := h.Parking.CloseParking(r.Context(), id)
	return h.T(r, "Parking problem closed."), err
}
