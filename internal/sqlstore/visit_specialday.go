package sqlstore

import (
	"context"
	"time"

	"github.com/wubu-oss/wubu"
)

// planSpecialDayVisits plans a congratulation visit (D4) for each key
// customer (importance KeyCustomerImportance or more) whose special day
// falls on date, due that day at 10:00 for the resident's assistant (the
// zone assistant, else the project's first customer-service assistant);
// a resident with a special-day visit planned for that day already gets
// none. It returns the visits planned.
func (s *RevisitService) planSpecialDayVisits(ctx context.Context, pid int64, date time.Time) (int, error) {
	days, err := specialDaysOn(ctx, s.db, pid, date)
	if err != nil || len(days) == 0 {
		return 0, err
	}
	persons := make([]int64, len(days))
	for i, d := range days {
		persons[i] = d.PersonID
	}
	resp, err := responsibleStaff(ctx, s.db, pid, persons)
	if err != nil {
		return 0, err
	}
	day := time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, cst)
	due := day.Add(10 * time.Hour)
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n := 0
	for _, d := range days {
		var importance, planned int
		if err := tx.queryRow(ctx, `SELECT importance FROM persons WHERE project_id = ? AND id = ?`, pid, d.PersonID).Scan(&importance); err != nil {
			return 0, err
		}
		assistants := resp.assistants(d.PersonID)
		if importance < wubu.KeyCustomerImportance || len(assistants) == 0 {
			continue
		}
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM revisits WHERE project_id = ? AND person_id = ? AND kind = ? AND due_at >= ? AND due_at < ?`,
			pid, d.PersonID, wubu.VisitSpecialDay, day.UTC(), day.AddDate(0, 0, 1).UTC()).Scan(&planned); err != nil {
			return 0, err
		}
		if planned > 0 {
			continue
		}
		v := &wubu.Revisit{ProjectID: pid, PersonID: d.PersonID, PersonName: d.Name, Kind: wubu.VisitSpecialDay, AssistantID: assistants[0],
			DueAt: due, Purpose: specialDayLabels[d.Kind] + "祝贺拜访"}
		if err := planVisit(ctx, s.run, tx, v); err != nil {
			return 0, err
		}
		n++
	}
	if n == 0 {
		return 0, nil
	}
	return n, s.run.commit(ctx, tx)
}
