package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// ProspectService implements wubu.ProspectService: the sales office's
// buyer lists (K6), apart from the registry, read only by each project's
// custodian and the manager, every read audited.
type ProspectService struct {
	db *DB
}

var _ wubu.ProspectService = (*ProspectService)(nil)

// NewProspectService returns the prospect service over db.
func NewProspectService(db *DB) *ProspectService { return &ProspectService{db: db} }

// prospectKeeper authorizes the caller on a project's prospect list: the
// manager (who may import and export residents) or the project's named
// custodian; anyone else is refused, even with the registry's rights.
func prospectKeeper(ctx context.Context, tx *Tx, projectID int64) (*wubu.User, error) {
	u, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID)
	if err != nil {
		return nil, err
	}
	if u.Can(wubu.PermResidentImport) {
		return u, nil
	}
	var custodian int64
	err = tx.queryRow(ctx, `SELECT user_id FROM prospect_custodians WHERE project_id = ?`, projectID).Scan(&custodian)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if custodian != u.ID {
		return nil, wubu.Errorf(wubu.EFORBIDDEN, "Only the project's prospect custodian and the manager may read the prospect list.")
	}
	return u, nil
}

// AddProspect adds a buyer to the list with a fresh invitation code.
func (s *ProspectService) AddProspect(ctx context.Context, p *wubu.Prospect) error {
	p.Name, p.Address, p.Unit = strings.TrimSpace(p.Name), strings.TrimSpace(p.Address), strings.TrimSpace(p.Unit)
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	u, err := prospectKeeper(ctx, tx, p.ProjectID)
	if err != nil {
		return err
	}
	switch {
	case p.Name == "" || utf8.RuneCountInString(p.Name) > 32:
		return wubu.FieldErrorf("name", wubu.EINVALID, "Name is required and must be at most %d characters.", 32)
	case p.Address == "" || utf8.RuneCountInString(p.Address) > 200:
		return wubu.FieldErrorf("address", wubu.EINVALID, "The postal address is required and may be at most %d characters.", 200)
	case p.Unit == "" || utf8.RuneCountInString(p.Unit) > 32:
		return wubu.FieldErrorf("unit", wubu.EINVALID, "The unit bought is required and may be at most %d characters.", 32)
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM rooms WHERE project_id = ? AND label = ?`, p.ProjectID, p.Unit).Scan(&n); err != nil {
		return err
	} else if n == 0 {
		return wubu.FieldErrorf("unit", wubu.EINVALID, "Room %q does not exist in this project.", p.Unit)
	}
	p.CreatedAt = tx.now
	for range 5 {
		p.Code = newInvitationCode()
		p.ID, err = tx.insert(ctx, `INSERT INTO prospects (project_id, name, address, unit, code, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p.ProjectID, p.Name, p.Address, p.Unit, p.Code, actorID(u), p.CreatedAt)
		if !isUniqueViolation(err) {
			break
		}
	}
	if err != nil {
		return err
	}
	// The audit names the entry, not the address.
	if err := tx.audit(ctx, p.ProjectID, wubu.ActionCreate, "prospect", p.ID, nil, map[string]any{"unit": p.Unit}); err != nil {
		return err
	}
	return tx.Commit()
}

// newInvitationCode returns eight characters easy to type from a card.
func newInvitationCode() string {
	var b strings.Builder
	for range 8 {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(codeAlphabet))))
		b.WriteByte(codeAlphabet[n.Int64()])
	}
	return b.String()
}

// FindProspects reads the entries not yet moved in, by unit, and records
// the read in the audit log.
func (s *ProspectService) FindProspects(ctx context.Context, projectID int64) ([]*wubu.Prospect, error) {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := prospectKeeper(ctx, tx, projectID); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT id, project_id, name, address, unit, code, created_at FROM prospects
		WHERE project_id = ? AND moved_in_at IS NULL ORDER BY unit, id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*wubu.Prospect{}
	for rows.Next() {
		p := &wubu.Prospect{}
		if err := rows.Scan(&p.ID, &p.ProjectID, &p.Name, &p.Address, &p.Unit, &p.Code, &p.CreatedAt); err != nil {
			return nil, err
		}
		list = append(list, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	pid := projectID
	e := &wubu.AuditEntry{Action: wubu.ActionRead, ObjectType: "prospect", ObjectID: "list:" + strconv.Itoa(len(list)), Field: "address", ProjectID: &pid}
	if err := tx.writeAudit(ctx, e); err != nil {
		return nil, err
	}
	return list, tx.Commit()
}

// SetProspectCustodian names the one member of staff who keeps the list.
func (s *ProspectService) SetProspectCustodian(ctx context.Context, projectID, userID int64) error {
	u, err := wubu.Authorize(ctx, wubu.PermStaffEdit, projectID)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	c, err := findUser(ctx, s.db, tx, `id = ?`, userID)
	if err != nil || !slices.Contains(c.ProjectIDs, projectID) || c.Disabled {
		return wubu.FieldErrorf("user_id", wubu.ENOTFOUND, "Staff member not found in this project.")
	}
	if _, err := tx.exec(ctx, `DELETE FROM prospect_custodians WHERE project_id = ?`, projectID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO prospect_custodians (project_id, user_id, assigned_by, assigned_at) VALUES (?, ?, ?, ?)`,
		projectID, userID, actorID(u), tx.now); err != nil {
		return err
	}
	if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "prospect_custodian", projectID, nil, map[string]any{"user_id": userID}); err != nil {
		return err
	}
	return tx.Commit()
}

// FindProspectCustodian returns the project's custodian, nil if none.
func (s *ProspectService) FindProspectCustodian(ctx context.Context, projectID int64) (*wubu.ProspectCustodian, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	c := &wubu.ProspectCustodian{ProjectID: projectID}
	err := s.db.queryRow(ctx, `SELECT c.user_id, u.name FROM prospect_custodians c JOIN users u ON u.id = c.user_id WHERE c.project_id = ?`, projectID).Scan(&c.UserID, &c.UserName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return c, err
}

// prospectMovedIn takes a prospect's entry off the list when its move-in
// completes, forgetting the postal address the registry does not need.
func prospectMovedIn(ctx context.Context, tx *Tx, m *wubu.MoveIn) error {
	if m.Source != wubu.MoveInFromProspect || m.SourceRef == "" {
		return nil
	}
	id, err := strconv.ParseInt(m.SourceRef, 10, 64)
	if err != nil {
		return nil
	}
	_, err = tx.exec(ctx, `UPDATE prospects SET moved_in_at = ?, person_id = ?, address = '' WHERE project_id = ? AND id = ? AND moved_in_at IS NULL`,
		tx.now, m.PersonID, m.ProjectID, id)
	return err
}
