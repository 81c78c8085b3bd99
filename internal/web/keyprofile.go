package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
)

// keyProfileRoutes are the pages of a key customer's profile (U3): read by
// the staff named on it and the manager, each read audited; kept by the
// manager.
func (h *Handler) keyProfileRoutes() []server.Route {
	return []server.Route{
		{Method: "GET", Path: "/residents/{id}/key-profile", Perm: wubu.PermResidentView, Handler: h.keyProfileShow},
		{Method: "POST", Path: "/residents/{id}/key-profile", Perm: wubu.PermSettingsEdit,
			Handler: h.step(stepPage{path: "/residents/%d/key-profile", reshow: reshowWith(h, h.keyProfileView, "key_profile")}, "", h.keyProfileSave)},
		{Method: "GET", Path: "/residents/{id}/key-profile/photo", Perm: wubu.PermResidentView, Handler: h.keyProfilePhoto},
	}
}

type keyProfileView struct {
	Page
	PersonID int64
	Profile  *wubu.KeyProfile
	Staff    []*wubu.User
	CanEdit  bool
}

// keyProfileView reads the profile (an audited read); a manager gets the
// form even when there is no profile yet.
func (h *Handler) keyProfileView(r *http.Request) (*keyProfileView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	v := &keyProfileView{Page: h.newPage(r, "Key-customer profile"), PersonID: id}
	v.CanEdit = v.User.Can(wubu.PermSettingsEdit)
	v.Profile, err = h.KeyProfiles.KeyProfile(r.Context(), id)
	if wubu.ErrorCode(err) == wubu.ENOTFOUND && v.CanEdit {
		res, rerr := h.Residents.FindResident(r.Context(), id)
		if rerr != nil {
			return nil, rerr
		}
		v.Profile, err = &wubu.KeyProfile{ProjectID: res.ProjectID, PersonID: id, PersonName: res.Name}, nil
	}
	if err != nil {
		return nil, err
	}
	v.Title = v.Profile.PersonName + " · " + v.T("Key-customer profile")
	if v.CanEdit {
		users, _, err := h.Users.FindUsers(r.Context(), wubu.UserFilter{ProjectID: &v.Profile.ProjectID, Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if !u.Disabled {
				v.Staff = append(v.Staff, u)
			}
		}
	}
	return v, nil
}

func (h *Handler) keyProfileShow(w http.ResponseWriter, r *http.Request) {
	showPage(h, w, r, h.keyProfileView, "key_profile")
}

// Age is the profile's age as the form shows it.
func (v *keyProfileView) Age() string {
	if v.Form.Has("age") {
		return v.Form.Get("age")
	}
	if v.Profile.Age == nil {
		return ""
	}
	return strconv.Itoa(*v.Profile.Age)
}

// Names reports whether the profile names the staff member.
func (v *keyProfileView) Names(id int64) bool {
	for _, s := range v.Profile.StaffIDs {
		if s == id {
			return true
		}
	}
	return false
}

// keyProfileSave saves the profile through the one form handler: a
// refused form is shown again with what was typed.
func (h *Handler) keyProfileSave(r *http.Request, id int64) (string, error) {
	p := &wubu.KeyProfile{PersonID: id, Occupation: r.FormValue("occupation"), Personality: r.FormValue("personality"), Preferences: r.FormValue("preferences")}
	if s := strings.TrimSpace(r.FormValue("age")); s != "" {
		a, err := strconv.Atoi(s)
		if err != nil {
			return "", wubu.FieldErrorf("age", wubu.EINVALID, "Enter a number from %d to %d.", 0, 130)
		}
		p.Age = &a
	}
	for _, s := range r.Form["staff_ids"] {
		if sid, err := strconv.ParseInt(s, 10, 64); err == nil {
			p.StaffIDs = append(p.StaffIDs, sid)
		}
	}
	photo, err := server.ReadPhoto(r, "photo")
	if err == nil {
		err = h.KeyProfiles.SaveKeyProfile(r.Context(), p, photo)
	}
	return h.T(r, "Key-customer profile saved."), err
}

func (h *Handler) keyProfilePhoto(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.KeyProfiles.KeyProfile(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if p.PhotoType == "" {
		h.fail(w, r, wubu.Errorf(wubu.ENOTFOUND, "Photo not found."))
		return
	}
	server.WriteImage(w, p.PhotoType, p.Photo)
}
