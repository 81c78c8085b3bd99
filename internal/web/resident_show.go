package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

type residentView struct {
	Page
	Project  *wubu.Project
	Resident *wubu.Resident
	Timeline []*wubu.TimelineEntry
	// Phones and IDNumber are what the card shows: masked, or in full
	// after a deliberate (audited) click.
	Phones                               []string
	IDNumber                             string
	Revealed                             map[string]bool
	CanEdit, CanRevealPhone, CanRevealID bool
	DayKinds                             []wubu.SpecialDayKind
	Relations                            []wubu.Relation
	today                                time.Time
	// Links (resident_links.go): the kinds of message the resident may opt
	// out of and those they did, and whether the care visit form shows.
	MessageKinds []string
	OptedOut     map[string]bool
	// Channels are the resident's WeChat link and channel order (channels.go).
	Channels     *wubu.PersonChannels
	CanCareVisit bool
	// Survey is the project's care-visit form, answered with a care visit.
	Survey *wubu.SurveyForm
	// Housemates are the others living in the resident's rooms
	// (resident_housemates.go).
	Housemates []roomMates
}

// Initial returns the first character of the name, for a card without a
// photo.
func (v *residentView) Initial() string {
	r, _ := utf8.DecodeRuneInString(v.Resident.Name)
	return string(r)
}

// Stars shows the importance level.
func (v *residentView) Stars() string { return strings.Repeat("★", v.Resident.Importance) }

// ExpiryClass marks a card expiring within 30 days, or expired.
func (v *residentView) ExpiryClass(date string) string {
	t, err := time.ParseInLocation(time.DateOnly, date, cst)
	switch {
	case err != nil:
		return ""
	case t.Before(v.today):
		return "expired"
	case t.Before(v.today.AddDate(0, 0, 31)):
		return "expiring"
	}
	return ""
}

// EntryText returns the detail of a timeline entry in the page's language.
func (v *residentView) EntryText(e *wubu.TimelineEntry) string {
	switch e.Kind {
	case "person.changed", "import":
		var parts []string
		for _, f := range strings.Split(e.Text, ",") {
			parts = append(parts, v.T("field:"+f))
		}
		return strings.Join(parts, "、")
	case "household.added", "card.added", "special_day.added":
		// "3-2-1201 owner", "parking P001", "birthday 1990-01-02"
		head, tail, _ := strings.Cut(e.Text, " ")
		prefix := map[string]string{"household.added": "relation:", "card.added": "card:", "special_day.added": "day:"}[e.Kind]
		if e.Kind == "household.added" {
			return head + " " + v.T(prefix+tail)
		}
		return v.T(prefix+head) + " " + tail
	case "alarm.reminder", "security.advice":
		// "intercom → on: note", "fraud,door_lock: note" (sqlstore/alarm.go)
		head, note, hasNote := strings.Cut(e.Text, ": ")
		var out string
		if e.Kind == "alarm.reminder" {
			method, on := strings.CutSuffix(head, " → on")
			out = v.T("reminder:" + method)
			if on {
				out += " → " + v.T("Switched on now")
			}
		} else {
			var parts []string
			for _, t := range strings.Split(head, ",") {
				parts = append(parts, v.T("advice:"+t))
			}
			out = strings.Join(parts, "、")
		}
		if hasNote {
			out += ": " + note
		}
		return out
	}
	return e.Text
}

// residentView loads the customer card.
func (h *Handler) residentView(r *http.Request) (*residentView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	res, err := h.Residents.FindResident(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(ctx, res.ProjectID)
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	v := &residentView{Page: h.newPage(r, "Customer card"), Project: p, Resident: res, Phones: res.Phones, IDNumber: res.IDNumber,
		Revealed: map[string]bool{}, CanEdit: u.Can(wubu.PermResidentEdit), CanRevealPhone: u.Can(wubu.PermRevealPhone),
		CanRevealID: u.Can(wubu.PermRevealID), DayKinds: wubu.SpecialDayKinds, Relations: wubu.Relations, today: dateIn(h.Clock.Now())}
	v.Title = res.Name + " · " + v.T("Customer card")
	if u.Sees(wubu.CardTimeline) {
		if v.Timeline, err = h.Residents.Timeline(ctx, id, 50); err != nil {
			return nil, err
		}
	}
	if err := h.residentLinks(r, v); err != nil {
		return nil, err
	}
	v.Housemates = h.housemates(ctx, res)
	return v, nil
}

func dateIn(t time.Time) time.Time {
	t = t.In(cst)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst)
}

func (h *Handler) residentShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.residentView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "resident", v)
}

// residentReveal shows a full phone or ID number on the card; the read is
// written to the audit log by the service.
func (h *Handler) residentReveal(w http.ResponseWriter, r *http.Request) {
	v, err := h.residentView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	field := r.PostFormValue("field")
	values, err := h.Residents.RevealPersonField(r.Context(), v.Resident.ID, field)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Revealed[field] = true
	if field == "phones" {
		v.Phones = values
	} else if len(values) > 0 {
		v.IDNumber = values[0]
	}
	h.render(w, r, http.StatusOK, "resident", v)
}

// residentFormFailed shows the card again with a refused form's input and
// error.
func (h *Handler) residentFormFailed(w http.ResponseWriter, r *http.Request, err error) {
	v, verr := h.residentView(r)
	if verr != nil {
		h.fail(w, r, verr)
		return
	}
	v.Form = r.PostForm
	h.render(w, r, formError(r, &v.Page, err, ""), "resident", v)
}

// residentAdd handles the card's "add information" forms: one function per
// form builds the call, and all share the answer. A post that may not
// change the part of the card is refused before the form is read.
func (h *Handler) residentAdd(part wubu.CardPart, add func(r *http.Request, personID int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if err := wubu.UserFromContext(r.Context()).CheckCardEdit(part); err != nil {
			h.fail(w, r, err)
			return
		}
		if err := add(r, id); err != nil {
			h.residentFormFailed(w, r, err)
			return
		}
		h.redirect(w, r, "/residents/"+strconv.FormatInt(id, 10), h.T(r, "Saved."))
	}
}

func (h *Handler) vehicleAdd(r *http.Request, id int64) error {
	return h.Residents.AddVehicle(r.Context(), &wubu.Vehicle{PersonID: id, Plate: r.PostFormValue("plate")})
}

func (h *Handler) cardAdd(r *http.Request, id int64) error {
	return h.Residents.AddCard(r.Context(), &wubu.Card{PersonID: id, Kind: wubu.CardKind(r.PostFormValue("kind")), Number: r.PostFormValue("number"), ExpiresOn: r.PostFormValue("expires_on")})
}

func (h *Handler) specialDayAdd(r *http.Request, id int64) error {
	return h.Residents.AddSpecialDay(r.Context(), &wubu.SpecialDay{PersonID: id, Kind: wubu.SpecialDayKind(r.PostFormValue("kind")),
		Date: r.PostFormValue("date"), Yearly: r.PostFormValue("yearly") == "1", Note: r.PostFormValue("note")})
}

func (h *Handler) applianceAdd(r *http.Request, id int64) error {
	room := optionalID(r.PostFormValue("room_id"))
	if room == nil {
		return wubu.FieldErrorf("type", wubu.EINVALID, "Choose the room.")
	}
	// The room must be one of the resident's homes.
	res, err := h.Residents.FindResident(r.Context(), id)
	if err != nil {
		return err
	}
	for _, hh := range res.Households {
		if hh.RoomID == *room {
			return h.Residents.AddAppliance(r.Context(), &wubu.Appliance{RoomID: *room, Type: r.PostFormValue("type"), Brand: r.PostFormValue("brand"), Model: r.PostFormValue("model")})
		}
	}
	return wubu.FieldErrorf("type", wubu.EINVALID, "Choose the room.")
}

func (h *Handler) contactAdd(r *http.Request, id int64) error {
	_, err := h.Residents.AddContact(r.Context(), id, r.PostFormValue("text"))
	return err
}

func (h *Handler) photoUpload(r *http.Request, id int64) error {
	r.Body = http.MaxBytesReader(nil, r.Body, 3<<20)
	f, hdr, err := r.FormFile("photo")
	if err != nil {
		return wubu.FieldErrorf("photo", wubu.EINVALID, "Choose a JPEG or PNG photo of at most 2 MB.")
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return wubu.FieldErrorf("photo", wubu.EINVALID, "Choose a JPEG or PNG photo of at most 2 MB.")
	}
	ct := http.DetectContentType(data)
	_ = hdr
	return h.Residents.SetPhoto(r.Context(), id, ct, data)
}

func (h *Handler) residentPhoto(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ct, data, err := h.Residents.Photo(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	server.WriteImage(w, ct, data)
}
