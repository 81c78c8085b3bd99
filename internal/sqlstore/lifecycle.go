package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// The runner of life cycles (wubu.Lifecycle): one way to take a step on any
// object that moves through steps. A step, in one transaction:
//
//  1. reads the object and locks its row (forUpdate);
//  2. authorizes the caller in the object's project (another project's
//     object is not found, as a missing one);
//  3. checks the step against the declaration: the actor rule holds (the
//     assignee or a leader of the post; leaders only; the four-eyes rule),
//     and the state allows it (else the state's own message);
//  4. applies the object's own changes (the service's function) and saves
//     the object;
//  5. writes the event (who, when, from → to, note), the audit entry and
//     the resident's timeline entry;
//  6. changes the clock as the step declares (arm, re-arm, stop, cancel,
//     hand over) and queues the declared notices through the outbox;
//  7. commits — with the clock's first stage job when the job queue can
//     join the transaction.
//
// A refused step changes nothing.

// machine tells the runner how to read, write and describe one kind of
// object; what the object does is its wubu.Lifecycle.
type machine[T any] struct {
	lc *wubu.Lifecycle
	// load reads the object in tx, its row locked for the transaction when
	// lock is set (use db.forUpdate). A missing object is ENOTFOUND.
	load func(ctx context.Context, tx *Tx, id int64, lock bool) (T, error)
	// facts describes the object for the runner.
	facts func(T) facts
	// setState sets the object's state (its field; save writes it).
	setState func(T, string)
	// insert writes a new object and sets its ID (creating steps).
	insert func(ctx context.Context, tx *Tx, o T) error
	// save writes the object's changeable columns after a step.
	save func(ctx context.Context, tx *Tx, o T) error
	// clone copies the object, for the audit's "before".
	clone func(T) T
	// audit is the object as the audit log records it (nil: the object).
	audit func(T) any
	// timeline is the kind and text of the step's entry on the resident's
	// timeline (nil, or an empty text: no entry; an empty kind: the
	// object's type and its new state, "order.done").
	timeline func(o T, action string) (kind, text string)
	// vars are the variables of the step's notices and hand-over message.
	vars func(T) map[string]string
	// when evaluates the conditions the notices name (NoticeDecl.When).
	when func(o T, cond string) (value, known bool)
	// tune adjusts the arm request of a clock (nil: as declared).
	tune func(ctx context.Context, tx *Tx, o T, req *wubu.ArmRequest) error
}

// facts is what the runner needs to know of an object.
type facts struct {
	ProjectID, ID int64
	State         string
	// Post is the post whose team leaders lead the object.
	Post wubu.Post
	// AssigneeID, SuperiorID, ReporterID are the people the parties name;
	// AssigneeName names the assignee in messages.
	AssigneeID, SuperiorID, ReporterID *int64
	AssigneeName                       string
	// OnDutyID is the duty person on the roster, for PartyOnDuty.
	OnDutyID *int64
	// PersonID is the resident whose timeline records the steps.
	PersonID *int64
	// Due is when the object's running promise falls due (nil: the
	// clock's declared span from now).
	Due *time.Time
}

// stepFunc applies a step's own changes to the object (its state already
// set to the step's target): it checks the step's own conditions, changes
// o, may write more rows in tx, and returns the event's note.
type stepFunc[T any] func(ctx context.Context, tx *Tx, o T, u *wubu.User) (string, error)

// txNotifier is a notifier that can queue in a transaction of the store
// (the outbox).
type txNotifier interface {
	NotifyTx(ctx context.Context, tx *Tx, ns ...wubu.Notification) error
}

// runner executes steps with a store's clocks and notices.
type runner struct {
	db     *DB
	clocks wubu.ClockService
	// notifier queues the notices: the store's outbox (in the step's
	// transaction) unless a test gives another.
	notifier wubu.Notifier
}

func newRunner(db *DB, clocks wubu.ClockService, n wubu.Notifier) *runner {
	return &runner{db: db, clocks: clocks, notifier: n}
}

// stepHook, set by tests only, runs after a step has read (and locked) its
// object and before it checks anything: the concurrency tests pause the
// first step there while a second one runs.
var stepHook func(object string, id int64)

// forUpdate returns the clause that locks the rows of the table aliased
// alias for the transaction: PostgreSQL's FOR UPDATE OF; nothing on
// SQLite, whose one writer connection already serializes write
// transactions.
func (db *DB) forUpdate(alias string) string {
	if db.Dialect == Postgres {
		return " FOR UPDATE OF " + alias
	}
	return ""
}

// runStep takes the step of an action on the object id, applying fn; it
// returns the object after the step as the transaction left it.
func runStep[T any](ctx context.Context, r *runner, m *machine[T], id int64, action string, fn stepFunc[T]) (T, error) {
	var zero T
	decl, ok := m.lc.Step(action)
	if !ok || len(decl.From) == 0 {
		return zero, fmt.Errorf("%s: no step %q", m.lc.Object, action)
	}
	if _, err := authorizeStep(ctx, decl, 0); err != nil {
		return zero, err
	}
	tx, err := r.db.BeginTx(ctx)
	if err != nil {
		return zero, err
	}
	defer tx.Rollback()
	o, err := stepIn(ctx, r, tx, m, id, action, fn)
	if err != nil {
		return zero, err
	}
	if err := r.commit(ctx, tx); err != nil {
		return zero, err
	}
	return o, nil
}

// stepIn takes the step of an action on the object id inside the caller's
// transaction (a step that follows from another change: an assessment
// decided by the quiz submitted with it). The caller commits with
// r.commit.
func stepIn[T any](ctx context.Context, r *runner, tx *Tx, m *machine[T], id int64, action string, fn stepFunc[T]) (T, error) {
	var zero T
	decl, ok := m.lc.Step(action)
	if !ok || len(decl.From) == 0 {
		return zero, fmt.Errorf("%s: no step %q", m.lc.Object, action)
	}
	u, err := authorizeStep(ctx, decl, 0)
	if err != nil {
		return zero, err
	}
	o, err := m.load(ctx, tx, id, true)
	if err != nil {
		return zero, err
	}
	f := m.facts(o)
	if _, err := authorizeStep(ctx, decl, f.ProjectID); err != nil {
		if wubu.ErrorCode(err) == wubu.ENOTFOUND {
			// Another project's object answers exactly as a missing one.
			_, err = m.load(ctx, tx, 0, false)
		}
		return zero, err
	}
	if stepHook != nil {
		stepHook(m.lc.Object, id)
	}
	// Who may take the step first, then whether the state allows it. A
	// resident's step has no actor rule: the portal's service has checked
	// that the object is in their home.
	resident := u.Role == wubu.RoleResident
	if !resident {
		if err := r.checkActor(ctx, tx, m.lc, decl, f, u); err != nil {
			return zero, err
		}
	}
	to, ok := m.lc.Next(f.State, action)
	if !ok {
		return zero, m.lc.Refuse(f.State, f.ID)
	}
	if !resident && unassigned(decl, f, u, m.lc) {
		return zero, refusal(wubu.ECONFLICT, m.lc.Messages.Unassigned, f.ID)
	}
	before := m.clone(o)
	m.setState(o, to)
	note, err := fn(ctx, tx, o, u)
	if err != nil {
		return zero, err
	}
	if err := m.save(ctx, tx, o); err != nil {
		return zero, err
	}
	if err := record(ctx, r, tx, m, decl, f.State, &before, o, note); err != nil {
		return zero, err
	}
	return o, nil
}

// runCreate takes a creating step in a transaction of its own: fn checks
// and fills the new object (its state set to the step's target, or the
// first declared state), the runner inserts it, then runs each of then
// (writing the rows that need the new object's ID: photos, a log), records
// the step as any other and commits.
func runCreate[T any](ctx context.Context, r *runner, m *machine[T], projectID int64, action string, o T, fn stepFunc[T], then ...stepFunc[T]) (T, error) {
	var zero T
	decl, ok := m.lc.Step(action)
	if !ok || len(decl.From) != 0 {
		return zero, fmt.Errorf("%s: no creating step %q", m.lc.Object, action)
	}
	u, err := authorizeStep(ctx, decl, projectID)
	if err != nil {
		return zero, err
	}
	tx, err := r.db.BeginTx(ctx)
	if err != nil {
		return zero, err
	}
	defer tx.Rollback()
	m.setState(o, createdState(m.lc, action))
	note, err := fn(ctx, tx, o, u)
	if err != nil {
		return zero, err
	}
	if err := createIn(ctx, r, tx, m, action, o, note, then...); err != nil {
		return zero, err
	}
	if err := r.commit(ctx, tx); err != nil {
		return zero, err
	}
	return o, nil
}

// createdState is the state a creating step leaves its object in.
func createdState(lc *wubu.Lifecycle, action string) string {
	if decl, ok := lc.Step(action); ok && decl.To != "" {
		return decl.To
	}
	return lc.States[0].Name
}

// createIn takes a creating step inside the caller's transaction (an
// object opened with another's step: the further jobs of a completed
// order): it inserts o, already checked and filled, runs each of then and
// records the step. The caller commits with r.commit.
func createIn[T any](ctx context.Context, r *runner, tx *Tx, m *machine[T], action string, o T, note string, then ...stepFunc[T]) error {
	decl, ok := m.lc.Step(action)
	if !ok || len(decl.From) != 0 {
		return fmt.Errorf("%s: no creating step %q", m.lc.Object, action)
	}
	u, err := authorizeStep(ctx, decl, m.facts(o).ProjectID)
	if err != nil {
		return err
	}
	m.setState(o, createdState(m.lc, action))
	if err := m.insert(ctx, tx, o); err != nil {
		return err
	}
	for _, fn := range then {
		if _, err := fn(ctx, tx, o, u); err != nil {
			return err
		}
	}
	return record(ctx, r, tx, m, decl, "", nil, o, note)
}

// authorizeStep authorizes the caller of a step in a project (0: by role
// only): staff by the step's permission; a resident (through the portal)
// only for the steps declared for residents, by wubu.PermPortal.
func authorizeStep(ctx context.Context, decl wubu.StepDecl, projectID int64) (*wubu.User, error) {
	perm := decl.Perm
	if u := wubu.UserFromContext(ctx); u != nil && u.Role == wubu.RoleResident {
		if !decl.Resident {
			return nil, wubu.Errorf(wubu.EFORBIDDEN, "You do not have permission to do this.")
		}
		perm = wubu.PermPortal
	}
	return wubu.Authorize(ctx, perm, projectID)
}

// authorizeAction authorizes the caller of a life cycle's action in a
// project, as authorizeStep.
func authorizeAction(ctx context.Context, lc *wubu.Lifecycle, action string, projectID int64) (*wubu.User, error) {
	decl, ok := lc.Step(action)
	if !ok {
		return nil, fmt.Errorf("%s: no step %q", lc.Object, action)
	}
	return authorizeStep(ctx, decl, projectID)
}

// stepWork is what a step leaves for its transaction's commit: its clock
// change, and the notices for a notifier that cannot join the transaction.
type stepWork struct {
	object string
	id     int64
	clocks []clockChange
	after  []wubu.Notification
}

// commit commits a transaction of steps, with their clock changes (and the
// first stage jobs when the job queue can join the transaction), then hands
// a test's notifier the notices it could not queue in it.
func (r *runner) commit(ctx context.Context, tx *Tx) error {
	var changes []clockChange
	for _, w := range tx.steps {
		changes = append(changes, w.clocks...)
	}
	if err := commitClocks(ctx, tx, r.clocks, changes...); err != nil {
		return err
	}
	for _, w := range tx.steps {
		if len(w.after) == 0 {
			continue
		}
		if err := r.notifier.Notify(ctx, w.after...); err != nil {
			slog.Default().Error("notices of a step not sent", "object", w.object, "id", w.id, "err", err)
		}
	}
	return nil
}

// record writes what every step writes after the object's own change —
// the event, the audit entry, the timeline entry and the notices — and
// leaves its clock change for the commit. before is nil for a creating
// step.
func record[T any](ctx context.Context, r *runner, tx *Tx, m *machine[T], decl wubu.StepDecl, from string, before *T, o T, note string) error {
	f := m.facts(o)
	tx.markObject(f.ProjectID, m.lc.Object, f.ID)
	var uid *int64
	if u := wubu.UserFromContext(ctx); u != nil && u.ID != 0 {
		uid = &u.ID
	}
	eventID, err := tx.insert(ctx, `INSERT INTO lifecycle_events (project_id, object_type, object_id, at, user_id, action, from_state, to_state, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ProjectID, m.lc.Object, f.ID, tx.now, uid, decl.Action, from, f.State, note)
	if err != nil {
		return fmt.Errorf("%s event: %w", m.lc.Object, err)
	}
	auditOf := func(v T) any {
		if m.audit != nil {
			return m.audit(v)
		}
		return v
	}
	action, b := wubu.ActionCreate, any(nil)
	if before != nil {
		action, b = wubu.ActionUpdate, auditOf(*before)
	}
	if err := tx.audit(ctx, f.ProjectID, action, m.lc.Object, f.ID, b, auditOf(o)); err != nil {
		return err
	}
	if f.PersonID != nil && m.timeline != nil {
		kind, text := m.timeline(o, decl.Action)
		if kind == "" {
			kind = m.lc.Object + "." + f.State
		}
		if text != "" {
			if err := addTimeline(ctx, tx, f.ProjectID, *f.PersonID, kind, text); err != nil {
				return fmt.Errorf("%s timeline: %w", m.lc.Object, err)
			}
		}
	}
	// The notices' variables, only for a step that may send any.
	var vars map[string]string
	if m.vars != nil && (len(decl.Notify) > 0 || slices.ContainsFunc(decl.Clocks, func(c wubu.ClockEffect) bool { return c.Op == wubu.ClockHandOver })) {
		vars = m.vars(o)
	}
	var bf *facts
	if before != nil {
		b := m.facts(*before)
		bf = &b
	}
	var changes []clockChange
	var notices []wubu.Notification
	for _, effect := range decl.Clocks {
		if effect.When != "" {
			apply, err := condition(m, o, effect.When, "clock "+effect.Kind)
			if err != nil {
				return err
			}
			if !apply {
				continue
			}
		}
		change, ns, err := r.clockChange(m.lc, effect, bf, f, tx.now, vars)
		if err != nil {
			return err
		}
		if change != nil && change.arm != nil && m.tune != nil {
			if err := m.tune(ctx, tx, o, change.arm); err != nil {
				return err
			}
		}
		if change != nil {
			changes = append(changes, *change)
		}
		notices = append(notices, ns...)
	}
	oid := strconv.FormatInt(f.ID, 10)
	for _, n := range decl.Notify {
		if n.When != "" {
			send, err := condition(m, o, n.When, "notice "+n.Kind)
			if err != nil {
				return err
			}
			if !send {
				continue
			}
		}
		for _, to := range parties(n.To, f) {
			rcpt, ok := recipientOf(to)
			if !ok {
				continue
			}
			notices = append(notices, wubu.Notification{ProjectID: f.ProjectID, Kind: n.Kind, To: rcpt, Urgent: n.Urgent, Vars: vars,
				DedupKey:   n.Kind + ":" + m.lc.Object + ":" + oid + ":" + strconv.FormatInt(eventID, 10) + ":" + to,
				ObjectType: m.lc.Object, ObjectID: oid})
		}
	}
	// The notices are queued in the step's transaction, through the
	// store's outbox; another notifier (a test's) hears of them once the
	// step is committed.
	var after []wubu.Notification
	if len(notices) > 0 {
		switch n := r.notifier.(type) {
		case nil:
			err = tx.notify(ctx, notices)
		case txNotifier:
			err = n.NotifyTx(ctx, tx, notices...)
		default:
			after = notices
		}
		if err != nil {
			return err
		}
	}
	tx.steps = append(tx.steps, stepWork{object: m.lc.Object, id: f.ID, clocks: changes, after: after})
	return nil
}

// condition evaluates a condition a step's clock change or notice names.
func condition[T any](m *machine[T], o T, cond, what string) (bool, error) {
	if m.when == nil {
		return false, fmt.Errorf("%s: %s: no condition %q", m.lc.Object, what, cond)
	}
	v, known := m.when(o, cond)
	if !known {
		return false, fmt.Errorf("%s: %s: no condition %q", m.lc.Object, what, cond)
	}
	return v, nil
}

// clockChange is one clock change a step declares on an object, and the
// notices it implies (a hand-over of a promise already broken).
func (r *runner) clockChange(lc *wubu.Lifecycle, effect wubu.ClockEffect, before *facts, f facts, now time.Time, vars map[string]string) (*clockChange, []wubu.Notification, error) {
	c, _ := lc.Clock(effect.Kind)
	key := lc.ClockKey(f.ProjectID, f.ID, c.Kind)
	switch effect.Op {
	case wubu.ClockStop:
		ch := stopClock(key)
		return &ch, nil, nil
	case wubu.ClockCancel:
		ch := cancelClock(key)
		return &ch, nil, nil
	}
	req := wubu.ArmRequest{DeadlineKey: key, WarnBefore: c.WarnBefore, WarnNotify: parties(c.Warn, f), BreachNotify: parties(c.Breach, f)}
	for _, e := range c.Escalation {
		for _, to := range party(e.To, f) {
			req.Escalation = append(req.Escalation, wubu.EscalationStep{After: e.After, Notify: to})
		}
	}
	switch {
	case c.WorkingDays > 0:
		req.WorkingDays = c.WorkingDays
	case f.Due != nil:
		req.Due = *f.Due
	default:
		req.After, req.Working = c.Within, c.Working
	}
	switch effect.Op {
	case wubu.ClockArm:
		ch := armClock(req)
		return &ch, nil, nil
	case wubu.ClockRearm:
		ch := rearmClock(req)
		return &ch, nil, nil
	}
	// Hand-over: the promise is armed when the step gives the object its
	// first due time; a promise still running is armed again for a new
	// assignee with the same due time; one already broken stays broken,
	// and the new assignee hears at once that it is late.
	if f.Due == nil {
		return nil, nil, nil
	}
	if before == nil || before.Due == nil {
		ch := armClock(req)
		return &ch, nil, nil
	}
	if sameID(before.AssigneeID, f.AssigneeID) {
		return nil, nil, nil
	}
	if now.Before(*f.Due) {
		ch := rearmClock(req)
		return &ch, nil, nil
	}
	if f.AssigneeID == nil {
		return nil, nil, nil
	}
	v := map[string]string{}
	for k, val := range vars {
		v[k] = val
	}
	v["due"] = f.Due.In(china).Format("2006-01-02 15:04")
	v["late_min"] = strconv.Itoa(int(now.Sub(*f.Due).Minutes()))
	oid := strconv.FormatInt(f.ID, 10)
	return nil, []wubu.Notification{{ProjectID: f.ProjectID, Kind: lc.Object + "_overdue_assigned", To: wubu.Recipient{UserID: *f.AssigneeID}, Urgent: true, Vars: v,
		DedupKey:   lc.Object + "_overdue_assigned:" + oid + ":" + strconv.FormatInt(*f.AssigneeID, 10) + ":" + strconv.FormatInt(now.UnixMilli(), 10),
		ObjectType: lc.Object, ObjectID: oid}}, nil
}

// checkActor checks the step's actor rule.
func (r *runner) checkActor(ctx context.Context, tx *Tx, lc *wubu.Lifecycle, decl wubu.StepDecl, f facts, u *wubu.User) error {
	// An object assigned to nobody yet is a matter of its state: refused
	// once the state has been checked (unassigned).
	if decl.Actor.Assignee && f.AssigneeID != nil && *f.AssigneeID != u.ID && !leads(u, lc.Lead, f.Post) {
		code := lc.Messages.AssigneeCode
		if code == "" {
			code = wubu.EFORBIDDEN
		}
		return refusal(code, lc.Messages.OthersOnly, f.ID, f.AssigneeName)
	}
	if decl.Actor.Leaders && !leads(u, lc.Lead, f.Post) {
		return refusal(wubu.EFORBIDDEN, decl.Actor.Refusal, f.ID)
	}
	if len(decl.Actor.NotBy) == 0 {
		return nil
	}
	var by sql.NullInt64
	err := tx.queryRow(ctx, `SELECT user_id FROM lifecycle_events WHERE project_id = ? AND object_type = ? AND object_id = ? AND action IN (`+placeholders(len(decl.Actor.NotBy))+`)
		ORDER BY id DESC LIMIT 1`, append([]any{f.ProjectID, lc.Object, f.ID}, stringArgs(decl.Actor.NotBy)...)...).Scan(&by)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if by.Valid && by.Int64 == u.ID {
		return refusal(wubu.EFORBIDDEN, decl.Actor.Refusal, f.ID)
	}
	return nil
}

// unassigned reports whether a step for the assignee is taken on an object
// assigned to nobody yet, by someone who does not lead its post.
func unassigned(decl wubu.StepDecl, f facts, u *wubu.User, lc *wubu.Lifecycle) bool {
	return decl.Actor.Assignee && f.AssigneeID == nil && !leads(u, lc.Lead, f.Post)
}

// refusal is the error of a declared message, given as many of args as it
// uses (a message may leave out the object's number or the assignee).
func refusal(code, format string, args ...any) error {
	if !strings.Contains(format, "%[") {
		n := strings.Count(format, "%") - 2*strings.Count(format, "%%")
		args = args[:min(n, len(args))]
	}
	return wubu.Errorf(code, format, args...)
}

// leads reports whether u may act in place of an assignee of the post:
// with the lead permission, a team leader of that post or a role above
// team leaders.
func leads(u *wubu.User, lead wubu.Permission, post wubu.Post) bool {
	if u.Role == wubu.RoleStaff || !u.Can(lead) {
		return false
	}
	return u.Role != wubu.RoleTeamLeader || post == "" || u.Post == post
}

// sameID reports whether two optional IDs are the same.
func sameID(a, b *int64) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// stringArgs returns strings as query arguments.
func stringArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// party returns the notify strings of a party of an object: "user:17", or
// a role narrowed to the object's post, "role:team_leader:security".
func party(p wubu.Party, f facts) []string {
	user := func(id *int64) []string {
		if id == nil {
			return nil
		}
		return []string{"user:" + strconv.FormatInt(*id, 10)}
	}
	switch p {
	case wubu.PartyAssignee:
		return user(f.AssigneeID)
	case wubu.PartyReporter:
		return user(f.ReporterID)
	case wubu.PartyOnDuty:
		if f.OnDutyID != nil {
			return user(f.OnDutyID)
		}
		return party(wubu.PartyDutyManager, f)
	case wubu.PartySuperior:
		if f.SuperiorID != nil {
			return user(f.SuperiorID)
		}
		return party(wubu.PartyLeaders, f)
	case wubu.PartyLeaders:
		return []string{wubu.NotifyRole(wubu.RoleTeamLeader, f.Post)}
	case wubu.PartyDutyManager:
		return []string{wubu.NotifyRole(wubu.RoleDutyManager, "")}
	case wubu.PartyManager:
		return []string{wubu.NotifyRole(wubu.RoleManager, "")}
	case wubu.PartyQuality:
		return []string{wubu.NotifyRole(wubu.RoleQuality, "")}
	}
	return nil
}

// parties returns the notify strings of parties, each once.
func parties(ps []wubu.Party, f facts) []string {
	var out []string
	for _, p := range ps {
		for _, s := range party(p, f) {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}
