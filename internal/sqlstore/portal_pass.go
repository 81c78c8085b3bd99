package sqlstore

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/wubu-oss/wubu"
)

// A resident's release passes on the portal (S8): the passes of their
// rooms; an owner confirms or refuses a pass for their room with a tap —
// the pass's own confirm and refuse steps, the owner's word recorded as
// "confirmed through the portal". The guard's page turns as it does when
// the desk confirms.

func notFoundPass() error { return wubu.Errorf(wubu.ENOTFOUND, "Pass not found.") }

// Passes lists the passes of the resident's rooms, newest first.
func (s *PortalService) Passes(ctx context.Context) ([]*wubu.Pass, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	in, args := roomArgs(id)
	rows, err := s.db.query(ctx, `SELECT `+passColumns+passFrom+` WHERE p.project_id = ? AND p.room_id IN (`+in+`) ORDER BY p.id DESC LIMIT 100`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*wubu.Pass
	for rows.Next() {
		p, err := scanPass(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// pass reads a pass of the resident's rooms; another is not found.
func (s *PortalService) pass(ctx context.Context, passID int64) (*wubu.PortalIdentity, *wubu.Pass, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := scanPass(s.db.queryRow(ctx, `SELECT `+passColumns+passFrom+` WHERE p.id = ?`, passID))
	if err != nil || !inHome(id, p.ProjectID, &p.RoomID) {
		return nil, nil, notFoundPass()
	}
	return id, p, nil
}

// Pass returns a pass of the resident's rooms, with the room's owners.
func (s *PortalService) Pass(ctx context.Context, passID int64) (*wubu.Pass, error) {
	_, p, err := s.pass(ctx, passID)
	if err != nil {
		return nil, err
	}
	return s.passes.withOwners(ctx, p)
}

// DecidePass confirms or refuses a pending pass of a room the resident
// owns.
func (s *PortalService) DecidePass(ctx context.Context, passID int64, confirm bool, reason string) (*wubu.Pass, error) {
	id, p, err := s.pass(ctx, passID)
	if err != nil {
		return nil, err
	}
	if !id.Owns(p.RoomID) {
		return nil, wubu.Errorf(wubu.EFORBIDDEN, "Only an owner of room %s confirms its release passes.", p.RoomLabel)
	}
	me := id.PersonID
	action, fn := wubu.PassRefuse, stepFunc[*wubu.Pass](nil)
	if confirm {
		action = wubu.PassConfirm
		if fn, err = confirmPassStep(wubu.PassConfirmation{Method: wubu.PassOwnerPortal, OwnerPersonID: &me}); err != nil {
			return nil, err
		}
	} else {
		reason = strings.TrimSpace(reason)
		if reason == "" || utf8.RuneCountInString(reason) > 500 {
			return nil, wubu.FieldErrorf("reason", wubu.EINVALID, "Give the reason for the refusal (at most %d characters).", 500)
		}
		fn = func(ctx context.Context, tx *Tx, p *wubu.Pass, u *wubu.User) (string, error) {
			p.DecidedBy, p.DecidedAt, p.OwnerPersonID, p.DecisionNote = actorID(u), &tx.now, &me, reason
			return reason, nil
		}
	}
	if _, err := runStep(ctx, s.passes.run, passes, passID, action, fn); err != nil {
		return nil, err
	}
	return s.Pass(ctx, passID)
}
