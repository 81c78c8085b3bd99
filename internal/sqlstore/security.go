package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/wubu-oss/wubu"
)

// Timeline kinds of security contacts, as catalogue keys.
const (
	msgTimelineAlarmReminder  = "timeline:alarm.reminder"
	msgTimelineSecurityAdvice = "timeline:security.advice"
)

// SecurityService implements wubu.SecurityService: alarm reminders and
// home security advice (S5, S10) and the building one-to-one (S3).
type SecurityService struct{ db *DB }

var _ wubu.SecurityService = (*SecurityService)(nil)

// NewSecurityService returns the service over db.
func NewSecurityService(db *DB) *SecurityService { return &SecurityService{db: db} }

// AlarmOff lists households whose alarm is not on.
func (s *SecurityService) AlarmOff(ctx context.Context, projectID, buildingID int64) ([]*wubu.AlarmHousehold, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, projectID); err != nil {
		return nil, err
	}
	return s.alarmOff(ctx, projectID, buildingID)
}

func (s *SecurityService) alarmOff(ctx context.Context, projectID, buildingID int64) ([]*wubu.AlarmHousehold, error) {
	now := s.db.now()
	where, args := `h.project_id = ? AND h.move_out = '' AND h.relation IN ('owner', 'tenant') AND p.alarm_status <> 'on'`, []any{projectID}
	if buildingID != 0 {
		where, args = where+` AND r.building_id = ?`, append(args, buildingID)
	}
	rows, err := s.db.query(ctx, `SELECT h.project_id, p.id, p.name, r.id, r.label, r.floor, b.id, b.name, p.alarm_status,
		(SELECT COUNT(*) FROM security_contacts c WHERE c.project_id = h.project_id AND c.person_id = p.id AND c.kind = 'alarm_reminder'),
		(SELECT MAX(c.at) FROM security_contacts c WHERE c.project_id = h.project_id AND c.person_id = p.id AND c.kind = 'alarm_reminder')
		FROM households h
		JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id
		JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		JOIN buildings b ON b.project_id = r.project_id AND b.id = r.building_id
		WHERE `+where+` ORDER BY r.building_id, r.unit_id, r.floor, r.number, p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.AlarmHousehold
	for rows.Next() {
		a := &wubu.AlarmHousehold{}
		var last any
		if err := rows.Scan(&a.ProjectID, &a.PersonID, &a.PersonName, &a.RoomID, &a.RoomLabel, &a.Floor, &a.BuildingID, &a.BuildingName, &a.AlarmStatus, &a.Reminders, &last); err != nil {
			return nil, err
		}
		if t, ok := anyTime(last); ok {
			a.LastReminder = &t
		}
		a.ReminderDue = a.LastReminder == nil || now.Sub(*a.LastReminder) >= wubu.AlarmRemindEvery
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	sortNatural(out, func(a *wubu.AlarmHousehold) string { return a.BuildingName })
	return out, nil
}

// personProject returns the project of a person, checking the caller's
// permission there.
func (s *SecurityService) personProject(ctx context.Context, q rowQuerier, personID int64, perm wubu.Permission) (int64, *wubu.User, error) {
	var projectID int64
	err := q.QueryRowContext(ctx, s.db.rebind(`SELECT project_id FROM persons WHERE id = ?`), personID).Scan(&projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return 0, nil, err
	}
	u, err := wubu.Authorize(ctx, perm, projectID)
	return projectID, u, err
}

// recordContact writes a reminder or advice with its timeline entry.
func (s *SecurityService) recordContact(ctx context.Context, c *wubu.SecurityContact, timelineMsg, text string, switchOn bool) error {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	projectID, u, err := s.personProject(ctx, tx, c.PersonID, wubu.PermSecurityEdit)
	if err != nil {
		return err
	}
	c.ProjectID = projectID
	if c.RoomID != nil {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM households WHERE project_id = ? AND person_id = ? AND room_id = ?`, projectID, c.PersonID, *c.RoomID).Scan(&n); err != nil {
			return err
		} else if n == 0 {
			return wubu.FieldErrorf("room_id", wubu.ENOTFOUND, "This resident does not live in that room.")
		}
	}
	c.Note = strings.TrimSpace(c.Note)
	if len([]rune(c.Note)) > 500 {
		return wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 500)
	}
	topics := make([]string, len(c.Topics))
	for i, t := range c.Topics {
		topics[i] = string(t)
	}
	c.At, c.UserID, c.UserName = tx.now, &u.ID, u.Name
	c.ID, err = tx.insert(ctx, `INSERT INTO security_contacts (project_id, person_id, room_id, kind, method, topics, note, at, user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		projectID, c.PersonID, c.RoomID, c.Kind, c.Method, strings.Join(topics, ","), c.Note, tx.now, u.ID)
	if err != nil {
		return err
	}
	if switchOn {
		var before wubu.AlarmStatus
		if err := tx.queryRow(ctx, `SELECT alarm_status FROM persons WHERE project_id = ? AND id = ?`, projectID, c.PersonID).Scan(&before); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE persons SET alarm_status = ?, updated_at = ? WHERE project_id = ? AND id = ?`, wubu.AlarmOn, tx.now, projectID, c.PersonID); err != nil {
			return err
		}
		if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "person", c.PersonID, map[string]any{"alarm_status": before}, map[string]any{"alarm_status": wubu.AlarmOn}); err != nil {
			return err
		}
	}
	if err := addTimeline(ctx, tx, projectID, c.PersonID, strings.TrimPrefix(timelineMsg, "timeline:"), text); err != nil {
		return err
	}
	if err := tx.audit(ctx, projectID, wubu.ActionCreate, "security_contact", c.ID, nil, c); err != nil {
		return err
	}
	return tx.Commit()
}

// RecordReminder records an alarm reminder.
func (s *SecurityService) RecordReminder(ctx context.Context, c *wubu.SecurityContact) error {
	if !c.Method.Valid() {
		return wubu.FieldErrorf("method", wubu.EINVALID, "Say how the household was reminded: face to face or by intercom.")
	}
	c.Kind, c.Topics = wubu.ContactAlarmReminder, nil
	text := string(c.Method)
	if c.SwitchedOn {
		text += " → on"
	}
	if c.Note != "" {
		text += ": " + strings.TrimSpace(c.Note)
	}
	return s.recordContact(ctx, c, msgTimelineAlarmReminder, text, c.SwitchedOn)
}

// RecordAdvice records home security advice.
func (s *SecurityService) RecordAdvice(ctx context.Context, c *wubu.SecurityContact) error {
	if len(c.Topics) == 0 {
		return wubu.FieldErrorf("topics", wubu.EINVALID, "Choose the advice given.")
	}
	seen := map[wubu.AdviceTopic]bool{}
	var topics []wubu.AdviceTopic
	for _, t := range c.Topics {
		if !t.Valid() {
			return wubu.FieldErrorf("topics", wubu.EINVALID, "Advice %q is not valid.", string(t))
		}
		if !seen[t] {
			seen[t] = true
			topics = append(topics, t)
		}
	}
	c.Kind, c.Topics, c.Method, c.SwitchedOn = wubu.ContactAdvice, topics, "", false
	names := make([]string, len(topics))
	for i, t := range topics {
		names[i] = string(t)
	}
	text := strings.Join(names, ",")
	if c.Note != "" {
		text += ": " + strings.TrimSpace(c.Note)
	}
	return s.recordContact(ctx, c, msgTimelineSecurityAdvice, text, false)
}

// Contacts returns a person's reminders and advice, newest first.
func (s *SecurityService) Contacts(ctx context.Context, personID int64) ([]*wubu.SecurityContact, error) {
	projectID, _, err := s.personProject(ctx, s.db.reader(), personID, wubu.PermSecurityView)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT c.id, c.project_id, c.person_id, c.room_id, c.kind, c.method, c.topics, c.note, c.at, c.user_id, COALESCE(u.name, '')
		FROM security_contacts c LEFT JOIN users u ON u.id = c.user_id
		WHERE c.project_id = ? AND c.person_id = ? ORDER BY c.at DESC, c.id DESC LIMIT 100`, projectID, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.SecurityContact
	for rows.Next() {
		c := &wubu.SecurityContact{}
		var topics string
		if err := rows.Scan(&c.ID, &c.ProjectID, &c.PersonID, &c.RoomID, &c.Kind, &c.Method, &topics, &c.Note, &c.At, &c.UserID, &c.UserName); err != nil {
			return nil, err
		}
		for _, t := range strings.Split(topics, ",") {
			if t != "" {
				c.Topics = append(c.Topics, wubu.AdviceTopic(t))
			}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MyBuildings returns the buildings the caller leads, with counts of their
// open security issues.
func (s *SecurityService) MyBuildings(ctx context.Context) ([]*wubu.BuildingSummary, error) {
	u, err := wubu.Authorize(ctx, wubu.PermSecurityView, 0)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT a.project_id, b.id, b.name, pj.name,
		(SELECT COUNT(*) FROM hazards h WHERE h.project_id = a.project_id AND h.building_id = b.id AND h.state <> 'closed'),
		(SELECT COUNT(*) FROM parking_problems pp WHERE pp.project_id = a.project_id AND pp.building_id = b.id AND pp.state <> 'closed')
		FROM building_assignments a
		JOIN buildings b ON b.project_id = a.project_id AND b.id = a.building_id
		JOIN projects pj ON pj.id = a.project_id
		WHERE a.user_id = ? AND a.kind = ?`, u.ID, wubu.AssignSecurityLeader)
	if err != nil {
		return nil, err
	}
	var out []*wubu.BuildingSummary
	for rows.Next() {
		b := &wubu.BuildingSummary{}
		if err := rows.Scan(&b.ProjectID, &b.BuildingID, &b.BuildingName, &b.ProjectName, &b.OpenHazards, &b.OpenParking); err != nil {
			rows.Close()
			return nil, err
		}
		if u.Serves(b.ProjectID) {
			out = append(out, b)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, b := range out {
		off, err := s.alarmOff(ctx, b.ProjectID, b.BuildingID)
		if err != nil {
			return nil, err
		}
		b.AlarmOff = len(off)
		keys, err := s.keyCustomers(ctx, b.ProjectID, b.BuildingID)
		if err != nil {
			return nil, err
		}
		b.KeyCustomers = len(keys)
	}
	sortNatural(out, func(b *wubu.BuildingSummary) string { return b.ProjectName + " " + b.BuildingName })
	return out, nil
}

func (s *SecurityService) keyCustomers(ctx context.Context, projectID, buildingID int64) ([]*wubu.KeyCustomer, error) {
	rows, err := s.db.query(ctx, `SELECT p.id, p.name, MIN(r.label), p.importance
		FROM households h
		JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id
		JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE h.project_id = ? AND r.building_id = ? AND h.move_out = '' AND p.importance >= ?
		GROUP BY p.id, p.name, p.importance ORDER BY p.importance DESC, MIN(r.label)`, projectID, buildingID, wubu.KeyCustomerImportance)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.KeyCustomer
	for rows.Next() {
		k := &wubu.KeyCustomer{}
		if err := rows.Scan(&k.PersonID, &k.Name, &k.RoomLabel, &k.Importance); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// BuildingSecurity returns a building's security page.
func (s *SecurityService) BuildingSecurity(ctx context.Context, buildingID int64) (*wubu.BuildingSecurity, error) {
	b := &wubu.Building{}
	err := s.db.queryRow(ctx, `SELECT id, project_id, zone_id, name, created_at FROM buildings WHERE id = ?`, buildingID).
		Scan(&b.ID, &b.ProjectID, &b.ZoneID, &b.Name, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, b.ProjectID); err != nil {
		return nil, err
	}
	out := &wubu.BuildingSecurity{Building: b}
	if out.Leaders, err = s.leaders(ctx, b.ProjectID, []int64{b.ID}); err != nil {
		return nil, err
	}
	hs := &HazardService{db: s.db}
	if out.OpenHazards, _, err = hs.FindHazards(ctx, b.ProjectID, wubu.HazardFilter{Open: true, BuildingID: &b.ID, Limit: 200}); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+parkingColumns+parkingFrom+` WHERE pp.project_id = ? AND pp.building_id = ? AND pp.state <> 'closed' ORDER BY pp.reported_at DESC`, b.ProjectID, b.ID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		pp, err := scanParking(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out.OpenParking = append(out.OpenParking, pp)
	}
	rows.Close()
	if out.AlarmOff, err = s.alarmOff(ctx, b.ProjectID, b.ID); err != nil {
		return nil, err
	}
	if out.KeyCustomers, err = s.keyCustomers(ctx, b.ProjectID, b.ID); err != nil {
		return nil, err
	}
	rows, err = s.db.query(ctx, `SELECT n.id, n.project_id, n.building_id, n.kind, n.title, n.body, n.at, n.user_id, COALESCE(u.name, '')
		FROM security_archive n LEFT JOIN users u ON u.id = n.user_id
		WHERE n.project_id = ? AND n.building_id = ? ORDER BY n.at DESC, n.id DESC LIMIT 200`, b.ProjectID, b.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		n := &wubu.ArchiveNote{}
		if err := rows.Scan(&n.ID, &n.ProjectID, &n.BuildingID, &n.Kind, &n.Title, &n.Body, &n.At, &n.UserID, &n.UserName); err != nil {
			return nil, err
		}
		out.Archive = append(out.Archive, n)
	}
	return out, rows.Err()
}

// leaders returns the security leaders of buildings.
func (s *SecurityService) leaders(ctx context.Context, projectID int64, buildingIDs []int64) ([]*wubu.Assignment, error) {
	if len(buildingIDs) == 0 {
		return nil, nil
	}
	args := []any{projectID, wubu.AssignSecurityLeader}
	for _, id := range buildingIDs {
		args = append(args, id)
	}
	rows, err := s.db.query(ctx, `SELECT a.project_id, a.building_id, a.user_id, a.kind, a.created_at, b.name, u.name, u.login
		FROM building_assignments a
		JOIN buildings b ON b.project_id = a.project_id AND b.id = a.building_id
		JOIN users u ON u.id = a.user_id
		WHERE a.project_id = ? AND a.kind = ? AND a.building_id IN (`+placeholders(len(buildingIDs))+`) ORDER BY u.name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Assignment
	for rows.Next() {
		a := &wubu.Assignment{}
		if err := rows.Scan(&a.ProjectID, &a.BuildingID, &a.UserID, &a.Kind, &a.CreatedAt, &a.BuildingName, &a.UserName, &a.UserLogin); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AddArchiveNote adds to a building's archive.
func (s *SecurityService) AddArchiveNote(ctx context.Context, n *wubu.ArchiveNote) error {
	var projectID int64
	err := s.db.queryRow(ctx, `SELECT project_id FROM buildings WHERE id = ?`, n.BuildingID).Scan(&projectID)
	if errors.Is(err, sql.ErrNoRows) {
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return err
	}
	u, err := wubu.Authorize(ctx, wubu.PermSecurityEdit, projectID)
	if err != nil {
		return err
	}
	n.ProjectID = projectID
	n.Title, n.Body = strings.TrimSpace(n.Title), strings.TrimSpace(n.Body)
	switch {
	case !slices.Contains(wubu.ArchiveKinds, n.Kind):
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Archive entry kind %q is not valid.", n.Kind)
	case !wubu.ValidName(n.Title, 80):
		return wubu.FieldErrorf("title", wubu.EINVALID, "Title is required and must be at most %d characters.", 80)
	case len([]rune(n.Body)) > 5000:
		return wubu.FieldErrorf("body", wubu.EINVALID, "The text may be at most %d characters.", 5000)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	n.At, n.UserID, n.UserName = tx.now, &u.ID, u.Name
	if n.ID, err = tx.insert(ctx, `INSERT INTO security_archive (project_id, building_id, kind, title, body, at, user_id) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		projectID, n.BuildingID, n.Kind, n.Title, n.Body, tx.now, u.ID); err != nil {
		return err
	}
	if err := tx.audit(ctx, projectID, wubu.ActionCreate, "security_archive", n.ID, nil, n); err != nil {
		return err
	}
	return tx.Commit()
}

// RevisitCompanions returns the security leaders of a key customer's
// buildings.
func (s *SecurityService) RevisitCompanions(ctx context.Context, personID int64) ([]*wubu.Assignment, error) {
	projectID, _, err := s.personProject(ctx, s.db.reader(), personID, wubu.PermResidentView)
	if err != nil {
		return nil, err
	}
	var importance int
	if err := s.db.queryRow(ctx, `SELECT importance FROM persons WHERE project_id = ? AND id = ?`, projectID, personID).Scan(&importance); err != nil {
		return nil, err
	}
	if importance < wubu.KeyCustomerImportance {
		return nil, nil
	}
	rows, err := s.db.query(ctx, `SELECT DISTINCT r.building_id FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
		WHERE h.project_id = ? AND h.person_id = ? AND h.move_out = ''`, projectID, personID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	return s.leaders(ctx, projectID, ids)
}
