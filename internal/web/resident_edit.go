package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
	"github.com/wubu-oss/wubu/internal/server"
)

type residentEditView struct {
	Page
	Resident                    *wubu.Resident
	CareFlags                   []wubu.CareFlag
	AlarmStatuses               []wubu.AlarmStatus
	Levels                      []int
	CanRevealPhone, CanRevealID bool
}

// Checked reports whether a checkbox of the form is ticked.
func (v *residentEditView) Checked(name, value string) bool {
	return slices.Contains(v.Form[name], value)
}

// residentEditView loads the profile form. Phones and the ID number are
// shown in full only to those who may see them, and reading them for the
// form is audited like any other reveal.
func (h *Handler) residentEditView(r *http.Request, fill bool) (*residentEditView, error) {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	res, err := h.Residents.FindResident(ctx, id)
	if err != nil {
		return nil, err
	}
	// The profile form is for posts that keep the profile (least
	// privilege by post: wubu.CardView).
	if err := u.CheckCardEdit(wubu.CardProfile); err != nil {
		return nil, err
	}
	v := &residentEditView{Page: h.newPage(r, "Edit profile"), Resident: res, CareFlags: wubu.CareFlags, AlarmStatuses: wubu.AlarmStatuses,
		Levels: []int{0, 1, 2, 3, 4, 5}, CanRevealPhone: u.Can(wubu.PermRevealPhone), CanRevealID: u.Can(wubu.PermRevealID)}
	if !fill {
		return v, nil
	}
	f := v.Form
	f.Set("name", res.Name)
	f.Set("gender", res.Gender)
	f.Set("birthday", res.Birthday)
	f.Set("occupation", res.Occupation)
	f.Set("notes", res.Notes)
	f.Set("importance", strconv.Itoa(res.Importance))
	f.Set("importance_index", strconv.Itoa(res.ImportanceIndex))
	f.Set("alarm_status", string(res.AlarmStatus))
	for _, c := range res.CareFlags {
		f.Add("care", string(c))
	}
	if v.CanRevealPhone && len(res.Phones) > 0 {
		phones, err := h.Residents.RevealPersonField(ctx, id, "phones")
		if err != nil {
			return nil, err
		}
		f.Set("phones", strings.Join(phones, " "))
	}
	if v.CanRevealID && res.IDNumber != "" {
		idn, err := h.Residents.RevealPersonField(ctx, id, "id_number")
		if err != nil {
			return nil, err
		}
		if len(idn) > 0 {
			f.Set("id_number", idn[0])
		}
		// Beside an ID number the card shows the birthday without its
		// year; the form needs the whole date (an audited read too).
		if res.Birthday != "" {
			bd, err := h.Residents.RevealPersonField(ctx, id, "birthday")
			if err != nil {
				return nil, err
			}
			if len(bd) > 0 {
				f.Set("birthday", bd[0])
			}
		}
	}
	return v, nil
}

func (h *Handler) residentEdit(w http.ResponseWriter, r *http.Request) {
	v, err := h.residentEditView(r, true)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "resident_edit", v)
}

func (h *Handler) residentUpdate(w http.ResponseWriter, r *http.Request) {
	v, err := h.residentEditView(r, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	r.ParseForm()
	fail := func(err error) {
		v.Form = r.PostForm
		h.render(w, r, formError(r, &v.Page, err, ""), "resident_edit", v)
	}
	upd := wubu.PersonUpdate{}
	str := func(name string) *string { s := r.PostFormValue(name); return &s }
	upd.Name, upd.Gender, upd.Occupation, upd.Notes = str("name"), str("gender"), str("occupation"), str("notes")
	if v.CanRevealID || v.Resident.IDNumber == "" { // else the form held the birthday without its year
		upd.Birthday = str("birthday")
	}
	upd.BirthdayDiffers = r.PostFormValue("birthday_differs") != ""
	if v.CanRevealPhone {
		phones := splitPhones(r.PostFormValue("phones"))
		upd.Phones = &phones
	}
	if v.CanRevealID {
		upd.IDNumber = str("id_number")
	}
	flags := []wubu.CareFlag{}
	for _, c := range r.PostForm["care"] {
		flags = append(flags, wubu.CareFlag(c))
	}
	upd.CareFlags = &flags
	for _, n := range []struct {
		field string
		dst   **int
	}{{"importance", &upd.Importance}, {"importance_index", &upd.ImportanceIndex}} {
		k, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue(n.field)))
		if err != nil {
			fail(wubu.FieldErrorf(n.field, wubu.EINVALID, "Enter a whole number."))
			return
		}
		*n.dst = &k
	}
	alarm := wubu.AlarmStatus(r.PostFormValue("alarm_status"))
	upd.AlarmStatus = &alarm
	if _, err := h.Residents.UpdatePerson(r.Context(), v.Resident.ID, upd); err != nil {
		fail(err)
		return
	}
	h.redirect(w, r, "/residents/"+strconv.FormatInt(v.Resident.ID, 10), h.T(r, "Saved."))
}

// householdAdd links the resident to another room, given as people write it.
func (h *Handler) householdAdd(r *http.Request, id int64) error {
	ref, err := cnformat.ParseRoom(r.PostFormValue("room"))
	if err != nil {
		return server.FieldError("room", err)
	}
	res, err := h.Residents.FindResident(r.Context(), id)
	if err != nil {
		return err
	}
	label := ref.String()
	rooms, _, err := h.Org.FindRooms(r.Context(), wubu.RoomFilter{ProjectID: res.ProjectID, Label: &label})
	if err != nil {
		return err
	} else if len(rooms) == 0 {
		return wubu.FieldErrorf("room", wubu.EINVALID, "Room %s does not exist in this project.", label)
	}
	err = h.Residents.AddHousehold(r.Context(), &wubu.Household{PersonID: id, RoomID: rooms[0].ID, Relation: wubu.Relation(r.PostFormValue("relation")), MoveIn: r.PostFormValue("move_in")})
	if e := wubu.AsError(err); e != nil && e.Field == "room_id" {
		e.Field = "room" // the form's field
	}
	return err
}
