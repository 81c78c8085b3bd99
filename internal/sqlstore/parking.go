package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// ParkingService implements wubu.ParkingService: parking problems through
// the department's steps (S4).
type ParkingService struct {
	db  *DB
	run *runner
}

var _ wubu.ParkingService = (*ParkingService)(nil)

// NewParkingService returns a parking service over db.
func NewParkingService(db *DB) *ParkingService {
	return &ParkingService{db: db, run: newRunner(db, nil, nil)}
}

const parkingColumns = `pp.id, pp.project_id, pp.kind, pp.plate, pp.person_id, COALESCE(p.name, ''),
	COALESCE((SELECT MIN(r.label) FROM households hh JOIN rooms r ON r.project_id = hh.project_id AND r.id = hh.room_id
		WHERE hh.project_id = pp.project_id AND hh.person_id = pp.person_id AND hh.move_out = ''), ''),
	pp.building_id, COALESCE(b.name, ''), pp.place, pp.description, pp.state, pp.reported_by, ru.name, pp.reported_at,
	pp.assignee_id, COALESCE(au.name, ''), pp.assigned_at, pp.handled_by, pp.handled_at, pp.handle_note, pp.closed_by, pp.closed_at, pp.updated_at`

const parkingFrom = ` FROM parking_problems pp
	LEFT JOIN persons p ON p.project_id = pp.project_id AND p.id = pp.person_id
	LEFT JOIN buildings b ON b.project_id = pp.project_id AND b.id = pp.building_id
	JOIN users ru ON ru.id = pp.reported_by
	LEFT JOIN users au ON au.id = pp.assignee_id`

func scanParking(s interface{ Scan(...any) error }, extra ...any) (*wubu.ParkingProblem, error) {
	pp := &wubu.ParkingProblem{}
	err := s.Scan(append([]any{&pp.ID, &pp.ProjectID, &pp.Kind, &pp.Plate, &pp.PersonID, &pp.PersonName, &pp.PersonRoom,
		&pp.BuildingID, &pp.BuildingName, &pp.Place, &pp.Description, &pp.State, &pp.ReportedBy, &pp.ReporterName, &pp.ReportedAt,
		&pp.AssigneeID, &pp.AssigneeName, &pp.AssignedAt, &pp.HandledBy, &pp.HandledAt, &pp.HandleNote, &pp.ClosedBy, &pp.ClosedAt, &pp.UpdatedAt}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return pp, err
}

// ReportParking records a problem, matching its plate to a resident.
func (s *ParkingService) ReportParking(ctx context.Context, pp *wubu.ParkingProblem, photos ...*wubu.Photo) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityEdit, pp.ProjectID); err != nil {
		return err
	}
	pp.Place, pp.Description, pp.Plate = strings.TrimSpace(pp.Place), strings.TrimSpace(pp.Description), strings.TrimSpace(pp.Plate)
	switch {
	case !pp.Kind.Valid():
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Choose the kind of parking problem.")
	case pp.Place == "" || len([]rune(pp.Place)) > 80:
		return wubu.FieldErrorf("place", wubu.EINVALID, "Say where the problem is (at most %d characters).", 80)
	case len([]rune(pp.Description)) > 1000:
		return wubu.FieldErrorf("description", wubu.EINVALID, "The description may be at most %d characters.", 1000)
	case pp.Kind == wubu.ParkingUnknownVehicle && pp.Plate == "":
		return wubu.FieldErrorf("plate", wubu.EINVALID, "An unknown vehicle needs its plate.")
	}
	if pp.Plate != "" {
		plate, err := cnformat.NormalizePlate(pp.Plate)
		if err != nil {
			return fieldErr("plate", err)
		}
		pp.Plate = plate
	}
	if len(photos) > 5 {
		return wubu.FieldErrorf("photo", wubu.EINVALID, "At most %d photos.", 5)
	}
	for _, ph := range photos {
		if err := checkPhoto(ph, "photo"); err != nil {
			return err
		}
	}
	_, err := runCreate(ctx, s.run, parkings, pp.ProjectID, wubu.ParkingReport, pp, func(ctx context.Context, tx *Tx, pp *wubu.ParkingProblem, u *wubu.User) (string, error) {
		if pp.BuildingID != nil {
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM buildings WHERE project_id = ? AND id = ?`, pp.ProjectID, *pp.BuildingID).Scan(&n); err != nil {
				return "", err
			} else if n == 0 {
				return "", wubu.FieldErrorf("building_id", wubu.ENOTFOUND, "Building not found.")
			}
		}
		// The plate's owner, when the vehicle is known.
		pp.PersonID = nil
		if pp.Plate != "" {
			var pid int64
			err := tx.queryRow(ctx, `SELECT person_id FROM vehicles WHERE project_id = ? AND plate = ?`, pp.ProjectID, pp.Plate).Scan(&pid)
			if err == nil {
				pp.PersonID = &pid
			} else if !errors.Is(err, sql.ErrNoRows) {
				return "", err
			}
		}
		pp.ReportedBy, pp.ReporterName, pp.ReportedAt, pp.UpdatedAt = u.ID, u.Name, tx.now, tx.now
		return pp.Place, nil
	}, func(ctx context.Context, tx *Tx, pp *wubu.ParkingProblem, u *wubu.User) (string, error) {
		for _, ph := range photos {
			if err := addPhoto(ctx, tx, pp.ProjectID, "parking", pp.ID, wubu.PhotoFound, ph); err != nil {
				return "", err
			}
		}
		return "", nil
	})
	return err
}

// parkings is how the life-cycle runner reads and writes parking problems.
var parkings = &machine[*wubu.ParkingProblem]{
	lc: wubu.ParkingLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.ParkingProblem, error) {
		q := `SELECT ` + parkingColumns + parkingFrom + ` WHERE pp.id = ?`
		if lock {
			q += tx.db.forUpdate("pp")
		}
		return scanParking(tx.queryRow(ctx, q, id))
	},
	facts: func(pp *wubu.ParkingProblem) facts {
		return facts{ProjectID: pp.ProjectID, ID: pp.ID, State: string(pp.State), Post: wubu.PostSecurity, AssigneeID: pp.AssigneeID, AssigneeName: pp.AssigneeName,
			ReporterID: &pp.ReportedBy}
	},
	setState: func(pp *wubu.ParkingProblem, s string) { pp.State = wubu.ParkingState(s) },
	insert: func(ctx context.Context, tx *Tx, pp *wubu.ParkingProblem) (err error) {
		pp.ID, err = tx.insert(ctx, `INSERT INTO parking_problems (project_id, kind, plate, person_id, building_id, place, description, state, reported_by, reported_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, pp.ProjectID, pp.Kind, pp.Plate, pp.PersonID, pp.BuildingID, pp.Place, pp.Description, pp.State, pp.ReportedBy, pp.ReportedAt, pp.UpdatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, pp *wubu.ParkingProblem) error {
		_, err := tx.exec(ctx, `UPDATE parking_problems SET state = ?, assignee_id = ?, assigned_at = ?, handled_by = ?, handled_at = ?, handle_note = ?,
			closed_by = ?, closed_at = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			pp.State, pp.AssigneeID, pp.AssignedAt, pp.HandledBy, pp.HandledAt, pp.HandleNote, pp.ClosedBy, pp.ClosedAt, tx.now, pp.ProjectID, pp.ID)
		return err
	},
	clone: func(pp *wubu.ParkingProblem) *wubu.ParkingProblem { c := *pp; return &c },
	audit: func(pp *wubu.ParkingProblem) any {
		return map[string]any{"state": pp.State, "kind": pp.Kind, "plate": pp.Plate, "place": pp.Place, "assignee_id": pp.AssigneeID, "handle_note": pp.HandleNote}
	},
}

// parkingStep takes a step on a problem and returns it as it now is.
func (s *ParkingService) parkingStep(ctx context.Context, id int64, action string, fn stepFunc[*wubu.ParkingProblem]) (*wubu.ParkingProblem, error) {
	if _, err := runStep(ctx, s.run, parkings, id, action, fn); err != nil {
		return nil, err
	}
	return s.FindParking(ctx, id)
}

// AssignParking assigns a reported problem.
func (s *ParkingService) AssignParking(ctx context.Context, id, assigneeID int64) (*wubu.ParkingProblem, error) {
	return s.parkingStep(ctx, id, wubu.ParkingAssign, func(ctx context.Context, tx *Tx, pp *wubu.ParkingProblem, u *wubu.User) (string, error) {
		if err := checkStaff(ctx, tx, pp.ProjectID, assigneeID, "assignee_id"); err != nil {
			return "", err
		}
		pp.AssigneeID, pp.AssignedAt = &assigneeID, &tx.now
		return "", nil
	})
}

// HandleParking records how a problem was handled.
func (s *ParkingService) HandleParking(ctx context.Context, id int64, note string, photo *wubu.Photo) (*wubu.ParkingProblem, error) {
	note = strings.TrimSpace(note)
	return s.parkingStep(ctx, id, wubu.ParkingHandle, func(ctx context.Context, tx *Tx, pp *wubu.ParkingProblem, u *wubu.User) (string, error) {
		if note == "" || len([]rune(note)) > 1000 {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "Say how the problem was handled (at most %d characters).", 1000)
		}
		if err := checkPhoto(photo, "photo"); err != nil {
			return "", err
		}
		pp.HandledBy, pp.HandledAt, pp.HandleNote = &u.ID, &tx.now, note
		return note, addPhoto(ctx, tx, pp.ProjectID, "parking", id, wubu.PhotoHandled, photo)
	})
}

// CloseParking closes a handled problem.
func (s *ParkingService) CloseParking(ctx context.Context, id int64) (*wubu.ParkingProblem, error) {
	return s.parkingStep(ctx, id, wubu.ParkingClose, func(ctx context.Context, tx *Tx, pp *wubu.ParkingProblem, u *wubu.User) (string, error) {
		pp.ClosedBy, pp.ClosedAt = &u.ID, &tx.now
		return "", nil
	})
}

// FindParking returns a problem with its photos.
func (s *ParkingService) FindParking(ctx context.Context, id int64) (*wubu.ParkingProblem, error) {
	pp, err := scanParking(s.db.queryRow(ctx, `SELECT `+parkingColumns+parkingFrom+` WHERE pp.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, pp.ProjectID); err != nil {
		return nil, err
	}
	if pp.Photos, err = photos(ctx, s.db, pp.ProjectID, "parking", id); err != nil {
		return nil, err
	}
	return pp, nil
}

// FindParkings lists a project's problems, newest first.
func (s *ParkingService) FindParkings(ctx context.Context, projectID int64, f wubu.ParkingFilter) ([]*wubu.ParkingProblem, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, projectID); err != nil {
		return nil, 0, err
	}
	where, args := []string{"pp.project_id = ?"}, []any{projectID}
	if f.State != "" {
		where, args = append(where, "pp.state = ?"), append(args, f.State)
	}
	if f.Open {
		where, args = append(where, "pp.state <> ?"), append(args, wubu.ParkingClosed)
	}
	if q := strings.ToUpper(strings.TrimSpace(f.Plate)); q != "" {
		where, args = append(where, "pp.plate LIKE ? ESCAPE '\\'"), append(args, likePattern(q))
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.query(ctx, `SELECT `+parkingColumns+`, COUNT(*) OVER()`+parkingFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY pp.reported_at DESC, pp.id DESC LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*wubu.ParkingProblem
	total := 0
	for rows.Next() {
		pp, err := scanParking(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, pp)
	}
	return out, total, rows.Err()
}
