package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/auth"
	"github.com/wubu-oss/wubu/internal/calendar"
)

// A community survey's audience and its personal links (issue 14 item 3,
// H4): one resident of each household of the audience gets a link by SMS;
// the link opens the survey without signing in, answers it once as that
// resident until the survey closes. Only a hash of the token is stored.

// WithNotifier sends the survey links through n.
func (s *SurveyService) WithNotifier(n wubu.Notifier) *SurveyService {
	s.notifier = n
	return s
}

// readSurveyBuildings fills a form's audience.
func readSurveyBuildings(ctx context.Context, q dbOrTx, f *wubu.SurveyForm) error {
	rows, err := q.query(ctx, `SELECT building_id FROM survey_buildings WHERE project_id = ? AND form_id = ? ORDER BY building_id`, f.ProjectID, f.ID)
	if err != nil {
		return err
	}
	defer rows.Close()
	f.BuildingIDs = nil
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		f.BuildingIDs = append(f.BuildingIDs, id)
	}
	return rows.Err()
}

// saveSurveyBuildings replaces a community survey's audience; a visit's
// form has none.
func saveSurveyBuildings(ctx context.Context, tx *Tx, f *wubu.SurveyForm) error {
	if f.Purpose != wubu.SurveyCommunity {
		f.BuildingIDs = nil
	}
	buildings, _ := bulletinAudienceIDs(&wubu.Bulletin{BuildingIDs: f.BuildingIDs})
	if err := checkAudienceIDs(ctx, tx, f.ProjectID, buildings, nil); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM survey_buildings WHERE project_id = ? AND form_id = ?`, f.ProjectID, f.ID); err != nil {
		return err
	}
	for _, id := range buildings {
		if _, err := tx.exec(ctx, `INSERT INTO survey_buildings (project_id, form_id, building_id) VALUES (?, ?, ?)`, f.ProjectID, f.ID, id); err != nil {
			return err
		}
	}
	f.BuildingIDs = buildings
	return nil
}

// surveyLinkEnd returns when a survey's links expire: the end of its
// closing day in China.
func surveyLinkEnd(f *wubu.SurveyForm) (time.Time, error) {
	d, err := time.ParseInLocation(time.DateOnly, f.ClosesOn, calendar.ChinaStandardTime)
	if err != nil {
		return time.Time{}, wubu.FieldErrorf("closes_on", wubu.EINVALID, "Give the survey its last day before sending its link.")
	}
	return d.AddDate(0, 0, 1), nil
}

// newLinkToken returns a new link token: 128 random bits, URL-safe, short
// enough for an SMS.
func newLinkToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("survey link token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// SendSurveyLinks sends a community survey's personal links by SMS.
func (s *SurveyService) SendSurveyLinks(ctx context.Context, formID int64, base string) (int, error) {
	f, err := s.form(ctx, formID, wubu.PermResidentEdit)
	if err != nil {
		return 0, err
	}
	today := s.db.now().In(cst).Format(time.DateOnly)
	switch {
	case f.Purpose != wubu.SurveyCommunity:
		return 0, wubu.FieldErrorf("form_id", wubu.EINVALID, "This form is answered with its visit's outcome.")
	case s.notifier == nil:
		return 0, wubu.Errorf(wubu.EINVALID, "Messages cannot be sent from here.")
	case f.ClosesOn != "" && today > f.ClosesOn:
		return 0, wubu.Errorf(wubu.EINVALID, "The survey is open from %s to %s.", f.OpensOn, f.ClosesOn)
	}
	end, err := surveyLinkEnd(f)
	if err != nil {
		return 0, err
	}
	// One resident with a phone per household of the audience, the owner
	// first; a household or resident with a link already gets none.
	cond, args := audienceCond(f.BuildingIDs, nil)
	args = append([]any{f.ProjectID}, args...)
	if f.SegmentID != nil {
		// A survey to a segment: only its residents get a link.
		seg, sargs, err := s.db.segmentAudience(ctx, s.db.reader(), f.ProjectID, *f.SegmentID)
		if err != nil {
			return 0, err
		}
		cond, args = cond+` AND h.person_id IN (`+seg+`)`, append(args, sargs...)
	}
	rows, err := s.db.query(ctx, `SELECT h.room_id, h.person_id`+audienceFrom+cond+`
		AND EXISTS (SELECT 1 FROM person_phones pp WHERE pp.project_id = h.project_id AND pp.person_id = h.person_id)
		AND NOT EXISTS (SELECT 1 FROM survey_links l WHERE l.project_id = h.project_id AND l.form_id = ? AND (l.room_id = h.room_id OR l.person_id = h.person_id))
		ORDER BY h.room_id, CASE WHEN h.relation = ? THEN 0 ELSE 1 END, h.person_id`, append(args, f.ID, wubu.RelationOwner)...)
	if err != nil {
		return 0, err
	}
	type recipient struct{ room, person int64 }
	var to []recipient
	seenRoom, seenPerson := map[int64]bool{}, map[int64]bool{}
	for rows.Next() {
		var c recipient
		if err := rows.Scan(&c.room, &c.person); err != nil {
			rows.Close()
			return 0, err
		}
		if !seenRoom[c.room] && !seenPerson[c.person] {
			seenRoom[c.room], seenPerson[c.person] = true, true
			to = append(to, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var project string
	if err := s.db.queryRow(ctx, `SELECT name FROM projects WHERE id = ?`, f.ProjectID).Scan(&project); err != nil {
		return 0, err
	}
	// The links first, in one transaction; then their messages.
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	ns := make([]wubu.Notification, 0, len(to))
	for _, c := range to {
		token, err := newLinkToken()
		if err != nil {
			return 0, err
		}
		id, err := tx.insert(ctx, `INSERT INTO survey_links (project_id, form_id, person_id, room_id, token_hash, expires_at, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			f.ProjectID, f.ID, c.person, c.room, auth.HashToken(token), end, tx.now)
		if err != nil {
			return 0, err
		}
		ns = append(ns, wubu.Notification{ProjectID: f.ProjectID, Kind: "survey_link", To: wubu.Recipient{PersonID: c.person},
			Vars:     map[string]string{"title": f.Title, "link": strings.TrimRight(base, "/") + "/s/" + token, "closes": f.ClosesOn, "project": project},
			DedupKey: fmt.Sprintf("survey_link:%d", id), ObjectType: "survey_form", ObjectID: fmt.Sprint(f.ID)})
	}
	if err := tx.audit(ctx, f.ProjectID, wubu.ActionUpdate, "survey_form", f.ID, nil, map[string]any{"links_sent": len(ns)}); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	for i := 0; i < len(ns); i += 500 {
		if err := s.notifier.Notify(ctx, ns[i:min(i+500, len(ns))]...); err != nil {
			return i, err
		}
	}
	return len(ns), nil
}

// surveyLink is a personal link as stored.
type surveyLink struct {
	id, projectID, formID, personID int64
	expires                         time.Time
	answered                        bool
}

// linkUser is whom a personal link acts as: no account, the one project.
func linkUser(l *surveyLink) *wubu.User {
	return &wubu.User{Login: fmt.Sprintf("survey-link:%d", l.id), Name: "Survey link", Role: wubu.RoleStaff, Post: wubu.PostService, ProjectIDs: []int64{l.projectID}}
}

// openLink finds a link by its token and checks that it may still be
// answered: not expired, the survey open, not answered yet.
func openLink(ctx context.Context, q dbOrTx, now time.Time, token string) (*surveyLink, *wubu.SurveyForm, error) {
	l := &surveyLink{}
	var answered sql.NullTime
	err := q.queryRow(ctx, `SELECT id, project_id, form_id, person_id, expires_at, answered_at FROM survey_links WHERE token_hash = ?`, auth.HashToken(token)).
		Scan(&l.id, &l.projectID, &l.formID, &l.personID, &l.expires, &answered)
	if errors.Is(err, sql.ErrNoRows) || token == "" {
		return nil, nil, wubu.Errorf(wubu.ENOTFOUND, "This survey link is not valid. Please check that you opened the whole link from the message.")
	} else if err != nil {
		return nil, nil, err
	}
	l.answered = answered.Valid
	f, err := readForm(ctx, q, l.projectID, l.formID)
	if err != nil {
		return nil, nil, err
	}
	today := now.In(cst).Format(time.DateOnly)
	switch {
	case l.answered:
		return l, f, wubu.Errorf(wubu.ECONFLICT, "Your household has answered this survey already. Thank you!")
	case !now.Before(l.expires) || f.ClosesOn != "" && today > f.ClosesOn:
		return l, f, wubu.Errorf(wubu.EINVALID, "This survey closed on %s. Thank you for your interest.", f.ClosesOn)
	case f.OpensOn != "" && today < f.OpensOn:
		return l, f, wubu.Errorf(wubu.EINVALID, "This survey opens on %s.", f.OpensOn)
	}
	return l, f, nil
}

// SurveyLinkForm returns the survey of a personal link.
func (s *SurveyService) SurveyLinkForm(ctx context.Context, token string) (*wubu.SurveyForm, error) {
	_, f, err := openLink(ctx, s.db, s.db.now(), token)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// AnswerSurveyLink records the answers given through a personal link, in
// one transaction with the link's use: of two submissions at once, one
// records and the other finds the link used.
func (s *SurveyService) AnswerSurveyLink(ctx context.Context, token string, answers []wubu.SurveyAnswer) error {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	l, f, err := openLink(ctx, tx, tx.now, token)
	if err != nil {
		return err
	}
	ctx = wubu.NewContextWithUser(ctx, linkUser(l))
	r := &wubu.SurveyResponse{FormID: f.ID, PersonID: &l.personID, Answers: answers}
	if err := answerCommunity(ctx, tx, f, r); err != nil {
		if wubu.ErrorCode(err) == wubu.ECONFLICT {
			return wubu.Errorf(wubu.ECONFLICT, "Your household has answered this survey already. Thank you!")
		}
		return err
	}
	res, err := tx.exec(ctx, `UPDATE survey_links SET response_id = ?, answered_at = ? WHERE project_id = ? AND id = ? AND answered_at IS NULL`, r.ID, tx.now, l.projectID, l.id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n != 1 {
		return wubu.Errorf(wubu.ECONFLICT, "Your household has answered this survey already. Thank you!")
	}
	return tx.Commit()
}
