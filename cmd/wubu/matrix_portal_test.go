package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/server"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The residents' portal (issue 15): its sign-in is public; every other
// /my route needs a resident's portal session (no staff session opens
// one), and the staff's view of a resident's portal sessions is a staff
// route. TestPortalMatrix checks the /my routes.
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /my/login":                       {public: true},
		"POST /my/login":                      {public: true, body: "phone=13911110000"},
		"POST /my/login/verify":               {public: true, body: "phone=13911110000&code=123456"},
		"GET /my/choose":                      {public: true},
		"POST /my/choose":                     {public: true, body: "person_id=1"},
		"GET /my/demo-sms":                    {public: true},
		"POST /my/logout":                     {portal: true},
		"GET /my":                             {portal: true},
		"GET /my/homes":                       {portal: true},
		"GET /my/homes/{id}":                  {portal: true},
		"GET /my/devices":                     {portal: true},
		"POST /my/devices/{id}/end":           {portal: true},
		"POST /my/devices/end-others":         {portal: true},
		"GET /my/profile":                     {portal: true},
		"GET /my/repairs":                     {portal: true},
		"GET /my/repairs/new":                 {portal: true},
		"POST /my/repairs":                    {portal: true, body: "description=阳台灯不亮"},
		"GET /my/repairs/{id}":                {portal: true},
		"GET /my/repairs/{id}/photos/{photo}": {portal: true},
		"POST /my/repairs/{id}/confirm":       {portal: true},
		"POST /my/repairs/{id}/refuse":        {portal: true, body: "reason=太贵"},
		"POST /my/repairs/{id}/rate":          {portal: true, body: "works=1&satisfaction=5"},
		"GET /my/passes":                      {portal: true},
		"GET /my/passes/{id}":                 {portal: true},
		"POST /my/passes/{id}/confirm":        {portal: true},
		"POST /my/passes/{id}/refuse":         {portal: true, body: "reason=不同意"},
		"GET /my/complaints":                  {portal: true},
		"GET /my/complaints/new":              {portal: true},
		"POST /my/complaints":                 {portal: true, body: "category=noise&description=楼上太吵"},
		"GET /my/complaints/{id}":             {portal: true},
		"POST /my/complaints/{id}/revisit":    {portal: true, body: "satisfied=1"},
		"GET /my/hazards":                     {portal: true},
		"GET /my/hazards/new":                 {portal: true},
		"POST /my/hazards":                    {portal: true, body: "place=地库B2&description=积水"},
		"POST /my/profile/changes":            {portal: true, body: "kind=special_day&day_kind=birthday&day_date=1980-05-06"},
		"GET /portal-changes":                 {allow: residentViewers},
		"POST /portal-changes/{id}/apply":     {allow: residentEditors},
		"POST /portal-changes/{id}/reject":    {allow: residentEditors, body: "reason=请到前台办理"},
		"GET /residents/{id}/portal":          {allow: residentViewers},
		"POST /residents/{id}/portal/end":     {allow: residentEditors},
	}, map[string]objectMaker{
		// A resident's change request, asked on the portal.
		"/portal-changes/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			id := &wubu.PortalIdentity{PersonID: o.resident, ProjectID: p.ID, Name: "住户", Homes: []*wubu.PortalHome{{RoomID: o.room, Relation: wubu.RelationOwner}}}
			c := &wubu.PortalChange{Kind: wubu.ChangeSpecialDay, Value: "birthday 1980-05-06"}
			if err := app.Main.Services().PortalService.RequestChange(wubu.NewContextWithPortalIdentity(context.Background(), id), c); err != nil {
				t.Fatal(err)
			}
			return c.ID
		},
	})
}

// portalPhone is the number of the matrix's residents.
const portalPhone = "13712345678"

// portalCode returns the last sign-in code queued for a number, as the
// resident's SMS shows it.
func portalCode(t testing.TB, db *sqlstore.DB, phone string) string {
	t.Helper()
	var vars string
	if err := db.SQL().QueryRowContext(context.Background(), `SELECT vars FROM outbox WHERE kind = 'portal_code' AND address = ? ORDER BY id DESC LIMIT 1`, phone).Scan(&vars); err != nil {
		t.Fatal(err)
	}
	var v map[string]string
	if err := json.Unmarshal([]byte(vars), &v); err != nil {
		t.Fatal(err)
	}
	return v["code"]
}

// residentLogin signs a resident in to the portal through its forms, with
// the code from the outbox, choosing the person when the number has
// several.
func (a *testApp) residentLogin(t testing.TB, phone string, personID int64) *browser {
	t.Helper()
	b := a.newBrowser(t)
	if resp, body := b.post("/my/login", url.Values{"phone": {phone}}); resp.StatusCode != http.StatusOK {
		t.Fatalf("code for %s: %d %.300s", phone, resp.StatusCode, body)
	}
	resp, body := b.post("/my/login/verify", url.Values{"phone": {phone}, "code": {portalCode(t, a.DB, phone)}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verify %s: %d %.300s", phone, resp.StatusCode, body)
	}
	if resp.Header.Get("Location") == "/my/choose" {
		if resp, _ := b.post("/my/choose", url.Values{"person_id": {fmt.Sprint(personID)}}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/my" {
			t.Fatalf("choose %d: %d %s", personID, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	return b
}

// portalObjects are the IDs a resident's portal routes are called with:
// the resident's own, by path segment ("/my/homes/").
type portalObjects map[string]int64

func (o portalObjects) fill(app *testApp, t *testing.T, pattern, body string) (string, string) {
	path := pattern[strings.Index(pattern, " ")+1:]
	if strings.Contains(path, "{photo}") {
		var photo int64
		if err := app.DB.SQL().QueryRowContext(context.Background(), `SELECT id FROM photos WHERE object_type = 'order' AND object_id = ?`, o["/my/repairs/"]).Scan(&photo); err != nil {
			t.Fatal(err)
		}
		path = strings.Replace(path, "{photo}", fmt.Sprint(photo), 1)
	}
	for seg, id := range o {
		if strings.Contains(path, seg+"{id}") {
			path = strings.Replace(path, "{id}", fmt.Sprint(id), 1)
		}
		body = strings.ReplaceAll(body, segmentName(seg), fmt.Sprint(id))
	}
	return path, body
}

// portalMakers make, for a resident of project p's first room, the
// objects of the portal routes; later portal features add theirs.
var portalMakers = map[string]func(t *testing.T, app *testApp, resident *browser, p *wubu.Project, o *orgObjects) int64{
	"/my/homes/": func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		var id int64
		if err := app.DB.SQL().QueryRowContext(context.Background(), `SELECT id FROM households WHERE project_id = ? AND person_id = ?`, p.ID, o.resident).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	},
	// An order of the resident's room, with a photo ({photo}).
	"/my/repairs/": func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		orders := app.Main.Services().Orders
		ord, err := orders.CreateOrder(app.adminCtx(), &wubu.NewOrder{ProjectID: p.ID, Urgency: wubu.OrderNormal, PersonID: &o.resident, RoomID: &o.room, Description: "漏水"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := orders.AddPhoto(app.adminCtx(), ord.ID, "image/png", []byte("\x89PNG\r\n\x1a\nmatrix")); err != nil {
			t.Fatal(err)
		}
		return ord.ID
	},
	"/my/passes/": func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		pass, err := app.Main.Services().Passes.StartPass(app.adminCtx(), &wubu.NewPass{ProjectID: p.ID, RoomID: o.room, PersonName: "搬家师傅", Items: []string{"衣柜"}, Gate: "东门"})
		if err != nil {
			t.Fatal(err)
		}
		return pass.ID
	},
	"/my/complaints/": func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		c := &wubu.Complaint{ProjectID: p.ID, Category: wubu.ComplaintNoise, PersonID: &o.resident, Description: "噪音"}
		if err := app.Main.Services().Complaints.ReceiveComplaint(app.adminCtx(), c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	},
	// A second device of the resident, to sign out.
	"/my/devices/": func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		app.residentLogin(t, portalPhone, o.resident)
		var id int64
		if err := app.DB.SQL().QueryRowContext(context.Background(), `SELECT MAX(id) FROM portal_sessions WHERE project_id = ? AND person_id = ?`, p.ID, o.resident).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	},
}

// TestPortalMatrix calls every portal route as nobody, as staff, as the
// resident and as a resident of another home: nobody and staff are sent
// to the residents' sign-in, the resident gets through, and another home's
// object answers 404 as a missing one. A resident's session opens no staff
// page.
func TestPortalMatrix(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	a := makeOrg(t, app, app.ProjectA, "a")
	b := makeOrg(t, app, app.ProjectB, "b")
	// Both projects' residents have the number 13712345678: one signs in
	// as project A's, the other as project B's.
	for _, o := range []orgObjects{a, b} {
		if _, err := app.DB.SQL().ExecContext(context.Background(), `INSERT INTO person_phones (project_id, person_id, position, phone, last4) VALUES (?, ?, 9, ?, '5678')`,
			o.project, o.resident, portalPhone); err != nil {
			t.Fatal(err)
		}
	}
	resA := app.residentLogin(t, portalPhone, a.resident)
	resB := app.residentLogin(t, portalPhone, b.resident)
	staff := app.webLogin(t, app.Admin.Login)
	objA := portalObjects{}
	for seg, mk := range portalMakers {
		objA[seg] = mk(t, app, resA, app.ProjectA, &a)
	}
	for _, rt := range app.Main.Server.Routes() {
		pattern := rt.Pattern()
		e := matrix[pattern]
		if (rt.Perm == wubu.PermPortal) != e.portal {
			t.Errorf("route %s: permission %q, portal entry %v", pattern, rt.Perm, e.portal)
			continue
		}
		if !e.portal {
			continue
		}
		t.Run(strings.ReplaceAll(pattern, "/", "_"), func(t *testing.T) {
			path, body := objA.fill(app, t, pattern, e.body)
			form, _ := url.ParseQuery(body)
			call := func(br *browser) *http.Response {
				if br == nil {
					br = app.newBrowser(t)
				}
				if rt.Method == http.MethodGet {
					resp, _ := br.get(path)
					return resp
				}
				resp, _ := br.post(path, form)
				return resp
			}
			for who, br := range map[string]*browser{"nobody": nil, "staff": staff} {
				if resp := call(br); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), server.PortalLoginPath) {
					t.Errorf("%s: got %d %s, want the residents' sign-in", who, resp.StatusCode, resp.Header.Get("Location"))
				}
			}
			// Another home's object answers as a missing one, and changes
			// nothing.
			if strings.Contains(pattern, "{id}") {
				before := auditCount(t, app.DB)
				if resp := call(resB); resp.StatusCode != http.StatusNotFound {
					t.Errorf("another home's resident: got %d, want 404", resp.StatusCode)
				}
				if auditCount(t, app.DB) != before {
					t.Errorf("another home's resident changed something")
				}
			}
			if strings.HasSuffix(pattern, "/logout") {
				return
			}
			// The resident gets through to the service (which may refuse
			// the step in the object's state: 409, 422).
			switch resp := call(resA); {
			case resp.StatusCode == http.StatusUnauthorized, resp.StatusCode == http.StatusForbidden, resp.StatusCode == http.StatusNotFound, resp.StatusCode >= 500:
				t.Errorf("the resident: got %d, want through", resp.StatusCode)
			}
		})
	}
	// The resident's session is no staff session.
	for _, p := range []string{"/today", "/lookup", fmt.Sprintf("/residents/%d", a.resident), "/orders"} {
		if resp, _ := resA.get(p); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Errorf("resident on %s: got %d %s, want the staff sign-in", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
}
