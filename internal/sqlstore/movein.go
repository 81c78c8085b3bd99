package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// MoveInService implements wubu.MoveInService: move-ins by zone (K7), each
// accompanied by its zone's assistant through the project's checklist; the
// completion records the household and plans the welcome visit.
type MoveInService struct {
	db  *DB
	run *runner
}

var _ wubu.MoveInService = (*MoveInService)(nil)

// NewMoveInService returns the move-in service over db; the stall clocks
// and the welcome visits' clocks run on clocks.
func NewMoveInService(db *DB, clocks wubu.ClockService) *MoveInService {
	return &MoveInService{db: db, run: newRunner(db, clocks, nil)}
}

const moveInColumns = `m.id, m.project_id, m.room_id, r.label, m.building_id, m.zone_id, COALESCE(z.name, ''), m.assistant_id, COALESCE(a.name, ''),
	m.name, m.phone, m.relation, m.members, m.move_in_on, m.source, m.source_ref, m.state, m.started_by, m.started_at, m.due_at, m.completed_at,
	m.person_id, m.visit_id,
	(SELECT COUNT(*) FROM move_in_items i WHERE i.project_id = m.project_id AND i.archived = ?)`

const moveInFrom = ` FROM move_ins m
	JOIN rooms r ON r.project_id = m.project_id AND r.id = m.room_id
	LEFT JOIN zones z ON z.project_id = m.project_id AND z.id = m.zone_id
	LEFT JOIN users a ON a.id = m.assistant_id`

func scanMoveIn(s interface{ Scan(...any) error }, now time.Time) (*wubu.MoveIn, error) {
	m := &wubu.MoveIn{Checks: []wubu.MoveInCheck{}}
	var members string
	err := s.Scan(&m.ID, &m.ProjectID, &m.RoomID, &m.Room, &m.BuildingID, &m.ZoneID, &m.ZoneName, &m.AssistantID, &m.AssistantName,
		&m.Name, &m.Phone, &m.Relation, &members, &m.MoveInOn, &m.Source, &m.SourceRef, &m.State, &m.StartedBy, &m.StartedAt, &m.DueAt, &m.CompletedAt,
		&m.PersonID, &m.VisitID, &m.Items)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Move-in not found.")
	} else if err != nil {
		return nil, err
	}
	m.Members = splitChoices(members)
	m.Stalled = m.State == wubu.MoveInOpen && m.DueAt != nil && now.After(*m.DueAt)
	return m, nil
}

// moveInChecks reads a move-in's ticked items, in the checklist's order.
func moveInChecks(ctx context.Context, q dbOrTx, m *wubu.MoveIn) error {
	rows, err := q.query(ctx, `SELECT c.item_id, i.label, c.note, u.name, c.done_at FROM move_in_checks c
		JOIN move_in_items i ON i.project_id = c.project_id AND i.id = c.item_id JOIN users u ON u.id = c.done_by
		WHERE c.project_id = ? AND c.move_in_id = ? ORDER BY i.position, i.id`, m.ProjectID, m.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	m.Checks = []wubu.MoveInCheck{}
	for rows.Next() {
		var c wubu.MoveInCheck
		if err := rows.Scan(&c.ItemID, &c.Label, &c.Note, &c.DoneBy, &c.DoneAt); err != nil {
			return err
		}
		m.Checks = append(m.Checks, c)
	}
	return rows.Err()
}

// moveIns is how the life-cycle runner reads and writes move-ins.
var moveIns = &machine[*wubu.MoveIn]{
	lc: wubu.MoveInLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.MoveIn, error) {
		q := `SELECT ` + moveInColumns + moveInFrom + ` WHERE m.id = ?`
		if lock {
			q += tx.db.forUpdate("m")
		}
		m, err := scanMoveIn(tx.queryRow(ctx, q, false, id), tx.now)
		if err != nil {
			return nil, err
		}
		return m, moveInChecks(ctx, tx, m)
	},
	facts: func(m *wubu.MoveIn) facts {
		return facts{ProjectID: m.ProjectID, ID: m.ID, State: string(m.State), Post: wubu.PostService, AssigneeID: m.AssistantID,
			AssigneeName: m.AssistantName, ReporterID: &m.StartedBy, PersonID: m.PersonID, Due: m.DueAt}
	},
	setState: func(m *wubu.MoveIn, s string) { m.State = wubu.MoveInState(s) },
	insert: func(ctx context.Context, tx *Tx, m *wubu.MoveIn) (err error) {
		m.ID, err = tx.insert(ctx, `INSERT INTO move_ins (project_id, room_id, building_id, zone_id, assistant_id, name, phone, relation, members, move_in_on,
			source, source_ref, state, started_by, started_at, due_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			m.ProjectID, m.RoomID, m.BuildingID, m.ZoneID, m.AssistantID, m.Name, m.Phone, m.Relation, strings.Join(m.Members, choiceSep), m.MoveInOn,
			m.Source, m.SourceRef, m.State, m.StartedBy, m.StartedAt, m.DueAt, tx.now)
		return err
	},
	save: func(ctx context.Context, tx *Tx, m *wubu.MoveIn) error {
		_, err := tx.exec(ctx, `UPDATE move_ins SET state = ?, due_at = ?, completed_at = ?, person_id = ?, visit_id = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			m.State, m.DueAt, m.CompletedAt, m.PersonID, m.VisitID, tx.now, m.ProjectID, m.ID)
		return err
	},
	clone: func(m *wubu.MoveIn) *wubu.MoveIn { c := *m; c.Checks = slices.Clone(m.Checks); return &c },
	audit: func(m *wubu.MoveIn) any {
		ticked := make([]int64, len(m.Checks))
		for i, c := range m.Checks {
			ticked[i] = c.ItemID
		}
		return map[string]any{"state": m.State, "room_id": m.RoomID, "name": m.Name, "phone": cnformat.MaskPhone(m.Phone), "relation": m.Relation,
			"move_in_on": m.MoveInOn, "assistant_id": m.AssistantID, "ticked": ticked, "person_id": m.PersonID, "visit_id": m.VisitID}
	},
	timeline: func(m *wubu.MoveIn, action string) (string, string) {
		if action == wubu.MoveInComplete {
			return "move_in", m.Room + " " + m.MoveInOn
		}
		return "", ""
	},
}

// MoveInChecklist returns a project's checklist.
func (s *MoveInService) MoveInChecklist(ctx context.Context, projectID int64) ([]wubu.MoveInItem, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	items, err := checklist(ctx, s.db, projectID)
	if err != nil || len(items) > 0 {
		return items, err
	}
	// None yet: the default one, written on first use.
	if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, projectID); err != nil {
		out := make([]wubu.MoveInItem, len(wubu.DefaultMoveInChecklist))
		for i, l := range wubu.DefaultMoveInChecklist {
			out[i] = wubu.MoveInItem{Label: l}
		}
		return out, nil
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if items, err = ensureChecklist(ctx, tx, projectID); err != nil {
		return nil, err
	}
	return items, tx.Commit()
}

// checklist reads a project's current checklist.
func checklist(ctx context.Context, q dbOrTx, projectID int64) ([]wubu.MoveInItem, error) {
	rows, err := q.query(ctx, `SELECT id, label FROM move_in_items WHERE project_id = ? AND archived = ? ORDER BY position, id`, projectID, false)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []wubu.MoveInItem{}
	for rows.Next() {
		var it wubu.MoveInItem
		if err := rows.Scan(&it.ID, &it.Label); err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// ensureChecklist writes the default checklist of a project that has none
// (ever) and returns the current one.
func ensureChecklist(ctx context.Context, tx *Tx, projectID int64) ([]wubu.MoveInItem, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM move_in_items WHERE project_id = ?`, projectID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		for i, l := range wubu.DefaultMoveInChecklist {
			if _, err := tx.exec(ctx, `INSERT INTO move_in_items (project_id, position, label, archived) VALUES (?, ?, ?, ?)`, projectID, i, l, false); err != nil {
				return nil, err
			}
		}
	}
	return checklist(ctx, tx, projectID)
}

// SetMoveInChecklist replaces a project's checklist.
func (s *MoveInService) SetMoveInChecklist(ctx context.Context, projectID int64, labels []string) ([]wubu.MoveInItem, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, projectID); err != nil {
		return nil, err
	}
	var clean []string
	for _, l := range labels {
		l = strings.TrimSpace(l)
		if l == "" || slices.Contains(clean, l) {
			continue
		}
		if utf8.RuneCountInString(l) > 60 {
			return nil, wubu.FieldErrorf("items", wubu.EINVALID, "A checklist item may be at most %d characters.", 60)
		}
		clean = append(clean, l)
	}
	if len(clean) == 0 || len(clean) > 40 {
		return nil, wubu.FieldErrorf("items", wubu.EINVALID, "The checklist needs 1 to %d items.", 40)
	}
	if err := rulesProjectExists(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	before, err := checklist(ctx, tx, projectID)
	if err != nil {
		return nil, err
	}
	// Every item ever, by label: a label kept or brought back keeps its item.
	rows, err := tx.query(ctx, `SELECT id, label FROM move_in_items WHERE project_id = ?`, projectID)
	if err != nil {
		return nil, err
	}
	ids := map[string]int64{}
	for rows.Next() {
		var id int64
		var l string
		if err := rows.Scan(&id, &l); err != nil {
			rows.Close()
			return nil, err
		}
		ids[l] = id
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE move_in_items SET archived = ? WHERE project_id = ?`, true, projectID); err != nil {
		return nil, err
	}
	for i, l := range clean {
		if id, ok := ids[l]; ok {
			_, err = tx.exec(ctx, `UPDATE move_in_items SET archived = ?, position = ? WHERE project_id = ? AND id = ?`, false, i, projectID, id)
		} else {
			_, err = tx.exec(ctx, `INSERT INTO move_in_items (project_id, position, label, archived) VALUES (?, ?, ?, ?)`, projectID, i, l, false)
		}
		if err != nil {
			return nil, err
		}
	}
	after, err := checklist(ctx, tx, projectID)
	if err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "move_in_checklist", projectID, before, after); err != nil {
		return nil, err
	}
	return after, tx.Commit()
}

// StartMoveIn starts a household's move-in.
func (s *MoveInService) StartMoveIn(ctx context.Context, m *wubu.MoveIn) error {
	m.Name, m.Phone = strings.TrimSpace(m.Name), strings.TrimSpace(m.Phone)
	if m.Relation == "" {
		m.Relation = wubu.RelationOwner
	}
	if m.Source == "" {
		m.Source = wubu.MoveInFromDesk
	}
	var members []string
	for _, n := range m.Members {
		if n = strings.TrimSpace(n); n != "" && !slices.Contains(members, n) {
			members = append(members, n)
		}
	}
	m.Members = members
	switch {
	case m.Name == "" || utf8.RuneCountInString(m.Name) > 32:
		return wubu.FieldErrorf("name", wubu.EINVALID, "Name is required and must be at most %d characters.", 32)
	case m.Relation != wubu.RelationOwner && m.Relation != wubu.RelationTenant:
		return wubu.FieldErrorf("relation", wubu.EINVALID, "The person moving in is an owner or a tenant.")
	case m.Source != wubu.MoveInFromDesk && m.Source != wubu.MoveInFromProspect:
		return wubu.FieldErrorf("source", wubu.EINVALID, "Move-in source %q is not valid.", m.Source)
	case len(m.Members) > 10:
		return wubu.FieldErrorf("members", wubu.EINVALID, "At most %d household members.", 10)
	}
	for _, n := range m.Members {
		if utf8.RuneCountInString(n) > 32 {
			return wubu.FieldErrorf("members", wubu.EINVALID, "Name is required and must be at most %d characters.", 32)
		}
	}
	if m.Phone != "" {
		// The phone as the registry will take it.
		p := &wubu.Person{ProjectID: m.ProjectID, Name: m.Name, Phones: []string{m.Phone}}
		if err := normalizePerson(p); err != nil {
			return err
		}
		m.Phone = p.Phones[0]
	}
	if m.MoveInOn == "" {
		m.MoveInOn = s.db.now().In(cst).Format(time.DateOnly)
	}
	if err := validDate("move_in_on", m.MoveInOn); err != nil {
		return err
	}
	_, err := runCreate(ctx, s.run, moveIns, m.ProjectID, wubu.MoveInStart, m, func(ctx context.Context, tx *Tx, m *wubu.MoveIn, u *wubu.User) (string, error) {
		err := tx.queryRow(ctx, `SELECT r.label, r.building_id, b.zone_id FROM rooms r JOIN buildings b ON b.project_id = r.project_id AND b.id = r.building_id
			WHERE r.project_id = ? AND r.id = ?`, m.ProjectID, m.RoomID).Scan(&m.Room, &m.BuildingID, &m.ZoneID)
		if errors.Is(err, sql.ErrNoRows) {
			return "", wubu.FieldErrorf("room_id", wubu.ENOTFOUND, "Room not found.")
		} else if err != nil {
			return "", err
		}
		var open int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM move_ins WHERE project_id = ? AND room_id = ? AND state = ?`, m.ProjectID, m.RoomID, wubu.MoveInOpen).Scan(&open); err != nil {
			return "", err
		}
		if open > 0 {
			return "", wubu.FieldErrorf("room_id", wubu.ECONFLICT, "Room %s has a move-in in progress already.", m.Room)
		}
		if _, err := ensureChecklist(ctx, tx, m.ProjectID); err != nil {
			return "", err
		}
		// The zone's assistant accompanies the move-in; else its starter.
		assistant, err := zoneAssistantOnly(ctx, tx, m.ProjectID, m.BuildingID)
		if err != nil {
			return "", err
		}
		if assistant == nil {
			assistant = &u.ID
		}
		st, err := visitSettings(ctx, tx, m.ProjectID)
		if err != nil {
			return "", err
		}
		due := tx.now.Add(time.Duration(st.MoveInStallDays) * 24 * time.Hour)
		m.AssistantID, m.StartedBy, m.StartedAt, m.DueAt = assistant, u.ID, tx.now, &due
		return m.Room, nil
	})
	return err
}

// zoneAssistantOnly returns the zone assistant of a building (the first
// by ID), nil when it has none.
func zoneAssistantOnly(ctx context.Context, tx *Tx, projectID, buildingID int64) (*int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT ba.user_id FROM building_assignments ba JOIN users u ON u.id = ba.user_id
		WHERE ba.project_id = ? AND ba.building_id = ? AND ba.kind = ? AND u.disabled = `+rulesFalse(tx.db)+` ORDER BY ba.user_id LIMIT 1`,
		projectID, buildingID, string(wubu.AssignZoneAssistant)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &id, nil
}

// CheckMoveIn ticks or unticks an item and rearms the stall clock.
func (s *MoveInService) CheckMoveIn(ctx context.Context, id, itemID int64, done bool, note string) (*wubu.MoveIn, error) {
	note = strings.TrimSpace(note)
	m, err := runStep(ctx, s.run, moveIns, id, wubu.MoveInTick, func(ctx context.Context, tx *Tx, m *wubu.MoveIn, u *wubu.User) (string, error) {
		if utf8.RuneCountInString(note) > 200 {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 200)
		}
		var label string
		err := tx.queryRow(ctx, `SELECT label FROM move_in_items WHERE project_id = ? AND id = ? AND archived = ?`, m.ProjectID, itemID, false).Scan(&label)
		if errors.Is(err, sql.ErrNoRows) {
			return "", wubu.FieldErrorf("item_id", wubu.EINVALID, "This item is not on the project's move-in checklist.")
		} else if err != nil {
			return "", err
		}
		if _, err := tx.exec(ctx, `DELETE FROM move_in_checks WHERE project_id = ? AND move_in_id = ? AND item_id = ?`, m.ProjectID, m.ID, itemID); err != nil {
			return "", err
		}
		if done {
			if _, err := tx.exec(ctx, `INSERT INTO move_in_checks (project_id, move_in_id, item_id, note, done_by, done_at) VALUES (?, ?, ?, ?, ?, ?)`,
				m.ProjectID, m.ID, itemID, note, u.ID, tx.now); err != nil {
				return "", err
			}
		}
		// Progress rearms the stall clock.
		st, err := visitSettings(ctx, tx, m.ProjectID)
		if err != nil {
			return "", err
		}
		due := tx.now.Add(time.Duration(st.MoveInStallDays) * 24 * time.Hour)
		m.DueAt = &due
		if err := moveInChecks(ctx, tx, m); err != nil {
			return "", err
		}
		if !done {
			return "× " + label, nil
		}
		return "✓ " + label, nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindMoveIn(ctx, m.ID)
}

// CompleteMoveIn records the household and plans the welcome visit.
func (s *MoveInService) CompleteMoveIn(ctx context.Context, id int64) (*wubu.MoveIn, error) {
	_, err := runStep(ctx, s.run, moveIns, id, wubu.MoveInComplete, func(ctx context.Context, tx *Tx, m *wubu.MoveIn, u *wubu.User) (string, error) {
		items, err := checklist(ctx, tx, m.ProjectID)
		if err != nil {
			return "", err
		}
		for _, it := range items {
			if !slices.ContainsFunc(m.Checks, func(c wubu.MoveInCheck) bool { return c.ItemID == it.ID }) {
				return "", wubu.FieldErrorf("items", wubu.EINVALID, "Tick %q before completing the move-in.", it.Label)
			}
		}
		// The household: the person, then the members, in the room.
		p, err := moveInPerson(ctx, tx, m, m.Name, m.Phone, m.Relation, u)
		if err != nil {
			return "", err
		}
		for _, n := range m.Members {
			if _, err := moveInPerson(ctx, tx, m, n, "", wubu.RelationFamily, u); err != nil {
				return "", err
			}
		}
		done := tx.now
		m.PersonID, m.CompletedAt, m.DueAt = &p.ID, &done, nil
		// The welcome visit, due within the project's days, for the
		// assistant who accompanied the move-in.
		st, err := visitSettings(ctx, tx, m.ProjectID)
		if err != nil {
			return "", err
		}
		assistant := u.ID
		if m.AssistantID != nil {
			assistant = *m.AssistantID
		}
		v := &wubu.Revisit{ProjectID: m.ProjectID, PersonID: p.ID, PersonName: p.Name, Kind: wubu.VisitWelcome, AssistantID: assistant,
			DueAt: tx.now.Add(time.Duration(st.WelcomeDays) * 24 * time.Hour), Purpose: "入伙欢迎拜访 " + m.Room}
		if err := planVisit(ctx, s.run, tx, v); err != nil {
			return "", err
		}
		m.VisitID = &v.ID
		// A buyer from the sales office's list leaves it.
		if err := prospectMovedIn(ctx, tx, m); err != nil {
			return "", err
		}
		return m.Room, nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindMoveIn(ctx, id)
}

// moveInPerson records a person of a completed move-in in its room.
func moveInPerson(ctx context.Context, tx *Tx, m *wubu.MoveIn, name, phone string, rel wubu.Relation, u *wubu.User) (*wubu.Person, error) {
	p := &wubu.Person{ProjectID: m.ProjectID, Name: name, CreatedBy: &u.ID}
	if phone != "" {
		p.Phones = []string{phone}
	}
	if err := normalizePerson(p); err != nil {
		return nil, err
	}
	if err := checkNotResident(ctx, tx, p, m.RoomID, m.Room); err != nil {
		return nil, err
	}
	if err := createPerson(ctx, tx, p); err != nil {
		return nil, err
	}
	h := &wubu.Household{ProjectID: m.ProjectID, RoomID: m.RoomID, RoomLabel: m.Room, PersonID: p.ID, PersonName: p.Name, Relation: rel, MoveIn: m.MoveInOn}
	return p, addHousehold(ctx, tx, h)
}

// CancelMoveIn cancels an open move-in.
func (s *MoveInService) CancelMoveIn(ctx context.Context, id int64, reason string) (*wubu.MoveIn, error) {
	reason = strings.TrimSpace(reason)
	_, err := runStep(ctx, s.run, moveIns, id, wubu.MoveInCancel, func(ctx context.Context, tx *Tx, m *wubu.MoveIn, u *wubu.User) (string, error) {
		if reason == "" || utf8.RuneCountInString(reason) > 200 {
			return "", wubu.FieldErrorf("reason", wubu.EINVALID, "Say why the move-in is cancelled (at most %d characters).", 200)
		}
		m.DueAt = nil
		return reason, nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindMoveIn(ctx, id)
}

// FindMoveIn returns a move-in with its ticked items.
func (s *MoveInService) FindMoveIn(ctx context.Context, id int64) (*wubu.MoveIn, error) {
	m, err := scanMoveIn(s.db.queryRow(ctx, `SELECT `+moveInColumns+moveInFrom+` WHERE m.id = ?`, false, id), s.db.now())
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, m.ProjectID); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Move-in not found.")
		}
		return nil, err
	}
	return m, moveInChecks(ctx, s.db, m)
}

// FindMoveIns lists a project's move-ins: open ones first, the stalled
// and soonest stalling first, then the newest.
func (s *MoveInService) FindMoveIns(ctx context.Context, projectID int64, f wubu.MoveInFilter) ([]*wubu.MoveIn, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	now := s.db.now()
	where, args := []string{"m.project_id = ?"}, []any{false, projectID}
	if f.State != "" {
		where, args = append(where, "m.state = ?"), append(args, f.State)
	}
	if f.ZoneID != nil {
		where, args = append(where, "m.zone_id = ?"), append(args, *f.ZoneID)
	}
	if f.AssistantID != nil {
		where, args = append(where, "m.assistant_id = ?"), append(args, *f.AssistantID)
	}
	if f.Stalled {
		where, args = append(where, "m.state = ? AND m.due_at < ?"), append(args, wubu.MoveInOpen, now)
	}
	rows, err := s.db.query(ctx, `SELECT `+moveInColumns+`, (SELECT COUNT(*) FROM move_in_checks c JOIN move_in_items i ON i.project_id = c.project_id AND i.id = c.item_id
		WHERE c.project_id = m.project_id AND c.move_in_id = m.id AND i.archived = ?)`+moveInFrom+` WHERE `+strings.Join(where, " AND ")+`
		ORDER BY CASE WHEN m.state = 'open' THEN 0 ELSE 1 END, CASE WHEN m.state = 'open' THEN m.due_at END, m.started_at DESC, m.id DESC LIMIT 500`,
		append([]any{false}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.MoveIn{}
	for rows.Next() {
		var ticked int
		m, err := scanMoveIn(scanExtra{rows, &ticked}, now)
		if err != nil {
			return nil, err
		}
		m.Checks = make([]wubu.MoveInCheck, ticked) // counts only: the list has no labels
		out = append(out, m)
	}
	return out, rows.Err()
}

// scanExtra scans a row with one more column after the scanner's own.
type scanExtra struct {
	rows  *sql.Rows
	extra any
}

func (s scanExtra) Scan(dest ...any) error { return s.rows.Scan(append(dest, s.extra)...) }

// MoveInProgress returns the progress per zone.
func (s *MoveInService) MoveInProgress(ctx context.Context, projectID int64) ([]*wubu.ZoneProgress, error) {
	list, err := s.FindMoveIns(ctx, projectID, wubu.MoveInFilter{})
	if err != nil {
		return nil, err
	}
	byZone := map[int64]*wubu.ZoneProgress{}
	var out []*wubu.ZoneProgress
	for _, m := range list {
		if m.State == wubu.MoveInCancelled {
			continue
		}
		var key int64
		if m.ZoneID != nil {
			key = *m.ZoneID
		}
		z := byZone[key]
		if z == nil {
			z = &wubu.ZoneProgress{ZoneID: m.ZoneID, ZoneName: m.ZoneName}
			byZone[key] = z
			out = append(out, z)
		}
		if m.State == wubu.MoveInOpen {
			z.Open++
		} else {
			z.Completed++
		}
		if m.Stalled {
			z.Stalled++
		}
		z.Items += m.Items
		z.Ticked += min(len(m.Checks), m.Items)
		if m.State == wubu.MoveInCompleted {
			z.Ticked += m.Items - min(len(m.Checks), m.Items)
		}
	}
	for _, z := range out {
		if z.Items > 0 {
			z.Percent = z.Ticked * 100 / z.Items
		}
	}
	sortNatural(out, func(z *wubu.ZoneProgress) string { return z.ZoneName })
	return out, nil
}

// MoveInAgenda is the move-ins' agenda source: a stalled move-in (its
// clock breached), or one stalling by the end of today, is on the agenda
// of its assistant; stalled ones are urgent.
type MoveInAgenda struct{ db *DB }

var _ wubu.AgendaSource = (*MoveInAgenda)(nil)

// NewMoveInAgenda returns the move-ins' agenda source over db.
func NewMoveInAgenda(db *DB) *MoveInAgenda { return &MoveInAgenda{db: db} }

// Agenda titles of move-ins.
const (
	msgAgendaMoveIn        = "Move-in %s (%s): %d of %d items done"
	msgAgendaMoveInStalled = "Move-in stalled: %s (%s), %d of %d items done"
)

// Agenda returns the signed-in user's move-ins stalled or stalling today.
func (a *MoveInAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil || !u.Can(wubu.PermResidentView) {
		return nil, nil
	}
	local := now.In(cst)
	endOfDay := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, cst).AddDate(0, 0, 1)
	rows, err := a.db.query(ctx, `SELECT m.id, m.project_id, m.due_at, r.label, m.name,
		(SELECT COUNT(*) FROM move_in_checks c JOIN move_in_items i ON i.project_id = c.project_id AND i.id = c.item_id
			WHERE c.project_id = m.project_id AND c.move_in_id = m.id AND i.archived = ?),
		(SELECT COUNT(*) FROM move_in_items i WHERE i.project_id = m.project_id AND i.archived = ?)
		FROM move_ins m JOIN rooms r ON r.project_id = m.project_id AND r.id = m.room_id
		WHERE m.assistant_id = ? AND m.state = ? AND m.due_at < ? ORDER BY m.due_at LIMIT 200`, false, false, u.ID, wubu.MoveInOpen, endOfDay.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wubu.AgendaItem
	for rows.Next() {
		var id, pid int64
		var due time.Time
		var room, name string
		var done, items int
		if err := rows.Scan(&id, &pid, &due, &room, &name, &done, &items); err != nil {
			return nil, err
		}
		if !u.Serves(pid) {
			continue
		}
		it := wubu.AgendaItem{ProjectID: pid, Kind: "move_in", Title: msgAgendaMoveIn, TitleArgs: []any{room, name, done, items}, Urgency: wubu.UrgencyHigh,
			Due: &due, ObjectType: "move_in", ObjectID: strconv.FormatInt(id, 10), Href: "/move-ins/" + strconv.FormatInt(id, 10)}
		if !due.After(now) {
			it.Title, it.Urgency, it.Overdue = msgAgendaMoveInStalled, wubu.UrgencyCritical, true
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
