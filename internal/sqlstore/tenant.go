package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// TenantService implements wubu.TenantService: new tenants on their way
// from the gate to the tenant archive (S2).
type TenantService struct {
	db     *DB
	clocks wubu.ClockService
	run    *runner
}

var _ wubu.TenantService = (*TenantService)(nil)

// NewTenantService returns a tenant registration service over db; each
// step's clock is armed on clocks.
func NewTenantService(db *DB, clocks wubu.ClockService) *TenantService {
	return &TenantService{db: db, clocks: clocks, run: newRunner(db, clocks, nil)}
}

const tenantColumns = `t.id, t.project_id, t.room_id, r.label, t.name, t.phone, t.id_number, t.move_in, t.note, t.state,
	t.reported_by, COALESCE(ur.name, ''), t.reported_at, t.superior_id, COALESCE(us.name, ''),
	t.checked_by, COALESCE(uc.name, ''), t.checked_at, t.filed_by, COALESCE(uf.name, ''), t.filed_at, t.person_id,
	t.rejected_by, COALESCE(ux.name, ''), t.rejected_at, t.reason`

const tenantFrom = ` FROM tenant_registrations t JOIN rooms r ON r.project_id = t.project_id AND r.id = t.room_id
	LEFT JOIN users ur ON ur.id = t.reported_by LEFT JOIN users us ON us.id = t.superior_id LEFT JOIN users uc ON uc.id = t.checked_by
	LEFT JOIN users uf ON uf.id = t.filed_by LEFT JOIN users ux ON ux.id = t.rejected_by`

// scanTenant reads a registration of tenantColumns, opening the sealed ID
// number.
func scanTenant(db *DB, s interface{ Scan(...any) error }) (*wubu.TenantRegistration, error) {
	t := &wubu.TenantRegistration{}
	err := s.Scan(&t.ID, &t.ProjectID, &t.RoomID, &t.RoomLabel, &t.Name, &t.Phone, db.openedID(&t.IDNumber), &t.MoveIn, &t.Note, &t.State,
		&t.ReportedBy, &t.ReportedByName, &t.ReportedAt, &t.SuperiorID, &t.SuperiorName,
		&t.CheckedBy, &t.CheckedByName, &t.CheckedAt, &t.FiledBy, &t.FiledByName, &t.FiledAt, &t.PersonID,
		&t.RejectedBy, &t.RejectedByName, &t.RejectedAt, &t.Reason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Tenant registration not found.")
	}
	return t, err
}

// maskTenant hides the phone and ID number: the full values stay in the
// database and reach the registry when the registration is filed.
func maskTenant(t *wubu.TenantRegistration) *wubu.TenantRegistration {
	t.Phone = cnformat.MaskPhone(t.Phone)
	if t.IDNumber != "" {
		t.IDNumber = cnformat.MaskID(t.IDNumber)
	}
	t.Masked = true
	return t
}

func (s *TenantService) findTenant(ctx context.Context, q rowQuerier, perm wubu.Permission, id int64) (*wubu.TenantRegistration, error) {
	if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
		return nil, err
	}
	query := `SELECT ` + tenantColumns + tenantFrom + ` WHERE t.id = ?`
	t, err := scanTenant(s.db, q.QueryRowContext(ctx, s.db.rebind(query), id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, perm, t.ProjectID); wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Tenant registration not found.")
	} else if err != nil {
		return nil, err
	}
	return t, nil
}

// buildingSecurityLeader returns the security leader assigned to a room's
// building who can take the superior's steps (a team leader or above), or
// nil: the security team leaders are then the superior, so that no step
// waits for someone who cannot take it.
func buildingSecurityLeader(ctx context.Context, q rowQuerier, db *DB, projectID, roomID int64) (*int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, db.rebind(`SELECT a.user_id FROM building_assignments a JOIN rooms r ON r.project_id = a.project_id AND r.building_id = a.building_id
		JOIN users u ON u.id = a.user_id
		WHERE a.project_id = ? AND r.id = ? AND a.kind = ? AND u.disabled = ? AND u.role <> ? ORDER BY a.created_at, a.user_id LIMIT 1`),
		projectID, roomID, wubu.AssignSecurityLeader, false, wubu.RoleStaff).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &id, err
}

// RegisterTenant records a new tenant and arms the superior's clock.
func (s *TenantService) RegisterTenant(ctx context.Context, nt *wubu.NewTenant) (*wubu.TenantRegistration, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityEdit, nt.ProjectID); err != nil {
		return nil, err
	}
	name := strings.TrimSpace(nt.Name)
	if !wubu.ValidName(name, 32) {
		return nil, wubu.FieldErrorf("name", wubu.EINVALID, "Name is required and must be at most %d characters.", 32)
	}
	if strings.TrimSpace(nt.Phone) == "" {
		return nil, wubu.FieldErrorf("phone", wubu.EINVALID, "The tenant's mobile number is required.")
	}
	phone, err := cnformat.NormalizeMobile(nt.Phone)
	if err != nil {
		return nil, fieldErr("phone", err)
	}
	var idNumber string
	if strings.TrimSpace(nt.IDNumber) != "" {
		if idNumber, err = cnformat.ParseIDNumber(nt.IDNumber); err != nil {
			return nil, fieldErr("id_number", err)
		}
	}
	moveIn := strings.TrimSpace(nt.MoveIn)
	if moveIn == "" {
		return nil, wubu.FieldErrorf("move_in", wubu.EINVALID, "Move-in date is required.")
	}
	if err := validDate("move_in", moveIn); err != nil {
		return nil, err
	}
	note := strings.TrimSpace(nt.Note)
	if utf8.RuneCountInString(note) > 500 {
		return nil, wubu.FieldErrorf("note", wubu.EINVALID, "Note must be at most %d characters.", 500)
	}
	t := &wubu.TenantRegistration{ProjectID: nt.ProjectID, Name: name, Phone: phone, IDNumber: idNumber, MoveIn: moveIn, Note: note}
	_, err = runCreate(ctx, s.run, tenants, nt.ProjectID, wubu.TenantRegister, t, func(ctx context.Context, tx *Tx, t *wubu.TenantRegistration, u *wubu.User) (string, error) {
		roomID, label, err := securityRoom(ctx, tx, s.db, nt.ProjectID, nt.RoomID, nt.Room, "room")
		if err != nil {
			return "", err
		}
		superior, err := buildingSecurityLeader(ctx, tx, s.db, nt.ProjectID, roomID)
		if err != nil {
			return "", err
		}
		t.RoomID, t.RoomLabel, t.SuperiorID, t.ReportedBy, t.ReportedByName, t.ReportedAt = roomID, label, superior, u.ID, u.Name, tx.now
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindTenantByID(ctx, t.ID)
}

// tenants is how the life-cycle runner reads and writes registrations.
var tenants = &machine[*wubu.TenantRegistration]{
	lc: wubu.TenantLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.TenantRegistration, error) {
		q := `SELECT ` + tenantColumns + tenantFrom + ` WHERE t.id = ?`
		if lock {
			q += tx.db.forUpdate("t")
		}
		return scanTenant(tx.db, tx.queryRow(ctx, q, id))
	},
	facts: func(t *wubu.TenantRegistration) facts {
		return facts{ProjectID: t.ProjectID, ID: t.ID, State: string(t.State), Post: wubu.PostSecurity, SuperiorID: t.SuperiorID, ReporterID: &t.ReportedBy}
	},
	setState: func(t *wubu.TenantRegistration, s string) { t.State = wubu.TenantState(s) },
	insert: func(ctx context.Context, tx *Tx, t *wubu.TenantRegistration) (err error) {
		sealed, _, err := tx.db.sealID(t.IDNumber)
		if err != nil {
			return err
		}
		t.ID, err = tx.insert(ctx, `INSERT INTO tenant_registrations (project_id, room_id, name, phone, id_number, move_in, note, state, reported_by, reported_at, superior_id, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.ProjectID, t.RoomID, t.Name, t.Phone, sealed, t.MoveIn, t.Note, t.State, t.ReportedBy, t.ReportedAt, t.SuperiorID, tx.now)
		return err
	},
	save: func(ctx context.Context, tx *Tx, t *wubu.TenantRegistration) error {
		_, err := tx.exec(ctx, `UPDATE tenant_registrations SET state = ?, checked_by = ?, checked_at = ?, filed_by = ?, filed_at = ?, person_id = ?,
			rejected_by = ?, rejected_at = ?, reason = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			t.State, t.CheckedBy, t.CheckedAt, t.FiledBy, t.FiledAt, t.PersonID, t.RejectedBy, t.RejectedAt, t.Reason, tx.now, t.ProjectID, t.ID)
		return err
	},
	clone: func(t *wubu.TenantRegistration) *wubu.TenantRegistration { c := *t; return &c },
	// The audit log holds the phone and ID number masked.
	audit: func(t *wubu.TenantRegistration) any { c := *t; return maskTenant(&c) },
}

// tenantStep takes a step on a registration and returns it as it now is.
func (s *TenantService) tenantStep(ctx context.Context, id int64, action string, fn stepFunc[*wubu.TenantRegistration]) (*wubu.TenantRegistration, error) {
	if _, err := runStep(ctx, s.run, tenants, id, action, fn); err != nil {
		return nil, err
	}
	return s.FindTenantByID(ctx, id)
}

// CheckTenant is the superior's check.
func (s *TenantService) CheckTenant(ctx context.Context, id int64) (*wubu.TenantRegistration, error) {
	return s.tenantStep(ctx, id, wubu.TenantCheck, func(ctx context.Context, tx *Tx, t *wubu.TenantRegistration, u *wubu.User) (string, error) {
		t.CheckedBy, t.CheckedAt = actorID(u), &tx.now
		return "", nil
	})
}

// FileTenant files a checked registration into the resident registry: a
// person already in it (by ID number) gets the new home; anyone else
// becomes a new resident.
func (s *TenantService) FileTenant(ctx context.Context, id int64) (*wubu.TenantRegistration, error) {
	return s.tenantStep(ctx, id, wubu.TenantFile, func(ctx context.Context, tx *Tx, t *wubu.TenantRegistration, u *wubu.User) (string, error) {
		if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, t.ProjectID); err != nil {
			return "", err
		}
		h := &wubu.Household{ProjectID: t.ProjectID, RoomID: t.RoomID, Relation: wubu.RelationTenant, MoveIn: t.MoveIn, RoomLabel: t.RoomLabel}
		var personID int64
		if t.IDNumber != "" {
			var err error
			personID, _, err = personWithIDNumber(ctx, tx, t.ProjectID, t.IDNumber)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return "", err
			}
		}
		if personID == 0 {
			p := &wubu.Person{ProjectID: t.ProjectID, Name: t.Name, Phones: []string{t.Phone}, IDNumber: t.IDNumber, Notes: t.Note}
			if err := normalizePerson(p); err != nil {
				return "", err
			}
			p.CreatedBy = actorID(u)
			if err := createPerson(ctx, tx, p); err != nil {
				return "", err
			}
			personID = p.ID
		}
		h.PersonID, h.PersonName = personID, t.Name
		if err := addHousehold(ctx, tx, h); err != nil {
			return "", err
		}
		if err := addTimeline(ctx, tx, t.ProjectID, personID, securityTimelineKind(msgTimelineTenantFiled), fmt.Sprintf("#%d %s (%s)", id, t.RoomLabel, t.ReportedByName)); err != nil {
			return "", err
		}
		t.FiledBy, t.FiledAt, t.PersonID = actorID(u), &tx.now, &personID
		return "", nil
	})
}

// RejectTenant sends a registration back with a reason.
func (s *TenantService) RejectTenant(ctx context.Context, id int64, reason string) (*wubu.TenantRegistration, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, wubu.FieldErrorf("reason", wubu.EINVALID, "Give the reason for sending it back (at most %d characters).", 500)
	}
	return s.tenantStep(ctx, id, wubu.TenantReject, func(ctx context.Context, tx *Tx, t *wubu.TenantRegistration, u *wubu.User) (string, error) {
		t.RejectedBy, t.RejectedAt, t.Reason = actorID(u), &tx.now, reason
		return reason, nil
	})
}

// FindTenantByID returns a registration with its running step's clock.
func (s *TenantService) FindTenantByID(ctx context.Context, id int64) (*wubu.TenantRegistration, error) {
	t, err := s.findTenant(ctx, s.db.read, wubu.PermSecurityView, id)
	if err != nil {
		return nil, err
	}
	maskTenant(t)
	step := map[wubu.TenantState]string{wubu.TenantSubmitted: "check", wubu.TenantChecked: "file"}[t.State]
	if step != "" {
		if d, err := s.clocks.FindDeadline(ctx, wubu.TenantLifecycle.ClockKey(t.ProjectID, id, step)); err == nil {
			t.Deadline = d
		} else if wubu.ErrorCode(err) != wubu.ENOTFOUND {
			return nil, err
		}
	}
	return t, nil
}

// FindTenants lists a project's registrations, newest first.
func (s *TenantService) FindTenants(ctx context.Context, f wubu.TenantFilter) ([]*wubu.TenantRegistration, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, f.ProjectID); err != nil {
		return nil, 0, err
	}
	where, args := []string{"t.project_id = ?"}, []any{f.ProjectID}
	if f.State != nil {
		where, args = append(where, "t.state = ?"), append(args, *f.State)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rows, err := s.db.query(ctx, `SELECT `+tenantColumns+`, COUNT(*) OVER()`+tenantFrom+` WHERE `+strings.Join(where, " AND ")+`
		ORDER BY t.reported_at DESC, t.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out, total := []*wubu.TenantRegistration{}, 0
	for rows.Next() {
		t, err := scanTenant(s.db, scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &total)...) }))
		if err != nil {
			return nil, 0, err
		}
		out = append(out, maskTenant(t))
	}
	return out, total, rows.Err()
}
