package sqlstore_test

import (
	"context"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestPortalChanges (issue 15 item 2): the resident asks on the portal for
// a new phone, a special day and an opt-out; nothing changes until the
// desk applies each (or rejects one with a reason); the new phone ends the
// sessions of the old number; a resident cannot apply, another project's
// staff do not see the request.
func TestPortalChanges(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newPortalWorld(t, db, clock)
		ask := func(kind wubu.PortalChangeKind, value string) (*wubu.PortalChange, error) {
			c := &wubu.PortalChange{Kind: kind, Value: value}
			return c, w.portal.RequestChange(w.ownerBCtx, c)
		}
		for _, bad := range []struct {
			kind  wubu.PortalChangeKind
			value string
		}{{wubu.ChangePhone, "12345"}, {wubu.ChangePhone, "18999999999"}, {wubu.ChangeSpecialDay, "birthday 1980-13-40"}, {wubu.ChangeOptOut, "nonsense"}, {"name", "x"}} {
			if _, err := ask(bad.kind, bad.value); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Fatalf("%s %q: got %v, want invalid", bad.kind, bad.value, err)
			}
		}
		phone, err := ask(wubu.ChangePhone, "139 0000 4444")
		if err != nil || phone.State != wubu.ChangePending || phone.Value != "13900004444" || phone.Old != w.bPhone {
			t.Fatalf("phone request: %+v %v", phone, err)
		}
		day, err := ask(wubu.ChangeSpecialDay, "wedding 2001-10-01")
		if err != nil {
			t.Fatal(err)
		}
		optout, err := ask(wubu.ChangeOptOut, "festival_greeting")
		if err != nil {
			t.Fatal(err)
		}
		mine, err := w.portal.MyChanges(w.ownerBCtx)
		if err != nil || len(mine) != 3 {
			t.Fatalf("my requests: %v %v", mine, err)
		}
		if _, err := w.portal.ApplyChange(w.ownerBCtx, phone.ID); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Fatalf("the resident applies: %v", err)
		}
		outsider := w.f.User(t, "outsider", wubu.RoleStaff, wubu.PostService, w.f.ProjectB)
		if _, err := w.portal.ApplyChange(w.f.Ctx(outsider), phone.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another project's desk: %v", err)
		}
		queue, err := w.portal.FindChanges(w.assistantCtx, w.f.ProjectA.ID)
		if err != nil || len(queue) != 3 || queue[0].State != wubu.ChangePending {
			t.Fatalf("the desk's queue: %v %v", queue, err)
		}
		if _, err := w.portal.RejectChange(w.assistantCtx, optout.ID, ""); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("rejecting without a reason: %v", err)
		}
		if c, err := w.portal.RejectChange(w.assistantCtx, optout.ID, "节日问候已按户发送"); err != nil || c.State != wubu.ChangeRejected {
			t.Fatalf("rejected: %+v %v", c, err)
		}
		if c, err := w.portal.ApplyChange(w.assistantCtx, day.ID); err != nil || c.State != wubu.ChangeApplied {
			t.Fatalf("day applied: %+v %v", c, err)
		}
		if _, err := w.portal.ApplyChange(w.assistantCtx, day.ID); wubu.ErrorCode(err) != wubu.ECONFLICT {
			t.Fatalf("applied twice: %v", err)
		}
		res, err := sqlstore.NewResidentService(db).FindResident(w.assistantCtx, w.ownerB.ID)
		if err != nil || len(res.SpecialDays) != 1 || res.SpecialDays[0].Date != "2001-10-01" {
			t.Fatalf("the special day on the record: %+v %v", res, err)
		}
		if _, err := w.portal.ApplyChange(w.assistantCtx, phone.ID); err != nil {
			t.Fatal(err)
		}
		// The old number no longer signs in; the new one does.
		if _, err := w.portal.Homes(w.ownerBCtx); err != nil {
			t.Fatal(err) // the context was made before; the session is checked at the next request
		}
		id := wubu.PortalIdentityFromContext(w.ownerBCtx)
		if _, err := w.auth.RequestCode(context.Background(), w.bPhone); wubu.ErrorCode(err) != wubu.EINVALID {
			t.Fatalf("the old number: %v", err)
		}
		if _, err := w.auth.Sessions(w.ownerBCtx); err != nil || id == nil {
			t.Fatal(err)
		}
		w.signIn(t, "13900004444", 0)
	})
}
