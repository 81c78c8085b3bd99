package sqlstore_test

import (
	"testing"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/sqlstore"
	"github.com/wubu-oss/wubu/internal/wubutest"
)

// TestForumAnswersAndModeration: a resident asks on the general board and
// a named staff member answers (the answer carries the name and post); a
// buyer before move-in reads and posts as a prospective owner; an interest
// group's board takes posts from its members only; readers report a post
// and the moderators see it with its count; a hidden reply disappears
// for the community, a locked topic takes no more replies; another
// project's reader finds nothing.
func TestForumAnswersAndModeration(t *testing.T) {
	wubutest.EachDB(t, func(t *testing.T, db *sqlstore.DB, clock *wubutest.Clock) {
		o := newSecurityOrg(t, db)
		fs := sqlstore.NewForumService(db)
		pid := o.f.ProjectA.ID
		people := eventPeople(t, db, o, 2)
		kefu := o.f.User(t, "kefu", wubu.RoleStaff, wubu.PostService, o.f.ProjectA)
		mgr := o.f.Ctx(o.f.User(t, "mgr", wubu.RoleManager, wubu.PostNone, o.f.ProjectA))
		staff := o.f.Ctx(kefu)
		wang := wubu.ForumAuthor{ProjectID: pid, PersonID: people[0].ID}
		li := wubu.ForumAuthor{ProjectID: pid, PersonID: people[1].ID}

		mustCode(t, fs.CreateBoard(staff, &wubu.ForumBoard{ProjectID: pid, Kind: wubu.BoardForum, Name: "业主论坛"}), wubu.EFORBIDDEN)
		mustCode(t, fs.CreateBoard(mgr, &wubu.ForumBoard{ProjectID: pid, Kind: "club", Name: "x"}), wubu.EINVALID)
		general := &wubu.ForumBoard{ProjectID: pid, Kind: wubu.BoardForum, Name: "业主论坛"}
		group := &wubu.ForumBoard{ProjectID: pid, Kind: wubu.BoardGroup, Name: "摄影社", Description: "每月一次外拍"}
		for _, b := range []*wubu.ForumBoard{general, group} {
			if err := fs.CreateBoard(mgr, b); err != nil {
				t.Fatal(err)
			}
		}

		// A resident asks; a named member of staff answers.
		mustCode(t, fs.PostTopicAs(t.Context(), wang, &wubu.ForumPost{BoardID: general.ID, Title: " ", Body: "x"}), wubu.EINVALID)
		q := &wubu.ForumPost{BoardID: general.ID, Title: "地下车库照明", Body: "B2层东侧的灯坏了一周了"}
		if err := fs.PostTopicAs(t.Context(), wang, q); err != nil {
			t.Fatal(err)
		}
		ans, err := fs.Answer(staff, q.ID, "已报修，今天下午更换。")
		if err != nil {
			t.Fatal(err)
		}
		topic, err := fs.FindTopic(t.Context(), q.ID, &li)
		if err != nil || len(topic.Replies) != 1 {
			t.Fatalf("topic: %+v, %v", topic, err)
		}
		if r := topic.Replies[0]; r.AuthorKind != wubu.AuthorStaff || r.AuthorName != kefu.Name || kefu.Name == "" || r.AuthorPost != wubu.PostService || r.ID != ans.ID {
			t.Fatalf("the answer: got %+v, want %s of customer service", r, kefu.Name)
		}
		if topic.Topic.AuthorName != string([]rune(people[0].Name)[0:1])+"**" {
			t.Fatalf("the resident's name: got %q, want it masked", topic.Topic.AuthorName)
		}

		// A buyer before move-in reads and posts as a prospective owner.
		if err := sqlstore.NewProspectService(db).AddProspect(mgr, &wubu.Prospect{ProjectID: pid, Name: "赵买家", Address: "北京市朝阳区1号", Unit: o.rooms[3].Label}); err != nil {
			t.Fatal(err)
		}
		list, err := sqlstore.NewProspectService(db).FindProspects(mgr, pid)
		if err != nil || len(list) != 1 {
			t.Fatalf("prospects: %v, %v", list, err)
		}
		prospectID := list[0].ID
		buyer := wubu.ForumAuthor{ProjectID: pid, ProspectID: prospectID}
		reply, err := fs.ReplyAs(t.Context(), buyer, q.ID, "我们这栋也是")
		if err != nil || reply.AuthorKind != wubu.AuthorProspect || reply.AuthorName != "赵**" {
			t.Fatalf("a buyer's reply: %+v, %v", reply, err)
		}
		mustCode(t, fs.JoinGroup(t.Context(), group.ID, buyer), wubu.EINVALID)

		// The group's board: members only.
		mustCode(t, fs.PostTopicAs(t.Context(), li, &wubu.ForumPost{BoardID: group.ID, Title: "周末外拍", Body: "奥森公园"}), wubu.EFORBIDDEN)
		if err := fs.JoinGroup(t.Context(), group.ID, li); err != nil {
			t.Fatal(err)
		}
		if err := fs.PostTopicAs(t.Context(), li, &wubu.ForumPost{BoardID: group.ID, Title: "周末外拍", Body: "奥森公园"}); err != nil {
			t.Fatal(err)
		}
		boards, err := fs.FindBoards(t.Context(), pid, &li)
		if err != nil || len(boards) != 2 || boards[1].ID != group.ID || !boards[1].Member || boards[1].Members != 1 || boards[1].Topics != 1 {
			t.Fatalf("boards: %+v, %v", boards, err)
		}

		// Reports, counted once per reader.
		for _, a := range []wubu.ForumAuthor{wang, li, li} {
			if err := fs.ReportAs(t.Context(), a, reply.ID, "广告"); err != nil {
				t.Fatal(err)
			}
		}
		mustCode(t, func() error { _, err := fs.FindReports(staff, pid); return err }(), wubu.EFORBIDDEN)
		reports, err := fs.FindReports(mgr, pid)
		if err != nil || len(reports) != 1 || reports[0].Count != 2 || reports[0].Post.ID != reply.ID {
			t.Fatalf("reports: %+v, %v", reports, err)
		}

		// Moderation: hide the reply, lock the topic.
		_, err = fs.Moderate(staff, reply.ID, wubu.ForumHide, "")
		mustCode(t, err, wubu.EFORBIDDEN)
		_, err = fs.Moderate(mgr, reply.ID, wubu.ForumLock, "")
		mustCode(t, err, wubu.EINVALID)
		if _, err := fs.Moderate(mgr, reply.ID, wubu.ForumHide, "广告"); err != nil {
			t.Fatal(err)
		}
		_, err = fs.Moderate(mgr, reply.ID, wubu.ForumHide, "")
		mustCode(t, err, wubu.ECONFLICT)
		if topic, err = fs.FindTopic(t.Context(), q.ID, &wang); err != nil || len(topic.Replies) != 1 {
			t.Fatalf("the community still sees the hidden reply: %+v, %v", topic, err)
		}
		if topic, err = fs.FindTopic(staff, q.ID, nil); err != nil || len(topic.Replies) != 2 || topic.Replies[1].State != wubu.PostHidden {
			t.Fatalf("staff see the hidden reply: %+v, %v", topic, err)
		}
		if _, err := fs.Moderate(mgr, q.ID, wubu.ForumLock, ""); err != nil {
			t.Fatal(err)
		}
		_, err = fs.ReplyAs(t.Context(), li, q.ID, "还没修好")
		mustCode(t, err, wubu.ECONFLICT)
		_, err = fs.Answer(staff, q.ID, "已修好")
		mustCode(t, err, wubu.ECONFLICT)
		if _, err := fs.Moderate(mgr, q.ID, wubu.ForumUnlock, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := fs.Moderate(mgr, q.ID, wubu.ForumHide, ""); err != nil {
			t.Fatal(err)
		}
		_, err = fs.FindTopic(t.Context(), q.ID, &li)
		mustCode(t, err, wubu.ENOTFOUND)

		// Another project's reader: not found.
		other := o.f.Ctx(o.f.User(t, "b_staff", wubu.RoleStaff, wubu.PostService, o.f.ProjectB))
		_, _, _, err = fs.FindTopics(other, general.ID, nil, 0, 10)
		mustCode(t, err, wubu.ENOTFOUND)
		_, err = fs.Answer(other, q.ID, "x")
		mustCode(t, err, wubu.ENOTFOUND)
		_, _, _, err = fs.FindTopics(t.Context(), general.ID, &wubu.ForumAuthor{ProjectID: o.f.ProjectB.ID, PersonID: people[0].ID}, 0, 10)
		mustCode(t, err, wubu.ENOTFOUND)
	})
}
