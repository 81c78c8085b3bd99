package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
)

// Flash messages of the campaign actions.
const (
	msgGreetingCancelled = "Campaign cancelled."
	msgGreetingQueued    = "Campaign queued: the outbox sends it, holding SMS through quiet hours."
)

// festivalOption is a festival a campaign may greet.
type festivalOption struct {
	Key, Name, Date string
	Year            int
}

type greetingsView struct {
	Page
	Project    *wubu.Project
	Campaigns  []*wubu.GreetingCampaign
	Festivals  []festivalOption
	Buildings  []*wubu.Building
	Preview    *wubu.GreetingPreview
	CareFlags  []wubu.CareFlag
	Relations  []wubu.Relation
	Selected   map[string]bool
	Report     *wubu.GreetingReport
	Statuses   []wubu.MessageStatus
	CanConfirm bool
	Segments   []*wubu.Segment
}

// SMSPrice is the price of an SMS the estimate assumes.
func (v *greetingsView) SMSPrice() float64 { return wubu.SMSPriceYuan }

func (h *Handler) greetingsView(r *http.Request, title string) (*greetingsView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	p, err := h.Projects.FindProjectByID(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := &greetingsView{Page: h.newPage(r, title), Project: p, CareFlags: wubu.CareFlags, Relations: wubu.Relations, Selected: map[string]bool{},
		Statuses: wubu.MessageStatuses}
	// The festivals of the coming twelve months.
	today := h.Clock.Now().In(cst)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, cst)
	for _, y := range []int{today.Year(), today.Year() + 1} {
		for _, f := range (*calendar.Calendar)(nil).Festivals(y) {
			if !f.Date.Before(today) && f.Date.Before(today.AddDate(1, 0, 0)) && wubu.GreetingFestival(f.Key) {
				name := f.NameZH
				if v.Lang == "en" {
					name = f.NameEN
				}
				v.Festivals = append(v.Festivals, festivalOption{Key: f.Key, Year: y, Name: name, Date: f.Date.Format(time.DateOnly)})
			}
		}
	}
	if v.Buildings, err = h.Org.FindBuildings(r.Context(), id); err != nil {
		return nil, err
	}
	v.Segments, err = h.audienceSegments(r, id)
	return v, err
}

// greetingList lists a project's festival greeting campaigns with the form
// of a new one (D3).
func (h *Handler) greetingList(w http.ResponseWriter, r *http.Request) {
	v, err := h.greetingsView(r, "Festival greetings")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Campaigns, err = h.Greetings.FindGreetings(r.Context(), v.Project.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "greetings", v)
}

// greetingFromForm reads a campaign from the form: festival "key/year",
// audience, message and send time (China time).
func greetingFromForm(r *http.Request, projectID int64) (*wubu.GreetingCampaign, error) {
	c := &wubu.GreetingCampaign{ProjectID: projectID, Name: r.PostFormValue("name"), Message: r.PostFormValue("message")}
	key, year, _ := strings.Cut(r.PostFormValue("festival"), "/")
	c.Festival = key
	c.Year, _ = strconv.Atoi(year)
	for _, s := range r.PostForm["building_id"] {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			c.Audience.BuildingIDs = append(c.Audience.BuildingIDs, id)
		}
	}
	for _, s := range r.PostForm["care"] {
		c.Audience.CareFlags = append(c.Audience.CareFlags, wubu.CareFlag(s))
	}
	for _, s := range r.PostForm["relation"] {
		c.Audience.Relations = append(c.Audience.Relations, wubu.Relation(s))
	}
	c.Audience.PerHousehold = r.PostFormValue("per_household") == "1"
	c.Audience.IncludeChildren = r.PostFormValue("include_children") == "1"
	c.Audience.SegmentID = optID(r, "segment_id")
	if s := strings.TrimSpace(r.PostFormValue("send_at")); s != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", s, cst)
		if err != nil {
			return c, wubu.FieldErrorf("send_at", wubu.EINVALID, "Give the send time as a date and time.")
		}
		c.SendAt = t
	}
	return c, nil
}

// greetingCreate previews a campaign (count and sample message) and, once
// the preview has been seen and confirmed, schedules it.
func (h *Handler) greetingCreate(w http.ResponseWriter, r *http.Request) {
	v, err := h.greetingsView(r, "Festival greetings")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	refuse := func(err error) {
		v.Form = r.PostForm
		v.Campaigns, _ = h.Greetings.FindGreetings(r.Context(), v.Project.ID)
		h.render(w, r, formError(r, &v.Page, err, ""), "greetings", v)
	}
	r.ParseForm() // the choices are shown again with the preview
	for _, k := range []string{"building_id", "care", "relation", "per_household", "include_children"} {
		for _, s := range r.PostForm[k] {
			v.Selected[k+":"+s] = true
		}
	}
	c, err := greetingFromForm(r, v.Project.ID)
	if err != nil {
		refuse(err)
		return
	}
	if confirm := r.PostForm["confirm"]; !slices.Contains(confirm, "1") || slices.Contains(confirm, "0") {
		pv, err := h.Greetings.PreviewGreeting(r.Context(), c)
		if err != nil {
			refuse(err)
			return
		}
		v.Preview, v.CanConfirm = pv, true
		v.Form = r.PostForm
		v.Campaigns, _ = h.Greetings.FindGreetings(r.Context(), v.Project.ID)
		h.render(w, r, http.StatusOK, "greetings", v)
		return
	}
	if err := h.Greetings.CreateGreeting(r.Context(), c); err != nil {
		refuse(err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(v.Project.ID, 10)+"/greetings/"+strconv.FormatInt(c.ID, 10),
		h.T(r, "Campaign scheduled for %s.", c.SendAt.In(cst).Format("2006-01-02 15:04")))
}

// greetingShow shows a campaign and its delivery report.
func (h *Handler) greetingShow(w http.ResponseWriter, r *http.Request) {
	v, err := h.greetingsView(r, "Festival greetings")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	gid, err := pathID(r, "greeting")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Report, err = h.Greetings.GreetingReport(r.Context(), v.Project.ID, gid); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "greeting", v)
}

func (h *Handler) greetingCancel(w http.ResponseWriter, r *http.Request) {
	h.greetingAction(w, r, h.Greetings.CancelGreeting, msgGreetingCancelled)
}

func (h *Handler) greetingSend(w http.ResponseWriter, r *http.Request) {
	h.greetingAction(w, r, h.Greetings.SendGreetingNow, msgGreetingQueued)
}

func (h *Handler) greetingAction(w http.ResponseWriter, r *http.Request, fn func(ctx context.Context, projectID, id int64) (*wubu.GreetingCampaign, error), flash string) {
	pid, err := pathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	gid, err := pathID(r, "greeting")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := fn(r.Context(), pid, gid); err != nil {
		h.fail(w, r, err)
		return
	}
	h.redirect(w, r, "/projects/"+strconv.FormatInt(pid, 10)+"/greetings/"+strconv.FormatInt(gid, 10), h.T(r, flash))
}
