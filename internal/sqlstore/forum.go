package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// ForumService implements wubu.ForumService: the community forum (K4) and
// the interest groups' boards (U5).
type ForumService struct {
	db  *DB
	run *runner
}

var _ wubu.ForumService = (*ForumService)(nil)

// NewForumService returns the forum over db.
func NewForumService(db *DB) *ForumService {
	return &ForumService{db: db, run: newRunner(db, nil, nil)}
}

// maskName shows a member of the community by the first character of
// their name (王**): the forum is read by the whole community.
func maskName(name string) string {
	r, _ := utf8.DecodeRuneInString(strings.TrimSpace(name))
	if r == utf8.RuneError {
		return "**"
	}
	return string(r) + "**"
}

const forumPostColumns = `fp.id, fp.project_id, fp.board_id, fp.topic_id, fp.title, fp.body, fp.state, fp.author_kind,
	COALESCE(p.name, pr.name, u.name, ''), COALESCE(u.post, ''), fp.person_id, fp.prospect_id, fp.user_id, fp.created_at, fp.updated_at,
	(SELECT COUNT(*) FROM forum_posts r WHERE r.topic_id = fp.id AND r.state <> 'hidden')`

const forumPostFrom = ` FROM forum_posts fp
	LEFT JOIN persons p ON p.project_id = fp.project_id AND p.id = fp.person_id
	LEFT JOIN prospects pr ON pr.id = fp.prospect_id
	LEFT JOIN users u ON u.id = fp.user_id`

func scanForumPost(s interface{ Scan(...any) error }, extra ...any) (*wubu.ForumPost, error) {
	fp := &wubu.ForumPost{}
	var post string
	err := s.Scan(append([]any{&fp.ID, &fp.ProjectID, &fp.BoardID, &fp.TopicID, &fp.Title, &fp.Body, &fp.State, &fp.AuthorKind,
		&fp.AuthorName, &post, &fp.PersonID, &fp.ProspectID, &fp.UserID, &fp.CreatedAt, &fp.UpdatedAt, &fp.Replies}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if fp.AuthorKind == wubu.AuthorStaff {
		fp.AuthorPost = wubu.Post(post)
	} else {
		fp.AuthorName = maskName(fp.AuthorName)
	}
	return fp, err
}

// CreateBoard creates a board.
func (s *ForumService) CreateBoard(ctx context.Context, b *wubu.ForumBoard) error {
	u, err := wubu.Authorize(ctx, wubu.PermStaffView, b.ProjectID)
	if err != nil {
		return err
	}
	b.Name, b.Description = strings.TrimSpace(b.Name), strings.TrimSpace(b.Description)
	switch {
	case b.Kind != wubu.BoardForum && b.Kind != wubu.BoardGroup:
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Choose a general board or an interest group.")
	case b.Name == "" || utf8.RuneCountInString(b.Name) > 40:
		return wubu.FieldErrorf("name", wubu.EINVALID, "Name the board (at most %d characters).", 40)
	case utf8.RuneCountInString(b.Description) > 500:
		return wubu.FieldErrorf("description", wubu.EINVALID, "The description may be at most %d characters.", 500)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	b.CreatedAt = tx.now
	if b.ID, err = tx.insert(ctx, `INSERT INTO forum_boards (project_id, kind, name, description, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		b.ProjectID, b.Kind, b.Name, b.Description, actorID(u), b.CreatedAt); err != nil {
		return err
	}
	if err := tx.audit(ctx, b.ProjectID, wubu.ActionCreate, "forum_board", b.ID, nil, b); err != nil {
		return err
	}
	return tx.Commit()
}

// checkAuthor checks that a member of the community belongs to the
// project: a resident living there, or a buyer not yet moved in.
func checkAuthor(ctx context.Context, q rowReader, a wubu.ForumAuthor) error {
	var n int
	var err error
	switch {
	case a.PersonID != 0 && a.ProspectID == 0:
		err = q.queryRow(ctx, `SELECT COUNT(*) FROM households WHERE project_id = ? AND person_id = ? AND move_out = ''`, a.ProjectID, a.PersonID).Scan(&n)
	case a.ProspectID != 0 && a.PersonID == 0:
		err = q.queryRow(ctx, `SELECT COUNT(*) FROM prospects WHERE project_id = ? AND id = ? AND moved_in_at IS NULL`, a.ProjectID, a.ProspectID).Scan(&n)
	}
	if err != nil {
		return err
	}
	if n == 0 {
		return wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	return nil
}

// readAs checks the reader of a project's boards: staff serving it
// (author nil) or a member of its community.
func (s *ForumService) readAs(ctx context.Context, projectID int64, author *wubu.ForumAuthor) error {
	if author == nil {
		_, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID)
		return err
	}
	if author.ProjectID != projectID {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return checkAuthor(ctx, s.db, *author)
}

// FindBoards lists a project's boards.
func (s *ForumService) FindBoards(ctx context.Context, projectID int64, author *wubu.ForumAuthor) ([]*wubu.ForumBoard, error) {
	if err := s.readAs(ctx, projectID, author); err != nil {
		return nil, err
	}
	var personID int64
	if author != nil {
		personID = author.PersonID
	}
	rows, err := s.db.query(ctx, `SELECT b.id, b.project_id, b.kind, b.name, b.description, b.created_at,
		(SELECT COUNT(*) FROM forum_members m WHERE m.board_id = b.id),
		(SELECT COUNT(*) FROM forum_posts t WHERE t.board_id = b.id AND t.topic_id IS NULL AND t.state <> 'hidden'),
		(SELECT COUNT(*) FROM forum_members m WHERE m.board_id = b.id AND m.person_id = ?)
		FROM forum_boards b WHERE b.project_id = ? ORDER BY b.kind, b.name, b.id`, personID, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.ForumBoard
	for rows.Next() {
		b, member := &wubu.ForumBoard{}, 0
		if err := rows.Scan(&b.ID, &b.ProjectID, &b.Kind, &b.Name, &b.Description, &b.CreatedAt, &b.Members, &b.Topics, &member); err != nil {
			return nil, err
		}
		b.Member = member > 0
		out = append(out, b)
	}
	return out, rows.Err()
}

// findBoard reads a board and checks its reader.
func (s *ForumService) findBoard(ctx context.Context, q rowReader, boardID int64, author *wubu.ForumAuthor) (*wubu.ForumBoard, error) {
	b := &wubu.ForumBoard{}
	err := q.queryRow(ctx, `SELECT id, project_id, kind, name, description, created_at FROM forum_boards WHERE id = ?`, boardID).
		Scan(&b.ID, &b.ProjectID, &b.Kind, &b.Name, &b.Description, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	if author == nil {
		_, err = wubu.Authorize(ctx, wubu.PermResidentView, b.ProjectID)
	} else if author.ProjectID != b.ProjectID {
		err = wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err = checkAuthor(ctx, q, *author); err == nil && author.PersonID != 0 {
		var n int
		err = q.queryRow(ctx, `SELECT COUNT(*) FROM forum_members WHERE board_id = ? AND person_id = ?`, boardID, author.PersonID).Scan(&n)
		b.Member = n > 0
	}
	return b, err
}

// FindTopics lists a board's topics, the latest active first.
func (s *ForumService) FindTopics(ctx context.Context, boardID int64, author *wubu.ForumAuthor, offset, limit int) (*wubu.ForumBoard, []*wubu.ForumPost, int, error) {
	b, err := s.findBoard(ctx, s.db, boardID, author)
	if err != nil {
		return nil, nil, 0, err
	}
	if limit <= 0 || limit > 100 {
		limit = 30
	}
	where := `fp.board_id = ? AND fp.topic_id IS NULL`
	if author != nil {
		where += ` AND fp.state <> 'hidden'`
	}
	rows, err := s.db.query(ctx, `SELECT `+forumPostColumns+`, COUNT(*) OVER()`+forumPostFrom+` WHERE `+where+`
		ORDER BY COALESCE((SELECT MAX(r.created_at) FROM forum_posts r WHERE r.topic_id = fp.id), fp.created_at) DESC, fp.id DESC LIMIT ? OFFSET ?`,
		boardID, limit, offset)
	if err != nil {
		return nil, nil, 0, err
	}
	defer rows.Close()
	var out []*wubu.ForumPost
	total := 0
	for rows.Next() {
		fp, err := scanForumPost(rows, &total)
		if err != nil {
			return nil, nil, 0, err
		}
		out = append(out, fp)
	}
	return b, out, total, rows.Err()
}

// FindTopic returns a topic with its replies.
func (s *ForumService) FindTopic(ctx context.Context, topicID int64, author *wubu.ForumAuthor) (*wubu.ForumTopic, error) {
	topic, err := scanForumPost(s.db.queryRow(ctx, `SELECT `+forumPostColumns+forumPostFrom+` WHERE fp.id = ? AND fp.topic_id IS NULL`, topicID))
	if err != nil {
		return nil, err
	}
	b, err := s.findBoard(ctx, s.db, topic.BoardID, author)
	if err != nil {
		return nil, err
	}
	if author != nil && topic.State == wubu.PostHidden {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	q := `SELECT ` + forumPostColumns + forumPostFrom + ` WHERE fp.topic_id = ?`
	if author != nil {
		q += ` AND fp.state <> 'hidden'`
	}
	rows, err := s.db.query(ctx, q+` ORDER BY fp.created_at, fp.id`, topicID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := &wubu.ForumTopic{Topic: topic, Board: b, Replies: []*wubu.ForumPost{}}
	for rows.Next() {
		fp, err := scanForumPost(rows)
		if err != nil {
			return nil, err
		}
		t.Replies = append(t.Replies, fp)
	}
	return t, rows.Err()
}

// JoinGroup makes a resident a member of a group.
func (s *ForumService) JoinGroup(ctx context.Context, boardID int64, author wubu.ForumAuthor) error {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	b, err := s.findBoard(ctx, tx, boardID, &author)
	if err != nil {
		return err
	}
	if b.Kind != wubu.BoardGroup || author.PersonID == 0 {
		return wubu.Errorf(wubu.EINVALID, "Only residents join interest groups.")
	}
	if b.Member {
		return nil
	}
	if _, err := tx.exec(ctx, `INSERT INTO forum_members (project_id, board_id, person_id, joined_at) VALUES (?, ?, ?, ?)`, b.ProjectID, b.ID, author.PersonID, tx.now); err != nil {
		return err
	}
	if err := addTimeline(ctx, tx, b.ProjectID, author.PersonID, "forum.join", b.Name); err != nil {
		return err
	}
	return tx.Commit()
}

// LeaveGroup ends a resident's membership.
func (s *ForumService) LeaveGroup(ctx context.Context, boardID int64, author wubu.ForumAuthor) error {
	if _, err := s.findBoard(ctx, s.db, boardID, &author); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `DELETE FROM forum_members WHERE board_id = ? AND person_id = ?`, boardID, author.PersonID); err != nil {
		return err
	}
	return tx.Commit()
}

// checkBody checks the text of a post.
func checkBody(body string) error {
	if body == "" || utf8.RuneCountInString(body) > 5000 {
		return wubu.FieldErrorf("body", wubu.EINVALID, "Write the text (at most %d characters).", 5000)
	}
	return nil
}

// PostTopicAs opens a topic as a member of the community.
func (s *ForumService) PostTopicAs(ctx context.Context, author wubu.ForumAuthor, p *wubu.ForumPost) error {
	p.Title, p.Body = strings.TrimSpace(p.Title), strings.TrimSpace(p.Body)
	if p.Title == "" || utf8.RuneCountInString(p.Title) > 80 {
		return wubu.FieldErrorf("title", wubu.EINVALID, "Give the topic a title (at most %d characters).", 80)
	}
	if err := checkBody(p.Body); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	b, err := s.findBoard(ctx, tx, p.BoardID, &author)
	if err != nil {
		return err
	}
	if b.Kind == wubu.BoardGroup && !b.Member {
		return wubu.Errorf(wubu.EFORBIDDEN, "Join the group to post on its board.")
	}
	p.ProjectID, p.TopicID = b.ProjectID, nil
	if err := s.insertPost(ctx, tx, p, author, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// insertPost writes a new post by a member of the community (u nil) or a
// member of staff, with its audit entry.
func (s *ForumService) insertPost(ctx context.Context, tx *Tx, p *wubu.ForumPost, a wubu.ForumAuthor, u *wubu.User) error {
	p.State, p.CreatedAt, p.UpdatedAt = wubu.PostVisible, tx.now, tx.now
	p.PersonID, p.ProspectID, p.UserID = nil, nil, nil
	switch {
	case u != nil:
		p.AuthorKind, p.UserID, p.AuthorName, p.AuthorPost = wubu.AuthorStaff, &u.ID, u.Name, u.Post
	case a.PersonID != 0:
		p.AuthorKind, p.PersonID = wubu.AuthorResident, &a.PersonID
	default:
		p.AuthorKind, p.ProspectID = wubu.AuthorProspect, &a.ProspectID
	}
	var err error
	if p.ID, err = tx.insert(ctx, `INSERT INTO forum_posts (project_id, board_id, topic_id, title, body, state, author_kind, person_id, prospect_id, user_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ProjectID, p.BoardID, p.TopicID, p.Title, p.Body, p.State, p.AuthorKind, p.PersonID, p.ProspectID, p.UserID, p.CreatedAt, p.UpdatedAt); err != nil {
		return err
	}
	return tx.audit(ctx, p.ProjectID, wubu.ActionCreate, "forum_post", p.ID, nil, map[string]any{"board_id": p.BoardID, "topic_id": p.TopicID, "author_kind": p.AuthorKind, "title": p.Title})
}

// replyTo writes a reply to a topic: the topic must be open to replies.
func (s *ForumService) replyTo(ctx context.Context, topicID int64, body string, author *wubu.ForumAuthor, u *wubu.User) (*wubu.ForumPost, error) {
	body = strings.TrimSpace(body)
	if err := checkBody(body); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var boardID, projectID int64
	var state string
	err = tx.queryRow(ctx, `SELECT board_id, project_id, state FROM forum_posts WHERE id = ? AND topic_id IS NULL`+tx.db.forUpdate("forum_posts"), topicID).Scan(&boardID, &projectID, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	if u != nil {
		if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, projectID); err != nil {
			return nil, err
		}
	}
	b, err := s.findBoard(ctx, tx, boardID, author)
	if err != nil {
		return nil, err
	}
	switch {
	case state == wubu.PostHidden && author != nil:
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	case state != wubu.PostVisible:
		return nil, wubu.Errorf(wubu.ECONFLICT, "Topic %d is closed to replies.", topicID)
	case author != nil && b.Kind == wubu.BoardGroup && !b.Member:
		return nil, wubu.Errorf(wubu.EFORBIDDEN, "Join the group to post on its board.")
	}
	p := &wubu.ForumPost{ProjectID: projectID, BoardID: boardID, TopicID: &topicID, Body: body}
	var a wubu.ForumAuthor
	if author != nil {
		a = *author
	}
	if err := s.insertPost(ctx, tx, p, a, u); err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE forum_posts SET updated_at = ? WHERE id = ?`, tx.now, topicID); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if u == nil {
		p.AuthorName = "" // read back masked
		return scanForumPost(s.db.queryRow(ctx, `SELECT `+forumPostColumns+forumPostFrom+` WHERE fp.id = ?`, p.ID))
	}
	return p, nil
}

// ReplyAs replies as a member of the community.
func (s *ForumService) ReplyAs(ctx context.Context, author wubu.ForumAuthor, topicID int64, body string) (*wubu.ForumPost, error) {
	return s.replyTo(ctx, topicID, body, &author, nil)
}

// Answer replies as the signed-in staff member, under their name and post.
func (s *ForumService) Answer(ctx context.Context, topicID int64, body string) (*wubu.ForumPost, error) {
	u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, 0)
	if err != nil {
		return nil, err
	}
	return s.replyTo(ctx, topicID, body, nil, u)
}

// ReportAs reports a post to the moderators, once per reader.
func (s *ForumService) ReportAs(ctx context.Context, author wubu.ForumAuthor, postID int64, reason string) error {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 200 {
		return wubu.FieldErrorf("reason", wubu.EINVALID, "The reason may be at most %d characters.", 200)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var boardID, projectID int64
	var state string
	err = tx.queryRow(ctx, `SELECT board_id, project_id, state FROM forum_posts WHERE id = ?`, postID).Scan(&boardID, &projectID, &state)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && state == wubu.PostHidden) {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return err
	}
	if _, err := s.findBoard(ctx, tx, boardID, &author); err != nil {
		return err
	}
	reporter := fmt.Sprintf("person:%d", author.PersonID)
	if author.PersonID == 0 {
		reporter = fmt.Sprintf("prospect:%d", author.ProspectID)
	}
	if _, err := tx.exec(ctx, `INSERT INTO forum_reports (project_id, post_id, reporter, reason, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (post_id, reporter) DO NOTHING`, projectID, postID, reporter, reason, tx.now); err != nil {
		return err
	}
	return tx.Commit()
}

// forumPosts is how the life-cycle runner reads and writes forum posts.
var forumPosts = &machine[*wubu.ForumPost]{
	lc: wubu.ForumPostLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.ForumPost, error) {
		q := `SELECT ` + forumPostColumns + forumPostFrom + ` WHERE fp.id = ?`
		if lock {
			q += tx.db.forUpdate("fp")
		}
		return scanForumPost(tx.queryRow(ctx, q, id))
	},
	facts: func(p *wubu.ForumPost) facts {
		return facts{ProjectID: p.ProjectID, ID: p.ID, State: p.State, Post: wubu.PostService}
	},
	setState: func(p *wubu.ForumPost, s string) { p.State = s },
	save: func(ctx context.Context, tx *Tx, p *wubu.ForumPost) error {
		_, err := tx.exec(ctx, `UPDATE forum_posts SET state = ?, updated_at = ? WHERE project_id = ? AND id = ?`, p.State, tx.now, p.ProjectID, p.ID)
		return err
	},
	clone: func(p *wubu.ForumPost) *wubu.ForumPost { c := *p; return &c },
	audit: func(p *wubu.ForumPost) any {
		return map[string]any{"state": p.State, "title": p.Title}
	},
}

// Moderate takes a moderation step on a post.
func (s *ForumService) Moderate(ctx context.Context, postID int64, action, note string) (*wubu.ForumPost, error) {
	note = strings.TrimSpace(note)
	if _, ok := wubu.ForumPostLifecycle.Step(action); !ok {
		return nil, wubu.Errorf(wubu.EINVALID, "Choose a moderation step.")
	}
	return runStep(ctx, s.run, forumPosts, postID, action, func(ctx context.Context, tx *Tx, p *wubu.ForumPost, u *wubu.User) (string, error) {
		if (action == wubu.ForumLock || action == wubu.ForumUnlock) && p.TopicID != nil {
			return "", wubu.Errorf(wubu.EINVALID, "Only a topic can be locked.")
		}
		if utf8.RuneCountInString(note) > 200 {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 200)
		}
		return note, nil
	})
}

// FindReports lists a project's reported posts, the most reported first.
func (s *ForumService) FindReports(ctx context.Context, projectID int64) ([]*wubu.ForumReport, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermStaffView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+forumPostColumns+`, c.n, c.last`+forumPostFrom+`
		JOIN (SELECT post_id, COUNT(*) AS n, MAX(created_at) AS last FROM forum_reports WHERE project_id = ? GROUP BY post_id) c ON c.post_id = fp.id
		WHERE fp.project_id = ? ORDER BY c.n DESC, c.last DESC, fp.id`, projectID, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.ForumReport
	for rows.Next() {
		r := &wubu.ForumReport{}
		var last any
		if r.Post, err = scanForumPost(rows, &r.Count, &last); err != nil {
			return nil, err
		}
		r.Post.Reports = r.Count
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range out {
		reasons, err := s.db.query(ctx, `SELECT reason, created_at FROM forum_reports WHERE post_id = ? ORDER BY created_at`, r.Post.ID)
		if err != nil {
			return nil, err
		}
		for reasons.Next() {
			var reason string
			if err := reasons.Scan(&reason, &r.Last); err != nil {
				reasons.Close()
				return nil, err
			}
			if reason != "" {
				r.Reasons = append(r.Reasons, reason)
			}
		}
		reasons.Close()
	}
	return out, nil
}
