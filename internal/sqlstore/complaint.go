package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wubu-oss/wubu"
)

// ComplaintService implements wubu.ComplaintService: complaints (U4) through
// their life cycle, with the clocks of their lane.
type ComplaintService struct {
	db  *DB
	run *runner
}

var _ wubu.ComplaintService = (*ComplaintService)(nil)

// NewComplaintService returns the complaint service over db; the
// complaints' clocks are armed on clocks, their notices queued in the
// store's outbox.
func NewComplaintService(db *DB, clocks wubu.ClockService) *ComplaintService {
	return &ComplaintService{db: db, run: newRunner(db, clocks, nil)}
}

const complaintColumns = `c.id, c.project_id, c.channel, c.category, c.severity, c.person_id, COALESCE(p.name, ''), c.building_id, COALESCE(b.name, ''),
	c.description, c.wish, c.marked, c.fast, c.points, c.state, c.received_by, ru.name, c.received_at, c.acknowledged_by, c.acknowledged_at,
	c.team, c.assignee_id, COALESCE(au.name, ''), c.assigned_at, c.handled_by, COALESCE(hu.name, ''), c.handled_at, c.handle_note,
	c.replied_at, c.reply_note, c.revisited_by, c.revisited_at, c.revisit_note, c.reopens, c.closed_at, c.updated_at`

const complaintFrom = ` FROM complaints c
	LEFT JOIN persons p ON p.project_id = c.project_id AND p.id = c.person_id
	LEFT JOIN buildings b ON b.project_id = c.project_id AND b.id = c.building_id
	JOIN users ru ON ru.id = c.received_by
	LEFT JOIN users au ON au.id = c.assignee_id
	LEFT JOIN users hu ON hu.id = c.handled_by`

// complaintDue joins, as d, the complaint's running clock: at most one
// runs at a time (acknowledge, then handle, of its lane).
const complaintDue = ` LEFT JOIN deadlines d ON d.project_id = c.project_id AND d.object_type = 'complaint' AND d.object_id = CAST(c.id AS TEXT)
	AND d.state IN ('armed', 'warned', 'breached', 'escalated')`

func scanComplaint(s interface{ Scan(...any) error }, extra ...any) (*wubu.Complaint, error) {
	c := &wubu.Complaint{}
	err := s.Scan(append([]any{&c.ID, &c.ProjectID, &c.Channel, &c.Category, &c.Severity, &c.PersonID, &c.PersonName, &c.BuildingID, &c.BuildingName,
		&c.Description, &c.Wish, &c.Marked, &c.Fast, &c.Points, &c.State, &c.ReceivedBy, &c.ReceiverName, &c.ReceivedAt, &c.AcknowledgedBy, &c.AcknowledgedAt,
		&c.Team, &c.AssigneeID, &c.AssigneeName, &c.AssignedAt, &c.HandledBy, &c.HandlerName, &c.HandledAt, &c.HandleNote,
		&c.RepliedAt, &c.ReplyNote, &c.RevisitedBy, &c.RevisitedAt, &c.RevisitNote, &c.Reopens, &c.ClosedAt, &c.UpdatedAt}, extra...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return c, err
}

// scanComplaintDue scans a complaint and its running clock's due time.
func scanComplaintDue(s interface{ Scan(...any) error }, now time.Time, extra ...any) (*wubu.Complaint, error) {
	var due sql.NullTime
	c, err := scanComplaint(s, append([]any{&due}, extra...)...)
	if err != nil {
		return nil, err
	}
	if due.Valid {
		t := due.Time
		c.DueAt, c.Overdue = &t, now.After(t)
	}
	return c, nil
}

// complaints is how the life-cycle runner reads and writes complaints.
var complaints = &machine[*wubu.Complaint]{
	lc: wubu.ComplaintLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.Complaint, error) {
		q := `SELECT ` + complaintColumns + complaintFrom + ` WHERE c.id = ?`
		if lock {
			q += tx.db.forUpdate("c")
		}
		return scanComplaint(tx.queryRow(ctx, q, id))
	},
	facts: func(c *wubu.Complaint) facts {
		post := c.Team
		if post == "" {
			post = wubu.PostService
		}
		return facts{ProjectID: c.ProjectID, ID: c.ID, State: string(c.State), Post: post, AssigneeID: c.AssigneeID, AssigneeName: c.AssigneeName,
			ReporterID: &c.ReceivedBy, PersonID: c.PersonID}
	},
	setState: func(c *wubu.Complaint, s string) { c.State = wubu.ComplaintState(s) },
	insert: func(ctx context.Context, tx *Tx, c *wubu.Complaint) (err error) {
		c.ID, err = tx.insert(ctx, `INSERT INTO complaints (project_id, channel, category, severity, person_id, building_id, description, wish, marked, fast, points,
			state, received_by, received_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ProjectID, c.Channel, c.Category, c.Severity, c.PersonID, c.BuildingID, c.Description, c.Wish, c.Marked, c.Fast, c.Points,
			c.State, c.ReceivedBy, c.ReceivedAt, c.UpdatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, c *wubu.Complaint) error {
		_, err := tx.exec(ctx, `UPDATE complaints SET state = ?, acknowledged_by = ?, acknowledged_at = ?, team = ?, assignee_id = ?, assigned_at = ?,
			handled_by = ?, handled_at = ?, handle_note = ?, replied_at = ?, reply_note = ?, revisited_by = ?, revisited_at = ?, revisit_note = ?,
			reopens = ?, closed_at = ?, updated_at = ? WHERE project_id = ? AND id = ?`,
			c.State, c.AcknowledgedBy, c.AcknowledgedAt, c.Team, c.AssigneeID, c.AssignedAt, c.HandledBy, c.HandledAt, c.HandleNote,
			c.RepliedAt, c.ReplyNote, c.RevisitedBy, c.RevisitedAt, c.RevisitNote, c.Reopens, c.ClosedAt, tx.now, c.ProjectID, c.ID)
		return err
	},
	clone: func(c *wubu.Complaint) *wubu.Complaint { x := *c; return &x },
	audit: func(c *wubu.Complaint) any {
		return map[string]any{"state": c.State, "category": c.Category, "fast": c.Fast, "team": c.Team, "assignee_id": c.AssigneeID,
			"handle_note": c.HandleNote, "reply_note": c.ReplyNote, "revisit_note": c.RevisitNote}
	},
	timeline: func(c *wubu.Complaint, action string) (string, string) {
		switch action {
		case wubu.ComplaintReceive:
			return "", c.Description
		case wubu.ComplaintHandle:
			return "", c.HandleNote
		case wubu.ComplaintReply:
			return "", c.ReplyNote
		case wubu.ComplaintRevisit, wubu.ComplaintReopen:
			return "complaint." + action, c.RevisitNote
		case wubu.ComplaintClose:
			return "", "#" + strconv.FormatInt(c.ID, 10)
		}
		return "", ""
	},
	vars: func(c *wubu.Complaint) map[string]string {
		return map[string]string{"complaint": strconv.FormatInt(c.ID, 10), "person": c.PersonName, "building": c.BuildingName,
			"description": c.Description, "revisit": c.RevisitNote}
	},
	when: func(c *wubu.Complaint, cond string) (bool, bool) {
		switch cond {
		case wubu.ComplaintFastLane:
			return c.Fast, true
		case wubu.ComplaintOrdinary:
			return !c.Fast, true
		}
		return false, false
	},
	// The spans are the project's settings; the category says whether
	// they count working or calendar time.
	tune: func(ctx context.Context, tx *Tx, c *wubu.Complaint, req *wubu.ArmRequest) error {
		set, err := readComplaintSettings(ctx, tx, c.ProjectID)
		if err != nil {
			return err
		}
		minutes := map[string]int{"acknowledge": set.AckMinutes, "handle": set.HandleMinutes,
			"acknowledge_fast": set.FastAckMinutes, "handle_fast": set.FastHandleMinutes}[req.Kind]
		if minutes > 0 {
			req.After = time.Duration(minutes) * time.Minute
		}
		req.Working = slices.Contains(set.WorkingCategories, c.Category)
		if req.WarnBefore >= req.After {
			req.WarnBefore = req.After / 3
		}
		return nil
	},
}

// ReceiveComplaint records a complaint with its photos and decides its
// lane: marked important by the desk, or of a resident whose importance
// level or index reaches the project's setting. Points never decide it.
func (s *ComplaintService) ReceiveComplaint(ctx context.Context, c *wubu.Complaint, photos ...*wubu.Photo) error {
	if _, err := authorizeAction(ctx, wubu.ComplaintLifecycle, wubu.ComplaintReceive, c.ProjectID); err != nil {
		return err
	}
	c.Description, c.Wish = strings.TrimSpace(c.Description), strings.TrimSpace(c.Wish)
	if c.Channel == "" {
		c.Channel = wubu.ComplaintAtDesk
	}
	if c.Severity == "" {
		c.Severity = wubu.SeverityMedium
	}
	switch {
	case !c.Channel.Valid():
		return wubu.FieldErrorf("channel", wubu.EINVALID, "Choose how the complaint came in.")
	case !c.Category.Valid():
		return wubu.FieldErrorf("category", wubu.EINVALID, "Choose what the complaint is about.")
	case !c.Severity.Valid():
		return wubu.FieldErrorf("severity", wubu.EINVALID, "Choose how serious the complaint is.")
	case c.Description == "" || len([]rune(c.Description)) > 2000:
		return wubu.FieldErrorf("description", wubu.EINVALID, "Describe the complaint (at most %d characters).", 2000)
	case len([]rune(c.Wish)) > 500:
		return wubu.FieldErrorf("wish", wubu.EINVALID, "The resident's wish may be at most %d characters.", 500)
	case len(photos) > 6:
		return wubu.FieldErrorf("photo", wubu.EINVALID, "At most %d photos.", 6)
	}
	for _, p := range photos {
		if err := checkPhoto(p, "photo"); err != nil {
			return err
		}
	}
	_, err := runCreate(ctx, s.run, complaints, c.ProjectID, wubu.ComplaintReceive, c, func(ctx context.Context, tx *Tx, c *wubu.Complaint, u *wubu.User) (string, error) {
		set, err := readComplaintSettings(ctx, tx, c.ProjectID)
		if err != nil {
			return "", err
		}
		c.Fast = c.Marked
		if c.PersonID != nil {
			var level, index int
			err := tx.queryRow(ctx, `SELECT name, importance, importance_index FROM persons WHERE project_id = ? AND id = ?`, c.ProjectID, *c.PersonID).
				Scan(&c.PersonName, &level, &index)
			if errors.Is(err, sql.ErrNoRows) {
				return "", wubu.FieldErrorf("person_id", wubu.ENOTFOUND, "Resident not found.")
			} else if err != nil {
				return "", err
			}
			c.Fast = c.Fast || set.ImportanceLevel > 0 && level >= set.ImportanceLevel || set.ImportanceIndex > 0 && index >= set.ImportanceIndex
			if c.BuildingID == nil {
				// The resident's building, from their home.
				var b sql.NullInt64
				if err := tx.queryRow(ctx, `SELECT MIN(r.building_id) FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
					WHERE h.project_id = ? AND h.person_id = ? AND h.move_out = ''`, c.ProjectID, *c.PersonID).Scan(&b); err != nil {
					return "", err
				}
				if b.Valid {
					c.BuildingID = &b.Int64
				}
			}
		}
		if c.BuildingID != nil {
			err := tx.queryRow(ctx, `SELECT name FROM buildings WHERE project_id = ? AND id = ?`, c.ProjectID, *c.BuildingID).Scan(&c.BuildingName)
			if errors.Is(err, sql.ErrNoRows) {
				return "", wubu.FieldErrorf("building_id", wubu.ENOTFOUND, "Building not found.")
			} else if err != nil {
				return "", err
			}
		}
		c.Points = c.Category.Points(c.Severity)
		c.ReceivedBy, c.ReceiverName, c.ReceivedAt, c.UpdatedAt = u.ID, u.Name, tx.now, tx.now
		return "", nil
	}, func(ctx context.Context, tx *Tx, c *wubu.Complaint, u *wubu.User) (string, error) {
		for _, p := range photos {
			if err := addPhoto(ctx, tx, c.ProjectID, "complaint", c.ID, wubu.PhotoFound, p); err != nil {
				return "", err
			}
		}
		return "", nil
	})
	return err
}

// note checks a step's note: required or not, at most 1,000 characters.
func complaintNote(note string, required bool, msg string) (string, error) {
	note = strings.TrimSpace(note)
	if len([]rune(note)) > 1000 {
		return "", wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 1000)
	}
	if required && note == "" {
		return "", wubu.FieldErrorf("note", wubu.EINVALID, msg)
	}
	return note, nil
}

// complaintStep takes a step and returns the complaint as it is after it.
func (s *ComplaintService) complaintStep(ctx context.Context, id int64, action string, fn stepFunc[*wubu.Complaint]) (*wubu.Complaint, error) {
	if _, err := runStep(ctx, s.run, complaints, id, action, fn); err != nil {
		return nil, err
	}
	return s.FindComplaint(ctx, id)
}

// AcknowledgeComplaint stops the acknowledgement clock.
func (s *ComplaintService) AcknowledgeComplaint(ctx context.Context, id int64, note string) (*wubu.Complaint, error) {
	return s.complaintStep(ctx, id, wubu.ComplaintAcknowledge, func(ctx context.Context, tx *Tx, c *wubu.Complaint, u *wubu.User) (string, error) {
		note, err := complaintNote(note, false, "")
		c.AcknowledgedBy, c.AcknowledgedAt = &u.ID, &tx.now
		return note, err
	})
}

// AssignComplaint gives the complaint to a post's team, and optionally one
// of its members, and arms the handling clock.
func (s *ComplaintService) AssignComplaint(ctx context.Context, id int64, team wubu.Post, assigneeID *int64) (*wubu.Complaint, error) {
	return s.complaintStep(ctx, id, wubu.ComplaintAssign, func(ctx context.Context, tx *Tx, c *wubu.Complaint, u *wubu.User) (string, error) {
		if !team.Valid() || team == wubu.PostNone {
			return "", wubu.FieldErrorf("team", wubu.EINVALID, "Choose the team that handles the complaint.")
		}
		c.Team, c.AssigneeID, c.AssigneeName, c.AssignedAt = team, nil, "", &tx.now
		if assigneeID != nil {
			var post wubu.Post
			err := tx.queryRow(ctx, `SELECT u.post, u.name FROM users u JOIN user_projects up ON up.user_id = u.id AND up.project_id = ? WHERE u.id = ? AND NOT u.disabled`,
				c.ProjectID, *assigneeID).Scan(&post, &c.AssigneeName)
			if err != nil || post != team {
				return "", wubu.FieldErrorf("assignee_id", wubu.EINVALID, "Choose a member of that team who serves this project.")
			}
			c.AssigneeID = assigneeID
		}
		return string(team), nil
	})
}

// HandleComplaint records how the complaint was handled: by a member of
// its team, or one who leads it.
func (s *ComplaintService) HandleComplaint(ctx context.Context, id int64, note string) (*wubu.Complaint, error) {
	return s.complaintStep(ctx, id, wubu.ComplaintHandle, func(ctx context.Context, tx *Tx, c *wubu.Complaint, u *wubu.User) (string, error) {
		if u.Post != c.Team && !leads(u, wubu.PermOrderDispatch, c.Team) {
			return "", wubu.Errorf(wubu.EFORBIDDEN, "Only the team the complaint is assigned to may record how it was handled.")
		}
		note, err := complaintNote(note, true, "Say how the complaint was handled.")
		c.HandledBy, c.HandledAt, c.HandleNote = &u.ID, &tx.now, note
		return note, err
	})
}

// ReplyComplaint records the reply given to the resident.
func (s *ComplaintService) ReplyComplaint(ctx context.Context, id int64, note string) (*wubu.Complaint, error) {
	return s.complaintStep(ctx, id, wubu.ComplaintReply, func(ctx context.Context, tx *Tx, c *wubu.Complaint, u *wubu.User) (string, error) {
		note, err := complaintNote(note, true, "Say what the resident was told.")
		c.RepliedAt, c.ReplyNote = &tx.now, note
		return note, err
	})
}

// RevisitComplaint records the revisit; a resident not satisfied reopens
// the complaint to its team with a new handling clock.
func (s *ComplaintService) RevisitComplaint(ctx context.Context, id int64, satisfied bool, note string) (*wubu.Complaint, error) {
	action, fn := revisitStep(satisfied, note)
	return s.complaintStep(ctx, id, action, fn)
}

// revisitStep is the step of a revisit's answer: revisited, or reopened to
// the team when the resident is not satisfied.
func revisitStep(satisfied bool, note string) (string, stepFunc[*wubu.Complaint]) {
	action := wubu.ComplaintRevisit
	if !satisfied {
		action = wubu.ComplaintReopen
	}
	return action, func(ctx context.Context, tx *Tx, c *wubu.Complaint, u *wubu.User) (string, error) {
		note, err := complaintNote(note, !satisfied, "Say what the resident is still not satisfied with.")
		c.RevisitedBy, c.RevisitedAt, c.RevisitNote = &u.ID, &tx.now, note
		if !satisfied {
			c.Reopens++
			c.HandledBy, c.HandledAt, c.RepliedAt = nil, nil, nil
		}
		return note, err
	}
}

// CloseComplaint closes a revisited complaint.
func (s *ComplaintService) CloseComplaint(ctx context.Context, id int64) (*wubu.Complaint, error) {
	return s.complaintStep(ctx, id, wubu.ComplaintClose, func(ctx context.Context, tx *Tx, c *wubu.Complaint, u *wubu.User) (string, error) {
		c.ClosedAt = &tx.now
		return "", nil
	})
}

// LinkComplaint links a complaint to an order, hazard or parking problem of
// its project.
func (s *ComplaintService) LinkComplaint(ctx context.Context, id int64, l wubu.ComplaintLink) (*wubu.Complaint, error) {
	c, err := s.FindComplaint(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentEdit, c.ProjectID); err != nil {
		return nil, err
	}
	table := map[string]string{"order": "orders", "hazard": "hazards", "parking_problem": "parking_problems"}[l.ObjectType]
	if table == "" {
		return nil, wubu.FieldErrorf("object_type", wubu.EINVALID, "Link a work order, a hazard or a parking problem.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE project_id = ? AND id = ?`, c.ProjectID, l.ObjectID).Scan(&n); err != nil {
		return nil, err
	} else if n == 0 {
		return nil, wubu.FieldErrorf("object_id", wubu.ENOTFOUND, "No such %s in this project.", l.ObjectType)
	}
	if _, err := tx.exec(ctx, `DELETE FROM complaint_links WHERE project_id = ? AND complaint_id = ? AND object_type = ? AND object_id = ?`,
		c.ProjectID, id, l.ObjectType, l.ObjectID); err != nil {
		return nil, err
	}
	u := wubu.UserFromContext(ctx)
	if _, err := tx.exec(ctx, `INSERT INTO complaint_links (project_id, complaint_id, object_type, object_id, linked_by, linked_at) VALUES (?, ?, ?, ?, ?, ?)`,
		c.ProjectID, id, l.ObjectType, l.ObjectID, u.ID, tx.now); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, c.ProjectID, wubu.ActionUpdate, "complaint", id, nil, l); err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return s.FindComplaint(ctx, id)
}

// FindComplaint returns a complaint with its photos and links.
func (s *ComplaintService) FindComplaint(ctx context.Context, id int64) (*wubu.Complaint, error) {
	c, err := scanComplaintDue(s.db.queryRow(ctx, `SELECT `+complaintColumns+`, d.due_at`+complaintFrom+complaintDue+` WHERE c.id = ?`, id), s.db.now())
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, c.ProjectID); err != nil {
		return nil, err
	}
	return s.withLinks(ctx, c)
}

// withLinks reads a complaint's photos and links (its reader authorized).
func (s *ComplaintService) withLinks(ctx context.Context, c *wubu.Complaint) (*wubu.Complaint, error) {
	id := c.ID
	var err error
	if c.Photos, err = photos(ctx, s.db, c.ProjectID, "complaint", id); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT object_type, object_id FROM complaint_links WHERE project_id = ? AND complaint_id = ? ORDER BY linked_at, object_type, object_id`, c.ProjectID, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		l := &wubu.ComplaintLink{}
		if err := rows.Scan(&l.ObjectType, &l.ObjectID); err != nil {
			return nil, err
		}
		c.Links = append(c.Links, l)
	}
	return c, rows.Err()
}

// FindComplaintPhoto returns a photo of a complaint.
func (s *ComplaintService) FindComplaintPhoto(ctx context.Context, id, photoID int64) (*wubu.Photo, error) {
	c, err := s.FindComplaint(ctx, id)
	if err != nil {
		return nil, err
	}
	return photo(ctx, s.db, c.ProjectID, "complaint", id, photoID)
}

// FindComplaints lists a project's complaints, newest first.
func (s *ComplaintService) FindComplaints(ctx context.Context, projectID int64, f wubu.ComplaintFilter) ([]*wubu.Complaint, int, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, 0, err
	}
	now := s.db.now()
	where, args := []string{"c.project_id = ?"}, []any{projectID}
	add := func(cond string, v ...any) { where, args = append(where, cond), append(args, v...) }
	if f.State != "" {
		add("c.state = ?", f.State)
	}
	if f.Open {
		add("c.state <> ?", wubu.ComplaintClosed)
	}
	if f.Category != "" {
		add("c.category = ?", f.Category)
	}
	if f.Fast != nil {
		add("c.fast = ?", *f.Fast)
	}
	if f.BuildingID != nil {
		add("c.building_id = ?", *f.BuildingID)
	}
	if f.PersonID != nil {
		add("c.person_id = ?", *f.PersonID)
	}
	if f.Overdue {
		add("d.due_at < ?", now)
	}
	limit := f.Limit
	if limit <= 0 || limit > 5000 {
		limit = 50
	}
	rows, err := s.db.query(ctx, `SELECT `+complaintColumns+`, d.due_at, COUNT(*) OVER()`+complaintFrom+complaintDue+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY c.received_at DESC, c.id DESC LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []*wubu.Complaint{}
	total := 0
	for rows.Next() {
		c, err := scanComplaintDue(rows, now, &total)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}
