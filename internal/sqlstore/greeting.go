package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
	"github.com/wubu-oss/wubu/internal/cnformat"
	"github.com/wubu-oss/wubu/internal/notify"
)

// GreetingService implements wubu.GreetingService: festival greeting
// campaigns (D3). A campaign's messages are queued in the outbox when its
// send time comes (the rules engine checks every minute) or when a manager
// sends it at once; the outbox holds SMS through quiet hours.
type GreetingService struct {
	db       *DB
	notifier wubu.Notifier
	// BatchSize is how many messages one Notify call queues (default 5000).
	BatchSize int
}

var _ wubu.GreetingService = (*GreetingService)(nil)

// NewGreetingService returns the campaign service over db, queuing through
// n.
func NewGreetingService(db *DB, n wubu.Notifier) *GreetingService {
	return &GreetingService{db: db, notifier: n}
}

// GreetingKind is the outbox template of festival greetings.
const GreetingKind = "festival_greeting"

// Limits of a campaign.
const (
	maxGreetingName    = 60
	maxGreetingMessage = 200
)

const greetingColumns = `id, project_id, name, festival, year, audience, message, send_at, state, queued, queued_at, created_by, created_at, updated_at`

func scanGreeting(s interface{ Scan(...any) error }) (*wubu.GreetingCampaign, error) {
	c := &wubu.GreetingCampaign{}
	var aud string
	err := s.Scan(&c.ID, &c.ProjectID, &c.Name, &c.Festival, &c.Year, &aud, &c.Message, &c.SendAt, &c.State, &c.Queued, &c.QueuedAt, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Campaign not found.")
	} else if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(aud), &c.Audience); err != nil {
		return nil, fmt.Errorf("campaign %d audience: %w", c.ID, err)
	}
	describeFestival(c)
	return c, nil
}

// describeFestival fills in the festival's name and date.
func describeFestival(c *wubu.GreetingCampaign) bool {
	f, ok := (*calendar.Calendar)(nil).Festival(c.Year, c.Festival)
	if !ok {
		return false
	}
	c.FestivalName, c.FestivalDate = f.NameZH, f.Date.Format(time.DateOnly)
	return true
}

// validate normalises a campaign and returns EINVALID naming the field at
// fault. A zero Year is the festival's next occurrence from now; a zero
// SendAt is 09:00 on the festival's day (or now, if that has passed).
func (s *GreetingService) validate(ctx context.Context, c *wubu.GreetingCampaign, now time.Time) error {
	c.Name = strings.TrimSpace(c.Name)
	c.Message = strings.TrimSpace(c.Message)
	c.Festival = strings.TrimSpace(c.Festival)
	if c.Year == 0 {
		today := rulesDate(now)
		for _, y := range []int{today.Year(), today.Year() + 1} {
			if f, ok := (*calendar.Calendar)(nil).Festival(y, c.Festival); ok && !f.Date.Before(today) {
				c.Year = y
				break
			}
		}
	}
	if c.Name == "" {
		c.Name = c.Festival
	}
	switch {
	case c.Festival == "" || !describeFestival(c):
		return wubu.FieldErrorf("festival", wubu.EINVALID, "Choose a festival.")
	case !wubu.GreetingFestival(c.Festival):
		return wubu.FieldErrorf("festival", wubu.EINVALID, "清明 is a day for remembering the dead: it is not a festival to greet residents on.")
	case utf8.RuneCountInString(c.Name) > maxGreetingName:
		return wubu.FieldErrorf("name", wubu.EINVALID, "The name must be at most %d characters.", maxGreetingName)
	case utf8.RuneCountInString(c.Message) > maxGreetingMessage:
		return wubu.FieldErrorf("message", wubu.EINVALID, "The greeting must be at most %d characters.", maxGreetingMessage)
	}
	if c.Name == c.Festival {
		c.Name = c.FestivalName
	}
	for _, f := range c.Audience.CareFlags {
		if !f.Valid() {
			return wubu.FieldErrorf("care_flags", wubu.EINVALID, "Care flag %q is not valid.", string(f))
		}
	}
	for _, r := range c.Audience.Relations {
		if !r.Valid() {
			return wubu.FieldErrorf("relations", wubu.EINVALID, "Relation %q is not valid.", string(r))
		}
	}
	slices.Sort(c.Audience.BuildingIDs)
	c.Audience.BuildingIDs = slices.Compact(c.Audience.BuildingIDs)
	if n := len(c.Audience.BuildingIDs); n > 0 {
		if n > 500 {
			return wubu.FieldErrorf("building_ids", wubu.EINVALID, "Choose at most %d buildings.", 500)
		}
		var found int
		args := append([]any{c.ProjectID}, int64Args(c.Audience.BuildingIDs)...)
		if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM buildings WHERE project_id = ? AND id IN (`+placeholders(n)+`)`, args...).Scan(&found); err != nil {
			return err
		}
		if found != n {
			return wubu.FieldErrorf("building_ids", wubu.EINVALID, "A chosen building is not in this project.")
		}
	}
	if c.Audience.SegmentID != nil {
		if _, _, err := s.db.segmentAudience(ctx, s.db.reader(), c.ProjectID, *c.Audience.SegmentID); err != nil {
			return wubu.FieldErrorf("segment_id", wubu.EINVALID, "Choose a saved segment of this project.")
		}
	}
	if c.SendAt.IsZero() {
		fd, _ := time.ParseInLocation(time.DateOnly, c.FestivalDate, calendar.ChinaStandardTime)
		c.SendAt = fd.Add(9 * time.Hour)
		if c.SendAt.Before(now) {
			c.SendAt = now
		}
	}
	if c.SendAt.Before(now.Add(-time.Hour)) {
		return wubu.FieldErrorf("send_at", wubu.EINVALID, "The send time has passed.")
	}
	if c.SendAt.Sub(now) > 400*24*time.Hour {
		return wubu.FieldErrorf("send_at", wubu.EINVALID, "The send time must be within %d days.", 400)
	}
	c.SendAt = c.SendAt.UTC().Truncate(time.Microsecond)
	return nil
}

// audienceSQL returns the query of a campaign's audience after the person
// ID after: residents of the project living there (not moved out) with a
// mobile number, each once, in ID order.
func audienceSQL(c *wubu.GreetingCampaign, cols string) (string, []any) {
	var home []string
	args := []any{c.ProjectID}
	homeArgs := []any{}
	if n := len(c.Audience.BuildingIDs); n > 0 {
		home = append(home, `r.building_id IN (`+placeholders(n)+`)`)
		homeArgs = append(homeArgs, int64Args(c.Audience.BuildingIDs)...)
	}
	if n := len(c.Audience.Relations); n > 0 {
		home = append(home, `h.relation IN (`+placeholders(n)+`)`)
		for _, r := range c.Audience.Relations {
			homeArgs = append(homeArgs, string(r))
		}
	}
	q := `SELECT ` + cols + ` FROM persons p WHERE p.project_id = ?
		AND EXISTS (SELECT 1 FROM person_phones ph WHERE ph.project_id = p.project_id AND ph.person_id = p.id)`
	homeCond := ""
	if len(home) > 0 {
		homeCond = " AND " + strings.Join(home, " AND ")
	}
	q += ` AND EXISTS (SELECT 1 FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
			WHERE h.project_id = p.project_id AND h.person_id = p.id AND h.move_out = ''` + homeCond + `)`
	args = append(args, homeArgs...)
	if n := len(c.Audience.CareFlags); n > 0 {
		var ors []string
		for _, f := range c.Audience.CareFlags {
			ors = append(ors, `(',' || p.care_flags || ',') LIKE ?`)
			args = append(args, "%,"+string(f)+",%")
		}
		q += ` AND (` + strings.Join(ors, " OR ") + `)`
	}
	return q, args
}

// audience returns the query of a campaign's greetees: audienceSQL,
// narrowed to its saved segment if it names one.
func (s *GreetingService) audience(ctx context.Context, c *wubu.GreetingCampaign) (string, []any, error) {
	q, args := audienceSQL(c, greeteeColumns)
	if c.Audience.SegmentID == nil {
		return q, args, nil
	}
	seg, sargs, err := s.db.segmentAudience(ctx, s.db.reader(), c.ProjectID, *c.Audience.SegmentID)
	if err != nil {
		return "", nil, err
	}
	return q + ` AND p.id IN (` + seg + `)`, append(args, sargs...), nil
}

// rulesProjectName returns a project's name.
func rulesProjectName(ctx context.Context, db *DB, id int64) (string, error) {
	var name string
	err := db.queryRow(ctx, `SELECT name FROM projects WHERE id = ?`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return name, err
}

// greeteeColumns are the audience's columns a greeting needs: who, how to
// address them, their age, and their home.
const greeteeColumns = `p.id, p.name, p.gender, p.id_number, p.birthday,
	(SELECT MIN(h.room_id) FROM households h WHERE h.project_id = p.project_id AND h.person_id = p.id AND h.move_out = '')`

// greetee is a resident of a campaign's audience.
type greetee struct {
	id                               int64
	name, gender, idNumber, birthday string
	roomID                           sql.NullInt64
}

func scanGreetee(db *DB, rows *sql.Rows) (*greetee, error) {
	g := &greetee{}
	err := rows.Scan(&g.id, &g.name, &g.gender, db.openedID(&g.idNumber), &g.birthday, &g.roomID)
	return g, err
}

// adult reports whether the resident is 18 or older on day, by birthday or
// ID number; one whose age is unknown counts as an adult.
func (g *greetee) adult(day time.Time) bool {
	birth, err := time.Parse(time.DateOnly, g.birthday)
	if err != nil {
		var ok bool
		if birth, ok = cnformat.IDBirthDate(g.idNumber); !ok {
			return true
		}
	}
	return !birth.AddDate(18, 0, 0).After(day)
}

// salutation addresses the resident as a greeting does: 尊敬的 + surname +
// 先生/女士 (gender from the profile or the ID number), the household with
// 及家人, the full name when the gender is unknown.
func (g *greetee) salutation(household bool) string {
	gender := g.gender
	if gender == "" {
		gender, _ = cnformat.IDGender(g.idNumber)
	}
	s := "尊敬的" + g.name
	switch gender {
	case "m":
		s = "尊敬的" + cnformat.Surname(g.name) + "先生"
	case "f":
		s = "尊敬的" + cnformat.Surname(g.name) + "女士"
	}
	if household {
		s += "及家人"
	}
	return s
}

// greetingVars are the template variables of one resident's greeting.
func greetingVars(c *wubu.GreetingCampaign, project string, g *greetee) map[string]string {
	return map[string]string{"name": g.salutation(c.Audience.PerHousehold), "festival": c.FestivalName, "text": c.Message, "project": project}
}

// greets reports whether the campaign greets the resident, and marks the
// resident's home greeted for a campaign to households.
func greets(c *wubu.GreetingCampaign, g *greetee, day time.Time, homes map[int64]bool) bool {
	if !c.Audience.IncludeChildren && !g.adult(day) {
		return false
	}
	if c.Audience.PerHousehold {
		if homes[g.roomID.Int64] {
			return false
		}
		homes[g.roomID.Int64] = true
	}
	return true
}

// smsParts is how many SMS a text takes, with the signature 【…】 the
// provider adds: 70 characters in one, 67 a part beyond.
func smsParts(text string) int {
	n := utf8.RuneCountInString(text) + 8
	if n <= 70 {
		return 1
	}
	return (n + 66) / 67
}

// PreviewGreeting returns a campaign's count, sample and cost estimate;
// see wubu.GreetingService.
func (s *GreetingService) PreviewGreeting(ctx context.Context, c *wubu.GreetingCampaign) (*wubu.GreetingPreview, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOutboxManage, c.ProjectID); err != nil {
		return nil, err
	}
	project, err := rulesProjectName(ctx, s.db, c.ProjectID)
	if err != nil {
		return nil, err
	}
	now := s.db.now()
	if err := s.validate(ctx, c, now); err != nil {
		return nil, err
	}
	pv := &wubu.GreetingPreview{}
	q, args, err := s.audience(ctx, c)
	if err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, q+` ORDER BY p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	day, homes := rulesDate(now), map[int64]bool{}
	sample := &greetee{name: "张三"}
	for rows.Next() {
		g, err := scanGreetee(s.db, rows)
		if err != nil {
			return nil, err
		}
		if !greets(c, g, day, homes) {
			continue
		}
		if pv.Count == 0 {
			sample = g
		}
		pv.Count++
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	pv.SampleName = sample.name
	pv.Vars = greetingVars(c, project, sample)
	if _, body, err := notify.Render(GreetingKind, "zh-CN", pv.Vars); err == nil {
		pv.Text = body
	} else {
		return nil, fmt.Errorf("render greeting: %w", err)
	}
	pv.SMSParts = smsParts(pv.Text)
	pv.CostYuan = float64(pv.Count*pv.SMSParts) * wubu.SMSPriceYuan
	return pv, nil
}

// CreateGreeting schedules a campaign; see wubu.GreetingService.
func (s *GreetingService) CreateGreeting(ctx context.Context, c *wubu.GreetingCampaign) error {
	u, err := wubu.Authorize(ctx, wubu.PermOutboxManage, c.ProjectID)
	if err != nil {
		return err
	}
	if _, err := rulesProjectName(ctx, s.db, c.ProjectID); err != nil {
		return err
	}
	if err := s.validate(ctx, c, s.db.now()); err != nil {
		return err
	}
	aud, err := json.Marshal(c.Audience)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	c.State, c.Queued, c.QueuedAt = wubu.GreetingScheduled, 0, nil
	c.CreatedAt, c.UpdatedAt = tx.now, tx.now
	if u.ID != 0 {
		c.CreatedBy = &u.ID
	}
	if c.ID, err = tx.insert(ctx, `INSERT INTO campaigns (project_id, name, festival, year, audience, message, send_at, state, queued, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`, c.ProjectID, c.Name, c.Festival, c.Year, string(aud), c.Message, c.SendAt, c.State, c.CreatedBy, tx.now, tx.now); err != nil {
		return err
	}
	if err := tx.audit(ctx, c.ProjectID, wubu.ActionCreate, "campaign", c.ID, nil, c); err != nil {
		return err
	}
	return tx.Commit()
}

// FindGreetings lists a project's campaigns; see wubu.GreetingService.
func (s *GreetingService) FindGreetings(ctx context.Context, projectID int64) ([]*wubu.GreetingCampaign, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOutboxManage, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+greetingColumns+` FROM campaigns WHERE project_id = ? ORDER BY id DESC LIMIT 200`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.GreetingCampaign{}
	for rows.Next() {
		c, err := scanGreeting(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// FindGreeting returns one campaign; see wubu.GreetingService.
func (s *GreetingService) FindGreeting(ctx context.Context, projectID, id int64) (*wubu.GreetingCampaign, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermOutboxManage, projectID); err != nil {
		return nil, err
	}
	return scanGreeting(s.db.queryRow(ctx, `SELECT `+greetingColumns+` FROM campaigns WHERE project_id = ? AND id = ?`, projectID, id))
}

// CancelGreeting cancels a scheduled campaign; see wubu.GreetingService.
func (s *GreetingService) CancelGreeting(ctx context.Context, projectID, id int64) (*wubu.GreetingCampaign, error) {
	c, err := s.FindGreeting(ctx, projectID, id)
	if err != nil {
		return nil, err
	}
	if c.State != wubu.GreetingScheduled {
		return nil, wubu.Errorf(wubu.ECONFLICT, "Only a scheduled campaign can be cancelled.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `UPDATE campaigns SET state = ?, updated_at = ? WHERE project_id = ? AND id = ? AND state = ?`,
		wubu.GreetingCancelled, tx.now, projectID, id, wubu.GreetingScheduled)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, wubu.Errorf(wubu.ECONFLICT, "Only a scheduled campaign can be cancelled.")
	}
	before := *c
	c.State, c.UpdatedAt = wubu.GreetingCancelled, tx.now
	if err := tx.audit(ctx, projectID, wubu.ActionUpdate, "campaign", id, &before, c); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}

// SendGreetingNow queues a scheduled campaign at once; see
// wubu.GreetingService.
func (s *GreetingService) SendGreetingNow(ctx context.Context, projectID, id int64) (*wubu.GreetingCampaign, error) {
	c, err := s.FindGreeting(ctx, projectID, id)
	if err != nil {
		return nil, err
	}
	if c.State != wubu.GreetingScheduled {
		return nil, wubu.Errorf(wubu.ECONFLICT, "This campaign has already been sent or cancelled.")
	}
	now := s.db.now()
	if c.SendAt.After(now) {
		c.SendAt = now
	}
	if err := s.queue(ctx, c); err != nil {
		return nil, err
	}
	return s.FindGreeting(ctx, projectID, id)
}

// queueDue queues every campaign whose send time has come. It acts as the
// caller of ctx (the rules engine's system user).
func (s *GreetingService) queueDue(ctx context.Context, now time.Time) (int, error) {
	rows, err := s.db.query(ctx, `SELECT `+greetingColumns+` FROM campaigns WHERE state = ? AND send_at <= ? ORDER BY send_at, id`, wubu.GreetingScheduled, now.UTC())
	if err != nil {
		return 0, err
	}
	var due []*wubu.GreetingCampaign
	for rows.Next() {
		c, err := scanGreeting(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var errs []error
	n := 0
	for _, c := range due {
		if err := s.queue(ctx, c); err != nil {
			errs = append(errs, fmt.Errorf("campaign %d: %w", c.ID, err))
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// queue builds a campaign's messages and queues them in batches, then marks
// it queued. The dedup key names the campaign and the resident, so a run
// cut short (a crash, a second server) and done again queues each message
// once; the campaign is marked queued only when every batch is in.
func (s *GreetingService) queue(ctx context.Context, c *wubu.GreetingCampaign) error {
	if s.notifier == nil {
		return errors.New("campaign: no notifier")
	}
	project, err := rulesProjectName(ctx, s.db, c.ProjectID)
	if err != nil {
		return err
	}
	batch := s.BatchSize
	if batch <= 0 {
		batch = 5000
	}
	// The audience is read in batches, in person ID order, on the read
	// pool while the previous batch is being queued on the write
	// connection.
	q, args, err := s.audience(ctx, c)
	if err != nil {
		return err
	}
	q += ` AND p.id > ? ORDER BY p.id LIMIT ?`
	objectID := strconv.FormatInt(c.ID, 10)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		gs  []*greetee
		err error
	}
	batches := make(chan result, 1)
	go func() {
		defer close(batches)
		var after int64
		for {
			gs, err := s.audienceBatch(ctx, q, append(slices.Clone(args), after, batch))
			select {
			case batches <- result{gs, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || len(gs) < batch {
				return
			}
			after = gs[len(gs)-1].id
		}
	}()
	total := 0
	day, homes := rulesDate(s.db.now()), map[int64]bool{}
	for b := range batches {
		if b.err != nil {
			return b.err
		}
		if len(b.gs) == 0 {
			break
		}
		var ns []wubu.Notification
		for _, g := range b.gs {
			if !greets(c, g, day, homes) {
				continue
			}
			ns = append(ns, wubu.Notification{ProjectID: c.ProjectID, Kind: GreetingKind, Channel: wubu.ChannelSMS, To: wubu.Recipient{PersonID: g.id},
				Vars: greetingVars(c, project, g), DedupKey: "greeting:" + objectID + ":" + strconv.FormatInt(g.id, 10),
				NotBefore: c.SendAt, ObjectType: "campaign", ObjectID: objectID})
		}
		if len(ns) == 0 {
			continue
		}
		if err := s.notifier.Notify(ctx, ns...); err != nil {
			return err
		}
		total += len(ns)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, `UPDATE campaigns SET state = ?, queued = ?, queued_at = ?, updated_at = ? WHERE project_id = ? AND id = ? AND state = ?`,
		wubu.GreetingQueued, total, tx.now, tx.now, c.ProjectID, c.ID, wubu.GreetingScheduled); err != nil {
		return err
	}
	if err := tx.audit(ctx, c.ProjectID, wubu.ActionUpdate, "campaign", c.ID, map[string]any{"state": c.State},
		map[string]any{"state": wubu.GreetingQueued, "queued": total}); err != nil {
		return err
	}
	return tx.Commit()
}

// audienceBatch reads one batch of a campaign's audience.
func (s *GreetingService) audienceBatch(ctx context.Context, q string, args []any) ([]*greetee, error) {
	rows, err := s.db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var gs []*greetee
	for rows.Next() {
		g, err := scanGreetee(s.db, rows)
		if err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	return gs, rows.Err()
}

// GreetingReport counts a campaign's messages by status; see
// wubu.GreetingService.
func (s *GreetingService) GreetingReport(ctx context.Context, projectID, id int64) (*wubu.GreetingReport, error) {
	c, err := s.FindGreeting(ctx, projectID, id)
	if err != nil {
		return nil, err
	}
	rep := &wubu.GreetingReport{Campaign: c, ByStatus: map[string]int{}}
	rows, err := s.db.query(ctx, `SELECT status, COUNT(*) FROM outbox WHERE project_id = ? AND object_type = 'campaign' AND object_id = ? GROUP BY status`,
		projectID, strconv.FormatInt(id, 10))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		rep.ByStatus[st] = n
		rep.Total += n
	}
	return rep, rows.Err()
}
