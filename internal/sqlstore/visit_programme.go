package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/wubu-oss/wubu"
)

// The visit settings of a project and the monthly satisfaction programme
// (回访, D1): a share of the households each month, chosen by rule.

// VisitSettings returns a project's visit settings.
func (s *RevisitService) VisitSettings(ctx context.Context, projectID int64) (wubu.VisitSettings, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return wubu.VisitSettings{}, err
	}
	if err := rulesProjectExists(ctx, s.db, projectID); err != nil {
		return wubu.VisitSettings{}, err
	}
	return visitSettings(ctx, s.db, projectID)
}

// visitSettings reads a project's visit settings, the defaults when none.
func visitSettings(ctx context.Context, q dbOrTx, projectID int64) (wubu.VisitSettings, error) {
	st := wubu.DefaultVisitSettings(projectID)
	err := q.queryRow(ctx, `SELECT welcome_days, programme_percent, programme_gap_months, move_in_stall_days FROM visit_settings WHERE project_id = ?`, projectID).
		Scan(&st.WelcomeDays, &st.ProgrammePercent, &st.ProgrammeGapMonths, &st.MoveInStallDays)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	return st, err
}

// UpdateVisitSettings changes a project's visit settings.
func (s *RevisitService) UpdateVisitSettings(ctx context.Context, st wubu.VisitSettings) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, st.ProjectID); err != nil {
		return err
	}
	if err := st.Validate(); err != nil {
		return err
	}
	if err := rulesProjectExists(ctx, s.db, st.ProjectID); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	before, err := visitSettings(ctx, tx, st.ProjectID)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO visit_settings (project_id, welcome_days, programme_percent, programme_gap_months, move_in_stall_days, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (project_id) DO UPDATE SET welcome_days = excluded.welcome_days, programme_percent = excluded.programme_percent,
		programme_gap_months = excluded.programme_gap_months, move_in_stall_days = excluded.move_in_stall_days, updated_at = excluded.updated_at`,
		st.ProjectID, st.WelcomeDays, st.ProgrammePercent, st.ProgrammeGapMonths, st.MoveInStallDays, tx.now); err != nil {
		return err
	}
	if err := tx.audit(ctx, st.ProjectID, wubu.ActionUpdate, "visit_settings", st.ProjectID, before, st); err != nil {
		return err
	}
	return tx.Commit()
}

// programmeHousehold is a household the programme may visit: its room,
// building, the person to visit and when it was last visited.
type programmeHousehold struct {
	roomID, buildingID, personID int64
	name                         string
	last                         sql.NullTime
	planned                      bool
}

// RunProgramme plans the month's satisfaction programme of a project.
func (s *RevisitService) RunProgramme(ctx context.Context, projectID int64) (*wubu.ProgrammeRun, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, projectID); err != nil {
		return nil, err
	}
	if err := rulesProjectExists(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	local := tx.now.In(cst)
	month := local.Format("2006-01")
	run := &wubu.ProgrammeRun{ProjectID: projectID, Month: month, Visits: []*wubu.Revisit{}}
	// Once a month: a month already run plans nothing more.
	err = tx.queryRow(ctx, `SELECT households, chosen FROM visit_programme_runs WHERE project_id = ? AND month = ?`, projectID, month).Scan(&run.Households, &run.Chosen)
	if err == nil {
		run.Existed = true
		return run, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	st, err := visitSettings(ctx, tx, projectID)
	if err != nil {
		return nil, err
	}
	if st.ProgrammePercent == 0 {
		return run, nil
	}
	households, err := programmeHouseholds(ctx, tx, projectID)
	if err != nil {
		return nil, err
	}
	run.Households = len(households)
	share := (len(households)*st.ProgrammePercent + 99) / 100
	since := local.AddDate(0, -st.ProgrammeGapMonths, 0).UTC()
	// Eligible: not visited since the gap began; grouped by building in
	// the order of their longest unvisited household.
	byBuilding := map[int64][]programmeHousehold{}
	var order []int64
	for _, h := range households {
		if h.planned || h.last.Valid && !h.last.Time.Before(since) {
			continue
		}
		if _, ok := byBuilding[h.buildingID]; !ok {
			order = append(order, h.buildingID)
		}
		byBuilding[h.buildingID] = append(byBuilding[h.buildingID], h)
	}
	// Due at the month's end, 18:00.
	due := time.Date(local.Year(), local.Month()+1, 1, 18, 0, 0, 0, cst).AddDate(0, 0, -1)
	for len(run.Visits) < share {
		picked := false
		for _, b := range order {
			if len(run.Visits) >= share || len(byBuilding[b]) == 0 {
				continue
			}
			h := byBuilding[b][0]
			byBuilding[b] = byBuilding[b][1:]
			picked = true
			assistant, err := zoneAssistant(ctx, tx, projectID, h.buildingID)
			if err != nil {
				return nil, err
			}
			if assistant == nil {
				continue
			}
			v := &wubu.Revisit{ProjectID: projectID, PersonID: h.personID, PersonName: h.name, Kind: wubu.VisitSatisfaction,
				AssistantID: *assistant, DueAt: due, Purpose: fmt.Sprintf("%s 满意度回访", month)}
			if err := planVisit(ctx, s.run, tx, v); err != nil {
				return nil, err
			}
			run.Visits = append(run.Visits, v)
		}
		if !picked {
			break
		}
	}
	run.Chosen = len(run.Visits)
	// Two runs at once: the month's row lets one plan, the other is
	// rolled back and answers as a month already run.
	if _, err := tx.exec(ctx, `INSERT INTO visit_programme_runs (project_id, month, households, chosen, created_at) VALUES (?, ?, ?, ?, ?)`,
		projectID, month, run.Households, run.Chosen, tx.now); isUniqueViolation(err) {
		return &wubu.ProgrammeRun{ProjectID: projectID, Month: month, Visits: []*wubu.Revisit{}, Existed: true}, nil
	} else if err != nil {
		return nil, err
	}
	if err := s.run.commit(ctx, tx); err != nil {
		return nil, err
	}
	return run, nil
}

// programmeHouseholds returns a project's current households — one a room,
// its owner first (else the person longest there) — with the last visit
// recorded to anyone of the room and whether one is planned, the never
// visited and longest unvisited first, then by building and room.
// Prospects are left out.
func programmeHouseholds(ctx context.Context, tx *Tx, projectID int64) ([]programmeHousehold, error) {
	// The visits of each room's residents: the last recorded, and whether
	// one is planned.
	last := map[int64]time.Time{}
	planned := map[int64]bool{}
	vrows, err := tx.query(ctx, `SELECT h.room_id, v.status, v.done_at FROM revisits v
		JOIN households h ON h.project_id = v.project_id AND h.person_id = v.person_id
		WHERE v.project_id = ? AND h.move_out = ''`, projectID)
	if err != nil {
		return nil, err
	}
	for vrows.Next() {
		var room int64
		var status string
		var done sql.NullTime
		if err := vrows.Scan(&room, &status, &done); err != nil {
			vrows.Close()
			return nil, err
		}
		if status == string(wubu.RevisitPlanned) {
			planned[room] = true
		} else if done.Valid && done.Time.After(last[room]) {
			last[room] = done.Time
		}
	}
	if err := vrows.Close(); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, `SELECT rm.id, rm.building_id, h.person_id, p.name
		FROM households h JOIN rooms rm ON rm.project_id = h.project_id AND rm.id = h.room_id
		JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id
		WHERE h.project_id = ? AND h.move_out = '' AND h.relation <> ?
		ORDER BY rm.building_id, rm.id, CASE WHEN h.relation = 'owner' THEN 0 ELSE 1 END, h.id`, projectID, wubu.RelationProspect)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []programmeHousehold
	seen := map[int64]bool{}
	for rows.Next() {
		var h programmeHousehold
		if err := rows.Scan(&h.roomID, &h.buildingID, &h.personID, &h.name); err != nil {
			return nil, err
		}
		if seen[h.roomID] {
			continue
		}
		seen[h.roomID] = true
		h.planned = planned[h.roomID]
		if t, ok := last[h.roomID]; ok {
			h.last = sql.NullTime{Time: t, Valid: true}
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// The never visited first, then the longest unvisited.
	slices.SortStableFunc(out, func(a, b programmeHousehold) int {
		switch {
		case a.last.Valid == b.last.Valid:
			return a.last.Time.Compare(b.last.Time)
		case !a.last.Valid:
			return -1
		}
		return 1
	})
	return out, nil
}

// zoneAssistant returns the zone assistant of a building (the first by
// ID), else the project's first service assistant; nil when it has none.
func zoneAssistant(ctx context.Context, tx *Tx, projectID, buildingID int64) (*int64, error) {
	if id, err := zoneAssistantOnly(ctx, tx, projectID, buildingID); id != nil || err != nil {
		return id, err
	}
	var id int64
	err := tx.queryRow(ctx, `SELECT u.id FROM users u JOIN user_projects up ON up.user_id = u.id
		WHERE up.project_id = ? AND u.post = ? AND u.role = ? AND u.disabled = `+rulesFalse(tx.db)+` ORDER BY u.id LIMIT 1`,
		projectID, string(wubu.PostService), string(wubu.RoleStaff)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &id, nil
}
