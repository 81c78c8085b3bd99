package main

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestCommunityAPI: over the API, the prospect list is read by its
// custodian — an assistant — and refused to another assistant, every read
// audited; the anticipated-issue register comes back ranked by impact.
func TestCommunityAPI(t *testing.T) {
	for _, d := range wubutest.Dialects(t) {
		t.Run(d, func(t *testing.T) {
			app := newTestApp(t, d)
			admin := app.adminCtx()
			keeper := app.User(t, "baoguan", wubu.RoleStaff, wubu.PostService, app.ProjectA)
			app.User(t, "kefu2", wubu.RoleStaff, wubu.PostService, app.ProjectA)
			if _, err := sqlstore.NewOrgService(app.DB).GenerateRooms(admin, wubu.RoomGeneration{ProjectID: app.ProjectA.ID, Building: "2", Units: 1, Floors: 1, PerFloor: 2}); err != nil {
				t.Fatal(err)
			}
			if err := sqlstore.NewProspectService(app.DB).SetProspectCustodian(admin, app.ProjectA.ID, keeper.ID); err != nil {
				t.Fatal(err)
			}
			custodian, other := app.apiLogin(t, "baoguan"), app.apiLogin(t, "kefu2")
			base := "/api/v1/projects/" + itoa(app.ProjectA.ID)
			var p wubu.Prospect
			if status := custodian.do("POST", base+"/prospects", map[string]string{"name": "赵明远", "address": "北京市海淀区中关村大街27号", "unit": "2-1-101"}, &p); status != 201 || p.Code == "" {
				t.Fatalf("add: %d %+v", status, p)
			}
			var got struct {
				Items []*wubu.Prospect `json:"items"`
			}
			if status := custodian.do("GET", base+"/prospects", nil, &got); status != 200 || len(got.Items) != 1 || got.Items[0].Address != p.Address {
				t.Fatalf("custodian reads: %d %+v", status, got)
			}
			if status := other.do("GET", base+"/prospects", nil, nil); status != 403 {
				t.Fatalf("another assistant reads: %d, want 403", status)
			}
			entries, _, err := sqlstore.NewAuditService(app.DB).FindAuditEntries(admin, wubu.AuditFilter{ObjectType: "prospect", Action: wubu.ActionRead, Limit: 10})
			if err != nil || len(entries) != 1 || entries[0].UserID == nil || *entries[0].UserID != keeper.ID {
				t.Fatalf("audited reads: %+v, %v", entries, err)
			}

			for _, i := range []map[string]any{
				{"title": "电梯等候时间长", "source": "staff", "households": 120, "severity": 2, "owner_id": keeper.ID},
				{"title": "地下车库渗水", "source": "inspection", "households": 40, "severity": 5, "owner_id": keeper.ID},
			} {
				if status := custodian.do("POST", base+"/focus-issues", i, nil); status != 201 {
					t.Fatalf("record %v: %d", i["title"], status)
				}
			}
			var issues struct {
				Items []*wubu.FocusIssue `json:"items"`
			}
			if status := other.do("GET", base+"/focus-issues", nil, &issues); status != 200 || len(issues.Items) != 2 ||
				issues.Items[0].Impact != 240 || issues.Items[0].Rank != 1 || issues.Items[1].Impact != 200 {
				t.Fatalf("ranked: %d %+v", status, issues.Items)
			}
		})
	}
}
