package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
)

// StageJob is the job that fires one stage of a deadline at its time.
type StageJob struct {
	ProjectID  int64     `json:"project_id"`
	DeadlineID int64     `json:"deadline_id"`
	Generation int       `json:"generation"`
	Stage      string    `json:"stage"`
	At         time.Time `json:"-"`
}

// StageQueue hands stage jobs to the durable job queue (internal/jobs). A
// stage's job may be queued twice (see Reconcile): FireStages fires it once.
type StageQueue interface {
	// EnqueueTx queues jobs inside tx, to be committed or rolled back with
	// it. It reports false, having done nothing, when the queue cannot join
	// the database's transactions (on PostgreSQL River has a pool of its
	// own); the jobs are then queued with Enqueue after the commit.
	EnqueueTx(ctx context.Context, tx *sql.Tx, jobs []StageJob) (bool, error)
	// Enqueue queues jobs on their own.
	Enqueue(ctx context.Context, jobs []StageJob) error
}

// ClockService implements wubu.ClockService: the deadlines and fired stages
// of SLA clocks. Timers are jobs of the StageQueue set with SetQueue; without
// one, deadlines are written with their next stage unqueued, and
// Reconcile queues them once a queue is set.
type ClockService struct {
	// Logger receives errors that do not fail a call: a stage whose job
	// could not be queued after its transaction committed. It defaults to
	// slog.Default().
	Logger *slog.Logger

	db       *DB
	schedule calendar.Schedule

	mu      sync.RWMutex
	queue   StageQueue
	stageDB *sql.DB
}

var _ wubu.ClockService = (*ClockService)(nil)

// NewClockService returns a clock service over db. Working-time deadlines
// are counted on the schedule (its calendar, hours and time zone).
func NewClockService(db *DB, schedule calendar.Schedule) *ClockService {
	return &ClockService{db: db, schedule: schedule}
}

// SetQueue sets the queue that stage jobs are handed to.
func (s *ClockService) SetQueue(q StageQueue) {
	s.mu.Lock()
	s.queue = q
	s.mu.Unlock()
}

func (s *ClockService) getQueue() StageQueue {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.queue
}

// SetStageDB makes FireStages run its transactions on pool, a pool on the
// same database, instead of the database's write pool; nil restores that.
// On SQLite the job queue passes its own connection: a stage's transaction
// and the queue's work then take turns on one connection instead of
// contending for SQLite's write lock, where a waiter sleeps.
func (s *ClockService) SetStageDB(pool *sql.DB) {
	s.mu.Lock()
	s.stageDB = pool
	s.mu.Unlock()
}

// beginStage starts the transaction of a fired stage.
func (s *ClockService) beginStage(ctx context.Context) (*Tx, error) {
	s.mu.RLock()
	pool := s.stageDB
	s.mu.RUnlock()
	if pool == nil {
		return s.db.BeginTx(ctx)
	}
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", err)
	}
	return &Tx{Tx: tx, db: s.db, now: s.db.now(), ctx: ctx}, nil
}

// clockUser is the user stages fire as, in the audit log.
var clockUser = &wubu.User{ID: 0, Login: "system:clock", Name: "SLA clock", Role: wubu.RoleAdmin, Post: wubu.PostNone}

const deadlineColumns = `id, project_id, object_type, object_id, kind, basis, due_at, warn_at, escalation, state, level, generation,
	armed_at, disarmed_at, met, next_stage, next_at, updated_at, warn_notify, breach_notify`

func scanDeadline(s interface{ Scan(...any) error }) (*wubu.Deadline, error) {
	d := &wubu.Deadline{}
	var esc, warnNotify, breachNotify string
	var next sql.NullString
	err := s.Scan(&d.ID, &d.ProjectID, &d.ObjectType, &d.ObjectID, &d.Kind, &d.Basis, &d.DueAt, &d.WarnAt, &esc, &d.State, &d.Level, &d.Generation,
		&d.ArmedAt, &d.DisarmedAt, &d.Met, &next, &d.NextAt, &d.UpdatedAt, &warnNotify, &breachNotify)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Deadline not found.")
	} else if err != nil {
		return nil, err
	}
	d.NextStage = next.String
	if err := json.Unmarshal([]byte(esc), &d.Escalation); err != nil {
		return nil, fmt.Errorf("deadline %d escalation: %w", d.ID, err)
	}
	if err := unmarshalNotify(d, warnNotify, breachNotify); err != nil {
		return nil, err
	}
	return d, nil
}

// findDeadlineTx reads a deadline by key inside tx, locking its row on
// PostgreSQL (SQLite's write transactions hold the database).
func (tx *Tx) findDeadline(ctx context.Context, where string, args ...any) (*wubu.Deadline, error) {
	q := `SELECT ` + deadlineColumns + ` FROM deadlines WHERE ` + where
	if tx.db.Dialect == Postgres {
		q += ` FOR UPDATE`
	}
	return scanDeadline(tx.queryRow(ctx, q, args...))
}

// validKindName reports whether s is a usable object type or deadline kind.
func validKindName(s string) bool {
	if len(s) < 1 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// maxDueSpan is how far ahead a deadline may be due.
const maxDueSpan = 400 * 24 * time.Hour

func validateKey(k *wubu.DeadlineKey) error {
	k.ObjectType = strings.TrimSpace(k.ObjectType)
	k.ObjectID = strings.TrimSpace(k.ObjectID)
	k.Kind = strings.TrimSpace(k.Kind)
	switch {
	case k.ProjectID <= 0:
		return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	case !validKindName(k.ObjectType):
		return wubu.FieldErrorf("object_type", wubu.EINVALID, "Object type %q is not valid: use 1–32 lower-case letters, digits or underscores.", k.ObjectType)
	case !wubu.ValidName(k.ObjectID, 64):
		return wubu.FieldErrorf("object_id", wubu.EINVALID, "Object ID is required and must be at most %d characters.", 64)
	case !validKindName(k.Kind):
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Deadline kind %q is not valid: use 1–32 lower-case letters, digits or underscores.", k.Kind)
	}
	return nil
}

// plan turns an arm request into the deadline it arms at now, with its next
// stage, or returns EINVALID. Working time is counted on sched, the
// schedule of the deadline's project (see scheduleFor).
func (s *ClockService) plan(req *wubu.ArmRequest, now time.Time, sched calendar.Schedule) (*wubu.Deadline, error) {
	if err := validateKey(&req.DeadlineKey); err != nil {
		return nil, err
	}
	ways := 0
	for _, set := range []bool{!req.Due.IsZero(), req.After != 0, req.WorkingDays != 0} {
		if set {
			ways++
		}
	}
	if ways != 1 {
		return nil, wubu.FieldErrorf("due", wubu.EINVALID, "Give the due time in exactly one way: a time, a span, or a number of working days.")
	}
	if req.After < 0 || req.WorkingDays < 0 {
		return nil, wubu.FieldErrorf("due", wubu.EINVALID, "The span of a deadline must be positive.")
	}
	if req.Working && req.After == 0 {
		return nil, wubu.FieldErrorf("due", wubu.EINVALID, "Working time applies to a span of time only.")
	}
	if req.WorkingDays > 250 || req.After > maxDueSpan {
		return nil, wubu.FieldErrorf("due", wubu.EINVALID, "The due time must be within %d days.", int(maxDueSpan/(24*time.Hour)))
	}
	d := &wubu.Deadline{DeadlineKey: req.DeadlineKey, State: wubu.DeadlineArmed, ArmedAt: now, UpdatedAt: now}
	switch {
	case !req.Due.IsZero():
		d.Basis, d.DueAt = wubu.BasisAt, req.Due
	case req.Working:
		d.Basis, d.DueAt = wubu.BasisWorking, sched.AddWorking(now, req.After)
	case req.After != 0:
		d.Basis, d.DueAt = wubu.BasisCalendar, sched.AddCalendar(now, req.After)
	default:
		d.Basis, d.DueAt = wubu.BasisWorkingDays, sched.AddWorkingDays(now, req.WorkingDays)
	}
	d.DueAt = d.DueAt.UTC().Truncate(time.Microsecond)
	if d.DueAt.Sub(now) > maxDueSpan {
		return nil, wubu.FieldErrorf("due", wubu.EINVALID, "The due time must be within %d days.", int(maxDueSpan/(24*time.Hour)))
	}
	if req.WarnBefore < 0 {
		return nil, wubu.FieldErrorf("warn_before", wubu.EINVALID, "The warning lead time must not be negative.")
	}
	if req.WarnBefore > 0 && d.DueAt.After(now) {
		// A warning whose time has come already fires at once.
		w := d.DueAt.Add(-req.WarnBefore)
		if w.Before(now) {
			w = now
		}
		d.WarnAt = &w
	}
	if len(req.Escalation) > wubu.MaxEscalationSteps {
		return nil, wubu.FieldErrorf("escalation", wubu.EINVALID, "An escalation chain has at most %d steps.", wubu.MaxEscalationSteps)
	}
	d.Escalation = make([]wubu.EscalationStep, 0, len(req.Escalation))
	var prev time.Duration
	for i, st := range req.Escalation {
		st.Notify = strings.TrimSpace(st.Notify)
		if st.After <= prev {
			return nil, wubu.FieldErrorf("escalation", wubu.EINVALID, "Escalation step %d must come after the breach and after the step before it.", i+1)
		}
		if !wubu.ValidNotify(st.Notify) {
			return nil, wubu.FieldErrorf("escalation", wubu.EINVALID, "Escalation step %d notifies %q: use user:ID or role:ROLE.", i+1, st.Notify)
		}
		prev = st.After
		d.Escalation = append(d.Escalation, st)
	}
	if err := planNotify(d, req); err != nil {
		return nil, err
	}
	setNextStage(d)
	return d, nil
}

// scheduleFor returns the schedule of a project's working-time deadlines:
// the service's calendar and time zone with the project's own working hours
// once it has set them (Settings), the service's hours otherwise.
func (s *ClockService) scheduleFor(ctx context.Context, tx *Tx, projectID int64) (calendar.Schedule, error) {
	sched := s.schedule
	st, err := loadProjectSettings(ctx, s.db, tx, projectID)
	if err != nil {
		return sched, fmt.Errorf("project hours: %w", err)
	}
	if !st.Default {
		start, end := st.Hours()
		sched.Hours = calendar.Hours{Start: start, End: end}
	}
	return sched, nil
}

// setNextStage sets the stage that fires next from the deadline's state:
// the warning, then the breach, then each escalation step.
func setNextStage(d *wubu.Deadline) {
	d.NextStage, d.NextAt = "", nil
	var at time.Time
	switch d.State {
	case wubu.DeadlineArmed:
		if d.WarnAt != nil {
			d.NextStage, at = wubu.StageWarning, *d.WarnAt
		} else {
			d.NextStage, at = wubu.StageBreach, d.DueAt
		}
	case wubu.DeadlineWarned:
		d.NextStage, at = wubu.StageBreach, d.DueAt
	case wubu.DeadlineBreached, wubu.DeadlineEscalated:
		if d.Level < len(d.Escalation) {
			d.NextStage, at = wubu.EscalationStage(d.Level+1), d.DueAt.Add(d.Escalation[d.Level].After)
		}
	}
	if d.NextStage != "" {
		d.NextAt = &at
	}
}

// stageJob returns the job of the deadline's next stage.
func stageJob(d *wubu.Deadline) StageJob {
	return StageJob{ProjectID: d.ProjectID, DeadlineID: d.ID, Generation: d.Generation, Stage: d.NextStage, At: *d.NextAt}
}

// deadlineSnapshot is what the audit log keeps of a deadline.
type deadlineSnapshot struct {
	ObjectType string                `json:"object_type"`
	ObjectID   string                `json:"object_id"`
	Kind       string                `json:"kind"`
	Basis      wubu.DeadlineBasis    `json:"basis"`
	DueAt      time.Time             `json:"due_at"`
	WarnAt     *time.Time            `json:"warn_at,omitempty"`
	Escalation []wubu.EscalationStep `json:"escalation,omitempty"`
	State      wubu.DeadlineState    `json:"state"`
	Level      int                   `json:"level"`
	Generation int                   `json:"generation"`
	Met        *bool                 `json:"met,omitempty"`
	NextStage  string                `json:"next_stage,omitempty"`
	NextAt     *time.Time            `json:"next_at,omitempty"`
}

func snapshot(d *wubu.Deadline) *deadlineSnapshot {
	if d == nil {
		return nil
	}
	return &deadlineSnapshot{ObjectType: d.ObjectType, ObjectID: d.ObjectID, Kind: d.Kind, Basis: d.Basis, DueAt: d.DueAt, WarnAt: d.WarnAt,
		Escalation: d.Escalation, State: d.State, Level: d.Level, Generation: d.Generation, Met: d.Met, NextStage: d.NextStage, NextAt: d.NextAt}
}

// Arm arms a deadline; see wubu.ClockService.
func (s *ClockService) Arm(ctx context.Context, req wubu.ArmRequest) (*wubu.Deadline, error) {
	ds, err := s.arm(ctx, []wubu.ArmRequest{req}, false)
	if err != nil {
		return nil, err
	}
	return ds[0], nil
}

// ArmMany arms several deadlines in one transaction, all or none, with the
// rules of Arm: for imports and for the benchmark.
func (s *ClockService) ArmMany(ctx context.Context, reqs []wubu.ArmRequest) ([]*wubu.Deadline, error) {
	if len(reqs) == 0 {
		return nil, nil
	}
	return s.arm(ctx, reqs, false)
}

// Rearm arms a deadline again as a new generation; see wubu.ClockService.
func (s *ClockService) Rearm(ctx context.Context, req wubu.ArmRequest) (*wubu.Deadline, error) {
	ds, err := s.arm(ctx, []wubu.ArmRequest{req}, true)
	if err != nil {
		return nil, err
	}
	return ds[0], nil
}

// arm arms the requests in one transaction. With rearm, each key must have
// a deadline, running or not; without, none may be running.
func (s *ClockService) arm(ctx context.Context, reqs []wubu.ArmRequest, rearm bool) ([]*wubu.Deadline, error) {
	for _, r := range reqs {
		if r.ProjectID <= 0 {
			return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
		}
		if _, err := wubu.Authorize(ctx, wubu.PermResidentView, r.ProjectID); err != nil {
			return nil, err
		}
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out, jobs, err := s.armTx(ctx, tx, reqs, rearm)
	if err != nil {
		return nil, err
	}
	if err := s.commitWithJobs(ctx, tx, jobs); err != nil {
		return nil, err
	}
	return out, nil
}

// armTx arms the requests in tx, an open transaction of the service's
// database, and returns the deadlines and the jobs of their first stages,
// for commitWithJobs to queue when tx commits. The caller has authorized
// the requests: a service arming the clock of its own object in the
// object's transaction, so that both are committed or neither.
func (s *ClockService) armTx(ctx context.Context, tx *Tx, reqs []wubu.ArmRequest, rearm bool) ([]*wubu.Deadline, []StageJob, error) {
	var err error
	if len(reqs) > 1 {
		if err := tx.lockDeadlines(ctx, reqs); err != nil {
			return nil, nil, err
		}
	}
	out := make([]*wubu.Deadline, 0, len(reqs))
	projects := map[int64]bool{}
	schedules := map[int64]calendar.Schedule{}
	for i := range reqs {
		req := reqs[i]
		sched, ok := schedules[req.ProjectID]
		if !ok {
			if sched, err = s.scheduleFor(ctx, tx, req.ProjectID); err != nil {
				return nil, nil, err
			}
			schedules[req.ProjectID] = sched
		}
		d, err := s.plan(&req, tx.now, sched)
		if err != nil {
			return nil, nil, err
		}
		// The project must exist (admins serve every project ID).
		if !projects[d.ProjectID] {
			var one int
			if err := tx.queryRow(ctx, `SELECT 1 FROM projects WHERE id = ?`, d.ProjectID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
				return nil, nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
			} else if err != nil {
				return nil, nil, err
			}
			projects[d.ProjectID] = true
		}
		old, err := tx.findDeadline(ctx, `project_id = ? AND object_type = ? AND object_id = ? AND kind = ?`, d.ProjectID, d.ObjectType, d.ObjectID, d.Kind)
		switch {
		case wubu.ErrorCode(err) == wubu.ENOTFOUND:
			if rearm {
				return nil, nil, err
			}
			old = nil
		case err != nil:
			return nil, nil, err
		case !rearm && old.State.Running():
			return nil, nil, wubu.Errorf(wubu.ECONFLICT, "%s %s already has a running deadline of kind %q.", d.ObjectType, d.ObjectID, d.Kind)
		}
		if err := tx.putDeadline(ctx, d, old); err != nil {
			return nil, nil, err
		}
		action := wubu.ActionCreate
		if old != nil {
			action = wubu.ActionUpdate
		}
		if err := tx.audit(ctx, d.ProjectID, action, "deadline", d.ID, snapshot(old), snapshot(d)); err != nil {
			return nil, nil, err
		}
		d.Remaining = d.DueAt.Sub(tx.now)
		out = append(out, d)
	}
	jobs := make([]StageJob, 0, len(out))
	for _, d := range out {
		jobs = append(jobs, stageJob(d))
	}
	return out, jobs, nil
}

// lockDeadlines locks the existing deadlines of the requests' keys in key
// order on PostgreSQL, as FireStages does, so that arming many cannot
// deadlock with firing stages. (SQLite's write transactions hold the whole
// database.)
func (tx *Tx) lockDeadlines(ctx context.Context, reqs []wubu.ArmRequest) error {
	if tx.db.Dialect != Postgres {
		return nil
	}
	for len(reqs) > 0 {
		batch := reqs[:min(len(reqs), 1000)]
		reqs = reqs[len(batch):]
		args := make([]any, 0, 4*len(batch))
		for _, r := range batch {
			args = append(args, r.ProjectID, strings.TrimSpace(r.ObjectType), strings.TrimSpace(r.ObjectID), strings.TrimSpace(r.Kind))
		}
		rows, err := tx.query(ctx, `SELECT d.id FROM deadlines d JOIN `+valuesTable(len(batch), "BIGINT", "TEXT", "TEXT", "TEXT")+` AS v
			ON d.project_id = v.column1 AND d.object_type = v.column2 AND d.object_id = v.column3 AND d.kind = v.column4
			ORDER BY d.project_id, d.id FOR UPDATE OF d`, args...)
		if err != nil {
			return fmt.Errorf("lock deadlines: %w", err)
		}
		for rows.Next() {
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("lock deadlines: %w", err)
		}
	}
	return nil
}

// valuesTable returns a VALUES list of n rows of ? placeholders cast to
// the SQL types, to join with: its columns are column1, column2, … in both
// dialects. PostgreSQL plans such a join well where a long IN list of rows
// becomes a filter on every row of the table, and it needs the casts to
// type the columns.
func valuesTable(n int, types ...string) string {
	cells := make([]string, len(types))
	for i, t := range types {
		cells[i] = `CAST(? AS ` + t + `)`
	}
	row := `(` + strings.Join(cells, ", ") + `)`
	return `(VALUES ` + strings.Repeat(row+`, `, n-1) + row + `)`
}

// putDeadline writes an armed deadline: a new row, or, over old, the row's
// next generation.
func (tx *Tx) putDeadline(ctx context.Context, d, old *wubu.Deadline) error {
	esc, err := json.Marshal(d.Escalation)
	if err != nil {
		return err
	}
	tx.markDeadline(d.ProjectID, d.ObjectType, d.Kind, d.DueAt)
	if old != nil {
		tx.markDeadline(old.ProjectID, old.ObjectType, old.Kind, old.DueAt)
	}
	if old == nil {
		d.Generation = 1
		d.ID, err = tx.insert(ctx, `INSERT INTO deadlines (project_id, object_type, object_id, kind, basis, due_at, warn_at, escalation, state, level, generation,
			armed_at, next_stage, next_at, next_queued, updated_at, warn_notify, breach_notify) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 1, ?, ?, ?, ?, ?, ?, ?)`,
			d.ProjectID, d.ObjectType, d.ObjectID, d.Kind, d.Basis, d.DueAt, d.WarnAt, string(esc), d.State,
			d.ArmedAt, d.NextStage, d.NextAt, false, d.UpdatedAt, notifyJSON(d.WarnNotify), notifyJSON(d.BreachNotify))
		if isUniqueViolation(err) {
			return wubu.Errorf(wubu.ECONFLICT, "%s %s already has a running deadline of kind %q.", d.ObjectType, d.ObjectID, d.Kind)
		}
		return err
	}
	d.ID, d.Generation = old.ID, old.Generation+1
	_, err = tx.exec(ctx, `UPDATE deadlines SET basis = ?, due_at = ?, warn_at = ?, escalation = ?, state = ?, level = 0, generation = ?,
		armed_at = ?, disarmed_at = NULL, met = NULL, next_stage = ?, next_at = ?, next_queued = ?, updated_at = ?, warn_notify = ?, breach_notify = ? WHERE project_id = ? AND id = ?`,
		d.Basis, d.DueAt, d.WarnAt, string(esc), d.State, d.Generation, d.ArmedAt, d.NextStage, d.NextAt, false, d.UpdatedAt,
		notifyJSON(d.WarnNotify), notifyJSON(d.BreachNotify), d.ProjectID, d.ID)
	return err
}

// commitWithJobs queues the jobs of the stages tx has set up, inside tx
// when the queue can join it, and commits; otherwise it commits, queues them
// and marks them queued. A crash between the commit and the queuing leaves
// them unqueued, for Reconcile to find.
func (s *ClockService) commitWithJobs(ctx context.Context, tx *Tx, jobs []StageJob) error {
	q := s.getQueue()
	if q == nil || len(jobs) == 0 {
		return tx.Commit()
	}
	ok, err := q.EnqueueTx(ctx, tx.Tx, jobs)
	if err != nil {
		return fmt.Errorf("queue clock stages: %w", err)
	}
	if ok {
		if err := tx.markQueued(ctx, jobs); err != nil {
			return err
		}
		return tx.Commit()
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// Committed: the change stands whatever happens now. A stage that
	// cannot be queued is left for Reconcile.
	if err := s.enqueue(ctx, q, jobs); err != nil {
		s.logger().Error("clock stages left for the reconciler", "stages", len(jobs), "err", err)
	}
	return nil
}

func (s *ClockService) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// enqueue queues jobs outside a transaction and marks them queued.
func (s *ClockService) enqueue(ctx context.Context, q StageQueue, jobs []StageJob) error {
	if err := q.Enqueue(ctx, jobs); err != nil {
		return fmt.Errorf("queue clock stages: %w", err)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.markQueued(ctx, jobs); err != nil {
		return err
	}
	return tx.Commit()
}

// markQueued records that the jobs' stages are queued, unless the deadline
// has moved on since, 250 at a time. On PostgreSQL it locks the rows in key
// order, as FireStages does, so the two cannot deadlock, and skips rows
// locked meanwhile: those stay unqueued for Reconcile, which queues them
// again (the second job fires nothing).
func (tx *Tx) markQueued(ctx context.Context, jobs []StageJob) error {
	for len(jobs) > 0 {
		batch := jobs[:min(len(jobs), 250)]
		jobs = jobs[len(batch):]
		in := `(project_id, id, generation, next_stage) IN (` + strings.Repeat("(?, ?, ?, ?), ", len(batch)-1) + `(?, ?, ?, ?))`
		args := make([]any, 0, 4*len(batch))
		for _, j := range batch {
			args = append(args, j.ProjectID, j.DeadlineID, j.Generation, j.Stage)
		}
		q := `UPDATE deadlines SET next_queued = TRUE WHERE ` + in
		if tx.db.Dialect == Postgres {
			q = `WITH locked AS (SELECT d.project_id, d.id FROM deadlines d JOIN ` + valuesTable(len(batch), "BIGINT", "BIGINT", "INTEGER", "TEXT") + ` AS v
					ON d.project_id = v.column1 AND d.id = v.column2 AND d.generation = v.column3 AND d.next_stage = v.column4
					ORDER BY d.project_id, d.id FOR UPDATE OF d SKIP LOCKED)
				UPDATE deadlines SET next_queued = TRUE FROM locked WHERE deadlines.project_id = locked.project_id AND deadlines.id = locked.id`
		}
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("mark stages queued: %w", err)
		}
	}
	return nil
}

// Disarm stops a running deadline, recording whether it was met; see
// wubu.ClockService.
func (s *ClockService) Disarm(ctx context.Context, key wubu.DeadlineKey) (*wubu.Deadline, error) {
	return s.stop(ctx, key, false)
}

// Cancel stops a running deadline without judging it; see
// wubu.ClockService.
func (s *ClockService) Cancel(ctx context.Context, key wubu.DeadlineKey) (*wubu.Deadline, error) {
	return s.stop(ctx, key, true)
}

func (s *ClockService) stop(ctx context.Context, key wubu.DeadlineKey, cancel bool) (*wubu.Deadline, error) {
	if key.ProjectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Deadline not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, key.ProjectID); err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	d, err := s.stopTx(ctx, tx, key, cancel)
	if err != nil {
		return nil, err
	}
	return d, tx.Commit()
}

// stopTx stops a running deadline in tx, as Disarm or Cancel do; the caller
// has authorized it and commits tx.
func (s *ClockService) stopTx(ctx context.Context, tx *Tx, key wubu.DeadlineKey, cancel bool) (*wubu.Deadline, error) {
	d, err := tx.findDeadline(ctx, `project_id = ? AND object_type = ? AND object_id = ? AND kind = ?`, key.ProjectID, key.ObjectType, key.ObjectID, key.Kind)
	if err != nil {
		return nil, err
	}
	if !d.State.Running() {
		return nil, wubu.Errorf(wubu.ECONFLICT, "The deadline is not running.")
	}
	before := *d
	now := tx.now
	d.DisarmedAt, d.UpdatedAt = &now, now
	if cancel {
		d.State = wubu.DeadlineCancelled
	} else {
		met := !now.After(d.DueAt)
		d.Met = &met
		d.State = wubu.DeadlineMissed
		if met {
			d.State = wubu.DeadlineMet
		}
	}
	d.NextStage, d.NextAt = "", nil
	if _, err := tx.exec(ctx, `UPDATE deadlines SET state = ?, disarmed_at = ?, met = ?, next_stage = NULL, next_at = NULL, next_queued = ?, updated_at = ?
		WHERE project_id = ? AND id = ?`, d.State, d.DisarmedAt, d.Met, false, d.UpdatedAt, d.ProjectID, d.ID); err != nil {
		return nil, err
	}
	tx.markDeadline(d.ProjectID, d.ObjectType, d.Kind, d.DueAt)
	if err := tx.audit(ctx, d.ProjectID, wubu.ActionUpdate, "deadline", d.ID, snapshot(&before), snapshot(d)); err != nil {
		return nil, err
	}
	d.Remaining = d.DueAt.Sub(now)
	return d, nil
}

// FindDeadline returns the deadline of a key; see wubu.ClockService.
func (s *ClockService) FindDeadline(ctx context.Context, key wubu.DeadlineKey) (*wubu.Deadline, error) {
	if key.ProjectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Deadline not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, key.ProjectID); err != nil {
		return nil, err
	}
	d, err := scanDeadline(s.db.queryRow(ctx, `SELECT `+deadlineColumns+` FROM deadlines WHERE project_id = ? AND object_type = ? AND object_id = ? AND kind = ?`,
		key.ProjectID, key.ObjectType, key.ObjectID, key.Kind))
	if err != nil {
		return nil, err
	}
	d.Remaining = d.DueAt.Sub(s.db.now())
	return d, nil
}

// runningStates is the SQL list of running states, as the partial index
// deadlines_running has it.
const runningStates = `('armed', 'warned', 'breached', 'escalated')`

// FindRunning returns a project's running deadlines, soonest due first; see
// wubu.ClockService.
func (s *ClockService) FindRunning(ctx context.Context, projectID int64, f wubu.DeadlineFilter) ([]*wubu.Deadline, int, error) {
	if projectID <= 0 {
		return nil, 0, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, 0, err
	}
	where := []string{`project_id = ?`, `state IN ` + runningStates}
	args := []any{projectID}
	if f.ObjectType != "" {
		where, args = append(where, `object_type = ?`), append(args, f.ObjectType)
	}
	if f.Kind != "" {
		where, args = append(where, `kind = ?`), append(args, f.Kind)
	}
	if f.State != "" {
		where, args = append(where, `state = ?`), append(args, f.State)
	}
	if f.DueBefore != nil {
		where, args = append(where, `due_at < ?`), append(args, f.DueBefore.UTC())
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := s.db.query(ctx, `SELECT `+deadlineColumns+`, COUNT(*) OVER() FROM deadlines WHERE `+strings.Join(where, " AND ")+
		` ORDER BY due_at, id LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	now := s.db.now()
	var out []*wubu.Deadline
	total := 0
	for rows.Next() {
		d, err := scanDeadline(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &total)...) }))
		if err != nil {
			return nil, 0, err
		}
		d.Remaining = d.DueAt.Sub(now)
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// scanFunc adapts a function to the Scan interface.
type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

const clockEventColumns = `id, project_id, deadline_id, generation, stage, notify, due_at, fired_at, lateness_us`

func scanClockEvent(s interface{ Scan(...any) error }) (*wubu.ClockEvent, error) {
	e := &wubu.ClockEvent{}
	var us int64
	if err := s.Scan(&e.ID, &e.ProjectID, &e.DeadlineID, &e.Generation, &e.Stage, &e.Notify, &e.DueAt, &e.FiredAt, &us); err != nil {
		return nil, err
	}
	e.Lateness = time.Duration(us) * time.Microsecond
	return e, nil
}

// Events returns the fired stages of a deadline; see wubu.ClockService.
func (s *ClockService) Events(ctx context.Context, projectID, deadlineID int64) ([]*wubu.ClockEvent, error) {
	if projectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Deadline not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	var one int
	if err := s.db.queryRow(ctx, `SELECT 1 FROM deadlines WHERE project_id = ? AND id = ?`, projectID, deadlineID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Deadline not found.")
	} else if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+clockEventColumns+` FROM clock_events WHERE project_id = ? AND deadline_id = ? ORDER BY fired_at, id`, projectID, deadlineID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.ClockEvent
	for rows.Next() {
		e, err := scanClockEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// StageNotDueError is returned by FireStage for a stage whose time has not
// come by the database clock: its job should run again At.
type StageNotDueError struct{ At time.Time }

// Error implements the error interface.
func (e *StageNotDueError) Error() string {
	return fmt.Sprintf("clock stage not due until %s", e.At.Format(time.RFC3339Nano))
}

// StageResult is the outcome of one stage job: the fired stage, or nil
// when there was nothing to fire, or a *StageNotDueError.
type StageResult struct {
	Event *wubu.ClockEvent
	Err   error
}

// errStageConflict is the unique clock event of a stage already recorded:
// the batch it was in is rolled back and fired again one stage at a time.
var errStageConflict = errors.New("clock stage fired concurrently")

// maxStageBatch is the most stages FireStages fires in one transaction.
const maxStageBatch = 100

// FireStage fires one stage of a deadline, as FireStages does: fired
// reports whether it did.
func (s *ClockService) FireStage(ctx context.Context, job StageJob) (ev *wubu.ClockEvent, fired bool, err error) {
	res, err := s.FireStages(ctx, []StageJob{job})
	if err != nil {
		return nil, false, err
	}
	return res[0].Event, res[0].Event != nil, res[0].Err
}

// FireStages fires stages of deadlines: the work of stage jobs, several at
// once when they come together (group commit). In one transaction it reads
// and locks their deadlines; for each job it checks that its stage is the
// deadline's next one in the job's generation and that its time has come;
// it records each fired stage as a unique clock event, moves its deadline
// on, writes one audit entry per stage and queues each deadline's next
// stage.
//
// A job's result has no event, and the job no effect, when there is nothing
// to fire: the deadline is gone, was disarmed or re-armed, the stage fired
// already (a job run twice), or it is not the next stage. Callers complete
// such jobs. A *StageNotDueError means the stage's time has not come by the
// database clock. An error means no stage fired and every job should be
// retried.
func (s *ClockService) FireStages(ctx context.Context, jobs []StageJob) ([]StageResult, error) {
	out := make([]StageResult, 0, len(jobs))
	for len(jobs) > 0 {
		batch := jobs[:min(len(jobs), maxStageBatch)]
		jobs = jobs[len(batch):]
		res, err := s.fireStages(ctx, batch)
		if errors.Is(err, errStageConflict) {
			// A stage of the batch was recorded by someone else meanwhile
			// (possible only if its deadline's row lock was bypassed): fire
			// the batch one stage at a time; the conflicting one is skipped.
			res = make([]StageResult, len(batch))
			for i := range batch {
				if len(batch) == 1 {
					break // it fired already: nothing to do
				}
				r, err := s.fireStages(ctx, batch[i:i+1])
				if errors.Is(err, errStageConflict) {
					continue
				} else if err != nil {
					return nil, err
				}
				res[i] = r[0]
			}
		} else if err != nil {
			return nil, err
		}
		out = append(out, res...)
	}
	return out, nil
}

// firedStage is a stage fired in memory, to be written.
type firedStage struct {
	ev     *wubu.ClockEvent
	before *deadlineSnapshot
	d      *wubu.Deadline
	after  any
}

func (s *ClockService) fireStages(ctx context.Context, jobs []StageJob) ([]StageResult, error) {
	if wubu.UserFromContext(ctx) == nil {
		ctx = wubu.NewContextWithUser(ctx, clockUser)
	}
	tx, err := s.beginStage(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	// Read and lock the deadlines, in key order so that concurrent batches
	// cannot deadlock.
	type key struct{ project, id int64 }
	keys := map[key][]int{}
	var order []key
	for i, j := range jobs {
		k := key{j.ProjectID, j.DeadlineID}
		if _, ok := keys[k]; !ok {
			order = append(order, k)
		}
		keys[k] = append(keys[k], i)
	}
	slices.SortFunc(order, func(a, b key) int { return cmp.Or(cmp.Compare(a.project, b.project), cmp.Compare(a.id, b.id)) })
	args := make([]any, 0, 2*len(order))
	for _, k := range order {
		args = append(args, k.project, k.id)
	}
	q := `SELECT ` + deadlineColumns + ` FROM deadlines d JOIN ` + valuesTable(len(order), "BIGINT", "BIGINT") + ` AS v
		ON d.project_id = v.column1 AND d.id = v.column2 ORDER BY d.project_id, d.id`
	if tx.db.Dialect == Postgres {
		q += ` FOR UPDATE OF d`
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read deadlines: %w", err)
	}
	var ds []*wubu.Deadline
	for rows.Next() {
		d, err := scanDeadline(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		ds = append(ds, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	// Fire in memory, deadline by deadline, each job whose stage is the
	// next one, in turn: a batch may hold a stage and the one after it.
	res := make([]StageResult, len(jobs))
	var fired []firedStage
	var moved []*wubu.Deadline
	for _, d := range ds {
		idx := keys[key{d.ProjectID, d.ID}]
		done := make([]bool, len(idx))
		changed := false
	next:
		for d.NextAt != nil {
			for n, i := range idx {
				j := jobs[i]
				if done[n] || j.Generation != d.Generation || j.Stage != d.NextStage {
					continue
				}
				done[n] = true
				if tx.now.Before(*d.NextAt) {
					// The job queue's clock (the database's, on
					// PostgreSQL) may run ahead of this server's: never
					// fire early.
					res[i].Err = &StageNotDueError{At: *d.NextAt}
					break next
				}
				f, ok := fireInMemory(d, j.Stage, tx.now)
				if !ok {
					break next
				}
				res[i].Event = f.ev
				fired = append(fired, f)
				changed = true
				continue next
			}
			break
		}
		if changed {
			moved = append(moved, d)
		}
	}
	if len(fired) == 0 {
		return res, nil
	}

	// Write: the unique events, the deadlines, the audit entries, the
	// notifications of the fired stages (see outbox_clock.go).
	if err := tx.insertEvents(ctx, fired); err != nil {
		return nil, err
	}
	if err := tx.notify(ctx, stageNotifications(fired)); err != nil {
		return nil, err
	}
	if err := tx.updateFired(ctx, moved); err != nil {
		return nil, err
	}
	entries := make([]*wubu.AuditEntry, 0, len(fired))
	for _, f := range fired {
		e, err := auditEntry(f.d.ProjectID, wubu.ActionUpdate, "deadline", f.d.ID, f.before, f.after)
		if err != nil {
			return nil, err
		}
		entries = append(entries, e)
	}
	if err := tx.writeAudits(ctx, entries); err != nil {
		return nil, err
	}
	var next []StageJob
	for _, d := range moved {
		if d.NextStage != "" {
			next = append(next, stageJob(d))
		}
	}
	if err := s.commitWithJobs(ctx, tx, next); err != nil {
		return nil, err
	}
	return res, nil
}

// fireInMemory fires the stage of d at now in memory: it returns the event
// and moves d on, or reports false if the stage does not fit d's state.
func fireInMemory(d *wubu.Deadline, stage string, now time.Time) (firedStage, bool) {
	before := snapshot(d)
	ev := &wubu.ClockEvent{ProjectID: d.ProjectID, DeadlineID: d.ID, Generation: d.Generation, Stage: stage, DueAt: *d.NextAt, FiredAt: now}
	ev.Lateness = ev.FiredAt.Sub(ev.DueAt)
	switch stage {
	case wubu.StageWarning:
		d.State = wubu.DeadlineWarned
	case wubu.StageBreach:
		d.State = wubu.DeadlineBreached
	default:
		n := wubu.EscalationLevel(stage)
		if n != d.Level+1 || n > len(d.Escalation) {
			return firedStage{}, false
		}
		d.State, d.Level, ev.Notify = wubu.DeadlineEscalated, n, d.Escalation[n-1].Notify
	}
	setNextStage(d)
	d.UpdatedAt = now
	after := struct {
		*deadlineSnapshot
		Stage    string        `json:"stage"`
		Notify   string        `json:"notify,omitempty"`
		Lateness time.Duration `json:"lateness"`
	}{snapshot(d), ev.Stage, ev.Notify, ev.Lateness}
	return firedStage{ev: ev, before: before, d: d, after: after}, true
}

// insertEvents records fired stages, the unique rows that make each fire
// once, and sets their IDs. A stage recorded already is errStageConflict.
func (tx *Tx) insertEvents(ctx context.Context, fired []firedStage) error {
	type evKey struct {
		deadline int64
		gen      int
		stage    string
	}
	byKey := make(map[evKey]*wubu.ClockEvent, len(fired))
	args := make([]any, 0, 8*len(fired))
	for _, f := range fired {
		e := f.ev
		byKey[evKey{e.DeadlineID, e.Generation, e.Stage}] = e
		args = append(args, e.ProjectID, e.DeadlineID, e.Generation, e.Stage, e.Notify, e.DueAt, e.FiredAt, e.Lateness.Microseconds())
	}
	rows, err := tx.query(ctx, `INSERT INTO clock_events (project_id, deadline_id, generation, stage, notify, due_at, fired_at, lateness_us) VALUES `+
		strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?), ", len(fired)-1)+`(?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, deadline_id, generation, stage`, args...)
	if isUniqueViolation(err) {
		return errStageConflict
	} else if err != nil {
		return fmt.Errorf("record clock events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k evKey
		if err := rows.Scan(&id, &k.deadline, &k.gen, &k.stage); err != nil {
			return err
		}
		if e := byKey[k]; e != nil {
			e.ID = id
		}
	}
	if err := rows.Err(); isUniqueViolation(err) {
		return errStageConflict
	} else if err != nil {
		return fmt.Errorf("record clock events: %w", err)
	}
	return nil
}

// updateFired writes the new state of deadlines whose stages fired, in one
// statement.
func (tx *Tx) updateFired(ctx context.Context, ds []*wubu.Deadline) error {
	// PostgreSQL types VALUES columns from their first row: cast them. On
	// SQLite a cast to TIMESTAMP would make a number of the text.
	i64, txt, num, ts := `CAST(? AS BIGINT)`, `CAST(? AS TEXT)`, `CAST(? AS INTEGER)`, `?`
	if tx.db.Dialect == Postgres {
		ts = `CAST(? AS timestamptz)`
	}
	row := `(` + strings.Join([]string{i64, i64, txt, num, txt, ts, ts}, ", ") + `)`
	rows := make([]string, len(ds))
	args := make([]any, 0, 7*len(ds))
	for i, d := range ds {
		tx.markDeadline(d.ProjectID, d.ObjectType, d.Kind, d.DueAt)
		rows[i] = row
		args = append(args, d.ProjectID, d.ID, string(d.State), d.Level, nullString(d.NextStage), d.NextAt, d.UpdatedAt)
	}
	_, err := tx.exec(ctx, `UPDATE deadlines SET state = v.column3, level = v.column4, next_stage = v.column5, next_at = v.column6, next_queued = FALSE, updated_at = v.column7
		FROM (VALUES `+strings.Join(rows, ", ")+`) AS v WHERE deadlines.project_id = v.column1 AND deadlines.id = v.column2`, args...)
	if err != nil {
		return fmt.Errorf("update deadlines: %w", err)
	}
	return nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// DueStages returns up to limit stages due by the database clock's now,
// soonest first: what RunDue fires.
func (s *ClockService) DueStages(ctx context.Context, limit int) ([]StageJob, error) {
	return s.stages(ctx, `next_at IS NOT NULL AND next_at <= ?`, []any{s.db.now()}, limit)
}

func (s *ClockService) stages(ctx context.Context, where string, args []any, limit int) ([]StageJob, error) {
	rows, err := s.db.query(ctx, `SELECT project_id, id, generation, next_stage, next_at FROM deadlines WHERE `+where+` ORDER BY next_at, id LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StageJob
	for rows.Next() {
		var j StageJob
		if err := rows.Scan(&j.ProjectID, &j.DeadlineID, &j.Generation, &j.Stage, &j.At); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// RunDue fires, in order and without the job queue, every stage that is
// due by the database clock, including stages that become due as earlier
// ones fire, and returns how many fired. It is the deterministic path for
// tests of the state machine and for tools; servers fire stages from jobs.
func (s *ClockService) RunDue(ctx context.Context) (int, error) {
	n := 0
	for {
		due, err := s.DueStages(ctx, 500)
		if err != nil {
			return n, err
		}
		progress := false
		for _, j := range due {
			_, fired, err := s.FireStage(ctx, j)
			if err != nil {
				return n, err
			}
			if fired {
				n++
				progress = true
			}
		}
		if !progress {
			return n, nil
		}
	}
}

// reconcileGrace is how long Reconcile leaves a deadline changed last
// alone: on PostgreSQL its stage is queued just after the commit.
const reconcileGrace = 10 * time.Second

// Reconcile queues, in batches of up to limit, every stage not known to be
// queued — a crash came between a commit and the queuing, or no queue was
// set — of deadlines not changed in the last 10 seconds, and returns how
// many it handed to the queue. A stage whose job was queued but not yet
// marked so gets a second job, which fires nothing.
func (s *ClockService) Reconcile(ctx context.Context, limit int) (int, error) {
	q := s.getQueue()
	if q == nil {
		return 0, errors.New("reconcile clock stages: no queue")
	}
	if limit <= 0 {
		limit = 1000
	}
	n := 0
	for page := 0; page < 1000; page++ {
		jobs, err := s.stages(ctx, `next_at IS NOT NULL AND next_queued = FALSE AND updated_at < ?`, []any{s.db.now().Add(-reconcileGrace)}, limit)
		if err != nil {
			return n, err
		}
		if len(jobs) == 0 {
			break
		}
		if err := s.enqueue(ctx, q, jobs); err != nil {
			return n, err
		}
		n += len(jobs)
		if len(jobs) < limit {
			break
		}
	}
	return n, nil
}
