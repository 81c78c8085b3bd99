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

// PassService implements wubu.PassService: goods release passes (S8).
type PassService struct {
	db     *DB
	clocks wubu.ClockService
	run    *runner
}

var _ wubu.PassService = (*PassService)(nil)

// NewPassService returns a pass service over db; each pass's confirmation
// clock is armed on clocks.
func NewPassService(db *DB, clocks wubu.ClockService) *PassService {
	return &PassService{db: db, clocks: clocks, run: newRunner(db, clocks, nil)}
}

// Timeline kinds of the security post, as catalogue keys "timeline:…".
const (
	msgTimelinePassStarted        = "timeline:pass.started"
	msgTimelinePassConfirmed      = "timeline:pass.confirmed"
	msgTimelinePassRefused        = "timeline:pass.refused"
	msgTimelinePassReleased       = "timeline:pass.released"
	msgTimelinePassOwnerConfirmed = "timeline:pass.owner_confirmed"
	msgTimelineTenantFiled        = "timeline:tenant.filed"
)

// timelineKind returns the timeline kind of a catalogue key.
func securityTimelineKind(msg string) string { return strings.TrimPrefix(msg, "timeline:") }

// resolveRoom finds a room of the project by ID or by its label as staff
// write it ("3-2-1201", "3栋2单元1201"); errors name the field.
func securityRoom(ctx context.Context, q rowQuerier, db *DB, projectID, roomID int64, label, field string) (int64, string, error) {
	if roomID == 0 {
		if strings.TrimSpace(label) == "" {
			return 0, "", wubu.FieldErrorf(field, wubu.EINVALID, "Room is required.")
		}
		ref, err := cnformat.ParseRoom(label)
		if err != nil {
			return 0, "", fieldErr(field, err)
		}
		label = ref.String()
		err = q.QueryRowContext(ctx, db.rebind(`SELECT id FROM rooms WHERE project_id = ? AND label = ?`), projectID, label).Scan(&roomID)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, "", wubu.FieldErrorf(field, wubu.EINVALID, "Room %s does not exist in this project.", label)
		}
		return roomID, label, err
	}
	err := q.QueryRowContext(ctx, db.rebind(`SELECT label FROM rooms WHERE project_id = ? AND id = ?`), projectID, roomID).Scan(&label)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", wubu.FieldErrorf(field, wubu.ENOTFOUND, "Room not found.")
	}
	return roomID, label, err
}

// currentRelation returns a person's relation to a room, "" if they do not
// live there (or moved out).
func roomRelation(ctx context.Context, tx *Tx, projectID, personID, roomID int64) (wubu.Relation, error) {
	var rel wubu.Relation
	err := tx.queryRow(ctx, `SELECT relation FROM households WHERE project_id = ? AND person_id = ? AND room_id = ? AND move_out = ''`,
		projectID, personID, roomID).Scan(&rel)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return rel, err
}

func actorID(u *wubu.User) *int64 {
	if u == nil || u.ID == 0 {
		return nil
	}
	id := u.ID
	return &id
}

const passColumns = `p.id, p.project_id, p.room_id, r.label, p.person_id, p.person_name, p.relation, p.items, p.gate, p.note, p.state,
	p.started_by, COALESCE(us.name, ''), p.started_at, p.decided_by, COALESCE(ud.name, ''), p.decided_at, p.confirm_method,
	p.owner_person_id, COALESCE(o.name, ''), p.decision_note, p.released_by, COALESCE(ur.name, ''), p.released_at, p.release_gate,
	(SELECT COUNT(*) FROM photos ph WHERE ph.project_id = p.project_id AND ph.object_type = 'pass' AND ph.object_id = p.id)`

const passFrom = ` FROM passes p JOIN rooms r ON r.project_id = p.project_id AND r.id = p.room_id
	LEFT JOIN users us ON us.id = p.started_by LEFT JOIN users ud ON ud.id = p.decided_by LEFT JOIN users ur ON ur.id = p.released_by
	LEFT JOIN persons o ON o.project_id = p.project_id AND o.id = p.owner_person_id`

func scanPass(s interface{ Scan(...any) error }) (*wubu.Pass, error) {
	p := &wubu.Pass{}
	var items string
	err := s.Scan(&p.ID, &p.ProjectID, &p.RoomID, &p.RoomLabel, &p.PersonID, &p.PersonName, &p.Relation, &items, &p.Gate, &p.Note, &p.State,
		&p.StartedBy, &p.StartedByName, &p.StartedAt, &p.DecidedBy, &p.DecidedByName, &p.DecidedAt, &p.ConfirmMethod,
		&p.OwnerPersonID, &p.OwnerName, &p.DecisionNote, &p.ReleasedBy, &p.ReleasedByName, &p.ReleasedAt, &p.ReleaseGate, &p.Photos)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Pass not found.")
	} else if err != nil {
		return nil, err
	}
	p.Items = strings.Split(items, "\n")
	return p, nil
}

// findPass reads a pass by ID and checks the caller may perform perm in its
// project; another project's pass is not found.
func (s *PassService) findPass(ctx context.Context, q rowQuerier, perm wubu.Permission, id int64) (*wubu.Pass, error) {
	if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
		return nil, err
	}
	query := `SELECT ` + passColumns + passFrom + ` WHERE p.id = ?`
	p, err := scanPass(q.QueryRowContext(ctx, s.db.rebind(query), id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, perm, p.ProjectID); wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Pass not found.")
	} else if err != nil {
		return nil, err
	}
	return p, nil
}

// normalizeItems trims the items, dropping empty lines.
func passItems(in []string) ([]string, error) {
	var out []string
	for _, it := range in {
		for line := range strings.SplitSeq(it, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if !wubu.ValidName(line, 100) {
				return nil, wubu.FieldErrorf("items", wubu.EINVALID, "Each item must be at most %d characters.", 100)
			}
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		return nil, wubu.FieldErrorf("items", wubu.EINVALID, "List the goods, one item per line.")
	}
	if len(out) > wubu.MaxPassItems {
		return nil, wubu.FieldErrorf("items", wubu.EINVALID, "A pass may list at most %d items.", wubu.MaxPassItems)
	}
	return out, nil
}

// StartPass starts a pending pass at the gate.
func (s *PassService) StartPass(ctx context.Context, np *wubu.NewPass) (*wubu.Pass, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityEdit, np.ProjectID); err != nil {
		return nil, err
	}
	items, err := passItems(np.Items)
	if err != nil {
		return nil, err
	}
	gate := strings.TrimSpace(np.Gate)
	if !wubu.ValidName(gate, 32) {
		return nil, wubu.FieldErrorf("gate", wubu.EINVALID, "Gate is required and must be at most %d characters.", 32)
	}
	note := strings.TrimSpace(np.Note)
	if utf8.RuneCountInString(note) > 500 {
		return nil, wubu.FieldErrorf("note", wubu.EINVALID, "Note must be at most %d characters.", 500)
	}
	p := &wubu.Pass{ProjectID: np.ProjectID, PersonID: np.PersonID, Items: items, Gate: gate, Note: note}
	_, err = runCreate(ctx, s.run, passes, np.ProjectID, wubu.PassStart, p, func(ctx context.Context, tx *Tx, p *wubu.Pass, u *wubu.User) (string, error) {
		roomID, label, err := securityRoom(ctx, tx, s.db, np.ProjectID, np.RoomID, np.Room, "room")
		if err != nil {
			return "", err
		}
		p.RoomID, p.RoomLabel = roomID, label
		p.PersonName = strings.TrimSpace(np.PersonName)
		if np.PersonID != nil {
			// The person found by the lookup: their name and their relation to the room.
			if err := tx.queryRow(ctx, `SELECT name FROM persons WHERE project_id = ? AND id = ?`, np.ProjectID, *np.PersonID).Scan(&p.PersonName); errors.Is(err, sql.ErrNoRows) {
				return "", wubu.FieldErrorf("person_id", wubu.ENOTFOUND, "Resident not found.")
			} else if err != nil {
				return "", err
			}
			if p.Relation, err = roomRelation(ctx, tx, np.ProjectID, *np.PersonID, roomID); err != nil {
				return "", err
			}
		} else if !wubu.ValidName(p.PersonName, 32) {
			return "", wubu.FieldErrorf("person_name", wubu.EINVALID, "Write the name of the person moving the goods, or find them with the lookup.")
		}
		p.StartedBy, p.StartedByName, p.StartedAt = u.ID, u.Name, tx.now
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindPassByID(ctx, p.ID)
}

// passes is how the life-cycle runner reads and writes passes.
var passes = &machine[*wubu.Pass]{
	lc: wubu.PassLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Pass, error) {
		q := `SELECT ` + passColumns + passFrom + ` WHERE p.id = ?`
		if lock {
			q += tx.db.forUpdate("p")
		}
		return scanPass(tx.queryRow(ctx, q, id))
	},
	facts: func(p *wubu.Pass) facts {
		return facts{ProjectID: p.ProjectID, ID: p.ID, State: string(p.State), Post: wubu.PostService, ReporterID: &p.StartedBy, PersonID: p.PersonID}
	},
	setState: func(p *wubu.Pass, s string) { p.State = wubu.PassState(s) },
	insert: func(ctx context.Context, tx *Tx, p *wubu.Pass) (err error) {
		p.ID, err = tx.insert(ctx, `INSERT INTO passes (project_id, room_id, person_id, person_name, relation, items, gate, note, state, started_by, started_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ProjectID, p.RoomID, p.PersonID, p.PersonName, p.Relation, strings.Join(p.Items, "\n"), p.Gate, p.Note, p.State, p.StartedBy, p.StartedAt, tx.now)
		return err
	},
	save: func(ctx context.Context, tx *Tx, p *wubu.Pass) error {
		_, err := tx.exec(ctx, `UPDATE passes SET state = ?, decided_by = ?, decided_at = ?, confirm_method = ?, owner_person_id = ?, decision_note = ?,
			released_by = ?, released_at = ?, release_gate = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			p.State, p.DecidedBy, p.DecidedAt, p.ConfirmMethod, p.OwnerPersonID, p.DecisionNote, p.ReleasedBy, p.ReleasedAt, p.ReleaseGate, tx.now, p.ProjectID, p.ID)
		return err
	},
	clone: func(p *wubu.Pass) *wubu.Pass { c := *p; return &c },
	timeline: func(p *wubu.Pass, action string) (string, string) {
		switch action {
		case wubu.PassStart:
			return securityTimelineKind(msgTimelinePassStarted), passSummary(p)
		case wubu.PassConfirm:
			return securityTimelineKind(msgTimelinePassConfirmed), passSummary(p)
		case wubu.PassRefuse:
			return securityTimelineKind(msgTimelinePassRefused), passSummary(p) + " — " + p.DecisionNote
		case wubu.PassRelease:
			return securityTimelineKind(msgTimelinePassReleased), passSummary(p) + " @ " + p.ReleaseGate
		}
		return "", ""
	},
}

// passSummary is the timeline text of a pass: "#12 3-2-1201: 沙发、冰箱".
func passSummary(p *wubu.Pass) string {
	return fmt.Sprintf("#%d %s: %s", p.ID, p.RoomLabel, strings.Join(p.Items, "、"))
}

// AddPassPhoto adds a photo of the goods to a pending pass.
func (s *PassService) AddPassPhoto(ctx context.Context, id int64, contentType string, data []byte) error {
	p := &wubu.Photo{ContentType: contentType, Data: data}
	if len(data) == 0 {
		return wubu.FieldErrorf("photo", wubu.EINVALID, "Choose a JPEG or PNG photo of at most %d MB.", wubu.MaxPhotoSize>>20)
	}
	_, err := runStep(ctx, s.run, passes, id, wubu.PassPhoto, func(ctx context.Context, tx *Tx, pass *wubu.Pass, u *wubu.User) (string, error) {
		if pass.Photos >= wubu.MaxPassPhotos {
			return "", wubu.FieldErrorf("photo", wubu.EINVALID, "A pass may have at most %d photos.", wubu.MaxPassPhotos)
		}
		pass.Photos++
		return "", addPhoto(ctx, tx, pass.ProjectID, "pass", id, wubu.PhotoGoods, p)
	})
	return err
}

// PassPhoto returns the n-th photo of a pass, from 0.
func (s *PassService) PassPhoto(ctx context.Context, id int64, n int) (string, []byte, error) {
	pass, err := s.findPass(ctx, s.db.read, wubu.PermSecurityView, id)
	if err != nil {
		return "", nil, err
	}
	ps, err := photos(ctx, s.db, pass.ProjectID, "pass", id)
	if err != nil {
		return "", nil, err
	}
	if n < 0 || n >= len(ps) {
		return "", nil, wubu.Errorf(wubu.ENOTFOUND, "Photo not found.")
	}
	p, err := photo(ctx, s.db, pass.ProjectID, "pass", id, ps[n].ID)
	if err != nil {
		return "", nil, err
	}
	return p.ContentType, p.Data, nil
}

// passStep takes a step on a pass and returns it as it now is.
func (s *PassService) passStep(ctx context.Context, id int64, action string, fn stepFunc[*wubu.Pass]) (*wubu.Pass, error) {
	if _, err := runStep(ctx, s.run, passes, id, action, fn); err != nil {
		return nil, err
	}
	return s.FindPassByID(ctx, id)
}

// ConfirmPass confirms a pending pass: by the owner in person, or by an
// owner of the room on the phone or the portal.
func (s *PassService) ConfirmPass(ctx context.Context, id int64, c wubu.PassConfirmation) (*wubu.Pass, error) {
	fn, err := confirmPassStep(c)
	if err != nil {
		return nil, err
	}
	return s.passStep(ctx, id, wubu.PassConfirm, fn)
}

// confirmPassStep checks a confirmation and returns its step.
func confirmPassStep(c wubu.PassConfirmation) (stepFunc[*wubu.Pass], error) {
	if !c.Method.Valid() {
		return nil, wubu.FieldErrorf("method", wubu.EINVALID, "Choose how the owner's permission was established.")
	}
	note := strings.TrimSpace(c.Note)
	if utf8.RuneCountInString(note) > 500 {
		return nil, wubu.FieldErrorf("note", wubu.EINVALID, "Note must be at most %d characters.", 500)
	}
	return func(ctx context.Context, tx *Tx, p *wubu.Pass, u *wubu.User) (string, error) {
		var owner *int64
		switch c.Method {
		case wubu.PassOwnerPresent:
			// Only an owner of the room vouches for themselves; everyone else
			// (a tenant above all) needs an owner's word.
			if p.Relation != wubu.RelationOwner {
				return "", wubu.FieldErrorf("method", wubu.EINVALID, "%s is not an owner of room %s: an owner must confirm by phone or through the portal before the goods may leave.", p.PersonName, p.RoomLabel)
			}
			owner = p.PersonID
		default:
			if c.OwnerPersonID == nil {
				return "", wubu.FieldErrorf("owner_person_id", wubu.EINVALID, "Choose the owner who confirmed.")
			}
			rel, err := roomRelation(ctx, tx, p.ProjectID, *c.OwnerPersonID, p.RoomID)
			if err != nil {
				return "", err
			}
			if rel != wubu.RelationOwner {
				return "", wubu.FieldErrorf("owner_person_id", wubu.EINVALID, "The person chosen is not an owner of room %s.", p.RoomLabel)
			}
			owner = c.OwnerPersonID
		}
		p.DecidedBy, p.DecidedAt, p.ConfirmMethod, p.OwnerPersonID, p.DecisionNote = actorID(u), &tx.now, c.Method, owner, note
		// The owner who gave their word has it on their timeline too.
		if owner != nil && (p.PersonID == nil || *owner != *p.PersonID) {
			if err := addTimeline(ctx, tx, p.ProjectID, *owner, securityTimelineKind(msgTimelinePassOwnerConfirmed), passSummary(p)+" ("+p.PersonName+")"); err != nil {
				return "", err
			}
		}
		return note, nil
	}, nil
}

// RefusePass refuses a pending pass with a reason.
func (s *PassService) RefusePass(ctx context.Context, id int64, reason string) (*wubu.Pass, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, wubu.FieldErrorf("reason", wubu.EINVALID, "Give the reason for the refusal (at most %d characters).", 500)
	}
	return s.passStep(ctx, id, wubu.PassRefuse, func(ctx context.Context, tx *Tx, p *wubu.Pass, u *wubu.User) (string, error) {
		p.DecidedBy, p.DecidedAt, p.DecisionNote = actorID(u), &tx.now, reason
		return reason, nil
	})
}

// ReleasePass records that the goods left through the gate.
func (s *PassService) ReleasePass(ctx context.Context, id int64, gate string) (*wubu.Pass, error) {
	gate = strings.TrimSpace(gate)
	if gate != "" && !wubu.ValidName(gate, 32) {
		return nil, wubu.FieldErrorf("gate", wubu.EINVALID, "Gate is required and must be at most %d characters.", 32)
	}
	return s.passStep(ctx, id, wubu.PassRelease, func(ctx context.Context, tx *Tx, p *wubu.Pass, u *wubu.User) (string, error) {
		if gate == "" {
			gate = p.Gate
		}
		p.ReleasedBy, p.ReleasedAt, p.ReleaseGate = actorID(u), &tx.now, gate
		return gate, nil
	})
}

// FindPassByID returns a pass with its room's owners and its clock.
func (s *PassService) FindPassByID(ctx context.Context, id int64) (*wubu.Pass, error) {
	p, err := s.findPass(ctx, s.db.read, wubu.PermSecurityView, id)
	if err != nil {
		return nil, err
	}
	if p, err = s.withOwners(ctx, p); err != nil {
		return nil, err
	}
	if d, err := s.clocks.FindDeadline(ctx, wubu.PassLifecycle.ClockKey(p.ProjectID, id, "confirm")); err == nil {
		p.Deadline = d
	} else if wubu.ErrorCode(err) != wubu.ENOTFOUND {
		return nil, err
	}
	return p, nil
}

// withOwners reads a pass's room's owners (its reader authorized).
func (s *PassService) withOwners(ctx context.Context, p *wubu.Pass) (*wubu.Pass, error) {
	rows, err := s.db.query(ctx, `SELECT p.id, p.name FROM households h JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id
		WHERE h.project_id = ? AND h.room_id = ? AND h.relation = ? AND h.move_out = '' ORDER BY p.id`, p.ProjectID, p.RoomID, wubu.RelationOwner)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		o := &wubu.PassOwner{}
		if err := rows.Scan(&o.PersonID, &o.Name); err != nil {
			return nil, err
		}
		p.Owners = append(p.Owners, o)
	}
	return p, rows.Err()
}

// FindPasses lists a project's passes, newest first.
func (s *PassService) FindPasses(ctx context.Context, f wubu.PassFilter) ([]*wubu.Pass, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, f.ProjectID); err != nil {
		return nil, 0, err
	}
	where, args := []string{"p.project_id = ?"}, []any{f.ProjectID}
	if f.State != nil {
		where, args = append(where, "p.state = ?"), append(args, *f.State)
	}
	if f.PersonID != nil {
		where, args = append(where, "p.person_id = ?"), append(args, *f.PersonID)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	rows, err := s.db.query(ctx, `SELECT `+passColumns+`, COUNT(*) OVER()`+passFrom+` WHERE `+strings.Join(where, " AND ")+`
		ORDER BY p.started_at DESC, p.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out, total := []*wubu.Pass{}, 0
	for rows.Next() {
		p, err := scanPass(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &total)...) }))
		if err != nil {
			return nil, 0, err
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}
