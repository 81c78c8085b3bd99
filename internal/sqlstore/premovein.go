package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/auth"
)

// PreMoveInService implements wubu.PreMoveInService: the buyers' sessions
// by invitation code and the pages the centre publishes for them (K4).
type PreMoveInService struct {
	db *DB
}

var _ wubu.PreMoveInService = (*PreMoveInService)(nil)

// NewPreMoveInService returns the pre-move-in pages over db.
func NewPreMoveInService(db *DB) *PreMoveInService { return &PreMoveInService{db: db} }

// PublishPreMoveIn publishes an item.
func (s *PreMoveInService) PublishPreMoveIn(ctx context.Context, it *wubu.PreMoveInItem) error {
	u, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, it.ProjectID)
	if err != nil {
		return err
	}
	it.Title, it.Body, it.Supplier, it.Price, it.ValidUntil = strings.TrimSpace(it.Title), strings.TrimSpace(it.Body), strings.TrimSpace(it.Supplier),
		strings.TrimSpace(it.Price), strings.TrimSpace(it.ValidUntil)
	switch {
	case !wubu.ValidPreMoveInKind(it.Kind):
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Choose the section.")
	case it.Title == "" || utf8.RuneCountInString(it.Title) > 80:
		return wubu.FieldErrorf("title", wubu.EINVALID, "Give it a title (at most %d characters).", 80)
	case utf8.RuneCountInString(it.Body) > 5000:
		return wubu.FieldErrorf("body", wubu.EINVALID, "Write the text (at most %d characters).", 5000)
	case utf8.RuneCountInString(it.Supplier) > 80 || utf8.RuneCountInString(it.Price) > 80:
		return wubu.FieldErrorf("supplier", wubu.EINVALID, "The supplier or price is too long.")
	}
	if it.ValidUntil != "" {
		if _, err := time.Parse("2006-01-02", it.ValidUntil); err != nil {
			return wubu.FieldErrorf("valid_until", wubu.EINVALID, "Enter a date as 2026-12-31.")
		}
	}
	if it.Kind == "group_buy" && it.Supplier == "" {
		return wubu.FieldErrorf("supplier", wubu.EINVALID, "A group-buy offer names its supplier.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	it.CreatedAt = tx.now
	if it.ID, err = tx.insert(ctx, `INSERT INTO premovein_items (project_id, kind, title, body, supplier, price, valid_until, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, it.ProjectID, it.Kind, it.Title, it.Body, it.Supplier, it.Price, it.ValidUntil, actorID(u), it.CreatedAt); err != nil {
		return err
	}
	if err := tx.audit(ctx, it.ProjectID, wubu.ActionCreate, "premovein_item", it.ID, nil, it); err != nil {
		return err
	}
	return tx.Commit()
}

// FindPreMoveInItems lists a project's items for staff.
func (s *PreMoveInService) FindPreMoveInItems(ctx context.Context, projectID int64) ([]*wubu.PreMoveInItem, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrgView, projectID); err != nil {
		return nil, err
	}
	return s.items(ctx, projectID, "")
}

// items reads a project's items by section, the newest first; from a day
// on, offers past their date are left out.
func (s *PreMoveInService) items(ctx context.Context, projectID int64, from wubu.Date) ([]*wubu.PreMoveInItem, error) {
	q, args := `SELECT id, project_id, kind, title, body, supplier, price, valid_until, created_at FROM premovein_items WHERE project_id = ?`, []any{projectID}
	if from != "" {
		q, args = q+` AND (valid_until = '' OR valid_until >= ?)`, append(args, from)
	}
	rows, err := s.db.query(ctx, q+` ORDER BY kind, created_at DESC, id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*wubu.PreMoveInItem{}
	for rows.Next() {
		it := &wubu.PreMoveInItem{}
		if err := rows.Scan(&it.ID, &it.ProjectID, &it.Kind, &it.Title, &it.Body, &it.Supplier, &it.Price, &it.ValidUntil, &it.CreatedAt); err != nil {
			return nil, err
		}
		list = append(list, it)
	}
	return list, rows.Err()
}

// DeletePreMoveInItem withdraws an item.
func (s *PreMoveInService) DeletePreMoveInItem(ctx context.Context, id int64) error {
	var projectID int64
	err := s.db.queryRow(ctx, `SELECT project_id FROM premovein_items WHERE id = ?`, id).Scan(&projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, projectID); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `DELETE FROM premovein_items WHERE id = ?`, id); err != nil {
		return err
	}
	if err := tx.audit(ctx, projectID, wubu.ActionDelete, "premovein_item", id, nil, nil); err != nil {
		return err
	}
	return tx.Commit()
}

// SignInPreMoveIn starts a buyer's session by invitation code. Attempts
// are throttled as the staff sign-in is, the codes counting as one login
// per address.
func (s *PreMoveInService) SignInPreMoveIn(ctx context.Context, code string) (string, *wubu.PreMoveInVisitor, error) {
	code = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), " ", ""))
	if code == "" {
		return "", nil, wubu.FieldErrorf("code", wubu.EINVALID, "Enter the invitation code printed on your card.")
	}
	keys := throttleKeys("premovein", wubu.RequestInfoFromContext(ctx).IP)
	if err := (&AuthService{db: s.db}).reserveAttempt(ctx, keys); err != nil {
		return "", nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return "", nil, err
	}
	defer tx.Rollback()
	v, err := preMoveInVisitor(ctx, tx, `p.code = ?`, code)
	if wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return "", nil, wubu.FieldErrorf("code", wubu.EUNAUTHORIZED, "This invitation code is not known, or its home has been handed over already.")
	} else if err != nil {
		return "", nil, err
	}
	token, err := auth.NewToken()
	if err != nil {
		return "", nil, err
	}
	if _, err := tx.exec(ctx, `INSERT INTO premovein_sessions (token_hash, project_id, prospect_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		auth.HashToken(token), v.ProjectID, v.ProspectID, tx.now, tx.now.Add(wubu.PreMoveInSessionAge)); err != nil {
		return "", nil, err
	}
	if err := tx.audit(ctx, v.ProjectID, wubu.ActionLogin, "prospect", v.ProspectID, nil, nil); err != nil {
		return "", nil, err
	}
	if err := releaseAttempt(ctx, tx, keys); err != nil {
		return "", nil, err
	}
	return token, v, tx.Commit()
}

// preMoveInVisitor reads the buyer not yet moved in that where names.
func preMoveInVisitor(ctx context.Context, q rowReader, where string, args ...any) (*wubu.PreMoveInVisitor, error) {
	v := &wubu.PreMoveInVisitor{}
	var n int
	err := q.queryRow(ctx, `SELECT p.id, p.project_id, pj.name, p.name, p.unit, COUNT(*) OVER() FROM prospects p JOIN projects pj ON pj.id = p.project_id
		WHERE `+where+` AND p.moved_in_at IS NULL`, args...).Scan(&v.ProspectID, &v.ProjectID, &v.ProjectName, &v.Name, &v.Unit, &n)
	if errors.Is(err, sql.ErrNoRows) || n > 1 {
		// A code two projects happen to share lets neither in.
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	v.Name = maskName(v.Name)
	return v, nil
}

// AuthenticatePreMoveIn returns the buyer of a session token.
func (s *PreMoveInService) AuthenticatePreMoveIn(ctx context.Context, token string) (*wubu.PreMoveInVisitor, error) {
	if token == "" {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	v, err := preMoveInVisitor(ctx, s.db, `p.id = (SELECT prospect_id FROM premovein_sessions WHERE token_hash = ? AND expires_at > ?)`,
		auth.HashToken(token), s.db.now())
	if wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	return v, err
}

// SignOutPreMoveIn ends a session.
func (s *PreMoveInService) SignOutPreMoveIn(ctx context.Context, token string) error {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `DELETE FROM premovein_sessions WHERE token_hash = ?`, auth.HashToken(token)); err != nil {
		return err
	}
	return tx.Commit()
}

// PreMoveInPages returns what a buyer sees of the new community.
func (s *PreMoveInService) PreMoveInPages(ctx context.Context, v *wubu.PreMoveInVisitor) (*wubu.PreMoveInPages, error) {
	pages := &wubu.PreMoveInPages{Visitor: v}
	var err error
	if pages.Items, err = s.items(ctx, v.ProjectID, s.db.now().In(cst).Format("2006-01-02")); err != nil {
		return nil, err
	}
	if pages.Resources, err = localResources(ctx, s.db, v.ProjectID); err != nil {
		return nil, err
	}
	if pages.Steps, err = checklist(ctx, s.db, v.ProjectID); err != nil {
		return nil, err
	}
	if len(pages.Steps) == 0 {
		for _, l := range wubu.DefaultMoveInChecklist {
			pages.Steps = append(pages.Steps, wubu.MoveInItem{Label: l})
		}
	}
	return pages, nil
}
