package sqlstore

import (
	"context"
	"slices"

	"github.com/wubu-oss/wubu"
)

// Events on the residents' portal: a resident signs themselves up for an
// open event of their project (or of their building), and cancels; the
// waiting list applies as for a sign-up taken by staff.

// signupTake is the declared sign-up step, for authorizing the callers of
// sign-ups and cancellations (staff, or the resident on the portal).
var signupTake, _ = wubu.SignupLifecycle.Step(wubu.SignupTake)

// nullID stores an ID of 0 as NULL (a row a resident made, without staff).
func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// signupCaller authorizes the caller of a sign-up for personID to an event
// of a project (for the audience of a building, when set): staff with
// PermResidentEdit, or the resident signed in to the portal for
// themselves, living in the event's building — anyone else's sign-up, or
// another building's event, is not found.
func signupCaller(ctx context.Context, projectID int64, buildingID *int64, personID int64) (*wubu.User, error) {
	u := wubu.UserFromContext(ctx)
	if u == nil || u.Role != wubu.RoleResident {
		return wubu.Authorize(ctx, wubu.PermResidentEdit, projectID)
	}
	id := wubu.PortalIdentityFromContext(ctx)
	if id == nil || id.PersonID != personID || id.ProjectID != projectID ||
		buildingID != nil && !slices.ContainsFunc(id.Homes, func(h *wubu.PortalHome) bool { return h.BuildingID == *buildingID }) {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return wubu.Authorize(ctx, wubu.PermPortal, projectID)
}

// MyEvents returns the open events the resident signed in to the portal
// may sign up for (their project's, or their building's), soonest first,
// each with the resident's live sign-up.
func (s *EventService) MyEvents(ctx context.Context) ([]*wubu.MyEvent, error) {
	id := wubu.PortalIdentityFromContext(ctx)
	if id == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	if _, err := wubu.Authorize(ctx, wubu.PermPortal, id.ProjectID); err != nil {
		return nil, err
	}
	rows, err := s.db.query(ctx, `SELECT `+eventColumns+`,
		(SELECT MAX(g.id) FROM event_signups g WHERE g.project_id = e.project_id AND g.event_id = e.id AND g.person_id = ? AND g.state <> 'cancelled'),
		(SELECT MAX(g.state) FROM event_signups g WHERE g.project_id = e.project_id AND g.event_id = e.id AND g.person_id = ? AND g.state <> 'cancelled')`+eventFrom+`
		WHERE e.project_id = ? AND e.state = ? AND e.starts_at > ? ORDER BY e.starts_at, e.id LIMIT 100`,
		id.PersonID, id.PersonID, id.ProjectID, wubu.EventOpen, s.db.now().UTC())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*wubu.MyEvent{}
	for rows.Next() {
		m := &wubu.MyEvent{Event: &wubu.Event{}}
		e := m.Event
		var state *string
		if err := rows.Scan(&e.ID, &e.ProjectID, &e.Kind, &e.Topic, &e.Title, &e.Place, &e.StartsAt, &e.Capacity, &e.BuildingID, &e.BuildingName, &e.Note, &e.State,
			&e.CreatedBy, &e.CreatedAt, &e.UpdatedAt, &e.Confirmed, &e.Waiting, &e.Attended, &m.SignupID, &state); err != nil {
			return nil, err
		}
		if state != nil {
			m.Signup = wubu.SignupState(*state)
		}
		if e.BuildingID != nil && !slices.ContainsFunc(id.Homes, func(h *wubu.PortalHome) bool { return h.BuildingID == *e.BuildingID }) {
			continue
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// SignMeUp signs the resident signed in to the portal up for an event.
func (s *EventService) SignMeUp(ctx context.Context, eventID int64) (*wubu.Signup, error) {
	id := wubu.PortalIdentityFromContext(ctx)
	if id == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	return s.SignUp(ctx, eventID, id.PersonID)
}

// CancelMySignup cancels the resident's live sign-up for an event.
func (s *EventService) CancelMySignup(ctx context.Context, eventID int64) (*wubu.Signup, error) {
	id := wubu.PortalIdentityFromContext(ctx)
	if id == nil {
		return nil, wubu.Errorf(wubu.EUNAUTHORIZED, "Please sign in.")
	}
	var signupID int64
	if err := s.db.queryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM event_signups WHERE project_id = ? AND event_id = ? AND person_id = ? AND state IN ('confirmed', 'waiting')`,
		id.ProjectID, eventID, id.PersonID).Scan(&signupID); err != nil {
		return nil, err
	}
	if signupID == 0 {
		return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
	}
	return s.CancelSignup(ctx, signupID)
}
