package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/cnformat"
	"github.com/wubu-oss/wubu/internal/notify"
)

// The desk's queue of residents' change requests (wubu.PortalChanges),
// on the portal's service.

var _ wubu.PortalChanges = (*PortalService)(nil)

const changeColumns = `c.id, c.project_id, c.person_id, p.name, c.kind, c.value, c.old, c.note, c.state, c.created_at, c.decided_by, COALESCE(u.name, ''),
	c.decided_at, c.decision_note`

const changeFrom = ` FROM portal_changes c JOIN persons p ON p.project_id = c.project_id AND p.id = c.person_id LEFT JOIN users u ON u.id = c.decided_by`

func scanChange(s interface{ Scan(...any) error }) (*wubu.PortalChange, error) {
	c := &wubu.PortalChange{}
	err := s.Scan(&c.ID, &c.ProjectID, &c.PersonID, &c.PersonName, &c.Kind, &c.Value, &c.Old, &c.Note, &c.State, &c.CreatedAt, &c.DecidedBy, &c.DeciderName,
		&c.DecidedAt, &c.DecisionNote)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return c, err
}

// changes is how the life-cycle runner reads and writes change requests.
var changes = &machine[*wubu.PortalChange]{
	lc: wubu.PortalChangeLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.PortalChange, error) {
		q := `SELECT ` + changeColumns + changeFrom + ` WHERE c.id = ?`
		if lock {
			q += tx.db.forUpdate("c")
		}
		return scanChange(tx.queryRow(ctx, q, id))
	},
	facts: func(c *wubu.PortalChange) facts {
		return facts{ProjectID: c.ProjectID, ID: c.ID, State: c.State, Post: wubu.PostService, PersonID: &c.PersonID}
	},
	setState: func(c *wubu.PortalChange, s string) { c.State = s },
	insert: func(ctx context.Context, tx *Tx, c *wubu.PortalChange) (err error) {
		c.ID, err = tx.insert(ctx, `INSERT INTO portal_changes (project_id, person_id, kind, value, old, note, state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ProjectID, c.PersonID, c.Kind, c.Value, c.Old, c.Note, c.State, c.CreatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, c *wubu.PortalChange) error {
		_, err := tx.exec(ctx, `UPDATE portal_changes SET state = ?, decided_by = ?, decided_at = ?, decision_note = ? WHERE project_id = ? AND id = ?`,
			c.State, c.DecidedBy, c.DecidedAt, c.DecisionNote, c.ProjectID, c.ID)
		return err
	},
	clone: func(c *wubu.PortalChange) *wubu.PortalChange { d := *c; return &d },
	audit: func(c *wubu.PortalChange) any {
		return map[string]any{"state": c.State, "kind": c.Kind, "value": cnformat.MaskPhone(c.Value), "person_id": c.PersonID, "note": c.DecisionNote}
	},
	timeline: func(c *wubu.PortalChange, action string) (string, string) {
		return "portal_change." + c.State, string(c.Kind) + " " + c.Value
	},
}

// checkChange normalises a change request's value, naming the field.
func checkChange(c *wubu.PortalChange) error {
	c.Value, c.Note = strings.TrimSpace(c.Value), strings.TrimSpace(c.Note)
	if utf8.RuneCountInString(c.Note) > 500 {
		return wubu.FieldErrorf("note", wubu.EINVALID, "Note must be at most %d characters.", 500)
	}
	switch c.Kind {
	case wubu.ChangePhone:
		p, err := cnformat.NormalizeMobile(c.Value)
		if err != nil || placeholderPhone(p) {
			return wubu.FieldErrorf("value", wubu.EINVALID, msgPortalPhone)
		}
		c.Value = p
	case wubu.ChangeSpecialDay:
		kind, date, _ := strings.Cut(c.Value, " ")
		if !wubu.SpecialDayKind(kind).Valid() || validDate("value", date) != nil {
			return wubu.FieldErrorf("value", wubu.EINVALID, "Choose the kind of day and write its date as 1980-05-06.")
		}
	case wubu.ChangeOptOut:
		if !notify.HasKind(c.Value) {
			return wubu.FieldErrorf("value", wubu.EINVALID, "Choose the messages you no longer want.")
		}
	default:
		return wubu.FieldErrorf("kind", wubu.EINVALID, "Choose what to change.")
	}
	return nil
}

// RequestChange asks for a change of the signed-in resident's record.
func (s *PortalService) RequestChange(ctx context.Context, c *wubu.PortalChange) error {
	id, err := portalResident(ctx)
	if err != nil {
		return err
	}
	if err := checkChange(c); err != nil {
		return err
	}
	c.ProjectID, c.PersonID, c.PersonName = id.ProjectID, id.PersonID, id.Name
	if c.Kind == wubu.ChangePhone {
		c.Old = id.Phone
	}
	_, err = runCreate(ctx, s.passes.run, changes, id.ProjectID, wubu.ChangeRequest, c, func(ctx context.Context, tx *Tx, c *wubu.PortalChange, u *wubu.User) (string, error) {
		c.CreatedAt = tx.now
		return c.Note, nil
	})
	return err
}

// listChanges lists requests by a condition, pending first, newest first.
func (s *PortalService) listChanges(ctx context.Context, where string, args ...any) ([]*wubu.PortalChange, error) {
	rows, err := s.db.query(ctx, `SELECT `+changeColumns+changeFrom+` WHERE `+where+` ORDER BY CASE WHEN c.state = 'pending' THEN 0 ELSE 1 END, c.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.PortalChange
	for rows.Next() {
		c, err := scanChange(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// MyChanges lists the resident's requests.
func (s *PortalService) MyChanges(ctx context.Context) ([]*wubu.PortalChange, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	return s.listChanges(ctx, `c.project_id = ? AND c.person_id = ?`, id.ProjectID, id.PersonID)
}

// FindChanges lists a project's requests for the desk.
func (s *PortalService) FindChanges(ctx context.Context, projectID int64) ([]*wubu.PortalChange, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	return s.listChanges(ctx, `c.project_id = ?`, projectID)
}

// ApplyChange writes a pending request into the resident's record.
func (s *PortalService) ApplyChange(ctx context.Context, id int64) (*wubu.PortalChange, error) {
	return runStep(ctx, s.passes.run, changes, id, wubu.ChangeApply, func(ctx context.Context, tx *Tx, c *wubu.PortalChange, u *wubu.User) (string, error) {
		c.DecidedBy, c.DecidedAt = actorID(u), &tx.now
		switch c.Kind {
		case wubu.ChangePhone:
			res, err := tx.exec(ctx, `UPDATE person_phones SET phone = ?, last4 = ? WHERE project_id = ? AND person_id = ? AND phone = ?`,
				c.Value, c.Value[len(c.Value)-4:], c.ProjectID, c.PersonID, c.Old)
			if err != nil {
				return "", err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				if _, err := tx.exec(ctx, `INSERT INTO person_phones (project_id, person_id, position, phone, last4)
					SELECT ?, ?, COALESCE(MAX(position), -1) + 1, ?, ? FROM person_phones WHERE project_id = ? AND person_id = ?`,
					c.ProjectID, c.PersonID, c.Value, c.Value[len(c.Value)-4:], c.ProjectID, c.PersonID); err != nil {
					return "", err
				}
			}
		case wubu.ChangeSpecialDay:
			kind, date, _ := strings.Cut(c.Value, " ")
			if err := addSpecialDay(ctx, tx, &wubu.SpecialDay{ProjectID: c.ProjectID, PersonID: c.PersonID, Kind: wubu.SpecialDayKind(kind), Date: date, Yearly: true, Note: c.Note}); err != nil {
				return "", err
			}
		case wubu.ChangeOptOut:
			if _, err := tx.exec(ctx, `INSERT INTO notify_optouts (project_id, person_id, kind, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				c.ProjectID, c.PersonID, c.Value, tx.now); err != nil {
				return "", err
			}
		default:
			return "", fmt.Errorf("change request %d: unknown kind %q", c.ID, c.Kind)
		}
		return "", nil
	})
}

// RejectChange refuses a pending request with a reason.
func (s *PortalService) RejectChange(ctx context.Context, id int64, reason string) (*wubu.PortalChange, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return nil, wubu.FieldErrorf("reason", wubu.EINVALID, "Give the reason for the refusal (at most %d characters).", 500)
	}
	return runStep(ctx, s.passes.run, changes, id, wubu.ChangeReject, func(ctx context.Context, tx *Tx, c *wubu.PortalChange, u *wubu.User) (string, error) {
		c.DecidedBy, c.DecidedAt, c.DecisionNote = actorID(u), &tx.now, reason
		return reason, nil
	})
}
