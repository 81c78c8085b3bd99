package web

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
)

// A notice's units and attachments, the "four pests" schedule (C4) and the
// residents' e-mail addresses notices are sent to.

// bulletinMaxBody is the largest notice form: its attachments at their
// limit and the fields; a larger file is refused by the service with the
// form shown again.
const bulletinMaxBody = wubu.MaxBulletinFiles*wubu.MaxBulletinFileSize + 1<<20

// unitIDs reads units as people write them ("3-1, 5-2", "3栋1单元")
// among the project's buildings.
func (h *Handler) unitIDs(r *http.Request, buildings []*wubu.Building, text string) ([]int64, error) {
	labels := strings.FieldsFunc(text, func(c rune) bool { return c == ',' || c == '，' || c == '、' || c == ' ' || c == ';' || c == '；' })
	if len(labels) == 0 {
		return nil, nil
	}
	known := map[string]int64{}
	for _, b := range buildings {
		units, err := h.Org.FindUnits(r.Context(), b.ID)
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			known[b.Name+"-"+u.Name] = u.ID
		}
	}
	var ids []int64
	for _, l := range labels {
		key := strings.NewReplacer("栋", "-", "号楼", "-", "幢", "-", "单元", "").Replace(l)
		id, ok := known[key]
		if !ok {
			return nil, wubu.FieldErrorf("units", wubu.EINVALID, "Unit %s is not one of the project's (write them as 3-1, 5-2).", l)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// formFiles reads the files of a multipart field.
func formFiles(r *http.Request, field string) ([]*wubu.BulletinAttachment, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []*wubu.BulletinAttachment
	for _, hdr := range r.MultipartForm.File[field] {
		if hdr.Filename == "" && hdr.Size == 0 {
			continue
		}
		f, err := hdr.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(io.LimitReader(f, wubu.MaxBulletinFileSize+1))
		f.Close()
		if err != nil {
			return nil, err
		}
		out = append(out, &wubu.BulletinAttachment{Name: hdr.Filename, Data: data})
	}
	return out, nil
}

// bulletinFile sends a notice's attachment.
func (h *Handler) bulletinFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	fid, err := pathID(r, "file")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := h.Bulletins.BulletinFile(r.Context(), id, fid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	w.Write(f.Data)
}

// fourPestsSave saves the project's "four pests" schedule.
func (h *Handler) fourPestsSave(w http.ResponseWriter, r *http.Request) {
	parseForm(w, r)
	v, err := h.bulletinListView(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	day, _ := strconv.Atoi(r.PostFormValue("day"))
	boardDays, _ := strconv.Atoi(r.PostFormValue("board_days"))
	sc := &wubu.FourPestsSchedule{ProjectID: v.ProjectID, Day: day, Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		BoardDays: boardDays, Enabled: r.PostFormValue("enabled") == "1"}
	for _, m := range r.PostForm["month"] {
		if n, err := strconv.Atoi(m); err == nil {
			sc.Months = append(sc.Months, n)
		}
	}
	if err := h.Bulletins.SaveFourPestsSchedule(r.Context(), sc); err != nil {
		v.FourPests = sc
		h.render(w, r, refuse(r, v, r.PostForm, err, "pests_"), "bulletins", v)
		return
	}
	h.redirect(w, r, fmt.Sprintf("/bulletins?project=%d", v.ProjectID), h.T(r, "Four pests schedule saved."))
}

// Months are the months of the year, for the "four pests" schedule.
func (v *bulletinListView) Months() []int { return []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12} }

// InSchedule reports whether a month is in the "four pests" schedule.
func (v *bulletinListView) InSchedule(m int) bool {
	for _, x := range v.FourPests.Months {
		if x == m {
			return true
		}
	}
	return false
}

// residentEmailSave keeps the e-mail address a resident's notices go to
// (the customer card's form beside the opt-outs).
func (h *Handler) residentEmailSave(r *http.Request, id int64) error {
	return h.Bulletins.SetResidentEmail(r.Context(), id, r.PostFormValue("email"))
}

// bulletinAudience names a notice's audience: its buildings and units,
// or the whole project.
func bulletinAudience(p *Page, n *wubu.Bulletin) string {
	var parts []string
	for _, b := range n.BuildingNames {
		parts = append(parts, p.T("Building %s", b))
	}
	for _, u := range n.UnitLabels {
		parts = append(parts, p.T("Unit %s", u))
	}
	if len(parts) == 0 {
		if n.BuildingName != "" {
			return p.T("Building %s", n.BuildingName)
		}
		return p.T("The whole project")
	}
	return strings.Join(parts, "、")
}

// Audience names a notice's audience.
func (v *bulletinListView) Audience(n *wubu.Bulletin) string { return bulletinAudience(&v.Page, n) }

// Audience names the notice's audience.
func (v *bulletinView) Audience(n *wubu.Bulletin) string { return bulletinAudience(&v.Page, n) }

// FormHas reports whether the form shown again had an ID ticked in a field.
func (v *bulletinListView) FormHas(field string, id int64) bool {
	for _, s := range v.Form[field] {
		if s == strconv.FormatInt(id, 10) {
			return true
		}
	}
	return false
}

// MonthList names months ("3月、4月"), or every month.
func (v *bulletinListView) MonthList(months []int) string {
	if len(months) == 0 {
		return v.T("every month")
	}
	parts := make([]string, len(months))
	for i, m := range months {
		parts[i] = v.T("Month %d", m)
	}
	return strings.Join(parts, "、")
}
