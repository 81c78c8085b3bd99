package sqlstore

import (
	"context"
	"time"
)

// judgeCareVisits judges, in a transaction that recorded a care visit,
// which of a resident's visits came on time: within the project's
// CareVisitDays of the resident's previous visit, or of their record for
// the first one (the care list's rule; the record is the earliest day the
// flag could apply). A visit recorded late between two others changes its
// successor's judgement too. It marks the days of the "care.visit" figures
// it changes (and the new visit's, newID).
func judgeCareVisits(ctx context.Context, tx *Tx, projectID, personID, newID int64) error {
	st, err := loadProjectSettings(ctx, tx.db, tx, projectID)
	if err != nil {
		return err
	}
	span := time.Duration(st.CareVisitDays) * 24 * time.Hour
	var base time.Time
	if err := tx.queryRow(ctx, `SELECT created_at FROM persons WHERE project_id = ? AND id = ?`, projectID, personID).Scan(&base); err != nil {
		return err
	}
	type visit struct {
		id     int64
		at     time.Time
		onTime int64
	}
	rows, err := tx.query(ctx, `SELECT id, visited_at, on_time FROM care_visits WHERE project_id = ? AND person_id = ? ORDER BY visited_at, id`, projectID, personID)
	if err != nil {
		return err
	}
	var visits []visit
	for rows.Next() {
		var v visit
		if err := rows.Scan(&v.id, &v.at, &v.onTime); err != nil {
			rows.Close()
			return err
		}
		visits = append(visits, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, v := range visits {
		var want int64
		if !v.at.After(base.Add(span)) {
			want = 1
		}
		base = v.at
		if want == v.onTime && v.id != newID {
			continue
		}
		if want != v.onTime {
			if _, err := tx.exec(ctx, `UPDATE care_visits SET on_time = ? WHERE project_id = ? AND id = ?`, want, projectID, v.id); err != nil {
				return err
			}
		}
		tx.markDay(projectID, "care.visit", dayOf(v.at))
	}
	return nil
}
