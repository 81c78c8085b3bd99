package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
	"github.com/wubu-oss/wubu/internal/notify/notifytest"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

func TestChannelLinks(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		admin := f.Ctx(f.Admin)
		cs := sqlstore.NewChannelService(db)
		p := outboxPerson(t, db, f, "13800138000")
		tl := f.User(t, "tl1", wubu.RoleTeamLeader, wubu.PostMaintenance, f.ProjectA)
		tlB := f.User(t, "tlb", wubu.RoleTeamLeader, wubu.PostService, f.ProjectB)

		if err := cs.LinkWeChat(context.Background(), f.ProjectA.ID, p.ID, "o-wang"); err != nil {
			t.Fatal(err)
		}
		c, err := cs.PersonChannels(admin, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !c.WeChatLinked || c.WeChatLinkedAt == nil || wubu.FormatPreference(c.Preference) != "wechat,sms" {
			t.Errorf("after linking: %+v", c)
		}
		t.Run("OtherProject", func(t *testing.T) {
			if err := cs.LinkWeChat(context.Background(), f.ProjectB.ID, p.ID, "o-x"); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Errorf("link in another project: got %v, want ENOTFOUND", err)
			}
			if _, err := cs.PersonChannels(f.Ctx(tlB), p.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Errorf("another project's staff: got %v, want ENOTFOUND", err)
			}
			if err := cs.LinkWeChat(context.Background(), f.ProjectA.ID, p.ID, " "); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Errorf("empty openid: got %v, want EINVALID", err)
			}
		})
		t.Run("Preference", func(t *testing.T) {
			if err := cs.SetPersonPreference(admin, p.ID, []wubu.Channel{wubu.ChannelEmail}); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Errorf("e-mail for a resident: got %v, want EINVALID", err)
			}
			if err := cs.SetResidentPreference(context.Background(), f.ProjectA.ID, p.ID, []wubu.Channel{wubu.ChannelSMS, wubu.ChannelWeChat}); err != nil {
				t.Fatal(err)
			}
			c, _ := cs.ResidentChannels(context.Background(), f.ProjectA.ID, p.ID)
			if wubu.FormatPreference(c.Preference) != "sms,wechat" {
				t.Errorf("preference: got %v", c.Preference)
			}
		})
		t.Run("Staff", func(t *testing.T) {
			own := f.Ctx(tl)
			if err := cs.SetStaffChannels(own, wubu.StaffChannels{UserID: tl.ID, Preference: []wubu.Channel{wubu.ChannelWeCom}}); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Errorf("WeCom without a userid: got %v, want EINVALID", err)
			}
			if err := cs.SetStaffChannels(own, wubu.StaffChannels{UserID: tl.ID, WeComUserID: "张 伟"}); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Errorf("bad userid: got %v, want EINVALID", err)
			}
			if err := cs.SetStaffChannels(own, wubu.StaffChannels{UserID: tl.ID, WeComUserID: "ZhangWei", Preference: []wubu.Channel{wubu.ChannelWeCom, wubu.ChannelInbox}}); err != nil {
				t.Fatal(err)
			}
			if err := cs.SetStaffChannels(f.Ctx(tlB), wubu.StaffChannels{UserID: tl.ID, WeComUserID: "X"}); wubu.ErrorCode(err) != wubu.EFORBIDDEN {
				t.Errorf("another's channels: got %v, want EFORBIDDEN", err)
			}
			c, err := cs.StaffChannels(admin, tl.ID)
			if err != nil || c.WeComUserID != "ZhangWei" || wubu.FormatPreference(c.Preference) != "wecom,inbox" {
				t.Errorf("staff channels: %+v %v", c, err)
			}
		})
		t.Run("Robot", func(t *testing.T) {
			if _, err := cs.UpdateProjectChannels(admin, wubu.ProjectChannels{ProjectID: f.ProjectA.ID, WeComRobotKey: "not a key"}, false); wubu.ErrorCode(err) != wubu.EINVALID {
				t.Errorf("bad key: got %v, want EINVALID", err)
			}
			pc, err := cs.UpdateProjectChannels(admin, wubu.ProjectChannels{ProjectID: f.ProjectA.ID,
				WeComRobotKey: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"}, false)
			if err != nil || !pc.HasRobot || pc.WeComRobotKey != "" {
				t.Fatalf("robot: %+v %v", pc, err)
			}
			if pc, _ := cs.ProjectChannels(admin, f.ProjectA.ID); !pc.HasRobot || pc.WeComRobotKey != "" {
				t.Errorf("read back: %+v", pc)
			}
			if _, err := cs.ProjectChannels(f.Ctx(tlB), f.ProjectA.ID); wubu.ErrorCode(err) != wubu.ENOTFOUND {
				t.Errorf("another project: got %v", err)
			}
		})
	})
}

// TestOutboxWeChatWeCom runs the outbox end to end on WeChat and WeCom
// against the loopback fakes, on the controlled clock.
func TestOutboxWeChatWeCom(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		f := wubutest.NewFixture(t, db)
		ctx := f.Ctx(f.Admin)
		ob := sqlstore.NewOutboxService(db)
		cs := sqlstore.NewChannelService(db)
		wx := notifytest.StartFakeWeChat("wx-app", "wx-secret", "TPL-1")
		wx.Now = clock.Now
		defer wx.Close()
		ww := notifytest.StartFakeWeCom("ww-corp", "ww-secret", 1000002, []string{"ZhangWei"}, []string{"0123456789abcdef-robot"})
		ww.Now = clock.Now
		defer ww.Close()
		sms := &recorder{}
		d := &notify.Dispatcher{Store: ob, Workers: 4, Senders: map[wubu.Channel]notify.Sender{
			wubu.ChannelSMS: sms, wubu.ChannelInbox: notify.Inbox,
			wubu.ChannelWeChat: &notify.WeChat{BaseURL: wx.URL, AppID: "wx-app", AppSecret: "wx-secret", TemplateID: "TPL-1", Now: clock.Now},
			wubu.ChannelWeCom:  &notify.WeCom{BaseURL: ww.URL, CorpID: "ww-corp", CorpSecret: "ww-secret", AgentID: 1000002, Now: clock.Now},
		}}
		drain := func() {
			t.Helper()
			if _, err := d.Drain(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		one := func(key string) *wubu.Message {
			t.Helper()
			for _, m := range messages(t, ob, ctx, f.ProjectA.ID, wubu.MessageFilter{Limit: 500}) {
				if m.DedupKey == key {
					return m
				}
			}
			t.Fatalf("no message %s", key)
			return nil
		}
		notice := func(person int64, key string) wubu.Notification {
			return wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "card_expiry", To: wubu.Recipient{PersonID: person}, DedupKey: key,
				Vars: map[string]string{"name": "王秀英", "card": "停车卡"}}
		}
		clock.Set(time.Date(2026, 11, 27, 2, 0, 0, 0, time.UTC)) // 10:00 China time
		linked := outboxPerson(t, db, f, "13800138000")
		plain := outboxPerson(t, db, f, "13900139000")
		if err := cs.LinkWeChat(context.Background(), f.ProjectA.ID, linked.ID, "o-wang"); err != nil {
			t.Fatal(err)
		}

		t.Run("PreferenceChoosesChannel", func(t *testing.T) {
			if err := ob.Notify(ctx, notice(linked.ID, "pref:1"), notice(plain.ID, "pref:2")); err != nil {
				t.Fatal(err)
			}
			drain()
			m1, m2 := one("pref:1"), one("pref:2")
			if m1.Channel != wubu.ChannelWeChat || m1.Status != wubu.MessageSent || m2.Channel != wubu.ChannelSMS || m2.Status != wubu.MessageSent {
				t.Fatalf("got %s/%s and %s/%s, want wechat/sent and sms/sent", m1.Channel, m1.Status, m2.Channel, m2.Status)
			}
			id := notify.MessageIDFor(f.ProjectA.ID, m1.ID)
			if wx.OpenIDOf(id) != "o-wang" || !strings.Contains(wx.Body(id), "停车卡") {
				t.Errorf("WeChat got %q for %q", wx.Body(id), wx.OpenIDOf(id))
			}
		})
		t.Run("RetryDoesNotDoubleSend", func(t *testing.T) {
			for i, afterDelivery := range []bool{false, true} {
				key := "retry:" + []string{"before", "after"}[i]
				wx.FailNext(1, afterDelivery)
				if err := ob.Notify(ctx, notice(linked.ID, key)); err != nil {
					t.Fatal(err)
				}
				drain()
				if m := one(key); m.Status != wubu.MessageQueued || m.Attempts != 1 || m.LastError == "" {
					t.Fatalf("%s: after the failure got %s, %d attempts, %q", key, m.Status, m.Attempts, m.LastError)
				}
				clock.Add(notify.Backoff(1))
				drain()
				m := one(key)
				id := notify.MessageIDFor(f.ProjectA.ID, m.ID)
				if m.Status != wubu.MessageSent || m.Attempts != 2 {
					t.Errorf("%s: got %s after %d attempts, want sent after 2", key, m.Status, m.Attempts)
				}
				// One message reached the resident: the repeat after a lost
				// answer carried the same client_msg_id, which WeChat drops.
				if got := wx.Counts()[id]; got != i+1 {
					t.Errorf("%s: WeChat saw the message %d times, want %d", key, got, i+1)
				}
			}
			if wx.Copies() != 1 {
				t.Errorf("copies dropped by WeChat: got %d, want 1", wx.Copies())
			}
		})
		t.Run("Unsubscribed43004", func(t *testing.T) {
			gone := outboxPerson(t, db, f, "13700137000")
			cs.LinkWeChat(context.Background(), f.ProjectA.ID, gone.ID, "o-gone")
			wx.Unsubscribe("o-gone")
			if err := ob.Notify(ctx, notice(gone.ID, "gone")); err != nil {
				t.Fatal(err)
			}
			drain()
			if m := one("gone"); m.Status != wubu.MessageFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "43004") {
				t.Errorf("43004: got %s after %d attempts (%q), want failed after 1", m.Status, m.Attempts, m.LastError)
			}
		})
		t.Run("QuietHoursHoldWeChat", func(t *testing.T) {
			clock.Set(time.Date(2026, 11, 27, 13, 30, 0, 0, time.UTC)) // 21:30 China time
			if err := ob.Notify(ctx, notice(linked.ID, "quiet")); err != nil {
				t.Fatal(err)
			}
			before := wx.Unique()
			drain()
			if m := one("quiet"); m.Status != wubu.MessageHeld || m.Channel != wubu.ChannelWeChat || !m.NotBefore.Equal(time.Date(2026, 11, 28, 0, 0, 0, 0, time.UTC)) {
				t.Fatalf("quiet: got %s/%s until %s, want wechat held until 08:00", m.Channel, m.Status, m.NotBefore)
			}
			clock.Set(time.Date(2026, 11, 28, 0, 1, 0, 0, time.UTC)) // 08:01
			drain()
			if m := one("quiet"); m.Status != wubu.MessageSent || wx.Unique() != before+1 {
				t.Errorf("after the quiet hours: got %s, WeChat %d → %d", m.Status, before, wx.Unique())
			}
		})
		t.Run("UnlinkedFallsBackToSMS", func(t *testing.T) {
			if err := ob.Notify(ctx, notice(linked.ID, "fallback")); err != nil {
				t.Fatal(err)
			}
			if m := one("fallback"); m.Channel != wubu.ChannelWeChat {
				t.Fatalf("queued on %s", m.Channel)
			}
			if err := cs.UnlinkWeChat(ctx, linked.ID); err != nil {
				t.Fatal(err)
			}
			n := sms.count()
			drain()
			if m := one("fallback"); m.Channel != wubu.ChannelSMS || m.Status != wubu.MessageSent || sms.count() != n+1 {
				t.Errorf("fallback: got %s/%s, SMS %d → %d", m.Channel, m.Status, n, sms.count())
			}
		})
		t.Run("StaffWeComAndInbox", func(t *testing.T) {
			tl := f.User(t, "tl1", wubu.RoleTeamLeader, wubu.PostMaintenance, f.ProjectA)
			if err := cs.SetStaffChannels(f.Ctx(tl), wubu.StaffChannels{UserID: tl.ID, WeComUserID: "ZhangWei", Preference: []wubu.Channel{wubu.ChannelWeCom}}); err != nil {
				t.Fatal(err)
			}
			if err := ob.Notify(ctx, wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "clock_breach", To: wubu.Recipient{Role: wubu.RoleTeamLeader}, DedupKey: "breach:1",
				Urgent: true, Vars: map[string]string{"object_label": "工单 #3"}}); err != nil {
				t.Fatal(err)
			}
			drain()
			key := "breach:1/user:" + itoa(tl.ID)
			if m := one(key); m.Channel != wubu.ChannelInbox || m.Status != wubu.MessageSent {
				t.Errorf("inbox copy: %s/%s", m.Channel, m.Status)
			}
			if m := one(key + "/wecom"); m.Channel != wubu.ChannelWeCom || m.Status != wubu.MessageSent || ww.Unique() != 1 {
				t.Errorf("WeCom copy: %s/%s, WeCom got %d", m.Channel, m.Status, ww.Unique())
			}
		})
		t.Run("GroupRobot", func(t *testing.T) {
			n := wubu.Notification{ProjectID: f.ProjectA.ID, Kind: "clock_breach", Channel: wubu.ChannelWeCom, DedupKey: "robot:1", Urgent: true}
			if err := ob.Notify(ctx, n); err != nil {
				t.Fatal(err)
			}
			drain()
			if m := one("robot:1"); m.Status != wubu.MessageSkipped {
				t.Errorf("without a robot: got %s, want skipped", m.Status)
			}
			if _, err := cs.UpdateProjectChannels(ctx, wubu.ProjectChannels{ProjectID: f.ProjectA.ID, WeComRobotKey: "0123456789abcdef-robot"}, false); err != nil {
				t.Fatal(err)
			}
			n.DedupKey = "robot:2"
			ob.Notify(ctx, n)
			drain()
			if m := one("robot:2"); m.Status != wubu.MessageSent || ww.Robot.Unique() != 1 {
				t.Errorf("robot: got %s, robot messages %d", m.Status, ww.Robot.Unique())
			}
		})
	})
}
