package web

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

type parkingListView struct {
	secPage
	Problems []*wubu.ParkingProblem
	Pager    PagerView
	State    string
	Plate    string
	States   []wubu.ParkingState
}

// parkingList lists a project's parking problems.
func (h *Handler) parkingList(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecPage(r, "Parking problems")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := &parkingListView{secPage: base, State: q.Get("state"), Plate: q.Get("plate"), States: wubu.ParkingStates}
	page, offset := pageOffset(r)
	f := wubu.ParkingFilter{Plate: v.Plate, Offset: offset, Limit: pageSize}
	switch v.State {
	case "":
		f.Open = true
	case "all":
	default:
		f.State = wubu.ParkingState(v.State)
	}
	total := 0
	if v.ProjectID != 0 {
		if v.Problems, total, err = h.Parking.FindParkings(r.Context(), v.ProjectID, f); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	v.Pager = newPager(&v.Page, r, page, total)
	h.render(w, r, http.StatusOK, "parkings", v)
}

type parkingNewView struct {
	secPage
	Buildings []*wubu.Building
	Kinds     []wubu.ParkingKind
}

// parkingNew is the form to report a parking problem from the phone.
func (h *Handler) parkingNew(w http.ResponseWriter, r *http.Request) {
	base, err := h.newSecPage(r, "Report a parking problem")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &parkingNewView{secPage: base}
	if s := r.URL.Query().Get("plate"); s != "" {
		v.Form.Set("plate", s)
	}
	h.renderParkingNew(w, r, v, http.StatusOK)
}

func (h *Handler) renderParkingNew(w http.ResponseWriter, r *http.Request, v *parkingNewView, status int) {
	v.Kinds = wubu.ParkingKinds
	if v.ProjectID != 0 {
		var err error
		if v.Buildings, err = h.Org.FindBuildings(r.Context(), v.ProjectID); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, status, "parking_new", v)
}

func (h *Handler) parkingCreate(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	base, err := h.newSecPage(r, "Report a parking problem")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := &wubu.ParkingProblem{ProjectID: base.ProjectID, Kind: wubu.ParkingKind(r.FormValue("kind")), Plate: r.FormValue("plate"),
		BuildingID: optID(r, "building_id"), Place: r.FormValue("place"), Description: r.FormValue("description")}
	photo, err := formPhoto(r, "photo")
	if err == nil {
		var photos []*wubu.SecurityPhoto
		if photo != nil {
			photos = append(photos, photo)
		}
		err = h.Parking.ReportParking(r.Context(), p, photos...)
	}
	if err != nil {
		v := &parkingNewView{secPage: base}
		v.Form = r.Form
		h.renderParkingNew(w, r, v, formError(r, &v.Page, err, ""))
		return
	}
	h.redirect(w, r, "/parking/"+strconv.FormatInt(p.ID, 10), h.T(r, "Parking problem reported."))
}

type parkingView struct {
	secPage
	Problem *wubu.ParkingProblem
	Staff   []*wubu.User
}

func (h *Handler) parkingView(r *http.Request) (*parkingView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	base, err := h.newSecPage(r, "Parking problem")
	if err != nil {
		return nil, err
	}
	v := &parkingView{secPage: base}
	if v.Problem, err = h.Parking.FindParking(r.Context(), id); err != nil {
		return nil, err
	}
	if v.CanManage {
		v.Staff = h.projectStaff(r, v.Problem.ProjectID)
	}
	return v, nil
}

func (h *Handler) parkingShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.parkingView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "parking", v)
}

// parkingStep assigns, handles or closes a parking problem.
func (h *Handler) parkingStep(step string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		parseForm(w, r)
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		ctx := r.Context()
		var msg string
		switch step {
		case "assign":
			uid, _ := strconv.ParseInt(r.FormValue("assignee_id"), 10, 64)
			_, err = h.Parking.AssignParking(ctx, id, uid)
			msg = h.T(r, "Parking problem assigned.")
		case "handle":
			var photo *wubu.SecurityPhoto
			if photo, err = formPhoto(r, "photo"); err == nil {
				_, err = h.Parking.HandleParking(ctx, id, r.FormValue("note"), photo)
			}
			msg = h.T(r, "Handling recorded.")
		case "close":
			_, err = h.Parking.CloseParking(ctx, id)
			msg = h.T(r, "Parking problem closed.")
		}
		if err != nil {
			code := server.ErrorCode(err)
			if code == wubu.EINTERNAL || (code == wubu.ENOTFOUND && wubu.AsError(err).Field == "") {
				h.fail(w, r, err)
				return
			}
			v, verr := h.parkingView(r)
			if verr != nil {
				h.fail(w, r, verr)
				return
			}
			v.Form = r.Form
			h.render(w, r, formError(r, &v.Page, err, step+"_"), "parking", v)
			return
		}
		h.redirect(w, r, "/parking/"+strconv.FormatInt(id, 10), msg)
	}
}
