package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestHandbookShowsChangedHotline: the contact card of each building
// carries the hotline and its zone assistants; the handbook shows a
// changed hotline number after the change, as a new version, and keeps
// its version while nothing changes; a bad number changes nothing; an
// assistant may not change the hotline.
func TestHandbookShowsChangedHotline(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		w := newVisitWorld(t, db, clock)
		hs := sqlstore.NewHandbookService(db)
		pid := w.f.ProjectA.ID
		mgr, as := w.f.Ctx(w.manager), w.f.Ctx(w.eastAsst)
		info := &wubu.CommunityInfo{ProjectID: pid, Hotline: "010-88886666", Hours: "8:30–18:00", Safety: "出门关好门窗"}
		if err := hs.SaveCommunityInfo(mgr, info); err != nil {
			t.Fatal(err)
		}
		v1, err := hs.Handbook(as, pid)
		if err != nil || v1.Version != 1 || v1.Info.Hotline != "010-88886666" {
			t.Fatalf("first handbook: %+v, %v", v1, err)
		}
		if again, _ := hs.Handbook(as, pid); again.Version != 1 {
			t.Fatalf("unchanged handbook got version %d", again.Version)
		}
		cards, err := hs.ContactCards(as, pid)
		if err != nil || len(cards) != 2 || cards[0].Hotline != "010-88886666" || len(cards[0].Assistants) != 1 || cards[0].Assistants[0].Name != w.eastAsst.Name {
			t.Fatalf("contact cards: %+v, %v", cards, err)
		}
		mustCode(t, hs.SaveCommunityInfo(mgr, &wubu.CommunityInfo{ProjectID: pid, Hotline: "call us"}), wubu.EINVALID)
		mustCode(t, hs.SaveCommunityInfo(as, &wubu.CommunityInfo{ProjectID: pid, Hotline: "400-000-0000"}), wubu.EFORBIDDEN)
		if hb, _ := hs.Handbook(as, pid); hb.Version != 1 || hb.Info.Hotline != "010-88886666" {
			t.Fatalf("refused changes changed the handbook: %+v", hb)
		}
		info.Hotline = "400-800-1234"
		if err := hs.SaveCommunityInfo(mgr, info); err != nil {
			t.Fatal(err)
		}
		v2, err := hs.Handbook(as, pid)
		if err != nil || v2.Version != 2 || v2.Info.Hotline != "400-800-1234" || !strings.Contains(v2.Cards[1].Hotline, "400-800-1234") {
			t.Fatalf("handbook after the change: %+v, %v", v2, err)
		}
	})
}
