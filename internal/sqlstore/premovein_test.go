package sqlstore_test

import (
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestPreMoveInSession: a buyer signs in with the invitation code of their
// card (spaces and lower case forgiven) and sees the new community's pages:
// the centre's information, the group-buy offers still valid, the local
// resources and the move-in steps; wrong codes are throttled per address;
// the session expires; an assistant cannot publish; signing out ends it.
func TestPreMoveInSession(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		ps := sqlstore.NewPreMoveInService(db)
		pid := o.f.ProjectA.ID
		mgr := o.f.Ctx(o.f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, o.f.ProjectA))
		staff := o.f.Ctx(o.f.User(t, "kefu", wubu.RoleStaff, wubu.PostService, o.f.ProjectA))
		if err := sqlstore.NewProspectService(db).AddProspect(mgr, &wubu.Prospect{ProjectID: pid, Name: "赵买家", Address: "北京市朝阳区1号", Unit: o.rooms[0].Label}); err != nil {
			t.Fatal(err)
		}
		list, err := sqlstore.NewProspectService(db).FindProspects(mgr, pid)
		if err != nil || len(list) != 1 {
			t.Fatalf("prospects: %v, %v", list, err)
		}
		code := list[0].Code
		if err := sqlstore.NewLocalResourceService(db).AddLocalResource(mgr, &wubu.LocalResource{ProjectID: pid, Kind: "school", Name: "实验小学"}, nil); err != nil {
			t.Fatal(err)
		}

		today := clock.Now().In(cst8)
		mustCode(t, ps.PublishPreMoveIn(staff, &wubu.PreMoveInItem{ProjectID: pid, Kind: "purchase", Title: "交房须知"}), wubu.EFORBIDDEN)
		mustCode(t, ps.PublishPreMoveIn(mgr, &wubu.PreMoveInItem{ProjectID: pid, Kind: "shop", Title: "x"}), wubu.EINVALID)
		mustCode(t, ps.PublishPreMoveIn(mgr, &wubu.PreMoveInItem{ProjectID: pid, Kind: "group_buy", Title: "地板团购"}), wubu.EINVALID)
		mustCode(t, ps.PublishPreMoveIn(mgr, &wubu.PreMoveInItem{ProjectID: pid, Kind: "group_buy", Title: "地板团购", Supplier: "x", ValidUntil: "12/31"}), wubu.EINVALID)
		for _, it := range []*wubu.PreMoveInItem{
			{ProjectID: pid, Kind: "purchase", Title: "交房须知", Body: "带好购房合同与身份证"},
			{ProjectID: pid, Kind: "renovation", Title: "装修管理规定", Body: "装修时间：工作日8:00-12:00, 14:00-18:00"},
			{ProjectID: pid, Kind: "group_buy", Title: "实木地板团购", Supplier: "某某地板", Price: "198元/㎡", ValidUntil: today.AddDate(0, 0, 10).Format("2006-01-02")},
			{ProjectID: pid, Kind: "group_buy", Title: "空调团购（已结束）", Supplier: "某某电器", ValidUntil: today.AddDate(0, 0, -1).Format("2006-01-02")},
		} {
			if err := ps.PublishPreMoveIn(mgr, it); err != nil {
				t.Fatal(err)
			}
		}

		ctx := wubu.NewContextWithRequestInfo(t.Context(), wubu.RequestInfo{IP: "10.0.0.9"})
		_, _, err = ps.SignInPreMoveIn(ctx, "WRONG123")
		mustCode(t, err, wubu.EUNAUTHORIZED)
		token, v, err := ps.SignInPreMoveIn(ctx, " "+code[:4]+" "+code[4:])
		if err != nil || v.ProjectID != pid || v.Name != "赵**" || v.Unit != o.rooms[0].Label {
			t.Fatalf("sign-in: %+v, %v", v, err)
		}
		got, err := ps.AuthenticatePreMoveIn(t.Context(), token)
		if err != nil || got.ProspectID != list[0].ID {
			t.Fatalf("authenticate: %+v, %v", got, err)
		}
		pages, err := ps.PreMoveInPages(t.Context(), got)
		if err != nil || len(pages.Items) != 3 || len(pages.Resources) != 1 || len(pages.Steps) == 0 {
			t.Fatalf("pages: %+v, %v", pages, err)
		}
		for _, it := range pages.Items {
			if it.Title == "空调团购（已结束）" {
				t.Fatalf("an offer past its date is shown")
			}
		}

		t.Run("ErrTooManyCodes", func(t *testing.T) {
			guess := wubu.NewContextWithRequestInfo(t.Context(), wubu.RequestInfo{IP: "10.0.0.66"})
			var err error
			for range wubu.MaxFailedLogins + 1 {
				if _, _, err = ps.SignInPreMoveIn(guess, "ZZZZZZZZ"); wubu.ErrorCode(err) == wubu.ETOOMANYREQUEST {
					break
				}
			}
			mustCode(t, err, wubu.ETOOMANYREQUEST)
			// The right code from there waits too.
			_, _, err = ps.SignInPreMoveIn(guess, code)
			mustCode(t, err, wubu.ETOOMANYREQUEST)
		})

		if err := ps.SignOutPreMoveIn(t.Context(), token); err != nil {
			t.Fatal(err)
		}
		_, err = ps.AuthenticatePreMoveIn(t.Context(), token)
		mustCode(t, err, wubu.EUNAUTHORIZED)
		token, _, err = ps.SignInPreMoveIn(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		clock.Add(wubu.PreMoveInSessionAge + time.Minute)
		_, err = ps.AuthenticatePreMoveIn(t.Context(), token)
		mustCode(t, err, wubu.EUNAUTHORIZED)
	})
}
