package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// HazardService implements wubu.HazardService: hazards to a verified close
// (S11), with an SLA clock on their rectification.
type HazardService struct {
	db  *DB
	run *runner
}

var _ wubu.HazardService = (*HazardService)(nil)

// NewHazardService returns a hazard service over db; rectification clocks
// are armed on clocks.
func NewHazardService(db *DB, clocks wubu.ClockService) *HazardService {
	return &HazardService{db: db, run: newRunner(db, clocks, nil)}
}

// FindSecurityPhoto returns a photo of a hazard or parking problem.
func (s *HazardService) FindSecurityPhoto(ctx context.Context, objectType string, objectID, photoID int64) (*wubu.Photo, error) {
	var projectID int64
	switch objectType {
	case "hazard":
		h, err := s.FindHazard(ctx, objectID)
		if err != nil {
			return nil, err
		}
		projectID = h.ProjectID
	case "parking":
		p, err := (&ParkingService{db: s.db}).FindParking(ctx, objectID)
		if err != nil {
			return nil, err
		}
		projectID = p.ProjectID
	default:
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Photo not found.")
	}
	return photo(ctx, s.db, projectID, objectType, objectID, photoID)
}

const hazardColumns = `h.id, h.project_id, h.source, h.run_id, h.person_id, COALESCE(p.name, ''), h.building_id, COALESCE(b.name, ''),
	h.place, h.description, h.severity, h.state, h.reported_by, ru.name, h.reported_at, h.assignee_id, COALESCE(au.name, ''), h.assigned_at, h.due_at,
	h.rectified_by, COALESCE(xu.name, ''), h.rectified_at, h.rectify_note, h.verified_by, COALESCE(vu.name, ''), h.verified_at, h.verify_note, h.updated_at`

const hazardFrom = ` FROM hazards h
	LEFT JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id
	LEFT JOIN buildings b ON b.project_id = h.project_id AND b.id = h.building_id
	JOIN users ru ON ru.id = h.reported_by
	LEFT JOIN users au ON au.id = h.assignee_id
	LEFT JOIN users xu ON xu.id = h.rectified_by
	LEFT JOIN users vu ON vu.id = h.verified_by`

func scanHazard(s interface{ Scan(...any) error }, now time.Time, extra ...any) (*wubu.Hazard, error) {
	h := &wubu.Hazard{}
	err := s.Scan(append([]any{&h.ID, &h.ProjectID, &h.Source, &h.RunID, &h.PersonID, &h.PersonName, &h.BuildingID, &h.BuildingName,
		&h.Place, &h.Description, &h.Severity, &h.State, &h.ReportedBy, &h.ReporterName, &h.ReportedAt, &h.AssigneeID, &h.AssigneeName, &h.AssignedAt, &h.DueAt,
		&h.RectifiedBy, &h.RectifierName, &h.RectifiedAt, &h.RectifyNote, &h.VerifiedBy, &h.VerifierName, &h.VerifiedAt, &h.VerifyNote, &h.UpdatedAt}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	h.Overdue = h.State == wubu.HazardAssigned && h.DueAt != nil && now.After(*h.DueAt)
	return h, err
}

// hazards is how the life-cycle runner reads and writes hazards.
var hazards = &machine[*wubu.Hazard]{
	lc: wubu.HazardLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Hazard, error) {
		q := `SELECT ` + hazardColumns + hazardFrom + ` WHERE h.id = ?`
		if lock {
			q += tx.db.forUpdate("h")
		}
		return scanHazard(tx.queryRow(ctx, q, id), tx.now)
	},
	facts: func(h *wubu.Hazard) facts {
		return facts{ProjectID: h.ProjectID, ID: h.ID, State: string(h.State), Post: wubu.PostSecurity, AssigneeID: h.AssigneeID, AssigneeName: h.AssigneeName,
			ReporterID: &h.ReportedBy, PersonID: h.PersonID, Due: h.DueAt}
	},
	setState: func(h *wubu.Hazard, s string) { h.State = wubu.HazardState(s) },
	insert: func(ctx context.Context, tx *Tx, h *wubu.Hazard) (err error) {
		h.ID, err = tx.insert(ctx, `INSERT INTO hazards (project_id, source, run_id, person_id, building_id, place, description, severity, state, reported_by, reported_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.ProjectID, h.Source, h.RunID, h.PersonID, h.BuildingID, h.Place, h.Description, h.Severity, h.State, h.ReportedBy, h.ReportedAt, h.UpdatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, h *wubu.Hazard) error {
		_, err := tx.exec(ctx, `UPDATE hazards SET state = ?, assignee_id = ?, assigned_at = ?, due_at = ?, rectified_by = ?, rectified_at = ?, rectify_note = ?,
			verified_by = ?, verified_at = ?, verify_note = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			h.State, h.AssigneeID, h.AssignedAt, h.DueAt, h.RectifiedBy, h.RectifiedAt, h.RectifyNote, h.VerifiedBy, h.VerifiedAt, h.VerifyNote, tx.now, h.ProjectID, h.ID)
		return err
	},
	clone: func(h *wubu.Hazard) *wubu.Hazard { c := *h; return &c },
	audit: func(h *wubu.Hazard) any {
		return map[string]any{"state": h.State, "place": h.Place, "severity": h.Severity, "assignee_id": h.AssigneeID, "due_at": h.DueAt,
			"rectify_note": h.RectifyNote, "verify_note": h.VerifyNote}
	},
	timeline: func(h *wubu.Hazard, _ string) (string, string) { return "", h.Place + ": " + h.Description },
}

// ReportHazard records a hazard with an optional photo.
func (s *HazardService) ReportHazard(ctx context.Context, h *wubu.Hazard, photo *wubu.Photo) error {
	if _, err := authorizeAction(ctx, wubu.HazardLifecycle, wubu.HazardReport, h.ProjectID); err != nil {
		return err
	}
	h.Place, h.Description = strings.TrimSpace(h.Place), strings.TrimSpace(h.Description)
	if h.Source == "" {
		h.Source = wubu.HazardFromStaff
	}
	switch {
	case !h.Source.Valid():
		return wubu.FieldErrorf("source", wubu.EINVALID, "Hazard source %q is not valid.", string(h.Source))
	case h.Place == "" || len([]rune(h.Place)) > 80:
		return wubu.FieldErrorf("place", wubu.EINVALID, "Say where the hazard is (at most %d characters).", 80)
	case h.Description == "" || len([]rune(h.Description)) > 1000:
		return wubu.FieldErrorf("description", wubu.EINVALID, "Describe the hazard (at most %d characters).", 1000)
	case !h.Severity.Valid():
		return wubu.FieldErrorf("severity", wubu.EINVALID, "Choose how serious the hazard is.")
	case h.Source == wubu.HazardFromResident && h.PersonID == nil:
		return wubu.FieldErrorf("person_id", wubu.EINVALID, "A hazard reported by a resident needs the resident.")
	case (h.Source == wubu.HazardFromPatrol || h.Source == wubu.HazardFromInspection) && h.RunID == nil:
		return wubu.FieldErrorf("run_id", wubu.EINVALID, "A hazard found on a patrol or inspection needs its run.")
	}
	if err := checkPhoto(photo, "photo"); err != nil {
		return err
	}
	_, err := runCreate(ctx, s.run, hazards, h.ProjectID, wubu.HazardReport, h, func(ctx context.Context, tx *Tx, h *wubu.Hazard, u *wubu.User) (string, error) {
		for _, ref := range []struct {
			id           *int64
			table, field string
		}{{h.PersonID, "persons", "person_id"}, {h.BuildingID, "buildings", "building_id"}, {h.RunID, "patrol_runs", "run_id"}} {
			if ref.id == nil {
				continue
			}
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM `+ref.table+` WHERE project_id = ? AND id = ?`, h.ProjectID, *ref.id).Scan(&n); err != nil {
				return "", err
			} else if n == 0 {
				return "", wubu.FieldErrorf(ref.field, wubu.ENOTFOUND, "Not found.")
			}
		}
		h.ReportedBy, h.ReporterName, h.ReportedAt, h.UpdatedAt = u.ID, u.Name, tx.now, tx.now
		return "", nil
	}, func(ctx context.Context, tx *Tx, h *wubu.Hazard, u *wubu.User) (string, error) {
		return "", addPhoto(ctx, tx, h.ProjectID, "hazard", h.ID, wubu.PhotoFound, photo)
	})
	return err
}

// AssignHazard assigns a hazard and arms its deadline.
func (s *HazardService) AssignHazard(ctx context.Context, id int64, a wubu.HazardAssignment) (*wubu.Hazard, error) {
	_, err := runStep(ctx, s.run, hazards, id, wubu.HazardAssign, func(ctx context.Context, tx *Tx, h *wubu.Hazard, u *wubu.User) (string, error) {
		if err := checkStaff(ctx, tx, h.ProjectID, a.AssigneeID, "assignee_id"); err != nil {
			return "", err
		}
		due := a.Due
		if due.IsZero() {
			due = tx.now.Add(h.Severity.RectifyWithin())
		} else if !due.After(tx.now) {
			return "", wubu.FieldErrorf("due", wubu.EINVALID, "The due time must be in the future.")
		}
		due = due.UTC().Truncate(time.Microsecond)
		h.AssigneeID, h.AssignedAt, h.DueAt = &a.AssigneeID, &tx.now, &due
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindHazard(ctx, id)
}

// RectifyHazard records the rectification with its photo and stops the
// clock.
func (s *HazardService) RectifyHazard(ctx context.Context, id int64, note string, photo *wubu.Photo) (*wubu.Hazard, error) {
	note = strings.TrimSpace(note)
	_, err := runStep(ctx, s.run, hazards, id, wubu.HazardRectify, func(ctx context.Context, tx *Tx, h *wubu.Hazard, u *wubu.User) (string, error) {
		if len([]rune(note)) > 1000 {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 1000)
		}
		if photo == nil || len(photo.Data) == 0 {
			return "", wubu.FieldErrorf("photo", wubu.EINVALID, "Take a photo of the rectified hazard.")
		}
		if err := checkPhoto(photo, "photo"); err != nil {
			return "", err
		}
		h.RectifiedBy, h.RectifiedAt, h.RectifyNote = &u.ID, &tx.now, note
		return note, addPhoto(ctx, tx, h.ProjectID, "hazard", id, wubu.PhotoRectified, photo)
	})
	if err != nil {
		return nil, err
	}
	return s.FindHazard(ctx, id)
}

// VerifyHazard closes a rectified hazard, or sends it back to its assignee
// with a new span of the severity's time.
func (s *HazardService) VerifyHazard(ctx context.Context, id int64, accepted bool, note string) (*wubu.Hazard, error) {
	note = strings.TrimSpace(note)
	action := wubu.HazardVerify
	if !accepted {
		action = wubu.HazardReject
	}
	_, err := runStep(ctx, s.run, hazards, id, action, func(ctx context.Context, tx *Tx, h *wubu.Hazard, u *wubu.User) (string, error) {
		if len([]rune(note)) > 1000 {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 1000)
		}
		h.VerifyNote = note
		if accepted {
			h.VerifiedBy, h.VerifiedAt = &u.ID, &tx.now
			return note, nil
		}
		if note == "" {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "Say what is still wrong when sending a hazard back.")
		}
		due := tx.now.Add(h.Severity.RectifyWithin())
		h.RectifiedBy, h.RectifiedAt, h.DueAt = nil, nil, &due
		return note, nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindHazard(ctx, id)
}

// FindHazard returns a hazard with its photos.
func (s *HazardService) FindHazard(ctx context.Context, id int64) (*wubu.Hazard, error) {
	h, err := scanHazard(s.db.queryRow(ctx, `SELECT `+hazardColumns+hazardFrom+` WHERE h.id = ?`, id), s.db.now())
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, h.ProjectID); err != nil {
		return nil, err
	}
	if h.Photos, err = photos(ctx, s.db, h.ProjectID, "hazard", id); err != nil {
		return nil, err
	}
	return h, nil
}

// FindHazards lists a project's hazards, newest first.
func (s *HazardService) FindHazards(ctx context.Context, projectID int64, f wubu.HazardFilter) ([]*wubu.Hazard, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, projectID); err != nil {
		return nil, 0, err
	}
	now := s.db.now()
	where, args := []string{"h.project_id = ?"}, []any{projectID}
	if f.State != "" {
		where, args = append(where, "h.state = ?"), append(args, f.State)
	}
	if f.Open {
		where, args = append(where, "h.state <> ?"), append(args, wubu.HazardClosed)
	}
	if f.AssigneeID != nil {
		where, args = append(where, "h.assignee_id = ?"), append(args, *f.AssigneeID)
	}
	if f.BuildingID != nil {
		where, args = append(where, "h.building_id = ?"), append(args, *f.BuildingID)
	}
	if f.Severity != "" {
		where, args = append(where, "h.severity = ?"), append(args, f.Severity)
	}
	if f.Overdue {
		where, args = append(where, "h.state = ? AND h.due_at < ?"), append(args, wubu.HazardAssigned, now)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.query(ctx, `SELECT `+hazardColumns+`, COUNT(*) OVER()`+hazardFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY h.reported_at DESC, h.id DESC LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*wubu.Hazard
	total := 0
	for rows.Next() {
		h, err := scanHazard(rows, now, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, h)
	}
	return out, total, rows.Err()
}
