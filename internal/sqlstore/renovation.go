package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// RenovationService implements wubu.RenovationService: renovations from the
// application to the acceptance (issue 18), their review and inspection
// clocks, the on-site briefing, violations and the workers' passes.
type RenovationService struct {
	db  *DB
	run *runner
}

var _ wubu.RenovationService = (*RenovationService)(nil)

// NewRenovationService returns a renovation service over db; its review and
// inspection clocks are armed on clocks.
func NewRenovationService(db *DB, clocks wubu.ClockService) *RenovationService {
	return &RenovationService{db: db, run: newRunner(db, clocks, nil)}
}

const renovationColumns = `r.id, r.project_id, r.room_id, rm.label, r.person_id, p.name, r.company, r.lead_name, r.lead_phone, r.scope, r.description,
	r.planned_from, r.planned_to, r.state, r.manager_id, COALESCE(mu.name, ''), r.review_note, r.review_due, r.inspect_due, r.inspections, r.started_at,
	r.deposit, r.deposit_state, r.deposit_note, r.closed_at, r.briefing, r.ticked, r.resident_ack, r.resident_at, r.lead_ack, r.lead_at,
	r.final_items, r.final_ticked, r.applied_by, r.applied_at, r.updated_at, COALESCE(mu.phone, '')`

const renovationFrom = ` FROM renovations r
	JOIN rooms rm ON rm.project_id = r.project_id AND rm.id = r.room_id
	JOIN persons p ON p.project_id = r.project_id AND p.id = r.person_id
	LEFT JOIN users mu ON mu.id = r.manager_id`

func scanRenovation(s interface{ Scan(...any) error }) (*wubu.Renovation, error) {
	r := &wubu.Renovation{}
	var scope, items, ticked, finalItems, finalTicked string
	err := s.Scan(&r.ID, &r.ProjectID, &r.RoomID, &r.RoomLabel, &r.PersonID, &r.PersonName, &r.Company, &r.LeadName, &r.LeadPhone, &scope, &r.Description,
		&r.PlannedFrom, &r.PlannedTo, &r.State, &r.ManagerID, &r.ManagerName, &r.ReviewNote, &r.ReviewDue, &r.InspectDue, &r.Inspections, &r.StartedAt,
		&r.Deposit, &r.DepositState, &r.DepositNote, &r.ClosedAt, &items, &ticked, &r.Briefing.ResidentName, &r.Briefing.ResidentAt, &r.Briefing.LeadName, &r.Briefing.LeadAt,
		&finalItems, &finalTicked, &r.AppliedBy, &r.AppliedAt, &r.UpdatedAt, &r.ManagerPhone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	r.Scope = splitNonEmpty(scope, ",")
	r.Briefing.Items = splitNonEmpty(items, "\n")
	r.Briefing.Ticked = tickedBools(ticked, len(r.Briefing.Items))
	r.Final.Items = splitNonEmpty(finalItems, "\n")
	r.Final.Ticked = tickedBools(finalTicked, len(r.Final.Items))
	return r, nil
}

// tickedBools reads n items' ticks written by tickedString.
func tickedBools(ticked string, n int) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = i < len(ticked) && ticked[i] == '1'
	}
	return out
}

func splitNonEmpty(s, sep string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, sep)
}

func tickedString(b []bool) string {
	var sb strings.Builder
	for _, t := range b {
		if t {
			sb.WriteByte('1')
		} else {
			sb.WriteByte('0')
		}
	}
	return sb.String()
}

// renovations is how the life-cycle runner reads and writes renovations.
var renovations = &machine[*wubu.Renovation]{
	lc: wubu.RenovationLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Renovation, error) {
		q := `SELECT ` + renovationColumns + renovationFrom + ` WHERE r.id = ?`
		if lock {
			q += tx.db.forUpdate("r")
		}
		return scanRenovation(tx.queryRow(ctx, q, id))
	},
	facts: func(r *wubu.Renovation) facts {
		f := facts{ProjectID: r.ProjectID, ID: r.ID, State: string(r.State), Post: wubu.PostMaintenance, AssigneeID: r.ManagerID, AssigneeName: r.ManagerName,
			ReporterID: &r.AppliedBy, PersonID: &r.PersonID}
		switch r.State {
		case wubu.RenovationApplied:
			f.Due = r.ReviewDue
		case wubu.RenovationInWorks:
			f.Due = r.InspectDue
		}
		return f
	},
	setState: func(r *wubu.Renovation, s string) { r.State = wubu.RenovationState(s) },
	insert: func(ctx context.Context, tx *Tx, r *wubu.Renovation) (err error) {
		r.ID, err = tx.insert(ctx, `INSERT INTO renovations (project_id, room_id, person_id, company, lead_name, lead_phone, scope, description, planned_from, planned_to,
			state, manager_id, review_due, deposit, briefing, ticked, final_items, final_ticked, applied_by, applied_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ProjectID, r.RoomID, r.PersonID, r.Company, r.LeadName, r.LeadPhone, strings.Join(r.Scope, ","), r.Description, r.PlannedFrom, r.PlannedTo,
			r.State, r.ManagerID, r.ReviewDue, r.Deposit, strings.Join(r.Briefing.Items, "\n"), tickedString(r.Briefing.Ticked),
			strings.Join(r.Final.Items, "\n"), tickedString(r.Final.Ticked), r.AppliedBy, r.AppliedAt, r.UpdatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, r *wubu.Renovation) error {
		_, err := tx.exec(ctx, `UPDATE renovations SET state = ?, review_note = ?, review_due = ?, inspect_due = ?, inspections = ?, started_at = ?,
			deposit_state = ?, deposit_note = ?, closed_at = ?, ticked = ?, resident_ack = ?, resident_at = ?, lead_ack = ?, lead_at = ?,
			final_items = ?, final_ticked = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			r.State, r.ReviewNote, r.ReviewDue, r.InspectDue, r.Inspections, r.StartedAt, r.DepositState, r.DepositNote, r.ClosedAt, tickedString(r.Briefing.Ticked),
			r.Briefing.ResidentName, r.Briefing.ResidentAt, r.Briefing.LeadName, r.Briefing.LeadAt, strings.Join(r.Final.Items, "\n"), tickedString(r.Final.Ticked),
			tx.now, r.ProjectID, r.ID)
		return err
	},
	clone: func(r *wubu.Renovation) *wubu.Renovation { c := *r; return &c },
	audit: func(r *wubu.Renovation) any {
		return map[string]any{"state": r.State, "room_id": r.RoomID, "manager_id": r.ManagerID, "review_note": r.ReviewNote,
			"deposit_state": r.DepositState, "deposit_note": r.DepositNote}
	},
	timeline: func(r *wubu.Renovation, _ string) (string, string) { return "", r.RoomLabel + " " + r.Company },
}

// RenovationSettings returns a project's renovation rules (defaults when
// none are set).
func (s *RenovationService) RenovationSettings(ctx context.Context, projectID int64) (*wubu.RenovationSettings, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	return renovationSettings(ctx, s.db.queryRow, s.db.query, projectID)
}

type rowFunc func(ctx context.Context, q string, args ...any) *sql.Row
type rowsFunc func(ctx context.Context, q string, args ...any) (*sql.Rows, error)

func renovationSettings(ctx context.Context, row rowFunc, rows rowsFunc, projectID int64) (*wubu.RenovationSettings, error) {
	st := &wubu.RenovationSettings{ProjectID: projectID, ReviewHours: 48, InspectHours: 72, WorkFrom: "08:00", WorkTo: "18:00", RestFrom: "09:00", RestTo: "17:00",
		PurgeDays: 30, EscalateAfter: 3}
	var checklist, final, escalateTo string = "", "", string(wubu.PartyManager)
	err := row(ctx, `SELECT review_hours, inspect_hours, work_from, work_to, rest_from, rest_to, holiday_work, deposit, purge_days, checklist,
		escalate_after, escalate_to, final_checklist FROM renovation_settings WHERE project_id = ?`, projectID).
		Scan(&st.ReviewHours, &st.InspectHours, &st.WorkFrom, &st.WorkTo, &st.RestFrom, &st.RestTo, &st.HolidayWork, &st.Deposit, &st.PurgeDays, &checklist,
			&st.EscalateAfter, &escalateTo, &final)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	st.Checklist = splitNonEmpty(checklist, "\n")
	if len(st.Checklist) == 0 {
		st.Checklist = slices.Clone(wubu.DefaultBriefingChecklist)
	}
	st.FinalChecklist = splitNonEmpty(final, "\n")
	if len(st.FinalChecklist) == 0 {
		st.FinalChecklist = slices.Clone(wubu.DefaultFinalChecklist)
	}
	for _, p := range splitNonEmpty(escalateTo, ",") {
		st.EscalateTo = append(st.EscalateTo, wubu.Party(p))
	}
	rs, err := rows(ctx, `SELECT user_id FROM renovation_managers WHERE project_id = ? ORDER BY user_id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			return nil, err
		}
		st.Managers = append(st.Managers, id)
	}
	return st, rs.Err()
}

// SetRenovationSettings changes a project's renovation rules and managers.
func (s *RenovationService) SetRenovationSettings(ctx context.Context, st *wubu.RenovationSettings) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, st.ProjectID); err != nil {
		return err
	}
	switch {
	case st.ReviewHours < 1 || st.ReviewHours > 24*30:
		return wubu.FieldErrorf("review_hours", wubu.EINVALID, "The review time must be between 1 and %d hours.", 24*30)
	case st.InspectHours < 1 || st.InspectHours > 24*30:
		return wubu.FieldErrorf("inspect_hours", wubu.EINVALID, "The time between inspections must be between 1 and %d hours.", 24*30)
	case !validClock(st.WorkFrom) || !validClock(st.WorkTo) || st.WorkFrom >= st.WorkTo:
		return wubu.FieldErrorf("work_from", wubu.EINVALID, "Give the permitted working hours as HH:MM, the start before the end.")
	case !validClock(st.RestFrom) || !validClock(st.RestTo) || st.RestFrom >= st.RestTo:
		return wubu.FieldErrorf("rest_from", wubu.EINVALID, "Give the permitted working hours as HH:MM, the start before the end.")
	case st.Deposit < 0 || st.PurgeDays < 1 || st.PurgeDays > 3650:
		return wubu.FieldErrorf("purge_days", wubu.EINVALID, "The deposit may not be negative and the purge must be between 1 and %d days.", 3650)
	case st.EscalateAfter < 0 || st.EscalateAfter > 50:
		return wubu.FieldErrorf("escalate_after", wubu.EINVALID, "The number of violations that escalates a renovation must be between 0 (never) and %d.", 50)
	}
	var escalateTo []string
	for _, p := range st.EscalateTo {
		if !slices.Contains(wubu.EscalationParties, p) {
			return wubu.FieldErrorf("escalate_to", wubu.EINVALID, "Choose whom repeated violations reach.")
		}
		if !slices.Contains(escalateTo, string(p)) {
			escalateTo = append(escalateTo, string(p))
		}
	}
	if st.EscalateAfter > 0 && len(escalateTo) == 0 {
		return wubu.FieldErrorf("escalate_to", wubu.EINVALID, "Choose whom repeated violations reach.")
	}
	items, final := trimmedLines(st.Checklist), trimmedLines(st.FinalChecklist)
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, id := range st.Managers {
		if err := checkStaff(ctx, tx, st.ProjectID, id, "managers"); err != nil {
			return err
		}
	}
	if _, err := tx.exec(ctx, `DELETE FROM renovation_settings WHERE project_id = ?`, st.ProjectID); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `INSERT INTO renovation_settings (project_id, review_hours, inspect_hours, work_from, work_to, rest_from, rest_to, holiday_work,
		deposit, purge_days, checklist, escalate_after, escalate_to, final_checklist, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		st.ProjectID, st.ReviewHours, st.InspectHours, st.WorkFrom, st.WorkTo, st.RestFrom, st.RestTo, st.HolidayWork, st.Deposit, st.PurgeDays,
		strings.Join(items, "\n"), st.EscalateAfter, strings.Join(escalateTo, ","), strings.Join(final, "\n"), tx.now); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `DELETE FROM renovation_managers WHERE project_id = ?`, st.ProjectID); err != nil {
		return err
	}
	for _, id := range st.Managers {
		if _, err := tx.exec(ctx, `INSERT INTO renovation_managers (project_id, user_id) VALUES (?, ?)`, st.ProjectID, id); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// trimmedLines returns the non-blank lines of a checklist, trimmed.
func trimmedLines(lines []string) []string {
	var out []string
	for _, it := range lines {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

func validClock(s string) bool {
	_, err := time.Parse("15:04", s)
	return err == nil && len(s) == 5
}

// ApplyRenovation records an application, assigns it to the project's
// renovation manager with the fewest open renovations and arms the review.
func (s *RenovationService) ApplyRenovation(ctx context.Context, n *wubu.NewRenovation) (*wubu.Renovation, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderEdit, n.ProjectID); err != nil {
		return nil, err
	}
	r := &wubu.Renovation{ProjectID: n.ProjectID, RoomID: n.RoomID, PersonID: n.PersonID, Company: strings.TrimSpace(n.Company), LeadName: strings.TrimSpace(n.LeadName),
		Description: strings.TrimSpace(n.Description), PlannedFrom: n.PlannedFrom, PlannedTo: n.PlannedTo}
	phone, perr := cnformat.NormalizeMobile(n.LeadPhone)
	from, ferr := time.Parse(time.DateOnly, n.PlannedFrom)
	to, terr := time.Parse(time.DateOnly, n.PlannedTo)
	switch {
	case r.Company == "" || len([]rune(r.Company)) > 80:
		return nil, wubu.FieldErrorf("company", wubu.EINVALID, "Name the contractor's company (at most %d characters).", 80)
	case r.LeadName == "" || len([]rune(r.LeadName)) > 40:
		return nil, wubu.FieldErrorf("lead_name", wubu.EINVALID, "Name the contractor's lead (at most %d characters).", 40)
	case perr != nil:
		return nil, wubu.FieldErrorf("lead_phone", wubu.EINVALID, "Give the lead's mobile number.")
	case len(n.Scope) == 0:
		return nil, wubu.FieldErrorf("scope", wubu.EINVALID, "Choose what the renovation covers.")
	case ferr != nil || terr != nil || to.Before(from):
		return nil, wubu.FieldErrorf("planned_from", wubu.EINVALID, "Give the planned period as dates, the start before the end.")
	case len([]rune(r.Description)) > 2000:
		return nil, wubu.FieldErrorf("description", wubu.EINVALID, "The description may be at most %d characters.", 2000)
	}
	r.LeadPhone = phone
	for _, sc := range n.Scope {
		if !slices.Contains(wubu.RenovationScopes, sc) {
			return nil, wubu.FieldErrorf("scope", wubu.EINVALID, "Choose what the renovation covers.")
		}
		if !slices.Contains(r.Scope, sc) {
			r.Scope = append(r.Scope, sc)
		}
	}
	type sealedWorker struct{ name, sealed, hash, pass string }
	var workers []sealedWorker
	for _, w := range n.Workers {
		name, pass := strings.TrimSpace(w.Name), strings.ToUpper(strings.TrimSpace(w.PassNo))
		if name == "" || pass == "" || len([]rune(name)) > 40 || len(pass) > 20 {
			return nil, wubu.FieldErrorf("workers", wubu.EINVALID, "Each worker needs a name and a pass number.")
		}
		id, err := cnformat.ParseIDNumber(w.IDNumber)
		if err != nil {
			return nil, wubu.FieldErrorf("workers", wubu.EINVALID, "The ID number of worker %s is not valid.", name)
		}
		sealed, hash, err := s.db.sealID(id)
		if err != nil {
			return nil, err
		}
		workers = append(workers, sealedWorker{name, sealed, hash, pass})
	}
	for _, d := range n.DrawingFiles {
		n.Drawings = append(n.Drawings, &wubu.Photo{Data: d})
	}
	n.DrawingFiles = nil
	if len(n.Drawings) > wubu.MaxDrawings {
		return nil, wubu.FieldErrorf("drawings", wubu.EINVALID, "At most %d drawings.", wubu.MaxDrawings)
	}
	for _, d := range n.Drawings {
		if err := checkDrawing(d, "drawings"); err != nil {
			return nil, err
		}
	}
	_, err := runCreate(ctx, s.run, renovations, r.ProjectID, wubu.RenovationApply, r, func(ctx context.Context, tx *Tx, r *wubu.Renovation, u *wubu.User) (string, error) {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM households h WHERE h.project_id = ? AND h.room_id = ? AND h.person_id = ?`,
			r.ProjectID, r.RoomID, r.PersonID).Scan(&n); err != nil {
			return "", err
		} else if n == 0 {
			return "", wubu.FieldErrorf("person_id", wubu.ENOTFOUND, "The resident does not live in this room.")
		}
		st, err := renovationSettings(ctx, tx.queryRow, tx.query, r.ProjectID)
		if err != nil {
			return "", err
		}
		if len(st.Managers) > 0 {
			var id int64
			if err := tx.queryRow(ctx, `SELECT m.user_id FROM renovation_managers m WHERE m.project_id = ?
				ORDER BY (SELECT COUNT(*) FROM renovations r WHERE r.project_id = m.project_id AND r.manager_id = m.user_id AND r.state NOT IN (?, ?)), m.user_id LIMIT 1`,
				r.ProjectID, wubu.RenovationClosed, wubu.RenovationRefused).Scan(&id); err != nil {
				return "", err
			}
			r.ManagerID = &id
			_ = tx.queryRow(ctx, `SELECT name FROM users WHERE id = ?`, id).Scan(&r.ManagerName)
		}
		due := tx.now.Add(time.Duration(st.ReviewHours) * time.Hour)
		r.ReviewDue, r.Deposit = &due, st.Deposit
		r.Briefing.Items, r.Briefing.Ticked = st.Checklist, make([]bool, len(st.Checklist))
		r.Final.Items, r.Final.Ticked = st.FinalChecklist, make([]bool, len(st.FinalChecklist))
		r.AppliedBy, r.AppliedAt, r.UpdatedAt = u.ID, tx.now, tx.now
		return "", nil
	}, func(ctx context.Context, tx *Tx, r *wubu.Renovation, u *wubu.User) (string, error) {
		for _, w := range workers {
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM renovation_workers WHERE project_id = ? AND pass_no = ?`, r.ProjectID, w.pass).Scan(&n); err != nil {
				return "", err
			} else if n > 0 {
				return "", wubu.FieldErrorf("workers", wubu.ECONFLICT, "Pass number %s is already in use.", w.pass)
			}
			if _, err := tx.exec(ctx, `INSERT INTO renovation_workers (project_id, renovation_id, name, id_number, id_hash, pass_no) VALUES (?, ?, ?, ?, ?, ?)`,
				r.ProjectID, r.ID, w.name, w.sealed, w.hash, w.pass); err != nil {
				return "", err
			}
		}
		for _, d := range n.Drawings {
			if err := addFile(ctx, tx, r.ProjectID, "renovation", r.ID, wubu.PhotoDrawing, d, checkDrawing); err != nil {
				return "", err
			}
		}
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindRenovation(ctx, r.ID)
}

// ReviewRenovation approves an application, asks for changes or refuses it.
func (s *RenovationService) ReviewRenovation(ctx context.Context, id int64, action, note string) (*wubu.Renovation, error) {
	note = strings.TrimSpace(note)
	if !slices.Contains([]string{wubu.RenovationApprove, wubu.RenovationAskChanges, wubu.RenovationRefuse}, action) {
		return nil, wubu.FieldErrorf("action", wubu.EINVALID, "Approve, ask for changes or refuse.")
	}
	return s.step(ctx, id, action, func(ctx context.Context, tx *Tx, r *wubu.Renovation, u *wubu.User) (string, error) {
		if action != wubu.RenovationApprove && note == "" {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "Give the reason for the resident.")
		}
		if len([]rune(note)) > 1000 {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 1000)
		}
		r.ReviewNote = note
		return note, nil
	})
}

// ResubmitRenovation sends a changed application back to its review.
func (s *RenovationService) ResubmitRenovation(ctx context.Context, id int64, note string) (*wubu.Renovation, error) {
	note = strings.TrimSpace(note)
	return s.step(ctx, id, wubu.RenovationResubmit, func(ctx context.Context, tx *Tx, r *wubu.Renovation, u *wubu.User) (string, error) {
		st, err := renovationSettings(ctx, tx.queryRow, tx.query, r.ProjectID)
		if err != nil {
			return "", err
		}
		due := tx.now.Add(time.Duration(st.ReviewHours) * time.Hour)
		r.ReviewDue = &due
		return note, nil
	})
}

// BriefRenovation records the on-site briefing.
func (s *RenovationService) BriefRenovation(ctx context.Context, id int64, b wubu.BriefingRecord) (*wubu.Renovation, error) {
	b.ResidentName, b.LeadName = strings.TrimSpace(b.ResidentName), strings.TrimSpace(b.LeadName)
	for _, p := range []*wubu.Photo{b.ResidentDrawn, b.LeadDrawn} {
		if p != nil && len(p.Data) > 0 {
			if err := checkPhoto(p, "signature"); err != nil {
				return nil, err
			}
		}
	}
	return s.step(ctx, id, wubu.RenovationBrief, func(ctx context.Context, tx *Tx, r *wubu.Renovation, u *wubu.User) (string, error) {
		ticked := make([]bool, len(r.Briefing.Items))
		for _, i := range b.Ticked {
			if i >= 0 && i < len(ticked) {
				ticked[i] = true
			}
		}
		if i := slices.Index(ticked, false); i >= 0 {
			return "", wubu.FieldErrorf("ticked", wubu.EINVALID, "Go through every item of the briefing: item %d is not ticked.", i+1)
		}
		if b.ResidentName == "" || b.LeadName == "" {
			return "", wubu.FieldErrorf("resident_name", wubu.EINVALID, "The briefing needs the acknowledgement of both the resident and the contractor's lead.")
		}
		r.Briefing.Ticked = ticked
		r.Briefing.ResidentName, r.Briefing.ResidentAt = b.ResidentName, &tx.now
		r.Briefing.LeadName, r.Briefing.LeadAt = b.LeadName, &tx.now
		for _, p := range []*wubu.Photo{b.ResidentDrawn, b.LeadDrawn} {
			if p != nil && len(p.Data) > 0 {
				if err := addPhoto(ctx, tx, r.ProjectID, "renovation", r.ID, wubu.PhotoSignature, p); err != nil {
					return "", err
				}
			}
		}
		return "", nil
	})
}

// StartWorks starts the works of a briefed renovation and arms the first
// inspection.
func (s *RenovationService) StartWorks(ctx context.Context, id int64) (*wubu.Renovation, error) {
	return s.step(ctx, id, wubu.RenovationStart, func(ctx context.Context, tx *Tx, r *wubu.Renovation, u *wubu.User) (string, error) {
		if !r.Briefing.Complete() {
			return "", wubu.Errorf(wubu.ECONFLICT, "Renovation %d has not been briefed: the works may not start.", r.ID)
		}
		return "", s.nextInspection(ctx, tx, r)
	})
}

func (s *RenovationService) nextInspection(ctx context.Context, tx *Tx, r *wubu.Renovation) error {
	st, err := renovationSettings(ctx, tx.queryRow, tx.query, r.ProjectID)
	if err != nil {
		return err
	}
	due := tx.now.Add(time.Duration(st.InspectHours) * time.Hour)
	r.InspectDue = &due
	if r.StartedAt == nil {
		r.StartedAt = &tx.now
	}
	return nil
}

// InspectRenovation records an inspection during the works.
func (s *RenovationService) InspectRenovation(ctx context.Context, id int64, note string) (*wubu.Renovation, error) {
	note = strings.TrimSpace(note)
	return s.step(ctx, id, wubu.RenovationInspect, func(ctx context.Context, tx *Tx, r *wubu.Renovation, u *wubu.User) (string, error) {
		if len([]rune(note)) > 1000 {
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 1000)
		}
		r.Inspections++
		return note, s.nextInspection(ctx, tx, r)
	})
}

// AcceptRenovation closes the works after the final inspection: every item
// of the final checklist ticked, no violation open, the deposit returned or
// withheld with the reason.
func (s *RenovationService) AcceptRenovation(ctx context.Context, id int64, fi wubu.FinalInspection) (*wubu.Renovation, error) {
	note := strings.TrimSpace(fi.Note)
	return s.step(ctx, id, wubu.RenovationAccept, func(ctx context.Context, tx *Tx, r *wubu.Renovation, u *wubu.User) (string, error) {
		var open int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM renovation_violations WHERE project_id = ? AND renovation_id = ? AND state <> ?`,
			r.ProjectID, r.ID, wubu.ViolationClosed).Scan(&open); err != nil {
			return "", err
		} else if open > 0 {
			return "", wubu.Errorf(wubu.ECONFLICT, "Renovation %d has violations not yet verified: it cannot be accepted.", r.ID)
		}
		if len(r.Final.Items) == 0 {
			// An application older than the final checklist takes the
			// project's.
			st, err := renovationSettings(ctx, tx.queryRow, tx.query, r.ProjectID)
			if err != nil {
				return "", err
			}
			r.Final.Items = st.FinalChecklist
		}
		r.Final.Ticked = make([]bool, len(r.Final.Items))
		for _, i := range fi.Ticked {
			if i >= 0 && i < len(r.Final.Ticked) {
				r.Final.Ticked[i] = true
			}
		}
		switch i := slices.Index(r.Final.Ticked, false); {
		case i >= 0:
			return "", wubu.FieldErrorf("ticked", wubu.EINVALID, "Check every item of the final inspection: item %d is not ticked.", i+1)
		case fi.Withhold && note == "":
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "Give the reason the deposit is withheld.")
		case len([]rune(note)) > 1000:
			return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 1000)
		case fi.Withhold:
			r.DepositState = "withheld"
		case r.Deposit > 0:
			r.DepositState = "returned"
		}
		r.DepositNote, r.ClosedAt = note, &tx.now
		return note, nil
	})
}

func (s *RenovationService) step(ctx context.Context, id int64, action string, fn stepFunc[*wubu.Renovation]) (*wubu.Renovation, error) {
	if _, err := runStep(ctx, s.run, renovations, id, action, fn); err != nil {
		return nil, err
	}
	return s.FindRenovation(ctx, id)
}

// FindRenovation returns a renovation with its workers (ID numbers masked)
// and photos.
func (s *RenovationService) FindRenovation(ctx context.Context, id int64) (*wubu.Renovation, error) {
	r, err := scanRenovation(s.db.queryRow(ctx, `SELECT `+renovationColumns+renovationFrom+` WHERE r.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, r.ProjectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT id, name, id_number, pass_no FROM renovation_workers WHERE project_id = ? AND renovation_id = ? ORDER BY id`, r.ProjectID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		w := &wubu.RenovationWorker{}
		if err := rows.Scan(&w.ID, &w.Name, s.db.openedID(&w.IDNumber), &w.PassNo); err != nil {
			return nil, err
		}
		w.IDNumber = cnformat.MaskID(w.IDNumber)
		r.Workers = append(r.Workers, w)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if r.Photos, err = photos(ctx, s.db, r.ProjectID, "renovation", id); err != nil {
		return nil, err
	}
	return r, nil
}

// FindRenovations lists a project's renovations, newest first.
func (s *RenovationService) FindRenovations(ctx context.Context, projectID int64, open bool) ([]*wubu.Renovation, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	q, args := `SELECT `+renovationColumns+renovationFrom+` WHERE r.project_id = ?`, []any{projectID}
	if open {
		q, args = q+` AND r.state NOT IN (?, ?)`, append(args, wubu.RenovationClosed, wubu.RenovationRefused)
	}
	return s.queryRenovations(ctx, q+` ORDER BY r.applied_at DESC, r.id DESC LIMIT 500`, args...)
}

// queryRenovations reads the renovations a query of renovationColumns
// selects.
func (s *RenovationService) queryRenovations(ctx context.Context, q string, args ...any) ([]*wubu.Renovation, error) {
	rows, err := s.db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Renovation
	for rows.Next() {
		r, err := scanRenovation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CheckWorkerPass finds workers by name or pass number and says whether
// their renovation is in works and in its period today.
func (s *RenovationService) CheckWorkerPass(ctx context.Context, projectID int64, q string) ([]*wubu.WorkerPassCheck, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, projectID); err != nil {
		return nil, err
	}
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, wubu.FieldErrorf("q", wubu.EINVALID, "Give a worker's name or pass number.")
	}
	rows, err := s.db.query(ctx, `SELECT w.id, w.name, w.id_number, w.pass_no, r.id, rm.label, r.planned_from, r.planned_to, r.state
		FROM renovation_workers w JOIN renovations r ON r.project_id = w.project_id AND r.id = w.renovation_id
		JOIN rooms rm ON rm.project_id = r.project_id AND rm.id = r.room_id
		WHERE w.project_id = ? AND (w.name = ? OR w.pass_no = ?) ORDER BY r.id DESC, w.id LIMIT 50`, projectID, q, strings.ToUpper(q))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	st, err := renovationSettings(ctx, s.db.queryRow, s.db.query, projectID)
	if err != nil {
		return nil, err
	}
	now := s.db.now().In(china)
	today := now.Format(time.DateOnly)
	hours, inHours, holiday := permittedHours(st, businessCalendar(), now)
	var out []*wubu.WorkerPassCheck
	for rows.Next() {
		c := &wubu.WorkerPassCheck{}
		if err := rows.Scan(&c.Worker.ID, &c.Worker.Name, s.db.openedID(&c.Worker.IDNumber), &c.Worker.PassNo, &c.RenovationID, &c.RoomLabel, &c.PlannedFrom, &c.PlannedTo, &c.State); err != nil {
			return nil, err
		}
		c.Worker.IDNumber = cnformat.MaskID(c.Worker.IDNumber)
		c.Hours = hours
		switch {
		case c.State != wubu.RenovationInWorks:
			c.Reason = wubu.PassNotInWorks
		case today < c.PlannedFrom || c.PlannedTo < today:
			c.Reason = wubu.PassOutsidePeriod
		case holiday:
			c.Reason = wubu.PassHoliday
		case !inHours:
			c.Reason = wubu.PassOutsideHours
		}
		c.Allowed = c.Reason == ""
		out = append(out, c)
	}
	return out, rows.Err()
}

// PurgeWorkerIDs blanks the ID numbers of the workers of renovations
// closed more than the project's purge days ago.
func (s *RenovationService) PurgeWorkerIDs(ctx context.Context, projectID int64) (int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, projectID); err != nil {
		return 0, err
	}
	return purgeWorkerIDs(ctx, s.db, projectID, s.db.now())
}

// purgeWorkerIDs blanks, as of now, the ID numbers of the workers of a
// project's renovations closed (or refused) more than its purge days ago,
// and audits how many.
func purgeWorkerIDs(ctx context.Context, db *DB, projectID int64, now time.Time) (int, error) {
	st, err := renovationSettings(ctx, db.queryRow, db.query, projectID)
	if err != nil {
		return 0, err
	}
	before := now.Add(-time.Duration(st.PurgeDays) * 24 * time.Hour)
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `UPDATE renovation_workers SET id_number = '', id_hash = '' WHERE project_id = ? AND id_number <> ''
		AND renovation_id IN (SELECT id FROM renovations WHERE project_id = ? AND state IN (?, ?) AND COALESCE(closed_at, updated_at) < ?)`,
		projectID, projectID, wubu.RenovationClosed, wubu.RenovationRefused, before)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if n > 0 {
		if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "renovation_workers", 0, nil, map[string]any{"id_numbers_purged": n, "purge_days": st.PurgeDays}); err != nil {
			return 0, err
		}
	}
	return int(n), tx.Commit()
}
