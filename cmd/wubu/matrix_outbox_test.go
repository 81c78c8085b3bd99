package main

import (
	"context"
	"fmt"
	"testing"

	"github.com/wubu-oss/wubu"
)

// The outbox's routes: every staff member's inbox, a project's outbox (for
// those who lead), its delivery rules (managers), residents' opt-outs.
func init() {
	addMatrix(map[string]matrixEntry{
		"GET /inbox":                          {allow: everyone},
		"POST /inbox/{id}/read":               {allow: everyone, missingOK: true},
		"POST /inbox/read-all":                {allow: everyone},
		"GET /projects/{id}/outbox":           {allow: staffViewer},
		"GET /projects/{id}/outbox/demo":      {allow: staffViewer},
		"POST /outbox/{id}/resend":            {allow: managers},
		"GET /projects/{id}/outbox/settings":  {allow: managers},
		"POST /projects/{id}/outbox/settings": {allow: managers, body: "quiet_start=21:30&quiet_end=08:00&webhook_url=&webhook_secret="},

		"GET /api/v1/inbox":                         {allow: everyone},
		"POST /api/v1/inbox/{id}/read":              {allow: everyone, missingOK: true},
		"POST /api/v1/inbox/read-all":               {allow: everyone},
		"GET /api/v1/projects/{id}/outbox":          {allow: staffViewer},
		"GET /api/v1/projects/{id}/outbox/settings": {allow: staffViewer},
		"PUT /api/v1/projects/{id}/outbox/settings": {allow: managers, body: `{"quiet_start":1260,"quiet_end":480}`},
		"POST /api/v1/outbox/{id}/resend":           {allow: managers},
		"GET /api/v1/residents/{id}/opt-outs":       {allow: residentViewers},
		"PUT /api/v1/residents/{id}/opt-outs":       {allow: residentEditors, card: wubu.CardOptOuts, body: `{"kind":"festival_greeting","opted_out":true}`},
	}, map[string]objectMaker{
		// An inbox message of the admin's: others' reads of it answer 404.
		"/inbox/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			return matrixMessage(t, app, p, wubu.Notification{ProjectID: p.ID, Kind: "special_day", To: wubu.Recipient{UserID: app.Admin.ID}, DedupKey: "matrix-inbox"}, false)
		},
		// A failed SMS, for the resend.
		"/outbox/": func(t *testing.T, app *testApp, p *wubu.Project, o *orgObjects) int64 {
			return matrixMessage(t, app, p, wubu.Notification{ProjectID: p.ID, Kind: "card_expiry", To: wubu.Recipient{Address: "13800138000"}, DedupKey: "matrix-failed"}, true)
		},
	})
}

// matrixMessage queues a notification and returns its message's ID, failed
// if fail is set.
func matrixMessage(t *testing.T, app *testApp, p *wubu.Project, n wubu.Notification, fail bool) int64 {
	t.Helper()
	ctx := app.adminCtx()
	if err := app.Main.Outbox.Notify(ctx, n); err != nil {
		t.Fatal(err)
	}
	ms, _, err := app.Main.Outbox.FindMessages(ctx, p.ID, wubu.MessageFilter{Kind: n.Kind})
	if err != nil || len(ms) != 1 {
		t.Fatalf("matrix message: %v %v", ms, err)
	}
	if fail {
		if _, err := app.DB.SQL().ExecContext(context.Background(), `UPDATE outbox SET status = 'failed', attempts = 5, last_error = 'provider down' WHERE id = ?`, ms[0].ID); err != nil {
			t.Fatal(fmt.Errorf("fail matrix message: %w", err))
		}
	}
	return ms[0].ID
}
