package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/wubu-oss/wubu"
)

// Violations found on a renovation during its works, to a verified close;
// one endangering the structure or the common areas opens a hazard too.

const violationColumns = `v.id, v.project_id, v.renovation_id, v.kind, v.description, v.endangers, v.hazard_id, v.state, r.manager_id, COALESCE(mu.name, ''),
	v.recorded_by, v.recorded_at, v.rectify_note, v.verify_note, v.updated_at, rm.label`

const violationFrom = ` FROM renovation_violations v
	JOIN renovations r ON r.project_id = v.project_id AND r.id = v.renovation_id
	JOIN rooms rm ON rm.project_id = r.project_id AND rm.id = r.room_id
	LEFT JOIN users mu ON mu.id = r.manager_id`

func scanViolation(s interface{ Scan(...any) error }) (*wubu.Violation, error) {
	v := &wubu.Violation{}
	err := s.Scan(&v.ID, &v.ProjectID, &v.RenovationID, &v.Kind, &v.Description, &v.Endangers, &v.HazardID, &v.State, &v.ManagerID, &v.ManagerName,
		&v.RecordedBy, &v.RecordedAt, &v.RectifyNote, &v.VerifyNote, &v.UpdatedAt, &v.RoomLabel)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return v, err
}

// violations is how the life-cycle runner reads and writes violations; the
// renovation manager is their assignee.
var violations = &machine[*wubu.Violation]{
	lc: wubu.ViolationLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Violation, error) {
		q := `SELECT ` + violationColumns + violationFrom + ` WHERE v.id = ?`
		if lock {
			q += tx.db.forUpdate("v")
		}
		return scanViolation(tx.queryRow(ctx, q, id))
	},
	facts: func(v *wubu.Violation) facts {
		return facts{ProjectID: v.ProjectID, ID: v.ID, State: string(v.State), Post: wubu.PostMaintenance, AssigneeID: v.ManagerID, AssigneeName: v.ManagerName,
			ReporterID: &v.RecordedBy}
	},
	setState: func(v *wubu.Violation, s string) { v.State = wubu.ViolationState(s) },
	insert: func(ctx context.Context, tx *Tx, v *wubu.Violation) (err error) {
		v.ID, err = tx.insert(ctx, `INSERT INTO renovation_violations (project_id, renovation_id, kind, description, endangers, hazard_id, state, recorded_by, recorded_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ProjectID, v.RenovationID, v.Kind, v.Description, v.Endangers, v.HazardID, v.State, v.RecordedBy, v.RecordedAt, v.UpdatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, v *wubu.Violation) error {
		_, err := tx.exec(ctx, `UPDATE renovation_violations SET state = ?, rectify_note = ?, verify_note = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			v.State, v.RectifyNote, v.VerifyNote, tx.now, v.ProjectID, v.ID)
		return err
	},
	clone: func(v *wubu.Violation) *wubu.Violation { c := *v; return &c },
	audit: func(v *wubu.Violation) any {
		return map[string]any{"state": v.State, "kind": v.Kind, "endangers": v.Endangers, "hazard_id": v.HazardID, "rectify_note": v.RectifyNote, "verify_note": v.VerifyNote}
	},
	// The escalation's notices go to the parties the project's settings
	// name, when this violation reaches its threshold.
	when: func(v *wubu.Violation, cond string) (bool, bool) {
		p, ok := strings.CutPrefix(cond, wubu.ViolationEscalates+":")
		if !ok {
			return false, false
		}
		return slices.Contains(v.EscalateTo, wubu.Party(p)), true
	},
	vars: func(v *wubu.Violation) map[string]string {
		return map[string]string{"renovation": strconv.FormatInt(v.RenovationID, 10), "room": v.RoomLabel, "count": strconv.Itoa(v.Count),
			"kind": v.Kind, "description": v.Description, "manager": v.ManagerName}
	},
}

// RecordViolation records a violation on a renovation in works; one that
// endangers the structure or the common areas opens a high-severity
// security hazard in the same transaction.
func (s *RenovationService) RecordViolation(ctx context.Context, v *wubu.Violation, photo *wubu.Photo) (*wubu.Violation, error) {
	v.Description = strings.TrimSpace(v.Description)
	r, err := s.FindRenovation(ctx, v.RenovationID)
	if err != nil {
		return nil, err
	}
	v.ProjectID = r.ProjectID
	switch {
	case !slices.Contains(wubu.ViolationKinds, v.Kind):
		return nil, wubu.FieldErrorf("kind", wubu.EINVALID, "Choose the kind of violation.")
	case v.Description == "" || len([]rune(v.Description)) > 1000:
		return nil, wubu.FieldErrorf("description", wubu.EINVALID, "Describe the violation (at most %d characters).", 1000)
	case r.State != wubu.RenovationInWorks:
		return nil, wubu.Errorf(wubu.ECONFLICT, "Renovation %d is not in works: no violation can be recorded.", r.ID)
	}
	if err := checkPhoto(photo, "photo"); err != nil {
		return nil, err
	}
	if v.Kind == "structure" || v.Kind == "common_area" {
		v.Endangers = true
	}
	_, err = runCreate(ctx, s.run, violations, v.ProjectID, wubu.ViolationRecord, v, func(ctx context.Context, tx *Tx, v *wubu.Violation, u *wubu.User) (string, error) {
		v.RecordedBy, v.RecordedAt, v.UpdatedAt = u.ID, tx.now, tx.now
		v.ManagerID, v.ManagerName, v.RoomLabel = r.ManagerID, r.ManagerName, r.RoomLabel
		// Repeated violations: the one reaching the project's threshold
		// escalates, once.
		if err := tx.queryRow(ctx, `SELECT COUNT(*) + 1 FROM renovation_violations WHERE project_id = ? AND renovation_id = ?`, v.ProjectID, v.RenovationID).
			Scan(&v.Count); err != nil {
			return "", err
		}
		st, err := renovationSettings(ctx, tx.queryRow, tx.query, v.ProjectID)
		if err != nil {
			return "", err
		}
		if st.EscalateAfter > 0 && v.Count == st.EscalateAfter {
			v.EscalateTo = st.EscalateTo
		}
		if !v.Endangers {
			return "", nil
		}
		h := &wubu.Hazard{ProjectID: v.ProjectID, Source: wubu.HazardFromStaff, Place: r.RoomLabel, Description: v.Description,
			Severity: wubu.SeverityHigh, ReportedBy: u.ID, ReporterName: u.Name, ReportedAt: tx.now, UpdatedAt: tx.now}
		if err := createIn(ctx, s.run, tx, hazards, wubu.HazardReport, h, ""); err != nil {
			return "", err
		}
		if photo != nil && len(photo.Data) > 0 {
			if err := addPhoto(ctx, tx, h.ProjectID, "hazard", h.ID, wubu.PhotoFound, photo); err != nil {
				return "", err
			}
		}
		v.HazardID = &h.ID
		return "", nil
	}, func(ctx context.Context, tx *Tx, v *wubu.Violation, u *wubu.User) (string, error) {
		if photo == nil || len(photo.Data) == 0 {
			return "", nil
		}
		return "", addPhoto(ctx, tx, v.ProjectID, "renovation_violation", v.ID, wubu.PhotoViolation, photo)
	})
	if err != nil {
		return nil, err
	}
	return s.findViolation(ctx, v.ID)
}

// RectifyViolation records the contractor's rectification, with its photo.
func (s *RenovationService) RectifyViolation(ctx context.Context, id int64, note string, photo *wubu.Photo) (*wubu.Violation, error) {
	note = strings.TrimSpace(note)
	if photo == nil || len(photo.Data) == 0 {
		return nil, wubu.FieldErrorf("photo", wubu.EINVALID, "Take a photo of the rectification.")
	}
	if err := checkPhoto(photo, "photo"); err != nil {
		return nil, err
	}
	_, err := runStep(ctx, s.run, violations, id, wubu.ViolationRectify, func(ctx context.Context, tx *Tx, v *wubu.Violation, u *wubu.User) (string, error) {
		if len([]rune(note)) > 1000 {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 1000)
		}
		v.RectifyNote = note
		return note, addPhoto(ctx, tx, v.ProjectID, "renovation_violation", v.ID, wubu.PhotoRectified, photo)
	})
	if err != nil {
		return nil, err
	}
	return s.findViolation(ctx, id)
}

// VerifyViolation closes a rectified violation or sends it back.
func (s *RenovationService) VerifyViolation(ctx context.Context, id int64, accepted bool, note string) (*wubu.Violation, error) {
	note = strings.TrimSpace(note)
	action := wubu.ViolationVerify
	if !accepted {
		action = wubu.ViolationReject
	}
	_, err := runStep(ctx, s.run, violations, id, action, func(ctx context.Context, tx *Tx, v *wubu.Violation, u *wubu.User) (string, error) {
		if !accepted && note == "" {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "Say what is still wrong when sending a violation back.")
		}
		v.VerifyNote = note
		return note, nil
	})
	if err != nil {
		return nil, err
	}
	return s.findViolation(ctx, id)
}

func (s *RenovationService) findViolation(ctx context.Context, id int64) (*wubu.Violation, error) {
	v, err := scanViolation(s.db.queryRow(ctx, `SELECT `+violationColumns+violationFrom+` WHERE v.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, v.ProjectID); err != nil {
		return nil, err
	}
	return v, nil
}

// FindViolations lists a renovation's violations, oldest first.
func (s *RenovationService) FindViolations(ctx context.Context, renovationID int64) ([]*wubu.Violation, error) {
	r, err := s.FindRenovation(ctx, renovationID)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+violationColumns+violationFrom+` WHERE v.project_id = ? AND v.renovation_id = ? ORDER BY v.id`, r.ProjectID, r.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Violation
	for rows.Next() {
		v, err := scanViolation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
