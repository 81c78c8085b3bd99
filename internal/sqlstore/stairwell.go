package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/wubu-oss/wubu"
)

// StairwellService implements wubu.StairwellService: standard notices and
// the log of those posted in the units (E4).
type StairwellService struct{ db *DB }

var _ wubu.StairwellService = (*StairwellService)(nil)

// NewStairwellService returns the stairwell notices over db.
func NewStairwellService(db *DB) *StairwellService { return &StairwellService{db: db} }

func scanTemplate(s interface{ Scan(...any) error }) (*wubu.NoticeTemplate, error) {
	t := &wubu.NoticeTemplate{}
	err := s.Scan(&t.ID, &t.ProjectID, &t.Title, &t.Body, &t.Archived, &t.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return t, err
}

// NoticeTemplates returns the project's templates, the defaults first
// given to a project that has none.
func (s *StairwellService) NoticeTemplates(ctx context.Context, projectID int64, all bool) ([]*wubu.NoticeTemplate, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	if err := rulesProjectExists(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	var n int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM notice_templates WHERE project_id = ?`, projectID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		if err := s.giveDefaults(ctx, projectID); err != nil {
			return nil, err
		}
	}
	q := `SELECT id, project_id, title, body, archived, updated_at FROM notice_templates WHERE project_id = ?`
	args := []any{projectID}
	if !all {
		q, args = q+` AND archived = ?`, append(args, false)
	}
	rows, err := s.db.query(ctx, q+` ORDER BY archived, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.NoticeTemplate
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// giveDefaults writes the default templates of a project that has none;
// two first readers at once write them once (the project's desk row, which
// every front-desk write locks, serializes them).
func (s *StairwellService) giveDefaults(ctx context.Context, projectID int64) error {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := lockDesk(ctx, tx, projectID); err != nil {
		return err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM notice_templates WHERE project_id = ?`, projectID).Scan(&n); err != nil || n > 0 {
		return err
	}
	for _, t := range wubu.DefaultNoticeTemplates {
		if _, err := tx.exec(ctx, `INSERT INTO notice_templates (project_id, title, body, archived, updated_at) VALUES (?, ?, ?, ?, ?)`,
			projectID, t.Title, t.Body, false, tx.now); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// checkNoticeText checks a title and body.
func checkNoticeText(title, body string) error {
	switch {
	case title == "" || len([]rune(title)) > 60:
		return wubu.FieldErrorf("title", wubu.EINVALID, "Give the notice a title (at most %d characters).", 60)
	case body == "" || len([]rune(body)) > 3000:
		return wubu.FieldErrorf("body", wubu.EINVALID, "Write the notice's text (at most %d characters).", 3000)
	}
	return nil
}

// SaveNoticeTemplate creates or changes a template.
func (s *StairwellService) SaveNoticeTemplate(ctx context.Context, t *wubu.NoticeTemplate) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, t.ProjectID); err != nil {
		return err
	}
	t.Title, t.Body = strings.TrimSpace(t.Title), strings.TrimSpace(t.Body)
	if err := checkNoticeText(t.Title, t.Body); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if t.ID == 0 {
		if t.ID, err = tx.insert(ctx, `INSERT INTO notice_templates (project_id, title, body, archived, updated_at) VALUES (?, ?, ?, ?, ?)`,
			t.ProjectID, t.Title, t.Body, t.Archived, tx.now); err != nil {
			return err
		}
		if err := tx.audit(ctx, t.ProjectID, wubu.ActionCreate, "notice_template", t.ID, nil, t); err != nil {
			return err
		}
	} else {
		before, err := scanTemplate(tx.queryRow(ctx, `SELECT id, project_id, title, body, archived, updated_at FROM notice_templates WHERE project_id = ? AND id = ?`, t.ProjectID, t.ID))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE notice_templates SET title = ?, body = ?, archived = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			t.Title, t.Body, t.Archived, tx.now, t.ProjectID, t.ID); err != nil {
			return err
		}
		if err := tx.audit(ctx, t.ProjectID, wubu.ActionUpdate, "notice_template", t.ID, before, t); err != nil {
			return err
		}
	}
	t.UpdatedAt = tx.now
	return tx.Commit()
}

// PostNotice logs a notice posted in a unit.
func (s *StairwellService) PostNotice(ctx context.Context, n *wubu.StairwellNotice) error {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	var pid int64
	err := s.db.queryRow(ctx, `SELECT project_id FROM units WHERE id = ?`, n.UnitID).Scan(&pid)
	if errors.Is(err, sql.ErrNoRows) || err == nil && n.ProjectID != 0 && n.ProjectID != pid {
		return wubu.FieldErrorf("unit_id", wubu.ENOTFOUND, "Choose the unit where the notice is posted.")
	} else if err != nil {
		return err
	}
	if u, err = wubu.Authorize(ctx, wubu.PermResidentEdit, pid); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return wubu.FieldErrorf("unit_id", wubu.ENOTFOUND, "Choose the unit where the notice is posted.")
		}
		return err
	}
	n.ProjectID = pid
	n.Title, n.Body, n.Reason = strings.TrimSpace(n.Title), strings.TrimSpace(n.Body), strings.TrimSpace(n.Reason)
	if n.Reason == "" || len([]rune(n.Reason)) > 500 {
		return wubu.FieldErrorf("reason", wubu.EINVALID, "Say why the notice is posted (at most %d characters).", 500)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if n.TemplateID != nil {
		t, err := scanTemplate(tx.queryRow(ctx, `SELECT id, project_id, title, body, archived, updated_at FROM notice_templates WHERE project_id = ? AND id = ?`, pid, *n.TemplateID))
		if err != nil {
			return wubu.FieldErrorf("template_id", wubu.ENOTFOUND, "Choose one of the project's notices.")
		}
		if n.Title == "" {
			n.Title = t.Title
		}
		if n.Body == "" {
			n.Body = t.Body
		}
	}
	if err := checkNoticeText(n.Title, n.Body); err != nil {
		return err
	}
	n.PostedBy, n.PostedByName, n.PostedAt = u.ID, u.Name, tx.now
	if n.ID, err = tx.insert(ctx, `INSERT INTO stairwell_notices (project_id, unit_id, template_id, title, body, reason, posted_by, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		pid, n.UnitID, n.TemplateID, n.Title, n.Body, n.Reason, u.ID, tx.now); err != nil {
		return err
	}
	if err := tx.audit(ctx, pid, wubu.ActionCreate, "stairwell_notice", n.ID, nil, map[string]any{"unit_id": n.UnitID, "title": n.Title, "reason": n.Reason}); err != nil {
		return err
	}
	return tx.Commit()
}

const noticeColumns = `n.id, n.project_id, p.name AS project_name, n.unit_id, un.name AS unit_name, b.id AS building_id, b.name AS building_name, n.template_id,
	n.title, n.body, n.reason, n.posted_by, u.name AS posted_by_name, n.posted_at, COUNT(*) OVER (PARTITION BY n.unit_id, n.title ORDER BY n.posted_at, n.id) AS times`

const noticeFrom = ` FROM stairwell_notices n
	JOIN projects p ON p.id = n.project_id
	JOIN units un ON un.project_id = n.project_id AND un.id = n.unit_id
	JOIN buildings b ON b.project_id = un.project_id AND b.id = un.building_id
	JOIN users u ON u.id = n.posted_by`

func scanNotice(s interface{ Scan(...any) error }, extra ...any) (*wubu.StairwellNotice, error) {
	n := &wubu.StairwellNotice{}
	err := s.Scan(append([]any{&n.ID, &n.ProjectID, &n.ProjectName, &n.UnitID, &n.UnitName, &n.BuildingID, &n.BuildingName, &n.TemplateID, &n.Title, &n.Body, &n.Reason,
		&n.PostedBy, &n.PostedByName, &n.PostedAt, &n.Times}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return n, err
}

// FindNotice returns a posted notice.
func (s *StairwellService) FindNotice(ctx context.Context, id int64) (*wubu.StairwellNotice, error) {
	// The count of its unit's notices of the same title up to it.
	n, err := scanNotice(s.db.queryRow(ctx, `SELECT * FROM (SELECT `+noticeColumns+noticeFrom+
		` WHERE n.unit_id = (SELECT unit_id FROM stairwell_notices WHERE id = ?)) x WHERE x.id = ?`, id, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, n.ProjectID); err != nil {
		return nil, err
	}
	return n, nil
}

// FindNotices returns a project's posted notices, newest first.
func (s *StairwellService) FindNotices(ctx context.Context, projectID int64, f wubu.NoticeFilter) ([]*wubu.StairwellNotice, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, 0, err
	}
	where, args := []string{"n.project_id = ?"}, []any{projectID}
	if f.BuildingID != 0 {
		where, args = append(where, "un.building_id = ?"), append(args, f.BuildingID)
	}
	if f.UnitID != 0 {
		where, args = append(where, "n.unit_id = ?"), append(args, f.UnitID)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.query(ctx, `SELECT * FROM (SELECT `+noticeColumns+`, COUNT(*) OVER () AS total`+noticeFrom+` WHERE `+strings.Join(where, " AND ")+
		`) x ORDER BY x.posted_at DESC, x.id DESC LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*wubu.StairwellNotice
	total := 0
	for rows.Next() {
		n, err := scanNotice(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, n)
	}
	return out, total, rows.Err()
}
