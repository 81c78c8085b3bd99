package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
)

// VisitorPassService implements wubu.VisitorPassService: visitors invited
// by residents, their codes sent by SMS and checked at the gate.
type VisitorPassService struct {
	db  *DB
	run *runner
}

var _ wubu.VisitorPassService = (*VisitorPassService)(nil)

// NewVisitorPassService returns the visitor passes over db.
func NewVisitorPassService(db *DB) *VisitorPassService {
	return &VisitorPassService{db: db, run: newRunner(db, nil, nil)}
}

// visitorDaysAhead is how far ahead a visitor may be invited.
const visitorDaysAhead = 30

const visitorColumns = `v.id, v.project_id, v.room_id, r.label, v.person_id, COALESCE(p.name, ''), v.visitor_name, v.visitor_phone, v.visit_date, v.state, v.code,
	v.created_by, v.created_at, (SELECT COUNT(*) FROM visitor_pass_checks c WHERE c.pass_id = v.id AND c.allowed)`

const visitorFrom = ` FROM visitor_passes v
	JOIN rooms r ON r.project_id = v.project_id AND r.id = v.room_id
	LEFT JOIN persons p ON p.project_id = v.project_id AND p.id = v.person_id`

func scanVisitorPass(s interface{ Scan(...any) error }) (*wubu.VisitorPass, error) {
	v := &wubu.VisitorPass{}
	err := s.Scan(&v.ID, &v.ProjectID, &v.RoomID, &v.RoomLabel, &v.PersonID, &v.PersonName, &v.VisitorName, &v.VisitorPhone, &v.Date, &v.State, &v.Code,
		&v.CreatedBy, &v.CreatedAt, &v.Checks)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return v, err
}

// visitorPasses is how the life-cycle runner reads and writes visitor
// passes; each step is on the inviting resident's timeline.
var visitorPasses = &machine[*wubu.VisitorPass]{
	lc: wubu.VisitorPassLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.VisitorPass, error) {
		q := `SELECT ` + visitorColumns + visitorFrom + ` WHERE v.id = ?`
		if lock {
			q += tx.db.forUpdate("v")
		}
		return scanVisitorPass(tx.queryRow(ctx, q, id))
	},
	facts: func(v *wubu.VisitorPass) facts {
		return facts{ProjectID: v.ProjectID, ID: v.ID, State: v.State, Post: wubu.PostService, ReporterID: v.CreatedBy, PersonID: &v.PersonID}
	},
	setState: func(v *wubu.VisitorPass, s string) { v.State = s },
	insert: func(ctx context.Context, tx *Tx, v *wubu.VisitorPass) (err error) {
		v.ID, err = tx.insert(ctx, `INSERT INTO visitor_passes (project_id, room_id, person_id, visitor_name, visitor_phone, visit_date, state, code, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ProjectID, v.RoomID, v.PersonID, v.VisitorName, v.VisitorPhone, v.Date, v.State, v.Code, v.CreatedBy, v.CreatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, v *wubu.VisitorPass) error {
		_, err := tx.exec(ctx, `UPDATE visitor_passes SET state = ? WHERE project_id = ? AND id = ?`, v.State, v.ProjectID, v.ID)
		return err
	},
	clone: func(v *wubu.VisitorPass) *wubu.VisitorPass { c := *v; return &c },
	// The audit log keeps the visitor's number masked, and never the code.
	audit: func(v *wubu.VisitorPass) any {
		return map[string]any{"room": v.RoomLabel, "date": v.Date, "state": v.State, "visitor_name": v.VisitorName, "visitor_phone": cnformat.MaskPhone(v.VisitorPhone)}
	},
	timeline: func(v *wubu.VisitorPass, action string) (string, string) {
		kind := "visitor.invited"
		if action == wubu.VisitorCancel {
			kind = "visitor.cancelled"
		}
		return kind, v.Date + " " + v.VisitorName
	},
}

// InviteVisitorAs invites a visitor as a resident.
func (s *VisitorPassService) InviteVisitorAs(ctx context.Context, projectID, personID int64, v *wubu.VisitorPass) error {
	v.ProjectID, v.PersonID = projectID, personID
	return s.invite(ctx, v, nil)
}

// InviteVisitor invites a visitor for a resident who called.
func (s *VisitorPassService) InviteVisitor(ctx context.Context, v *wubu.VisitorPass) error {
	u, err := wubu.Authorize(ctx, wubu.PermResidentEdit, v.ProjectID)
	if err != nil {
		return err
	}
	return s.invite(ctx, v, u)
}

// newVisitorCode returns six digits.
func newVisitorCode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1000000))
	return fmt.Sprintf("%06d", n.Int64())
}

func (s *VisitorPassService) invite(ctx context.Context, v *wubu.VisitorPass, _ *wubu.User) error {
	v.VisitorName = strings.TrimSpace(v.VisitorName)
	if v.VisitorName == "" || utf8.RuneCountInString(v.VisitorName) > 40 {
		return wubu.FieldErrorf("visitor_name", wubu.EINVALID, "Name the visitor (at most %d characters).", 40)
	}
	phone, err := cnformat.NormalizeMobile(v.VisitorPhone)
	if err != nil {
		return wubu.FieldErrorf("visitor_phone", wubu.EINVALID, "Enter the visitor's mobile number (11 digits, starting with 1).")
	}
	v.VisitorPhone = phone
	// A resident on the portal invites only as themselves.
	if id := wubu.PortalIdentityFromContext(ctx); id != nil && (id.PersonID != v.PersonID || id.ProjectID != v.ProjectID) {
		return wubu.FieldErrorf("room_id", wubu.ENOTFOUND, "Not found.")
	}
	var projectName string
	_, err = runCreate(ctx, s.run, visitorPasses, v.ProjectID, wubu.VisitorInvite, v, func(ctx context.Context, tx *Tx, v *wubu.VisitorPass, u *wubu.User) (string, error) {
		today := tx.now.In(cst)
		day, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v.Date), cst)
		first := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, cst)
		if err != nil || day.Before(first) || day.After(first.AddDate(0, 0, visitorDaysAhead)) {
			return "", wubu.FieldErrorf("date", wubu.EINVALID, "Choose the day of the visit: today or within %d days.", visitorDaysAhead)
		}
		v.Date = day.Format("2006-01-02")
		// The room must be one the resident lives in.
		err = tx.queryRow(ctx, `SELECT r.label, p.name, pj.name FROM households h JOIN rooms r ON r.project_id = h.project_id AND r.id = h.room_id
			JOIN persons p ON p.project_id = h.project_id AND p.id = h.person_id JOIN projects pj ON pj.id = h.project_id
			WHERE h.project_id = ? AND h.room_id = ? AND h.person_id = ? AND h.move_out = ''`, v.ProjectID, v.RoomID, v.PersonID).Scan(&v.RoomLabel, &v.PersonName, &projectName)
		if errors.Is(err, sql.ErrNoRows) {
			return "", wubu.FieldErrorf("room_id", wubu.ENOTFOUND, "Not found.")
		} else if err != nil {
			return "", err
		}
		// A fresh code not in use in the project.
		for range 20 {
			v.Code = newVisitorCode()
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM visitor_passes WHERE project_id = ? AND code = ?`, v.ProjectID, v.Code).Scan(&n); err != nil {
				return "", err
			}
			if n == 0 {
				break
			}
		}
		// Staff invite under their own name; the portal's steps under its account.
		v.CreatedAt = tx.now
		if u.Role != wubu.RoleResident {
			v.CreatedBy = actorID(u)
		}
		return "", nil
	}, func(ctx context.Context, tx *Tx, v *wubu.VisitorPass, _ *wubu.User) (string, error) {
		// The code goes to the visitor by SMS.
		id := strconv.FormatInt(v.ID, 10)
		return "", tx.notify(ctx, []wubu.Notification{{ProjectID: v.ProjectID, Kind: "visitor_pass", Channel: wubu.ChannelSMS, To: wubu.Recipient{Address: v.VisitorPhone},
			Vars:     map[string]string{"project": projectName, "resident": maskName(v.PersonName), "room": v.RoomLabel, "date": v.Date, "code": v.Code},
			DedupKey: "visitor_pass:" + id, ObjectType: "visitor_pass", ObjectID: id, Urgent: true}})
	})
	return err
}

// CancelMyVisitorPass cancels a pass of the resident signed in to the
// portal, of one of their rooms, before its day is over.
func (s *VisitorPassService) CancelMyVisitorPass(ctx context.Context, passID int64) (*wubu.VisitorPass, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	var n int
	if err := s.db.queryRow(ctx, `SELECT COUNT(*) FROM visitor_passes WHERE project_id = ? AND id = ? AND person_id = ?`, id.ProjectID, passID, id.PersonID).Scan(&n); err != nil {
		return nil, err
	} else if n == 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return runStep(ctx, s.run, visitorPasses, passID, wubu.VisitorCancel, func(ctx context.Context, tx *Tx, v *wubu.VisitorPass, _ *wubu.User) (string, error) {
		if v.PersonID != id.PersonID {
			return "", wubu.Errorf(wubu.ENOTFOUND, "Not found.")
		}
		if v.Date < tx.now.In(cst).Format("2006-01-02") {
			return "", wubu.Errorf(wubu.ECONFLICT, "The day of this visit is over.")
		}
		return "", nil
	})
}

// FindVisitorPassesOf lists a resident's passes from a day on.
func (s *VisitorPassService) FindVisitorPassesOf(ctx context.Context, projectID, personID int64, from wubu.Date) ([]*wubu.VisitorPass, error) {
	return s.find(ctx, `v.project_id = ? AND v.person_id = ? AND v.visit_date >= ? ORDER BY v.visit_date, v.id`, projectID, personID, from)
}

// FindVisitorPasses lists a project's passes of a day for staff.
func (s *VisitorPassService) FindVisitorPasses(ctx context.Context, projectID int64, day wubu.Date) ([]*wubu.VisitorPass, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermSecurityView, projectID); err != nil {
		return nil, err
	}
	list, err := s.find(ctx, `v.project_id = ? AND v.visit_date = ? ORDER BY r.label, v.id`, projectID, day)
	for _, v := range list {
		v.Code, v.VisitorPhone = "", cnformat.MaskPhone(v.VisitorPhone)
	}
	return list, err
}

func (s *VisitorPassService) find(ctx context.Context, where string, args ...any) ([]*wubu.VisitorPass, error) {
	rows, err := s.db.query(ctx, `SELECT `+visitorColumns+visitorFrom+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*wubu.VisitorPass{}
	for rows.Next() {
		v, err := scanVisitorPass(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// The answers refusing a visitor at the gate (catalogue keys).
const (
	msgVisitorUnknown   = "No visitor was invited with this code."
	msgVisitorRoom      = "This code was given for room %s, not for this room."
	msgVisitorDay       = "This code is valid on %s, not today."
	msgVisitorCancelled = "The resident cancelled this visit."
)

// CheckVisitor checks a code at the gate and logs the check.
func (s *VisitorPassService) CheckVisitor(ctx context.Context, projectID int64, code, room string) (*wubu.VisitorCheck, error) {
	u, err := wubu.Authorize(ctx, wubu.PermSecurityEdit, projectID)
	if err != nil {
		return nil, err
	}
	code = strings.TrimSpace(code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return nil, wubu.FieldErrorf("code", wubu.EINVALID, "Enter the visitor's six-digit code.")
	}
	c := &wubu.VisitorCheck{Code: code}
	if strings.TrimSpace(room) != "" {
		ref, err := cnformat.ParseRoom(room)
		if err != nil {
			return nil, fieldErr("room", err)
		}
		c.Room = ref.String()
	}
	if c.Room == "" {
		return nil, wubu.FieldErrorf("room", wubu.EINVALID, "Enter the room the visitor is going to.")
	}
	tx, err := s.db.BeginTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	c.At = tx.now
	today := tx.now.In(cst).Format("2006-01-02")
	c.Pass, err = scanVisitorPass(tx.queryRow(ctx, `SELECT `+visitorColumns+visitorFrom+` WHERE v.project_id = ? AND v.code = ?`, projectID, code))
	switch {
	case wubu.ErrorCode(err) == wubu.ENOTFOUND:
		c.Pass, c.Reason = nil, msgVisitorUnknown
	case err != nil:
		return nil, err
	case c.Pass.State == wubu.VisitorCancelled:
		c.Reason = msgVisitorCancelled
	case c.Pass.RoomLabel != c.Room:
		c.Reason, c.Args = msgVisitorRoom, []any{c.Pass.RoomLabel}
	case c.Pass.Date != today:
		c.Reason, c.Args = msgVisitorDay, []any{c.Pass.Date}
	default:
		c.Allowed = true
	}
	var passID *int64
	if c.Pass != nil {
		passID = &c.Pass.ID
		c.Pass.Code, c.Pass.VisitorPhone = "", cnformat.MaskPhone(c.Pass.VisitorPhone)
	}
	if c.ID, err = tx.insert(ctx, `INSERT INTO visitor_pass_checks (project_id, pass_id, code, room, allowed, reason, checked_by, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		projectID, passID, code, c.Room, c.Allowed, c.Reason, actorID(u), c.At); err != nil {
		return nil, err
	}
	return c, tx.Commit()
}
