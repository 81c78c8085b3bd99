package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/i18n"
	"github.com/wubu-oss/wubu/internal/notify"
)

// OutboxService implements wubu.OutboxService and notify.Store: the
// notification outbox. Notify writes one row per recipient and channel,
// unique per project and dedup key; the delivery loop (notify.Dispatcher)
// claims due rows with Claim and records their outcome with Finish.
type OutboxService struct {
	db *DB
}

var (
	_ wubu.OutboxService = (*OutboxService)(nil)
	_ notify.Store       = (*OutboxService)(nil)
)

// NewOutboxService returns the outbox over db.
func NewOutboxService(db *DB) *OutboxService { return &OutboxService{db: db} }

// china is China Standard Time, the time of quiet hours.
var china = time.FixedZone("CST", 8*3600)

// maxDedupKey is the longest dedup key.
const maxDedupKey = 200

// outboxInsertBatch is how many rows one INSERT writes.
const outboxInsertBatch = 500

// Notify queues notifications in one transaction; see wubu.Notifier. A
// notification whose project and dedup key were queued before is skipped.
func (s *OutboxService) Notify(ctx context.Context, ns ...wubu.Notification) error {
	if len(ns) == 0 {
		if wubu.UserFromContext(ctx) == nil {
			return wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
		}
		return nil
	}
	seen := map[int64]bool{}
	for _, n := range ns {
		if seen[n.ProjectID] {
			continue
		}
		if n.ProjectID <= 0 {
			return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
		}
		if _, err := wubu.Authorize(ctx, wubu.PermSelf, n.ProjectID); err != nil {
			return err
		}
		seen[n.ProjectID] = true
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.notify(ctx, ns); err != nil {
		return err
	}
	return tx.Commit()
}

// NotifyTx queues notifications inside tx, to be committed or rolled back
// with it, as Notify does but without its permission check: for services
// of this package whose own transaction decides that a message is due (a
// clock stage firing).
func (s *OutboxService) NotifyTx(ctx context.Context, tx *Tx, ns ...wubu.Notification) error {
	return tx.notify(ctx, ns)
}

// outboxRow is a row to insert.
type outboxRow struct {
	projectID          int64
	kind               string
	channel            wubu.Channel
	userID, personID   *int64
	address, vars      string
	urgent             bool
	dedupKey           string
	objectType, object string
	status             wubu.MessageStatus
	notBefore          time.Time
	sentAt             *time.Time
}

// validateNotification checks a notification and fills in its channel.
func validateNotification(n *wubu.Notification) error {
	n.Kind = strings.TrimSpace(n.Kind)
	n.DedupKey = strings.TrimSpace(n.DedupKey)
	switch {
	case !notify.HasKind(n.Kind):
		return wubu.FieldErrorf("kind", wubu.EINVALID, "There is no message template of kind %q.", n.Kind)
	case n.DedupKey == "":
		return wubu.FieldErrorf("dedup_key", wubu.EINVALID, "A notification needs a dedup key.")
	case len(n.DedupKey) > maxDedupKey:
		return wubu.FieldErrorf("dedup_key", wubu.EINVALID, "A dedup key has at most %d characters.", maxDedupKey)
	}
	to := n.To
	set := 0
	for _, ok := range []bool{to.UserID != 0, to.Role != "", to.PersonID != 0, to.Address != ""} {
		if ok {
			set++
		}
	}
	if set > 1 || (set == 0 && n.Channel != wubu.ChannelWebhook && n.Channel != wubu.ChannelWeCom) {
		return wubu.FieldErrorf("to", wubu.EINVALID, "A notification needs exactly one recipient.")
	}
	if to.Role != "" && !to.Role.Valid() {
		return wubu.FieldErrorf("to", wubu.EINVALID, "Role %q is not valid.", string(to.Role))
	}
	if to.Post != "" && (to.Role == "" || !to.Post.Valid()) {
		return wubu.FieldErrorf("to", wubu.EINVALID, "Post %q is not valid.", string(to.Post))
	}
	if to.UserID < 0 || to.PersonID < 0 {
		return wubu.FieldErrorf("to", wubu.EINVALID, "A notification needs exactly one recipient.")
	}
	if n.Channel == "" {
		switch {
		case to.UserID != 0 || to.Role != "":
			n.Channel = wubu.ChannelInbox
		case to.PersonID != 0:
			n.Channel = wubu.ChannelSMS
		case strings.Contains(to.Address, "@"):
			n.Channel = wubu.ChannelEmail
		case strings.HasPrefix(to.Address, "http://") || strings.HasPrefix(to.Address, "https://"):
			n.Channel = wubu.ChannelWebhook
		default:
			n.Channel = wubu.ChannelSMS
		}
	}
	switch n.Channel {
	case wubu.ChannelInbox:
		if to.UserID == 0 && to.Role == "" {
			return wubu.FieldErrorf("channel", wubu.EINVALID, "Only staff have an inbox.")
		}
	case wubu.ChannelEmail:
	case wubu.ChannelSMS:
	case wubu.ChannelWebhook:
		if to.UserID != 0 || to.Role != "" || to.PersonID != 0 {
			return wubu.FieldErrorf("channel", wubu.EINVALID, "A webhook goes to an address, not to a person.")
		}
	case wubu.ChannelWeChat:
		if to.UserID != 0 || to.Role != "" {
			return wubu.FieldErrorf("channel", wubu.EINVALID, "WeChat messages go to residents; staff are reached in WeCom.")
		}
	case wubu.ChannelWeCom:
		if to.PersonID != 0 {
			return wubu.FieldErrorf("channel", wubu.EINVALID, "WeCom messages go to staff; residents are reached in WeChat.")
		}
	default:
		return wubu.FieldErrorf("channel", wubu.EINVALID, "Channel %q is not valid.", string(n.Channel))
	}
	return nil
}

// notify validates notifications, expands roles, checks that recipients
// exist in the project, and inserts the rows, skipping known dedup keys.
func (tx *Tx) notify(ctx context.Context, ns []wubu.Notification) error {
	if len(ns) == 0 {
		return nil
	}
	now := tx.now
	// Validate, and collect the staff, roles and residents to resolve.
	type projRole = projRoleKey
	roles := map[projRole][]int64{}
	users := map[int64]map[int64]bool{}   // project → user → exists
	persons := map[int64]map[int64]bool{} // project → person → exists
	auto := make([]bool, len(ns))         // the recipient's preference decides the channel
	for i := range ns {
		n := &ns[i]
		if n.ProjectID <= 0 {
			return wubu.Errorf(wubu.ENOTFOUND, "Not found.")
		}
		auto[i] = n.Channel == ""
		if err := validateNotification(n); err != nil {
			return err
		}
		switch {
		case n.To.Role != "":
			roles[projRole{n.ProjectID, n.To.Role, n.To.Post}] = nil
		case n.To.UserID != 0:
			if users[n.ProjectID] == nil {
				users[n.ProjectID] = map[int64]bool{}
			}
			users[n.ProjectID][n.To.UserID] = false
		case n.To.PersonID != 0:
			if persons[n.ProjectID] == nil {
				persons[n.ProjectID] = map[int64]bool{}
			}
			persons[n.ProjectID][n.To.PersonID] = false
		}
	}
	for k := range roles {
		ids, err := tx.roleRecipients(ctx, k.project, k.role, k.post)
		if err != nil {
			return err
		}
		roles[k] = ids
	}
	for project, set := range users {
		if err := tx.checkStaff(ctx, project, set); err != nil {
			return err
		}
	}
	for project, set := range persons {
		if err := tx.checkPersons(ctx, project, set); err != nil {
			return err
		}
	}
	settings := map[int64]*wubu.OutboxSettings{}
	prefs, err := tx.preferredChannels(ctx, ns, auto, roles)
	if err != nil {
		return err
	}

	// Build the rows.
	rows := make([]outboxRow, 0, len(ns))
	keys := map[string]bool{}
	for i := range ns {
		n := &ns[i]
		vars := "{}"
		if len(n.Vars) > 0 {
			b, err := json.Marshal(n.Vars)
			if err != nil {
				return err
			}
			vars = string(b)
		}
		notBefore := now
		if !n.NotBefore.IsZero() && n.NotBefore.After(now) {
			notBefore = n.NotBefore.UTC().Truncate(time.Microsecond)
		}
		base := outboxRow{projectID: n.ProjectID, kind: n.Kind, channel: n.Channel, address: strings.TrimSpace(n.To.Address), vars: vars, urgent: n.Urgent,
			dedupKey: n.DedupKey, objectType: n.ObjectType, object: n.ObjectID, status: wubu.MessageQueued, notBefore: notBefore}
		var addErr error
		add := func(r outboxRow) {
			k := strconv.FormatInt(r.projectID, 10) + "\x00" + r.dedupKey
			if keys[k] {
				return
			}
			keys[k] = true
			switch {
			case r.channel == wubu.ChannelInbox && !r.notBefore.After(now):
				r.status, r.sentAt = wubu.MessageSent, &now
			case quietChannel(r.channel) && !r.urgent:
				st := settings[r.projectID]
				if st == nil {
					var err error
					if st, err = tx.outboxSettings(ctx, r.projectID); err != nil {
						addErr = err
						return
					}
					settings[r.projectID] = st
				}
				if end, quiet := quietUntil(st, r.notBefore); quiet {
					r.status, r.notBefore = wubu.MessageHeld, end
				}
			}
			rows = append(rows, r)
		}
		// addStaff adds a staff member's message, and a copy on the
		// channel they prefer when it is not the inbox.
		addStaff := func(r outboxRow, uid int64) {
			r.userID = &uid
			add(r)
			if ch := prefs.staff[uid]; auto[i] && ch != "" {
				r.channel, r.dedupKey = ch, r.dedupKey+"/"+string(ch)
				add(r)
			}
		}
		switch {
		case n.To.Role != "":
			for _, uid := range roles[projRole{n.ProjectID, n.To.Role, n.To.Post}] {
				r := base
				r.dedupKey = n.DedupKey + "/user:" + strconv.FormatInt(uid, 10)
				addStaff(r, uid)
			}
		case n.To.UserID != 0:
			addStaff(base, n.To.UserID)
		case n.To.PersonID != 0:
			pid := n.To.PersonID
			base.personID = &pid
			if ch := prefs.person[personKey{n.ProjectID, pid}]; auto[i] && ch != "" {
				base.channel = ch
			}
			add(base)
		default:
			add(base)
		}
		if addErr != nil {
			return addErr
		}
	}
	return tx.insertOutbox(ctx, rows)
}

// projRoleKey names the staff of a role (and post) in a project.
type projRoleKey struct {
	project int64
	role    wubu.Role
	post    wubu.Post
}

// quietChannel reports whether a channel's non-urgent messages wait out
// the quiet hours: those that ring a phone.
func quietChannel(c wubu.Channel) bool {
	return c == wubu.ChannelSMS || c == wubu.ChannelWeChat || c == wubu.ChannelWeCom
}

// quietUntil reports whether t falls in the quiet hours of st and, if so,
// when they end.
func quietUntil(st *wubu.OutboxSettings, t time.Time) (time.Time, bool) {
	if st.QuietStart == st.QuietEnd {
		return time.Time{}, false
	}
	local := t.In(china)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, china)
	m := local.Hour()*60 + local.Minute()
	end := day.Add(time.Duration(st.QuietEnd) * time.Minute)
	if st.QuietStart < st.QuietEnd { // e.g. 12:00–14:00
		if m >= st.QuietStart && m < st.QuietEnd {
			return end.UTC(), true
		}
		return time.Time{}, false
	}
	// Over midnight, e.g. 21:00–08:00.
	switch {
	case m >= st.QuietStart:
		return end.AddDate(0, 0, 1).UTC(), true
	case m < st.QuietEnd:
		return end.UTC(), true
	}
	return time.Time{}, false
}

// staffOfRole returns the active staff of a role serving a project (every
// active admin for the admin role, as admins serve all projects), of one
// post unless post is empty.
func (tx *Tx) staffOfRole(ctx context.Context, projectID int64, role wubu.Role, post wubu.Post) ([]int64, error) {
	q := `SELECT u.id FROM users u JOIN user_projects up ON up.user_id = u.id WHERE up.project_id = ? AND u.role = ? AND u.disabled = FALSE ORDER BY u.id`
	args := []any{projectID, string(role)}
	if post != "" {
		q = strings.Replace(q, " ORDER BY", " AND u.post = ? ORDER BY", 1)
		args = append(args, string(post))
	}
	if role == wubu.RoleAdmin {
		q, args = `SELECT id FROM users WHERE role = ? AND disabled = FALSE ORDER BY id`, []any{string(role)}
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("staff of role: %w", err)
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

// checkStaff checks that the staff members exist, are active and serve the
// project.
func (tx *Tx) checkStaff(ctx context.Context, projectID int64, set map[int64]bool) error {
	ids := make([]any, 0, len(set)+1)
	ids = append(ids, projectID)
	for id := range set {
		ids = append(ids, id)
	}
	rows, err := tx.query(ctx, `SELECT u.id FROM users u LEFT JOIN user_projects up ON up.user_id = u.id AND up.project_id = ?
		WHERE u.id IN (`+placeholders(len(ids)-1)+`) AND u.disabled = FALSE AND (u.role = 'admin' OR up.user_id IS NOT NULL)`, ids...)
	if err != nil {
		return fmt.Errorf("check recipients: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		set[id] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for id, ok := range set {
		if !ok {
			return wubu.FieldErrorf("to", wubu.EINVALID, "Staff member %d does not serve this project or is disabled.", id)
		}
	}
	return nil
}

// checkPersons checks that the residents exist in the project, 500 at a
// time.
func (tx *Tx) checkPersons(ctx context.Context, projectID int64, set map[int64]bool) error {
	all := make([]int64, 0, len(set))
	for id := range set {
		all = append(all, id)
	}
	for len(all) > 0 {
		batch := all[:min(len(all), 500)]
		all = all[len(batch):]
		args := make([]any, 0, len(batch)+1)
		args = append(args, projectID)
		for _, id := range batch {
			args = append(args, id)
		}
		rows, err := tx.query(ctx, `SELECT id FROM persons WHERE project_id = ? AND id IN (`+placeholders(len(batch))+`)`, args...)
		if err != nil {
			return fmt.Errorf("check recipients: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			set[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	for id, ok := range set {
		if !ok {
			return wubu.FieldErrorf("to", wubu.EINVALID, "Resident %d is not a resident of this project.", id)
		}
	}
	return nil
}

const outboxInsertColumns = `project_id, kind, channel, user_id, person_id, address, vars, urgent, dedup_key, object_type, object_id, status, not_before, sent_at, created_at, updated_at`

// insertOutbox inserts rows in multi-row statements, skipping rows whose
// project and dedup key exist.
func (tx *Tx) insertOutbox(ctx context.Context, rows []outboxRow) error {
	const cols = 16
	row := "(" + placeholders(cols) + ")"
	for len(rows) > 0 {
		batch := rows[:min(len(rows), outboxInsertBatch)]
		rows = rows[len(batch):]
		args := make([]any, 0, cols*len(batch))
		for _, r := range batch {
			args = append(args, r.projectID, r.kind, string(r.channel), r.userID, r.personID, r.address, r.vars, r.urgent, r.dedupKey,
				r.objectType, r.object, string(r.status), r.notBefore, r.sentAt, tx.now, tx.now)
		}
		q := `INSERT INTO outbox (` + outboxInsertColumns + `) VALUES ` + strings.Repeat(row+", ", len(batch)-1) + row +
			` ON CONFLICT (project_id, dedup_key) DO NOTHING`
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return fmt.Errorf("queue notifications: %w", err)
		}
	}
	return nil
}

// outboxSettings returns a project's delivery rules, the defaults if none
// are stored.
func (tx *Tx) outboxSettings(ctx context.Context, projectID int64) (*wubu.OutboxSettings, error) {
	return readOutboxSettings(tx.queryRow(ctx, `SELECT quiet_start, quiet_end, webhook_url, webhook_secret FROM outbox_settings WHERE project_id = ?`, projectID), projectID)
}

func readOutboxSettings(row *sql.Row, projectID int64) (*wubu.OutboxSettings, error) {
	st := &wubu.OutboxSettings{ProjectID: projectID, QuietStart: wubu.DefaultQuietStart, QuietEnd: wubu.DefaultQuietEnd}
	err := row.Scan(&st.QuietStart, &st.QuietEnd, &st.WebhookURL, &st.WebhookSecret)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	st.HasSecret = st.WebhookSecret != ""
	return st, nil
}

// --- Delivery: notify.Store ---

const outboxColumns = `id, project_id, kind, channel, user_id, person_id, address, vars, urgent, dedup_key, object_type, object_id,
	status, attempts, not_before, last_error, sent_at, read_at, created_at, updated_at`

func scanMessage(s interface{ Scan(...any) error }) (*wubu.Message, error) {
	m := &wubu.Message{}
	var vars string
	err := s.Scan(&m.ID, &m.ProjectID, &m.Kind, &m.Channel, &m.UserID, &m.PersonID, &m.Address, &vars, &m.Urgent, &m.DedupKey, &m.ObjectType, &m.ObjectID,
		&m.Status, &m.Attempts, &m.NotBefore, &m.LastError, &m.SentAt, &m.ReadAt, &m.CreatedAt, &m.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Message not found.")
	} else if err != nil {
		return nil, err
	}
	if vars != "" && vars != "{}" {
		if err := json.Unmarshal([]byte(vars), &m.Vars); err != nil {
			return nil, fmt.Errorf("message %d vars: %w", m.ID, err)
		}
	}
	return m, nil
}

func scanMessages(rows *sql.Rows, total *int) ([]*wubu.Message, error) {
	defer rows.Close()
	var out []*wubu.Message
	for rows.Next() {
		var m *wubu.Message
		var err error
		if total != nil {
			m, err = scanMessage(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, total)...) }))
		} else {
			m, err = scanMessage(rows)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func newClaim() string {
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Claim claims up to limit due messages — queued or held ones whose time
// has come, and "sending" ones whose lease ran out (their sender died) —
// for lease, in one transaction; see notify.Store. In it, a non-urgent SMS
// that falls in its project's quiet hours is held until they end, a
// message to a resident who opted out of its kind is skipped, and one whose
// recipient has no address is skipped too. The rest are marked "sending"
// with the claim's token and one more attempt, then returned rendered.
func (s *OutboxService) Claim(ctx context.Context, limit int, lease time.Duration) (string, []*notify.Outgoing, error) {
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return "", nil, err
	}
	defer tx.Rollback()
	now := tx.now
	lock := ""
	if s.db.Dialect == Postgres {
		lock = ` FOR UPDATE SKIP LOCKED`
	}
	rows, err := tx.query(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE status = 'sending' AND lease_until <= ? ORDER BY lease_until LIMIT ?`+lock, now, limit)
	if err != nil {
		return "", nil, fmt.Errorf("claim messages: %w", err)
	}
	msgs, err := scanMessages(rows, nil)
	if err != nil {
		return "", nil, err
	}
	if len(msgs) < limit {
		rows, err := tx.query(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE status IN ('queued', 'held') AND not_before <= ? ORDER BY not_before LIMIT ?`+lock, now, limit-len(msgs))
		if err != nil {
			return "", nil, fmt.Errorf("claim messages: %w", err)
		}
		more, err := scanMessages(rows, nil)
		if err != nil {
			return "", nil, err
		}
		msgs = append(msgs, more...)
	}
	if len(msgs) == 0 {
		return "", nil, nil
	}

	// Look up what the messages need: settings, opt-outs, addresses.
	settings := map[int64]*wubu.OutboxSettings{}
	for _, m := range msgs {
		if settings[m.ProjectID] == nil {
			if settings[m.ProjectID], err = tx.outboxSettings(ctx, m.ProjectID); err != nil {
				return "", nil, err
			}
		}
	}
	staff, err := tx.staffContacts(ctx, msgs)
	if err != nil {
		return "", nil, err
	}
	phones, optouts, err := tx.residentContacts(ctx, msgs)
	if err != nil {
		return "", nil, err
	}
	emails, err := tx.residentEmails(ctx, msgs)
	if err != nil {
		return "", nil, err
	}
	addrs, err := tx.channelAddresses(ctx, msgs)
	if err != nil {
		return "", nil, err
	}
	var toSMS []int64 // WeChat messages falling back to SMS

	claim := newClaim()
	type change struct {
		status    wubu.MessageStatus
		notBefore time.Time
		err       string
	}
	changes := map[change][]int64{}
	var out []*notify.Outgoing
	var claimed []int64
	for _, m := range msgs {
		st := settings[m.ProjectID]
		o := &notify.Outgoing{ID: m.ID, ProjectID: m.ProjectID, Kind: m.Kind, Channel: m.Channel, Address: m.Address, Lang: "zh-CN", Vars: m.Vars,
			MessageID: notify.MessageIDFor(m.ProjectID, m.ID), Attempt: m.Attempts + 1, ObjectType: m.ObjectType, ObjectID: m.ObjectID}
		if quietChannel(m.Channel) && !m.Urgent {
			if end, quiet := quietUntil(st, now); quiet {
				c := change{status: wubu.MessageHeld, notBefore: end}
				changes[c] = append(changes[c], m.ID)
				continue
			}
		}
		skip := ""
		switch {
		case m.UserID != nil:
			c, ok := staff[*m.UserID]
			if !ok {
				skip = "Recipient account is disabled or gone."
				break
			}
			o.Lang = c.lang
			if o.Address == "" {
				switch m.Channel {
				case wubu.ChannelEmail:
					o.Address = c.email
				case wubu.ChannelSMS:
					o.Address = c.phone
				}
			}
		case m.PersonID != nil:
			if optouts[personKind{*m.PersonID, m.Kind}] {
				skip = "Resident opted out of this kind of message."
				break
			}
			if m.Channel == wubu.ChannelWeChat {
				if addrs.resolve(m, o, phones[*m.PersonID]) {
					toSMS = append(toSMS, m.ID)
				}
			} else if o.Address == "" && m.Channel == wubu.ChannelEmail {
				o.Address = emails[*m.PersonID]
			} else if o.Address == "" {
				o.Address = phones[*m.PersonID]
			}
		}
		if m.Channel == wubu.ChannelWeCom {
			addrs.resolve(m, o, "")
		}
		if m.Channel == wubu.ChannelWebhook {
			if o.Address == "" {
				o.Address = st.WebhookURL
			}
			o.WebhookSecret = st.WebhookSecret
		}
		if skip == "" && o.Address == "" && m.Channel != wubu.ChannelInbox {
			skip = "Recipient has no address for this channel."
		}
		if skip != "" {
			c := change{status: wubu.MessageSkipped, notBefore: m.NotBefore, err: skip}
			changes[c] = append(changes[c], m.ID)
			continue
		}
		if o.Subject, o.Body, err = notify.Render(m.Kind, o.Lang, localVars(o.Lang, m.Vars)); err != nil {
			c := change{status: wubu.MessageFailed, notBefore: m.NotBefore, err: err.Error()}
			changes[c] = append(changes[c], m.ID)
			continue
		}
		claimed = append(claimed, m.ID)
		out = append(out, o)
	}
	for c, ids := range changes {
		if err := tx.updateMessages(ctx, ids, `status = ?, not_before = ?, last_error = ?, lease_until = NULL, updated_at = ?`, string(c.status), c.notBefore, c.err, now); err != nil {
			return "", nil, err
		}
	}
	if len(toSMS) > 0 {
		if err := tx.updateMessages(ctx, toSMS, `channel = 'sms', updated_at = ?`, now); err != nil {
			return "", nil, err
		}
	}
	if len(claimed) > 0 {
		if err := tx.updateMessages(ctx, claimed, `status = 'sending', claim = ?, lease_until = ?, attempts = attempts + 1, updated_at = ?`,
			claim, now.Add(lease), now); err != nil {
			return "", nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return "", nil, err
	}
	return claim, out, nil
}

// updateMessages runs an UPDATE of the outbox rows with the IDs, 500 at a
// time; set's arguments come first.
func (tx *Tx) updateMessages(ctx context.Context, ids []int64, set string, args ...any) error {
	return tx.updateMessagesWhere(ctx, ids, set, args, "")
}

// updateMessagesWhere is updateMessages with a further condition and its
// arguments.
func (tx *Tx) updateMessagesWhere(ctx context.Context, ids []int64, set string, args []any, where string, whereArgs ...any) error {
	for len(ids) > 0 {
		batch := ids[:min(len(ids), 500)]
		ids = ids[len(batch):]
		a := slices.Clone(args)
		for _, id := range batch {
			a = append(a, id)
		}
		a = append(a, whereArgs...)
		if _, err := tx.exec(ctx, `UPDATE outbox SET `+set+` WHERE id IN (`+placeholders(len(batch))+`)`+where, a...); err != nil {
			return fmt.Errorf("update messages: %w", err)
		}
	}
	return nil
}

type staffContact struct{ email, phone, lang string }

// staffContacts returns the contacts of the active staff the messages are
// for.
func (tx *Tx) staffContacts(ctx context.Context, msgs []*wubu.Message) (map[int64]staffContact, error) {
	var ids []any
	seen := map[int64]bool{}
	for _, m := range msgs {
		if m.UserID != nil && !seen[*m.UserID] {
			seen[*m.UserID] = true
			ids = append(ids, *m.UserID)
		}
	}
	out := map[int64]staffContact{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := tx.query(ctx, `SELECT id, email, phone, lang FROM users WHERE disabled = FALSE AND id IN (`+placeholders(len(ids))+`)`, ids...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c staffContact
		if err := rows.Scan(&id, &c.email, &c.phone, &c.lang); err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, rows.Err()
}

type personKind struct {
	person int64
	kind   string
}

// residentContacts returns the first mobile number of each resident the
// messages are for, and their opt-outs.
func (tx *Tx) residentContacts(ctx context.Context, msgs []*wubu.Message) (map[int64]string, map[personKind]bool, error) {
	byProject := map[int64][]any{}
	seen := map[int64]bool{}
	for _, m := range msgs {
		if m.PersonID != nil && !seen[*m.PersonID] {
			seen[*m.PersonID] = true
			byProject[m.ProjectID] = append(byProject[m.ProjectID], *m.PersonID)
		}
	}
	phones := map[int64]string{}
	optouts := map[personKind]bool{}
	for project, ids := range byProject {
		args := append([]any{project}, ids...)
		rows, err := tx.query(ctx, `SELECT person_id, phone FROM person_phones WHERE project_id = ? AND person_id IN (`+placeholders(len(ids))+`) ORDER BY person_id, position`, args...)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var id int64
			var phone string
			if err := rows.Scan(&id, &phone); err != nil {
				rows.Close()
				return nil, nil, err
			}
			if phones[id] == "" {
				phones[id] = phone
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
		rows, err = tx.query(ctx, `SELECT person_id, kind FROM notify_optouts WHERE project_id = ? AND person_id IN (`+placeholders(len(ids))+`)`, args...)
		if err != nil {
			return nil, nil, err
		}
		for rows.Next() {
			var k personKind
			if err := rows.Scan(&k.person, &k.kind); err != nil {
				rows.Close()
				return nil, nil, err
			}
			optouts[k] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return phones, optouts, nil
}

// Finish records the outcome of a claim's messages; see notify.Store. A
// sent message is marked sent; a failed one is queued again after the
// backoff of its attempt (1 min, 5 min, 30 min, 2 h), or marked failed
// after notify.MaxAttempts attempts or a permanent error. Messages no
// longer held by the claim (their lease ran out and another sender took
// them) are left alone.
func (s *OutboxService) Finish(ctx context.Context, claim string, results []notify.Result) error {
	if len(results) == 0 {
		return nil
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := tx.now
	var sent []int64
	for _, r := range results {
		if r.Err == nil {
			sent = append(sent, r.ID)
		}
	}
	if err := tx.updateMessagesWhere(ctx, sent, `status = 'sent', sent_at = ?, lease_until = NULL, last_error = '', updated_at = ?`, []any{now, now},
		` AND status = 'sending' AND claim = ?`, claim); err != nil {
		return err
	}
	for _, r := range results {
		if r.Err == nil {
			continue
		}
		var attempts int
		if err := tx.queryRow(ctx, `SELECT attempts FROM outbox WHERE id = ? AND status = 'sending' AND claim = ?`, r.ID, claim).Scan(&attempts); errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return err
		}
		status, next := wubu.MessageQueued, now.Add(notify.Backoff(attempts))
		if notify.IsPermanent(r.Err) || attempts >= notify.MaxAttempts {
			status, next = wubu.MessageFailed, now
		}
		msg := r.Err.Error()
		if len(msg) > 500 {
			msg = msg[:500]
		}
		if _, err := tx.exec(ctx, `UPDATE outbox SET status = ?, not_before = ?, lease_until = NULL, last_error = ?, updated_at = ? WHERE id = ? AND claim = ?`,
			string(status), next, msg, now, r.ID, claim); err != nil {
			return fmt.Errorf("record failed message: %w", err)
		}
	}
	return tx.Commit()
}

// --- Staff: inbox and outbox screens ---

// render fills a message's subject and body in the language.
func render(m *wubu.Message, lang string) {
	subject, body, err := notify.Render(m.Kind, lang, localVars(lang, m.Vars))
	if err != nil {
		subject, body = m.Kind, err.Error()
	}
	m.Subject, m.Body = subject, body
}

// localVars names a message's object and promise in the reader's
// language: "工单 #3" and "上门" for a clock's "order 3" and "arrival".
func localVars(lang string, vars map[string]string) map[string]string {
	t, id := vars["object_type"], vars["object_id"]
	if t == "" || !i18n.Has("object:"+t) {
		return vars
	}
	out := maps.Clone(vars)
	out["object_label"] = i18n.T(lang, "object:"+t) + " #" + id
	if k := "deadline:" + vars["promise"]; i18n.Has(k) {
		out["promise"] = i18n.T(lang, k)
	}
	return out
}

// servedProjects returns the SQL condition restricting project_id to the
// user's projects, with its arguments; empty for admins.
func servedProjects(u *wubu.User) (string, []any) {
	if u.AllProjects() {
		return "", nil
	}
	if len(u.ProjectIDs) == 0 {
		return ` AND 1 = 0`, nil
	}
	args := make([]any, len(u.ProjectIDs))
	for i, id := range u.ProjectIDs {
		args[i] = id
	}
	return ` AND project_id IN (` + placeholders(len(args)) + `)`, args
}

// Inbox returns the signed-in user's inbox; see wubu.OutboxService.
func (s *OutboxService) Inbox(ctx context.Context, unreadOnly bool, offset, limit int) ([]*wubu.Message, int, error) {
	u, err := wubu.Authorize(ctx, wubu.PermSelf, 0)
	if err != nil {
		return nil, 0, err
	}
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	scope, args := servedProjects(u)
	where := `user_id = ? AND channel = 'inbox' AND status = 'sent'` + scope
	args = append([]any{u.ID}, args...)
	if unreadOnly {
		where += ` AND read_at IS NULL`
	}
	rows, err := s.db.query(ctx, `SELECT `+outboxColumns+`, COUNT(*) OVER() FROM outbox WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, limit, max(offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	total := 0
	msgs, err := scanMessages(rows, &total)
	if err != nil {
		return nil, 0, err
	}
	for _, m := range msgs {
		render(m, u.Lang)
	}
	return msgs, total, nil
}

// UnreadCount returns the signed-in user's unread inbox messages, one
// indexed count; see wubu.OutboxService.
func (s *OutboxService) UnreadCount(ctx context.Context) (int, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil || u.ID == 0 {
		return 0, nil
	}
	scope, args := servedProjects(u)
	var n int
	err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE user_id = ? AND channel = 'inbox' AND status = 'sent' AND read_at IS NULL`+scope,
		append([]any{u.ID}, args...)...).Scan(&n)
	return n, err
}

// MarkRead marks inbox messages read; see wubu.OutboxService.
func (s *OutboxService) MarkRead(ctx context.Context, id int64) (*wubu.Message, error) {
	u, err := wubu.Authorize(ctx, wubu.PermSelf, 0)
	if err != nil {
		return nil, err
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	scope, args := servedProjects(u)
	if id == 0 {
		if _, err := tx.exec(ctx, `UPDATE outbox SET read_at = ? WHERE user_id = ? AND channel = 'inbox' AND status = 'sent' AND read_at IS NULL`+scope,
			append([]any{tx.now, u.ID}, args...)...); err != nil {
			return nil, err
		}
		return nil, tx.Commit()
	}
	m, err := scanMessage(tx.queryRow(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = ? AND user_id = ? AND channel = 'inbox' AND status = 'sent'`+scope,
		append([]any{id, u.ID}, args...)...))
	if err != nil {
		return nil, err
	}
	if m.ReadAt == nil {
		now := tx.now
		if _, err := tx.exec(ctx, `UPDATE outbox SET read_at = ? WHERE project_id = ? AND id = ?`, now, m.ProjectID, m.ID); err != nil {
			return nil, err
		}
		m.ReadAt = &now
	}
	render(m, u.Lang)
	return m, tx.Commit()
}

// FindMessages lists a project's outbox; see wubu.OutboxService.
func (s *OutboxService) FindMessages(ctx context.Context, projectID int64, f wubu.MessageFilter) ([]*wubu.Message, int, error) {
	if projectID <= 0 {
		return nil, 0, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	u, err := wubu.Authorize(ctx, wubu.PermOutboxView, projectID)
	if err != nil {
		return nil, 0, err
	}
	where := []string{`project_id = ?`}
	args := []any{projectID}
	if f.Status != "" {
		if !slices.Contains(wubu.MessageStatuses, f.Status) {
			return nil, 0, wubu.FieldErrorf("status", wubu.EINVALID, "Status %q is not valid.", string(f.Status))
		}
		where, args = append(where, `status = ?`), append(args, string(f.Status))
	}
	if f.Channel != "" {
		if !slices.Contains(wubu.Channels, f.Channel) {
			return nil, 0, wubu.FieldErrorf("channel", wubu.EINVALID, "Channel %q is not valid.", string(f.Channel))
		}
		where, args = append(where, `channel = ?`), append(args, string(f.Channel))
	}
	if f.Kind != "" {
		where, args = append(where, `kind = ?`), append(args, f.Kind)
	}
	if r := strings.TrimSpace(f.Recipient); r != "" {
		if v, ok := strings.CutPrefix(r, "user:"); ok {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, 0, wubu.FieldErrorf("recipient", wubu.EINVALID, "Recipient %q is not valid: use user:ID, person:ID or an address.", r)
			}
			where, args = append(where, `user_id = ?`), append(args, id)
		} else if v, ok := strings.CutPrefix(r, "person:"); ok {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return nil, 0, wubu.FieldErrorf("recipient", wubu.EINVALID, "Recipient %q is not valid: use user:ID, person:ID or an address.", r)
			}
			where, args = append(where, `person_id = ?`), append(args, id)
		} else {
			// A name finds the staff members and the project's residents
			// of that name; anything else is an address.
			where = append(where, `(address = ? OR user_id IN (SELECT id FROM users WHERE name = ?)
				OR person_id IN (SELECT id FROM persons WHERE project_id = ? AND name = ?))`)
			args = append(args, r, r, projectID, r)
		}
	}
	if f.From != nil {
		where, args = append(where, `created_at >= ?`), append(args, f.From.UTC())
	}
	if f.To != nil {
		where, args = append(where, `created_at < ?`), append(args, f.To.UTC())
	}
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	rows, err := s.db.query(ctx, `SELECT `+outboxColumns+`, COUNT(*) OVER() FROM outbox WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, 0, err
	}
	total := 0
	msgs, err := scanMessages(rows, &total)
	if err != nil {
		return nil, 0, err
	}
	for _, m := range msgs {
		render(m, u.Lang)
	}
	return msgs, total, nil
}

// Resend queues a failed or skipped message again; see wubu.OutboxService.
func (s *OutboxService) Resend(ctx context.Context, id int64) (*wubu.Message, error) {
	if wubu.UserFromContext(ctx) == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	m, err := scanMessage(tx.queryRow(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	u, err := wubu.Authorize(ctx, wubu.PermOutboxManage, m.ProjectID)
	if wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Message not found.") // as for a missing one
	} else if err != nil {
		return nil, err
	}
	if m.Status != wubu.MessageFailed && m.Status != wubu.MessageSkipped {
		return nil, wubu.Errorf(wubu.ECONFLICT, "Only a failed or skipped message can be resent.")
	}
	before := struct {
		Status    wubu.MessageStatus `json:"status"`
		Attempts  int                `json:"attempts"`
		LastError string             `json:"last_error,omitempty"`
	}{m.Status, m.Attempts, m.LastError}
	now := tx.now
	if _, err := tx.exec(ctx, `UPDATE outbox SET status = 'queued', attempts = 0, not_before = ?, last_error = '', lease_until = NULL, updated_at = ? WHERE project_id = ? AND id = ?`,
		now, now, m.ProjectID, m.ID); err != nil {
		return nil, err
	}
	m.Status, m.Attempts, m.NotBefore, m.LastError, m.UpdatedAt = wubu.MessageQueued, 0, now, "", now
	after := map[string]any{"status": m.Status, "resend": true}
	if err := tx.audit(ctx, m.ProjectID, wubu.ActionUpdate, "message", m.ID, before, after); err != nil {
		return nil, err
	}
	render(m, u.Lang)
	return m, tx.Commit()
}

// OutboxSettings returns a project's delivery rules; see
// wubu.OutboxService.
func (s *OutboxService) OutboxSettings(ctx context.Context, projectID int64) (*wubu.OutboxSettings, error) {
	if projectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermOutboxView, projectID); err != nil {
		return nil, err
	}
	var one int
	if err := s.db.queryRow(ctx, `SELECT 1 FROM projects WHERE id = ?`, projectID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	st, err := readOutboxSettings(s.db.queryRow(ctx, `SELECT quiet_start, quiet_end, webhook_url, webhook_secret FROM outbox_settings WHERE project_id = ?`, projectID), projectID)
	if err != nil {
		return nil, err
	}
	st.WebhookSecret = ""
	return st, nil
}

// UpdateOutboxSettings stores a project's delivery rules; see
// wubu.OutboxService.
func (s *OutboxService) UpdateOutboxSettings(ctx context.Context, in wubu.OutboxSettings) (*wubu.OutboxSettings, error) {
	if in.ProjectID <= 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermSettingsEdit, in.ProjectID); err != nil {
		return nil, err
	}
	in.WebhookURL = strings.TrimSpace(in.WebhookURL)
	in.WebhookSecret = strings.TrimSpace(in.WebhookSecret)
	switch {
	case in.QuietStart < 0 || in.QuietStart >= 24*60:
		return nil, wubu.FieldErrorf("quiet_start", wubu.EINVALID, "Enter a time of day as 21:00.")
	case in.QuietEnd < 0 || in.QuietEnd >= 24*60:
		return nil, wubu.FieldErrorf("quiet_end", wubu.EINVALID, "Enter a time of day as 21:00.")
	}
	if in.WebhookURL != "" {
		u, err := url.Parse(in.WebhookURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(in.WebhookURL) > 500 {
			return nil, wubu.FieldErrorf("webhook_url", wubu.EINVALID, "Enter the webhook's address as https://….")
		}
	}
	if in.WebhookSecret != "" && (len(in.WebhookSecret) < 16 || len(in.WebhookSecret) > 200) {
		return nil, wubu.FieldErrorf("webhook_secret", wubu.EINVALID, "A webhook secret has 16 to 200 characters.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var one int
	if err := tx.queryRow(ctx, `SELECT 1 FROM projects WHERE id = ?`, in.ProjectID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	} else if err != nil {
		return nil, err
	}
	old, err := tx.outboxSettings(ctx, in.ProjectID)
	if err != nil {
		return nil, err
	}
	if in.WebhookSecret == "" {
		in.WebhookSecret = old.WebhookSecret
	}
	if in.WebhookURL != "" && in.WebhookSecret == "" {
		return nil, wubu.FieldErrorf("webhook_secret", wubu.EINVALID, "A webhook needs a secret to sign its messages.")
	}
	if _, err := tx.exec(ctx, `INSERT INTO outbox_settings (project_id, quiet_start, quiet_end, webhook_url, webhook_secret, updated_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (project_id) DO UPDATE SET quiet_start = excluded.quiet_start, quiet_end = excluded.quiet_end, webhook_url = excluded.webhook_url,
		webhook_secret = excluded.webhook_secret, updated_at = excluded.updated_at`,
		in.ProjectID, in.QuietStart, in.QuietEnd, in.WebhookURL, in.WebhookSecret, tx.now); err != nil {
		return nil, err
	}
	snap := func(st *wubu.OutboxSettings) map[string]any {
		return map[string]any{"quiet_start": st.QuietStart, "quiet_end": st.QuietEnd, "webhook_url": st.WebhookURL, "secret_changed": st.WebhookSecret != old.WebhookSecret}
	}
	if err := tx.audit(ctx, in.ProjectID, wubu.ActionUpdate, "outbox_settings", in.ProjectID, snap(old), snap(&in)); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	in.HasSecret = in.WebhookSecret != ""
	in.WebhookSecret = ""
	return &in, nil
}

// personProject returns the project of a resident.
func (s *OutboxService) personProject(ctx context.Context, personID int64) (int64, error) {
	var project int64
	if err := s.db.queryRow(ctx, `SELECT project_id FROM persons WHERE id = ?`, personID).Scan(&project); errors.Is(err, sql.ErrNoRows) {
		return 0, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.")
	} else if err != nil {
		return 0, err
	}
	return project, nil
}

// OptOuts returns the kinds a resident opted out of; see
// wubu.OutboxService.
func (s *OutboxService) OptOuts(ctx context.Context, personID int64) ([]string, error) {
	if wubu.UserFromContext(ctx) == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	project, err := s.personProject(ctx, personID)
	if err != nil {
		return nil, err
	}
	if u, err := wubu.Authorize(ctx, wubu.PermResidentView, project); wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Resident not found.") // as for a missing one
	} else if err != nil {
		return nil, err
	} else if !u.Sees(wubu.CardOptOuts) {
		return []string{}, nil
	}
	rows, err := s.db.query(ctx, `SELECT kind FROM notify_optouts WHERE project_id = ? AND person_id = ? ORDER BY kind`, project, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// SetOptOut records or withdraws a resident's opt-out; see
// wubu.OutboxService.
func (s *OutboxService) SetOptOut(ctx context.Context, personID int64, kind string, out bool) error {
	if wubu.UserFromContext(ctx) == nil {
		return wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	project, err := s.personProject(ctx, personID)
	if err != nil {
		return err
	}
	if u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, project); wubu.ErrorCode(err) == wubu.ENOTFOUND {
		return wubu.Errorf(wubu.ENOTFOUND, "Resident not found.") // as for a missing one
	} else if err != nil {
		return err
	} else if err := u.CheckCardEdit(wubu.CardOptOuts); err != nil {
		return err
	}
	if !notify.HasKind(kind) {
		return wubu.FieldErrorf("kind", wubu.EINVALID, "There is no message template of kind %q.", kind)
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var res sql.Result
	if out {
		res, err = tx.exec(ctx, `INSERT INTO notify_optouts (project_id, person_id, kind, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, project, personID, kind, tx.now)
	} else {
		res, err = tx.exec(ctx, `DELETE FROM notify_optouts WHERE project_id = ? AND person_id = ? AND kind = ?`, project, personID, kind)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		if err := tx.audit(ctx, project, wubu.ActionUpdate, "person", personID, map[string]any{"opt_out": kind, "out": !out}, map[string]any{"opt_out": kind, "out": out}); err != nil {
			return err
		}
	}
	return tx.Commit()
}
