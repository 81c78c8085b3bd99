package sqlstore

import (
	"context"

	"github.com/wubu-oss/wubu"
)

// PortalService implements wubu.PortalService: what a signed-in resident
// sees and does, scoped by their households. The resident's steps on
// orders, passes, complaints and hazards are those objects' own life-cycle
// steps (declared Resident), run by the one runner.
type PortalService struct {
	db         *DB
	orders     *OrderService
	passes     *PassService
	complaints *ComplaintService
	hazards    *HazardService
}

var _ wubu.PortalService = (*PortalService)(nil)

// NewPortalService returns the residents' portal over db; the resident's
// steps arm and stop their objects' clocks on clocks and queue their
// notices in the outbox.
func NewPortalService(db *DB, clocks wubu.ClockService) *PortalService {
	return &PortalService{db: db, orders: NewOrderService(db, clocks, nil), passes: NewPassService(db, clocks),
		complaints: NewComplaintService(db, clocks), hazards: NewHazardService(db, clocks)}
}

// inHome reports whether a room of a project is one of the resident's.
func inHome(id *wubu.PortalIdentity, projectID int64, roomID *int64) bool {
	if roomID == nil || projectID != id.ProjectID {
		return false
	}
	_, ok := id.Home(*roomID)
	return ok
}

// roomArgs returns the resident's project and rooms as query arguments,
// with the placeholders of the rooms.
func roomArgs(id *wubu.PortalIdentity) (string, []any) {
	args := []any{id.ProjectID}
	for _, r := range id.RoomIDs() {
		args = append(args, r)
	}
	return placeholders(len(args) - 1), args
}

// side groups relations into the sides of a home: an owner's family, or
// the tenants'. A resident sees the vehicles and cards of their own side.
func side(r wubu.Relation) string {
	if r == wubu.RelationTenant {
		return "tenant"
	}
	return "owner"
}

// Homes returns the resident's homes with members, vehicles and cards.
func (s *PortalService) Homes(ctx context.Context) ([]*wubu.PortalHomeDetail, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*wubu.PortalHomeDetail, 0, len(id.Homes))
	for _, h := range id.Homes {
		d, err := s.homeDetail(ctx, id, h)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// Home returns one of the resident's homes.
func (s *PortalService) Home(ctx context.Context, householdID int64) (*wubu.PortalHomeDetail, error) {
	id, err := portalResident(ctx)
	if err != nil {
		return nil, err
	}
	for _, h := range id.Homes {
		if h.HouseholdID == householdID {
			return s.homeDetail(ctx, id, h)
		}
	}
	return nil, wubu.Errorf(wubu.ENOTFOUND, "Not found.")
}

// homeDetail reads a home's members, and the vehicles and cards of the
// resident's side of it.
func (s *PortalService) homeDetail(ctx context.Context, id *wubu.PortalIdentity, h *wubu.PortalHome) (*wubu.PortalHomeDetail, error) {
	d := &wubu.PortalHomeDetail{PortalHome: *h}
	rows, err := s.db.query(ctx, `SELECT p.id, p.name, hh.relation FROM households hh JOIN persons p ON p.project_id = hh.project_id AND p.id = hh.person_id
		WHERE hh.project_id = ? AND hh.room_id = ? AND hh.move_out = '' ORDER BY hh.id`, id.ProjectID, h.RoomID)
	if err != nil {
		return nil, err
	}
	var mine []any
	for rows.Next() {
		m := &wubu.PortalMember{}
		if err := rows.Scan(&m.PersonID, &m.Name, &m.Relation); err != nil {
			rows.Close()
			return nil, err
		}
		d.Members = append(d.Members, m)
		if side(m.Relation) == side(h.Relation) {
			mine = append(mine, m.PersonID)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(mine) == 0 {
		return d, nil
	}
	args := append([]any{id.ProjectID}, mine...)
	vrows, err := s.db.query(ctx, `SELECT id, project_id, person_id, plate, note FROM vehicles WHERE project_id = ? AND person_id IN (`+placeholders(len(mine))+`) ORDER BY plate`, args...)
	if err != nil {
		return nil, err
	}
	for vrows.Next() {
		v := &wubu.Vehicle{}
		if err := vrows.Scan(&v.ID, &v.ProjectID, &v.PersonID, &v.Plate, &v.Note); err != nil {
			vrows.Close()
			return nil, err
		}
		d.Vehicles = append(d.Vehicles, v)
	}
	vrows.Close()
	if err := vrows.Err(); err != nil {
		return nil, err
	}
	crows, err := s.db.query(ctx, `SELECT id, project_id, person_id, kind, number, expires_on FROM cards WHERE project_id = ? AND person_id IN (`+placeholders(len(mine))+`) ORDER BY expires_on, kind`, args...)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	for crows.Next() {
		c := &wubu.Card{}
		if err := crows.Scan(&c.ID, &c.ProjectID, &c.PersonID, &c.Kind, &c.Number, &c.ExpiresOn); err != nil {
			return nil, err
		}
		d.Cards = append(d.Cards, c)
	}
	return d, crows.Err()
}
