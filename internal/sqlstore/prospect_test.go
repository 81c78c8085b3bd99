package sqlstore_test

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestProspectCustodian: the sales office's list is read only by the
// project's named custodian and the manager — an assistant who is not the
// custodian is refused the addresses, another project answers not found —
// every read is audited, bad input stores nothing, and completing the
// move-in started from an entry takes it off the list.
func TestProspectCustodian(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		ps := sqlstore.NewProspectService(db)
		pid := w.f.ProjectA.ID
		mgr, east, west := w.f.Ctx(w.manager), w.f.Ctx(w.eastAsst), w.f.Ctx(w.westAsst)
		if err := ps.SetProspectCustodian(east, pid, w.eastAsst.ID); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Fatalf("an assistant named the custodian: %v", err)
		}
		if err := ps.SetProspectCustodian(mgr, pid, w.eastAsst.ID); err != nil {
			t.Fatal(err)
		}
		if c, err := ps.FindProspectCustodian(mgr, pid); err != nil || c == nil || c.UserID != w.eastAsst.ID {
			t.Fatalf("custodian: %+v, %v", c, err)
		}
		t.Run("ErrInvalid", func(t *testing.T) {
			mustCode(t, ps.AddProspect(east, &wubu.Prospect{ProjectID: pid, Name: "", Address: "北京市朝阳区1号", Unit: w.rooms1[0].Label}), wubu.EINVALID)
			mustCode(t, ps.AddProspect(east, &wubu.Prospect{ProjectID: pid, Name: "张三", Address: " ", Unit: w.rooms1[0].Label}), wubu.EINVALID)
			mustCode(t, ps.AddProspect(east, &wubu.Prospect{ProjectID: pid, Name: "张三", Address: "北京市朝阳区1号", Unit: "9-9-999"}), wubu.EINVALID)
			mustCode(t, ps.AddProspect(west, &wubu.Prospect{ProjectID: pid, Name: "张三", Address: "北京市朝阳区1号", Unit: w.rooms1[0].Label}), wubu.EFORBIDDEN)
		})
		a := &wubu.Prospect{ProjectID: pid, Name: "张三", Address: "北京市朝阳区建国路1号", Unit: w.rooms1[0].Label}
		b := &wubu.Prospect{ProjectID: pid, Name: "李四", Address: "上海市徐汇区2号", Unit: w.rooms1[1].Label}
		for _, p := range []*wubu.Prospect{a, b} {
			if err := ps.AddProspect(east, p); err != nil {
				t.Fatal(err)
			}
		}
		if len(a.Code) != 8 || a.Code == b.Code {
			t.Fatalf("invitation codes: %q %q", a.Code, b.Code)
		}
		reads := func() int {
			t.Helper()
			_, n, err := sqlstore.NewAuditService(db).FindAuditEntries(w.f.Ctx(w.f.Admin), wubu.AuditFilter{ProjectID: &pid, ObjectType: "prospect", Action: wubu.ActionRead})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// The assistant who is not the custodian: refused, nothing read.
		if _, err := ps.FindProspects(west, pid); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
			t.Fatalf("non-custodian read the list: %v", err)
		}
		other := w.f.User(t, "other", wubu.RoleManager, wubu.PostNone, w.f.ProjectB)
		if _, err := ps.FindProspects(w.f.Ctx(other), pid); wubu.ErrorCode(err) != wubu.ENOTFOUND {
			t.Fatalf("another project's user: %v", err)
		}
		if n := reads(); n != 0 {
			t.Fatalf("refused reads audited as reads: %d", n)
		}
		list, err := ps.FindProspects(east, pid)
		if err != nil || len(list) != 2 || list[0].Address == "" {
			t.Fatalf("custodian's list: %+v, %v", list, err)
		}
		if _, err := ps.FindProspects(mgr, pid); err != nil {
			t.Fatal(err)
		}
		if n := reads(); n != 2 {
			t.Fatalf("reads audited: %d, want 2", n)
		}
		// The move-in from the entry makes an owner and takes it off.
		m := &wubu.MoveIn{ProjectID: pid, RoomID: w.rooms1[0].ID, Name: a.Name, Source: wubu.MoveInFromProspect, SourceRef: itoa(a.ID)}
		if err := w.moveins.StartMoveIn(mgr, m); err != nil {
			t.Fatal(err)
		}
		items, err := w.moveins.MoveInChecklist(mgr, pid)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			if _, err := w.moveins.CheckMoveIn(mgr, m.ID, it.ID, true, ""); err != nil {
				t.Fatal(err)
			}
		}
		if list, _ := ps.FindProspects(east, pid); len(list) != 2 {
			t.Fatalf("entry left the list before the move-in completed: %d", len(list))
		}
		done, err := w.moveins.CompleteMoveIn(mgr, m.ID)
		if err != nil || done.PersonID == nil {
			t.Fatalf("move-in: %+v, %v", done, err)
		}
		list, err = ps.FindProspects(east, pid)
		if err != nil || len(list) != 1 || list[0].ID != b.ID {
			t.Fatalf("list after the move-in: %+v, %v", list, err)
		}
		owner, err := w.rs.FindResident(mgr, *done.PersonID)
		if err != nil || owner.Person.Name != "张三" {
			t.Fatalf("owner: %+v, %v", owner, err)
		}
	})
}
