package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
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
}

var _ wubu.TenantService = (*TenantService)(nil)

// NewTenantService returns a tenant registration service over db; each
// step's clock is armed on clocks.
func NewTenantService(db *DB, clocks wubu.ClockService) *TenantService {
	return &TenantService{db: db, clocks: clocks}
}

// tenantKey is the deadline key of a registration's step ("check", "file").
func tenantKey(projectID, id int64, step string) wubu.DeadlineKey {
	return wubu.DeadlineKey{ProjectID: projectID, ObjectType: "tenant_registration", ObjectID: strconv.FormatInt(id, 10), Kind: step}
}

const tenantColumns = `t.id, t.project_id, t.room_id, r.label, t.name, t.phone, t.id_number, t.move_in, t.note, t.state,
	t.reported_by, COALESCE(ur.name, ''), t.reported_at, t.superior_id, COALESCE(us.name, ''),
	t.checked_by, COALESCE(uc.name, ''), t.checked_at, t.filed_by, COALESCE(uf.name, ''), t.filed_at, t.person_id,
	t.rejected_by, COALESCE(ux.name, ''), t.rejected_at, t.reason`

const tenantFrom = ` FROM tenant_registrations t JOIN rooms r ON r.project_id = t.project_id AND r.id = t.room_id
	LEFT JOIN users ur ON ur.id = t.reported_by LEFT JOIN users us ON us.id = t.superior_id LEFT JOIN users uc ON uc.id = t.checked_by
	LEFT JOIN users uf ON uf.id = t.filed_by LEFT JOIN users ux ON ux.id = t.rejected_by`

func scanTenant(s interface{ Scan(...any) error }) (*wubu.TenantRegistration, error) {
	t := &wubu.TenantRegistration{}
	err := s.Scan(&t.ID, &t.ProjectID, &t.RoomID, &t.RoomLabel, &t.Name, &t.Phone, &t.IDNumber, &t.MoveIn, &t.Note, &t.State,
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

func (s *TenantService) findTenant(ctx context.Context, q rowQuerier, perm wubu.Permission, id int64, lock bool) (*wubu.TenantRegistration, error) {
	if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
		return nil, err
	}
	query := `SELECT ` + tenantColumns + tenantFrom + ` WHERE t.id = ?`
	if lock && s.db.Dialect == Postgres {
		query += ` FOR UPDATE OF t`
	}
	t, err := scanTenant(q.QueryRowContext(ctx, s.db.rebind(query), id))
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

// securityLeader returns the security leader assigned to a room's building,
// or nil.
func buildingSecurityLeader(ctx context.Context, q rowQuerier, db *DB, projectID, roomID int64) (*int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, db.rebind(`SELECT a.user_id FROM building_assignments a JOIN rooms r ON r.project_id = a.project_id AND r.building_id = a.building_id
		JOIN users u ON u.id = a.user_id
		WHERE a.project_id = ? AND r.id = ? AND a.kind = ? AND u.disabled = ? ORDER BY a.created_at, a.user_id LIMIT 1`),
		projectID, roomID, wubu.AssignSecurityLeader, false).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &id, err
}

// superiorNotify names whom a step alerts: the superior, else the team
// leaders of the project.
func securityNotifyTarget(superior *int64) string {
	if superior != nil {
		return "user:" + strconv.FormatInt(*superior, 10)
	}
	return "role:" + string(wubu.RoleTeamLeader)
}

// RegisterTenant records a new tenant and arms the superior's clock.
func (s *TenantService) RegisterTenant(ctx context.Context, nt *wubu.NewTenant) (*wubu.TenantRegistration, error) {
	u, err := wubu.Authorize(ctx, wubu.PermSecurityEdit, nt.ProjectID)
	if err != nil {
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
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	roomID, _, err := securityRoom(ctx, tx, s.db, nt.ProjectID, nt.RoomID, nt.Room, "room")
	if err != nil {
		return nil, err
	}
	superior, err := buildingSecurityLeader(ctx, tx, s.db, nt.ProjectID, roomID)
	if err != nil {
		return nil, err
	}
	id, err := tx.insert(ctx, `INSERT INTO tenant_registrations (project_id, room_id, name, phone, id_number, move_in, note, state, reported_by, reported_at, superior_id, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, nt.ProjectID, roomID, name, phone, idNumber, moveIn, note, wubu.TenantSubmitted, u.ID, tx.now, superior, tx.now)
	if err != nil {
		return nil, err
	}
	t, err := s.findTenant(ctx, tx, wubu.PermSecurityEdit, id, false)
	if err != nil {
		return nil, err
	}
	maskTenant(t)
	if err := tx.audit(ctx, t.ProjectID, wubu.ActionCreate, "tenant_registration", id, nil, t); err != nil {
		return nil, err
	}
	// The superior checks within 4 hours, warned an hour before; a stalled
	// check alerts the duty manager, then the manager.
	who := securityNotifyTarget(superior)
	ds, err := commitClocks(ctx, tx, s.clocks, armClock(wubu.ArmRequest{DeadlineKey: tenantKey(t.ProjectID, id, "check"), After: wubu.TenantCheckWithin, WarnBefore: wubu.TenantCheckWithin / 4,
		WarnNotify: []string{who}, BreachNotify: []string{who, "role:" + string(wubu.RoleDutyManager)},
		Escalation: []wubu.EscalationStep{{After: wubu.TenantCheckWithin, Notify: "role:" + string(wubu.RoleManager)}}}))
	if err != nil {
		return nil, err
	}
	t.Deadline = ds[0]
	return t, nil
}

// CheckTenant is the superior's check.
func (s *TenantService) CheckTenant(ctx context.Context, id int64) (*wubu.TenantRegistration, error) {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t, err := s.findTenant(ctx, tx, wubu.PermPassConfirm, id, true)
	if err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	if u.Role == wubu.RoleStaff {
		return nil, wubu.Errorf(wubu.EFORBIDDEN, "The guard's superior checks a new tenant: a team leader or above.")
	}
	if t.State != wubu.TenantSubmitted {
		return nil, tenantStateErr(t)
	}
	before := *t
	maskTenant(&before)
	if _, err := tx.exec(ctx, `UPDATE tenant_registrations SET state = ?, checked_by = ?, checked_at = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
		wubu.TenantChecked, actorID(u), tx.now, tx.now, t.ProjectID, id); err != nil {
		return nil, err
	}
	// The check's clock stops, and the service assistant files it within a
	// working day.
	return s.commitStep(ctx, tx, &before, stopClock(tenantKey(t.ProjectID, id, "check")),
		armClock(wubu.ArmRequest{DeadlineKey: tenantKey(t.ProjectID, id, "file"), WorkingDays: wubu.TenantFileDays,
			BreachNotify: []string{"role:" + string(wubu.RoleDutyManager)},
			Escalation:   []wubu.EscalationStep{{After: wubu.TenantCheckWithin, Notify: "role:" + string(wubu.RoleManager)}}}))
}

// tenantStateErr explains why a registration cannot take the step asked.
func tenantStateErr(t *wubu.TenantRegistration) error {
	switch t.State {
	case wubu.TenantSubmitted:
		return wubu.Errorf(wubu.ECONFLICT, "This registration has not been checked by the superior yet.")
	case wubu.TenantChecked:
		return wubu.Errorf(wubu.ECONFLICT, "This registration was checked already and waits to be filed.")
	case wubu.TenantFiled:
		return wubu.Errorf(wubu.ECONFLICT, "This tenant was filed into the archive already.")
	}
	return wubu.Errorf(wubu.ECONFLICT, "This registration was rejected.")
}

// FileTenant files a checked registration into the resident registry.
func (s *TenantService) FileTenant(ctx context.Context, id int64) (*wubu.TenantRegistration, error) {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t, err := s.findTenant(ctx, tx, wubu.PermPassConfirm, id, true)
	if err != nil {
		return nil, err
	}
	u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, t.ProjectID)
	if err != nil {
		return nil, err
	}
	if t.State != wubu.TenantChecked {
		return nil, tenantStateErr(t)
	}
	before := *t
	maskTenant(&before)
	h := &wubu.Household{ProjectID: t.ProjectID, RoomID: t.RoomID, Relation: wubu.RelationTenant, MoveIn: t.MoveIn, RoomLabel: t.RoomLabel}
	// A person already in the registry (by ID number) gets the new home;
	// anyone else becomes a new resident.
	var personID int64
	if t.IDNumber != "" {
		err := tx.queryRow(ctx, `SELECT id FROM persons WHERE project_id = ? AND id_number = ? ORDER BY id LIMIT 1`, t.ProjectID, t.IDNumber).Scan(&personID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
	}
	if personID == 0 {
		p := &wubu.Person{ProjectID: t.ProjectID, Name: t.Name, Phones: []string{t.Phone}, IDNumber: t.IDNumber, Notes: t.Note}
		if err := normalizePerson(p); err != nil {
			return nil, err
		}
		p.CreatedBy = actorID(u)
		if err := createPerson(ctx, tx, p); err != nil {
			return nil, err
		}
		personID = p.ID
	}
	h.PersonID, h.PersonName = personID, t.Name
	if err := addHousehold(ctx, tx, h); err != nil {
		return nil, err
	}
	if err := addTimeline(ctx, tx, t.ProjectID, personID, securityTimelineKind(msgTimelineTenantFiled), fmt.Sprintf("#%d %s (%s)", id, t.RoomLabel, t.ReportedByName)); err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE tenant_registrations SET state = ?, filed_by = ?, filed_at = ?, person_id = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
		wubu.TenantFiled, actorID(u), tx.now, personID, tx.now, t.ProjectID, id); err != nil {
		return nil, err
	}
	return s.commitStep(ctx, tx, &before, stopClock(tenantKey(t.ProjectID, id, "file")))
}

// RejectTenant sends a registration back with a reason.
func (s *TenantService) RejectTenant(ctx context.Context, id int64, reason string) (*wubu.TenantRegistration, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, wubu.FieldErrorf("reason", wubu.EINVALID, "Give the reason for sending it back (at most %d characters).", 500)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	t, err := s.findTenant(ctx, tx, wubu.PermPassConfirm, id, true)
	if err != nil {
		return nil, err
	}
	if t.State != wubu.TenantSubmitted && t.State != wubu.TenantChecked {
		return nil, tenantStateErr(t)
	}
	step := "check"
	if t.State == wubu.TenantChecked {
		step = "file"
	}
	before := *t
	maskTenant(&before)
	u := wubu.UserFromContext(ctx)
	if _, err := tx.exec(ctx, `UPDATE tenant_registrations SET state = ?, rejected_by = ?, rejected_at = ?, reason = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
		wubu.TenantRejected, actorID(u), tx.now, reason, tx.now, t.ProjectID, id); err != nil {
		return nil, err
	}
	return s.commitStep(ctx, tx, &before, cancelClock(tenantKey(t.ProjectID, id, step)))
}

// commitStep ends a step on a registration, given masked as it was before:
// it reads the registration back, audits the change and commits it with
// the clocks' changes; the registration carries the deadline the last of
// them left.
func (s *TenantService) commitStep(ctx context.Context, tx *Tx, before *wubu.TenantRegistration, clock ...clockChange) (*wubu.TenantRegistration, error) {
	after, err := s.findTenant(ctx, tx, wubu.PermPassConfirm, before.ID, false)
	if err != nil {
		return nil, err
	}
	maskTenant(after)
	if err := tx.audit(ctx, before.ProjectID, wubu.ActionUpdate, "tenant_registration", before.ID, before, after); err != nil {
		return nil, err
	}
	ds, err := commitClocks(ctx, tx, s.clocks, clock...)
	if err != nil {
		return nil, err
	}
	after.Deadline = ds[len(ds)-1]
	return after, nil
}

// FindTenantByID returns a registration with its running step's clock.
func (s *TenantService) FindTenantByID(ctx context.Context, id int64) (*wubu.TenantRegistration, error) {
	t, err := s.findTenant(ctx, s.db.read, wubu.PermSecurityView, id, false)
	if err != nil {
		return nil, err
	}
	maskTenant(t)
	step := map[wubu.TenantState]string{wubu.TenantSubmitted: "check", wubu.TenantChecked: "file"}[t.State]
	if step != "" {
		if d, err := s.clocks.FindDeadline(ctx, tenantKey(t.ProjectID, id, step)); err == nil {
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
		t, err := scanTenant(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &total)...) }))
		if err != nil {
			return nil, 0, err
		}
		out = append(out, maskTenant(t))
	}
	return out, total, rows.Err()
}
