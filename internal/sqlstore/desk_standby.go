package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/wubu-oss/wubu"
)

// The desk's standby call (E2): every change to the queue is counted in its
// own transaction, with the desk's row (desk_alarms) locked so that two
// customers arriving at once are counted one after the other. When the
// count of those waiting rises above the threshold, the standby staff are
// called at once (inbox and SMS, urgent) and the rise is remembered; while
// it stays above, RecallStandby (run every minute by the rules' periodic
// job) calls them again once RecallMinutes have passed since the last call;
// when the count falls to the threshold or below, the next rise calls
// afresh. Each call is a row of desk_calls: the board shows whom it reached.

// deskNotice is the kind of the standby call's message.
const deskNotice = "desk_standby_call"

// loadDeskSettings reads a project's desk rules and standby list.
func loadDeskSettings(ctx context.Context, q interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}, db *DB, projectID int64) (*wubu.DeskSettings, error) {
	st := &wubu.DeskSettings{ProjectID: projectID, WaitThreshold: wubu.DefaultWaitThreshold, RecallMinutes: wubu.DefaultRecallMinutes}
	err := q.QueryRowContext(ctx, db.rebind(`SELECT wait_threshold, recall_minutes FROM desk_settings WHERE project_id = ?`), projectID).Scan(&st.WaitThreshold, &st.RecallMinutes)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, db.rebind(`SELECT s.user_id, u.name FROM desk_standby s JOIN users u ON u.id = s.user_id
		WHERE s.project_id = ? AND u.disabled = ? ORDER BY u.name, u.id`), projectID, false)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d wubu.DeskStaff
		if err := rows.Scan(&d.UserID, &d.Name); err != nil {
			return nil, err
		}
		st.Standby = append(st.Standby, d)
	}
	return st, rows.Err()
}

// DeskSettings returns a project's desk rules.
func (s *DeskService) DeskSettings(ctx context.Context, projectID int64) (*wubu.DeskSettings, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	if err := rulesProjectExists(ctx, s.db, projectID); err != nil {
		return nil, err
	}
	return loadDeskSettings(ctx, s.db.read, s.db, projectID)
}

// UpdateDeskSettings stores a project's desk rules and standby list.
func (s *DeskService) UpdateDeskSettings(ctx context.Context, in wubu.DeskSettings) (*wubu.DeskSettings, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, in.ProjectID); err != nil {
		return nil, err
	}
	switch {
	case in.WaitThreshold < 1 || in.WaitThreshold > 50:
		return nil, wubu.FieldErrorf("wait_threshold", wubu.EINVALID, "The number waiting before staff are called must be from %d to %d.", 1, 50)
	case in.RecallMinutes < 1 || in.RecallMinutes > 240:
		return nil, wubu.FieldErrorf("recall_minutes", wubu.EINVALID, "Staff are called again after %d to %d minutes.", 1, 240)
	case len(in.Standby) > 20:
		return nil, wubu.FieldErrorf("standby", wubu.EINVALID, "At most %d standby staff.", 20)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	before, err := loadDeskSettings(ctx, tx, s.db, in.ProjectID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, d := range in.Standby {
		if slices.Contains(ids, d.UserID) {
			continue
		}
		if err := checkStaff(ctx, tx, in.ProjectID, d.UserID, "standby"); err != nil {
			return nil, err
		}
		ids = append(ids, d.UserID)
	}
	if _, err := tx.exec(ctx, `INSERT INTO desk_settings (project_id, wait_threshold, recall_minutes, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (project_id) DO UPDATE SET wait_threshold = excluded.wait_threshold, recall_minutes = excluded.recall_minutes, updated_at = excluded.updated_at`,
		in.ProjectID, in.WaitThreshold, in.RecallMinutes, tx.now); err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `DELETE FROM desk_standby WHERE project_id = ?`, in.ProjectID); err != nil {
		return nil, err
	}
	for _, id := range ids {
		if _, err := tx.exec(ctx, `INSERT INTO desk_standby (project_id, user_id, added_at) VALUES (?, ?, ?)`, in.ProjectID, id, tx.now); err != nil {
			return nil, err
		}
	}
	after, err := loadDeskSettings(ctx, tx, s.db, in.ProjectID)
	if err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, in.ProjectID, wubu.ActionUpdate, "desk_settings", in.ProjectID, before, after); err != nil {
		return nil, err
	}
	// A lower threshold may put the queue above it now.
	if err := lockDesk(ctx, tx, in.ProjectID); err != nil {
		return nil, err
	}
	if err := checkQueue(ctx, tx, in.ProjectID); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return after, nil
}

// lockDesk locks the project's desk row for the transaction, creating it
// on first use.
func lockDesk(ctx context.Context, tx *Tx, projectID int64) error {
	if _, err := tx.exec(ctx, `INSERT INTO desk_alarms (project_id) VALUES (?) ON CONFLICT (project_id) DO NOTHING`, projectID); err != nil {
		return fmt.Errorf("desk row: %w", err)
	}
	var one int
	return tx.queryRow(ctx, `SELECT 1 FROM desk_alarms WHERE project_id = ?`+tx.db.forUpdate("desk_alarms"), projectID).Scan(&one)
}

// checkQueue counts those waiting as the transaction sees them and calls
// the standby staff on a rise above the threshold.
func checkQueue(ctx context.Context, tx *Tx, projectID int64) error {
	return evaluateQueue(ctx, tx, projectID, 0, false)
}

// checkQueueWith counts those waiting with t as its step leaves it (its
// row not yet saved).
func checkQueueWith(ctx context.Context, tx *Tx, t *wubu.DeskTicket) error {
	return evaluateQueue(ctx, tx, t.ProjectID, t.ID, t.State == wubu.TicketWaiting)
}

// evaluateQueue counts the waiting tickets but except (counted as waiting
// when exceptWaits) and moves the alarm: a rise above the threshold calls
// the standby staff; a fall to it ends the rise.
func evaluateQueue(ctx context.Context, tx *Tx, projectID, except int64, exceptWaits bool) error {
	var waiting int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM desk_tickets WHERE project_id = ? AND state = ? AND id <> ?`, projectID, wubu.TicketWaiting, except).Scan(&waiting); err != nil {
		return err
	}
	if exceptWaits {
		waiting++
	}
	st, err := loadDeskSettings(ctx, tx, tx.db, projectID)
	if err != nil {
		return err
	}
	var above bool
	if err := tx.queryRow(ctx, `SELECT above FROM desk_alarms WHERE project_id = ?`, projectID).Scan(&above); err != nil {
		return err
	}
	switch {
	case waiting > st.WaitThreshold && !above:
		if _, err := tx.exec(ctx, `UPDATE desk_alarms SET above = ?, rise = rise + 1, raised_at = ?, last_call_at = ?, round = 1 WHERE project_id = ?`, true, tx.now, tx.now, projectID); err != nil {
			return err
		}
		var rise int
		if err := tx.queryRow(ctx, `SELECT rise FROM desk_alarms WHERE project_id = ?`, projectID).Scan(&rise); err != nil {
			return err
		}
		return callStandby(ctx, tx, st, rise, 1, waiting)
	case waiting <= st.WaitThreshold && above:
		_, err := tx.exec(ctx, `UPDATE desk_alarms SET above = ? WHERE project_id = ?`, false, projectID)
		return err
	}
	return nil
}

// callStandby calls the standby staff (else the customer-service team
// leaders) of a rise: a row each, an inbox message and an SMS each.
func callStandby(ctx context.Context, tx *Tx, st *wubu.DeskSettings, rise, round, waiting int) error {
	var ids []int64
	for _, d := range st.Standby {
		ids = append(ids, d.UserID)
	}
	if len(ids) == 0 {
		var err error
		if ids, err = tx.staffOfRole(ctx, st.ProjectID, wubu.RoleTeamLeader, wubu.PostService); err != nil {
			return err
		}
	}
	var name string
	if err := tx.queryRow(ctx, `SELECT name FROM projects WHERE id = ?`, st.ProjectID).Scan(&name); err != nil {
		return err
	}
	vars := map[string]string{"project": name, "waiting": strconv.Itoa(waiting), "threshold": strconv.Itoa(st.WaitThreshold), "round": strconv.Itoa(round),
		"time": tx.now.In(cst).Format("15:04")}
	oid := strconv.FormatInt(st.ProjectID, 10)
	var ns []wubu.Notification
	for _, id := range ids {
		if _, err := tx.exec(ctx, `INSERT INTO desk_calls (project_id, rise, round, user_id, waiting, called_at) VALUES (?, ?, ?, ?, ?, ?)`,
			st.ProjectID, rise, round, id, waiting, tx.now); err != nil {
			return err
		}
		key := fmt.Sprintf("%s:%d:%d:%d:%d", deskNotice, st.ProjectID, rise, round, id)
		for _, ch := range []wubu.Channel{wubu.ChannelInbox, wubu.ChannelSMS} {
			ns = append(ns, wubu.Notification{ProjectID: st.ProjectID, Kind: deskNotice, Channel: ch, To: wubu.Recipient{UserID: id}, Vars: vars, Urgent: true,
				DedupKey: key + ":" + string(ch), ObjectType: "desk", ObjectID: oid})
		}
	}
	return tx.notify(ctx, ns)
}

// RecallStandby calls the standby staff again where the queue has stayed
// above the threshold RecallMinutes since the last call.
func (s *DeskService) RecallStandby(ctx context.Context) (int, error) {
	if wubu.UserFromContext(ctx) == nil {
		ctx = wubu.NewContextWithUser(ctx, rulesUser)
	}
	now := s.db.now()
	rows, err := s.db.query(ctx, `SELECT a.project_id, a.last_call_at, COALESCE(ds.recall_minutes, ?) FROM desk_alarms a
		LEFT JOIN desk_settings ds ON ds.project_id = a.project_id WHERE a.above = ?`, wubu.DefaultRecallMinutes, true)
	if err != nil {
		return 0, err
	}
	var due []int64
	for rows.Next() {
		var pid int64
		var last time.Time
		var minutes int
		if err := rows.Scan(&pid, &last, &minutes); err != nil {
			rows.Close()
			return 0, err
		}
		if !now.Before(last.Add(time.Duration(minutes) * time.Minute)) {
			due = append(due, pid)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, pid := range due {
		called, err := s.recall(ctx, pid)
		if err != nil {
			errs = append(errs, fmt.Errorf("desk of project %d: %w", pid, err))
		}
		if called {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// recall calls a project's standby staff again if the rise still holds and
// its time has come, in a transaction of its own.
func (s *DeskService) recall(ctx context.Context, projectID int64) (bool, error) {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if err := lockDesk(ctx, tx, projectID); err != nil {
		return false, err
	}
	st, err := loadDeskSettings(ctx, tx, s.db, projectID)
	if err != nil {
		return false, err
	}
	var above bool
	var last sql.NullTime
	var rise, round, waiting int
	if err := tx.queryRow(ctx, `SELECT above, rise, last_call_at, round FROM desk_alarms WHERE project_id = ?`, projectID).Scan(&above, &rise, &last, &round); err != nil {
		return false, err
	}
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM desk_tickets WHERE project_id = ? AND state = ?`, projectID, wubu.TicketWaiting).Scan(&waiting); err != nil {
		return false, err
	}
	if !above || !last.Valid || tx.now.Before(last.Time.Add(time.Duration(st.RecallMinutes)*time.Minute)) {
		return false, nil
	}
	if waiting <= st.WaitThreshold {
		_, err := tx.exec(ctx, `UPDATE desk_alarms SET above = ? WHERE project_id = ?`, false, projectID)
		return false, errors.Join(err, tx.Commit())
	}
	round++
	if _, err := tx.exec(ctx, `UPDATE desk_alarms SET last_call_at = ?, round = ? WHERE project_id = ?`, tx.now, round, projectID); err != nil {
		return false, err
	}
	if err := callStandby(ctx, tx, st, rise, round, waiting); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// lastCalls returns whether the queue is above its threshold and whom its
// current (or last) rise called, latest first.
func (s *DeskService) lastCalls(ctx context.Context, projectID int64) (bool, []*wubu.DeskCall, error) {
	var above bool
	var rise int
	err := s.db.queryRow(ctx, `SELECT above, rise FROM desk_alarms WHERE project_id = ?`, projectID).Scan(&above, &rise)
	if errors.Is(err, sql.ErrNoRows) || err == nil && rise == 0 {
		return false, nil, nil
	} else if err != nil {
		return false, nil, err
	}
	rows, err := s.db.query(ctx, `SELECT c.user_id, u.name, c.round, c.waiting, c.called_at FROM desk_calls c JOIN users u ON u.id = c.user_id
		WHERE c.project_id = ? AND c.rise = ? ORDER BY c.called_at DESC, c.id DESC LIMIT 100`, projectID, rise)
	if err != nil {
		return false, nil, err
	}
	defer rows.Close()
	var out []*wubu.DeskCall
	for rows.Next() {
		c := &wubu.DeskCall{}
		if err := rows.Scan(&c.UserID, &c.UserName, &c.Round, &c.Waiting, &c.CalledAt); err != nil {
			return false, nil, err
		}
		out = append(out, c)
	}
	return above, out, rows.Err()
}

// DeskAgenda is the desk queue's agenda source (F9): the customer-service
// staff, the duty managers and the managers see each desk with customers
// waiting or being served; above the threshold it is urgent.
type DeskAgenda struct{ db *DB }

var _ wubu.AgendaSource = (*DeskAgenda)(nil)

// NewDeskAgenda returns the desk queue's agenda source over db.
func NewDeskAgenda(db *DB) *DeskAgenda { return &DeskAgenda{db: db} }

// msgAgendaDesk is the agenda's line of a desk.
const msgAgendaDesk = "Front desk: %d waiting, %d being served"

// Agenda returns the queue of each desk of the user's projects.
func (s *DeskAgenda) Agenda(ctx context.Context, now time.Time) ([]wubu.AgendaItem, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	desk := u.Post == wubu.PostService || u.Role == wubu.RoleManager || u.Role == wubu.RoleDutyManager
	scope, sargs, ok := securityScope(u, "t.project_id")
	if !desk || !ok || !u.Can(wubu.PermResidentView) {
		return nil, nil
	}
	rows, err := s.db.query(ctx, `SELECT t.project_id, SUM(CASE WHEN t.state = ? THEN 1 ELSE 0 END), SUM(CASE WHEN t.state = ? THEN 1 ELSE 0 END),
		COALESCE(a.above, ?)
		FROM desk_tickets t LEFT JOIN desk_alarms a ON a.project_id = t.project_id
		WHERE t.state IN (?, ?) AND `+scope+` GROUP BY t.project_id, a.above ORDER BY t.project_id`,
		append([]any{wubu.TicketWaiting, wubu.TicketServing, false, wubu.TicketWaiting, wubu.TicketServing}, sargs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []wubu.AgendaItem
	for rows.Next() {
		var pid int64
		var waiting, serving int
		var above bool
		if err := rows.Scan(&pid, &waiting, &serving, &above); err != nil {
			return nil, err
		}
		it := wubu.AgendaItem{ProjectID: pid, Kind: "desk", Title: msgAgendaDesk, TitleArgs: []any{waiting, serving}, Urgency: wubu.UrgencyNormal,
			ObjectType: "desk", ObjectID: strconv.FormatInt(pid, 10), Href: "/desk?project=" + strconv.FormatInt(pid, 10)}
		if above {
			it.Urgency = wubu.UrgencyHigh
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
