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

// EventService implements wubu.EventService: community events and
// lectures, their sign-ups, waiting list and attendance.
type EventService struct {
	db  *DB
	run *runner
}

var _ wubu.EventService = (*EventService)(nil)

// NewEventService returns an event service over db.
func NewEventService(db *DB) *EventService {
	return &EventService{db: db, run: newRunner(db, nil, nil)}
}

const eventColumns = `e.id, e.project_id, e.kind, e.topic, e.title, e.place, e.starts_at, e.capacity, e.building_id, COALESCE(b.name, ''), e.note, e.state,
	e.created_by, e.created_at, e.updated_at,
	(SELECT COUNT(*) FROM event_signups s WHERE s.project_id = e.project_id AND s.event_id = e.id AND s.state IN ('confirmed', 'attended')),
	(SELECT COUNT(*) FROM event_signups s WHERE s.project_id = e.project_id AND s.event_id = e.id AND s.state = 'waiting'),
	(SELECT COUNT(*) FROM event_signups s WHERE s.project_id = e.project_id AND s.event_id = e.id AND s.state = 'attended')`

const eventFrom = ` FROM events e LEFT JOIN buildings b ON b.project_id = e.project_id AND b.id = e.building_id`

func scanEvent(s interface{ Scan(...any) error }) (*wubu.Event, error) {
	e := &wubu.Event{}
	err := s.Scan(&e.ID, &e.ProjectID, &e.Kind, &e.Topic, &e.Title, &e.Place, &e.StartsAt, &e.Capacity, &e.BuildingID, &e.BuildingName, &e.Note, &e.State,
		&e.CreatedBy, &e.CreatedAt, &e.UpdatedAt, &e.Confirmed, &e.Waiting, &e.Attended)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return e, err
}

// events is how the life-cycle runner reads and writes events.
var events = &machine[*wubu.Event]{
	lc: wubu.EventLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Event, error) {
		q := `SELECT ` + eventColumns + eventFrom + ` WHERE e.id = ?`
		if lock {
			q += tx.db.forUpdate("e")
		}
		return scanEvent(tx.queryRow(ctx, q, id))
	},
	facts: func(e *wubu.Event) facts {
		return facts{ProjectID: e.ProjectID, ID: e.ID, State: string(e.State), Post: wubu.PostService, ReporterID: &e.CreatedBy}
	},
	setState: func(e *wubu.Event, s string) { e.State = wubu.EventState(s) },
	insert: func(ctx context.Context, tx *Tx, e *wubu.Event) (err error) {
		e.ID, err = tx.insert(ctx, `INSERT INTO events (project_id, kind, topic, title, place, starts_at, capacity, building_id, note, state, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ProjectID, e.Kind, e.Topic, e.Title, e.Place, e.StartsAt, e.Capacity, e.BuildingID, e.Note, e.State,
			e.CreatedBy, e.CreatedAt, e.UpdatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, e *wubu.Event) error {
		_, err := tx.exec(ctx, `UPDATE events SET state = ?, updated_at = ? WHERE project_id = ? AND id = ?`, e.State, tx.now, e.ProjectID, e.ID)
		return err
	},
	clone: func(e *wubu.Event) *wubu.Event { c := *e; return &c },
	audit: func(e *wubu.Event) any {
		return map[string]any{"state": e.State, "kind": e.Kind, "title": e.Title, "place": e.Place, "starts_at": e.StartsAt, "capacity": e.Capacity}
	},
}

const signupColumns = `s.id, s.project_id, s.event_id, e.title, s.person_id, p.name, s.state, COALESCE(s.created_by, 0), s.created_at, s.attended_at, s.updated_at`

const signupFrom = ` FROM event_signups s
	JOIN events e ON e.project_id = s.project_id AND e.id = s.event_id
	JOIN persons p ON p.project_id = s.project_id AND p.id = s.person_id`

func scanSignup(s interface{ Scan(...any) error }) (*wubu.Signup, error) {
	g := &wubu.Signup{}
	err := s.Scan(&g.ID, &g.ProjectID, &g.EventID, &g.EventTitle, &g.PersonID, &g.PersonName, &g.State, &g.CreatedBy, &g.CreatedAt, &g.AttendedAt, &g.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return g, err
}

// signups is how the life-cycle runner reads and writes sign-ups; each
// step is on the resident's timeline, with the event's title.
var signups = &machine[*wubu.Signup]{
	lc: wubu.SignupLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Signup, error) {
		q := `SELECT ` + signupColumns + signupFrom + ` WHERE s.id = ?`
		if lock {
			q += tx.db.forUpdate("s")
		}
		return scanSignup(tx.queryRow(ctx, q, id))
	},
	facts: func(g *wubu.Signup) facts {
		return facts{ProjectID: g.ProjectID, ID: g.ID, State: string(g.State), Post: wubu.PostService, ReporterID: &g.CreatedBy, PersonID: &g.PersonID}
	},
	setState: func(g *wubu.Signup, s string) { g.State = wubu.SignupState(s) },
	insert: func(ctx context.Context, tx *Tx, g *wubu.Signup) (err error) {
		g.ID, err = tx.insert(ctx, `INSERT INTO event_signups (project_id, event_id, person_id, state, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, g.ProjectID, g.EventID, g.PersonID, g.State, nullID(g.CreatedBy), g.CreatedAt, g.UpdatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, g *wubu.Signup) error {
		_, err := tx.exec(ctx, `UPDATE event_signups SET state = ?, attended_at = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			g.State, g.AttendedAt, tx.now, g.ProjectID, g.ID)
		return err
	},
	clone: func(g *wubu.Signup) *wubu.Signup { c := *g; return &c },
	audit: func(g *wubu.Signup) any {
		return map[string]any{"state": g.State, "event_id": g.EventID, "person_id": g.PersonID}
	},
	timeline: func(g *wubu.Signup, _ string) (string, string) { return "", g.EventTitle },
}

// PlanEvent records a planned event.
func (s *EventService) PlanEvent(ctx context.Context, e *wubu.Event) error {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, e.ProjectID); err != nil {
		return err
	}
	e.Title, e.Place, e.Note, e.Topic = strings.TrimSpace(e.Title), strings.TrimSpace(e.Place), strings.TrimSpace(e.Note), strings.TrimSpace(e.Topic)
	switch {
	case !e.Kind.Valid():
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Choose what kind of event it is.")
	case e.Kind == wubu.EventLecture && !slices.Contains(wubu.LectureTopics, e.Topic):
		return wubu.FieldErrorf("topic", wubu.EINVALID, "Choose the lecture's subject.")
	case e.Title == "" || len([]rune(e.Title)) > 80:
		return wubu.FieldErrorf("title", wubu.EINVALID, "Give the event a title (at most %d characters).", 80)
	case e.Place == "" || len([]rune(e.Place)) > 80:
		return wubu.FieldErrorf("place", wubu.EINVALID, "Say where the event takes place (at most %d characters).", 80)
	case e.StartsAt.IsZero():
		return wubu.FieldErrorf("starts_at", wubu.EINVALID, "Give the event's date and time.")
	case e.Capacity < 1 || e.Capacity > 10000:
		return wubu.FieldErrorf("capacity", wubu.EINVALID, "The capacity must be between 1 and %d.", 10000)
	case len([]rune(e.Note)) > 1000:
		return wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 1000)
	}
	if e.Kind != wubu.EventLecture {
		e.Topic = ""
	}
	e.StartsAt = e.StartsAt.UTC().Truncate(time.Microsecond)
	_, err := runCreate(ctx, s.run, events, e.ProjectID, wubu.EventPlan, e, func(ctx context.Context, tx *Tx, e *wubu.Event, u *wubu.User) (string, error) {
		if e.BuildingID != nil {
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM buildings WHERE project_id = ? AND id = ?`, e.ProjectID, *e.BuildingID).Scan(&n); err != nil {
				return "", err
			} else if n == 0 {
				return "", wubu.FieldErrorf("building_id", wubu.ENOTFOUND, "Not found.")
			}
		}
		e.CreatedBy, e.CreatedAt, e.UpdatedAt = u.ID, tx.now, tx.now
		return "", nil
	})
	return err
}

func (s *EventService) eventStep(ctx context.Context, id int64, action string) (*wubu.Event, error) {
	if _, err := runStep(ctx, s.run, events, id, action, func(context.Context, *Tx, *wubu.Event, *wubu.User) (string, error) { return "", nil }); err != nil {
		return nil, err
	}
	return s.FindEvent(ctx, id)
}

// OpenEvent opens an event for sign-ups and attendance.
func (s *EventService) OpenEvent(ctx context.Context, id int64) (*wubu.Event, error) {
	return s.eventStep(ctx, id, wubu.EventOpenUp)
}

// CloseEvent ends an event.
func (s *EventService) CloseEvent(ctx context.Context, id int64) (*wubu.Event, error) {
	return s.eventStep(ctx, id, wubu.EventClose)
}

// CancelEvent calls an event off.
func (s *EventService) CancelEvent(ctx context.Context, id int64) (*wubu.Event, error) {
	return s.eventStep(ctx, id, wubu.EventCancel)
}

// SignUp signs a resident up: a place while there is one, else the waiting
// list. The event's row is locked (PostgreSQL) or the transaction is
// immediate (SQLite), so two sign-ups for the last place are decided one
// after the other.
func (s *EventService) SignUp(ctx context.Context, eventID, personID int64) (*wubu.Signup, error) {
	if _, err := authorizeStep(ctx, signupTake, 0); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// Lock the event, then count its places in a statement of its own:
	// under READ COMMITTED it sees the sign-up that held the lock before.
	if _, err := events.load(ctx, tx, eventID, true); err != nil {
		return nil, err
	}
	e, err := events.load(ctx, tx, eventID, false)
	if err != nil {
		return nil, err
	}
	u, err := signupCaller(ctx, e.ProjectID, e.BuildingID, personID)
	if err != nil {
		return nil, err
	}
	if e.State != wubu.EventOpen {
		return nil, wubu.Errorf(wubu.ECONFLICT, "Event %d is not open for sign-ups.", e.ID)
	}
	var name string
	if err := tx.queryRow(ctx, `SELECT name FROM persons WHERE project_id = ? AND id = ?`, e.ProjectID, personID).Scan(&name); errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.FieldErrorf("person_id", wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM event_signups WHERE project_id = ? AND event_id = ? AND person_id = ? AND state <> ?`,
		e.ProjectID, e.ID, personID, wubu.SignupCancelled).Scan(&n); err != nil {
		return nil, err
	} else if n > 0 {
		return nil, wubu.FieldErrorf("person_id", wubu.ECONFLICT, "%s is already signed up for this event.", name)
	}
	action := wubu.SignupTake
	if e.Confirmed >= e.Capacity {
		action = wubu.SignupQueue
	}
	g := &wubu.Signup{ProjectID: e.ProjectID, EventID: e.ID, EventTitle: e.Title, PersonID: personID, PersonName: name,
		State: wubu.SignupState(createdState(signups.lc, action)), CreatedBy: u.ID, CreatedAt: tx.now, UpdatedAt: tx.now}
	if err := createIn(ctx, s.run, tx, signups, action, g, ""); err != nil {
		return nil, err
	}
	if err := s.run.commit(ctx, tx); err != nil {
		return nil, err
	}
	return g, nil
}

// CancelSignup cancels a sign-up; a place it held goes to the first one
// waiting, in the same transaction.
func (s *EventService) CancelSignup(ctx context.Context, signupID int64) (*wubu.Signup, error) {
	if _, err := authorizeStep(ctx, signupTake, 0); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The event first, as SignUp locks it, so the place is handed on
	// while no one else can take it.
	var projectID, eventID, personID int64
	if err := tx.queryRow(ctx, `SELECT project_id, event_id, person_id FROM event_signups WHERE id = ?`, signupID).Scan(&projectID, &eventID, &personID); errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	if _, err := signupCaller(ctx, projectID, nil, personID); err != nil {
		return nil, err
	}
	if _, err := events.load(ctx, tx, eventID, true); err != nil {
		return nil, err
	}
	g, err := stepIn(ctx, s.run, tx, signups, signupID, wubu.SignupCancel, func(context.Context, *Tx, *wubu.Signup, *wubu.User) (string, error) { return "", nil })
	if err != nil {
		return nil, err
	}
	if err := s.fill(ctx, tx, projectID, eventID); err != nil {
		return nil, err
	}
	if err := s.run.commit(ctx, tx); err != nil {
		return nil, err
	}
	return g, nil
}

// fill gives the free places of an event to the first ones waiting.
func (s *EventService) fill(ctx context.Context, tx *Tx, projectID, eventID int64) error {
	e, err := events.load(ctx, tx, eventID, false)
	if err != nil {
		return err
	}
	if e.State != wubu.EventOpen && e.State != wubu.EventPlanned {
		return nil
	}
	free := e.Capacity - e.Confirmed
	if free <= 0 {
		return nil
	}
	rows, err := tx.query(ctx, `SELECT id FROM event_signups WHERE project_id = ? AND event_id = ? AND state = ? ORDER BY id LIMIT ?`,
		projectID, eventID, wubu.SignupWaiting, free)
	if err != nil {
		return err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := stepIn(ctx, s.run, tx, signups, id, wubu.SignupPromote, func(context.Context, *Tx, *wubu.Signup, *wubu.User) (string, error) { return "", nil }); err != nil {
			return err
		}
	}
	return nil
}

// MarkAttended records that a resident with a place came.
func (s *EventService) MarkAttended(ctx context.Context, signupID int64) (*wubu.Signup, error) {
	return runStep(ctx, s.run, signups, signupID, wubu.SignupAttend, func(ctx context.Context, tx *Tx, g *wubu.Signup, _ *wubu.User) (string, error) {
		var state wubu.EventState
		if err := tx.queryRow(ctx, `SELECT state FROM events WHERE project_id = ? AND id = ?`, g.ProjectID, g.EventID).Scan(&state); err != nil {
			return "", err
		}
		if state != wubu.EventOpen {
			return "", wubu.Errorf(wubu.ECONFLICT, "Event %d is not open: attendance cannot be taken.", g.EventID)
		}
		g.AttendedAt = &tx.now
		return "", nil
	})
}

// AddEventPhoto adds a photo of the event.
func (s *EventService) AddEventPhoto(ctx context.Context, eventID int64, p *wubu.Photo) error {
	if p == nil || len(p.Data) == 0 {
		return wubu.FieldErrorf("photo", wubu.EINVALID, "Choose a JPEG or PNG photo of at most %d MB.", wubu.MaxPhotoSize>>20)
	}
	if err := checkPhoto(p, "photo"); err != nil {
		return err
	}
	e, err := s.FindEvent(ctx, eventID)
	if err != nil {
		return err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, e.ProjectID); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := addPhoto(ctx, tx, e.ProjectID, "event", e.ID, wubu.PhotoEvent, p); err != nil {
		return err
	}
	if err := tx.audit(ctx, e.ProjectID, wubu.ActionUpdate, "event", e.ID, nil, map[string]any{"photo": p.ContentType}); err != nil {
		return err
	}
	return tx.Commit()
}

// FindEvent returns an event with its counts and photos.
func (s *EventService) FindEvent(ctx context.Context, id int64) (*wubu.Event, error) {
	e, err := scanEvent(s.db.queryRow(ctx, `SELECT `+eventColumns+eventFrom+` WHERE e.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, e.ProjectID); err != nil {
		return nil, err
	}
	if e.Photos, err = photos(ctx, s.db, e.ProjectID, "event", id); err != nil {
		return nil, err
	}
	return e, nil
}

// FindEvents lists a project's events, latest date first.
func (s *EventService) FindEvents(ctx context.Context, projectID int64) ([]*wubu.Event, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+eventColumns+eventFrom+` WHERE e.project_id = ? ORDER BY e.starts_at DESC, e.id DESC LIMIT 200`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// FindSignups lists an event's sign-ups in the order they came.
func (s *EventService) FindSignups(ctx context.Context, eventID int64) ([]*wubu.Signup, error) {
	e, err := s.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+signupColumns+signupFrom+` WHERE s.project_id = ? AND s.event_id = ? ORDER BY s.id`, e.ProjectID, e.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Signup
	for rows.Next() {
		g, err := scanSignup(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// FindEventPhoto returns a photo of an event with its data.
func (s *EventService) FindEventPhoto(ctx context.Context, eventID, photoID int64) (*wubu.Photo, error) {
	e, err := s.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	return photo(ctx, s.db, e.ProjectID, "event", e.ID, photoID)
}
