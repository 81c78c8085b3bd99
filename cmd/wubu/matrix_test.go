package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The permission matrix: every route registered, who may call it, and a
// request body that reaches the service. A route added without an entry
// here fails TestPermissionMatrix. The expectations are written out by
// hand, not derived from the code under test.
var (
	everyone    = []wubu.Role{wubu.RoleStaff, wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleQuality, wubu.RoleAdmin}
	staffViewer = []wubu.Role{wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleQuality, wubu.RoleAdmin}
	managers    = []wubu.Role{wubu.RoleManager, wubu.RoleAdmin}
	auditors    = []wubu.Role{wubu.RoleManager, wubu.RoleQuality, wubu.RoleAdmin}
	adminOnly   = []wubu.Role{wubu.RoleAdmin}
	// Everyone looks residents up; the quality department reads but does
	// not change residents' profiles.
	residentViewers = everyone
	residentEditors = []wubu.Role{wubu.RoleStaff, wubu.RoleTeamLeader, wubu.RoleDutyManager, wubu.RoleManager, wubu.RoleAdmin}
)

type matrixEntry struct {
	public bool
	allow  []wubu.Role
	// body is a form (web) or JSON (API) with {building}, {user}, {zone},
	// {room} standing for the project's objects.
	body string
	// revealPhone marks routes whose service also needs the permission to
	// see full phone numbers: a role with the route's permission but not
	// that one gets 403 from the service.
	revealPhone bool
	// missingOK marks routes that answer 404 for an existing object
	// lacking something (a resident without a photo).
	missingOK bool
	// perm, when set, decides who is allowed by the permission as a user
	// holds it, by role and post: for routes whose permission a post adds
	// to the staff role (the service post dispatches orders).
	perm wubu.Permission
	// refused names logins that the object's own life-cycle rule refuses
	// although their role may use the route: the technician who worked on
	// the order does not make its follow-up call (four eyes).
	refused []string
	// portal marks the residents' portal routes: no staff session opens
	// them; TestPortalMatrix (matrix_portal_test.go) checks them instead.
	portal bool
	// card, when set, is the part of the customer card the route reads
	// (GET) or changes: of the roles allowed, only the posts that see or
	// may change it are (least privilege by post, wubu.CardView).
	card wubu.CardPart
}

var matrix = map[string]matrixEntry{
	"GET /login":             {public: true},
	"POST /login":            {public: true, body: "login=nobody&password=x"},
	"POST /lang":             {public: true, body: "lang=zh-CN&next=/"},
	"POST /logout":           {allow: everyone},
	"GET /{$}":               {allow: everyone},
	"GET /account":           {allow: everyone},
	"POST /account/password": {allow: everyone, body: "password=Wubu2026!"},

	"GET /projects":                           {allow: everyone},
	"POST /projects":                          {allow: adminOnly, body: "code=NEWP&name=新项目"},
	"GET /projects/{id}":                      {allow: everyone},
	"POST /projects/{id}/rename":              {allow: adminOnly, body: "name=改名"},
	"POST /projects/{id}/zones":               {allow: managers, body: "name=北区"},
	"POST /projects/{id}/zones/{zone}/rename": {allow: managers, body: "name=南区"},
	"POST /projects/{id}/buildings":           {allow: managers, body: "name=88"},
	"GET /projects/{id}/rooms/generate":       {allow: managers},
	"POST /projects/{id}/rooms/generate":      {allow: managers, body: "building=9&units=1&first_floor=1&floors=2&per_floor=2"},
	"POST /projects/{id}/assignments":         {allow: managers, body: "building_id={building}&user_id={user}&kind=security_leader"},
	"POST /projects/{id}/assignments/remove":  {allow: managers, body: "building_id={building}&user_id={user}&kind=security_leader"},
	"GET /buildings/{id}":                     {allow: everyone},
	"POST /buildings/{id}/edit":               {allow: managers, body: "name=1&zone_id={zone}"},
	"POST /buildings/{id}/rooms":              {allow: managers, body: "unit=1&floor=3&number=301"},
	"POST /units/{id}/rename":                 {allow: managers, body: "name=1"},

	"GET /staff":                {allow: staffViewer},
	"GET /staff/new":            {allow: managers},
	"POST /staff":               {allow: managers, body: "login=newbie&name=新人&role=staff&post=cleaning&project={project}&password=Wubu2026!"},
	"GET /staff/{id}":           {allow: staffViewer},
	"POST /staff/{id}":          {allow: managers, body: "name=目标&role=staff&post=security&project={project}"},
	"POST /staff/{id}/password": {allow: managers, body: "password=Wubu2026!"},
	"GET /audit":                {allow: auditors},

	"GET /lookup":                       {allow: residentViewers},
	"GET /projects/{id}/residents":      {allow: residentViewers},
	"GET /projects/{id}/residents/new":  {allow: residentEditors},
	"POST /projects/{id}/residents":     {allow: residentEditors, card: wubu.CardName, body: "room=1-1-101&relation=owner&name=新住户&phones=13900001234"},
	"GET /projects/{id}/completeness":   {allow: residentViewers},
	"GET /residents/{id}":               {allow: residentViewers},
	"POST /residents/{id}/reveal":       {allow: residentViewers, body: "field=phones", revealPhone: true},
	"POST /residents/{id}/call":         {allow: residentViewers, body: "next=/", revealPhone: true},
	"GET /residents/{id}/photo":         {allow: residentViewers, card: wubu.CardPhoto, missingOK: true},
	"POST /residents/{id}/photo":        {allow: residentEditors, card: wubu.CardPhoto},
	"GET /residents/{id}/edit":          {allow: residentEditors, card: wubu.CardProfile},
	"POST /residents/{id}/edit":         {allow: residentEditors, card: wubu.CardProfile, body: "name=住户a&importance=2&importance_index=50&alarm_status=on&care=mobility"},
	"POST /residents/{id}/households":   {allow: residentEditors, card: wubu.CardRooms, body: "room=1-1-102&relation=tenant"},
	"POST /residents/{id}/contact":      {allow: residentEditors, card: wubu.CardTimeline, body: "text=上门拜访"},
	"POST /residents/{id}/vehicles":     {allow: residentEditors, card: wubu.CardPlates, body: "plate=粤B00001"},
	"POST /residents/{id}/cards":        {allow: residentEditors, card: wubu.CardCards, body: "kind=access&number=A0001&expires_on=2027-01-01"},
	"POST /residents/{id}/special-days": {allow: residentEditors, card: wubu.CardSpecialDays, body: "kind=birthday&date=1980-03-04&yearly=1"},
	"POST /residents/{id}/appliances":   {allow: residentEditors, card: wubu.CardAppliances, body: "room_id={room}&type=空调&brand=格力"},

	// Import and export (F6): managers; an empty upload is refused, not a fault.
	"GET /projects/{id}/residents/import":         {allow: managers},
	"POST /projects/{id}/residents/import":        {allow: managers},
	"GET /projects/{id}/residents/export":         {allow: managers},
	"POST /api/v1/projects/{id}/residents/import": {allow: managers},
	"GET /api/v1/projects/{id}/residents/export":  {allow: managers},

	"POST /api/v1/login":      {public: true, body: `{"login":"nobody","password":"x"}`},
	"POST /api/v1/logout":     {allow: everyone},
	"GET /api/v1/me":          {allow: everyone},
	"PUT /api/v1/me/password": {allow: everyone, body: `{"password":"Wubu2026!"}`},

	"GET /api/v1/projects":                      {allow: everyone},
	"POST /api/v1/projects":                     {allow: adminOnly, body: `{"code":"NEWQ","name":"新项目"}`},
	"GET /api/v1/projects/{id}":                 {allow: everyone},
	"PATCH /api/v1/projects/{id}":               {allow: adminOnly, body: `{"name":"改名"}`},
	"GET /api/v1/projects/{id}/zones":           {allow: everyone},
	"POST /api/v1/projects/{id}/zones":          {allow: managers, body: `{"name":"北区2"}`},
	"PATCH /api/v1/projects/{id}/zones/{zone}":  {allow: managers, body: `{"name":"南区2"}`},
	"GET /api/v1/projects/{id}/buildings":       {allow: everyone},
	"POST /api/v1/projects/{id}/buildings":      {allow: managers, body: `{"name":"99"}`},
	"POST /api/v1/projects/{id}/rooms/generate": {allow: managers, body: `{"building":"19","units":1,"floors":2,"per_floor":2}`},
	"GET /api/v1/projects/{id}/rooms":           {allow: everyone},
	"GET /api/v1/projects/{id}/assignments":     {allow: everyone},
	"POST /api/v1/projects/{id}/assignments":    {allow: managers, body: `{"building_id":{building},"user_id":{user},"kind":"security_leader"}`},
	"DELETE /api/v1/projects/{id}/assignments":  {allow: managers, body: `{"building_id":{building},"user_id":{user},"kind":"security_leader"}`},
	"GET /api/v1/buildings/{id}":                {allow: everyone},
	"PATCH /api/v1/buildings/{id}":              {allow: managers, body: `{"zone_id":{zone}}`},
	"GET /api/v1/buildings/{id}/units":          {allow: everyone},
	"POST /api/v1/buildings/{id}/rooms":         {allow: managers, body: `{"unit":"1","floor":4,"number":"401"}`},
	"PATCH /api/v1/units/{id}":                  {allow: managers, body: `{"name":"1"}`},
	"GET /api/v1/users":                         {allow: staffViewer},
	"POST /api/v1/users":                        {allow: managers, body: `{"login":"apinew","role":"staff","post":"cleaning","project_ids":[{project}],"password":"Wubu2026!"}`},
	"GET /api/v1/users/{id}":                    {allow: staffViewer},
	"PATCH /api/v1/users/{id}":                  {allow: managers, body: `{"phone":"13800001111"}`},
	"PUT /api/v1/users/{id}/password":           {allow: managers, body: `{"password":"Wubu2026!"}`},
	"GET /api/v1/audit":                         {allow: auditors},

	"GET /api/v1/lookup":                       {allow: residentViewers},
	"GET /api/v1/projects/{id}/residents":      {allow: residentViewers},
	"POST /api/v1/projects/{id}/residents":     {allow: residentEditors, card: wubu.CardName, body: `{"name":"接口住户","phones":["13900005678"]}`},
	"GET /api/v1/projects/{id}/completeness":   {allow: residentViewers},
	"GET /api/v1/residents/{id}":               {allow: residentViewers},
	"PATCH /api/v1/residents/{id}":             {allow: residentEditors, card: wubu.CardProfile, body: `{"occupation":"工程师"}`},
	"POST /api/v1/residents/{id}/reveal":       {allow: residentViewers, body: `{"field":"phones"}`, revealPhone: true},
	"GET /api/v1/residents/{id}/timeline":      {allow: residentViewers, card: wubu.CardTimeline},
	"POST /api/v1/residents/{id}/contacts":     {allow: residentEditors, card: wubu.CardTimeline, body: `{"text":"电话回访"}`},
	"POST /api/v1/residents/{id}/households":   {allow: residentEditors, card: wubu.CardRooms, body: `{"room_id":{room},"relation":"family"}`},
	"POST /api/v1/residents/{id}/vehicles":     {allow: residentEditors, card: wubu.CardPlates, body: `{"plate":"粤B00002"}`},
	"POST /api/v1/residents/{id}/cards":        {allow: residentEditors, card: wubu.CardCards, body: `{"kind":"parking","number":"P0001"}`},
	"POST /api/v1/residents/{id}/special-days": {allow: residentEditors, card: wubu.CardSpecialDays, body: `{"kind":"wedding","date":"2001-05-20","yearly":true}`},
	// Residents' rights (PIPL): a wrong confirmation is refused with 422,
	// so the matrix erases nobody.
	"GET /residents/{id}/export":          {allow: managers},
	"POST /residents/{id}/erase":          {allow: managers, body: "confirm=nobody"},
	"GET /api/v1/residents/{id}/export":   {allow: managers},
	"POST /api/v1/residents/{id}/erase":   {allow: managers, body: `{"confirm":"nobody"}`},
	"GET /api/v1/projects/{id}/retention": {allow: everyone},
	"GET /projects/{id}/retention":        {allow: managers},
	"POST /projects/{id}/retention":       {allow: managers, body: "moved_out_days=1095&outbox_days=180&sign_in_days=180&audit_days=365"},
	"PUT /api/v1/projects/{id}/retention": {allow: managers, body: `{"moved_out_days":1095,"outbox_days":180,"sign_in_days":180,"audit_days":365}`},
	"POST /api/v1/rooms/{id}/appliances":  {allow: residentEditors, card: wubu.CardAppliances, body: `{"type":"冰箱","brand":"海尔"}`},
}

// A feature adds its routes to the matrix from its own file, in an init
// function: addMatrix(entries, objects). objects makes, for each kind of
// object the feature's routes take by ID, one such object in a project
// (after the organisation, staff and a resident exist), keyed by the path
// segment before "{id}" ("/orders/"). Its ID then stands for {id} in paths
// with that segment, and for {orders} (the segment's name) in paths and
// bodies.
func addMatrix(entries map[string]matrixEntry, objects map[string]objectMaker) {
	for k, e := range entries {
		if _, dup := matrix[k]; dup {
			panic("permission matrix: two entries for " + k)
		}
		matrix[k] = e
	}
	for seg, mk := range objects {
		objectMakers = append(objectMakers, namedMaker{seg, mk})
	}
}

// objectMaker makes one object of a feature in project p and returns its ID.
type objectMaker func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64

type namedMaker struct {
	segment string
	make    objectMaker
}

var objectMakers []namedMaker

// orgObjects are the IDs a project's routes are called with.
type orgObjects struct {
	project, zone, building, unit, user, room, resident int64
	// extra holds the features' objects by path segment ("/orders/").
	extra map[string]int64
}

func makeOrg(t *testing.T, app *testApp, p *wubu.Project, suffix string) orgObjects {
	t.Helper()
	ctx := app.adminCtx()
	org := sqlstore.NewOrgService(app.DB)
	z := &wubu.Zone{ProjectID: p.ID, Name: "东区"}
	if err := org.CreateZone(ctx, z); err != nil {
		t.Fatal(err)
	}
	res, err := org.GenerateRooms(ctx, wubu.RoomGeneration{ProjectID: p.ID, Building: "1", ZoneID: &z.ID, Units: 1, Floors: 2, PerFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	units, _ := org.FindUnits(ctx, res.Building.ID)
	target := app.User(t, "target_"+suffix, wubu.RoleStaff, wubu.PostSecurity, p)
	rooms, _, _ := org.FindRooms(ctx, wubu.RoomFilter{ProjectID: p.ID, Limit: 1})
	rs := sqlstore.NewResidentService(app.DB)
	person := &wubu.Person{ProjectID: p.ID, Name: "住户" + suffix, Phones: []string{"13700000000"}}
	if err := rs.CreatePersonInRoom(ctx, person, &wubu.Household{RoomID: rooms[0].ID, Relation: wubu.RelationOwner}); err != nil {
		t.Fatal(err)
	}
	o := orgObjects{project: p.ID, zone: z.ID, building: res.Building.ID, unit: units[0].ID, user: target.ID, room: rooms[0].ID, resident: person.ID,
		extra: map[string]int64{}}
	for _, m := range objectMakers {
		o.extra[m.segment] = m.make(t, app, p, &o)
	}
	return o
}

// segmentName is the placeholder of a segment's object: "/orders/" → "{orders}".
func segmentName(seg string) string {
	return "{" + strings.ReplaceAll(strings.Trim(seg, "/"), "/", "_") + "}"
}

// fill puts the objects' IDs into a route path and a body.
func (o orgObjects) fill(rt, body string) (string, string) {
	path := rt[strings.Index(rt, " ")+1:]
	path = strings.Replace(path, "{$}", "", 1)
	id := o.project
	switch {
	case strings.Contains(path, "/buildings/{id}"):
		id = o.building
	case strings.Contains(path, "/units/{id}"):
		id = o.unit
	case strings.Contains(path, "/staff/{id}"), strings.Contains(path, "/users/{id}"):
		id = o.user
	case strings.Contains(path, "/residents/{id}"):
		id = o.resident
	case strings.Contains(path, "/rooms/{id}"):
		id = o.room
	}
	pairs := []string{"{zone}", fmt.Sprint(o.zone), "{building}", fmt.Sprint(o.building),
		"{user}", fmt.Sprint(o.user), "{project}", fmt.Sprint(o.project), "{room}", fmt.Sprint(o.room), "{resident}", fmt.Sprint(o.resident)}
	for seg, x := range o.extra {
		if strings.Contains(path, seg+"{id}") {
			id = x
		}
		pairs = append(pairs, segmentName(seg), fmt.Sprint(x))
	}
	r := strings.NewReplacer(append([]string{"{id}", fmt.Sprint(id)}, pairs...)...)
	return r.Replace(path), r.Replace(body)
}

// missing replaces the IDs of o's objects in path by one that exists nowhere.
func (o orgObjects) missing(path string) string {
	const none = "987654321"
	pairs := []string{fmt.Sprint("/", o.project, "/"), "/" + none + "/"}
	for _, id := range []int64{o.building, o.unit, o.user, o.resident, o.room} {
		pairs = append(pairs, fmt.Sprint("/", id), "/"+none)
	}
	for _, id := range o.extra {
		pairs = append(pairs, fmt.Sprint("/", id), "/"+none)
	}
	if strings.HasSuffix(path, fmt.Sprint("/", o.project)) {
		return strings.TrimSuffix(path, fmt.Sprint(o.project)) + none
	}
	return strings.NewReplacer(pairs...).Replace(path)
}

type actor struct {
	name    string
	role    wubu.Role
	user    *wubu.User
	cookies []*http.Cookie
	token   string
}

// TestPermissionMatrix calls every registered route as every kind of staff
// member and as nobody, and checks the answer against the matrix: allowed
// roles get through, others get 403 and nothing is written; a signed-in
// caller asking for another project's object by ID gets 404, as for a
// missing one.
func TestPermissionMatrix(t *testing.T) {
	app := newTestApp(t, sqlstore.SQLite)
	a := makeOrg(t, app, app.ProjectA, "a")
	b := makeOrg(t, app, app.ProjectB, "b")

	var actors []*actor
	for _, spec := range []struct {
		login string
		role  wubu.Role
		post  wubu.Post
		both  bool
	}{
		{"m_guard", wubu.RoleStaff, wubu.PostSecurity, false},
		{"m_cleaner", wubu.RoleStaff, wubu.PostCleaning, false},
		{"m_tech", wubu.RoleStaff, wubu.PostMaintenance, false},
		{"m_assistant", wubu.RoleStaff, wubu.PostService, false},
		{"m_lead", wubu.RoleTeamLeader, wubu.PostSecurity, false},
		{"m_duty", wubu.RoleDutyManager, wubu.PostNone, false},
		{"m_manager", wubu.RoleManager, wubu.PostNone, false},
		{"m_quality", wubu.RoleQuality, wubu.PostNone, true},
	} {
		projects := []*wubu.Project{app.ProjectA}
		if spec.both {
			projects = append(projects, app.ProjectB)
		}
		actors = append(actors, &actor{name: spec.login, role: spec.role, user: app.User(t, spec.login, spec.role, spec.post, projects...)})
	}
	actors = append(actors, &actor{name: "admin", role: wubu.RoleAdmin, user: app.Admin})
	signIn := func(ac *actor) {
		br := app.webLogin(t, ac.user.Login)
		u, _ := url.Parse(app.URL)
		ac.cookies = br.client.Jar.Cookies(u)
		ac.token = app.apiLogin(t, ac.user.Login).token
	}
	for _, ac := range actors {
		signIn(ac)
	}

	call := func(ac *actor, method, path, body string, api bool) (int, string) {
		var rd io.Reader
		if body != "" {
			rd = strings.NewReader(body)
		}
		req, _ := http.NewRequest(method, app.URL+path, rd)
		if body != "" {
			if api {
				req.Header.Set("Content-Type", "application/json")
			} else {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
		}
		if ac != nil && api {
			req.Header.Set("Authorization", "Bearer "+ac.token)
		} else if ac != nil {
			for _, c := range ac.cookies {
				req.AddCookie(c)
			}
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location") + string(data)
	}

	routes := app.Main.Server.Routes()
	if len(routes) < 50 {
		t.Fatalf("only %d routes registered", len(routes))
	}
	for _, rt := range routes {
		pattern := rt.Pattern()
		e, ok := matrix[pattern]
		if !ok {
			t.Errorf("route %s has no entry in the permission matrix", pattern)
			continue
		}
		if e.portal {
			continue
		}
		method := rt.Method
		// Signing out and changing a password end sessions: sign in again after.
		endsSessions := strings.HasSuffix(rt.Path, "/logout") || strings.HasSuffix(rt.Path, "/password")
		t.Run(strings.ReplaceAll(pattern, "/", "_"), func(t *testing.T) {
			path, body := a.fill(pattern, e.body)

			// Nobody signed in.
			status, resp := call(nil, method, path, body, rt.API)
			switch {
			case e.public:
				if status >= 500 || status == http.StatusForbidden {
					t.Errorf("anonymous: got %d, want the public route to answer", status)
				}
			case rt.API && status != http.StatusUnauthorized:
				t.Errorf("anonymous: got %d, want 401", status)
			case !rt.API && (status != http.StatusSeeOther || !strings.HasPrefix(resp, "/login")):
				t.Errorf("anonymous: got %d %q, want a redirect to /login", status, resp)
			}
			if e.public {
				return
			}

			for _, ac := range actors {
				before := auditCount(t, app.DB)
				status, resp := call(ac, method, path, body, rt.API)
				allowed := slices.Contains(e.allow, ac.role)
				if e.revealPhone && !ac.user.Can(wubu.PermRevealPhone) {
					allowed = false
				}
				if e.perm != "" {
					allowed = ac.user.Can(e.perm)
				}
				if e.card != "" && allowed {
					if method == http.MethodGet {
						allowed = ac.user.Sees(e.card)
					} else {
						allowed = ac.user.MayEdit(e.card)
					}
				}
				if slices.Contains(e.refused, ac.name) {
					allowed = false
				}
				if e.missingOK && allowed && status == http.StatusNotFound {
					status = http.StatusOK
				}
				switch {
				case allowed && (status == http.StatusUnauthorized || status == http.StatusForbidden || status >= 500):
					t.Errorf("%s (%s): got %d, want allowed: %.200s", ac.name, ac.role, status, resp)
				case !allowed && status != http.StatusForbidden:
					t.Errorf("%s (%s): got %d, want 403", ac.name, ac.role, status)
				case !allowed && auditCount(t, app.DB) != before:
					t.Errorf("%s (%s): a refused request changed something", ac.name, ac.role)
				}
				if endsSessions && allowed {
					signIn(ac)
				}

				// Another project's object by ID answers like a missing one.
				if !allowed || ac.user.AllProjects() || ac.user.Serves(app.ProjectB.ID) || !strings.Contains(pattern, "{id}") {
					continue
				}
				bpath, _ := b.fill(pattern, e.body)
				before = auditCount(t, app.DB)
				status, resp = call(ac, method, bpath, body, rt.API)
				if status != http.StatusNotFound {
					t.Errorf("%s (%s) on project B's object: got %d, want 404: %.200s", ac.name, ac.role, status, resp)
				}
				if auditCount(t, app.DB) != before {
					t.Errorf("%s (%s): a request on project B's object changed something", ac.name, ac.role)
				}
				missing := b.missing(bpath)
				mstatus, mresp := call(ac, method, missing, body, rt.API)
				if rt.API && (mstatus != status || mresp != resp) {
					t.Errorf("%s (%s): another project's object answers %d %s, a missing one %d %s", ac.name, ac.role, status, resp, mstatus, mresp)
				}
			}
		})
	}
}
