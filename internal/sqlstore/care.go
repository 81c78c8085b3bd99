package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// CareService implements wubu.CareService: visits to residents with a care
// flag (H1) and the list of those due one.
type CareService struct{ db *DB }

var _ wubu.CareService = (*CareService)(nil)

// NewCareService returns the care service over db.
func NewCareService(db *DB) *CareService { return &CareService{db: db} }

// maxCareNotes is the longest note of a care visit, in characters.
const maxCareNotes = 1000

// RecordCareVisit records a visit; see wubu.CareService.
func (s *CareService) RecordCareVisit(ctx context.Context, v *wubu.CareVisit) error {
	var pid int64
	var flags, name string
	err := s.db.queryRow(ctx, `SELECT project_id, care_flags, name FROM persons WHERE id = ?`, v.PersonID).Scan(&pid, &flags, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return err
	}
	u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, pid)
	if err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
		}
		return err
	}
	v.ProjectID = pid
	v.Notes = strings.TrimSpace(v.Notes)
	now := s.db.now()
	switch {
	case strings.TrimSpace(flags) == "":
		return wubu.Errorf(wubu.EINVALID, "%s has no care flag: set one on the resident first.", name)
	case utf8.RuneCountInString(v.Notes) > maxCareNotes:
		return wubu.FieldErrorf("notes", wubu.EINVALID, "Notes must be at most %d characters.", maxCareNotes)
	case v.VisitedAt.After(now.Add(5 * time.Minute)):
		return wubu.FieldErrorf("visited_at", wubu.EINVALID, "A visit cannot be in the future.")
	case !v.VisitedAt.IsZero() && now.Sub(v.VisitedAt) > 60*24*time.Hour:
		return wubu.FieldErrorf("visited_at", wubu.EINVALID, "A visit must be recorded within %d days.", 60)
	}
	if v.VisitedAt.IsZero() {
		v.VisitedAt = now
	}
	v.VisitedAt = v.VisitedAt.UTC().Truncate(time.Microsecond)
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	v.CreatedAt = tx.now
	if u.ID != 0 {
		v.UserID, v.UserName = &u.ID, u.Name
	}
	if v.ID, err = tx.insert(ctx, `INSERT INTO care_visits (project_id, person_id, user_id, visited_at, notes, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		pid, v.PersonID, v.UserID, v.VisitedAt, v.Notes, tx.now); err != nil {
		return err
	}
	// On time or not (the "care.visit" figure), and the next visit's
	// judgement if this one was recorded late.
	if err := judgeCareVisits(ctx, tx, pid, v.PersonID, v.ID); err != nil {
		return err
	}
	// The timeline shows the kind ("timeline:care_visit") and the notes.
	if err := addTimeline(ctx, tx, pid, v.PersonID, "care_visit", v.Notes); err != nil {
		return err
	}
	if v.Survey, err = answerFormOf(ctx, tx, pid, wubu.SurveyCare, &wubu.SurveyResponse{PersonID: &v.PersonID, CareVisitID: &v.ID}, v.Answers); err != nil {
		return err
	}
	v.Answers = nil
	if err := tx.audit(ctx, pid, wubu.ActionCreate, "care_visit", v.ID, nil, v); err != nil {
		return err
	}
	return tx.Commit()
}

// FindCareVisits returns a resident's visits, newest first; see
// wubu.CareService.
func (s *CareService) FindCareVisits(ctx context.Context, personID int64) ([]*wubu.CareVisit, error) {
	var pid int64
	err := s.db.queryRow(ctx, `SELECT project_id FROM persons WHERE id = ?`, personID).Scan(&pid)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, pid); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
		}
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT v.id, v.project_id, v.person_id, v.user_id, COALESCE(u.name, ''), v.visited_at, v.notes, v.created_at
		FROM care_visits v LEFT JOIN users u ON u.id = v.user_id
		WHERE v.project_id = ? AND v.person_id = ? ORDER BY v.visited_at DESC, v.id DESC LIMIT 100`, pid, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.CareVisit{}
	for rows.Next() {
		v := &wubu.CareVisit{}
		if err := rows.Scan(&v.ID, &v.ProjectID, &v.PersonID, &v.UserID, &v.UserName, &v.VisitedAt, &v.Notes, &v.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// FindCareDue returns the project's residents with a care flag and their
// next visit; see wubu.CareService.
func (s *CareService) FindCareDue(ctx context.Context, projectID int64, overdueOnly bool) ([]*wubu.CareDue, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	if err := rulesProjectExists(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	st, err := loadProjectSettings(ctx, s.db, s.db.read, projectID)
	if err != nil {
		return nil, err
	}
	out, _, err := careDue(ctx, s.db, projectID, st, s.db.now(), overdueOnly)
	if out == nil {
		out = []*wubu.CareDue{}
	}
	return out, err
}
