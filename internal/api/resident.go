package api

import (
	"net/http"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// residentRoutes are the routes of residents and the one-box lookup.
func (h *Handler) residentRoutes(r func(string, string, wubu.Permission, http.HandlerFunc) server.Route) []server.Route {
	return []server.Route{
		r("GET", "/lookup", wubu.PermResidentView, call(h, http.StatusOK, h.lookup)),
		r("GET", "/residents/{id}/export", wubu.PermResidentRights, call(h, http.StatusOK, h.residentExport)),
		r("POST", "/residents/{id}/erase", wubu.PermResidentRights, call(h, http.StatusNoContent, h.residentErase)),
		r("GET", "/projects/{id}/retention", wubu.PermOrgView, call(h, http.StatusOK, h.retentionGet)),
		r("PUT", "/projects/{id}/retention", wubu.PermSettingsEdit, call(h, http.StatusOK, h.retentionSave)),
		r("GET", "/projects/{id}/residents", wubu.PermResidentView, call(h, http.StatusOK, h.residentList)),
		r("POST", "/projects/{id}/residents", wubu.PermResidentEdit, call(h, http.StatusCreated, h.residentCreate)),
		r("GET", "/projects/{id}/completeness", wubu.PermResidentView, call(h, http.StatusOK, h.completeness)),
		r("GET", "/residents/{id}", wubu.PermResidentView, call(h, http.StatusOK, h.residentGet)),
		r("PATCH", "/residents/{id}", wubu.PermResidentEdit, call(h, http.StatusOK, h.residentUpdate)),
		r("POST", "/residents/{id}/reveal", wubu.PermResidentView, call(h, http.StatusOK, h.residentReveal)),
		r("GET", "/residents/{id}/timeline", wubu.PermResidentView, call(h, http.StatusOK, h.residentTimeline)),
		r("POST", "/residents/{id}/contacts", wubu.PermResidentEdit, call(h, http.StatusCreated, h.residentContact)),
		r("POST", "/residents/{id}/households", wubu.PermResidentEdit, call(h, http.StatusCreated, h.householdCreate)),
		r("POST", "/residents/{id}/vehicles", wubu.PermResidentEdit, call(h, http.StatusCreated, h.vehicleCreate)),
		r("POST", "/residents/{id}/cards", wubu.PermResidentEdit, call(h, http.StatusCreated, h.cardCreate)),
		r("POST", "/residents/{id}/special-days", wubu.PermResidentEdit, call(h, http.StatusCreated, h.specialDayCreate)),
		r("POST", "/rooms/{id}/appliances", wubu.PermResidentEdit, call(h, http.StatusCreated, h.applianceCreate)),
	}
}

// lookup is the one-box search: GET /api/v1/lookup?q=…[&project_id=…][&limit=…].
func (h *Handler) lookup(r *http.Request, _ int64, _ none) (list[*wubu.LookupResult], error) {
	pid, err := queryID(r, "project_id")
	if err != nil {
		return list[*wubu.LookupResult]{}, err
	}
	var projectID int64
	if pid != nil {
		projectID = *pid
	}
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	res, err := h.Residents.Lookup(r.Context(), projectID, r.URL.Query().Get("q"), limit)
	return newList(res, len(res), 0), err
}

// residentRow is the JSON of a resident list line.
type residentRow struct {
	*wubu.Person
	Room     string       `json:"room"`
	Relation string       `json:"relation"`
	Plates   []string     `json:"plates"`
	Cards    []*wubu.Card `json:"cards"`
}

func (h *Handler) residentList(r *http.Request, id int64, _ none) (list[residentRow], error) {
	offset, limit := paging(r)
	f := wubu.ResidentFilter{ProjectID: id, Offset: offset, Limit: limit}
	var err error
	if f.BuildingID, err = queryID(r, "building_id"); err != nil {
		return list[residentRow]{}, err
	}
	if s := r.URL.Query().Get("relation"); s != "" {
		rel := wubu.Relation(s)
		f.Relation = &rel
	}
	if s := r.URL.Query().Get("care_flag"); s != "" {
		cf := wubu.CareFlag(s)
		f.CareFlag = &cf
	}
	rows, total, err := h.Residents.FindResidents(r.Context(), f)
	out := make([]residentRow, 0, len(rows))
	for _, row := range rows {
		out = append(out, residentRow{Person: row.Person, Room: row.Household.RoomLabel, Relation: string(row.Household.Relation), Plates: row.Plates, Cards: row.Cards})
	}
	return newList(out, total, offset), err
}

// newResident is a person to create, optionally with a home.
type newResident struct {
	wubu.Person
	RoomID   int64         `json:"room_id"`
	Relation wubu.Relation `json:"relation"`
	MoveIn   string        `json:"move_in"`
}

func (h *Handler) residentCreate(r *http.Request, id int64, req newResident) (*wubu.Resident, error) {
	p := req.Person
	p.ProjectID = id
	var err error
	if req.RoomID != 0 {
		// The person and the home are written together, or not at all.
		err = h.Residents.CreatePersonInRoom(r.Context(), &p, &wubu.Household{RoomID: req.RoomID, Relation: req.Relation, MoveIn: req.MoveIn})
	} else {
		err = h.Residents.CreatePerson(r.Context(), &p)
	}
	if err != nil {
		return nil, err
	}
	return h.Residents.FindResident(r.Context(), p.ID)
}

func (h *Handler) completeness(r *http.Request, id int64, _ none) (map[string]any, error) {
	c, err := h.Residents.Completeness(r.Context(), id)
	if err != nil {
		return nil, err
	}
	contrib, err := h.Residents.Contributions(r.Context(), id)
	return map[string]any{"completeness": c, "contributions": contrib}, err
}

func (h *Handler) residentGet(r *http.Request, id int64, _ none) (*wubu.Resident, error) {
	return h.Residents.FindResident(r.Context(), id)
}

func (h *Handler) residentUpdate(r *http.Request, id int64, upd wubu.PersonUpdate) (*wubu.Person, error) {
	return h.Residents.UpdatePerson(r.Context(), id, upd)
}

type revealRequest struct {
	Field string `json:"field"`
}

type revealResponse struct {
	Field  string   `json:"field"`
	Values []string `json:"values"`
}

// residentReveal shows a full phone or ID number; the read is audited.
func (h *Handler) residentReveal(r *http.Request, id int64, req revealRequest) (*revealResponse, error) {
	v, err := h.Residents.RevealPersonField(r.Context(), id, req.Field)
	return &revealResponse{Field: req.Field, Values: v}, err
}

func (h *Handler) residentTimeline(r *http.Request, id int64, _ none) (list[*wubu.TimelineEntry], error) {
	_, limit := paging(r)
	tl, err := h.Residents.Timeline(r.Context(), id, limit)
	return newList(tl, len(tl), 0), err
}

type contactRequest struct {
	Text string `json:"text"`
}

func (h *Handler) residentContact(r *http.Request, id int64, req contactRequest) (*wubu.TimelineEntry, error) {
	return h.Residents.AddContact(r.Context(), id, req.Text)
}

func (h *Handler) householdCreate(r *http.Request, id int64, hh wubu.Household) (*wubu.Household, error) {
	hh.PersonID = id
	return &hh, h.Residents.AddHousehold(r.Context(), &hh)
}

func (h *Handler) vehicleCreate(r *http.Request, id int64, v wubu.Vehicle) (*wubu.Vehicle, error) {
	v.PersonID = id
	return &v, h.Residents.AddVehicle(r.Context(), &v)
}

func (h *Handler) cardCreate(r *http.Request, id int64, c wubu.Card) (*wubu.Card, error) {
	c.PersonID = id
	return &c, h.Residents.AddCard(r.Context(), &c)
}

func (h *Handler) specialDayCreate(r *http.Request, id int64, d wubu.SpecialDay) (*wubu.SpecialDay, error) {
	d.PersonID = id
	return &d, h.Residents.AddSpecialDay(r.Context(), &d)
}

func (h *Handler) applianceCreate(r *http.Request, id int64, a wubu.Appliance) (*wubu.Appliance, error) {
	a.RoomID = id
	return &a, h.Residents.AddAppliance(r.Context(), &a)
}

// residentExport returns everything held about a resident (PIPL Art. 45).
func (h *Handler) residentExport(r *http.Request, id int64, _ none) (*wubu.PersonData, error) {
	return h.Rights.ExportPerson(r.Context(), id)
}

type eraseRequest struct {
	Confirm string `json:"confirm"` // the resident's name
}

// residentErase anonymises a resident on request (PIPL Art. 47).
func (h *Handler) residentErase(r *http.Request, id int64, req eraseRequest) (none, error) {
	return none{}, h.Rights.ErasePerson(r.Context(), id, req.Confirm)
}

func (h *Handler) retentionGet(r *http.Request, id int64, _ none) (*wubu.RetentionSettings, error) {
	return h.Retention.Retention(r.Context(), id)
}

// retentionSave sets how long the project keeps what (PIPL Art. 19).
func (h *Handler) retentionSave(r *http.Request, id int64, set wubu.RetentionSettings) (*wubu.RetentionSettings, error) {
	set.ProjectID = id
	return &set, h.Retention.SaveRetention(r.Context(), &set)
}
