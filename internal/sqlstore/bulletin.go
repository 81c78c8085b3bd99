package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/calendar"
)

// BulletinService implements wubu.BulletinService: notices on the board
// and the pest-control plans whose advance notices the rules post (C3).
type BulletinService struct {
	db       *DB
	notifier wubu.Notifier
}

var _ wubu.BulletinService = (*BulletinService)(nil)

// NewBulletinService returns a notice service over db.
func NewBulletinService(db *DB) *BulletinService { return &BulletinService{db: db} }

// WithNotifier sends the notices asked to go by SMS through n.
func (s *BulletinService) WithNotifier(n wubu.Notifier) *BulletinService {
	s.notifier = n
	return s
}

const bulletinColumns = `n.id, n.project_id, n.kind, n.title, n.body, n.building_id, COALESCE(b.name, ''), n.board_from, n.board_until,
	n.plan_id, COALESCE(n.plan_date, ''), COALESCE(n.occurrence, ''), n.send_sms, n.send_email, n.posted_by, COALESCE(u.name, ''), n.posted_at, p.name, n.segment_id, COALESCE(sg.name, '')`

const bulletinFrom = ` FROM bulletins n
	JOIN projects p ON p.id = n.project_id
	LEFT JOIN buildings b ON b.project_id = n.project_id AND b.id = n.building_id
	LEFT JOIN users u ON u.id = n.posted_by
	LEFT JOIN segments sg ON sg.project_id = n.project_id AND sg.id = n.segment_id`

func scanBulletin(s interface{ Scan(...any) error }) (*wubu.Bulletin, error) {
	n := &wubu.Bulletin{}
	err := s.Scan(&n.ID, &n.ProjectID, &n.Kind, &n.Title, &n.Body, &n.BuildingID, &n.BuildingName, &n.BoardFrom, &n.BoardUntil,
		&n.PlanID, &n.PlanDate, &n.Occurrence, &n.SendSMS, &n.SendEmail, &n.PostedBy, &n.PostedByName, &n.PostedAt, &n.ProjectName, &n.SegmentID, &n.SegmentName)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return n, err
}

func validDay(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// PostBulletin posts a notice.
func (s *BulletinService) PostBulletin(ctx context.Context, n *wubu.Bulletin) error {
	u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, n.ProjectID)
	if err != nil {
		return err
	}
	n.Title, n.Body = strings.TrimSpace(n.Title), strings.TrimSpace(n.Body)
	if n.Kind == "" {
		n.Kind = wubu.BulletinGeneral
	}
	today := rulesDate(s.db.now()).Format(time.DateOnly)
	if n.BoardFrom == "" {
		n.BoardFrom = today
	}
	switch {
	case !n.Kind.Valid():
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Choose what kind of notice it is.")
	case n.Title == "" || len([]rune(n.Title)) > 80:
		return wubu.FieldErrorf("title", wubu.EINVALID, "Give the notice a title (at most %d characters).", 80)
	case n.Body == "" || len([]rune(n.Body)) > 5000:
		return wubu.FieldErrorf("body", wubu.EINVALID, "Write the notice (at most %d characters).", 5000)
	case !validDay(n.BoardFrom):
		return wubu.FieldErrorf("board_from", wubu.EINVALID, "Give the first day on the board as a date.")
	case !validDay(n.BoardUntil) || n.BoardUntil < n.BoardFrom:
		return wubu.FieldErrorf("board_until", wubu.EINVALID, "Give the last day on the board, not before the first.")
	case (n.SendSMS || n.SendEmail) && s.notifier == nil:
		return wubu.FieldErrorf("send_sms", wubu.EINVALID, "Messages cannot be sent from here.")
	}
	if err := checkBulletinFiles(n.Attachments); err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := s.insert(ctx, tx, n, &u.ID); err != nil {
		return err
	}
	if err := saveBulletinFiles(ctx, tx, n); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if n.SendSMS {
		if n.Sent, err = s.sendNotice(ctx, n, wubu.ChannelSMS); err != nil {
			return err
		}
	}
	if n.SendEmail {
		n.Emailed, err = s.sendNotice(ctx, n, wubu.ChannelEmail)
	}
	return err
}

// sendNotice queues the notice on a channel to every resident of its
// audience who has not moved out (by e-mail: who has an address on file),
// once each (the dedup key names the notice, the channel and the
// resident); the outbox holds SMS through quiet hours. An e-mail carries
// the whole text, an SMS its beginning.
func (s *BulletinService) sendNotice(ctx context.Context, n *wubu.Bulletin, ch wubu.Channel) (int, error) {
	cond, args := audienceCond(bulletinAudienceIDs(n))
	q := `SELECT DISTINCT h.person_id, pr.name` + strings.Replace(audienceFrom, ` WHERE `, ` JOIN projects pr ON pr.id = h.project_id WHERE `, 1) + cond
	if ch == wubu.ChannelEmail {
		q = strings.Replace(q, ` WHERE `, ` JOIN persons pe ON pe.project_id = h.project_id AND pe.id = h.person_id WHERE pe.email <> '' AND `, 1)
	}
	args = append([]any{n.ProjectID}, args...)
	if n.SegmentID != nil {
		seg, sargs, err := s.db.segmentAudience(ctx, s.db.reader(), n.ProjectID, *n.SegmentID)
		if err != nil {
			return 0, err
		}
		q, args = q+` AND h.person_id IN (`+seg+`)`, append(args, sargs...)
	}
	rows, err := s.db.query(ctx, q+` ORDER BY h.person_id`, args...)
	if err != nil {
		return 0, err
	}
	var ns []wubu.Notification
	for rows.Next() {
		var pid int64
		var project string
		if err := rows.Scan(&pid, &project); err != nil {
			rows.Close()
			return 0, err
		}
		text := []rune(n.Body)
		if len(text) > 60 && ch == wubu.ChannelSMS {
			text = append(text[:60], '…')
		}
		key := fmt.Sprintf("bulletin:%d:%d", n.ID, pid)
		if ch == wubu.ChannelEmail {
			key = fmt.Sprintf("bulletin:%d:email:%d", n.ID, pid)
		}
		ns = append(ns, wubu.Notification{ProjectID: n.ProjectID, Kind: "notice", Channel: ch, To: wubu.Recipient{PersonID: pid},
			Vars: map[string]string{"title": n.Title, "text": string(text), "project": project}, DedupKey: key,
			ObjectType: "bulletin", ObjectID: fmt.Sprint(n.ID)})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for i := 0; i < len(ns); i += 500 {
		if err := s.notifier.Notify(ctx, ns[i:min(i+500, len(ns))]...); err != nil {
			return i, err
		}
	}
	return len(ns), nil
}

// insert writes a checked notice and its audit entry.
func (s *BulletinService) insert(ctx context.Context, tx *Tx, n *wubu.Bulletin, by *int64) error {
	buildings, units := bulletinAudienceIDs(n)
	if err := checkAudienceIDs(ctx, tx, n.ProjectID, buildings, units); err != nil {
		return err
	}
	// A notice to one building names it in building_id too, as before
	// notices had several.
	n.BuildingID = nil
	if len(buildings) == 1 && len(units) == 0 {
		n.BuildingID = &buildings[0]
	}
	if n.SegmentID != nil {
		if _, _, err := s.db.segmentAudience(ctx, tx, n.ProjectID, *n.SegmentID); err != nil {
			return wubu.FieldErrorf("segment_id", wubu.EINVALID, "Choose a saved segment of this project.")
		}
	}
	var planDate, occurrence *string
	if n.PlanDate != "" {
		planDate = &n.PlanDate
	}
	if n.Occurrence != "" {
		occurrence = &n.Occurrence
	}
	n.PostedBy, n.PostedAt = by, tx.now
	var err error
	n.ID, err = tx.insert(ctx, `INSERT INTO bulletins (project_id, kind, title, body, building_id, board_from, board_until, plan_id, plan_date, occurrence, send_sms, send_email, posted_by, posted_at, segment_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, n.ProjectID, n.Kind, n.Title, n.Body, n.BuildingID, n.BoardFrom, n.BoardUntil, n.PlanID, planDate, occurrence, n.SendSMS, n.SendEmail, by, tx.now, n.SegmentID)
	if err != nil {
		return err
	}
	if err := saveBulletinAudience(ctx, tx, n); err != nil {
		return err
	}
	files := make([]string, len(n.Attachments))
	for i, f := range n.Attachments {
		files[i] = f.Name
	}
	return tx.audit(ctx, n.ProjectID, wubu.ActionCreate, "bulletin", n.ID, nil, map[string]any{"kind": n.Kind, "title": n.Title, "building_ids": n.BuildingIDs,
		"unit_ids": n.UnitIDs, "board_from": n.BoardFrom, "board_until": n.BoardUntil, "plan_id": n.PlanID, "plan_date": n.PlanDate, "occurrence": n.Occurrence,
		"files": files, "send_sms": n.SendSMS, "send_email": n.SendEmail, "segment_id": n.SegmentID})
}

// FindBulletin returns a notice, for printing.
func (s *BulletinService) FindBulletin(ctx context.Context, id int64) (*wubu.Bulletin, error) {
	n, err := scanBulletin(s.db.queryRow(ctx, `SELECT `+bulletinColumns+bulletinFrom+` WHERE n.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, n.ProjectID); err != nil {
		return nil, err
	}
	if err := loadBulletinAudience(ctx, s.db, n); err != nil {
		return nil, err
	}
	if err := loadBulletinFiles(ctx, s.db, n); err != nil {
		return nil, err
	}
	if err := countBulletinReads(ctx, s.db, n); err != nil {
		return nil, err
	}
	return n, nil
}

// FindBulletins lists a project's notices, newest first.
func (s *BulletinService) FindBulletins(ctx context.Context, projectID int64) ([]*wubu.Bulletin, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+bulletinColumns+bulletinFrom+` WHERE n.project_id = ? ORDER BY n.posted_at DESC, n.id DESC LIMIT 200`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Bulletin
	for rows.Next() {
		n, err := scanBulletin(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for _, n := range out {
		if err := loadBulletinAudience(ctx, s.db, n); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// SavePestPlan records a pest-control plan.
func (s *BulletinService) SavePestPlan(ctx context.Context, p *wubu.PestPlan) error {
	u, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, p.ProjectID)
	if err != nil {
		return err
	}
	p.Areas = strings.TrimSpace(p.Areas)
	if p.NoticeDays == 0 {
		p.NoticeDays = wubu.DefaultPestNoticeDays
	}
	switch {
	case p.Areas == "" || len([]rune(p.Areas)) > 200:
		return wubu.FieldErrorf("areas", wubu.EINVALID, "Say which areas are treated (at most %d characters).", 200)
	case !validDay(p.FirstDate):
		return wubu.FieldErrorf("first_date", wubu.EINVALID, "Give the first date as a date.")
	case p.EveryDays < 0 || p.EveryDays > 366:
		return wubu.FieldErrorf("every_days", wubu.EINVALID, "Repeat every 0 to %d days (0: once).", 366)
	case p.Until != "" && (!validDay(p.Until) || p.Until < p.FirstDate):
		return wubu.FieldErrorf("until", wubu.EINVALID, "Give the last date, not before the first.")
	case p.NoticeDays < 1 || p.NoticeDays > 30:
		return wubu.FieldErrorf("notice_days", wubu.EINVALID, "Post the notice 1 to %d days before.", 30)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p.CreatedAt = tx.now
	if p.ID, err = tx.insert(ctx, `INSERT INTO pest_plans (project_id, areas, first_date, every_days, until_date, notice_days, send_sms, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.ProjectID, p.Areas, p.FirstDate, p.EveryDays, p.Until, p.NoticeDays, p.SendSMS, u.ID, tx.now); err != nil {
		return err
	}
	if err := tx.audit(ctx, p.ProjectID, wubu.ActionCreate, "pest_plan", p.ID, nil, p); err != nil {
		return err
	}
	return tx.Commit()
}

// FindPestPlans lists a project's pest-control plans.
func (s *BulletinService) FindPestPlans(ctx context.Context, projectID int64) ([]*wubu.PestPlan, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	return pestPlans(ctx, s.db, projectID)
}

func pestPlans(ctx context.Context, db *DB, projectID int64) ([]*wubu.PestPlan, error) {
	rows, err := db.query(ctx, `SELECT id, project_id, areas, first_date, every_days, until_date, notice_days, send_sms, created_at FROM pest_plans WHERE project_id = ? ORDER BY id`, projectID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.PestPlan
	for rows.Next() {
		p := &wubu.PestPlan{}
		if err := rows.Scan(&p.ID, &p.ProjectID, &p.Areas, &p.FirstDate, &p.EveryDays, &p.Until, &p.NoticeDays, &p.SendSMS, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PostPestNotices posts the advance notices that are due: for each plan
// date from today to NoticeDays days ahead without one yet. The unique
// index on (plan, date) makes a second run, or two at once, post nothing.
func (s *BulletinService) PostPestNotices(ctx context.Context, projectID int64, now time.Time) (int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, projectID); err != nil {
		return 0, err
	}
	plans, err := pestPlans(ctx, s.db, projectID)
	if err != nil {
		return 0, err
	}
	today := rulesDate(now)
	posted := 0
	for _, p := range plans {
		for _, day := range p.Dates(today, today.AddDate(0, 0, p.NoticeDays)) {
			d, _ := time.ParseInLocation(time.DateOnly, day, calendar.ChinaStandardTime)
			n := &wubu.Bulletin{ProjectID: projectID, Kind: wubu.BulletinPestControl, Title: wubu.PestNoticeTitle,
				Body:      fmt.Sprintf(wubu.PestNoticeBody, fmt.Sprintf("%d年%d月%d日", d.Year(), d.Month(), d.Day()), p.Areas),
				BoardFrom: today.Format(time.DateOnly), BoardUntil: day, PlanID: &p.ID, PlanDate: day, SendSMS: p.SendSMS && s.notifier != nil}
			ok, err := s.postOnce(ctx, n)
			if err != nil {
				return posted, fmt.Errorf("pest plan %d, %s: %w", p.ID, day, err)
			}
			if ok {
				posted++
				// The notice goes out by SMS as it is posted, once: the
				// outbox's dedup key names the notice and the resident.
				if n.SendSMS {
					if n.Sent, err = s.sendNotice(ctx, n, wubu.ChannelSMS); err != nil {
						return posted, fmt.Errorf("pest plan %d, %s: SMS: %w", p.ID, day, err)
					}
				}
			}
		}
	}
	return posted, nil
}

// postOnce posts a plan's notice unless its date has one already.
func (s *BulletinService) postOnce(ctx context.Context, n *wubu.Bulletin) (bool, error) {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var c int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM bulletins WHERE project_id = ? AND plan_id = ? AND plan_date = ?`, n.ProjectID, *n.PlanID, n.PlanDate).Scan(&c); err != nil {
		return false, err
	} else if c > 0 {
		return false, nil
	}
	if err := s.insert(ctx, tx, n, nil); err != nil {
		if isUniqueViolation(err) {
			return false, nil
		}
		return false, err
	}
	return true, tx.Commit()
}
