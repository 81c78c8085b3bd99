package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// InspectionService implements wubu.InspectionService.
type InspectionService struct{ db *DB }

// NewInspectionService returns an inspection service over db.
func NewInspectionService(db *DB) *InspectionService { return &InspectionService{db: db} }

var _ wubu.InspectionService = (*InspectionService)(nil)

// Limits of a campaign.
const (
	maxCampaignBuildings = 200
	maxFindingsPerVisit  = 20
)

// hkOccupied is the condition that room r has a resident living in it today.
const hkOccupied = `EXISTS (SELECT 1 FROM households h WHERE h.project_id = r.project_id AND h.room_id = r.id AND (h.move_out = '' OR h.move_out > ?))`

// hkToday returns tx's date in China as 2026-11-27.
func hkToday(t time.Time) string { return t.In(cst).Format(time.DateOnly) }

// hkValidPeriod checks a period of dates: both given, the end not before the
// start, at most maxDays long.
func hkValidPeriod(from, to string, maxDays int) error {
	if from == "" {
		return wubu.FieldErrorf("starts_on", wubu.EINVALID, "Date is required.")
	}
	if to == "" {
		return wubu.FieldErrorf("ends_on", wubu.EINVALID, "Date is required.")
	}
	f, err := parseDate(from)
	if err != nil {
		return wubu.FieldErrorf("starts_on", wubu.EINVALID, "Date %q is not valid: write it as 2026-11-27.", from)
	}
	t, err := parseDate(to)
	if err != nil {
		return wubu.FieldErrorf("ends_on", wubu.EINVALID, "Date %q is not valid: write it as 2026-11-27.", to)
	}
	if t.Before(f) {
		return wubu.FieldErrorf("ends_on", wubu.EINVALID, "The end date must not be before the start date.")
	}
	if t.Sub(f) > time.Duration(maxDays)*24*time.Hour {
		return wubu.FieldErrorf("ends_on", wubu.EINVALID, "The period may be at most %d days long.", maxDays)
	}
	return nil
}

// CreateCampaign creates a campaign and one visit per occupied room of its
// buildings, in one transaction.
func (s *InspectionService) CreateCampaign(ctx context.Context, c *wubu.Campaign) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, c.ProjectID); err != nil {
		return err
	}
	c.Name, c.Note = strings.TrimSpace(c.Name), strings.TrimSpace(c.Note)
	if !c.Kind.Valid() {
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Campaign kind %q is not valid.", string(c.Kind))
	}
	if !wubu.ValidName(c.Name, 64) {
		return wubu.FieldErrorf("name", wubu.EINVALID, "Campaign name is required and must be at most %d characters.", 64)
	}
	if utf8.RuneCountInString(c.Note) > 1000 {
		return wubu.FieldErrorf("note", wubu.EINVALID, "Notes must be at most %d characters.", 1000)
	}
	if err := hkValidPeriod(c.StartsOn, c.EndsOn, 366); err != nil {
		return err
	}
	var ids []int64
	for _, id := range c.BuildingIDs {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return wubu.FieldErrorf("building_ids", wubu.EINVALID, "Choose at least one building.")
	}
	if len(ids) > maxCampaignBuildings {
		return wubu.FieldErrorf("building_ids", wubu.EINVALID, "A campaign may cover at most %d buildings.", maxCampaignBuildings)
	}
	slices.Sort(ids)
	c.BuildingIDs = ids

	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Every building must be the project's.
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM buildings WHERE project_id = ? AND id IN (`+placeholders(len(ids))+`)`,
		append([]any{c.ProjectID}, int64Args(ids)...)...).Scan(&n); err != nil {
		return err
	}
	if n != len(ids) {
		return wubu.FieldErrorf("building_ids", wubu.ENOTFOUND, "Building not found.")
	}
	if u := wubu.UserFromContext(ctx); u != nil && u.ID != 0 {
		c.CreatedBy = &u.ID
	}
	c.CreatedAt = tx.now
	if c.ID, err = tx.insert(ctx, `INSERT INTO inspection_campaigns (project_id, kind, name, starts_on, ends_on, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ProjectID, c.Kind, c.Name, c.StartsOn, c.EndsOn, c.Note, c.CreatedBy, c.CreatedAt); err != nil {
		return err
	}
	for _, b := range ids {
		if _, err := tx.exec(ctx, `INSERT INTO campaign_buildings (project_id, campaign_id, building_id) VALUES (?, ?, ?)`, c.ProjectID, c.ID, b); err != nil {
			return err
		}
	}
	// One visit per occupied room, in one statement.
	res, err := tx.exec(ctx, `INSERT INTO inspection_visits (project_id, campaign_id, building_id, room_id, status, created_at)
		SELECT r.project_id, ?, r.building_id, r.id, 'pending', ? FROM rooms r
		WHERE r.project_id = ? AND r.building_id IN (`+placeholders(len(ids))+`) AND `+hkOccupied,
		append(append([]any{c.ID, tx.now, c.ProjectID}, int64Args(ids)...), hkToday(tx.now))...)
	if err != nil {
		return fmt.Errorf("create visits: %w", err)
	}
	visits, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if visits == 0 {
		return wubu.FieldErrorf("building_ids", wubu.EINVALID, "The chosen buildings have no occupied rooms.")
	}
	c.Visits, c.Done, c.Recorded = int(visits), 0, 0
	if err := tx.audit(ctx, c.ProjectID, wubu.ActionCreate, "campaign", c.ID, nil, c); err != nil {
		return err
	}
	return tx.Commit()
}

const campaignCols = `c.id, c.project_id, c.kind, c.name, c.starts_on, c.ends_on, c.note, c.created_by, c.created_at,
	(SELECT COUNT(*) FROM inspection_visits v WHERE v.project_id = c.project_id AND v.campaign_id = c.id),
	(SELECT COUNT(*) FROM inspection_visits v WHERE v.project_id = c.project_id AND v.campaign_id = c.id AND v.status = 'done'),
	(SELECT COUNT(*) FROM inspection_visits v WHERE v.project_id = c.project_id AND v.campaign_id = c.id AND v.status <> 'pending')`

func scanCampaign(s interface{ Scan(...any) error }) (*wubu.Campaign, error) {
	c := &wubu.Campaign{BuildingIDs: []int64{}}
	err := s.Scan(&c.ID, &c.ProjectID, &c.Kind, &c.Name, &c.StartsOn, &c.EndsOn, &c.Note, &c.CreatedBy, &c.CreatedAt, &c.Visits, &c.Done, &c.Recorded)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Campaign not found.")
	}
	return c, err
}

// FindCampaigns lists a project's campaigns, newest first.
func (s *InspectionService) FindCampaigns(ctx context.Context, projectID int64) ([]*wubu.Campaign, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+campaignCols+` FROM inspection_campaigns c WHERE c.project_id = ? ORDER BY c.starts_on DESC, c.id DESC LIMIT 200`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.Campaign{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindCampaign returns a campaign with its buildings and progress.
func (s *InspectionService) FindCampaign(ctx context.Context, id int64) (*wubu.Campaign, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, 0); err != nil {
		return nil, err
	}
	c, err := scanCampaign(s.db.queryRow(ctx, `SELECT `+campaignCols+` FROM inspection_campaigns c WHERE c.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, c.ProjectID); err != nil {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Campaign not found.")
	}
	rows, err := s.db.query(ctx, `SELECT building_id FROM campaign_buildings WHERE project_id = ? AND campaign_id = ? ORDER BY building_id`, c.ProjectID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b int64
		if err := rows.Scan(&b); err != nil {
			return nil, err
		}
		c.BuildingIDs = append(c.BuildingIDs, b)
	}
	return c, rows.Err()
}

// CampaignProgress returns a campaign's progress per building.
func (s *InspectionService) CampaignProgress(ctx context.Context, id int64) ([]*wubu.BuildingProgress, error) {
	c, err := s.FindCampaign(ctx, id)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT cb.building_id, b.name,
		COUNT(v.id),
		COALESCE(SUM(CASE WHEN v.status = 'done' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.status = 'not_home' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.status = 'refused' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN v.status = 'pending' THEN 1 ELSE 0 END), 0)
		FROM campaign_buildings cb
		JOIN buildings b ON b.project_id = cb.project_id AND b.id = cb.building_id
		LEFT JOIN inspection_visits v ON v.project_id = cb.project_id AND v.campaign_id = cb.campaign_id AND v.building_id = cb.building_id
		WHERE cb.project_id = ? AND cb.campaign_id = ?
		GROUP BY cb.building_id, b.name ORDER BY b.name`, c.ProjectID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.BuildingProgress{}
	for rows.Next() {
		p := &wubu.BuildingProgress{}
		if err := rows.Scan(&p.BuildingID, &p.BuildingName, &p.Visits, &p.Done, &p.NotHome, &p.Refused, &p.Pending); err != nil {
			return nil, err
		}
		if p.Visits > 0 {
			p.PercentDone = p.Done * 100 / p.Visits
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b *wubu.BuildingProgress) int { return compareNatural(a.BuildingName, b.BuildingName) })
	return out, rows.Err()
}

const visitCols = `v.id, v.project_id, v.campaign_id, v.building_id, v.room_id, r.label, v.assignee_id, COALESCE(u.name, ''), v.status, v.note, v.visited_at, v.visited_by`

const visitFrom = ` FROM inspection_visits v
	JOIN rooms r ON r.project_id = v.project_id AND r.id = v.room_id
	LEFT JOIN users u ON u.id = v.assignee_id`

func scanVisit(s interface{ Scan(...any) error }, extra ...any) (*wubu.InspectionVisit, error) {
	v := &wubu.InspectionVisit{Residents: []string{}}
	err := s.Scan(append([]any{&v.ID, &v.ProjectID, &v.CampaignID, &v.BuildingID, &v.RoomID, &v.RoomLabel, &v.AssigneeID, &v.Assignee, &v.Status, &v.Note, &v.VisitedAt, &v.VisitedBy}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Visit not found.")
	}
	return v, err
}

// residentsOf fills in the names of the visits' rooms' residents.
func (s *InspectionService) residentsOf(ctx context.Context, projectID int64, visits []*wubu.InspectionVisit, today string) error {
	if len(visits) == 0 {
		return nil
	}
	byRoom := map[int64][]*wubu.InspectionVisit{}
	var rooms []int64
	for _, v := range visits {
		if _, ok := byRoom[v.RoomID]; !ok {
			rooms = append(rooms, v.RoomID)
		}
		byRoom[v.RoomID] = append(byRoom[v.RoomID], v)
	}
	rows, err := s.db.query(ctx, `SELECT h.room_id, p.name FROM households h JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id
		WHERE h.project_id = ? AND (h.move_out = '' OR h.move_out > ?) AND h.room_id IN (`+placeholders(len(rooms))+`) ORDER BY h.id`,
		append([]any{projectID, today}, int64Args(rooms)...)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var room int64
		var name string
		if err := rows.Scan(&room, &name); err != nil {
			return err
		}
		for _, v := range byRoom[room] {
			v.Residents = append(v.Residents, name)
		}
	}
	return rows.Err()
}

// FindVisits lists a campaign's visits.
func (s *InspectionService) FindVisits(ctx context.Context, f wubu.VisitFilter) ([]*wubu.InspectionVisit, int, error) {
	c, err := s.FindCampaign(ctx, f.CampaignID)
	if err != nil {
		return nil, 0, err
	}
	where := []string{"v.project_id = ?", "v.campaign_id = ?"}
	args := []any{c.ProjectID, c.ID}
	if f.BuildingID != nil {
		where, args = append(where, "v.building_id = ?"), append(args, *f.BuildingID)
	}
	if f.AssigneeID != nil {
		where, args = append(where, "v.assignee_id = ?"), append(args, *f.AssigneeID)
	}
	if f.Status != nil {
		where, args = append(where, "v.status = ?"), append(args, *f.Status)
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.query(ctx, `SELECT `+visitCols+`, COUNT(*) OVER()`+visitFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY r.building_id, r.unit_id, r.floor, r.number LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*wubu.InspectionVisit{}
	total := 0
	for rows.Next() {
		v, err := scanVisit(rows, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, s.residentsOf(ctx, c.ProjectID, out, hkToday(s.db.now()))
}

// MyVisits lists the caller's visits still to make in running campaigns.
func (s *InspectionService) MyVisits(ctx context.Context, projectID int64) ([]*wubu.InspectionVisit, error) {
	u, err := wubu.Authorize(ctx, wubu.PermOrderView, projectID)
	if err != nil {
		return nil, err
	}
	today := hkToday(s.db.now())
	rows, err := s.db.query(ctx, `SELECT `+visitCols+visitFrom+`
		JOIN inspection_campaigns c ON c.project_id = v.project_id AND c.id = v.campaign_id
		WHERE v.project_id = ? AND v.assignee_id = ? AND v.status IN ('pending', 'not_home') AND c.starts_on <= ? AND c.ends_on >= ?
		ORDER BY r.building_id, r.unit_id, r.floor, r.number LIMIT 500`, projectID, u.ID, today, today)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.InspectionVisit{}
	for rows.Next() {
		v, err := scanVisit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.residentsOf(ctx, projectID, out, today)
}

// findVisit loads a visit, checking the caller may perm on its project.
func (s *InspectionService) findVisit(ctx context.Context, q rowQuerier, perm wubu.Permission, id int64) (*wubu.InspectionVisit, error) {
	if _, err := wubu.Authorize(ctx, perm, 0); err != nil {
		return nil, err
	}
	v, err := scanVisit(q.QueryRowContext(ctx, s.db.rebind(`SELECT `+visitCols+visitFrom+` WHERE v.id = ?`), id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, perm, v.ProjectID); err != nil {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Visit not found.")
	}
	return v, nil
}

// FindVisit returns a visit with its residents and findings.
func (s *InspectionService) FindVisit(ctx context.Context, id int64) (*wubu.InspectionVisit, error) {
	v, err := s.findVisit(ctx, s.db.reader(), wubu.PermOrderView, id)
	if err != nil {
		return nil, err
	}
	if err := s.residentsOf(ctx, v.ProjectID, []*wubu.InspectionVisit{v}, hkToday(s.db.now())); err != nil {
		return nil, err
	}
	v.Findings, err = s.findings(ctx, `f.project_id = ? AND f.visit_id = ?`, v.ProjectID, v.ID)
	return v, err
}

func (s *InspectionService) findings(ctx context.Context, where string, args ...any) ([]*wubu.Finding, error) {
	rows, err := s.db.query(ctx, `SELECT f.id, f.project_id, f.visit_id, f.room_id, f.appliance_id, f.appliance, f.problem, f.severity, f.needs_repair,
		EXISTS (SELECT 1 FROM photos ph WHERE ph.project_id = f.project_id AND ph.object_type = 'finding' AND ph.object_id = f.id), f.created_by, f.created_at, c.name, c.kind, r.label
		FROM inspection_findings f
		JOIN rooms r ON r.project_id = f.project_id AND r.id = f.room_id
		JOIN inspection_visits v ON v.project_id = f.project_id AND v.id = f.visit_id
		JOIN inspection_campaigns c ON c.project_id = v.project_id AND c.id = v.campaign_id
		WHERE `+where+` ORDER BY f.created_at DESC, f.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.Finding{}
	for rows.Next() {
		f := &wubu.Finding{}
		if err := rows.Scan(&f.ID, &f.ProjectID, &f.VisitID, &f.RoomID, &f.ApplianceID, &f.Appliance, &f.Problem, &f.Severity, &f.NeedsRepair,
			&f.HasPhoto, &f.CreatedBy, &f.CreatedAt, &f.CampaignName, &f.CampaignKind, &f.RoomLabel); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// hkStaffOfProject checks that a user is active staff of the project.
func hkStaffOfProject(ctx context.Context, tx *Tx, projectID, userID int64, field string) error {
	var disabled bool
	err := tx.queryRow(ctx, `SELECT u.disabled FROM users u JOIN user_projects up ON up.user_id = u.id AND up.project_id = ? WHERE u.id = ?`, projectID, userID).Scan(&disabled)
	if errors.Is(err, sql.ErrNoRows) || disabled {
		return wubu.FieldErrorf(field, wubu.EINVALID, "Choose a member of staff of this project.")
	}
	return err
}

// AssignVisits assigns visits of a campaign to a member of staff.
func (s *InspectionService) AssignVisits(ctx context.Context, campaignID int64, buildingID *int64, visitIDs []int64, userID int64) (int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderDispatch, 0); err != nil {
		return 0, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var pid int64
	if err := tx.queryRow(ctx, `SELECT project_id FROM inspection_campaigns WHERE id = ?`, campaignID).Scan(&pid); errors.Is(err, sql.ErrNoRows) {
		return 0, wubu.Errorf(wubu.ENOTFOUND, "Campaign not found.")
	} else if err != nil {
		return 0, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderDispatch, pid); err != nil {
		return 0, wubu.Errorf(wubu.ENOTFOUND, "Campaign not found.")
	}
	if buildingID == nil && len(visitIDs) == 0 {
		return 0, wubu.FieldErrorf("building_id", wubu.EINVALID, "Choose a building or the visits to assign.")
	}
	if err := hkStaffOfProject(ctx, tx, pid, userID, "user_id"); err != nil {
		return 0, err
	}
	q := `UPDATE inspection_visits SET assignee_id = ? WHERE project_id = ? AND campaign_id = ? AND status IN ('pending', 'not_home')`
	args := []any{userID, pid, campaignID}
	if buildingID != nil {
		q, args = q+` AND building_id = ?`, append(args, *buildingID)
	}
	if len(visitIDs) > 0 {
		if len(visitIDs) > 1000 {
			return 0, wubu.FieldErrorf("visit_ids", wubu.EINVALID, "Assign at most %d visits at once.", 1000)
		}
		q, args = q+` AND id IN (`+placeholders(len(visitIDs))+`)`, append(args, int64Args(visitIDs)...)
	}
	res, err := tx.exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	if err := tx.audit(ctx, pid, wubu.ActionUpdate, "campaign", campaignID, nil,
		map[string]any{"assignee_id": userID, "building_id": buildingID, "visit_ids": visitIDs, "visits": n}); err != nil {
		return 0, err
	}
	return int(n), tx.Commit()
}

// normalizeFinding validates a finding; errors name the field with the
// finding's index ("findings.0.problem").
func normalizeFinding(i int, f *wubu.Finding) error {
	field := func(name string) string { return fmt.Sprintf("findings.%d.%s", i, name) }
	f.Appliance, f.Problem = strings.TrimSpace(f.Appliance), strings.TrimSpace(f.Problem)
	if !wubu.ValidName(f.Appliance, 32) {
		return wubu.FieldErrorf(field("appliance"), wubu.EINVALID, "Name the appliance or installation (at most %d characters).", 32)
	}
	if f.Problem == "" || utf8.RuneCountInString(f.Problem) > 500 {
		return wubu.FieldErrorf(field("problem"), wubu.EINVALID, "Describe the problem (at most %d characters).", 500)
	}
	if f.Severity == "" {
		f.Severity = wubu.SeverityLow
	}
	if !f.Severity.Valid() {
		return wubu.FieldErrorf(field("severity"), wubu.EINVALID, "Severity %q is not valid.", string(f.Severity))
	}
	if len(f.Photo) > 0 {
		if err := checkPhoto(&wubu.Photo{Data: f.Photo}, field("photo")); err != nil {
			return err
		}
	}
	return nil
}

// RecordVisit records a visit's answer and findings.
func (s *InspectionService) RecordVisit(ctx context.Context, id int64, rec wubu.VisitRecord) (*wubu.InspectionVisit, error) {
	rec.Note = strings.TrimSpace(rec.Note)
	if !rec.Status.Valid() || rec.Status == wubu.VisitPending {
		return nil, wubu.FieldErrorf("status", wubu.EINVALID, "Choose how the visit went: done, not at home or refused.")
	}
	if utf8.RuneCountInString(rec.Note) > 1000 {
		return nil, wubu.FieldErrorf("note", wubu.EINVALID, "Notes must be at most %d characters.", 1000)
	}
	if len(rec.Findings) > 0 && rec.Status != wubu.VisitDone {
		return nil, wubu.FieldErrorf("status", wubu.EINVALID, "Findings can be recorded only for a visit done.")
	}
	if len(rec.Findings) > maxFindingsPerVisit {
		return nil, wubu.FieldErrorf("findings", wubu.EINVALID, "Record at most %d findings per visit.", maxFindingsPerVisit)
	}
	for i, f := range rec.Findings {
		if err := normalizeFinding(i, f); err != nil {
			return nil, err
		}
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	v, err := s.findVisit(ctx, tx, wubu.PermOrderEdit, id)
	if err != nil {
		return nil, err
	}
	if v.Status == wubu.VisitDone || v.Status == wubu.VisitRefused {
		return nil, wubu.Errorf(wubu.ECONFLICT, "This visit is already recorded.")
	}
	var campaign string
	if err := tx.queryRow(ctx, `SELECT name FROM inspection_campaigns WHERE project_id = ? AND id = ?`, v.ProjectID, v.CampaignID).Scan(&campaign); err != nil {
		return nil, err
	}
	before := *v
	var uid *int64
	if u := wubu.UserFromContext(ctx); u != nil && u.ID != 0 {
		uid = &u.ID
	}
	// Only from the state read: of two technicians recording the same
	// visit at once, the second is told it is recorded.
	res, err := tx.exec(ctx, `UPDATE inspection_visits SET status = ?, note = ?, visited_at = ?, visited_by = ? WHERE project_id = ? AND id = ? AND status = ?`,
		rec.Status, rec.Note, tx.now, uid, v.ProjectID, v.ID, before.Status)
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n != 1 {
		return nil, wubu.Errorf(wubu.ECONFLICT, "This visit is already recorded.")
	}
	v.Status, v.Note, v.VisitedAt, v.VisitedBy = rec.Status, rec.Note, &tx.now, uid

	// The residents living in the room hear of the visit on their timeline.
	persons, err := hkRoomResidents(ctx, tx, v.ProjectID, v.RoomID)
	if err != nil {
		return nil, err
	}
	for _, p := range persons {
		if err := addTimeline(ctx, tx, v.ProjectID, p, "inspection."+string(rec.Status), campaign); err != nil {
			return nil, err
		}
	}
	for _, f := range rec.Findings {
		if err := s.addFinding(ctx, tx, v, f, uid, persons); err != nil {
			return nil, err
		}
		v.Findings = append(v.Findings, f)
	}
	if err := tx.audit(ctx, v.ProjectID, wubu.ActionUpdate, "inspection_visit", v.ID, &before, v); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return v, nil
}

// hkRoomResidents returns the persons living in a room today.
func hkRoomResidents(ctx context.Context, tx *Tx, projectID, roomID int64) ([]int64, error) {
	rows, err := tx.query(ctx, `SELECT DISTINCT person_id FROM households WHERE project_id = ? AND room_id = ? AND (move_out = '' OR move_out > ?) ORDER BY person_id`,
		projectID, roomID, hkToday(tx.now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// addFinding writes a finding: on the room's appliance record (the named
// appliance, or one of that type, else a new entry), its photo, and the
// residents' timeline.
func (s *InspectionService) addFinding(ctx context.Context, tx *Tx, v *wubu.InspectionVisit, f *wubu.Finding, uid *int64, persons []int64) error {
	f.ProjectID, f.VisitID, f.RoomID, f.CreatedBy, f.CreatedAt = v.ProjectID, v.ID, v.RoomID, uid, tx.now
	if f.ApplianceID != nil {
		var typ string
		err := tx.queryRow(ctx, `SELECT type FROM appliances WHERE project_id = ? AND room_id = ? AND id = ?`, v.ProjectID, v.RoomID, *f.ApplianceID).Scan(&typ)
		if errors.Is(err, sql.ErrNoRows) {
			return wubu.FieldErrorf("appliance_id", wubu.EINVALID, "This appliance is not one of the room's.")
		} else if err != nil {
			return err
		}
		f.Appliance = typ
	} else {
		var aid int64
		err := tx.queryRow(ctx, `SELECT id FROM appliances WHERE project_id = ? AND room_id = ? AND type = ? ORDER BY id LIMIT 1`, v.ProjectID, v.RoomID, f.Appliance).Scan(&aid)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			a := &wubu.Appliance{ProjectID: v.ProjectID, RoomID: v.RoomID, Type: f.Appliance}
			if err := addAppliance(ctx, tx, a); err != nil {
				return err
			}
			aid = a.ID
		case err != nil:
			return err
		}
		f.ApplianceID = &aid
	}
	var err error
	if f.ID, err = tx.insert(ctx, `INSERT INTO inspection_findings (project_id, visit_id, room_id, appliance_id, appliance, problem, severity, needs_repair, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.ProjectID, f.VisitID, f.RoomID, f.ApplianceID, f.Appliance, f.Problem, f.Severity, f.NeedsRepair, f.CreatedBy, f.CreatedAt); err != nil {
		return err
	}
	if len(f.Photo) > 0 {
		if err := addPhoto(ctx, tx, f.ProjectID, "finding", f.ID, wubu.PhotoFound, &wubu.Photo{Data: f.Photo}); err != nil {
			return err
		}
		f.HasPhoto = true
	}
	kind := "inspection.finding"
	if f.NeedsRepair {
		kind = "inspection.needs_repair"
	}
	for _, p := range persons {
		if err := addTimeline(ctx, tx, v.ProjectID, p, kind, f.Appliance+": "+f.Problem); err != nil {
			return err
		}
	}
	photo := f.Photo
	f.Photo = nil // the audit log keeps no images
	err = tx.audit(ctx, f.ProjectID, wubu.ActionCreate, "finding", f.ID, nil, f)
	f.Photo = photo
	return err
}

// RoomFindings returns a room's findings, newest first.
func (s *InspectionService) RoomFindings(ctx context.Context, roomID int64) ([]*wubu.Finding, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, 0); err != nil {
		return nil, err
	}
	var pid int64
	if err := s.db.queryRow(ctx, `SELECT project_id FROM rooms WHERE id = ?`, roomID).Scan(&pid); errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Room not found.")
	} else if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, pid); err != nil {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Room not found.")
	}
	return s.findings(ctx, `f.project_id = ? AND f.room_id = ?`, pid, roomID)
}

// FindingPhoto returns a finding's photo.
func (s *InspectionService) FindingPhoto(ctx context.Context, id int64) (string, []byte, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, 0); err != nil {
		return "", nil, err
	}
	var pid int64
	var ct string
	var data []byte
	err := s.db.queryRow(ctx, `SELECT project_id, content_type, data FROM photos WHERE object_type = 'finding' AND object_id = ? ORDER BY id LIMIT 1`, id).Scan(&pid, &ct, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, wubu.Errorf(wubu.ENOTFOUND, "Photo not found.")
	} else if err != nil {
		return "", nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOrderView, pid); err != nil {
		return "", nil, wubu.Errorf(wubu.ENOTFOUND, "Photo not found.")
	}
	return ct, data, nil
}
