package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
)

// RulesEngine runs the proactive rules of every project: card-expiry
// reminders to residents (E3), special-day reminders to the responsible
// assistant (D4), overdue care visits to the assistant and, a day later,
// the team leader (H1), and festival campaigns whose send time has come
// (D3). Every message goes through the Notifier with a dedup key naming the
// reminder, so running the rules again — the next minute, after a crash, on
// two servers at once — never sends one twice; rule_reminders records what
// was sent so that later runs skip it without asking the outbox.
type RulesEngine struct {
	// Logger receives errors of one project's rules that do not stop the
	// others'. It defaults to slog.Default().
	Logger *slog.Logger
	// ResidentInterval is how often RunDue runs the resident rules (cards,
	// special days, care visits), whose reminders are by the day; campaigns
	// are checked on every run. Default 10 minutes.
	ResidentInterval time.Duration
	// Visits, when set, plans each project's monthly satisfaction
	// programme (D1) on the month's first run of the resident rules, and
	// key customers' special-day congratulation visits (D4) with their
	// reminders.
	Visits *RevisitService

	db       *DB
	notifier wubu.Notifier
	greet    *GreetingService

	mu           sync.Mutex
	lastResident time.Time
	// purgedDay is the day (China time) the daily purges last ran in this
	// process.
	purgedDay string
}

// NewRulesEngine returns the rules engine over db, sending through n.
func NewRulesEngine(db *DB, n wubu.Notifier) *RulesEngine {
	return &RulesEngine{db: db, notifier: n, greet: NewGreetingService(db, n)}
}

// rulesUser is whom the rules act as: in the audit log and towards the
// Notifier, which wants a signed-in caller serving the project.
var rulesUser = &wubu.User{ID: 0, Login: "system:rules", Name: "Rules", Role: wubu.RoleAdmin, Post: wubu.PostNone}

// RulesResult counts what one run of the rules did.
type RulesResult struct {
	CardReminders       int `json:"card_reminders"`
	SpecialDayReminders int `json:"special_day_reminders"`
	CareOverdue         int `json:"care_overdue"`
	CareEscalated       int `json:"care_escalated"`
	Campaigns           int `json:"campaigns"`
	ProgrammeVisits     int `json:"programme_visits"`
	SpecialDayVisits    int `json:"special_day_visits"`
	// DeskRecalls counts the desks whose standby staff were called again.
	DeskRecalls int `json:"desk_recalls"`
	// PestNotices counts the pest-control advance notices posted (C3).
	PestNotices int `json:"pest_notices"`
	// FourPestsInfo counts the "four pests" information notices posted (C4).
	FourPestsInfo int `json:"four_pests_info"`
	// WorkerIDsPurged counts the renovation workers' ID numbers purged
	// (issue 18), once a day.
	WorkerIDsPurged int `json:"worker_ids_purged"`
}

func (e *RulesEngine) logger() *slog.Logger {
	if e.Logger != nil {
		return e.Logger
	}
	return slog.Default()
}

// RunDue is what the periodic job calls: due campaigns on every run, the
// resident rules when ResidentInterval has passed since they last ran in
// this process.
func (e *RulesEngine) RunDue(ctx context.Context, now time.Time) (RulesResult, error) {
	interval := e.ResidentInterval
	if interval <= 0 {
		interval = 10 * time.Minute
	}
	e.mu.Lock()
	resident := e.lastResident.IsZero() || now.Sub(e.lastResident) >= interval || now.Before(e.lastResident)
	if resident {
		e.lastResident = now
	}
	e.mu.Unlock()
	return e.run(ctx, now, resident)
}

// RunRules runs every rule as of now, for every project: what the periodic
// job does, callable with any time for tests and tools.
func (e *RulesEngine) RunRules(ctx context.Context, now time.Time) (RulesResult, error) {
	return e.run(ctx, now, true)
}

func (e *RulesEngine) run(ctx context.Context, now time.Time, resident bool) (RulesResult, error) {
	var res RulesResult
	if e.notifier == nil {
		return res, errors.New("rules: no notifier")
	}
	ctx = wubu.NewContextWithUser(ctx, rulesUser)
	var errs []error
	if resident {
		ids, err := rulesProjectIDs(ctx, e.db)
		if err != nil {
			return res, err
		}
		// The daily purges run on the day's first run of the rules.
		day := rulesDate(now).Format(time.DateOnly)
		e.mu.Lock()
		daily := e.purgedDay != day
		e.purgedDay = day
		e.mu.Unlock()
		for _, pid := range ids {
			if daily {
				n, err := purgeWorkerIDs(ctx, e.db, pid, now)
				res.WorkerIDsPurged += n
				if err != nil {
					errs = append(errs, fmt.Errorf("project %d: renovation workers' ID numbers: %w", pid, err))
				}
			}
			if err := e.runProject(ctx, pid, now, &res); err != nil {
				e.logger().Error("rules", "project", pid, "err", err)
				errs = append(errs, fmt.Errorf("project %d: %w", pid, err))
			}
		}
	}
	n, err := e.greet.queueDue(ctx, now)
	res.Campaigns += n
	if err != nil {
		errs = append(errs, err)
	}
	// The front desk's standby staff, called again while too many wait (E2).
	n, err = NewDeskService(e.db).RecallStandby(ctx)
	res.DeskRecalls += n
	if err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

func (e *RulesEngine) runProject(ctx context.Context, pid int64, now time.Time, res *RulesResult) error {
	st, err := loadProjectSettings(ctx, e.db, e.db.read, pid)
	if err != nil {
		return err
	}
	n, err := e.cardRule(ctx, pid, st, now)
	res.CardReminders += n
	if err != nil {
		return fmt.Errorf("card expiry: %w", err)
	}
	n, err = e.specialDayRule(ctx, pid, st, now)
	res.SpecialDayReminders += n
	if err != nil {
		return fmt.Errorf("special days: %w", err)
	}
	n, err = NewBulletinService(e.db).WithNotifier(e.notifier).PostPestNotices(ctx, pid, now)
	res.PestNotices += n
	if err != nil {
		return fmt.Errorf("pest-control notices: %w", err)
	}
	n, err = NewBulletinService(e.db).PostFourPestsInfo(ctx, pid, now)
	res.FourPestsInfo += n
	if err != nil {
		return fmt.Errorf("four pests information: %w", err)
	}
	over, esc, err := e.careRule(ctx, pid, st, now)
	res.CareOverdue += over
	res.CareEscalated += esc
	if err != nil {
		return fmt.Errorf("care visits: %w", err)
	}
	if e.Visits != nil {
		run, err := e.Visits.RunProgramme(ctx, pid)
		if err != nil {
			return fmt.Errorf("satisfaction programme: %w", err)
		}
		res.ProgrammeVisits += len(run.Visits)
		n, err := e.Visits.planSpecialDayVisits(ctx, pid, rulesDate(now).AddDate(0, 0, st.SpecialDayLeadDays))
		res.SpecialDayVisits += n
		if err != nil {
			return fmt.Errorf("special-day visits: %w", err)
		}
	}
	return nil
}

// rulesProjectIDs returns every project's ID.
func rulesProjectIDs(ctx context.Context, db *DB) ([]int64, error) {
	rows, err := db.query(ctx, `SELECT id FROM projects ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// pendingReminder is a message a rule wants sent, once.
type pendingReminder struct {
	rule     string
	objectID int64
	n        wubu.Notification
}

// sendOnce sends the reminders not yet recorded as sent and records them:
// first through the Notifier (which ignores a dedup key it has seen, so a
// crash between the two steps sends nothing twice), then in rule_reminders.
func (e *RulesEngine) sendOnce(ctx context.Context, pid int64, rs []pendingReminder) (int, error) {
	sent := 0
	for len(rs) > 0 {
		batch := rs[:min(len(rs), 500)]
		rs = rs[len(batch):]
		keys := make([]any, 0, len(batch)+1)
		keys = append(keys, pid)
		for _, r := range batch {
			keys = append(keys, r.n.DedupKey)
		}
		rows, err := e.db.query(ctx, `SELECT dedup_key FROM rule_reminders WHERE project_id = ? AND dedup_key IN (`+placeholders(len(batch))+`)`, keys...)
		if err != nil {
			return sent, err
		}
		done := map[string]bool{}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return sent, err
			}
			done[k] = true
		}
		rows.Close()
		var todo []pendingReminder
		var ns []wubu.Notification
		for _, r := range batch {
			if !done[r.n.DedupKey] {
				done[r.n.DedupKey] = true
				todo = append(todo, r)
				ns = append(ns, r.n)
			}
		}
		if len(ns) == 0 {
			continue
		}
		if err := e.notifier.Notify(ctx, ns...); err != nil {
			return sent, err
		}
		tx, err := e.db.BeginTx(ctx)
		if err != nil {
			return sent, err
		}
		for _, r := range todo {
			q := `INSERT INTO rule_reminders (project_id, dedup_key, rule, object_id, sent_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`
			if _, err := tx.exec(ctx, q, pid, r.n.DedupKey, r.rule, r.objectID, tx.now); err != nil {
				tx.Rollback()
				return sent, err
			}
		}
		if err := tx.Commit(); err != nil {
			return sent, err
		}
		sent += len(todo)
	}
	return sent, nil
}

// rulesDate returns the date of t in China time, at midnight there.
func rulesDate(t time.Time) time.Time {
	y, m, d := t.In(calendar.ChinaStandardTime).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, calendar.ChinaStandardTime)
}

// rulesDaysBetween returns the whole days from date a to date b (both midnights).
func rulesDaysBetween(a, b time.Time) int {
	return int(b.Sub(a).Round(time.Hour) / (24 * time.Hour))
}

// cardKindLabels are the card kinds as residents read them (SMS are in Chinese).
var cardKindLabels = map[wubu.CardKind]string{wubu.CardParking: "停车卡", wubu.CardAccess: "门禁卡"}

// cardRule reminds residents of cards that expire within the reminder
// days: for a card with d days left, the reminder of the smallest setting
// n ≥ d, once per card, expiry and n. A card found late (added 2 days
// before it expires) gets one reminder, not one for every setting passed.
func (e *RulesEngine) cardRule(ctx context.Context, pid int64, st *wubu.ProjectSettings, now time.Time) (int, error) {
	if len(st.CardReminderDays) == 0 {
		return 0, nil
	}
	today := rulesDate(now)
	maxDays := slices.Max(st.CardReminderDays)
	cards, err := e.expiringCards(ctx, pid, today, maxDays)
	if err != nil {
		return 0, err
	}
	days := slices.Clone(st.CardReminderDays)
	slices.Sort(days)
	var rs []pendingReminder
	for _, c := range cards {
		i := slices.IndexFunc(days, func(n int) bool { return n >= c.DaysLeft })
		if i < 0 {
			continue
		}
		n := days[i]
		rs = append(rs, pendingReminder{rule: "card_expiry", objectID: c.ID, n: wubu.Notification{
			ProjectID: pid, Kind: "card_expiry", To: wubu.Recipient{PersonID: c.PersonID},
			Vars:     map[string]string{"name": c.PersonName, "card": cardKindLabels[c.Kind], "number": c.Number, "expires": c.ExpiresOn},
			DedupKey: fmt.Sprintf("card_expiry:%d:%s:%d", c.ID, c.ExpiresOn, n), ObjectType: "card", ObjectID: strconv.FormatInt(c.ID, 10),
		}})
	}
	return e.sendOnce(ctx, pid, rs)
}

// expiringCards returns the project's cards expiring from today to within
// days, soonest first, with their holder and first room.
func (e *RulesEngine) expiringCards(ctx context.Context, pid int64, today time.Time, within int) ([]*wubu.ExpiringCard, error) {
	return findExpiringCards(ctx, e.db, pid, today, within)
}

func findExpiringCards(ctx context.Context, db *DB, pid int64, today time.Time, within int) ([]*wubu.ExpiringCard, error) {
	from, to := today.Format(time.DateOnly), today.AddDate(0, 0, within).Format(time.DateOnly)
	rows, err := db.query(ctx, `SELECT c.id, c.person_id, c.kind, c.number, c.expires_on, p.name,
			COALESCE((SELECT MIN(r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
				WHERE h.project_id = c.project_id AND h.person_id = c.person_id AND h.move_out = ''), ''),
			(SELECT MAX(rr.sent_at) FROM rule_reminders rr WHERE rr.project_id = c.project_id AND rr.rule = 'card_expiry' AND rr.object_id = c.id)
		FROM cards c JOIN persons p ON p.project_id = c.project_id AND p.id = c.person_id
		WHERE c.project_id = ? AND c.expires_on >= ? AND c.expires_on <= ?
		ORDER BY c.expires_on, c.id`, pid, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.ExpiringCard
	for rows.Next() {
		c := &wubu.ExpiringCard{}
		c.ProjectID = pid
		var reminded rulesNullTime
		if err := rows.Scan(&c.ID, &c.PersonID, &c.Kind, &c.Number, &c.ExpiresOn, &c.PersonName, &c.Room, &reminded); err != nil {
			return nil, err
		}
		exp, err := time.ParseInLocation(time.DateOnly, c.ExpiresOn, calendar.ChinaStandardTime)
		if err != nil {
			continue
		}
		c.DaysLeft = rulesDaysBetween(today, exp)
		c.RemindedAt = reminded.ptr()
		out = append(out, c)
	}
	return out, rows.Err()
}

// rulesNullTime scans a timestamp that may be NULL, as SQLite returns an
// aggregate of timestamps: a time, or text.
type rulesNullTime struct {
	t     time.Time
	valid bool
}

func (n *rulesNullTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		n.valid = false
	case time.Time:
		n.t, n.valid = x, true
	case string:
		return n.parse(x)
	case []byte:
		return n.parse(string(x))
	default:
		return fmt.Errorf("scan time: unexpected %T", v)
	}
	return nil
}

func (n *rulesNullTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			n.t, n.valid = t, true
			return nil
		}
	}
	return fmt.Errorf("scan time: cannot parse %q", s)
}

func (n rulesNullTime) ptr() *time.Time {
	if !n.valid {
		return nil
	}
	t := n.t.UTC()
	return &t
}

// specialDayLabels are the special days as staff read them in their inbox.
var specialDayLabels = map[wubu.SpecialDayKind]string{wubu.DayBirthday: "生日", wubu.DayWedding: "结婚纪念日", wubu.DayNewBaby: "添丁之喜",
	wubu.DayRecovery: "康复", wubu.DayOther: "特殊日子"}

// specialOccurrence is a resident's special day falling on a date.
type specialOccurrence struct {
	ID, PersonID int64
	Kind         wubu.SpecialDayKind
	Name, Room   string
	Date         time.Time
	Note         string
}

// specialDaysOn returns the project's special days falling on date: yearly
// days by month and day (29 February on 28 February in other years), the
// others by their date.
func specialDaysOn(ctx context.Context, db *DB, pid int64, date time.Time) ([]specialOccurrence, error) {
	mds := []any{date.Format("01-02")}
	if date.Month() == time.February && date.Day() == 28 && date.AddDate(0, 0, 1).Month() == time.March {
		mds = append(mds, "02-29")
	}
	args := append([]any{pid, true}, mds...)
	args = append(args, false, date.Format(time.DateOnly))
	rows, err := db.query(ctx, `SELECT sd.id, sd.person_id, sd.kind, sd.note, p.name,
			COALESCE((SELECT MIN(r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
				WHERE h.project_id = sd.project_id AND h.person_id = sd.person_id AND h.move_out = ''), '')
		FROM special_days sd JOIN persons p ON p.project_id = sd.project_id AND p.id = sd.person_id
		WHERE sd.project_id = ? AND ((sd.yearly = ? AND sd.month_day IN (`+placeholders(len(mds))+`)) OR (sd.yearly = ? AND sd.date = ?))
		ORDER BY sd.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []specialOccurrence
	for rows.Next() {
		o := specialOccurrence{Date: date}
		if err := rows.Scan(&o.ID, &o.PersonID, &o.Kind, &o.Note, &o.Name, &o.Room); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// specialDayRule reminds the responsible assistants of the special days
// that fall SpecialDayLeadDays from today, once per day, date and
// assistant.
func (e *RulesEngine) specialDayRule(ctx context.Context, pid int64, st *wubu.ProjectSettings, now time.Time) (int, error) {
	date := rulesDate(now).AddDate(0, 0, st.SpecialDayLeadDays)
	days, err := specialDaysOn(ctx, e.db, pid, date)
	if err != nil || len(days) == 0 {
		return 0, err
	}
	persons := make([]int64, len(days))
	for i, d := range days {
		persons[i] = d.PersonID
	}
	resp, err := responsibleStaff(ctx, e.db, pid, persons)
	if err != nil {
		return 0, err
	}
	var rs []pendingReminder
	for _, d := range days {
		for _, uid := range resp.assistants(d.PersonID) {
			rs = append(rs, pendingReminder{rule: "special_day", objectID: d.ID, n: wubu.Notification{
				ProjectID: pid, Kind: "special_day", Channel: wubu.ChannelInbox, To: wubu.Recipient{UserID: uid},
				Vars:     map[string]string{"name": d.Name, "day": specialDayLabels[d.Kind], "date": d.Date.Format(time.DateOnly), "room": d.Room},
				DedupKey: fmt.Sprintf("special_day:%d:%s:%d", d.ID, d.Date.Format(time.DateOnly), uid), ObjectType: "resident", ObjectID: strconv.FormatInt(d.PersonID, 10),
			}})
		}
	}
	return e.sendOnce(ctx, pid, rs)
}

// careResponsibility says who looks after which residents of a project.
type careResponsibility struct {
	// zone maps a person to the zone assistants of their buildings.
	zone map[int64][]int64
	// service are the project's customer-service staff, responsible for
	// residents of buildings without a zone assistant.
	service []int64
	// leaders are the project's customer-service team leaders (or every
	// team leader of the project if it has none of that post).
	leaders []int64
}

// assistants returns the staff responsible for a person.
func (r *careResponsibility) assistants(personID int64) []int64 {
	if a := r.zone[personID]; len(a) > 0 {
		return a
	}
	return r.service
}

// responsibleStaff finds who looks after the persons (nil: everyone) of a
// project: zone assistants by building assignment (K7), else the service
// post, and the team leaders.
func responsibleStaff(ctx context.Context, db *DB, pid int64, persons []int64) (*careResponsibility, error) {
	r := &careResponsibility{zone: map[int64][]int64{}}
	for len(persons) > 0 {
		batch := persons[:min(len(persons), 500)]
		persons = persons[len(batch):]
		args := append([]any{string(wubu.AssignZoneAssistant), pid}, int64Args(batch)...)
		rows, err := db.query(ctx, `SELECT DISTINCT h.person_id, ba.user_id
			FROM households h
			JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
			JOIN building_assignments ba ON ba.project_id = r.project_id AND ba.building_id = r.building_id AND ba.kind = ?
			JOIN users u ON u.id = ba.user_id
			WHERE h.project_id = ? AND h.move_out = '' AND h.person_id IN (`+placeholders(len(batch))+`) AND u.disabled = `+rulesFalse(db)+`
			ORDER BY h.person_id, ba.user_id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var p, u int64
			if err := rows.Scan(&p, &u); err != nil {
				rows.Close()
				return nil, err
			}
			r.zone[p] = append(r.zone[p], u)
		}
		rows.Close()
	}
	staff := func(role wubu.Role, post *wubu.Post) ([]int64, error) {
		q := `SELECT u.id FROM users u JOIN user_projects up ON up.user_id = u.id WHERE up.project_id = ? AND u.role = ? AND u.disabled = ` + rulesFalse(db)
		args := []any{pid, string(role)}
		if post != nil {
			q += ` AND u.post = ?`
			args = append(args, string(*post))
		}
		rows, err := db.query(ctx, q+` ORDER BY u.id`, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, rows.Err()
	}
	service := wubu.PostService
	var err error
	if r.service, err = staff(wubu.RoleStaff, &service); err != nil {
		return nil, err
	}
	if r.leaders, err = staff(wubu.RoleTeamLeader, &service); err != nil {
		return nil, err
	}
	if len(r.leaders) == 0 {
		if r.leaders, err = staff(wubu.RoleTeamLeader, nil); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// rulesFalse is the dialect's literal for a false boolean column.
func rulesFalse(db *DB) string {
	if db.Dialect == Postgres {
		return "false"
	}
	return "0"
}

// careRule tells the assistants of each overdue care visit, and the team
// leaders once it has been overdue CareEscalateDays more, once per visit
// cycle (the due time is in the dedup key).
func (e *RulesEngine) careRule(ctx context.Context, pid int64, st *wubu.ProjectSettings, now time.Time) (overdue, escalated int, err error) {
	dues, resp, err := careDue(ctx, e.db, pid, st, now, true)
	if err != nil || len(dues) == 0 {
		return 0, 0, err
	}
	var rs, esc []pendingReminder
	for _, d := range dues {
		last := "—"
		if d.LastVisit != nil {
			last = d.LastVisit.In(calendar.ChinaStandardTime).Format(time.DateOnly)
		}
		since := d.DueAt.Add(-time.Duration(st.CareVisitDays) * 24 * time.Hour)
		vars := map[string]string{"name": d.PersonName, "room": d.Room, "days": strconv.Itoa(int(now.Sub(since) / (24 * time.Hour))), "last": last}
		cycle := d.DueAt.UTC().Format("20060102T1504")
		for _, uid := range d.AssistantIDs {
			rs = append(rs, pendingReminder{rule: "care_overdue", objectID: d.PersonID, n: wubu.Notification{
				ProjectID: pid, Kind: "care_visit_overdue", Channel: wubu.ChannelInbox, To: wubu.Recipient{UserID: uid}, Vars: vars,
				DedupKey: fmt.Sprintf("care_overdue:%d:%s:%d", d.PersonID, cycle, uid), ObjectType: "resident", ObjectID: strconv.FormatInt(d.PersonID, 10),
			}})
		}
		if d.Escalated {
			for _, uid := range resp.leaders {
				esc = append(esc, pendingReminder{rule: "care_escalated", objectID: d.PersonID, n: wubu.Notification{
					ProjectID: pid, Kind: "care_visit_overdue", Channel: wubu.ChannelInbox, To: wubu.Recipient{UserID: uid}, Vars: vars,
					DedupKey: fmt.Sprintf("care_escalated:%d:%s:%d", d.PersonID, cycle, uid), ObjectType: "resident", ObjectID: strconv.FormatInt(d.PersonID, 10),
				}})
			}
		}
	}
	if overdue, err = e.sendOnce(ctx, pid, rs); err != nil {
		return overdue, 0, err
	}
	escalated, err = e.sendOnce(ctx, pid, esc)
	return overdue, escalated, err
}

// careDue lists a project's residents with a care flag and when their next
// visit is due: CareVisitDays after the last visit, or after the resident
// was recorded if never visited. With overdueOnly, those due by now.
func careDue(ctx context.Context, db *DB, pid int64, st *wubu.ProjectSettings, now time.Time, overdueOnly bool) ([]*wubu.CareDue, *careResponsibility, error) {
	rows, err := db.query(ctx, `SELECT p.id, p.name, p.care_flags, p.created_at,
			(SELECT MAX(v.visited_at) FROM care_visits v WHERE v.project_id = p.project_id AND v.person_id = p.id),
			COALESCE((SELECT MIN(r.label) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
				WHERE h.project_id = p.project_id AND h.person_id = p.id AND h.move_out = ''), '')
		FROM persons p WHERE p.project_id = ? AND p.care_flags <> '' ORDER BY p.id`, pid)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	span := time.Duration(st.CareVisitDays) * 24 * time.Hour
	escalate := time.Duration(st.CareEscalateDays) * 24 * time.Hour
	var out []*wubu.CareDue
	for rows.Next() {
		d := &wubu.CareDue{ProjectID: pid}
		var flags string
		var created time.Time
		var last rulesNullTime
		if err := rows.Scan(&d.PersonID, &d.PersonName, &flags, &created, &last, &d.Room); err != nil {
			return nil, nil, err
		}
		for _, f := range strings.Split(flags, ",") {
			if f = strings.TrimSpace(f); f != "" {
				d.CareFlags = append(d.CareFlags, wubu.CareFlag(f))
			}
		}
		if len(d.CareFlags) == 0 {
			continue
		}
		d.LastVisit = last.ptr()
		from := created
		if d.LastVisit != nil {
			from = *d.LastVisit
		}
		d.DueAt = from.Add(span).UTC()
		d.Overdue = !now.Before(d.DueAt)
		d.Escalated = !now.Before(d.DueAt.Add(escalate))
		if overdueOnly && !d.Overdue {
			continue
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	rows.Close()
	persons := make([]int64, len(out))
	for i, d := range out {
		persons[i] = d.PersonID
	}
	resp, err := responsibleStaff(ctx, db, pid, persons)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range out {
		d.AssistantIDs = resp.assistants(d.PersonID)
		if d.AssistantIDs == nil {
			d.AssistantIDs = []int64{}
		}
	}
	slices.SortStableFunc(out, func(a, b *wubu.CareDue) int { return a.DueAt.Compare(b.DueAt) })
	return out, resp, nil
}
