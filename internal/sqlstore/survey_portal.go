package sqlstore

import (
	"context"
	"slices"
	"time"

	"github.com/wubu-oss/wubu"
)

// Community surveys on the residents' portal (issue 15): a resident sees
// the surveys whose audience holds one of their homes and answers as
// through a personal link — once per household, counted in their
// building's results.

// mySurvey tells how a form stands for the resident: nil when its
// audience holds none of their homes; the rooms of the audience they live
// in.
func (s *SurveyService) mySurvey(ctx context.Context, q dbOrTx, on rowQuerier, id *wubu.PortalIdentity, f *wubu.SurveyForm, now time.Time) (*wubu.MySurvey, []any, error) {
	if f.Purpose != wubu.SurveyCommunity {
		return nil, nil, nil
	}
	var rooms []any
	for _, h := range id.Homes {
		if len(f.BuildingIDs) == 0 || slices.Contains(f.BuildingIDs, h.BuildingID) {
			rooms = append(rooms, h.RoomID)
		}
	}
	if len(rooms) == 0 {
		return nil, nil, nil
	}
	if f.SegmentID != nil {
		seg, sargs, err := s.db.segmentAudience(ctx, on, f.ProjectID, *f.SegmentID)
		if err != nil {
			return nil, nil, err
		}
		var n int
		if err := q.queryRow(ctx, `SELECT COUNT(*) FROM persons WHERE project_id = ? AND id = ? AND id IN (`+seg+`)`,
			append([]any{f.ProjectID, id.PersonID}, sargs...)...).Scan(&n); err != nil {
			return nil, nil, err
		} else if n == 0 {
			return nil, nil, nil
		}
	}
	// Answered by the resident, by anyone living in their rooms, or
	// through the link of one of their rooms.
	var n int
	in := placeholders(len(rooms))
	if err := q.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM survey_responses sr WHERE sr.project_id = ? AND sr.form_id = ? AND (sr.person_id = ? OR sr.person_id IN
			(SELECT h.person_id FROM households h WHERE h.project_id = ? AND h.move_out = '' AND h.room_id IN (`+in+`))))
		+ (SELECT COUNT(*) FROM survey_links l WHERE l.project_id = ? AND l.form_id = ? AND l.answered_at IS NOT NULL AND (l.person_id = ? OR l.room_id IN (`+in+`)))`,
		append(append(append([]any{f.ProjectID, f.ID, id.PersonID, f.ProjectID}, rooms...), f.ProjectID, f.ID, id.PersonID), rooms...)...).Scan(&n); err != nil {
		return nil, nil, err
	}
	today := now.In(cst).Format(time.DateOnly)
	return &wubu.MySurvey{Form: f, Answered: n > 0, Closed: f.ClosesOn != "" && today > f.ClosesOn}, rooms, nil
}

// MySurveys lists the open and closed community surveys of the resident's
// homes, the latest first.
func (s *SurveyService) MySurveys(ctx context.Context) ([]*wubu.MySurvey, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	today := s.db.now().In(cst).Format(time.DateOnly)
	rows, err := s.db.query(ctx, `SELECT id FROM survey_forms WHERE project_id = ? AND purpose = ? AND (opens_on = '' OR opens_on <= ?)
		ORDER BY opens_on DESC, id DESC LIMIT 50`, id.ProjectID, wubu.SurveyCommunity, today)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var fid int64
		if err := rows.Scan(&fid); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, fid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []*wubu.MySurvey{}
	for _, fid := range ids {
		f, err := readForm(ctx, s.db, id.ProjectID, fid)
		if err != nil {
			return nil, err
		}
		m, _, err := s.mySurvey(ctx, s.db, s.db.reader(), id, f, s.db.now())
		if err != nil {
			return nil, err
		}
		if m != nil {
			out = append(out, m)
		}
	}
	return out, nil
}

// MySurvey returns a survey of the resident's homes.
func (s *SurveyService) MySurvey(ctx context.Context, formID int64) (*wubu.MySurvey, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	f, err := readForm(ctx, s.db, id.ProjectID, formID)
	if err != nil {
		return nil, err
	}
	m, _, err := s.mySurvey(ctx, s.db, s.db.reader(), id, f, s.db.now())
	if err != nil {
		return nil, err
	}
	today := s.db.now().In(cst).Format(time.DateOnly)
	if m == nil || f.OpensOn != "" && today < f.OpensOn {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Survey form not found.")
	}
	return m, nil
}

// AnswerMySurvey records the resident's answers, once per household.
func (s *SurveyService) AnswerMySurvey(ctx context.Context, formID int64, answers []wubu.SurveyAnswer) error {
	id, err := portalResident(ctx)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Two people of one household answering at once: the second waits for
	// the first on the rooms' rows (PostgreSQL; SQLite's writers take
	// turns), then finds the household answered.
	if rooms := myRooms(id); len(rooms) > 0 && s.db.Dialect == Postgres {
		rows, err := tx.query(ctx, `SELECT r.id FROM rooms r WHERE r.project_id = ? AND r.id IN (`+placeholders(len(rooms))+`) ORDER BY r.id`+s.db.forUpdate("r"),
			append([]any{id.ProjectID}, rooms...)...)
		if err != nil {
			return err
		}
		rows.Close()
	}
	f, err := readForm(ctx, tx, id.ProjectID, formID)
	if err != nil {
		return err
	}
	m, rooms, err := s.mySurvey(ctx, tx, tx, id, f, tx.now)
	if err != nil {
		return err
	}
	today := tx.now.In(cst).Format(time.DateOnly)
	switch {
	case m == nil || f.OpensOn != "" && today < f.OpensOn:
		return wubu.Errorf(wubu.ENOTFOUND, "Survey form not found.")
	case m.Answered:
		return wubu.Errorf(wubu.ECONFLICT, "Your household has answered this survey already. Thank you!")
	case m.Closed:
		return wubu.Errorf(wubu.EINVALID, "This survey closed on %s. Thank you for your interest.", f.ClosesOn)
	}
	r := &wubu.SurveyResponse{FormID: f.ID, PersonID: &id.PersonID, Answers: answers}
	if err := answerCommunity(ctx, tx, f, r); err != nil {
		if wubu.ErrorCode(err) == wubu.ECONFLICT {
			return wubu.Errorf(wubu.ECONFLICT, "Your household has answered this survey already. Thank you!")
		}
		return err
	}
	// The household's personal link, if one was sent, is used now.
	if _, err := tx.exec(ctx, `UPDATE survey_links SET response_id = ?, answered_at = ? WHERE project_id = ? AND form_id = ? AND answered_at IS NULL
		AND (person_id = ? OR room_id IN (`+placeholders(len(rooms))+`))`, append([]any{r.ID, tx.now, f.ProjectID, f.ID, id.PersonID}, rooms...)...); err != nil {
		return err
	}
	return tx.Commit()
}
