package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// KnowledgeService implements wubu.KnowledgeService: safety campaigns (S7)
// and the staff knowledge base (S6).
type KnowledgeService struct{ db *DB }

var _ wubu.KnowledgeService = (*KnowledgeService)(nil)

// NewKnowledgeService returns the service over db.
func NewKnowledgeService(db *DB) *KnowledgeService { return &KnowledgeService{db: db} }

// FindSafetyCampaigns returns a project's campaigns not ended by the day.
func (s *KnowledgeService) FindSafetyCampaigns(ctx context.Context, projectID int64, day wubu.Date) ([]*wubu.SafetyCampaign, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT id, project_id, kind, theme, title, description, starts_on, ends_on, places, weeks_per_stop, created_at
		FROM safety_campaigns WHERE project_id = ? AND ends_on >= ? ORDER BY starts_on, id`, projectID, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.SafetyCampaign
	for rows.Next() {
		c := &wubu.SafetyCampaign{}
		var places string
		if err := rows.Scan(&c.ID, &c.ProjectID, &c.Kind, &c.Theme, &c.Title, &c.Description, &c.StartsOn, &c.EndsOn, &places, &c.WeeksPerStop, &c.CreatedAt); err != nil {
			return nil, err
		}
		c.Places = splitPlaces(places)
		c.Where = c.PlaceOn(day)
		out = append(out, c)
	}
	return out, rows.Err()
}

// splitPlaces splits a list of places, one a line or separated by commas.
func splitPlaces(s string) []string {
	out := []string{}
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' || r == '，' || r == '、' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// CreateSafetyCampaign creates a campaign.
func (s *KnowledgeService) CreateSafetyCampaign(ctx context.Context, c *wubu.SafetyCampaign) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityManage, c.ProjectID); err != nil {
		return err
	}
	c.Title, c.Description = strings.TrimSpace(c.Title), strings.TrimSpace(c.Description)
	var places []string
	for _, p := range c.Places {
		places = append(places, splitPlaces(p)...)
	}
	c.Places = places
	if c.Kind == wubu.SafetyActivity {
		c.WeeksPerStop = 0
	}
	start, err1 := time.Parse("2006-01-02", c.StartsOn)
	end, err2 := time.Parse("2006-01-02", c.EndsOn)
	switch {
	case !c.Kind.Valid():
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Choose display boards or an activity.")
	case !slices.Contains(wubu.SafetyThemes, c.Theme):
		return wubu.FieldErrorf("theme", wubu.EINVALID, "Choose the campaign's theme.")
	case !wubu.ValidName(c.Title, 60):
		return wubu.FieldErrorf("title", wubu.EINVALID, "Title is required and must be at most %d characters.", 60)
	case len([]rune(c.Description)) > 2000:
		return wubu.FieldErrorf("description", wubu.EINVALID, "The text may be at most %d characters.", 2000)
	case err1 != nil:
		return wubu.FieldErrorf("starts_on", wubu.EINVALID, "Date must be written as 2026-11-27.")
	case err2 != nil:
		return wubu.FieldErrorf("ends_on", wubu.EINVALID, "Date must be written as 2026-11-27.")
	case end.Before(start) || end.Sub(start) > 366*24*time.Hour:
		return wubu.FieldErrorf("ends_on", wubu.EINVALID, "The campaign must end after it starts, within a year.")
	case len(c.Places) == 0 || len(c.Places) > 50:
		return wubu.FieldErrorf("places", wubu.EINVALID, "Name the places, one a line (at most %d).", 50)
	case c.Kind == wubu.SafetyBoard && (c.WeeksPerStop < 1 || c.WeeksPerStop > 8):
		return wubu.FieldErrorf("weeks_per_stop", wubu.EINVALID, "Boards stand at each place for 1 to %d weeks.", 8)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var uid *int64
	if u := wubu.UserFromContext(ctx); u.ID != 0 {
		uid = &u.ID
	}
	c.CreatedAt = tx.now
	if c.ID, err = tx.insert(ctx, `INSERT INTO safety_campaigns (project_id, kind, theme, title, description, starts_on, ends_on, places, weeks_per_stop, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ProjectID, c.Kind, c.Theme, c.Title, c.Description, c.StartsOn, c.EndsOn, strings.Join(c.Places, "\n"), c.WeeksPerStop, uid, tx.now); err != nil {
		return err
	}
	if err := tx.audit(ctx, c.ProjectID, wubu.ActionCreate, "safety_campaign", c.ID, nil, c); err != nil {
		return err
	}
	return tx.Commit()
}

const kbColumns = `e.id, e.project_id, e.category, e.title, e.body, e.updated_by, COALESCE(u.name, ''), e.created_at, e.updated_at`

func scanKB(s interface{ Scan(...any) error }) (*wubu.KBEntry, error) {
	e := &wubu.KBEntry{}
	err := s.Scan(&e.ID, &e.ProjectID, &e.Category, &e.Title, &e.Body, &e.UpdatedBy, &e.UpdatedByName, &e.CreatedAt, &e.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return e, err
}

// FindKB returns a project's entries of a category whose title or text
// contains q.
func (s *KnowledgeService) FindKB(ctx context.Context, projectID int64, category, q string) ([]*wubu.KBEntry, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, projectID); err != nil {
		return nil, err
	}
	where, args := "e.project_id = ?", []any{projectID}
	if category != "" {
		where, args = where+" AND e.category = ?", append(args, category)
	}
	if q = strings.TrimSpace(q); q != "" {
		op := s.db.likeOp()
		where, args = where+" AND (e.title "+op+" ? ESCAPE '\\' OR e.body "+op+" ? ESCAPE '\\')", append(args, likePattern(q), likePattern(q))
	}
	rows, err := s.db.query(ctx, `SELECT `+kbColumns+` FROM kb_entries e LEFT JOIN users u ON u.id = e.updated_by WHERE `+where+` ORDER BY e.category, e.title LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.KBEntry
	for rows.Next() {
		e, err := scanKB(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// FindKBEntry returns an entry.
func (s *KnowledgeService) FindKBEntry(ctx context.Context, id int64) (*wubu.KBEntry, error) {
	e, err := scanKB(s.db.queryRow(ctx, `SELECT `+kbColumns+` FROM kb_entries e LEFT JOIN users u ON u.id = e.updated_by WHERE e.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, e.ProjectID); err != nil {
		return nil, err
	}
	return e, nil
}

// SaveKBEntry creates or changes an entry.
func (s *KnowledgeService) SaveKBEntry(ctx context.Context, e *wubu.KBEntry) error {
	if e.ID != 0 {
		old, err := s.FindKBEntry(ctx, e.ID)
		if err != nil {
			return err
		}
		e.ProjectID = old.ProjectID
	}
	u, err := wubu.Authorize(ctx, wubu.PermSecurityManage, e.ProjectID)
	if err != nil {
		return err
	}
	e.Title, e.Body = strings.TrimSpace(e.Title), strings.TrimSpace(e.Body)
	switch {
	case !slices.Contains(wubu.KBCategories, e.Category):
		return wubu.FieldErrorf("category", wubu.EINVALID, "Choose the entry's category.")
	case !wubu.ValidName(e.Title, 80):
		return wubu.FieldErrorf("title", wubu.EINVALID, "Title is required and must be at most %d characters.", 80)
	case e.Body == "" || len([]rune(e.Body)) > 20000:
		return wubu.FieldErrorf("body", wubu.EINVALID, "Write the entry's text (at most %d characters).", 20000)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var uid *int64
	if u.ID != 0 {
		uid = &u.ID
	}
	e.UpdatedBy, e.UpdatedByName, e.UpdatedAt = uid, u.Name, tx.now
	action := wubu.ActionUpdate
	if e.ID == 0 {
		action, e.CreatedAt = wubu.ActionCreate, tx.now
		e.ID, err = tx.insert(ctx, `INSERT INTO kb_entries (project_id, category, title, body, updated_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			e.ProjectID, e.Category, e.Title, e.Body, uid, tx.now, tx.now)
	} else {
		_, err = tx.exec(ctx, `UPDATE kb_entries SET category = ?, title = ?, body = ?, updated_by = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			e.Category, e.Title, e.Body, uid, tx.now, e.ProjectID, e.ID)
	}
	if err != nil {
		return err
	}
	if err := tx.audit(ctx, e.ProjectID, action, "kb_entry", e.ID, nil, map[string]any{"category": e.Category, "title": e.Title}); err != nil {
		return err
	}
	return tx.Commit()
}
