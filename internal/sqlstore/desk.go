package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/wubu-oss/wubu"
)

// DeskService implements wubu.DeskService: the front-desk queue (E2). Its
// standby calls are in desk_standby.go, its report and kiosks beside it.
type DeskService struct {
	db  *DB
	run *runner
}

var _ wubu.DeskService = (*DeskService)(nil)

// NewDeskService returns the desk queue over db; its calls go through the
// store's outbox.
func NewDeskService(db *DB) *DeskService {
	return &DeskService{db: db, run: newRunner(db, nil, nil)}
}

const ticketColumns = `t.id, t.project_id, t.day, t.number, t.business, t.note, t.state, t.taken_by, COALESCE(tu.name, ''), t.taken_at,
	t.served_by, COALESCE(su.name, ''), t.serve_start, t.serve_end, t.left_at, t.updated_at`

const ticketFrom = ` FROM desk_tickets t
	LEFT JOIN users tu ON tu.id = t.taken_by
	LEFT JOIN users su ON su.id = t.served_by`

func scanTicket(s interface{ Scan(...any) error }) (*wubu.DeskTicket, error) {
	t := &wubu.DeskTicket{}
	err := s.Scan(&t.ID, &t.ProjectID, &t.Day, &t.Number, &t.Business, &t.Note, &t.State, &t.TakenBy, &t.TakenByName, &t.TakenAt,
		&t.ServedBy, &t.ServedByName, &t.ServeStart, &t.ServeEnd, &t.LeftAt, &t.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return t, err
}

// tickets is how the life-cycle runner reads and writes desk tickets.
var tickets = &machine[*wubu.DeskTicket]{
	lc: wubu.TicketLifecycle,
	load: func(ctx context.Context, tx *Tx, id int64, lock bool) (*wubu.DeskTicket, error) {
		q := `SELECT ` + ticketColumns + ticketFrom + ` WHERE t.id = ?`
		if lock {
			q += tx.db.forUpdate("t")
		}
		return scanTicket(tx.queryRow(ctx, q, id))
	},
	facts: func(t *wubu.DeskTicket) facts {
		return facts{ProjectID: t.ProjectID, ID: t.ID, State: string(t.State), Post: wubu.PostService, ReporterID: t.TakenBy}
	},
	setState: func(t *wubu.DeskTicket, s string) { t.State = wubu.TicketState(s) },
	insert: func(ctx context.Context, tx *Tx, t *wubu.DeskTicket) (err error) {
		t.ID, err = tx.insert(ctx, `INSERT INTO desk_tickets (project_id, day, number, business, note, state, taken_by, taken_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.ProjectID, t.Day, t.Number, t.Business, t.Note, t.State, t.TakenBy, t.TakenAt, t.UpdatedAt)
		return err
	},
	save: func(ctx context.Context, tx *Tx, t *wubu.DeskTicket) error {
		_, err := tx.exec(ctx, `UPDATE desk_tickets SET state = ?, served_by = ?, serve_start = ?, serve_end = ?, left_at = ?, updated_at = ?
			WHERE project_id = ? AND id = ?`, t.State, t.ServedBy, t.ServeStart, t.ServeEnd, t.LeftAt, tx.now, t.ProjectID, t.ID)
		return err
	},
	clone: func(t *wubu.DeskTicket) *wubu.DeskTicket { c := *t; return &c },
	audit: func(t *wubu.DeskTicket) any {
		return map[string]any{"state": t.State, "number": t.Number, "day": t.Day, "business": t.Business, "served_by": t.ServedBy}
	},
}

// TakeNumber gives the next number of the day.
func (s *DeskService) TakeNumber(ctx context.Context, projectID int64, business wubu.DeskBusiness, note string) (*wubu.DeskTicket, error) {
	note = strings.TrimSpace(note)
	switch {
	case !business.Valid():
		return nil, wubu.FieldErrorf("business", wubu.EINVALID, "Choose the business the customer comes for.")
	case len([]rune(note)) > 200:
		return nil, wubu.FieldErrorf("note", wubu.EINVALID, "The note may be at most %d characters.", 200)
	}
	t := &wubu.DeskTicket{ProjectID: projectID, Business: business, Note: note}
	_, err := runCreate(ctx, s.run, tickets, projectID, wubu.TicketTake, t, func(ctx context.Context, tx *Tx, t *wubu.DeskTicket, u *wubu.User) (string, error) {
		// The desk's row is locked first: numbers and the count of those
		// waiting are then read one transaction at a time.
		if err := lockDesk(ctx, tx, t.ProjectID); err != nil {
			return "", err
		}
		t.Day = tx.now.In(cst).Format("2006-01-02")
		if err := tx.queryRow(ctx, `SELECT COALESCE(MAX(number), 0) + 1 FROM desk_tickets WHERE project_id = ? AND day = ?`, t.ProjectID, t.Day).Scan(&t.Number); err != nil {
			return "", err
		}
		if u.ID != 0 {
			t.TakenBy, t.TakenByName = &u.ID, u.Name
		}
		t.TakenAt, t.UpdatedAt = tx.now, tx.now
		return string(t.Business), nil
	}, func(ctx context.Context, tx *Tx, t *wubu.DeskTicket, u *wubu.User) (string, error) {
		return "", checkQueue(ctx, tx, t.ProjectID)
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ticketStep takes a step on a ticket, then looks at the queue again.
func (s *DeskService) ticketStep(ctx context.Context, id int64, action string, fn func(tx *Tx, t *wubu.DeskTicket, u *wubu.User)) (*wubu.DeskTicket, error) {
	if _, err := runStep(ctx, s.run, tickets, id, action, func(ctx context.Context, tx *Tx, t *wubu.DeskTicket, u *wubu.User) (string, error) {
		if err := lockDesk(ctx, tx, t.ProjectID); err != nil {
			return "", err
		}
		fn(tx, t, u)
		// The queue is counted with this ticket as the step leaves it.
		return "", checkQueueWith(ctx, tx, t)
	}); err != nil {
		return nil, err
	}
	return s.FindTicket(ctx, id)
}

// ServeTicket calls a waiting ticket to the desk.
func (s *DeskService) ServeTicket(ctx context.Context, id int64) (*wubu.DeskTicket, error) {
	return s.ticketStep(ctx, id, wubu.TicketServe, func(tx *Tx, t *wubu.DeskTicket, u *wubu.User) {
		t.ServeStart = &tx.now
		if u.ID != 0 {
			t.ServedBy = &u.ID
		}
	})
}

// FinishTicket ends a ticket's service.
func (s *DeskService) FinishTicket(ctx context.Context, id int64) (*wubu.DeskTicket, error) {
	return s.ticketStep(ctx, id, wubu.TicketFinish, func(tx *Tx, t *wubu.DeskTicket, u *wubu.User) { t.ServeEnd = &tx.now })
}

// LeaveTicket records that a waiting customer left.
func (s *DeskService) LeaveTicket(ctx context.Context, id int64) (*wubu.DeskTicket, error) {
	return s.ticketStep(ctx, id, wubu.TicketLeave, func(tx *Tx, t *wubu.DeskTicket, u *wubu.User) { t.LeftAt = &tx.now })
}

// FindTicket returns a ticket.
func (s *DeskService) FindTicket(ctx context.Context, id int64) (*wubu.DeskTicket, error) {
	t, err := scanTicket(s.db.queryRow(ctx, `SELECT `+ticketColumns+ticketFrom+` WHERE t.id = ?`, id))
	if err != nil {
		return nil, err
	}
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, t.ProjectID); err != nil {
		return nil, err
	}
	return t, nil
}

// Board returns the live board: those waiting (first come first), those
// being served, and whom the standby call reached.
func (s *DeskService) Board(ctx context.Context, projectID int64) (*wubu.DeskBoard, error) {
	if _, err := wubu.Authorize(ctx, wubu.PermResidentView, projectID); err != nil {
		return nil, err
	}
	st, err := loadDeskSettings(ctx, s.db.read, s.db, projectID)
	if err != nil {
		return nil, err
	}
	b := &wubu.DeskBoard{ProjectID: projectID, Threshold: st.WaitThreshold, Now: s.db.now()}
	rows, err := s.db.query(ctx, `SELECT `+ticketColumns+ticketFrom+` WHERE t.project_id = ? AND t.state IN (?, ?) ORDER BY t.taken_at, t.id LIMIT 500`,
		projectID, wubu.TicketWaiting, wubu.TicketServing)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		if t.State == wubu.TicketWaiting {
			b.Waiting = append(b.Waiting, t)
		} else {
			b.Serving = append(b.Serving, t)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	b.Above, b.Calls, err = s.lastCalls(ctx, projectID)
	return b, err
}
