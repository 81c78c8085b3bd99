package sqlstore_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// twoUnits makes building 5 with units 1 and 2, one room each, and a
// resident in each room; it returns the rooms and the residents.
func twoUnits(t *testing.T, db *sqlstore.DB, w *rulesWorld) ([]*wubu.Room, []*wubu.Person) {
	t.Helper()
	org := sqlstore.NewOrgService(db)
	res, err := org.GenerateRooms(w.admin, wubu.RoomGeneration{ProjectID: w.f.ProjectA.ID, Building: "5", Units: 2, Floors: 1, PerFloor: 1})
	if err != nil {
		t.Fatal(err)
	}
	rooms, _, err := org.FindRooms(w.admin, wubu.RoomFilter{ProjectID: w.f.ProjectA.ID, BuildingID: &res.Building.ID, Limit: 10})
	if err != nil || len(rooms) != 2 {
		t.Fatalf("rooms %v, %v", rooms, err)
	}
	var people []*wubu.Person
	for i, name := range []string{"赵一", "钱二"} {
		p := &wubu.Person{ProjectID: w.f.ProjectA.ID, Name: name, Phones: []string{"1390013900" + string(rune('1'+i))}}
		if err := w.residents.CreatePersonInRoom(w.admin, p, &wubu.Household{RoomID: rooms[i].ID, Relation: wubu.RelationOwner}); err != nil {
			t.Fatal(err)
		}
		people = append(people, p)
	}
	return rooms, people
}

// TestBulletinToUnitsByEmailAndReads: a notice to one unit goes by SMS
// to that unit's residents only and by e-mail to those with an address
// on file; its reads are recorded once per resident and counted against
// its audience; a resident of another project cannot be recorded.
func TestBulletinToUnitsByEmailAndReads(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		rooms, people := twoUnits(t, db, w)
		staff := w.f.Ctx(w.assistant)
		bs := sqlstore.NewBulletinService(db).WithNotifier(w.outbox)
		t.Run("ErrEmail", func(t *testing.T) {
			mustCode(t, bs.SetResidentEmail(staff, people[0].ID, "not an address"), wubu.EINVALID)
		})
		if err := bs.SetResidentEmail(staff, people[0].ID, "zhao@example.com"); err != nil {
			t.Fatal(err)
		}
		until := clock.Now().In(calendar.ChinaStandardTime).AddDate(0, 0, 7).Format(time.DateOnly)
		n := &wubu.Bulletin{ProjectID: w.f.ProjectA.ID, Title: "5栋1单元停水通知", Body: "明日9:00至12:00更换水管，届时停水。", UnitIDs: []int64{rooms[0].UnitID},
			BoardUntil: until, SendSMS: true, SendEmail: true}
		if err := bs.PostBulletin(staff, n); err != nil {
			t.Fatal(err)
		}
		if n.Sent != 1 || n.Emailed != 1 {
			t.Fatalf("sent %d SMS and %d e-mails, want 1 and 1", n.Sent, n.Emailed)
		}
		var sms, email int
		for _, m := range w.messages(t, "notice") {
			if m.PersonID == nil || *m.PersonID != people[0].ID {
				t.Fatalf("message to %v, want only %s", m.PersonID, people[0].Name)
			}
			switch m.Channel {
			case wubu.ChannelSMS:
				sms++
			case wubu.ChannelEmail:
				email++
				if !strings.Contains(m.Body, "更换水管") {
					t.Errorf("e-mail body %q lacks the text", m.Body)
				}
			}
		}
		if sms != 1 || email != 1 {
			t.Fatalf("%d SMS, %d e-mails", sms, email)
		}
		got, err := bs.FindBulletin(staff, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.UnitLabels) != 1 || got.UnitLabels[0] != "5-1" || got.AudienceSize != 1 || got.Reads != 0 {
			t.Fatalf("audience %v, size %d, reads %d", got.UnitLabels, got.AudienceSize, got.Reads)
		}

		// A notice to building 5 and building 3: three residents.
		n2 := &wubu.Bulletin{ProjectID: w.f.ProjectA.ID, Title: "电梯年检", Body: "本周五电梯年检。", BuildingIDs: []int64{rooms[0].BuildingID, w.building.ID}, BoardUntil: until}
		if err := bs.PostBulletin(staff, n2); err != nil {
			t.Fatal(err)
		}
		// Reads: twice by one resident counts once.
		for _, pid := range []int64{people[0].ID, people[0].ID, people[1].ID} {
			if err := bs.RecordBulletinRead(w.admin, n2.ID, pid); err != nil {
				t.Fatal(err)
			}
		}
		if got, err = bs.FindBulletin(staff, n2.ID); err != nil {
			t.Fatal(err)
		}
		if got.AudienceSize != 3 || got.Reads != 2 || got.ReadPercent() != 66.6 || len(got.BuildingNames) != 2 {
			t.Fatalf("size %d, reads %d (%.1f%%), buildings %v", got.AudienceSize, got.Reads, got.ReadPercent(), got.BuildingNames)
		}
		t.Run("ErrReadOtherProject", func(t *testing.T) {
			other := &wubu.Person{ProjectID: w.f.ProjectB.ID, Name: "孙三"}
			if err := w.residents.CreatePerson(w.admin, other); err != nil {
				t.Fatal(err)
			}
			mustCode(t, bs.RecordBulletinRead(w.admin, n2.ID, other.ID), wubu.ENOTFOUND)
			mustCode(t, bs.RecordBulletinRead(w.admin, 999999, people[0].ID), wubu.ENOTFOUND)
		})
		t.Run("ErrUnitOfOtherProject", func(t *testing.T) {
			bad := &wubu.Bulletin{ProjectID: w.f.ProjectA.ID, Title: "x", Body: "x", UnitIDs: []int64{999999}, BoardUntil: until}
			mustCode(t, bs.PostBulletin(staff, bad), wubu.ENOTFOUND)
		})
	})
}

// TestBulletinAttachments: a notice takes a PDF and a picture, kept and
// downloadable; too many files, a file too large or of another type are
// refused with nothing posted.
func TestBulletinAttachments(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		staff := w.f.Ctx(w.assistant)
		bs := sqlstore.NewBulletinService(db)
		until := clock.Now().In(calendar.ChinaStandardTime).AddDate(0, 0, 7).Format(time.DateOnly)
		pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00")
		post := func(files ...*wubu.BulletinAttachment) (*wubu.Bulletin, error) {
			n := &wubu.Bulletin{ProjectID: w.f.ProjectA.ID, Title: "消防演练", Body: "见附件。", BoardUntil: until, Attachments: files}
			return n, bs.PostBulletin(staff, n)
		}
		for name, files := range map[string][]*wubu.BulletinAttachment{
			"TooMany":   {{Name: "1.pdf", Data: pdf}, {Name: "2.pdf", Data: pdf}, {Name: "3.pdf", Data: pdf}, {Name: "4.pdf", Data: pdf}, {Name: "5.pdf", Data: pdf}, {Name: "6.pdf", Data: pdf}},
			"TooLarge":  {{Name: "big.pdf", Data: append(bytes.Clone(pdf), make([]byte, wubu.MaxBulletinFileSize)...)}},
			"Type":      {{Name: "run.exe", Data: []byte("MZ\x90\x00\x03")}},
			"Disguised": {{Name: "photo.png", Data: pdf}},
			"Empty":     {{Name: "a.pdf"}},
		} {
			t.Run("Err"+name, func(t *testing.T) {
				_, err := post(files...)
				mustCode(t, err, wubu.EINVALID)
				if e := wubu.AsError(err); e == nil || e.Field != "files" {
					t.Fatalf("error %v, want one on files", err)
				}
			})
		}
		if all, err := bs.FindBulletins(staff, w.f.ProjectA.ID); err != nil || len(all) != 0 {
			t.Fatalf("refused notices posted: %d, %v", len(all), err)
		}
		n, err := post(&wubu.BulletinAttachment{Name: `C:\通知\演练方案.pdf`, Data: pdf}, &wubu.BulletinAttachment{Name: "路线图.png", Data: png})
		if err != nil {
			t.Fatal(err)
		}
		got, err := bs.FindBulletin(staff, n.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Attachments) != 2 || got.Attachments[0].Name != "演练方案.pdf" || got.Attachments[0].ContentType != "application/pdf" || got.Attachments[1].Size != len(png) {
			t.Fatalf("attachments %+v", got.Attachments)
		}
		f, err := bs.BulletinFile(staff, n.ID, got.Attachments[0].ID)
		if err != nil || !bytes.Equal(f.Data, pdf) {
			t.Fatalf("file %v, %v", f, err)
		}
		t.Run("ErrOtherProject", func(t *testing.T) {
			other := w.f.Ctx(w.f.User(t, "kefuB", wubu.RoleStaff, wubu.PostService, w.f.ProjectB))
			_, err := bs.BulletinFile(other, n.ID, got.Attachments[0].ID)
			mustCode(t, err, wubu.ENOTFOUND)
		})
	})
}

// TestFourPestsInfoOncePerMonth: the "four pests" schedule posts its
// information notice from its own text on its day of each of its months,
// exactly once however often the rules run, and nothing in other months
// or when disabled.
func TestFourPestsInfoOncePerMonth(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newRulesWorld(t, db)
		bs := sqlstore.NewBulletinService(db)
		manager := w.f.Ctx(w.f.User(t, "manager", wubu.RoleManager, wubu.PostNone, w.f.ProjectA))
		def, err := bs.FourPestsSchedule(manager, w.f.ProjectA.ID)
		if err != nil || def.Enabled || !strings.Contains(def.Body, "蟑螂") {
			t.Fatalf("default schedule %+v, %v", def, err)
		}
		t.Run("ErrInvalid", func(t *testing.T) {
			for name, sc := range map[string]wubu.FourPestsSchedule{
				"Day":    {ProjectID: w.f.ProjectA.ID, Day: 31, Title: "x", Body: "x", BoardDays: 7},
				"Months": {ProjectID: w.f.ProjectA.ID, Day: 1, Months: []int{13}, Title: "x", Body: "x", BoardDays: 7},
				"Body":   {ProjectID: w.f.ProjectA.ID, Day: 1, Title: "x", BoardDays: 7},
			} {
				if err := bs.SaveFourPestsSchedule(manager, &sc); wubu.ErrorCode(err) != wubu.EINVALID {
					t.Errorf("%s: got %v, want invalid", name, err)
				}
			}
			mustCode(t, bs.SaveFourPestsSchedule(w.f.Ctx(w.assistant), &wubu.FourPestsSchedule{ProjectID: w.f.ProjectA.ID, Day: 1, Title: "x", Body: "x", BoardDays: 7}), wubu.EFORBIDDEN)
		})
		// The 10th of December and of January.
		sc := &wubu.FourPestsSchedule{ProjectID: w.f.ProjectA.ID, Day: 10, Months: []int{12, 1}, Title: "{月份}除四害提示", Body: "请清除积水，{月份}起加强灭蚊。", BoardDays: 7, Enabled: true}
		if err := bs.SaveFourPestsSchedule(manager, sc); err != nil {
			t.Fatal(err)
		}
		info := func() []*wubu.Bulletin {
			t.Helper()
			all, err := bs.FindBulletins(w.admin, w.f.ProjectA.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []*wubu.Bulletin
			for _, n := range all {
				if n.Kind == wubu.BulletinFourPests {
					out = append(out, n)
				}
			}
			return out
		}
		run := func(at time.Time) wubu.FourPestsSchedule {
			t.Helper()
			clock.Set(at)
			if _, err := w.rules.RunRules(w.admin, at); err != nil {
				t.Fatal(err)
			}
			return *sc
		}
		run(cst(2026, 12, 9, 23, 50))
		if got := info(); len(got) != 0 {
			t.Fatalf("the day before: %d notices", len(got))
		}
		run(cst(2026, 12, 10, 0, 5))
		run(cst(2026, 12, 10, 0, 15))
		run(cst(2026, 12, 20, 9, 0))
		got := info()
		if len(got) != 1 {
			t.Fatalf("December: %d notices, want 1", len(got))
		}
		if n := got[0]; n.Title != "12月除四害提示" || n.Body != "请清除积水，12月起加强灭蚊。" || n.Occurrence != "2026-12" ||
			n.BoardFrom != "2026-12-10" || n.BoardUntil != "2026-12-16" || n.PostedBy != nil {
			t.Fatalf("notice %+v", n)
		}
		run(cst(2027, 1, 10, 8, 0))
		run(cst(2027, 1, 11, 8, 0))
		if got := info(); len(got) != 2 || got[0].Occurrence != "2027-01" {
			t.Fatalf("January: %d notices", len(got))
		}
		run(cst(2027, 2, 10, 8, 0))
		if got := info(); len(got) != 2 {
			t.Fatalf("February (not in the schedule): %d notices", len(got))
		}
		sc.Enabled, sc.Months = false, nil
		if err := bs.SaveFourPestsSchedule(manager, sc); err != nil {
			t.Fatal(err)
		}
		run(cst(2027, 3, 10, 8, 0))
		if got := info(); len(got) != 2 {
			t.Fatalf("disabled: %d notices", len(got))
		}
	})
}
