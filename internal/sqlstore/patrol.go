package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// PatrolService implements wubu.PatrolService: patrol routes, checkpoints
// and runs, and renovation inspections on the same mechanism (S11).
type PatrolService struct {
	db       *DB
	clocks   wubu.ClockService
	notifier wubu.Notifier
}

var _ wubu.PatrolService = (*PatrolService)(nil)

// NewPatrolService returns a patrol service over db. Each run arms a clock
// on clocks (nil: none) that alerts the route's leader if the run is not
// finished in time; missed and late checkpoints are reported through
// notifier (nil: not reported, only flagged and shown on the leaders'
// agenda).
func NewPatrolService(db *DB, clocks wubu.ClockService, notifier wubu.Notifier) *PatrolService {
	return &PatrolService{db: db, clocks: clocks, notifier: notifier}
}

const routeColumns = `r.id, r.project_id, r.name, r.kind, r.room_id, COALESCE(rm.label, ''), r.interval_minutes, r.every_days,
	r.leader_id, COALESCE(lu.name, ''), r.active, r.created_at,
	(SELECT MAX(pr.started_at) FROM patrol_runs pr WHERE pr.project_id = r.project_id AND pr.route_id = r.id)`

const routeFrom = ` FROM patrol_routes r
	LEFT JOIN rooms rm ON rm.project_id = r.project_id AND rm.id = r.room_id
	LEFT JOIN users lu ON lu.id = r.leader_id`

func scanRoute(s interface{ Scan(...any) error }) (*wubu.PatrolRoute, error) {
	r := &wubu.PatrolRoute{}
	var last any
	err := s.Scan(&r.ID, &r.ProjectID, &r.Name, &r.Kind, &r.RoomID, &r.RoomLabel, &r.IntervalMinutes, &r.EveryDays,
		&r.LeaderID, &r.LeaderName, &r.Active, &r.CreatedAt, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	if t, ok := anyTime(last); ok {
		r.LastRunAt = &t
		if r.EveryDays > 0 {
			next := t.Add(time.Duration(r.EveryDays) * 24 * time.Hour)
			r.NextDue = &next
		}
	} else if r.EveryDays > 0 {
		next := r.CreatedAt
		r.NextDue = &next
	}
	return r, nil
}

// anyTime reads an aggregate's time: PostgreSQL gives a time.Time, SQLite
// (which loses the column's type in MAX) the text it stored.
func anyTime(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), true
	case string:
		return parseSQLiteTime(t)
	case []byte:
		return parseSQLiteTime(string(t))
	}
	return time.Time{}, false
}

func parseSQLiteTime(s string) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", "2006-01-02T15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

const checkpointColumns = `c.id, c.project_id, c.route_id, c.position, c.name, c.place, c.code, c.kind, c.visits, r.name`

func scanCheckpoint(s interface{ Scan(...any) error }) (*wubu.Checkpoint, error) {
	c := &wubu.Checkpoint{}
	err := s.Scan(&c.ID, &c.ProjectID, &c.RouteID, &c.Position, &c.Name, &c.Place, &c.Code, &c.Kind, &c.Visits, &c.RouteName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "No checkpoint has this code.")
	}
	return c, err
}

func (s *PatrolService) checkpoints(ctx context.Context, q rowQuerier, projectID, routeID int64) ([]*wubu.Checkpoint, error) {
	rows, err := q.QueryContext(ctx, s.db.rebind(`SELECT `+checkpointColumns+` FROM patrol_checkpoints c
		JOIN patrol_routes r ON r.project_id = c.project_id AND r.id = c.route_id
		WHERE c.project_id = ? AND c.route_id = ? ORDER BY c.position`), projectID, routeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Checkpoint
	for rows.Next() {
		c, err := scanCheckpoint(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindRoutes returns a project's routes with their checkpoints.
func (s *PatrolService) FindRoutes(ctx context.Context, projectID int64) ([]*wubu.PatrolRoute, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+routeColumns+routeFrom+` WHERE r.project_id = ? ORDER BY r.kind DESC, r.name`, projectID)
	if err != nil {
		return nil, err
	}
	var out []*wubu.PatrolRoute
	for rows.Next() {
		r, err := scanRoute(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, r := range out {
		if r.Checkpoints, err = s.checkpoints(ctx, s.db.reader(), projectID, r.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// FindRoute returns a route with its checkpoints.
func (s *PatrolService) FindRoute(ctx context.Context, id int64) (*wubu.PatrolRoute, error) {
	r, err := scanRoute(s.db.queryRow(ctx, `SELECT `+routeColumns+routeFrom+` WHERE r.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, r.ProjectID); err != nil {
		return nil, err
	}
	if r.Checkpoints, err = s.checkpoints(ctx, s.db.reader(), r.ProjectID, r.ID); err != nil {
		return nil, err
	}
	return r, nil
}

// CreateRoute creates a route.
func (s *PatrolService) CreateRoute(ctx context.Context, r *wubu.PatrolRoute) error {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityManage, r.ProjectID); err != nil {
		return err
	}
	r.Name = strings.TrimSpace(r.Name)
	switch {
	case !wubu.ValidName(r.Name, 40):
		return wubu.FieldErrorf("name", wubu.EINVALID, "Route name is required and must be at most %d characters.", 40)
	case !r.Kind.Valid():
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Route kind %q is not valid.", string(r.Kind))
	case r.IntervalMinutes < 1 || r.IntervalMinutes > wubu.MaxRouteInterval:
		return wubu.FieldErrorf("interval_minutes", wubu.EINVALID, "The interval between checkpoints must be between 1 and %d minutes.", wubu.MaxRouteInterval)
	case r.EveryDays < 0 || r.EveryDays > 90:
		return wubu.FieldErrorf("every_days", wubu.EINVALID, "An inspection is run every 1 to %d days.", 90)
	case r.Kind == wubu.RouteInspection && r.RoomID == nil:
		return wubu.FieldErrorf("room", wubu.EINVALID, "An inspection route needs the room under renovation.")
	case r.Kind == wubu.RoutePatrol:
		r.RoomID, r.EveryDays = nil, 0
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if r.RoomID != nil {
		if err := tx.queryRow(ctx, `SELECT label FROM rooms WHERE project_id = ? AND id = ?`, r.ProjectID, *r.RoomID).Scan(&r.RoomLabel); errors.Is(err, sql.ErrNoRows) {
			return wubu.FieldErrorf("room", wubu.ENOTFOUND, "Room not found.")
		} else if err != nil {
			return err
		}
	}
	if r.LeaderID != nil {
		if err := checkStaff(ctx, tx, r.ProjectID, *r.LeaderID, "leader_id"); err != nil {
			return err
		}
	}
	r.Active, r.CreatedAt = true, tx.now
	r.ID, err = tx.insert(ctx, `INSERT INTO patrol_routes (project_id, name, kind, room_id, interval_minutes, every_days, leader_id, active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ProjectID, r.Name, r.Kind, r.RoomID, r.IntervalMinutes, r.EveryDays, r.LeaderID, true, tx.now, tx.now)
	if isUniqueViolation(err) {
		return wubu.FieldErrorf("name", wubu.ECONFLICT, "A route named %s already exists.", r.Name)
	} else if err != nil {
		return err
	}
	if err := tx.audit(ctx, r.ProjectID, wubu.ActionCreate, "patrol_route", r.ID, nil, r); err != nil {
		return err
	}
	return tx.Commit()
}

// checkStaff checks that a user is an active staff member of the project;
// the error names the field.
func checkStaff(ctx context.Context, tx *Tx, projectID, userID int64, field string) error {
	var n int
	err := tx.queryRow(ctx, `SELECT COUNT(*) FROM users u WHERE u.id = ? AND u.disabled = ?
		AND (u.role = 'admin' OR EXISTS (SELECT 1 FROM user_projects up WHERE up.user_id = u.id AND up.project_id = ?))`, userID, false, projectID).Scan(&n)
	if err != nil {
		return err
	}
	if n == 0 {
		return wubu.FieldErrorf(field, wubu.ENOTFOUND, "Staff member not found in this project.")
	}
	return nil
}

// codeAlphabet has no letters and digits that read alike (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newCheckpointCode returns a checkpoint code: the project's code and five
// random characters, "LJY-7KQ2M".
func newCheckpointCode(projectCode string) string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(projectCode))
	b.WriteByte('-')
	for range 5 {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(codeAlphabet))))
		b.WriteByte(codeAlphabet[n.Int64()])
	}
	return b.String()
}

// NormalizeCheckpointCode returns a code as typed or scanned in its stored
// form: trimmed, upper case, taken from a whole check-in link if one was
// pasted.
func NormalizeCheckpointCode(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "code="); i >= 0 {
		if q, err := url.ParseQuery(s[i:]); err == nil {
			s = q.Get("code")
		}
	}
	return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
}

// AddCheckpoint adds a checkpoint at the end of a route.
func (s *PatrolService) AddCheckpoint(ctx context.Context, c *wubu.Checkpoint) error {
	route, err := scanRoute(s.db.queryRow(ctx, `SELECT `+routeColumns+routeFrom+` WHERE r.id = ?`, c.RouteID))
	if err != nil {
		return err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityManage, route.ProjectID); err != nil {
		return err
	}
	c.ProjectID, c.RouteName = route.ProjectID, route.Name
	c.Name, c.Place = strings.TrimSpace(c.Name), strings.TrimSpace(c.Place)
	if c.Kind == "" {
		c.Kind = wubu.CheckpointNormal
	}
	if c.Visits == 0 {
		c.Visits = 1
		if c.Kind != wubu.CheckpointNormal {
			c.Visits = 2
		}
	}
	switch {
	case !wubu.ValidName(c.Name, 40):
		return wubu.FieldErrorf("name", wubu.EINVALID, "Checkpoint name is required and must be at most %d characters.", 40)
	case len([]rune(c.Place)) > 80:
		return wubu.FieldErrorf("place", wubu.EINVALID, "Place must be at most %d characters.", 80)
	case !c.Kind.Valid():
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Checkpoint kind %q is not valid.", string(c.Kind))
	case c.Visits < 1 || c.Visits > wubu.MaxCheckpointVisits:
		return wubu.FieldErrorf("visits", wubu.EINVALID, "Visits per run must be between 1 and %d.", wubu.MaxCheckpointVisits)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*), COALESCE(MAX(position), 0) FROM patrol_checkpoints WHERE project_id = ? AND route_id = ?`,
		c.ProjectID, c.RouteID).Scan(&n, &c.Position); err != nil {
		return err
	}
	if n >= wubu.MaxCheckpoints {
		return wubu.Errorf(wubu.EINVALID, "A route has at most %d checkpoints.", wubu.MaxCheckpoints)
	}
	c.Position++
	var projectCode string
	if err := tx.queryRow(ctx, `SELECT code FROM projects WHERE id = ?`, c.ProjectID).Scan(&projectCode); err != nil {
		return err
	}
	// A new code; a collision (one in 28 million per pair) draws again.
	for try := 0; ; try++ {
		c.Code = newCheckpointCode(projectCode)
		var taken int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM patrol_checkpoints WHERE code = ?`, c.Code).Scan(&taken); err != nil {
			return err
		}
		if taken == 0 {
			break
		} else if try > 5 {
			return fmt.Errorf("no free checkpoint code")
		}
	}
	c.ID, err = tx.insert(ctx, `INSERT INTO patrol_checkpoints (project_id, route_id, position, name, place, code, kind, visits, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ProjectID, c.RouteID, c.Position, c.Name, c.Place, c.Code, c.Kind, c.Visits, tx.now)
	if err != nil {
		return err
	}
	if err := tx.audit(ctx, c.ProjectID, wubu.ActionCreate, "patrol_checkpoint", c.ID, nil, c); err != nil {
		return err
	}
	return tx.Commit()
}

// FindCheckpoint returns the checkpoint of a code among the caller's
// projects.
func (s *PatrolService) FindCheckpoint(ctx context.Context, code string) (*wubu.Checkpoint, error) {
	u, err := wubu.Authorize(ctx, wubu.PermSecurityView, 0)
	if err != nil {
		return nil, err
	}
	return s.checkpointByCode(ctx, s.db.reader(), u, code)
}

func (s *PatrolService) checkpointByCode(ctx context.Context, q rowQuerier, u *wubu.User, code string) (*wubu.Checkpoint, error) {
	code = NormalizeCheckpointCode(code)
	if code == "" {
		return nil, wubu.FieldErrorf("code", wubu.EINVALID, "Scan the checkpoint's QR code or type its code.")
	}
	c, err := scanCheckpoint(q.QueryRowContext(ctx, s.db.rebind(`SELECT `+checkpointColumns+` FROM patrol_checkpoints c
		JOIN patrol_routes r ON r.project_id = c.project_id AND r.id = c.route_id WHERE c.code = ?`), code))
	if err == nil && !u.Serves(c.ProjectID) {
		err = wubu.Errorf(wubu.ENOTFOUND, "No checkpoint has this code.")
	}
	if err != nil {
		if e := wubu.AsError(err); e != nil && e.Code == wubu.ENOTFOUND {
			return nil, wubu.FieldErrorf("code", wubu.ENOTFOUND, "No checkpoint has the code %s.", code)
		}
		return nil, err
	}
	return c, nil
}

const runColumns = `pr.id, pr.project_id, pr.route_id, r.name, r.kind, pr.guard_id, g.name, pr.started_at, pr.finished_at,
	pr.missed, pr.late, pr.reviewed_by, pr.reviewed_at, r.leader_id`

const runFrom = ` FROM patrol_runs pr
	JOIN patrol_routes r ON r.project_id = pr.project_id AND r.id = pr.route_id
	JOIN users g ON g.id = pr.guard_id`

func scanRun(s interface{ Scan(...any) error }) (*wubu.PatrolRun, error) {
	r := &wubu.PatrolRun{}
	err := s.Scan(&r.ID, &r.ProjectID, &r.RouteID, &r.RouteName, &r.RouteKind, &r.GuardID, &r.GuardName, &r.StartedAt, &r.FinishedAt,
		&r.Missed, &r.Late, &r.ReviewedBy, &r.ReviewedAt, &r.LeaderID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return r, err
}

// runs is how the life-cycle runner reads and writes patrol runs; their
// state follows from when they finished and were reviewed.
var runs = &machine[*wubu.PatrolRun]{
	lc: wubu.RunLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.PatrolRun, error) {
		q := `SELECT ` + runColumns + runFrom + ` WHERE pr.id = ?`
		if lock {
			q += tx.db.forUpdate("pr")
		}
		return scanRun(tx.queryRow(ctx, q, id))
	},
	facts: func(r *wubu.PatrolRun) facts {
		return facts{ProjectID: r.ProjectID, ID: r.ID, State: r.State(), Post: wubu.PostSecurity, AssigneeID: &r.GuardID, AssigneeName: r.GuardName,
			SuperiorID: r.LeaderID, ReporterID: &r.GuardID}
	},
	setState: func(*wubu.PatrolRun, string) {},
	insert: func(ctx context.Context, tx *Tx, r *wubu.PatrolRun) (err error) {
		r.ID, err = tx.insert(ctx, `INSERT INTO patrol_runs (project_id, route_id, guard_id, started_at) VALUES (?, ?, ?, ?)`, r.ProjectID, r.RouteID, r.GuardID, r.StartedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, r *wubu.PatrolRun) error {
		_, err := tx.exec(ctx, `UPDATE patrol_runs SET finished_at = ?, missed = ?, late = ?, reviewed_by = ?, reviewed_at = ? WHERE project_id = ? AND id = ?`,
			r.FinishedAt, r.Missed, r.Late, r.ReviewedBy, r.ReviewedAt, r.ProjectID, r.ID)
		return err
	},
	clone: func(r *wubu.PatrolRun) *wubu.PatrolRun { c := *r; return &c },
	audit: func(r *wubu.PatrolRun) any {
		return map[string]any{"route_id": r.RouteID, "finished_at": r.FinishedAt, "missed": r.Missed, "late": r.Late, "reviewed": r.ReviewedAt != nil}
	},
	vars: func(r *wubu.PatrolRun) map[string]string {
		var points []string
		for _, rc := range r.Checkpoints {
			if rc.Status == wubu.CheckMissed || rc.Status == wubu.CheckLate {
				points = append(points, rc.Name)
			}
		}
		return map[string]string{"route": r.RouteName, "guard": r.GuardName, "started": r.StartedAt.In(cst).Format("01-02 15:04"),
			"missed": strconv.Itoa(r.Missed), "late": strconv.Itoa(r.Late), "points": strings.Join(points, "、")}
	},
	when: func(r *wubu.PatrolRun, cond string) (bool, bool) {
		switch cond {
		case "missed":
			return r.Missed > 0, true
		case "late_only":
			return r.Missed == 0 && r.Late > 0, true
		}
		return false, false
	},
	// Due one interval after the last checkpoint's time.
	tune: func(ctx context.Context, tx *Tx, r *wubu.PatrolRun, req *wubu.ArmRequest) error {
		var interval, n int
		if err := tx.queryRow(ctx, `SELECT r.interval_minutes, (SELECT COUNT(*) FROM patrol_checkpoints c WHERE c.project_id = r.project_id AND c.route_id = r.id)
			FROM patrol_routes r WHERE r.project_id = ? AND r.id = ?`, r.ProjectID, r.RouteID).Scan(&interval, &n); err != nil {
			return err
		}
		req.Due, req.After = r.StartedAt.Add(time.Duration(n+1)*time.Duration(interval)*time.Minute), 0
		return nil
	},
}

// runner returns the life-cycle runner of the service's steps.
func (s *PatrolService) runner() *runner { return newRunner(s.db, s.clocks, s.notifier) }

// StartRun starts a run of a route by the caller.
func (s *PatrolService) StartRun(ctx context.Context, routeID int64) (*wubu.PatrolRun, error) {
	route, err := scanRoute(s.db.queryRow(ctx, `SELECT `+routeColumns+routeFrom+` WHERE r.id = ?`, routeID))
	if err != nil {
		return nil, err
	}
	run, err := s.startRun(ctx, route)
	if err != nil {
		return nil, err
	}
	return s.FindRun(ctx, run.ID)
}

// startRun starts a run of the route by the caller; then writes more with
// it (the first check-in).
func (s *PatrolService) startRun(ctx context.Context, route *wubu.PatrolRoute, then ...stepFunc[*wubu.PatrolRun]) (*wubu.PatrolRun, error) {
	r := &wubu.PatrolRun{ProjectID: route.ProjectID, RouteID: route.ID, RouteName: route.Name, RouteKind: route.Kind, LeaderID: route.LeaderID}
	return runCreate(ctx, s.runner(), runs, route.ProjectID, wubu.RunStart, r, func(ctx context.Context, tx *Tx, r *wubu.PatrolRun, u *wubu.User) (string, error) {
		if !route.Active {
			return "", wubu.Errorf(wubu.ECONFLICT, "This route is no longer in use.")
		}
		if run, err := s.openRun(ctx, tx, route.ProjectID, route.ID, u.ID); err != nil {
			return "", err
		} else if run != nil {
			return "", wubu.Errorf(wubu.ECONFLICT, "You already have a run of this route going: finish it first.")
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM patrol_checkpoints WHERE project_id = ? AND route_id = ?`, route.ProjectID, route.ID).Scan(&n); err != nil {
			return "", err
		}
		if n == 0 {
			return "", wubu.Errorf(wubu.EINVALID, "This route has no checkpoints yet.")
		}
		r.GuardID, r.GuardName, r.StartedAt = u.ID, u.Name, tx.now
		return "", nil
	}, then...)
}

func (s *PatrolService) openRun(ctx context.Context, q rowQuerier, projectID, routeID, guardID int64) (*wubu.PatrolRun, error) {
	run, err := scanRun(q.QueryRowContext(ctx, s.db.rebind(`SELECT `+runColumns+runFrom+`
		WHERE pr.project_id = ? AND pr.route_id = ? AND pr.guard_id = ? AND pr.finished_at IS NULL`), projectID, routeID, guardID))
	if e := wubu.AsError(err); e != nil && e.Code == wubu.ENOTFOUND {
		return nil, nil
	}
	return run, err
}

// Checkin checks the caller in at the checkpoint of the code: a step of
// their open run of its route, or the start of a new run.
func (s *PatrolService) Checkin(ctx context.Context, code string, method wubu.CheckinMethod) (*wubu.CheckinResult, error) {
	u, err := wubu.Authorize(ctx, wubu.PermSecurityEdit, 0)
	if err != nil {
		return nil, err
	}
	if method != wubu.CheckinScan {
		method = wubu.CheckinTyped
	}
	cp, err := s.checkpointByCode(ctx, s.db.reader(), u, code)
	if err != nil {
		return nil, err
	}
	res := &wubu.CheckinResult{Checkpoint: cp}
	checkin := func(ctx context.Context, tx *Tx, r *wubu.PatrolRun, u *wubu.User) (string, error) {
		_, err := tx.insert(ctx, `INSERT INTO patrol_checkins (project_id, run_id, checkpoint_id, at, user_id, method) VALUES (?, ?, ?, ?, ?, ?)`,
			cp.ProjectID, r.ID, cp.ID, tx.now, u.ID, method)
		return cp.Code, err
	}
	run, err := s.openRun(ctx, s.db.reader(), cp.ProjectID, cp.RouteID, u.ID)
	if err != nil {
		return nil, err
	}
	if run == nil {
		route, err := scanRoute(s.db.queryRow(ctx, `SELECT `+routeColumns+routeFrom+` WHERE r.project_id = ? AND r.id = ?`, cp.ProjectID, cp.RouteID))
		if err != nil {
			return nil, err
		}
		if run, err = s.startRun(ctx, route, checkin); err != nil {
			return nil, err
		}
		res.Started = true
	} else if run, err = runStep(ctx, s.runner(), runs, run.ID, wubu.RunCheckin, checkin); err != nil {
		return nil, err
	}
	if res.Run, err = s.FindRun(ctx, run.ID); err != nil {
		return nil, err
	}
	for _, rc := range res.Run.Checkpoints {
		if rc.ID == cp.ID {
			res.Late = rc.Status == wubu.CheckLate
		}
	}
	return res, nil
}

// runCheckpoints returns a run's checkpoints with their check-ins and
// status as of now (final once the run is finished).
func (s *PatrolService) runCheckpoints(ctx context.Context, q rowQuerier, run *wubu.PatrolRun, intervalMinutes int, now time.Time) ([]*wubu.RunCheckpoint, error) {
	cps, err := s.checkpoints(ctx, q, run.ProjectID, run.RouteID)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, s.db.rebind(`SELECT checkpoint_id, COUNT(*), MIN(at) FROM patrol_checkins WHERE project_id = ? AND run_id = ? GROUP BY checkpoint_id`),
		run.ProjectID, run.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type visit struct {
		n     int
		first time.Time
	}
	visits := map[int64]visit{}
	for rows.Next() {
		var id int64
		var v visit
		var first any
		if err := rows.Scan(&id, &v.n, &first); err != nil {
			return nil, err
		}
		v.first, _ = anyTime(first)
		visits[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*wubu.RunCheckpoint, len(cps))
	for i, c := range cps {
		rc := &wubu.RunCheckpoint{Checkpoint: *c, DueAt: run.StartedAt.Add(time.Duration(i+1) * time.Duration(intervalMinutes) * time.Minute)}
		v := visits[c.ID]
		rc.Checkins = v.n
		if v.n > 0 {
			first := v.first
			rc.FirstAt = &first
		}
		switch {
		case v.n > 0 && v.first.After(rc.DueAt) && v.n >= c.Visits:
			rc.Status = wubu.CheckLate
		case v.n >= c.Visits:
			rc.Status = wubu.CheckOK
		case run.Finished():
			rc.Status = wubu.CheckMissed
		default:
			rc.Status = wubu.CheckPending
		}
		out[i] = rc
	}
	return out, nil
}

// FinishRun ends a run, flags its missed and late checkpoints and tells the
// route's leader.
func (s *PatrolService) FinishRun(ctx context.Context, id int64) (*wubu.PatrolRun, error) {
	_, err := runStep(ctx, s.runner(), runs, id, wubu.RunFinish, func(ctx context.Context, tx *Tx, run *wubu.PatrolRun, u *wubu.User) (string, error) {
		var interval int
		if err := tx.queryRow(ctx, `SELECT interval_minutes FROM patrol_routes WHERE project_id = ? AND id = ?`, run.ProjectID, run.RouteID).Scan(&interval); err != nil {
			return "", err
		}
		run.FinishedAt = &tx.now
		cps, err := s.runCheckpoints(ctx, tx, run, interval, tx.now)
		if err != nil {
			return "", err
		}
		run.Checkpoints = cps
		for _, rc := range cps {
			switch rc.Status {
			case wubu.CheckMissed:
				run.Missed++
			case wubu.CheckLate:
				run.Late++
			}
		}
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindRun(ctx, id)
}

// ReviewRun records that a leader has seen a flagged run.
func (s *PatrolService) ReviewRun(ctx context.Context, id int64) (*wubu.PatrolRun, error) {
	_, err := runStep(ctx, s.runner(), runs, id, wubu.RunReview, func(ctx context.Context, tx *Tx, run *wubu.PatrolRun, u *wubu.User) (string, error) {
		run.ReviewedBy, run.ReviewedAt = &u.ID, &tx.now
		return "", nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindRun(ctx, id)
}

// FindRun returns a run with its checkpoints.
func (s *PatrolService) FindRun(ctx context.Context, id int64) (*wubu.PatrolRun, error) {
	run, err := scanRun(s.db.queryRow(ctx, `SELECT `+runColumns+runFrom+` WHERE pr.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, run.ProjectID); err != nil {
		return nil, err
	}
	var interval int
	if err := s.db.queryRow(ctx, `SELECT interval_minutes FROM patrol_routes WHERE project_id = ? AND id = ?`, run.ProjectID, run.RouteID).Scan(&interval); err != nil {
		return nil, err
	}
	if run.Checkpoints, err = s.runCheckpoints(ctx, s.db.reader(), run, interval, s.db.now()); err != nil {
		return nil, err
	}
	return run, nil
}

// FindRuns lists runs, newest first.
func (s *PatrolService) FindRuns(ctx context.Context, projectID int64, f wubu.RunFilter) ([]*wubu.PatrolRun, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, projectID); err != nil {
		return nil, 0, err
	}
	where, args := []string{"pr.project_id = ?"}, []any{projectID}
	if f.RouteID != nil {
		where, args = append(where, "pr.route_id = ?"), append(args, *f.RouteID)
	}
	if f.GuardID != nil {
		where, args = append(where, "pr.guard_id = ?"), append(args, *f.GuardID)
	}
	if f.Open {
		where = append(where, "pr.finished_at IS NULL")
	}
	if f.Flagged {
		where = append(where, "pr.finished_at IS NOT NULL AND (pr.missed > 0 OR pr.late > 0)")
	}
	if f.Unreviewed {
		where = append(where, "pr.reviewed_at IS NULL")
	}
	return s.findRuns(ctx, strings.Join(where, " AND "), args, f.Offset, f.Limit)
}

func (s *PatrolService) findRuns(ctx context.Context, where string, args []any, offset, limit int) ([]*wubu.PatrolRun, int, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.query(ctx, `SELECT `+runColumns+`, COUNT(*) OVER()`+runFrom+` WHERE `+where+` ORDER BY pr.started_at DESC, pr.id DESC LIMIT ? OFFSET ?`,
		append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*wubu.PatrolRun
	total := 0
	for rows.Next() {
		r := &wubu.PatrolRun{}
		if err := rows.Scan(&r.ID, &r.ProjectID, &r.RouteID, &r.RouteName, &r.RouteKind, &r.GuardID, &r.GuardName, &r.StartedAt, &r.FinishedAt,
			&r.Missed, &r.Late, &r.ReviewedBy, &r.ReviewedAt, &r.LeaderID, &total); err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, total, rows.Err()
}

// MyRuns returns the caller's runs going on.
func (s *PatrolService) MyRuns(ctx context.Context) ([]*wubu.PatrolRun, error) {
	u, err := wubu.Authorize(ctx, wubu.PermSecurityView, 0)
	if err != nil {
		return nil, err
	}
	runs, _, err := s.findRuns(ctx, "pr.guard_id = ? AND pr.finished_at IS NULL", []any{u.ID}, 0, 50)
	if err != nil {
		return nil, err
	}
	for i, r := range runs {
		if runs[i], err = s.FindRun(ctx, r.ID); err != nil {
			return nil, err
		}
	}
	return runs, nil
}
