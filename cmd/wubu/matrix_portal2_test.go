package main

import (
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
)

// The routes of the community forum and interest groups (K4, U5) on the
// staff's side — reading for those who see residents, answering for those
// who serve them, moderation for those who lead — the visitor passes
// (访客: the day's list, the guard's check of a code) and the pre-move-in
// pages (K4): the centre publishes, the buyers' pages are public routes
// behind their own session.
func init() {
	// The resident's own objects on the portal: an interest group's board
	// and a topic of the general board.
	portalMakers["/my/forum/boards/"] = func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		b := &wubu.ForumBoard{ProjectID: p.ID, Kind: wubu.BoardGroup, Name: "摄影社"}
		if err := sqlstore.NewForumService(app.DB).CreateBoard(app.adminCtx(), b); err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	portalMakers["/my/forum/topics/"] = func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		return o.extra["/forum/topics/"]
	}
	portalMakers["/my/forum/posts/"] = portalMakers["/my/forum/topics/"]
	// An open event of the project, and a free round-table slot.
	portalMakers["/my/events/"] = func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		es := sqlstore.NewEventService(app.DB)
		e := &wubu.Event{ProjectID: p.ID, Kind: wubu.EventActivity, Title: "中秋游园会", Place: "中心花园", StartsAt: app.Main.DB.Clock.Now().Add(72 * time.Hour), Capacity: 10}
		if err := es.PlanEvent(app.adminCtx(), e); err != nil {
			t.Fatal(err)
		}
		if _, err := es.OpenEvent(app.adminCtx(), e.ID); err != nil {
			t.Fatal(err)
		}
		return e.ID
	}
	portalMakers["/my/round-tables/"] = func(t *testing.T, app *testApp, _ *browser, p *wubu.Project, o *orgObjects) int64 {
		host := app.User(t, "rt_host", wubu.RoleManager, wubu.PostNone, p)
		slots, err := sqlstore.NewRoundTableService(app.DB, nil).PublishRoundTables(app.adminCtx(), wubu.RoundTableSeries{ProjectID: p.ID,
			Day: app.Main.DB.Clock.Now().AddDate(0, 0, 3).Format("2006-01-02"), Times: []string{"10:00"}, Minutes: 30, Place: "客服中心", HostID: host.ID})
		if err != nil {
			t.Fatal(err)
		}
		return slots[0].ID
	}
	addMatrix(map[string]matrixEntry{
		"GET /forum":                       {perm: wubu.PermResidentView},
		"POST /forum/boards":               {perm: wubu.PermStaffView, body: "project={project}&kind=group&name=摄影社"},
		"GET /forum/boards/{id}":           {perm: wubu.PermResidentView},
		"GET /forum/topics/{id}":           {perm: wubu.PermResidentView},
		"POST /forum/topics/{id}/answer":   {perm: wubu.PermResidentEdit, body: "body=已报修，今天下午更换。"},
		"POST /forum/topics/{id}/moderate": {perm: wubu.PermStaffView, body: "action=lock"},

		"GET /visitors":        {perm: wubu.PermSecurityView},
		"POST /visitors/check": {perm: wubu.PermSecurityEdit, body: "project={project}&code=123456&room=1-1-101"},

		"GET /projects/{id}/premovein":        {perm: wubu.PermOrgView},
		"POST /projects/{id}/premovein":       {perm: wubu.PermSettingsEdit, body: "kind=purchase&title=交房须知"},
		"POST /premovein-items/{id}/delete":   {perm: wubu.PermSettingsEdit, body: "project={project}"},
		"GET /pre":                            {public: true},
		"POST /pre/login":                     {public: true, body: "code=NOSUCHCODE"},
		"POST /pre/logout":                    {public: true},
		"GET /pre/forum/boards/{id}":          {public: true},
		"POST /pre/forum/boards/{id}/topics":  {public: true, body: "title=x&body=y"},
		"GET /pre/forum/topics/{id}":          {public: true},
		"POST /pre/forum/topics/{id}/replies": {public: true, body: "body=y"},
		"POST /pre/forum/posts/{id}/report":   {public: true},

		"GET /my/forum":                      {portal: true},
		"POST /my/forum/boards/{id}/join":    {portal: true},
		"POST /my/forum/boards/{id}/leave":   {portal: true},
		"GET /my/forum/boards/{id}":          {portal: true},
		"POST /my/forum/boards/{id}/topics":  {portal: true, body: "title=周末外拍&body=奥森公园"},
		"GET /my/forum/topics/{id}":          {portal: true},
		"POST /my/forum/topics/{id}/replies": {portal: true, body: "body=同问"},
		"POST /my/forum/posts/{id}/report":   {portal: true, body: "reason=广告"},
		"GET /my/notices":                    {portal: true},
		"GET /my/renovations":                {portal: true},
		"GET /my/events":                     {portal: true},
		"POST /my/events/{id}/signup":        {portal: true},
		"POST /my/events/{id}/cancel":        {portal: true},
		"GET /my/round-tables":               {portal: true},
		"POST /my/round-tables/{id}/book":    {portal: true},
		"GET /my/visitors":                   {portal: true},
		"POST /my/visitors":                  {portal: true, body: "visitor_name=小张&visitor_phone=13800138000&date=2026-11-28"},
	}, map[string]objectMaker{
		// The project's general board.
		"/forum/boards/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			b := &wubu.ForumBoard{ProjectID: p.ID, Kind: wubu.BoardForum, Name: "业主论坛"}
			if err := sqlstore.NewForumService(app.DB).CreateBoard(app.adminCtx(), b); err != nil {
				t.Fatal(err)
			}
			return b.ID
		},
		// A resident's topic on it.
		"/forum/topics/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			fs := sqlstore.NewForumService(app.DB)
			b := &wubu.ForumBoard{ProjectID: p.ID, Kind: wubu.BoardForum, Name: "物业服务"}
			if err := fs.CreateBoard(app.adminCtx(), b); err != nil {
				t.Fatal(err)
			}
			post := &wubu.ForumPost{BoardID: b.ID, Title: "地下车库照明", Body: "B2层东侧的灯坏了"}
			if err := fs.PostTopicAs(t.Context(), wubu.ForumAuthor{ProjectID: p.ID, PersonID: o.resident}, post); err != nil {
				t.Fatal(err)
			}
			return post.ID
		},
		// A published item.
		"/premovein-items/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			it := &wubu.PreMoveInItem{ProjectID: p.ID, Kind: "renovation", Title: "装修管理规定"}
			if err := sqlstore.NewPreMoveInService(app.DB).PublishPreMoveIn(app.adminCtx(), it); err != nil {
				t.Fatal(err)
			}
			return it.ID
		},
	})
}
