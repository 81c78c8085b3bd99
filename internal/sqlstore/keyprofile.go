package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/wubu-oss/wubu"
)

// KeyProfileService implements wubu.KeyProfileService: key-customer
// profiles (U3), read only by the staff named on them and the manager,
// every read audited.
type KeyProfileService struct{ db *DB }

var _ wubu.KeyProfileService = (*KeyProfileService)(nil)

// NewKeyProfileService returns the key-customer profiles over db.
func NewKeyProfileService(db *DB) *KeyProfileService { return &KeyProfileService{db: db} }

// personProject returns the project of a resident the caller may look up.
func (s *KeyProfileService) personProject(ctx context.Context, personID int64) (int64, error) {
	var projectID int64
	err := s.db.queryRow(ctx, `SELECT project_id FROM persons WHERE id = ?`, personID).Scan(&projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return 0, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return 0, err
	}
	return projectID, nil
}

// mayReadKeyProfile reports whether u may read a profile naming staff: the
// staff named, the manager, an admin.
func mayReadKeyProfile(u *wubu.User, staff []int64) bool {
	return u.Role == wubu.RoleManager || u.Role == wubu.RoleAdmin || slices.Contains(staff, u.ID)
}

// keyStaff returns the staff named on a profile, and their names.
func keyStaff(ctx context.Context, q interface {
	query(context.Context, string, ...any) (*sql.Rows, error)
}, projectID, personID int64) ([]int64, []string, error) {
	rows, err := q.query(ctx, `SELECT k.user_id, u.name FROM key_profile_staff k JOIN users u ON u.id = k.user_id
		WHERE k.project_id = ? AND k.person_id = ? ORDER BY u.name, u.id`, projectID, personID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []int64
	var names []string
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, nil, err
		}
		ids, names = append(ids, id), append(names, name)
	}
	return ids, names, rows.Err()
}

// IsKeyCustomer reports whether the resident has a profile and whether the
// caller may read it.
func (s *KeyProfileService) IsKeyCustomer(ctx context.Context, personID int64) (bool, bool, error) {
	projectID, err := s.personProject(ctx, personID)
	if err != nil {
		return false, false, err
	}
	// A key customer: of importance KeyCustomerImportance or more, or with
	// a profile.
	var n int
	if err := s.db.queryRow(ctx, `SELECT (SELECT COUNT(*) FROM key_profiles WHERE project_id = ? AND person_id = ?)
		+ (SELECT COUNT(*) FROM persons WHERE project_id = ? AND id = ? AND importance >= ?)`, projectID, personID, projectID, personID, wubu.KeyCustomerImportance).Scan(&n); err != nil || n == 0 {
		return false, false, err
	}
	staff, _, err := keyStaff(ctx, s.db, projectID, personID)
	if err != nil {
		return false, false, err
	}
	return true, mayReadKeyProfile(wubu.UserFromContext(ctx), staff), nil
}

// KeyProfile returns a profile and records the read in the audit log, in
// the transaction that reads it.
func (s *KeyProfileService) KeyProfile(ctx context.Context, personID int64) (*wubu.KeyProfile, error) {
	projectID, err := s.personProject(ctx, personID)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	p := &wubu.KeyProfile{ProjectID: projectID, PersonID: personID}
	var age sql.NullInt64
	err = tx.queryRow(ctx, `SELECT pe.name, k.age, k.occupation, k.personality, k.preferences, k.photo_type, k.photo, k.updated_by, k.updated_at
		FROM key_profiles k JOIN persons pe ON pe.project_id = k.project_id AND pe.id = k.person_id WHERE k.project_id = ? AND k.person_id = ?`, projectID, personID).
		Scan(&p.PersonName, &age, &p.Occupation, &p.Personality, &p.Preferences, &p.PhotoType, &p.Photo, &p.UpdatedBy, &p.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "This resident has no key-customer profile.")
	} else if err != nil {
		return nil, err
	}
	if age.Valid {
		a := int(age.Int64)
		p.Age = &a
	}
	if p.StaffIDs, p.StaffNames, err = keyStaff(ctx, tx, projectID, personID); err != nil {
		return nil, err
	}
	if !mayReadKeyProfile(wubu.UserFromContext(ctx), p.StaffIDs) {
		return nil, wubu.Errorf(wubu.EFORBIDDEN, "Only the staff named on a key customer's profile and the manager may read it.")
	}
	pid := projectID
	if err := tx.writeAudit(ctx, &wubu.AuditEntry{Action: wubu.ActionRead, ObjectType: "key_profile", ObjectID: fmt.Sprint(personID), Field: "profile", ProjectID: &pid}); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return p, nil
}

// SaveKeyProfile creates or changes a profile.
func (s *KeyProfileService) SaveKeyProfile(ctx context.Context, p *wubu.KeyProfile, photo *wubu.Photo) error {
	projectID, err := s.personProject(ctx, p.PersonID)
	if err != nil {
		return err
	}
	u, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, projectID)
	if err != nil {
		return err
	}
	p.ProjectID = projectID
	p.Occupation, p.Personality, p.Preferences = strings.TrimSpace(p.Occupation), strings.TrimSpace(p.Personality), strings.TrimSpace(p.Preferences)
	switch {
	case p.Age != nil && (*p.Age < 0 || *p.Age > 130):
		return wubu.FieldErrorf("age", wubu.EINVALID, "Enter a number from %d to %d.", 0, 130)
	case len([]rune(p.Occupation)) > 100:
		return wubu.FieldErrorf("occupation", wubu.EINVALID, "At most %d characters.", 100)
	case len([]rune(p.Personality)) > 2000:
		return wubu.FieldErrorf("personality", wubu.EINVALID, "At most %d characters.", 2000)
	case len([]rune(p.Preferences)) > 2000:
		return wubu.FieldErrorf("preferences", wubu.EINVALID, "At most %d characters.", 2000)
	}
	if photo != nil && len(photo.Data) > 0 {
		if err := checkPhoto(photo, "photo"); err != nil {
			return err
		}
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range p.StaffIDs {
		if err := checkStaff(ctx, tx, projectID, id, "staff_ids"); err != nil {
			return wubu.FieldErrorf("staff_ids", wubu.EINVALID, "Choose staff who serve this project.")
		}
	}
	var oldType string
	var oldPhoto []byte
	err = tx.queryRow(ctx, `SELECT photo_type, photo FROM key_profiles WHERE project_id = ? AND person_id = ?`, projectID, p.PersonID).Scan(&oldType, &oldPhoto)
	exists := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	p.PhotoType, p.Photo = oldType, oldPhoto
	if photo != nil && len(photo.Data) > 0 {
		p.PhotoType, p.Photo = photo.ContentType, photo.Data
	}
	p.UpdatedBy, p.UpdatedAt = u.ID, tx.now
	if _, err := tx.exec(ctx, `DELETE FROM key_profile_staff WHERE project_id = ? AND person_id = ?`, projectID, p.PersonID); err != nil {
		return err
	}
	if exists {
		_, err = tx.exec(ctx, `UPDATE key_profiles SET age = ?, occupation = ?, personality = ?, preferences = ?, photo_type = ?, photo = ?, updated_by = ?, updated_at = ?
			WHERE project_id = ? AND person_id = ?`, p.Age, p.Occupation, p.Personality, p.Preferences, p.PhotoType, p.Photo, p.UpdatedBy, p.UpdatedAt, projectID, p.PersonID)
	} else {
		_, err = tx.exec(ctx, `INSERT INTO key_profiles (project_id, person_id, age, occupation, personality, preferences, photo_type, photo, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, projectID, p.PersonID, p.Age, p.Occupation, p.Personality, p.Preferences, p.PhotoType, p.Photo, p.UpdatedBy, p.UpdatedAt)
	}
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, id := range p.StaffIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		if _, err := tx.exec(ctx, `INSERT INTO key_profile_staff (project_id, person_id, user_id) VALUES (?, ?, ?)`, projectID, p.PersonID, id); err != nil {
			return err
		}
	}
	// The audit records who may read it, not what it says.
	after := map[string]any{"staff_ids": p.StaffIDs, "photo": p.PhotoType != ""}
	if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "key_profile", p.PersonID, nil, after); err != nil {
		return err
	}
	return tx.Commit()
}
