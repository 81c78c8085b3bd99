package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// Complaint settings, points and rates (U4).

func readComplaintSettings(ctx context.Context, q rowReader, projectID int64) (*wubu.ComplaintSettings, error) {
	s := wubu.DefaultComplaintSettings(projectID)
	var working string
	err := q.queryRow(ctx, `SELECT ack_minutes, handle_minutes, fast_ack_minutes, fast_handle_minutes, working_categories, importance_level, importance_index,
		decay_days, visit_points, updated_at FROM complaint_settings WHERE project_id = ?`, projectID).
		Scan(&s.AckMinutes, &s.HandleMinutes, &s.FastAckMinutes, &s.FastHandleMinutes, &working, &s.ImportanceLevel, &s.ImportanceIndex,
			&s.DecayDays, &s.VisitPoints, &s.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	} else if err != nil {
		return nil, err
	}
	s.WorkingCategories = nil
	for _, c := range strings.Split(working, ",") {
		if c != "" {
			s.WorkingCategories = append(s.WorkingCategories, wubu.ComplaintCategory(c))
		}
	}
	return s, nil
}

// ComplaintSettings returns a project's complaint settings.
func (s *ComplaintService) ComplaintSettings(ctx context.Context, projectID int64) (*wubu.ComplaintSettings, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	return readComplaintSettings(ctx, s.db, projectID)
}

// SaveComplaintSettings changes a project's complaint settings.
func (s *ComplaintService) SaveComplaintSettings(ctx context.Context, set *wubu.ComplaintSettings) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, set.ProjectID); err != nil {
		return err
	}
	for _, f := range []struct {
		name     string
		v        int
		min, max int
	}{{"ack_minutes", set.AckMinutes, 1, 24 * 60}, {"handle_minutes", set.HandleMinutes, 10, 30 * 24 * 60},
		{"fast_ack_minutes", set.FastAckMinutes, 1, 24 * 60}, {"fast_handle_minutes", set.FastHandleMinutes, 10, 30 * 24 * 60},
		{"importance_level", set.ImportanceLevel, 0, 5}, {"importance_index", set.ImportanceIndex, 0, 100},
		{"decay_days", set.DecayDays, 1, 3650}, {"visit_points", set.VisitPoints, 1, 1000}} {
		if f.v < f.min || f.v > f.max {
			return wubu.FieldErrorf(f.name, wubu.EINVALID, "Enter a number from %d to %d.", f.min, f.max)
		}
	}
	if set.FastAckMinutes > set.AckMinutes || set.FastHandleMinutes > set.HandleMinutes {
		return wubu.FieldErrorf("fast_ack_minutes", wubu.EINVALID, "The fast lane's deadlines must not be longer than the ordinary ones.")
	}
	var working []string
	for _, c := range set.WorkingCategories {
		if !c.Valid() {
			return wubu.FieldErrorf("working_categories", wubu.EINVALID, "Choose what the complaint is about.")
		}
		working = append(working, string(c))
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	old, err := readComplaintSettings(ctx, tx, set.ProjectID)
	if err != nil {
		return err
	}
	set.UpdatedAt = tx.now
	if _, err := tx.exec(ctx, `DELETE FROM complaint_settings WHERE project_id = ?`, set.ProjectID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO complaint_settings (project_id, ack_minutes, handle_minutes, fast_ack_minutes, fast_handle_minutes, working_categories,
		importance_level, importance_index, decay_days, visit_points, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		set.ProjectID, set.AckMinutes, set.HandleMinutes, set.FastAckMinutes, set.FastHandleMinutes, strings.Join(working, ","),
		set.ImportanceLevel, set.ImportanceIndex, set.DecayDays, set.VisitPoints, set.UpdatedAt); err != nil {
		return err
	}
	if err := tx.audit(ctx, set.ProjectID, wubu.ActionUpdate, "complaint_settings", set.ProjectID, old, set); err != nil {
		return err
	}
	return tx.Commit()
}

// Points returns the complaint points of the project's residents and
// buildings as of now: each complaint's points fade linearly to nothing
// over the settings' decay period.
func (s *ComplaintService) Points(ctx context.Context, projectID int64, min float64) ([]wubu.ComplaintPoints, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	return complaintPoints(ctx, s.db, projectID, s.db.now(), min)
}

func complaintPoints(ctx context.Context, db *DB, projectID int64, now time.Time, min float64) ([]wubu.ComplaintPoints, error) {
	set, err := readComplaintSettings(ctx, db, projectID)
	if err != nil {
		return nil, err
	}
	period := time.Duration(set.DecayDays) * 24 * time.Hour
	rows, err := db.query(ctx, `SELECT c.person_id, COALESCE(p.name, ''), c.building_id, COALESCE(b.name, ''), c.points, c.received_at FROM complaints c
		LEFT JOIN persons p ON p.project_id = c.project_id AND p.id = c.person_id
		LEFT JOIN buildings b ON b.project_id = c.project_id AND b.id = c.building_id
		WHERE c.project_id = ? AND c.received_at > ?`, projectID, now.Add(-period))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type key struct {
		kind string
		id   int64
	}
	sum := map[key]*wubu.ComplaintPoints{}
	add := func(kind string, id sql.NullInt64, name string, v float64) {
		if !id.Valid {
			return
		}
		k := key{kind, id.Int64}
		if sum[k] == nil {
			sum[k] = &wubu.ComplaintPoints{Kind: kind, ID: id.Int64, Name: name}
		}
		sum[k].Value += v
	}
	for rows.Next() {
		var person, building sql.NullInt64
		var pname, bname string
		var points int
		var at time.Time
		if err := rows.Scan(&person, &pname, &building, &bname, &points, &at); err != nil {
			return nil, err
		}
		v := float64(points) * (1 - float64(now.Sub(at))/float64(period))
		add("person", person, pname, v)
		add("building", building, bname, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := []wubu.ComplaintPoints{}
	for _, p := range sum {
		if p.Value >= min && p.Value > 0 {
			p.Value = float64(int(p.Value*10+0.5)) / 10
			out = append(out, *p)
		}
	}
	slices.SortFunc(out, func(a, b wubu.ComplaintPoints) int {
		if c := cmp.Compare(b.Value, a.Value); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Rates returns the complaints per 100 households of the last months (the
// current one included), oldest first, by the households living there now.
func (s *ComplaintService) Rates(ctx context.Context, projectID int64, months int) ([]wubu.ComplaintRate, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermReportView, projectID); err != nil {
		return nil, err
	}
	months = max(1, min(months, 24))
	now := s.db.now().In(cst)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, cst).AddDate(0, -(months - 1), 0)
	var households int
	if err := s.db.queryRow(ctx, `SELECT COUNT(DISTINCT room_id) FROM households WHERE project_id = ? AND move_out = ''`, projectID).Scan(&households); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT received_at FROM complaints WHERE project_id = ? AND received_at >= ?`, projectID, first.UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	count := map[string]int{}
	for rows.Next() {
		var at time.Time
		if err := rows.Scan(&at); err != nil {
			return nil, err
		}
		count[at.In(cst).Format("2006-01")]++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []wubu.ComplaintRate
	for m := first; !m.After(now); m = m.AddDate(0, 1, 0) {
		r := wubu.ComplaintRate{Month: m.Format("2006-01"), Complaints: count[m.Format("2006-01")], Households: households}
		if households > 0 {
			r.Per100 = float64(int(float64(r.Complaints)*10000/float64(households)+0.5)) / 100
		}
		out = append(out, r)
	}
	return out, nil
}
